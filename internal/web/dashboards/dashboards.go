// Package dashboards is the staff's performance pages: per government,
// applications and deadlines met, the queue's waits by hour, calls,
// classes and the satisfaction index over a period; for coordinators, the
// governments side by side. Charts are SVG drawn here (internal/web/chart)
// with their figures in a table beneath, and every table is also CSV. It
// is an area of internal/web.
package dashboards

import (
	"context"
	"embed"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the dashboards with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{AreaBase: web.NewAreaBase(s, templates)} }

const (
	dashboardPath  = "/{tenant}/admin/dashboard"
	csvPath        = "/{tenant}/admin/dashboard/csv/{table}"
	apiPath        = "/api/v1/t/{tenant}/stats"
	networkPath    = "/network/dashboard"
	networkCSVPath = "/network/dashboard/csv/{table}"
)

// staff read their government's dashboard: its admins and officers (and
// coordinators).
var staff = web.Staff(identity.Admin, identity.Officer)

// Routes implements web.Area.
func (s *Pages) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: dashboardPath, Policy: staff, Handler: s.dashboardPage},
		{Method: "GET", Pattern: csvPath, Policy: staff, Handler: s.dashboardCSV},
		{Method: "GET", Pattern: apiPath, Policy: staff, Handler: s.apiStats},
		{Method: "GET", Pattern: networkPath, Policy: web.Coordinator, Handler: s.networkPage},
		{Method: "GET", Pattern: networkCSVPath, Policy: web.Coordinator, Handler: s.networkCSV},
	}
}

// last12 is the default period: the twelve months up to this one.
const last12 = "last12"

// span is the months a page covers and how it names them.
type span struct {
	Code     string // the period's code in addresses ("last12", "2026-Q4", …)
	From, To string // months, "2006-01"
}

// spanOf reads the period asked for; a code that is not one gives the
// default with ok false (the pages show the default, the API refuses).
func spanOf(code string, now time.Time) (_ span, ok bool) {
	if code != "" && code != last12 {
		p, err := survey.ParsePeriod(code)
		if err == nil {
			from, to := p.Months()
			return span{Code: p.Code(), From: from, To: to}, true
		}
	}
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	return span{Code: last12, From: from.Format("2006-01"), To: now.Format("2006-01")}, code == "" || code == last12
}

// label names the span in the reader's language.
func (sp span) label(p *web.Page) string {
	f, _ := time.Parse("2006-01", sp.From)
	t, _ := time.Parse("2006-01", sp.To)
	return locale.Months(p.Lang(), f.Year(), f.Month(), t.Year(), t.Month())
}

// months lists the span's months.
func (sp span) months() []string {
	var out []string
	f, _ := time.Parse("2006-01", sp.From)
	t, _ := time.Parse("2006-01", sp.To)
	for m := f; !m.After(t) && len(out) < 120; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// monthLabel is a month as a chart's axis and a table's row show it.
func monthLabel(p *web.Page, month string) string {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return locale.Months(p.Lang(), m.Year(), m.Month(), m.Year(), m.Month())
}

// selection is what a tenant's dashboard shows.
type selection struct {
	span      span
	serviceID string
	counterID string
	services  []catalog.Service
	counters  []counter.Counter
}

// selectionOf reads the period, service and counter asked for; another
// government's service or counter selects nothing (the whole government).
func (s *Pages) selectionOf(ctx context.Context, q map[string][]string, t *tenant.Tenant) (selection, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return validation.Narrow(v[0])
		}
		return ""
	}
	sel := selection{}
	sel.span, _ = spanOf(get("period"), s.Clock.Now().In(t.Location()))
	var err error
	if sel.services, err = s.Services.List(ctx, t.ID, false); err != nil {
		return sel, err
	}
	if sel.counters, err = s.Counters.List(ctx, t.ID, false); err != nil {
		return sel, err
	}
	for _, svc := range sel.services {
		if svc.ID == get("service") {
			sel.serviceID = svc.ID
		}
	}
	for _, c := range sel.counters {
		if string(c.ID) == get("counter") {
			sel.counterID = string(c.ID)
		}
	}
	return sel, nil
}

func (sel selection) filter() stats.Filter {
	return stats.Filter{From: sel.span.From, To: sel.span.To, ServiceID: sel.serviceID, CounterID: sel.counterID}
}

// dashboardPage is a government's dashboard.
func (s *Pages) dashboardPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "dashboard.title")
	p.Tenant, p.NoIndex = t, true
	v, err := s.dashboard(r.Context(), p, t, r.URL.Query())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	forPage(p, v.Sections)
	p.Data = v
	s.Render(w, http.StatusOK, "dashboard", p)
}

// dashboardCSV is one table of the dashboard as CSV.
func (s *Pages) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "dashboard.title")
	p.Tenant = t
	v, err := s.dashboard(r.Context(), p, t, r.URL.Query())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	forCSV(p, v.Sections)
	s.writeCSV(w, r, v.Sections, t.Slug+"-"+v.Period)
}
