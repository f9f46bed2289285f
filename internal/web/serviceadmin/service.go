package serviceadmin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// The service editor an admin uses every day: names, description, fee,
// promised time, who may apply and the result document, as plain fields.
// Requirements, the form and the workflow have pages of their own; the
// whole definition as JSON stays as an expert page (/json). Texts may be
// written in the tenant's language only: the others wait for a translation
// and readers are told.

// serviceBasics are the inputs of the everyday editor.
var serviceBasics = []string{"code", "category", "name_id", "name_ja", "name_en", "desc_id", "desc_ja", "desc_en",
	"fee_amount", "fee_currency", "sla_days", "published", "elig_id", "elig_ja", "elig_en", "residents_only",
	"output_kind", "output_id", "output_ja", "output_en"}

type serviceEditView struct {
	Code         string // "" for a new service
	Requirements int
	Missing      string // the languages with no name yet, by their own names
}

func basicsForm(p *web.Page, svc catalog.Service) {
	set := func(prefix string, l catalog.Labels) {
		for _, lang := range workflow.Languages {
			p.Form.Set(prefix+lang, l[lang])
		}
	}
	set("name_", svc.Names)
	set("desc_", svc.Descriptions)
	set("elig_", svc.Eligibility.Labels)
	set("output_", svc.Output.Labels)
	p.Form.Set("code", svc.Code)
	p.Form.Set("category", svc.Category)
	p.Form.Set("fee_amount", strconv.FormatInt(svc.FeeAmount, 10))
	p.Form.Set("fee_currency", svc.FeeCurrency)
	p.Form.Set("sla_days", strconv.Itoa(svc.SLADays))
	p.Form.Set("output_kind", svc.Output.Kind)
	if svc.Published {
		p.Form.Set("published", "on")
	}
	if svc.Eligibility.ResidentsOnly {
		p.Form.Set("residents_only", "on")
	}
}

func (s *Pages) renderServiceBasics(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc catalog.Service, errs validation.Errors, status int) {
	title := "admin.service.edit"
	if svc.ID == "" {
		title = "admin.service.new"
	}
	p := s.NewPage(r, title)
	p.Tenant = t
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	if errs != nil {
		for _, k := range serviceBasics {
			p.Form.Set(k, r.PostForm.Get(k))
		}
	} else {
		basicsForm(p, svc)
	}
	v := serviceEditView{Requirements: len(svc.Requirements)}
	if svc.ID != "" {
		v.Code = svc.Code
	}
	var missing []string
	for _, lang := range workflow.Languages {
		if svc.ID != "" && svc.Untranslated(lang) {
			missing = append(missing, s.Catalog.T(lang, "lang.name"))
		}
	}
	v.Missing = strings.Join(missing, ", ")
	p.Data = v
	s.Render(w, status, "admin_service", p)
}

func (s *Pages) adminServiceEdit(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	s.renderServiceBasics(w, r, t, *svc, nil, http.StatusOK)
}

func (s *Pages) adminServiceNew(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	s.renderServiceBasics(w, r, t, newService(t), nil, http.StatusOK)
}

// newService is where a service made through the pages starts: the
// standard workflow, a letter as result, and a one-question form the admin
// then shapes in the form builder.
func newService(t *tenant.Tenant) catalog.Service {
	cur := map[bool]string{true: "JPY", false: "IDR"}[t.Country == "JP"]
	return catalog.Service{SLADays: 3, FeeCurrency: cur, Workflow: workflow.Standard(),
		Output: catalog.Output{Kind: "letter"},
		Form: form.Form{
			Sections: []form.Section{{Labels: form.Labels{"id": "Permohonan", "ja": "申請内容", "en": "Your application"}}},
			Fields: []form.Field{{Name: "details", Type: form.TypeTextarea, Required: true,
				Labels: form.Labels{"id": "Apa yang Anda perlukan?", "ja": "ご用件をお書きください", "en": "What do you need?"}}},
		}}
}

// adminServiceSave saves the everyday editor: its fields over the stored
// definition (or a new service's), everything else kept as it was.
func (s *Pages) adminServiceSave(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	svc := newService(t)
	if code := r.PathValue("code"); code != "" {
		old, err := s.Services.ByCode(r.Context(), t.ID, code)
		if errors.Is(err, catalog.ErrNotFound) {
			s.NotFound(w, r)
			return
		}
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		svc = old
	} else {
		svc.Code = r.PostForm.Get("code")
	}
	errs := readBasics(r, &svc)
	if len(errs) == 0 {
		var answered bool
		if errs, answered = s.save(w, r, t, svc, func(saved catalog.Service) string {
			return s.Path("/{tenant}/admin/services/{code}", t.Slug, saved.Code)
		}); answered {
			return
		}
	}
	s.renderServiceBasics(w, r, t, svc, errs, http.StatusUnprocessableEntity)
}

// readBasics reads the everyday editor's fields into svc; numbers typed
// full-width are read too.
func readBasics(r *http.Request, svc *catalog.Service) validation.Errors {
	f := r.PostForm
	labels := func(prefix string) catalog.Labels {
		l := catalog.Labels{}
		for _, lang := range workflow.Languages {
			if v := strings.TrimSpace(f.Get(prefix + lang)); v != "" {
				l[lang] = v
			}
		}
		return l
	}
	var errs validation.Errors
	svc.Category = strings.TrimSpace(f.Get("category"))
	svc.Names, svc.Descriptions = labels("name_"), labels("desc_")
	svc.FeeCurrency = strings.ToUpper(strings.TrimSpace(f.Get("fee_currency")))
	svc.Published = f.Get("published") == "on"
	svc.Eligibility = catalog.Eligibility{Labels: labels("elig_"), ResidentsOnly: f.Get("residents_only") == "on"}
	svc.Output = catalog.Output{Kind: f.Get("output_kind"), Labels: labels("output_")}
	var err error
	if svc.FeeAmount, err = strconv.ParseInt(strings.TrimSpace(validation.Narrow(f.Get("fee_amount"))), 10, 64); err != nil {
		errs.Add("fee_amount", "error.field.integer")
	}
	if svc.SLADays, err = strconv.Atoi(strings.TrimSpace(validation.Narrow(f.Get("sla_days")))); err != nil {
		errs.Add("sla_days", "error.field.integer")
	}
	return errs
}
