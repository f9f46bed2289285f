package dashboards

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/chart"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// option is one choice of a filter.
type option struct {
	Value, Label string
	Selected     bool
}

// tile is one headline figure.
type tile struct{ Label, Value, Note string }

// table is a table of figures as the page and its CSV show it: the first
// cell of each row names it.
type table struct {
	Caption string
	Head    []string
	Rows    [][]string
	RowHead int // the column whose cell names the row (a ranking's government, not its place)
}

// section is one part of a dashboard: charts of a table's figures, the
// table, and its CSV.
type section struct {
	ID, Heading, Lead string
	Charts            []drawn
	Table             table
	CSV               string
	Empty             bool
}

// drawn is a chart as the page holds it: its id (which names its title,
// "<ID>-title", for the region it may scroll in), its title (shown above
// it: a section has up to three charts, and sighted readers need to know
// which is which as much as screen readers do) and its SVG.
type drawn struct {
	ID, Title string
	SVG       template.HTML
}

// bars and lines draw c with its figures written as the reader's
// language writes them, as the table beneath does.
func bars(p *web.Page, c chart.Chart) drawn {
	c.Format = chartNumber(p)
	return drawn{ID: c.ID, Title: c.Title, SVG: chart.Bars(c)}
}

func lines(p *web.Page, c chart.Chart) drawn {
	c.Format = chartNumber(p)
	return drawn{ID: c.ID, Title: c.Title, SVG: chart.Lines(c)}
}

func chartNumber(p *web.Page) func(float64) string {
	lang := p.Lang()
	return func(v float64) string { return locale.Number(lang, chart.Plain(v)) }
}

// view is a government's dashboard.
type view struct {
	Periods, Services, Counters []option
	Countries, Areas            []option // the network's filters
	Period, PeriodLabel         string
	Tiles                       []tile
	Sections                    []section
	Network                     bool
}

// dashboard reads and lays out t's figures for the query q.
func (s *Pages) dashboard(ctx context.Context, p *web.Page, t *tenant.Tenant, q url.Values) (view, error) {
	sel, err := s.selectionOf(ctx, q, t)
	if err != nil {
		return view{}, err
	}
	fg, err := s.Stats.Read(ctx, *t, sel.filter())
	if err != nil {
		return view{}, err
	}
	learning, err := s.Classes.Figures(ctx, t.ID, monthStart(sel.span.From, t), monthStart(sel.span.To, t).AddDate(0, 1, 0))
	if err != nil {
		return view{}, err
	}
	tpl := survey.ForCountry(t.Country)
	sf := survey.Filter{From: sel.span.From, To: sel.span.To, ServiceID: sel.serviceID}
	months, err := s.Surveys.ByMonth(ctx, t.ID, tpl, sf)
	if err != nil {
		return view{}, err
	}
	whole, err := s.Surveys.Figures(ctx, t.ID, tpl, sf, t.Location())
	if err != nil {
		return view{}, err
	}
	v := view{Period: sel.span.Code, PeriodLabel: sel.span.label(p), Periods: periodOptions(p, s.Clock.Now().In(t.Location()), sel.span.Code),
		Services: s.serviceOptions(p, sel), Counters: counterOptions(p, sel)}
	v.Tiles = tiles(p, fg, learning, whole)
	csv := func(id string) string {
		return s.Path(csvPath, t.Slug, id) + "?" + url.Values{"period": {sel.span.Code}, "service": {sel.serviceID}, "counter": {sel.counterID}}.Encode()
	}
	v.Sections = []section{
		appMonths(p, sel.span, fg), s.appServices(p, sel, fg), queueHours(p, fg), queueMonths(p, sel.span, fg),
		s.counterTable(p, sel, fg), callMonths(p, sel.span, fg), classTable(p, learning), surveyMonths(p, sel.span, tpl, months),
	}
	for i := range v.Sections {
		v.Sections[i].CSV = csv(v.Sections[i].ID)
	}
	return v, nil
}

// forPage writes the figures of the sections' tables as a reader of the
// page's language reads them (thousands grouped, the decimal mark),
// once the charts are drawn from them.
func forPage(p *web.Page, sections []section) {
	lang := p.Lang()
	localize(sections, func(s string) string { return locale.Number(lang, s) })
}

// forCSV writes them for a spreadsheet in the reader's language: the
// decimal mark only (a spreadsheet takes grouped digits for text).
func forCSV(p *web.Page, sections []section) {
	lang := p.Lang()
	localize(sections, func(s string) string { return locale.Decimal(lang, s) })
}

// localize rewrites each figure of the tables with write (the names in
// the row-head column are left as they are).
func localize(sections []section, write func(string) string) {
	for _, sec := range sections {
		for _, row := range sec.Table.Rows {
			for i, cell := range row {
				if i == sec.Table.RowHead {
					continue
				}
				if _, err := strconv.ParseFloat(cell, 64); err == nil {
					row[i] = write(cell)
				}
			}
		}
	}
}

func monthStart(month string, t *tenant.Tenant) time.Time {
	m, _ := time.ParseInLocation("2006-01", month, t.Location())
	return m
}

// Figures as the tables write them: one decimal, "no data" in words
// where there is none (never 0).

func one(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func (f formatter) rate(part, whole int64) string {
	r, ok := stats.Rate(part, whole)
	if !ok {
		return f.none
	}
	return one(r)
}

// days and minutes are a histogram's quantile in those units.
func (f formatter) days(h stats.Hist, q float64) string {
	d, ok := h.Quantile(q)
	if !ok {
		return f.none
	}
	return one(d.Hours() / 24)
}

func (f formatter) minutes(h stats.Hist, q float64) string {
	d, ok := h.Quantile(q)
	if !ok {
		return f.none
	}
	return one(d.Minutes())
}

// formatter writes figures for one page.
type formatter struct{ none string }

func fmtFor(p *web.Page) formatter { return formatter{none: p.T("dashboard.nodata_short")} }

// value is a figure for a chart, NaN where there is none.
func value(s string, f formatter) float64 {
	if s == f.none {
		return math.NaN()
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// count is n as a headline writes it for the page's reader.
func count(p *web.Page, n int64) string { return p.Count(int(n)) }

func ptr(x float64) *float64 { return &x }

// desc is every chart's description: its figures are in the table below.
func desc(p *web.Page) string { return p.T("dashboard.chart.desc") }

// column is the values of column i of rows, for a chart.
func column(rows [][]string, i int, f formatter) []float64 {
	out := make([]float64, len(rows))
	for r, row := range rows {
		out[r] = value(row[i], f)
	}
	return out
}

// axisMonths are months as a chart's axis shows them: short, with the
// year on the first and on each January.
func axisMonths(p *web.Page, months []string) []string {
	out := make([]string, len(months))
	for i, month := range months {
		m, err := time.Parse("2006-01", month)
		if err != nil {
			out[i] = month
			continue
		}
		out[i] = locale.MonthShort(p.Lang(), m.Year(), m.Month(), i == 0 || m.Month() == time.January)
	}
	return out
}

func firstColumn(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = row[0]
	}
	return out
}

// appMonths: applications received and decided, deadlines met and
// processing time, by month.
func appMonths(p *web.Page, sp span, fg stats.Figures) section {
	f := fmtFor(p)
	sec := section{ID: "applications", Heading: p.T("dashboard.apps.heading"), Lead: p.T("dashboard.apps.lead"),
		Table: table{Caption: p.T("dashboard.apps.caption", sp.label(p)), Head: []string{p.T("dashboard.col.month"),
			p.T("dashboard.col.received"), p.T("dashboard.col.decided"), p.T("dashboard.col.on_time"),
			p.T("dashboard.col.processing_median"), p.T("dashboard.col.processing_p90"), p.T("dashboard.col.escalations")}}}
	for i, m := range fg.Months {
		a := fg.AppMonths[i]
		sec.Table.Rows = append(sec.Table.Rows, []string{monthLabel(p, m), itoa(a.Received), itoa(a.Decided),
			f.rate(a.OnTime, a.Decided), f.days(a.Processing, 0.5), f.days(a.Processing, 0.9), itoa(a.Escalations)})
	}
	sec.Empty = fg.Apps.Received == 0 && fg.Apps.Decided == 0
	if sec.Empty {
		return sec
	}
	rows, labels := sec.Table.Rows, axisMonths(p, fg.Months)
	sec.Charts = []drawn{
		bars(p, chart.Chart{ID: "apps", Title: p.T("dashboard.apps.chart"), Desc: desc(p), Labels: labels,
			Series: []chart.Series{{Name: p.T("dashboard.col.received"), Values: column(rows, 1, f)},
				{Name: p.T("dashboard.col.decided"), Values: column(rows, 2, f)}}}),
		lines(p, chart.Chart{ID: "sla", Title: p.T("dashboard.sla.chart"), Desc: desc(p), Labels: labels, Unit: "%",
			Min: ptr(0), Max: ptr(100), Series: []chart.Series{{Name: p.T("dashboard.col.on_time"), Values: column(rows, 3, f)}}}),
		lines(p, chart.Chart{ID: "processing", Title: p.T("dashboard.processing.chart"), Desc: desc(p), Labels: labels,
			Series: []chart.Series{{Name: p.T("dashboard.col.processing_median"), Values: column(rows, 4, f)},
				{Name: p.T("dashboard.col.processing_p90"), Values: column(rows, 5, f)}}}),
	}
	return sec
}

// appServices: the same figures by service over the whole period.
func (s *Pages) appServices(p *web.Page, sel selection, fg stats.Figures) section {
	f := fmtFor(p)
	sec := section{ID: "services", Heading: p.T("dashboard.services.heading"), Lead: p.T("dashboard.services.lead"),
		Table: table{Caption: p.T("dashboard.services.caption", sel.span.label(p)), Head: []string{p.T("dashboard.col.service"),
			p.T("dashboard.col.received"), p.T("dashboard.col.decided"), p.T("dashboard.col.on_time"),
			p.T("dashboard.col.processing_median"), p.T("dashboard.col.processing_p90"), p.T("dashboard.col.escalations")}}}
	for _, svc := range sel.services {
		a := fg.Services[svc.ID]
		if a == nil {
			continue
		}
		sec.Table.Rows = append(sec.Table.Rows, []string{svc.Names.In(p.Lang()), itoa(a.Received), itoa(a.Decided),
			f.rate(a.OnTime, a.Decided), f.days(a.Processing, 0.5), f.days(a.Processing, 0.9), itoa(a.Escalations)})
	}
	sec.Empty = len(sec.Table.Rows) == 0
	if !sec.Empty && len(sec.Table.Rows) <= 12 {
		rows := sec.Table.Rows
		sec.Charts = []drawn{bars(p, chart.Chart{ID: "services", Title: p.T("dashboard.services.chart"), Desc: desc(p),
			Labels: firstColumn(rows), Unit: "%", Min: ptr(0), Max: ptr(100),
			Series: []chart.Series{{Name: p.T("dashboard.col.on_time"), Values: column(rows, 3, f)}}})}
	}
	return sec
}

// queueHours: numbers taken and waits by the hour they were taken.
func queueHours(p *web.Page, fg stats.Figures) section {
	f := fmtFor(p)
	sec := section{ID: "hours", Heading: p.T("dashboard.hours.heading"), Lead: p.T("dashboard.hours.lead"),
		Table: table{Caption: p.T("dashboard.hours.caption"), Head: []string{p.T("dashboard.col.hour"), p.T("dashboard.col.issued"),
			p.T("dashboard.col.wait_median"), p.T("dashboard.col.wait_p90"), p.T("dashboard.col.no_show")}}}
	for h, x := range fg.Hours {
		if x.Issued == 0 {
			continue // hours the counters are closed
		}
		hour := locale.Clock(p.Lang(), time.Date(2000, 1, 1, h, 0, 0, 0, time.UTC), nil) // as every time of day is written
		sec.Table.Rows = append(sec.Table.Rows, []string{hour, itoa(x.Issued),
			f.minutes(x.Wait, 0.5), f.minutes(x.Wait, 0.9), f.rate(x.NoShow, x.Done+x.NoShow)})
	}
	sec.Empty = len(sec.Table.Rows) == 0
	if !sec.Empty {
		rows := sec.Table.Rows
		sec.Charts = []drawn{bars(p, chart.Chart{ID: "hours", Title: p.T("dashboard.hours.chart"), Desc: desc(p),
			Labels: firstColumn(rows), Series: []chart.Series{{Name: p.T("dashboard.col.wait_median"), Values: column(rows, 2, f)},
				{Name: p.T("dashboard.col.wait_p90"), Values: column(rows, 3, f)}}})}
	}
	return sec
}

// queueMonths: numbers taken and how they ended, by month.
func queueMonths(p *web.Page, sp span, fg stats.Figures) section {
	f := fmtFor(p)
	sec := section{ID: "queue", Heading: p.T("dashboard.queue.heading"), Lead: p.T("dashboard.queue.lead"),
		Table: table{Caption: p.T("dashboard.queue.caption", sp.label(p)), Head: []string{p.T("dashboard.col.month"),
			p.T("dashboard.col.issued"), p.T("dashboard.col.served"), p.T("dashboard.col.not_answered"), p.T("dashboard.col.cancelled"),
			p.T("dashboard.col.no_show"), p.T("dashboard.col.wait_median")}}}
	for i, m := range fg.Months {
		x := fg.TicketMonths[i]
		sec.Table.Rows = append(sec.Table.Rows, []string{monthLabel(p, m), itoa(x.Issued), itoa(x.Done), itoa(x.NoShow),
			itoa(x.Cancelled), f.rate(x.NoShow, x.Done+x.NoShow), f.minutes(x.Wait, 0.5)})
	}
	sec.Empty = fg.Tickets.Issued == 0
	if !sec.Empty {
		rows := sec.Table.Rows
		sec.Charts = []drawn{bars(p, chart.Chart{ID: "queue", Title: p.T("dashboard.queue.chart"), Desc: desc(p),
			Labels: axisMonths(p, fg.Months), Series: []chart.Series{{Name: p.T("dashboard.col.issued"), Values: column(rows, 1, f)}}})}
	}
	return sec
}

// counterTable: the queue and calls by counter.
func (s *Pages) counterTable(p *web.Page, sel selection, fg stats.Figures) section {
	f := fmtFor(p)
	sec := section{ID: "counters", Heading: p.T("dashboard.counters.heading"), Lead: p.T("dashboard.counters.lead"),
		Table: table{Caption: p.T("dashboard.counters.caption", sel.span.label(p)), Head: []string{p.T("dashboard.col.counter"),
			p.T("dashboard.col.issued"), p.T("dashboard.col.wait_median"), p.T("dashboard.col.wait_p90"), p.T("dashboard.col.no_show"),
			p.T("dashboard.col.calls"), p.T("dashboard.col.call_median")}}}
	for _, c := range sel.counters {
		x, k := fg.Counters[string(c.ID)], fg.CallCounters[string(c.ID)]
		if x == nil && k == nil {
			continue
		}
		if x == nil {
			x = &stats.TicketSums{}
		}
		if k == nil {
			k = &stats.CallSums{}
		}
		sec.Table.Rows = append(sec.Table.Rows, []string{c.Name(p.Lang()), itoa(x.Issued), f.minutes(x.Wait, 0.5),
			f.minutes(x.Wait, 0.9), f.rate(x.NoShow, x.Done+x.NoShow), itoa(k.Held), f.minutes(k.Length, 0.5)})
	}
	sec.Empty = len(sec.Table.Rows) == 0
	return sec
}

// callMonths: calls held and their length, by month.
func callMonths(p *web.Page, sp span, fg stats.Figures) section {
	f := fmtFor(p)
	sec := section{ID: "calls", Heading: p.T("dashboard.calls.heading"), Lead: p.T("dashboard.calls.lead"),
		Table: table{Caption: p.T("dashboard.calls.caption", sp.label(p)), Head: []string{p.T("dashboard.col.month"),
			p.T("dashboard.col.calls"), p.T("dashboard.col.call_median"), p.T("dashboard.col.call_p90")}}}
	for i, m := range fg.Months {
		c := fg.CallMonths[i]
		sec.Table.Rows = append(sec.Table.Rows, []string{monthLabel(p, m), itoa(c.Held), f.minutes(c.Length, 0.5), f.minutes(c.Length, 0.9)})
	}
	sec.Empty = fg.Calls.Held == 0
	if !sec.Empty {
		rows := sec.Table.Rows
		sec.Charts = []drawn{bars(p, chart.Chart{ID: "calls", Title: p.T("dashboard.calls.chart"), Desc: desc(p),
			Labels: axisMonths(p, fg.Months), Series: []chart.Series{{Name: p.T("dashboard.col.calls"), Values: column(rows, 1, f)}}})}
	}
	return sec
}

// classTable: the smartphone classes by course.
func classTable(p *web.Page, learning []classes.CourseFigures) section {
	f := fmtFor(p)
	sec := section{ID: "classes", Heading: p.T("dashboard.classes.heading"), Lead: p.T("dashboard.classes.lead"),
		Table: table{Caption: p.T("dashboard.classes.caption"), Head: []string{p.T("dashboard.col.course"), p.T("dashboard.col.sessions"),
			p.T("dashboard.col.enrolled"), p.T("dashboard.col.attendance"), p.T("dashboard.col.completed")}}}
	for _, c := range learning {
		sec.Table.Rows = append(sec.Table.Rows, []string{c.Title.In(p.Lang()), strconv.Itoa(c.Sessions), strconv.Itoa(c.Enrolled),
			f.rate(int64(c.Attended), int64(c.Ended)), strconv.Itoa(c.Completed)})
	}
	sec.Empty = len(sec.Table.Rows) == 0
	return sec
}

// surveyMonths: the satisfaction index by month.
func surveyMonths(p *web.Page, sp span, tpl survey.Template, months map[string]survey.Figures) section {
	f := fmtFor(p)
	skm := tpl.Code == survey.SKMCode
	sec := section{ID: "satisfaction", Heading: p.T("dashboard.survey.heading"), Table: table{Caption: p.T("dashboard.survey.caption", sp.label(p))}}
	if skm {
		sec.Lead = p.T("dashboard.survey.lead_skm")
		sec.Table.Head = []string{p.T("dashboard.col.month"), p.T("dashboard.col.respondents"), p.T("dashboard.col.ikm"), p.T("dashboard.col.category")}
	} else {
		sec.Lead = p.T("dashboard.survey.lead_counter")
		sec.Table.Head = []string{p.T("dashboard.col.month"), p.T("dashboard.col.respondents"), p.T("dashboard.col.overall"), p.T("dashboard.col.satisfied")}
	}
	answered := false
	for _, m := range sp.months() {
		fg, ok := months[m]
		row := []string{monthLabel(p, m), "0", f.none, f.none}
		if ok && !fg.Empty {
			answered = true
			row[1] = strconv.Itoa(fg.Respondents)
			if skm {
				row[2], row[3] = fmt.Sprintf("%.2f", survey.Round2(fg.SKM.IKM)), string(fg.SKM.Category)
			} else {
				last := len(survey.CounterTemplate.Items) - 1
				row[2], row[3] = fmt.Sprintf("%.2f", fg.Counter.Mean[last]), one(fg.Counter.SatisfiedPct[last])
			}
		}
		sec.Table.Rows = append(sec.Table.Rows, row)
	}
	sec.Empty = !answered
	if !answered {
		return sec
	}
	c := chart.Chart{ID: "satisfaction", Title: p.T("dashboard.survey.chart"), Desc: desc(p), Labels: axisMonths(p, sp.months()),
		Series: []chart.Series{{Name: sec.Table.Head[2], Values: column(sec.Table.Rows, 2, f)}}}
	if skm {
		c.Min, c.Max = ptr(25), ptr(100)
	} else {
		c.Min, c.Max = ptr(1), ptr(5)
	}
	sec.Charts = []drawn{lines(p, c)}
	return sec
}

// tiles are the headline figures of the period.
func tiles(p *web.Page, fg stats.Figures, learning []classes.CourseFigures, whole survey.Figures) []tile {
	f := fmtFor(p)
	var enrolled, ended, attended int64
	for _, c := range learning {
		enrolled, ended, attended = enrolled+int64(c.Enrolled), ended+int64(c.Ended), attended+int64(c.Attended)
	}
	a, x, c := fg.Apps, fg.Tickets, fg.Calls
	out := []tile{
		{Label: p.T("dashboard.tile.received"), Value: count(p, a.Received)},
		{Label: p.T("dashboard.tile.decided"), Value: count(p, a.Decided), Note: p.T("dashboard.tile.escalations", count(p, a.Escalations))},
		{Label: p.T("dashboard.tile.on_time"), Value: percent(p, f.rate(a.OnTime, a.Decided), f)},
		{Label: p.T("dashboard.tile.processing"), Value: unit(p, f.days(a.Processing, 0.5), "dashboard.unit.days", f),
			Note: p.T("dashboard.tile.p90", unit(p, f.days(a.Processing, 0.9), "dashboard.unit.days", f))},
		{Label: p.T("dashboard.tile.issued"), Value: count(p, x.Issued), Note: p.T("dashboard.tile.no_show", percent(p, f.rate(x.NoShow, x.Done+x.NoShow), f))},
		{Label: p.T("dashboard.tile.wait"), Value: unit(p, f.minutes(x.Wait, 0.5), "dashboard.unit.minutes", f),
			Note: p.T("dashboard.tile.p90", unit(p, f.minutes(x.Wait, 0.9), "dashboard.unit.minutes", f))},
		{Label: p.T("dashboard.tile.calls"), Value: count(p, c.Held), Note: p.T("dashboard.tile.call_length", unit(p, f.minutes(c.Length, 0.5), "dashboard.unit.minutes", f))},
		{Label: p.T("dashboard.tile.learners"), Value: count(p, enrolled), Note: p.T("dashboard.tile.attendance", percent(p, f.rate(attended, ended), f))},
	}
	switch {
	case whole.Empty:
		out = append(out, tile{Label: p.T("dashboard.tile.satisfaction"), Value: f.none})
	case whole.Template == survey.SKMCode:
		out = append(out, tile{Label: p.T("dashboard.tile.ikm"), Value: locale.Decimal(p.Lang(), fmt.Sprintf("%.2f", survey.Round2(whole.SKM.IKM))),
			Note: p.T("dashboard.tile.category", string(whole.SKM.Category), p.T("survey.category."+string(whole.SKM.Category)))})
	default:
		last := len(survey.CounterTemplate.Items) - 1
		out = append(out, tile{Label: p.T("dashboard.tile.overall"), Value: locale.Decimal(p.Lang(), fmt.Sprintf("%.2f", whole.Counter.Mean[last])),
			Note: p.T("survey.report.satisfied", locale.Decimal(p.Lang(), one(whole.Counter.SatisfiedPct[last])))})
	}
	return out
}

// percent and unit write a tile's figure in the reader's language; a
// no-break space keeps "%" with its number.
func percent(p *web.Page, s string, f formatter) string {
	if s == f.none {
		return s
	}
	return locale.Decimal(p.Lang(), s) + "\u00a0%"
}

func unit(p *web.Page, s, key string, f formatter) string {
	if s == f.none {
		return s
	}
	return p.T(key, locale.Decimal(p.Lang(), s))
}
