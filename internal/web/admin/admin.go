// Package admin is a tenant admin's part of the site for running the
// office: staff accounts and roles, the tenant's own working calendar, the
// outbox of emails, and the tenant's audit trail. (The services the tenant
// offers are edited in internal/web/serviceadmin.) It is an area of
// internal/web: its routes join the one table (and its policies), its
// pages render in the shared layout.
package admin

import (
	"embed"

	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the admin pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Routes implements web.Area: every page here is the tenant admin's.
func (s *Pages) Routes() []web.Route {
	admin := web.TenantAdmin
	return []web.Route{
		{Method: "GET", Pattern: "/{tenant}/admin/staff", Policy: admin, Handler: s.staffList},
		{Method: "GET", Pattern: "/{tenant}/admin/staff/new", Policy: admin, Handler: s.staffNew},
		{Method: "POST", Pattern: "/{tenant}/admin/staff", Policy: admin, Handler: s.staffCreate},
		{Method: "POST", Pattern: "/{tenant}/admin/staff/{user}/roles", Policy: admin, Handler: s.staffRoles},
		{Method: "POST", Pattern: "/{tenant}/admin/staff/{user}/end-sessions", Policy: admin, Handler: s.staffEndSessions},
		{Method: "GET", Pattern: "/{tenant}/admin/audit", Policy: admin, Handler: s.tenantAudit},
		{Method: "GET", Pattern: "/{tenant}/admin/outbox", Policy: admin, Handler: s.adminOutbox},
		{Method: "GET", Pattern: "/{tenant}/admin/outbox/{id}", Policy: admin, Handler: s.adminMessage},
		{Method: "GET", Pattern: "/{tenant}/admin/calendar", Policy: admin, Handler: s.adminCalendar},
		{Method: "POST", Pattern: "/{tenant}/admin/calendar", Policy: admin, Handler: s.adminCalendarSet},
		{Method: "POST", Pattern: "/{tenant}/admin/calendar/remove", Policy: admin, Handler: s.adminCalendarRemove},
	}
}
