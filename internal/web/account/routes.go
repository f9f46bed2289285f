// Package account is the signed-in person's own part of the site: their
// preferences, password, sessions, family links and two-step sign-in. It
// is an area of internal/web: its routes join the one table (and its
// policies), its pages render in the shared layout.
package account

import (
	"embed"
	"io/fs"

	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the account pages with the server's rendering core.
type Pages struct{ *web.Server }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{s} }

// Templates implements web.Area.
func (s *Pages) Templates() fs.FS { return templates }

// Routes implements web.Area: every page here is the signed-in person's own.
func (s *Pages) Routes() []web.Route {
	me := web.SignedIn
	return []web.Route{
		{Method: "GET", Pattern: "/account", Roles: me, Handler: s.account},
		{Method: "POST", Pattern: "/account/preferences", Roles: me, Handler: s.accountPreferences},
		{Method: "POST", Pattern: "/account/password", Roles: me, Handler: s.accountPassword},
		{Method: "POST", Pattern: "/account/sessions/end", Roles: me, Handler: s.accountEndSession},
		{Method: "POST", Pattern: "/account/sessions/end-all", Roles: me, Handler: s.accountEndAll},
		{Method: "POST", Pattern: "/account/family", Roles: me, Handler: s.familyAsk},
		{Method: "POST", Pattern: "/account/family/{id}/{action}", Roles: me, Handler: s.familyChange},
		{Method: "GET", Pattern: "/account/totp", Roles: me, Handler: s.totpForm},
		{Method: "POST", Pattern: "/account/totp", Roles: me, Handler: s.totpConfirm},
		{Method: "GET", Pattern: "/account/totp/qr.png", Roles: me, Handler: s.totpQR},
	}
}
