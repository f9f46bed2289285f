package network

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Coordinator pages: the network's tenants and its whole audit trail.

func (s *Pages) tenants(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Tenants.List(r.Context(), false)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "network.tenants.title")
	p.Flash = web.FlashFrom(r)
	p.Data = ts
	s.Render(w, http.StatusOK, "network_tenants", p)
}

func tenantInputFrom(r *http.Request) tenant.Input {
	f := r.PostForm
	return tenant.Input{
		Slug: f.Get("slug"), RegionCode: f.Get("region"), NameID: f.Get("name_id"), NameJA: f.Get("name_ja"),
		NameEN: f.Get("name_en"), DefaultLang: f.Get("default_lang"), ContactEmail: f.Get("contact_email"),
		ContactPhone: f.Get("contact_phone"), Address: f.Get("address"), Website: f.Get("website"),
		BrandColor: f.Get("brand_color"), AskCivilID: f.Get("ask_civil_id") == "on", TrackingPrefix: f.Get("tracking_prefix"),
		QueueWhileClosed: f.Get("queue_while_closed") == "on",
	}
}

var tenantFields = []string{"slug", "region", "name_id", "name_ja", "name_en", "default_lang", "contact_email",
	"contact_phone", "address", "website", "brand_color", "ask_civil_id", "queue_while_closed", "tracking_prefix"}

type tenantFormData struct {
	Editing *tenant.Tenant
}

func (s *Pages) tenantNew(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "network.tenant.new")
	p.Form.Set("brand_color", "#0b5cad")
	p.Data = tenantFormData{}
	s.Render(w, http.StatusOK, "tenant_form", p)
}

func (s *Pages) tenantCreate(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	_, err := s.Tenants.Create(r.Context(), web.Actor(r), tenantInputFrom(r))
	if err != nil {
		s.tenantFormError(w, r, err, nil)
		return
	}
	web.Redirect(w, r, "/network/tenants?done=saved")
}

func (s *Pages) tenantFormError(w http.ResponseWriter, r *http.Request, err error, editing *tenant.Tenant) {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		s.ServerError(w, r, err)
		return
	}
	key := "network.tenant.new"
	if editing != nil {
		key = "network.tenant.edit"
	}
	p := s.NewPage(r, key)
	p.Errors = errs
	for _, k := range tenantFields {
		p.Form.Set(k, r.PostForm.Get(k))
	}
	p.Data = tenantFormData{Editing: editing}
	s.Render(w, http.StatusUnprocessableEntity, "tenant_form", p)
}

func (s *Pages) coordinatorTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	t, err := s.Tenants.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, tenant.ErrNotFound) {
		s.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	return &t, true
}

func (s *Pages) tenantEdit(w http.ResponseWriter, r *http.Request) {
	t, ok := s.coordinatorTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "network.tenant.edit")
	for k, v := range map[string]string{
		"slug": t.Slug, "region": t.RegionCode, "name_id": t.NameID, "name_ja": t.NameJA, "name_en": t.NameEN,
		"default_lang": t.DefaultLang, "contact_email": t.ContactEmail, "contact_phone": t.ContactPhone,
		"address": t.Address, "website": t.Website, "brand_color": t.BrandColor, "tracking_prefix": t.TrackingPrefix,
	} {
		p.Form.Set(k, v)
	}
	if t.AskCivilID {
		p.Form.Set("ask_civil_id", "on")
	}
	if t.QueueWhileClosed {
		p.Form.Set("queue_while_closed", "on")
	}
	p.Data = tenantFormData{Editing: t}
	s.Render(w, http.StatusOK, "tenant_form", p)
}

func (s *Pages) tenantUpdate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.coordinatorTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if _, err := s.Tenants.Update(r.Context(), web.Actor(r), t.Slug, tenantInputFrom(r)); err != nil {
		s.tenantFormError(w, r, err, t)
		return
	}
	web.Redirect(w, r, "/network/tenants?done=saved")
}

func (s *Pages) tenantStatus(w http.ResponseWriter, r *http.Request) {
	t, ok := s.coordinatorTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if _, err := s.Tenants.SetStatus(r.Context(), web.Actor(r), t.Slug, r.PostForm.Get("status")); err != nil {
		s.tenantFormError(w, r, err, t)
		return
	}
	web.Redirect(w, r, "/network/tenants?done=saved")
}

func (s *Pages) networkAudit(w http.ResponseWriter, r *http.Request) {
	s.AuditPage(w, r, nil, audit.Filter{All: true})
}
