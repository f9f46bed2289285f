package serviceadmin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// The steps of a service as an admin sees them: what each state and each
// button is called, how many working days a state may take, and which
// buttons need a reason. Adding or joining states changes the shape of the
// process and stays in the JSON editor, where it is checked as a whole.

type workflowStepView struct {
	Key, Name, SLAName string // input names: s0_id …, s0_sla
	Code, Label        string
	SLA                bool // the state runs a clock (not a start or end)
}

type workflowView struct {
	Code    string
	States  []workflowStepView
	Actions []workflowStepView
}

func (s *Pages) adminWorkflow(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	s.renderWorkflow(w, r, t, svc, nil, http.StatusOK)
}

func (s *Pages) renderWorkflow(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc *catalog.Service, errs validation.Errors, status int) {
	p := s.NewPage(r, "admin.workflow.title")
	p.Tenant = t
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	v := workflowView{Code: svc.Code}
	d := svc.Workflow
	for i, st := range d.States {
		key := "s" + strconv.Itoa(i)
		v.States = append(v.States, workflowStepView{Key: key, Code: st.Name, Label: st.Labels.In(p.Lang()), SLA: !st.End})
		if errs == nil {
			setLabels(p, key, st.Labels)
			p.Form.Set(key+"_sla", strconv.Itoa(st.SLADays))
		}
	}
	for i, a := range d.Actions {
		key := "a" + strconv.Itoa(i)
		v.Actions = append(v.Actions, workflowStepView{Key: key, Code: a.Name, Label: a.Labels.In(p.Lang())})
		if errs == nil {
			setLabels(p, key, a.Labels)
			if a.CommentRequired {
				p.Form.Set(key+"_reason", "on")
			}
		}
	}
	if errs != nil {
		p.Form = r.PostForm
	}
	p.Data = v
	s.Render(w, status, "admin_workflow", p)
}

func setLabels(p *web.Page, key string, l workflow.Labels) {
	for _, lang := range workflow.Languages {
		p.Form.Set(key+"_"+lang, l[lang])
	}
}

func labelsFrom(r *http.Request, key string) workflow.Labels {
	l := workflow.Labels{}
	for _, lang := range workflow.Languages {
		if v := strings.TrimSpace(r.PostForm.Get(key + "_" + lang)); v != "" {
			l[lang] = v
		}
	}
	return l
}

// adminWorkflowSave changes words, days and reasons of the existing steps;
// the shape (which states, which buttons lead where) is kept.
func (s *Pages) adminWorkflowSave(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	d := svc.Workflow
	d.States = append([]workflow.State(nil), d.States...)
	d.Actions = append([]workflow.Action(nil), d.Actions...)
	var errs validation.Errors
	for i := range d.States {
		key := "s" + strconv.Itoa(i)
		d.States[i].Labels = labelsFrom(r, key)
		if d.States[i].Labels.Empty() {
			errs.Add(key+"_"+tenantLang(t), "error.workflow.words")
		}
		if d.States[i].End {
			continue
		}
		days, err := strconv.Atoi(strings.TrimSpace(validation.Narrow(r.PostForm.Get(key + "_sla"))))
		if err != nil || days < 0 || days > 365 {
			errs.Add(key+"_sla", "error.workflow.days")
		}
		d.States[i].SLADays = days
	}
	for i := range d.Actions {
		key := "a" + strconv.Itoa(i)
		d.Actions[i].Labels = labelsFrom(r, key)
		if d.Actions[i].Labels.Empty() {
			errs.Add(key+"_"+tenantLang(t), "error.workflow.words")
		}
		d.Actions[i].CommentRequired = r.PostForm.Get(key+"_reason") == "on"
	}
	if len(errs) == 0 {
		changed := *svc
		changed.Workflow = d
		var answered bool
		if errs, answered = s.save(w, r, t, changed, func(saved catalog.Service) string {
			return s.Path("/{tenant}/admin/services/{code}/workflow", t.Slug, saved.Code)
		}); answered {
			return
		}
	}
	s.renderWorkflow(w, r, t, svc, errs, http.StatusUnprocessableEntity)
}
