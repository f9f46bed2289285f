package web

import (
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/identity"
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

// Cookie is a cookie of the site: HttpOnly, SameSite=Lax, Secure on HTTPS.
func (s *Server) Cookie(name, value string, maxAge time.Duration) *http.Cookie {
	return s.cookie(name, value, maxAge)
}
