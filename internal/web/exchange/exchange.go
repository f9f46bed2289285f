// Package exchange is the site of the knowledge exchange (pillar 4): the
// public library of good practices with its search, each practice's page,
// and the open API over them. It is an area of internal/web: its routes
// join the one table (and its policies), its pages render in the shared
// layout.
package exchange

import (
	"embed"
	"strconv"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the exchange with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

const (
	libraryPath  = "/exchange"
	practicePath = "/exchange/practices/{slug}"
)

// editors write their government's practices: its good-practice
// editors and admins (and the coordinator, as for every staff route).
var editors = web.Staff(identity.Editor, identity.Admin)

// replicators take up another government's practice for theirs: any of
// its staff (the officers who will run it included).
var replicators = web.Staff(identity.Officer, identity.Instructor, identity.Editor, identity.Admin)

// Routes implements web.Area: published practices are open data, for
// anyone, signed in or not; a government's staff write its own; the
// network's coordinators review what they submit.
func (s *Pages) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: libraryPath, Policy: web.Public(), Handler: s.libraryPage},
		{Method: "GET", Pattern: practicePath, Policy: web.Public(), Handler: s.practicePage},
		{Method: "POST", Pattern: practicePath + "/translation", Policy: web.SignedIn, Handler: s.requestTranslation},
		{Method: "GET", Pattern: csvPath, Policy: web.Public(), Handler: s.csvExport},
		{Method: "GET", Pattern: feedPath, Policy: web.Public(), Handler: s.feed},
		{Method: "GET", Pattern: "/api/v1/practices", Policy: web.Public(), Handler: s.apiList},
		{Method: "GET", Pattern: "/api/v1/practices/{slug}", Policy: web.Public(), Handler: s.apiPractice},

		{Method: "GET", Pattern: minePath, Policy: editors, Handler: s.minePage},
		{Method: "GET", Pattern: newPath, Policy: editors, Handler: s.newPage},
		{Method: "POST", Pattern: newPath, Policy: editors, Handler: s.create},
		{Method: "GET", Pattern: editPath, Policy: editors, Handler: s.editPage},
		{Method: "POST", Pattern: editPath, Policy: editors, Handler: s.save},
		{Method: "POST", Pattern: editPath + "/retire", Policy: editors, Handler: s.retire},
		{Method: "GET", Pattern: editPath + "/history", Policy: editors, Handler: s.historyPage},

		{Method: "POST", Pattern: filesPath, Policy: editors, Handler: s.addFile},
		{Method: "GET", Pattern: filePath, Policy: web.Public(), Handler: s.file},
		{Method: "POST", Pattern: partnersPath, Policy: editors, Handler: s.setPartners},
		{Method: "POST", Pattern: mentoringPath, Policy: editors, Handler: s.answerMentor},
		{Method: "POST", Pattern: askPath, Policy: replicators, Handler: s.ask},
		{Method: "POST", Pattern: answerPath, Policy: editors, Handler: s.answer},
		{Method: "POST", Pattern: eventsPath, Policy: editors, Handler: s.createEvent},
		{Method: "POST", Pattern: registerPath, Policy: replicators, Handler: s.register},
		{Method: "GET", Pattern: rosterPath, Policy: editors, Handler: s.rosterPage},
		{Method: "GET", Pattern: eventICSPath, Policy: web.Public(), Handler: s.eventICS},
		{Method: "GET", Pattern: peersPath, Policy: replicators, Handler: s.peersPage},
		{Method: "POST", Pattern: adoptPath, Policy: replicators, Handler: s.adopt},
		{Method: "GET", Pattern: replicationPath, Policy: replicators, Handler: s.replicationPage},
		{Method: "POST", Pattern: replicationPath, Policy: replicators, Handler: s.replicationAction},

		{Method: "GET", Pattern: reviewPath, Policy: web.Coordinator, Handler: s.queuePage},
		{Method: "GET", Pattern: decisionPath, Policy: web.Coordinator, Handler: s.decisionPage},
		{Method: "POST", Pattern: decisionPath, Policy: web.Coordinator, Handler: s.decide},
	}
}

// government is how a practice's government is named for a reader: its
// own name in Japanese for a Japanese reader, the Latin form otherwise.
func government(reg region.Region, lang string) string {
	if lang == "ja" || reg.NameLatin == "" {
		return reg.Name
	}
	return reg.NameLatin
}

// figure writes a metric's number as people read it: no exponent, no
// trailing zeros.
func figure(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// langOf is the language a reader sees a practice in and whether it is
// a fallback (the reader's language is missing).
func langOf(c knowledge.Content, lang string) (string, bool) {
	if c.Title[lang] != "" {
		return lang, false
	}
	return c.Original, true
}
