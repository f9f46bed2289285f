// Package account is the signed-in person's own part of the site: their
// preferences, password, sessions, family links and two-step sign-in. It
// is an area of internal/web: its routes join the one table (and its
// policies), its pages render in the shared layout.
package account

import (
	"embed"

	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the account pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Routes implements web.Area: every page here is the signed-in person's own.
func (s *Pages) Routes() []web.Route {
	me := web.SignedIn
	return []web.Route{
		{Method: "GET", Pattern: "/account", Policy: me, Handler: s.account},
		{Method: "POST", Pattern: "/account/preferences", Policy: me, Handler: s.accountPreferences},
		{Method: "POST", Pattern: "/account/password", Policy: me, Handler: s.accountPassword},
		{Method: "POST", Pattern: "/account/sessions/end", Policy: me, Handler: s.accountEndSession},
		{Method: "POST", Pattern: "/account/sessions/end-all", Policy: me, Handler: s.accountEndAll},
		{Method: "POST", Pattern: "/account/family", Policy: me, Handler: s.familyAsk},
		{Method: "POST", Pattern: "/account/family/{id}/{action}", Policy: me, Handler: s.familyChange},
		{Method: "GET", Pattern: "/account/totp", Policy: me, Handler: s.totpForm},
		{Method: "POST", Pattern: "/account/totp", Policy: me, Handler: s.totpConfirm},
		{Method: "GET", Pattern: "/account/totp/qr.png", Policy: me, Handler: s.totpQR},
	}
}
