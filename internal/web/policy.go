package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/serambi/serambi/internal/identity"
)

// Who may call a route is declared once, in the route table, and enforced
// here before the handler runs: a handler that forgets its check (or one
// changed to let residents in) cannot open a staff page. Policies that
// name an object — the applicant of this application, a participant of
// this call, a kiosk by its device — are checked where the object is
// loaded; here they only require what every such caller has.

// policyOf names how the route table's role lists are enforced.
type policyKind int

const (
	policyPublic      policyKind = iota // anyone, signed in or not
	policySignedIn                      // any signed-in account
	policyCoordinator                   // the network coordinator
	policyStaff                         // staff roles of the route's {tenant} (coordinators count as admins)
	policyOwner                         // an object's owner or staff: resolved by the handler
)

// policyFor reads a route's role list as a policy.
func policyFor(roles []string) (policyKind, []identity.Role) {
	switch {
	case len(roles) == 0 || slices.Equal(roles, anyone):
		return policyPublic, nil
	case slices.Equal(roles, SignedIn):
		return policySignedIn, nil
	case slices.Equal(roles, Coordinator):
		return policyCoordinator, nil
	}
	var staff []identity.Role
	for _, r := range roles {
		switch r {
		case "admin":
			staff = append(staff, identity.Admin)
		case "officer":
			staff = append(staff, identity.Officer)
		case "instructor":
			staff = append(staff, identity.Instructor)
		case "coordinator":
			// Coordinators pass every staff check as admins do.
		default:
			return policyOwner, nil // applicant, helper, kiosk: the object decides
		}
	}
	return policyStaff, staff
}

// enforce checks rt's policy for r; false means an answer (sign in first,
// 403, 404 for an unknown tenant) was written.
func (s *Server) enforce(rt Route, w http.ResponseWriter, r *http.Request) bool {
	kind, roles := policyFor(rt.Roles)
	switch kind {
	case policySignedIn:
		return s.requireUser(w, r)
	case policyCoordinator:
		return s.requireCoordinator(w, r)
	case policyStaff:
		if !strings.Contains(rt.Pattern, "{tenant}") {
			return s.requireCoordinator(w, r)
		}
		t, ok := s.loadTenant(w, r)
		if !ok {
			return false
		}
		return s.requireRole(w, r, t, roles...)
	}
	return true
}
