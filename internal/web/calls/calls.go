// Package calls is the site of the remote counter's video calls: the
// officer opens the call of a ticket or an appointment, the resident (or
// their helper with a one-time pass) joins, documents are shown and may be
// added to the application filled during the call, and the call ends with
// a rating. The call page is the one page that runs JavaScript (call.js),
// talking to the others through the signalling socket. It is an area of
// internal/web: its routes join the one table (and its policies), its
// pages render in the shared layout.
package calls

import (
	"embed"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the call pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// The policies of the calls' routes.
var (
	officers = web.Staff(identity.Officer, identity.Admin)
	// participant: the call's resident (by account or ticket), its
	// officers, or a helper holding a pass.
	participant = web.OwnedBy(web.CallObject, "applicant", "officer", "admin", "helper")
	// resident: the call's resident only (answering, confirming, agreeing
	// to add a shown picture to their application).
	resident = web.OwnedBy(web.CallObject, "applicant")
)

// Routes implements web.Area.
func (s *Pages) Routes() []web.Route {
	return []web.Route{
		{Method: "POST", Pattern: "/{tenant}/tickets/{id}/video", Policy: officers, Handler: s.startTicketCall},
		{Method: "POST", Pattern: "/{tenant}/appointments/{id}/video", Policy: officers, Handler: s.startAppointmentCall},
		{Method: "GET", Pattern: "/{tenant}/calls/{id}", Policy: participant, Handler: s.callPage},
		{Method: "GET", Pattern: "/{tenant}/calls/{id}/socket", Policy: participant, Handler: s.callSocket},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/end", Policy: officers, Handler: s.endCall},
		{Method: "GET", Pattern: "/{tenant}/calls/{id}/done", Policy: participant, Handler: s.callDone},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/rating", Policy: resident, Handler: s.rateCall},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/invite", Policy: participant, Handler: s.inviteHelper},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/confirm", Policy: resident, Handler: s.confirmInCall},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/documents", Policy: participant, Handler: s.showDocument},
		{Method: "GET", Pattern: "/{tenant}/calls/{id}/documents/{doc}", Policy: participant, Handler: s.callDocument},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/documents/{doc}/offer", Policy: officers, Handler: s.offerAttach},
		{Method: "POST", Pattern: "/{tenant}/calls/{id}/documents/{doc}/attach", Policy: resident, Handler: s.attachShown},
		// A helper's one-time link is the credential: whoever holds it.
		{Method: "GET", Pattern: "/{tenant}/join/{token}", Policy: web.Public(), Handler: s.joinPage},
		{Method: "POST", Pattern: "/{tenant}/join/{token}", Policy: web.Public(), Handler: s.joinCall},
	}
}
