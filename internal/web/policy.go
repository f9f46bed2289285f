package web

import (
	"net/http"
	"strings"

	"github.com/serambi/serambi/internal/identity"
)

// Who may call a route is declared once, in the route table, and enforced
// here before the handler runs: a handler that forgets its check (or one
// changed to let residents in) cannot open a staff page. Policies that
// name an object — the applicant of this application, a participant of
// this call, a kiosk by its device — are checked where the object is
// loaded; here they only require what every such caller has.

// policyKind names how a route's policy is enforced.
type policyKind int

const (
	policyPublic      policyKind = iota // anyone, signed in or not
	policySignedIn                      // any signed-in account
	policyCoordinator                   // the network coordinator
	policyStaff                         // staff roles of the route's {tenant} (coordinators count as admins)
	policyOwner                         // an object's owner or staff: resolved where the object is loaded
	policyPractice                      // a signed-in account, or a guest with the tenant's class practice code
)

// Object names what a route's {id} is, for a policy decided by that
// object: its loader resolves who owns it (the applicant, the officer who
// filled it, the call's resident or helpers, the kiosk by its device).
type Object string

const (
	ApplicationObject Object = "application"
	AppointmentObject Object = "appointment"
	CallObject        Object = "call"
	DocumentObject    Object = "document" // decided by its application
	KioskObject       Object = "kiosk"
	EnrolmentObject   Object = "enrolment" // a learner's place in a class session
	// ClassSessionObject: a class session, decided by who is on it (its
	// supporters) besides the tenant's teachers.
	ClassSessionObject Object = "class session"
)

// Policy is who may call a route, declared once in the table.
type Policy struct {
	kind   policyKind
	staff  []identity.Role // policyStaff: the roles that pass
	object Object          // policyOwner: the object that decides
	words  []string        // the rule in words, for the docs and the tests
}

// Words is the rule in words: "anyone", "user", "coordinator", staff role
// names, and for an object's rule its parties ("applicant", "filler",
// "helper", "kiosk").
func (p Policy) Words() []string { return p.words }

// Object is what decides an owner's policy ("" for the others).
func (p Policy) Object() Object { return p.object }

// Public: anyone, signed in or not.
func Public() Policy { return Policy{kind: policyPublic, words: []string{"anyone"}} }

// AnyAccount: any signed-in account.
func AnyAccount() Policy { return Policy{kind: policySignedIn, words: []string{"user"}} }

// NetworkCoordinator: the network coordinator only.
func NetworkCoordinator() Policy {
	return Policy{kind: policyCoordinator, words: []string{"coordinator"}}
}

// Practising: who practises in the smartphone classes — any signed-in
// account, or a guest who came in with a session's practice code (their
// browser keeps a token for the route's {tenant}). Anyone else is sent
// to the page where the code is typed.
func Practising() Policy {
	return Policy{kind: policyPractice, words: []string{"user", "guest learner"}}
}

// Staff: the given staff roles of the route's tenant; the network
// coordinator passes as an admin does.
func Staff(roles ...identity.Role) Policy {
	words := make([]string, 0, len(roles)+1)
	for _, r := range roles {
		words = append(words, string(r))
	}
	return Policy{kind: policyStaff, staff: roles, words: append(words, "coordinator")}
}

// OwnedBy: decided by the object the route names, for the parties given
// in words (staff roles among them pass as staff of the object's tenant).
func OwnedBy(o Object, parties ...string) Policy {
	return Policy{kind: policyOwner, object: o, words: parties}
}

// practiceAreas are the paths a practice twin (tenant.Practice) has: what
// a resident uses to apply, follow an application, book and take a
// number. Its staff pages, kiosks, calls, classes and registration do not
// exist there, so nothing done in practice can reach an officer.
var practiceAreas = []string{"/{tenant}/{$}", "/static/theme/{tenant}", "/{tenant}/services", "/{tenant}/applications",
	"/{tenant}/documents/", "/{tenant}/counters", "/{tenant}/appointments", "/{tenant}/tickets/", "/{tenant}/board/",
	"/api/v1/t/{tenant}/services", "/api/v1/t/{tenant}/documents", "/api/v1/t/{tenant}/applications",
	"/api/v1/t/{tenant}/counters", "/api/v1/t/{tenant}/appointments", "/api/v1/t/{tenant}/tickets/"}

// ServesPractice tells whether a practice twin has the route: a
// resident's route in one of practiceAreas (never a staff one).
func ServesPractice(pattern string, words []string) bool {
	for _, w := range words {
		if w == "coordinator" {
			return false // Staff and NetworkCoordinator policies name it
		}
	}
	for _, a := range practiceAreas {
		if strings.HasPrefix(pattern, a) {
			return true
		}
	}
	return false
}

// outsidePractice answers 404 when rt is asked of a practice twin that
// does not have it; false means it did.
func (s *Server) outsidePractice(rt Route, w http.ResponseWriter, r *http.Request) bool {
	if !strings.Contains(rt.Pattern, "{tenant}") || ServesPractice(rt.Pattern, rt.Policy.words) {
		return true
	}
	t, err := s.Tenants.BySlug(r.Context(), r.PathValue("tenant"))
	if err != nil || !t.IsPractice() {
		return true // the handler answers an unknown tenant as it always has
	}
	s.NotFound(w, r)
	return false
}

// enforce checks rt's policy for r; false means an answer (sign in first,
// 403, 404 for an unknown tenant or a page a practice twin has not) was
// written.
func (s *Server) enforce(rt Route, w http.ResponseWriter, r *http.Request) bool {
	if !s.outsidePractice(rt, w, r) {
		return false
	}
	switch rt.Policy.kind {
	case policySignedIn:
		return s.RequireUser(w, r)
	case policyCoordinator:
		return s.requireCoordinator(w, r)
	case policyStaff:
		if !strings.Contains(rt.Pattern, "{tenant}") {
			return s.requireCoordinator(w, r)
		}
		t, ok := s.LoadTenant(w, r)
		if !ok {
			return false
		}
		return s.requireRole(w, r, t, rt.Policy.staff...)
	case policyPractice:
		return s.requirePractiser(w, r)
	}
	return true
}
