// Package applications is the site of the online services: the service
// catalogue, applying (the form section by section, checking answers,
// documents), a resident's own applications and their printable results,
// and the officers' side (the inbox, assigning, acting through the
// workflow, filling an application for a resident who asked for help and
// having them confirm it). Pages and their JSON API live together here.
// It is an area of internal/web: its routes join the one table (and its
// policies), its pages render in the shared layout. Public tracking and
// verification of results are the core's (they need no account).
package applications

import (
	"embed"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the application pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// The policies of the applications' routes.
var (
	anyone   = web.Public()
	officers = web.Staff(identity.Officer, identity.Admin)
	// applicantOrStaff: the resident who applied, or the tenant's staff.
	applicantOrStaff = web.OwnedBy(web.ApplicationObject, "applicant", "officer", "admin")
	// documentOwner: a document of an application: its applicant, or the
	// tenant's staff.
	documentOwner = web.OwnedBy(web.DocumentObject, "applicant", "officer", "admin")
	// applicantOrFiller: the resident who applied, or the officer who
	// filled the application for them (confirming it with the code).
	applicantOrFiller = web.OwnedBy(web.ApplicationObject, "applicant", "filler")
)

// Routes implements web.Area.
func (s *Pages) Routes() []web.Route {
	const app = "/{tenant}/applications/{id}"
	signedIn := web.SignedIn
	return []web.Route{
		{Method: "GET", Pattern: "/{tenant}/services", Policy: anyone, Handler: s.servicesPage},
		{Method: "GET", Pattern: "/{tenant}/services/{code}", Policy: anyone, Handler: s.servicePage},
		{Method: "POST", Pattern: "/{tenant}/services/{code}/apply", Policy: signedIn, Handler: s.startApplication},
		{Method: "GET", Pattern: "/{tenant}/applications", Policy: signedIn, Handler: s.myApplications},
		{Method: "GET", Pattern: app, Policy: applicantOrStaff, Handler: s.applicationPage},
		{Method: "GET", Pattern: app + "/edit", Policy: applicantOrStaff, Handler: s.editApplication},
		{Method: "POST", Pattern: app + "/edit", Policy: applicantOrStaff, Handler: s.saveSection},
		{Method: "GET", Pattern: app + "/check", Policy: applicantOrStaff, Handler: s.checkAnswers},
		{Method: "POST", Pattern: app + "/actions", Policy: applicantOrStaff, Handler: s.act},
		{Method: "POST", Pattern: app + "/assign", Policy: officers, Handler: s.assign},
		{Method: "GET", Pattern: "/{tenant}/inbox", Policy: officers, Handler: s.inbox},
		{Method: "GET", Pattern: "/{tenant}/assist", Policy: officers, Handler: s.assistForm},
		{Method: "POST", Pattern: "/{tenant}/assist", Policy: officers, Handler: s.assistStart},
		{Method: "POST", Pattern: app + "/confirmation", Policy: officers, Handler: s.requestConfirmation},
		{Method: "POST", Pattern: app + "/confirm", Policy: applicantOrFiller, Handler: s.confirm},
		{Method: "GET", Pattern: app + "/result", Policy: applicantOrStaff, Handler: s.resultDocument},
		{Method: "POST", Pattern: app + "/documents", Policy: applicantOrStaff, Handler: s.uploadDocument},
		{Method: "POST", Pattern: app + "/documents/delete", Policy: applicantOrStaff, Handler: s.deleteDocument},
		{Method: "GET", Pattern: "/{tenant}/documents/{id}", Policy: documentOwner, Handler: s.downloadDocument},

		{Method: "GET", Pattern: "/api/v1/t/{tenant}/services", Policy: anyone, Handler: s.apiServices},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/services/{code}", Policy: anyone, Handler: s.apiService},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/documents", Policy: signedIn, Handler: s.apiUpload},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/applications", Policy: signedIn, Handler: s.apiApply},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/applications/{id}", Policy: applicantOrStaff, Handler: s.apiApplication},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/applications/{id}/actions", Policy: applicantOrStaff, Handler: s.apiAct},
	}
}
