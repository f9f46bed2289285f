package serviceadmin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Tenant admin pages for the service catalog: list, export and import, and
// the expert editor of a whole definition as JSON (page_admin_service.go
// has the everyday one).

func (s *Pages) adminServices(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	svcs, err := s.Services.List(r.Context(), t.ID, false)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "admin.services.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	p.Data = svcs
	s.Render(w, http.StatusOK, "admin_services", p)
}

func (s *Pages) adminServiceFor(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, *catalog.Service, bool) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return nil, nil, false
	}
	svc, err := s.Services.ByCode(r.Context(), t.ID, r.PathValue("code"))
	if errors.Is(err, catalog.ErrNotFound) {
		s.NotFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, nil, false
	}
	return t, &svc, true
}

// serviceFormFields are the inputs of the service editor.
var serviceFormFields = []string{"code", "category", "name_id", "name_ja", "name_en", "desc_id", "desc_ja", "desc_en",
	"fee_amount", "fee_currency", "sla_days", "published", "eligibility", "requirements", "form", "workflow", "output"}

func fillServiceForm(p *web.Page, svc catalog.Service) {
	js := func(v any) string {
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	}
	vals := map[string]string{"code": svc.Code, "category": svc.Category, "name_id": svc.Names["id"], "name_ja": svc.Names["ja"],
		"name_en": svc.Names["en"], "desc_id": svc.Descriptions["id"], "desc_ja": svc.Descriptions["ja"], "desc_en": svc.Descriptions["en"],
		"fee_amount": strconv.FormatInt(svc.FeeAmount, 10), "fee_currency": svc.FeeCurrency, "sla_days": strconv.Itoa(svc.SLADays),
		"eligibility": js(svc.Eligibility), "requirements": js(svc.Requirements), "form": js(svc.Form), "workflow": js(svc.Workflow),
		"output": js(svc.Output)}
	for k, v := range vals {
		p.Form.Set(k, v)
	}
	if svc.Published {
		p.Form.Set("published", "on")
	}
}

// adminServiceJSON is the expert editor: the whole definition, its
// form and workflow as JSON, checked in full before anything is saved.
func (s *Pages) adminServiceJSON(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "admin.service.json")
	p.Tenant = t
	fillServiceForm(p, *svc)
	p.Data = svc.Code
	s.Render(w, http.StatusOK, "admin_service_form", p)
}

// serviceFromForm reads the editor; JSON parts that do not parse are field
// errors, like any other bad input.
func serviceFromForm(r *http.Request) (catalog.Service, validation.Errors) {
	f := r.PostForm
	var errs validation.Errors
	svc := catalog.Service{Code: f.Get("code"), Category: strings.TrimSpace(f.Get("category")),
		Names:        catalog.Labels{"id": strings.TrimSpace(f.Get("name_id")), "ja": strings.TrimSpace(f.Get("name_ja")), "en": strings.TrimSpace(f.Get("name_en"))},
		Descriptions: catalog.Labels{"id": strings.TrimSpace(f.Get("desc_id")), "ja": strings.TrimSpace(f.Get("desc_ja")), "en": strings.TrimSpace(f.Get("desc_en"))},
		FeeCurrency:  strings.ToUpper(strings.TrimSpace(f.Get("fee_currency"))), Published: f.Get("published") == "on"}
	var err error
	if svc.FeeAmount, err = strconv.ParseInt(strings.TrimSpace(f.Get("fee_amount")), 10, 64); err != nil {
		errs.Add("fee_amount", "error.field.integer")
	}
	if svc.SLADays, err = strconv.Atoi(strings.TrimSpace(f.Get("sla_days"))); err != nil {
		errs.Add("sla_days", "error.field.integer")
	}
	for name, dst := range map[string]any{"eligibility": &svc.Eligibility, "requirements": &svc.Requirements,
		"form": &svc.Form, "workflow": &svc.Workflow, "output": &svc.Output} {
		dec := json.NewDecoder(strings.NewReader(f.Get(name)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil || !web.AtJSONEnd(dec) {
			errs.Add(name, "error.json")
		}
	}
	return svc, errs
}

func (s *Pages) adminServiceSaveJSON(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	editing := r.PathValue("code")
	svc, errs := serviceFromForm(r)
	if editing != "" {
		svc.Code = editing
	}
	if len(errs) == 0 {
		var answered bool
		if errs, answered = s.save(w, r, t, svc, func(catalog.Service) string {
			return s.Path("/{tenant}/admin/services", t.Slug)
		}); answered {
			return
		}
	}
	p := s.NewPage(r, "admin.service.json")
	p.Tenant = t
	p.Errors = errs
	for _, k := range serviceFormFields {
		p.Form.Set(k, r.PostForm.Get(k))
	}
	p.Data = editing
	s.Render(w, http.StatusUnprocessableEntity, "admin_service_form", p)
}

func (s *Pages) adminServiceExport(w http.ResponseWriter, r *http.Request) {
	_, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	raw, err := catalog.Export(*svc)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="service-`+strings.ToLower(svc.Code)+`.json"`)
	_, _ = w.Write(raw)
}

// adminServiceImport reads an exported service (a file or pasted text) into
// this tenant, unpublished, so an admin reviews it before residents see it.
func (s *Pages) adminServiceImport(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	raw, err := importBody(r)
	if err != nil {
		s.ErrorPage(w, r, http.StatusBadRequest, t)
		return
	}
	svc, err := catalog.Import(raw)
	if err == nil {
		if _, exists := s.Services.ByCode(r.Context(), t.ID, svc.Code); exists == nil {
			err = validation.Errors{{Field: "file", Code: "error.service.exists", Args: []any{svc.Code}}}
		} else {
			svc.Published = false
			_, err = s.Services.Save(r.Context(), web.Actor(r), t.ID, svc)
		}
	}
	var errs validation.Errors
	if errors.As(err, &errs) {
		svcs, _ := s.Services.List(r.Context(), t.ID, false)
		p := s.NewPage(r, "admin.services.title")
		p.Tenant = t
		p.Errors = errs
		p.Data = svcs
		s.Render(w, http.StatusUnprocessableEntity, "admin_services", p)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/services", t.Slug)+"?done=saved")
}

func importBody(r *http.Request) ([]byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(web.MaxBody); err != nil {
			return nil, err
		}
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			return io.ReadAll(io.LimitReader(f, web.MaxBody))
		}
		return []byte(r.FormValue("json")), nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return []byte(r.PostForm.Get("json")), nil
}
