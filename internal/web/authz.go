package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

func hasRole(st *state, tenantID ids.Tenant, role string) bool {
	if st.user == nil {
		return false
	}
	for _, m := range st.memberships {
		if m.TenantID == tenantID && string(m.Role) == role {
			return true
		}
	}
	return false
}

// isMember tells whether the request's user has any role in tenantID,
// resident or staff.
func isMember(st *state, tenantID ids.Tenant) bool {
	if st.user == nil {
		return false
	}
	for _, m := range st.memberships {
		if m.TenantID == tenantID {
			return true
		}
	}
	return false
}

// IsMember tells whether r's account belongs to the tenant in any role.
func IsMember(r *http.Request, tenantID ids.Tenant) bool { return isMember(getState(r), tenantID) }

// IsAPI tells a request to the JSON API (answered with problems, not pages).
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Actor is the audit identity of the request's user.
func Actor(r *http.Request) audit.Actor {
	st := getState(r)
	a := audit.Actor{IP: st.ip}
	if st.user != nil {
		a.ID, a.Label = st.user.ID, st.user.Label()
	} else {
		a.Label = "anonymous"
	}
	return a
}

// LoadTenant resolves {tenant} from the path. Unknown answers 404; a
// suspended tenant's pages say so and its API answers 403, unless allowSuspended
// (coordinator pages that manage it).
func (s *Server) LoadTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	slug := r.PathValue("tenant")
	st := getState(r)
	if st.tenant != nil && st.tenant.Slug == slug {
		return st.tenant, true
	}
	t, err := s.Tenants.BySlug(r.Context(), slug)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && len(slug) > 40+len(tenant.PracticeSuffix)) {
		s.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	if !st.langExplicit {
		st.lang = t.DefaultLang
	}
	if !t.IsActive() {
		if IsAPI(r) {
			s.Problem(w, r, http.StatusForbidden, "tenant_suspended", "problem.tenant_suspended")
			return nil, false
		}
		p := s.NewPage(r, "tenant.suspended.title")
		p.Tenant = &t
		s.Render(w, http.StatusForbidden, "suspended", p)
		return nil, false
	}
	st.tenant = &t
	return &t, true
}

// RequireUser makes sure someone is signed in (and, for staff, has a second
// factor); otherwise it sends them to sign in and come back.
func (s *Server) RequireUser(w http.ResponseWriter, r *http.Request) bool {
	st := getState(r)
	if st.user == nil {
		if IsAPI(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="serambi"`)
			s.Problem(w, r, http.StatusUnauthorized, "unauthenticated", "problem.unauthenticated")
			return false
		}
		to := "/signin?next=" + url.QueryEscape(r.URL.RequestURI())
		if st.sessionEnded {
			to += "&ended=1"
		}
		Redirect(w, r, to)
		return false
	}
	if st.mustEnrol && !strings.HasPrefix(r.URL.Path, "/account/totp") {
		if IsAPI(r) {
			s.Problem(w, r, http.StatusForbidden, "totp_enrolment_required", "problem.totp_required")
			return false
		}
		Redirect(w, r, "/account/totp")
		return false
	}
	return true
}

// requireRole lets the request on when the user holds one of roles in t
// (coordinators may do anything an admin may). A refusal is audited.
func (s *Server) requireRole(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, roles ...identity.Role) bool {
	if !s.RequireUser(w, r) {
		return false
	}
	st := getState(r)
	for _, role := range roles {
		if hasRole(st, t.ID, string(role)) || (role == identity.Admin && st.user.Coordinator) {
			return true
		}
	}
	s.Deny(w, r, t)
	return false
}

// requireCoordinator lets only network coordinators on.
func (s *Server) requireCoordinator(w http.ResponseWriter, r *http.Request) bool {
	if !s.RequireUser(w, r) {
		return false
	}
	if getState(r).user.Coordinator {
		return true
	}
	s.Deny(w, r, nil)
	return false
}

// Deny answers 403 and records the refusal.
func (s *Server) Deny(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) {
	var tenantID ids.Tenant
	if t != nil {
		tenantID = t.ID
	}
	a := Actor(r)
	s.LogFailure(r, "audit a refusal", audit.Record(r.Context(), s.DB, a.Entry(tenantID, "authz.denied", r.Method+" "+r.URL.Path, audit.Say("audit.detail.refused"))))
	if IsAPI(r) {
		s.Problem(w, r, http.StatusForbidden, "forbidden", "problem.forbidden")
		return
	}
	s.ErrorPage(w, r, http.StatusForbidden, t)
}

// AdminTenant is the tenant of an admin page. Who may come there is the
// route's rule (TenantAdmin), enforced before the handler runs.
func (s *Server) AdminTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	return s.LoadTenant(w, r)
}

// StaffTenants are the tenants where the signed-in user has a staff role
// (any role but resident), in the order of their memberships.
func StaffTenants(r *http.Request) []ids.Tenant {
	st := getState(r)
	if st.user == nil {
		return nil
	}
	var out []ids.Tenant
	for _, m := range st.memberships {
		if m.Role != identity.Resident && !slices.Contains(out, m.TenantID) {
			out = append(out, m.TenantID)
		}
	}
	return out
}
