// Package serviceadmin is a tenant admin's part of the site for the
// services the tenant offers: the list, each service's basics, the
// documents it asks for, its steps and deadlines, the form builder and the
// JSON expert page. It is an area of internal/web: its routes join the one
// table (and its policies), its pages render in the shared layout.
package serviceadmin

import (
	"embed"
	"html/template"

	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the service editor with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Funcs implements web.AreaFuncs: what the form builder's templates call.
func (s *Pages) Funcs() template.FuncMap { return template.FuncMap{"dateLimit": dateLimitOf} }

// Routes implements web.Area: every page here is the tenant admin's.
func (s *Pages) Routes() []web.Route {
	const svc = "/{tenant}/admin/services"
	admin := web.TenantAdmin
	return []web.Route{
		{Method: "GET", Pattern: svc, Policy: admin, Handler: s.adminServices},
		{Method: "GET", Pattern: svc + "/new", Policy: admin, Handler: s.adminServiceNew},
		{Method: "POST", Pattern: svc, Policy: admin, Handler: s.adminServiceSave},
		{Method: "POST", Pattern: svc + "/import", Policy: admin, Handler: s.adminServiceImport},
		{Method: "GET", Pattern: svc + "/{code}", Policy: admin, Handler: s.adminServiceEdit},
		{Method: "POST", Pattern: svc + "/{code}", Policy: admin, Handler: s.adminServiceSave},
		{Method: "GET", Pattern: svc + "/{code}/export", Policy: admin, Handler: s.adminServiceExport},
		{Method: "GET", Pattern: svc + "/{code}/json", Policy: admin, Handler: s.adminServiceJSON},
		{Method: "POST", Pattern: svc + "/{code}/json", Policy: admin, Handler: s.adminServiceSaveJSON},
		{Method: "GET", Pattern: svc + "/{code}/workflow", Policy: admin, Handler: s.adminWorkflow},
		{Method: "POST", Pattern: svc + "/{code}/workflow", Policy: admin, Handler: s.adminWorkflowSave},
		{Method: "GET", Pattern: svc + "/{code}/requirements", Policy: admin, Handler: s.adminRequirements},
		{Method: "POST", Pattern: svc + "/{code}/requirements", Policy: admin, Handler: s.adminRequirementSave},
		{Method: "GET", Pattern: svc + "/{code}/requirements/{name}", Policy: admin, Handler: s.adminRequirementEdit},
		{Method: "POST", Pattern: svc + "/{code}/requirements/{name}", Policy: admin, Handler: s.adminRequirementSave},
		{Method: "POST", Pattern: svc + "/{code}/requirements/{name}/delete", Policy: admin, Handler: s.adminRequirementDelete},
		{Method: "GET", Pattern: svc + "/{code}/form", Policy: admin, Handler: s.adminForm},
		{Method: "POST", Pattern: svc + "/{code}/form/pages", Policy: admin, Handler: s.adminFormAddPage},
		{Method: "GET", Pattern: svc + "/{code}/form/questions/new", Policy: admin, Handler: s.adminQuestionNew},
		{Method: "POST", Pattern: svc + "/{code}/form/questions", Policy: admin, Handler: s.adminQuestionCreate},
		{Method: "GET", Pattern: svc + "/{code}/form/questions/{name}", Policy: admin, Handler: s.adminQuestionEdit},
		{Method: "POST", Pattern: svc + "/{code}/form/questions/{name}", Policy: admin, Handler: s.adminQuestionSave},
		{Method: "POST", Pattern: svc + "/{code}/form/questions/{name}/move", Policy: admin, Handler: s.adminQuestionMove},
		{Method: "POST", Pattern: svc + "/{code}/form/questions/{name}/delete", Policy: admin, Handler: s.adminQuestionDelete},
	}
}
