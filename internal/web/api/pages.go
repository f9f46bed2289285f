// Package api is the network-wide part of the JSON API: its description
// (openapi.json), the region directories, tenants (the coordinator creates
// and changes them), bearer tokens, the caller's own account, and a
// tenant's staff for its admins. Each pillar's own API lives with its
// pages (internal/web/applications, internal/web/counters). It is an area
// of internal/web: its routes join the one table and its policies.
package api

import (
	"embed"

	"github.com/serambi/serambi/internal/web"
)

// Pages serves the network-wide API with the server's core.
type Pages struct{ web.AreaBase }

// noTemplates: the API renders no pages.
var noTemplates embed.FS

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, noTemplates)} }

// Routes implements web.Area.
func (s *Pages) Routes() []web.Route {
	anyone, coordinator, admin := web.Public(), web.Coordinator, web.TenantAdmin
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Policy: anyone, Handler: s.apiOpenAPI},
		{Method: "GET", Pattern: "/api/v1/regions", Policy: anyone, Handler: s.apiRegions},
		{Method: "GET", Pattern: "/api/v1/tenants", Policy: anyone, Handler: s.apiTenants},
		{Method: "POST", Pattern: "/api/v1/tenants", Policy: coordinator, Handler: s.apiTenantCreate},
		{Method: "GET", Pattern: "/api/v1/tenants/{slug}", Policy: anyone, Handler: s.apiTenant},
		{Method: "PATCH", Pattern: "/api/v1/tenants/{slug}", Policy: coordinator, Handler: s.apiTenantUpdate},
		{Method: "POST", Pattern: "/api/v1/auth/token", Policy: anyone, Handler: s.apiToken},
		{Method: "GET", Pattern: "/api/v1/me", Policy: web.SignedIn, Handler: s.apiMe},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}", Policy: anyone, Handler: s.apiTenantHome},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/staff", Policy: admin, Handler: s.apiStaff},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/staff", Policy: admin, Handler: s.apiStaffCreate},
	}
}
