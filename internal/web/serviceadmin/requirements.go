package serviceadmin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// The documents a service asks residents for, edited as a list: add one
// by its name in words (its internal name is made from them), change its
// words, whether it is required, which files and how large, or remove it
// after saying yes.

type requirementRow struct {
	Name, Label, Types, MaxMB string
	Required                  bool
}

type requirementsView struct {
	Code    string
	Rows    []requirementRow
	Editing string // the requirement in the form below; "" adds one
	Types   []web.OptionView
}

var requirementInputs = []string{"label_id", "label_ja", "label_en", "required", "max_mb"}

func (s *Pages) adminRequirements(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	s.renderRequirements(w, r, t, svc, "", nil, http.StatusOK)
}

func (s *Pages) adminRequirementEdit(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	if svc.Requirement(r.PathValue("name")) == nil {
		s.NotFound(w, r)
		return
	}
	s.renderRequirements(w, r, t, svc, r.PathValue("name"), nil, http.StatusOK)
}

func (s *Pages) renderRequirements(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc *catalog.Service, editing string, errs validation.Errors, status int) {
	p := s.NewPage(r, "admin.requirements.title")
	p.Tenant = t
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	lang := p.Lang()
	v := requirementsView{Code: svc.Code, Editing: editing}
	for _, rq := range svc.Requirements {
		var types []string
		for _, a := range rq.Accept {
			types = append(types, p.T("admin.requirement.type."+typeWord(a)))
		}
		if len(types) == 0 {
			types = []string{p.T("admin.requirement.type.any")}
		}
		v.Rows = append(v.Rows, requirementRow{Name: rq.Name, Label: rq.Labels.In(lang), Types: strings.Join(types, ", "),
			MaxMB: strconv.FormatInt(max(rq.MaxBytes, 1<<20)>>20, 10), Required: rq.Required})
	}
	chosen := map[string]bool{}
	switch {
	case errs != nil:
		for _, k := range requirementInputs {
			p.Form.Set(k, r.PostForm.Get(k))
		}
		for _, a := range r.PostForm["accept"] {
			chosen[a] = true
		}
	case editing != "":
		rq := svc.Requirement(editing)
		for _, l := range workflow.Languages {
			p.Form.Set("label_"+l, rq.Labels[l])
		}
		if rq.Required {
			p.Form.Set("required", "on")
		}
		p.Form.Set("max_mb", strconv.FormatInt(max(rq.MaxBytes, 1<<20)>>20, 10))
		for _, a := range rq.Accept {
			chosen[a] = true
		}
	default:
		p.Form.Set("required", "on")
		p.Form.Set("max_mb", "5")
		chosen["application/pdf"], chosen["image/jpeg"], chosen["image/png"] = true, true, true
	}
	for _, a := range catalog.DocumentTypes {
		v.Types = append(v.Types, web.OptionView{Value: a, Label: p.T("admin.requirement.type." + typeWord(a)), Checked: chosen[a]})
	}
	p.Data = v
	s.Render(w, status, "admin_requirements", p)
}

// typeWord names a media type in message keys: "application/pdf" -> "pdf".
func typeWord(mediaType string) string {
	_, word, _ := strings.Cut(mediaType, "/")
	return word
}

// adminRequirementSave adds a requirement (no {name}) or changes one.
func (s *Pages) adminRequirementSave(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	rq := catalog.Requirement{Labels: catalog.Labels{}, Required: f.Get("required") == "on", Accept: f["accept"]}
	for _, l := range workflow.Languages {
		if v := strings.TrimSpace(f.Get("label_" + l)); v != "" {
			rq.Labels[l] = v
		}
	}
	var errs validation.Errors
	mb, err := strconv.Atoi(strings.TrimSpace(validation.Narrow(f.Get("max_mb"))))
	if err != nil || mb < 1 || mb > catalog.MaxDocumentBytes>>20 {
		errs.Add("max_mb", "error.requirement.max_mb", strconv.Itoa(catalog.MaxDocumentBytes>>20))
	}
	rq.MaxBytes = int64(mb) << 20
	if rq.Labels.Empty() {
		errs.Add("label_"+tenantLang(t), "error.requirement.words")
	}
	if len(rq.Accept) == 0 {
		errs.Add("accept", "error.requirement.no_type")
	}
	next := slices.Clone(svc.Requirements)
	editing := r.PathValue("name")
	if editing == "" {
		rq.Name = catalog.RequirementName(next, rq.Labels)
		next = append(next, rq)
	} else {
		i := slices.IndexFunc(next, func(x catalog.Requirement) bool { return x.Name == editing })
		if i < 0 {
			s.NotFound(w, r)
			return
		}
		rq.Name = editing
		next[i] = rq
	}
	s.saveRequirements(w, r, t, svc, next, editing, errs)
}

// saveRequirements stores the changed list, or shows the page again with
// the problems, nothing saved.
func (s *Pages) saveRequirements(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc *catalog.Service,
	next []catalog.Requirement, editing string, errs validation.Errors) {
	if len(errs) == 0 {
		changed := *svc
		changed.Requirements = next
		var answered bool
		if errs, answered = s.save(w, r, t, changed, func(saved catalog.Service) string {
			return s.Path("/{tenant}/admin/services/{code}/requirements", t.Slug, saved.Code)
		}); answered {
			return
		}
	}
	s.renderRequirements(w, r, t, svc, editing, errs, http.StatusUnprocessableEntity)
}

// adminRequirementDelete removes a requirement after a page that asks.
// Documents residents already sent for it stay with their applications.
func (s *Pages) adminRequirementDelete(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	name := r.PathValue("name")
	rq := svc.Requirement(name)
	if rq == nil {
		s.NotFound(w, r)
		return
	}
	base := s.Path("/{tenant}/admin/services/{code}/requirements", t.Slug, svc.Code)
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "confirm.requirement.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = web.ConfirmView{Question: p.T("confirm.requirement.title"), Explain: p.T("confirm.requirement.explain", rq.Labels.In(p.Lang())),
			Yes: p.T("confirm.requirement.yes"), No: p.T("confirm.requirement.no"), Action: base + "/" + name + "/delete", Back: base}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	next := slices.DeleteFunc(slices.Clone(svc.Requirements), func(x catalog.Requirement) bool { return x.Name == name })
	s.saveRequirements(w, r, t, svc, next, "", nil)
}
