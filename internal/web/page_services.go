package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/tenant"
)

// Resident pages of pillar 1: the catalog and a service's page.

func (s *Server) servicesPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	svcs, err := s.Services.List(r.Context(), t.ID, !s.IsStaff(r, t))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "services.title")
	p.Tenant = t
	p.Data = svcs
	s.Render(w, http.StatusOK, "services", p)
}

// IsStaff: officers and admins of t (and coordinators) also see drafts of
// services and every application.
func (s *Server) IsStaff(r *http.Request, t *tenant.Tenant) bool {
	st := getState(r)
	return st.user != nil && (st.user.Coordinator || hasRole(st, t.ID, "officer") || hasRole(st, t.ID, "admin"))
}

// loadService resolves {code} in t; unpublished services are only for staff.
func (s *Server) loadService(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, code string) (*catalog.Service, bool) {
	svc, err := s.Services.ByCode(r.Context(), t.ID, code)
	if errors.Is(err, catalog.ErrNotFound) || (err == nil && !svc.Published && !s.IsStaff(r, t)) {
		s.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	return &svc, true
}

type servicePage struct {
	Service *catalog.Service
	Fee     string
}

func (s *Server) servicePage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	svc, ok := s.loadService(w, r, t, r.PathValue("code"))
	if !ok {
		return
	}
	p := s.NewPage(r, "service.title")
	p.Title = svc.Names.In(p.Lang())
	p.Tenant = t
	p.Untranslated = svc.Untranslated(p.Lang())
	p.Data = servicePage{Service: svc, Fee: p.fee(svc)}
	s.Render(w, http.StatusOK, "service", p)
}

// fee writes the price the way residents read prices: "Rp 10.000", "300円".
func (p *Page) fee(svc *catalog.Service) string {
	if svc.Free() {
		return p.T("service.free")
	}
	n := groupThousands(svc.FeeAmount, map[string]string{"IDR": ".", "JPY": ","}[svc.FeeCurrency])
	if svc.FeeCurrency == "JPY" {
		return p.T("service.fee.jpy", n)
	}
	return p.T("service.fee.idr", n)
}

func groupThousands(n int64, sep string) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// startApplication creates a draft for the signed-in resident and opens
// its first page.
func (s *Server) startApplication(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	svc, ok := s.loadService(w, r, t, r.PathValue("code"))
	if !ok {
		return
	}
	st := getState(r)
	c := application.Caller{Actor: Actor(r), Roles: []string{"resident"}}
	a, err := s.Apps.Create(r.Context(), c, *t, *svc, application.Draft{ApplicantID: st.user.ID, Lang: st.lang})
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.EnsureResident(r, t)
	Redirect(w, r, s.Path("/{tenant}/applications/{id}/edit", t.Slug, a.ID)+"?section="+strconv.Itoa(svc.Form.NextSection(-1, a.Answers)))
}

// EnsureResident makes a signed-in person who applies a resident of t, so
// their applications show under the tenant.
func (s *Server) EnsureResident(r *http.Request, t *tenant.Tenant) {
	st := getState(r)
	if hasRole(st, t.ID, string(identity.Resident)) {
		return
	}
	s.LogFailure(r, "record the resident as the tenant's", s.Identity.JoinAsResident(r.Context(), Actor(r), t.ID, st.user.ID))
}
