package web

import (
	"net/http"
	"strings"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
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

// FamilyPerson is someone who allowed the user to act for them (book,
// enrol): the choice "for whom" on those forms.
type FamilyPerson struct{ ID, Name string }

// FamilyToHelp lists the people who allowed userID to act for them; a
// failed read is logged and offers no one (the user can still act for
// themselves).
func (s *Server) FamilyToHelp(r *http.Request, userID ids.User) []FamilyPerson {
	links, err := s.Identity.FamilyOf(r.Context(), userID)
	if err != nil {
		s.LogFailure(r, "list the family a user acts for", err)
		return nil
	}
	var out []FamilyPerson
	for _, l := range links {
		if l.HelperID == userID && l.Status == identity.FamilyApproved {
			out = append(out, FamilyPerson{string(l.PersonID), l.PersonName})
		}
	}
	return out
}
