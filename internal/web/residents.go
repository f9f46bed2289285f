package web

import (
	"net/http"
	"strings"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/tenant"
)

// Who a page acts for: staff see more, a person who applies or books
// becomes the tenant's resident, and an officer finds the resident they
// help by what the resident can tell them.

// IsStaff: officers and admins of t (and coordinators) also see drafts of
// services and every application.
func (s *Server) IsStaff(r *http.Request, t *tenant.Tenant) bool {
	st := getState(r)
	return st.user != nil && (st.user.Coordinator || hasRole(st, t.ID, "officer") || hasRole(st, t.ID, "admin"))
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

// FindResident looks a resident up by what they can tell an officer: an
// email, a mobile number, a NIK (16 digits) or a My Number (12 digits).
func (s *Server) FindResident(r *http.Request, q string) (identity.User, error) {
	q = strings.TrimSpace(q)
	digits := strings.NewReplacer(" ", "", "-", "").Replace(q)
	if len(digits) == 16 && isDigits(digits) {
		return s.Identity.ByCivilID(r.Context(), "nik", digits)
	}
	if len(digits) == 12 && isDigits(digits) {
		if u, err := s.Identity.ByCivilID(r.Context(), "mynumber", digits); err == nil {
			return u, nil
		}
	}
	return s.Identity.ByLogin(r.Context(), q)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
