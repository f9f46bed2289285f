package applications

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// Resident pages of pillar 1: the catalog and a service's page.

func (s *Pages) servicesPage(w http.ResponseWriter, r *http.Request) {
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

// loadService resolves {code} in t; unpublished services are only for staff.
func (s *Pages) loadService(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, code string) (*catalog.Service, bool) {
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

func (s *Pages) servicePage(w http.ResponseWriter, r *http.Request) {
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
	p.Data = servicePage{Service: svc, Fee: fee(p, svc)}
	s.Render(w, http.StatusOK, "service", p)
}

// fee writes the price the way residents read prices: "Rp 10.000", "300円".
func fee(p *web.Page, svc *catalog.Service) string {
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
func (s *Pages) startApplication(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	svc, ok := s.loadService(w, r, t, r.PathValue("code"))
	if !ok {
		return
	}
	me := web.UserOf(r)
	c := application.Caller{Actor: web.Actor(r), Roles: []string{"resident"}}
	a, err := s.Apps.Create(r.Context(), c, *t, *svc, application.Draft{ApplicantID: me.ID, Lang: web.LangOf(r)})
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.EnsureResident(r, t)
	web.Redirect(w, r, s.Path("/{tenant}/applications/{id}/edit", t.Slug, string(a.ID))+"?section="+strconv.Itoa(svc.Form.NextSection(-1, a.Answers)))
}
