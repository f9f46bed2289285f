// Package web serves Serambi's pages and JSON API. Handlers load what they
// need from the domain services, answer 404/403 themselves, and render; the
// middleware around them does sessions, language, security and metrics.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/cache"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/kiosk"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/result"
	"github.com/serambi/serambi/internal/sandbox"
	"github.com/serambi/serambi/internal/sfu"
	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// Deps are the services the web layer uses.
type Deps struct {
	DB       *db.DB
	Tenants  *tenant.Service
	Identity *identity.Service
	Services *catalog.Store
	Calendar *calendar.Store
	Apps     *application.Service
	Results  *result.Issuer
	Docs     *document.Store
	Outbox   *notify.Outbox
	Counters *counter.Store
	Queue    *queue.Store
	Calls    *call.Store
	Kiosks   *kiosk.Store
	Classes  *classes.Store
	Sandbox  *sandbox.Service // practice of the real services (smartphone classes)
	// Practices is the knowledge exchange's library of good practices.
	Practices *knowledge.Store
	// Surveys are the satisfaction surveys: invitations, responses, sums.
	Surveys *survey.Store
	// Stats are the dashboards' daily sums.
	Stats *stats.Store
	// Classrooms forward online classes' media (internal/sfu).
	Classrooms *sfu.Rooms
	// ICE returns the STUN/TURN servers for one call participant, with
	// credentials valid for ttl (nil: no relay, browsers connect directly).
	ICE      func(label string, ttl time.Duration) []any
	Regions  *region.Directory
	Catalog  *locale.Catalog
	Clock    clock.Clock
	Log      *slog.Logger
	BaseURL  string
	Demo     bool
	Registry *prometheus.Registry
	// MetricsToken guards /metrics (bearer); empty: /metrics answers 404.
	MetricsToken string
	// FeedKey signs officers' private calendar feed URLs; a URL signed
	// with FeedKeyBefore (the key's earlier derivation) is still accepted,
	// so calendars subscribed before keep working.
	FeedKey, FeedKeyBefore []byte
	// CheckKey derives applications' check codes for public tracking.
	CheckKey []byte
	// SendCode delivers an assisted application's confirmation code to
	// the resident (by email through the outbox).
	SendCode application.CodeSender
}

// Server is the HTTP side of Serambi.
type Server struct {
	Deps
	pages   map[string]*template.Template
	assets  *assets
	icons   uiIcons
	metrics *metrics
	handler http.Handler
	secure  bool
	cache   pageCache
	methods *http.ServeMux // the same patterns without methods, for 405
	// confirmed remembers public tracking look-ups that passed the check
	// (hash of number and check -> application ID) for a minute.
	confirmed *cache.TTL[string, ids.Application]
	// flows run what spans domains (a call and its ticket) in one
	// transaction.
	flows *flow.Flows
	// patterns are the table's patterns (the names paths are built by);
	// served matches a request against the table, for Serves.
	patterns map[string]bool
	served   *http.ServeMux
	table    []Route // the core's routes and every area's
}

// allowHeader marks a path that exists with other methods.
type allowHeader string

func (allowHeader) ServeHTTP(http.ResponseWriter, *http.Request) {}

// Area is a part of the site in a package of its own (internal/web/network,
// …): its routes, which join the table and its policies, and its page
// templates, each defining "content" inside the shared layout.
type Area interface {
	Routes() []Route
	Templates() fs.FS // holds templates/*.html
}

// AreaBase is what an area's handler type embeds: the server's rendering
// core, and the area's own templates (its Templates, for Area).
type AreaBase struct {
	*Server
	templates fs.FS
}

// NewAreaBase gives an area made on s its templates (a file system with
// templates/*.html, usually the area's embedded one).
func NewAreaBase(s *Server, templates fs.FS) AreaBase {
	return AreaBase{Server: s, templates: templates}
}

// Templates implements Area.
func (a AreaBase) Templates() fs.FS { return a.templates }

// AreaFuncs is an Area whose templates call functions of their own (each
// given the page, "." in the template, when it needs one).
type AreaFuncs interface {
	Funcs() template.FuncMap
}

// pageSource is where page templates come from, with the functions they
// may call beyond the page's methods.
type pageSource struct {
	files fs.FS
	funcs template.FuncMap
}

// New builds the server with the areas made by areas (each gets the server
// to render with): templates are parsed and checked now, so a broken
// template stops the start instead of a page.
func New(d Deps, areas ...func(*Server) Area) (*Server, error) {
	s := &Server{Deps: d, secure: strings.HasPrefix(d.BaseURL, "https://"),
		confirmed: cache.New[string, ids.Application](time.Minute, 100000),
		flows: flow.New(flow.Deps{DB: d.DB, Queue: d.Queue, Calls: d.Calls, Counters: d.Counters, Apps: d.Apps,
			Identity: d.Identity, Practices: d.Practices, Tenants: d.Tenants, Classes: d.Classes, Services: d.Services, Surveys: d.Surveys})}
	s.table = s.routes()
	sources := []pageSource{{files: templateFS}}
	for _, mk := range areas {
		a := mk(s)
		s.table = append(s.table, a.Routes()...)
		src := pageSource{files: a.Templates()}
		if f, ok := a.(AreaFuncs); ok {
			src.funcs = f.Funcs()
		}
		sources = append(sources, src)
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.icons, err = loadIcons(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(sources); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(d.Registry, d.DB)
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	s.patterns, s.served = map[string]bool{}, http.NewServeMux()
	for _, rt := range s.table {
		s.patterns[rt.Pattern] = true
		if dispatched(rt.Pattern) {
			continue
		}
		mux.Handle(rt.Method+" "+rt.Pattern, s.routeHandler(rt))
		s.served.Handle(rt.Method+" "+rt.Pattern, http.NotFoundHandler())
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
	}
	s.methods = http.NewServeMux()
	for pattern, ms := range allowed {
		s.methods.Handle(pattern, allowHeader(strings.Join(append(ms, "HEAD"), ", ")))
	}
	mux.HandleFunc("/", s.unrouted)
	s.handler = s.middleware(mux)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Route is one entry of the routing table. Policy says who may call it,
// and enforce (policy.go) holds every request to it before the handler.
type Route struct {
	Method  string
	Pattern string
	Policy  Policy
	Handler http.HandlerFunc
}

// routeHandler remembers the matched pattern for metrics and logs.
func (s *Server) routeHandler(rt Route) http.Handler {
	label := rt.Method + " " + rt.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
			h.pattern = label
		}
		if !s.enforce(rt, w, r) {
			return
		}
		rt.Handler(w, r)
	})
}

type routeKey struct{}

// routeHolder is what the logs say about a request: the route that
// served it and an ID, sent back as X-Request-Id so a report of a failure
// can be matched to its log line.
type routeHolder struct{ pattern, id string }

func withRouteHolder(ctx context.Context) (context.Context, *routeHolder) {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail (Go 1.24)
	h := &routeHolder{pattern: "unmatched", id: hex.EncodeToString(b)}
	return context.WithValue(ctx, routeKey{}, h), h
}

// requestInfo is the route and ID of r, for logs.
func requestInfo(r *http.Request) (route, id string) {
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
		return h.pattern, h.id
	}
	return "unmatched", ""
}

// RouteInfo describes one route for tests and documentation.
type RouteInfo struct {
	Method, Pattern string
	Roles           []string // the policy in words
	Object          Object   // what decides an owner's policy, or ""
}

// Routes lists the routing table.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.table {
		out = append(out, RouteInfo{rt.Method, rt.Pattern, rt.Policy.Words(), rt.Policy.Object()})
	}
	return out
}

// Flows are the cross-domain flows (flow.Flows) the handlers run.
func (s *Server) Flows() *flow.Flows { return s.flows }
