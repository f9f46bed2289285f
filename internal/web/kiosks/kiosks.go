// Package kiosks is the site of the kiosks in community halls: the device
// pages (counters as huge buttons, taking a number, the number's page
// that opens the video call, the privacy reset), the one-time set-up of a
// device, and the tenant admin's page that registers and switches off
// kiosks. It is an area of internal/web: its routes join the one table
// (and its policies), its pages render in the shared layout.
package kiosks

import (
	"embed"

	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the kiosk pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Routes implements web.Area.
func (s *Pages) Routes() []web.Route {
	device, admin := web.KioskDevice, web.TenantAdmin
	return []web.Route{
		{Method: "GET", Pattern: "/{tenant}/kiosk", Policy: device, Handler: s.kioskHome},
		{Method: "GET", Pattern: "/{tenant}/kiosk/counters/{id}", Policy: device, Handler: s.kioskCounter},
		{Method: "POST", Pattern: "/{tenant}/kiosk/tickets", Policy: device, Handler: s.kioskTake},
		{Method: "GET", Pattern: "/{tenant}/kiosk/tickets/{id}", Policy: device, Handler: s.kioskTicket},
		{Method: "POST", Pattern: "/{tenant}/kiosk/reset", Policy: device, Handler: s.kioskReset},
		// The set-up link is the credential: whoever holds it (once).
		{Method: "GET", Pattern: "/{tenant}/kiosk/setup/{token}", Policy: web.Public(), Handler: s.kioskSetupPage},
		{Method: "POST", Pattern: "/{tenant}/kiosk/setup/{token}", Policy: web.Public(), Handler: s.kioskSetup},
		{Method: "GET", Pattern: "/{tenant}/admin/kiosks", Policy: admin, Handler: s.adminKiosks},
		{Method: "POST", Pattern: "/{tenant}/admin/kiosks", Policy: admin, Handler: s.adminKioskCreate},
		{Method: "POST", Pattern: "/{tenant}/admin/kiosks/{id}/revoke", Policy: admin, Handler: s.adminKioskRevoke},
	}
}
