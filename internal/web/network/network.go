// Package network is the network coordinator's part of the site: the
// local governments of the network, the whole audit trail, and the
// national holiday lists every tenant's deadlines count with. It is an
// area of internal/web: its routes join the one table (and its policies),
// its pages render in the shared layout.
package network

import (
	"embed"
	"net/http"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the coordinator's pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Routes implements web.Area: every page here is the coordinator's.
func (s *Pages) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/network/tenants", Policy: web.Coordinator, Handler: s.tenants},
		{Method: "GET", Pattern: "/network/tenants/new", Policy: web.Coordinator, Handler: s.tenantNew},
		{Method: "POST", Pattern: "/network/tenants", Policy: web.Coordinator, Handler: s.tenantCreate},
		{Method: "GET", Pattern: "/network/tenants/{slug}", Policy: web.Coordinator, Handler: s.tenantEdit},
		{Method: "POST", Pattern: "/network/tenants/{slug}", Policy: web.Coordinator, Handler: s.tenantUpdate},
		{Method: "POST", Pattern: "/network/tenants/{slug}/status", Policy: web.Coordinator, Handler: s.tenantStatus},
		{Method: "GET", Pattern: "/network/audit", Policy: web.Coordinator, Handler: s.audit},
		{Method: "GET", Pattern: "/network/holidays", Policy: web.Coordinator, Handler: s.holidays},
		{Method: "POST", Pattern: "/network/holidays", Policy: web.Coordinator, Handler: s.holidaySet},
		{Method: "POST", Pattern: "/network/holidays/remove", Policy: web.Coordinator, Handler: s.holidayRemove},
		{Method: "POST", Pattern: "/network/holidays/import", Policy: web.Coordinator, Handler: s.holidayImport},
		{Method: "POST", Pattern: "/network/holidays/publish", Policy: web.Coordinator, Handler: s.holidayPublish},
	}
}

// audit is the whole network's audit trail.
func (s *Pages) audit(w http.ResponseWriter, r *http.Request) {
	s.AuditPage(w, r, nil, audit.Filter{All: true})
}
