package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// Coordinator pages: the network's tenants and its whole audit trail.

func (s *Server) networkTenants(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Tenants.List(r.Context(), false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "network.tenants.title")
	p.Flash = flashFrom(r)
	p.Data = ts
	s.render(w, http.StatusOK, "network_tenants", p)
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

func (s *Server) networkTenantNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "network.tenant.new")
	p.Form.Set("brand_color", "#0b5cad")
	p.Data = tenantFormData{}
	s.render(w, http.StatusOK, "tenant_form", p)
}

func (s *Server) networkTenantCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	_, err := s.Tenants.Create(r.Context(), actor(r), tenantInputFrom(r))
	if err != nil {
		s.tenantFormError(w, r, err, nil)
		return
	}
	redirect(w, r, "/network/tenants?done=saved")
}

func (s *Server) tenantFormError(w http.ResponseWriter, r *http.Request, err error, editing *tenant.Tenant) {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		s.serverError(w, r, err)
		return
	}
	key := "network.tenant.new"
	if editing != nil {
		key = "network.tenant.edit"
	}
	p := s.newPage(r, key)
	p.Errors = errs
	for _, k := range tenantFields {
		p.Form.Set(k, r.PostForm.Get(k))
	}
	p.Data = tenantFormData{Editing: editing}
	s.render(w, http.StatusUnprocessableEntity, "tenant_form", p)
}

func (s *Server) coordinatorTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	t, err := s.Tenants.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, tenant.ErrNotFound) {
		s.notFound(w, r)
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return &t, true
}

func (s *Server) networkTenantEdit(w http.ResponseWriter, r *http.Request) {
	t, ok := s.coordinatorTenant(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, "network.tenant.edit")
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
	s.render(w, http.StatusOK, "tenant_form", p)
}

func (s *Server) networkTenantUpdate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.coordinatorTenant(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if _, err := s.Tenants.Update(r.Context(), actor(r), t.Slug, tenantInputFrom(r)); err != nil {
		s.tenantFormError(w, r, err, t)
		return
	}
	redirect(w, r, "/network/tenants?done=saved")
}

func (s *Server) networkTenantStatus(w http.ResponseWriter, r *http.Request) {
	t, ok := s.coordinatorTenant(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if _, err := s.Tenants.SetStatus(r.Context(), actor(r), t.Slug, r.PostForm.Get("status")); err != nil {
		s.tenantFormError(w, r, err, t)
		return
	}
	redirect(w, r, "/network/tenants?done=saved")
}

func (s *Server) networkAudit(w http.ResponseWriter, r *http.Request) {
	s.auditPage(w, r, nil, audit.Filter{All: true})
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, f audit.Filter) {
	f.BeforeSeq, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	f.Action = r.URL.Query().Get("action")
	if len(f.Action) > 60 {
		f.Action = f.Action[:60]
	}
	f.Limit = 50
	entries, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "audit.title")
	p.Tenant = t
	p.Form.Set("action", f.Action)
	var older int64
	if len(entries) == f.Limit {
		older = entries[len(entries)-1].Seq
	}
	p.Data = struct {
		Entries []audit.Entry
		Older   int64
	}{entries, older}
	s.render(w, http.StatusOK, "audit", p)
}
