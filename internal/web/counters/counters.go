// Package counters is the site of the remote counter: the counters and
// their free times, booking and cancelling appointments (with calendar
// files, and an officer's private calendar feed), the virtual queue (take
// a number, watch it live, give it up; officers call the next one and act
// on a number), the hall's display board and QR poster, and the officer's
// desk. Pages and their JSON API live together here. It is an area of
// internal/web: its routes join the one table (and its policies), its
// pages render in the shared layout. The ticket's own wording and a closed
// counter's refusal are the core's (tickets.go), shared with the kiosks.
package counters

import (
	"embed"
	"html/template"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the counter pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Funcs implements web.AreaFuncs.
func (s *Pages) Funcs() template.FuncMap { return template.FuncMap{"feedURL": s.pageFeedURL} }

// The policies of the counters' routes.
var (
	anyone   = web.Public()
	officers = web.Staff(identity.Officer, identity.Admin)
	// appointmentOwner: the resident it is for, or the tenant's staff.
	appointmentOwner = web.OwnedBy(web.AppointmentObject, "applicant", "officer", "admin")
)

// Routes implements web.Area. A number is its own credential (whoever
// holds its ID sees and gives it up), so the ticket routes are public.
func (s *Pages) Routes() []web.Route {
	signedIn := web.SignedIn
	return []web.Route{
		{Method: "GET", Pattern: "/{tenant}/counters", Policy: anyone, Handler: s.countersPage},
		{Method: "GET", Pattern: "/{tenant}/counters/{id}", Policy: anyone, Handler: s.counterPage},
		{Method: "POST", Pattern: "/{tenant}/counters/{id}/appointments", Policy: signedIn, Handler: s.book},
		{Method: "GET", Pattern: "/{tenant}/appointments", Policy: signedIn, Handler: s.myAppointments},
		{Method: "POST", Pattern: "/{tenant}/appointments/{id}/cancel", Policy: appointmentOwner, Handler: s.cancelAppointment},
		{Method: "GET", Pattern: "/{tenant}/appointments/{id}/calendar.ics", Policy: appointmentOwner, Handler: s.appointmentICS},
		// The signed token in the URL is the credential (calendar apps
		// cannot sign in).
		{Method: "GET", Pattern: "/feeds/officer/{token}", Policy: anyone, Handler: s.officerFeed},
		{Method: "GET", Pattern: "/{tenant}/desk", Policy: officers, Handler: s.deskPage},
		{Method: "POST", Pattern: "/{tenant}/desk/{id}/no-show", Policy: officers, Handler: s.markNoShow},
		{Method: "POST", Pattern: "/{tenant}/counters/{id}/tickets", Policy: anyone, Handler: s.takeTicket},
		{Method: "GET", Pattern: "/{tenant}/tickets/{id}", Policy: anyone, Handler: s.ticketPage},
		{Method: "GET", Pattern: "/{tenant}/tickets/{id}/events", Policy: anyone, Handler: s.ticketEvents},
		{Method: "POST", Pattern: "/{tenant}/tickets/{id}/cancel", Policy: anyone, Handler: s.cancelTicket},
		{Method: "POST", Pattern: "/{tenant}/counters/{id}/call-next", Policy: officers, Handler: s.callNext},
		{Method: "GET", Pattern: "/{tenant}/counters/{id}/poster", Policy: officers, Handler: s.counterPoster},
		{Method: "GET", Pattern: "/{tenant}/counters/{id}/poster.png", Policy: anyone, Handler: s.counterPosterQR},
		{Method: "GET", Pattern: "/{tenant}/board/{id}", Policy: anyone, Handler: s.boardPage},
		{Method: "GET", Pattern: "/{tenant}/board/{id}/events", Policy: anyone, Handler: s.boardEvents},
		{Method: "POST", Pattern: "/{tenant}/tickets/{id}/{action}", Policy: officers, Handler: s.ticketAction},

		{Method: "GET", Pattern: "/api/v1/t/{tenant}/counters", Policy: anyone, Handler: s.apiCounters},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/counters/{id}/slots", Policy: anyone, Handler: s.apiSlots},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/appointments", Policy: signedIn, Handler: s.apiBook},
		{Method: "DELETE", Pattern: "/api/v1/t/{tenant}/appointments/{id}", Policy: appointmentOwner, Handler: s.apiCancel},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/counters/{id}/tickets", Policy: anyone, Handler: s.apiTakeTicket},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/tickets/{id}", Policy: anyone, Handler: s.apiTicket},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/tickets/{id}/events", Policy: anyone, Handler: s.ticketEvents},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/counters/{id}/call-next", Policy: officers, Handler: s.callNext},
	}
}
