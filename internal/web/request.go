package web

import (
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
)

// Visitor is who sends a request, as the middleware found them: the
// signed-in account (nil for someone not signed in), its memberships, and
// the raw token of the browser session ("" for a bearer token).
type Visitor struct {
	User        *identity.User
	Memberships []identity.Membership
	Session     string
}

// VisitorOf is the visitor of r, for the areas' handlers.
func VisitorOf(r *http.Request) Visitor {
	st := getState(r)
	return Visitor{User: st.user, Memberships: st.memberships, Session: st.sessionRaw}
}

// UserOf is the signed-in account of r, or nil.
func UserOf(r *http.Request) *identity.User { return getState(r).user }

// LangOf is the language r is answered in.
func LangOf(r *http.Request) string { return getState(r).lang }

// HasRole tells whether r's account holds role in the tenant.
func HasRole(r *http.Request, tenantID ids.Tenant, role identity.Role) bool {
	return hasRole(getState(r), tenantID, string(role))
}

// Cookie is a cookie of the site: HttpOnly, SameSite=Lax, Secure on HTTPS.
func (s *Server) Cookie(name, value string, maxAge time.Duration) *http.Cookie {
	return s.cookie(name, value, maxAge)
}
