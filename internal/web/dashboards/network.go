package dashboards

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"

	"github.com/serambi/serambi/internal/chart"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// government is one government's figures on the network dashboard.
type government struct {
	name     string
	fg       stats.Figures
	survey   survey.Figures
	enrolled int64
	ended    int64
	attended int64
}

// networkPage compares the governments over a period.
func (s *Pages) networkPage(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "dashboard.network.title")
	p.NoIndex = true
	v, err := s.network(r.Context(), p, r.URL.Query())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	forPage(p, v.Sections)
	p.Data = v
	s.Render(w, http.StatusOK, "dashboard", p)
}

func (s *Pages) networkCSV(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "dashboard.network.title")
	v, err := s.network(r.Context(), p, r.URL.Query())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	forCSV(p, v.Sections)
	s.writeCSV(w, r, v.Sections, "network-"+v.Period)
}

// network reads every active government's figures for the period asked.
func (s *Pages) network(ctx context.Context, p *web.Page, q url.Values) (view, error) {
	now := s.Clock.Now()
	sp, _ := spanOf(q.Get("period"), now)
	all, err := s.Tenants.List(ctx, true)
	if err != nil {
		return view{}, err
	}
	var tenants, chosen []tenant.Tenant
	for _, t := range all {
		if !t.IsPractice() {
			tenants = append(tenants, t)
		}
	}
	f := s.networkFilterOf(q, tenants)
	for _, t := range tenants {
		if s.keep(f, t) {
			chosen = append(chosen, t)
		}
	}
	govs, err := s.governments(ctx, p, chosen, sp)
	if err != nil {
		return view{}, err
	}
	v := view{Network: true, Period: sp.Code, PeriodLabel: sp.label(p), Periods: periodOptions(p, now, sp.Code)}
	v.Countries, v.Areas = s.networkOptions(p, tenants, f)
	v.Sections = []section{compare(p, sp, govs), rankOnTime(p, govs), rankIKM(p, govs), rankCounter(p, govs)}
	for i := range v.Sections {
		v.Sections[i].CSV = s.Path(networkCSVPath, v.Sections[i].ID) + "?" + f.values(url.Values{"period": {sp.Code}}).Encode()
	}
	return v, nil
}

// networkReaders is how many governments' figures are read at once: a
// network holds hundreds of governments, each read waits mostly on the
// database, and a few at once keep the page quick without taking every
// connection of the pool.
const networkReaders = 4

// governments reads the figures of every government of real,
// networkReaders at a time, in real's order.
func (s *Pages) governments(ctx context.Context, p *web.Page, real []tenant.Tenant, sp span) ([]government, error) {
	govs, errs := make([]government, len(real)), make([]error, len(real))
	slots := make(chan struct{}, networkReaders)
	var wg sync.WaitGroup
	for i, t := range real {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			govs[i], errs[i] = s.governmentOf(ctx, p, t, sp)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return govs, nil
}

func (s *Pages) governmentOf(ctx context.Context, p *web.Page, t tenant.Tenant, sp span) (government, error) {
	g := government{name: t.Name(p.Lang())}
	var err error
	if g.fg, err = s.Stats.Read(ctx, t, stats.Filter{From: sp.From, To: sp.To}); err != nil {
		return g, err
	}
	if g.survey, err = s.Surveys.Figures(ctx, t.ID, survey.ForCountry(t.Country), survey.Filter{From: sp.From, To: sp.To}, t.Location()); err != nil {
		return g, err
	}
	learning, err := s.Classes.Figures(ctx, t.ID, monthStart(sp.From, &t), monthStart(sp.To, &t).AddDate(0, 1, 0))
	if err != nil {
		return g, err
	}
	for _, c := range learning {
		g.enrolled, g.ended, g.attended = g.enrolled+int64(c.Enrolled), g.ended+int64(c.Ended), g.attended+int64(c.Attended)
	}
	return g, nil
}

// satisfaction is a government's headline survey figure and its note.
func (g government) satisfaction(f formatter) (string, string) {
	switch {
	case g.survey.Empty:
		return f.none, ""
	case g.survey.Template == survey.SKMCode:
		return fmt.Sprintf("%.2f", survey.Round2(g.survey.SKM.IKM)), "IKM " + string(g.survey.SKM.Category)
	}
	last := len(survey.CounterTemplate.Items) - 1
	return fmt.Sprintf("%.2f", g.survey.Counter.Mean[last]), "/ 5"
}

// compare is every government's figures side by side.
func compare(p *web.Page, sp span, govs []government) section {
	f := fmtFor(p)
	sec := section{ID: "governments", Heading: p.T("dashboard.network.compare"), Lead: p.T("dashboard.network.compare_lead"),
		Table: table{Caption: p.T("dashboard.network.caption", sp.label(p)), Head: []string{p.T("dashboard.col.government"),
			p.T("dashboard.col.received"), p.T("dashboard.col.decided"), p.T("dashboard.col.on_time"), p.T("dashboard.col.processing_median"),
			p.T("dashboard.col.issued"), p.T("dashboard.col.wait_median"), p.T("dashboard.col.no_show"), p.T("dashboard.col.calls"),
			p.T("dashboard.col.enrolled"), p.T("dashboard.col.attendance"), p.T("dashboard.col.satisfaction"), p.T("dashboard.col.respondents")}}}
	for _, g := range govs {
		a, x := g.fg.Apps, g.fg.Tickets
		value, note := g.satisfaction(f)
		if note != "" {
			value = locale.Decimal(p.Lang(), value) + " (" + note + ")"
		}
		sec.Table.Rows = append(sec.Table.Rows, []string{g.name, itoa(a.Received), itoa(a.Decided), f.rate(a.OnTime, a.Decided),
			f.days(a.Processing, 0.5), itoa(x.Issued), f.minutes(x.Wait, 0.5), f.rate(x.NoShow, x.Done+x.NoShow), itoa(g.fg.Calls.Held),
			itoa(g.enrolled), f.rate(g.attended, g.ended), value, strconv.Itoa(g.survey.Respondents)})
	}
	sec.Empty = len(govs) == 0
	if !sec.Empty && len(govs) <= 12 {
		rows := sec.Table.Rows
		sec.Charts = []drawn{bars(p, chart.Chart{ID: "governments", Title: p.T("dashboard.network.chart"), Desc: desc(p),
			Labels: firstColumn(rows), Unit: "%", Min: ptr(0), Max: ptr(100),
			Series: []chart.Series{{Name: p.T("dashboard.col.on_time"), Values: column(rows, 3, f)}}})}
	}
	return sec
}

// ranked is one government's place in a ranking.
type ranked struct {
	name  string
	value float64
	cells []string
}

// rank orders rows best first (highest value) and numbers them, equal
// values sharing a place ("1, 2, 2, 4").
func rank(rows []ranked) [][]string {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].value > rows[j].value })
	var out [][]string
	place := 0
	for i, r := range rows {
		if i == 0 || r.value != rows[i-1].value {
			place = i + 1
		}
		out = append(out, append([]string{strconv.Itoa(place), r.name}, r.cells...))
	}
	return out
}

// rankOnTime ranks the governments that decided something by the share
// decided by the date promised.
func rankOnTime(p *web.Page, govs []government) section {
	f := fmtFor(p)
	sec := section{ID: "rank-on-time", Heading: p.T("dashboard.network.rank_sla"), Lead: p.T("dashboard.network.rank_sla_lead"),
		Table: table{Caption: p.T("dashboard.network.rank_sla"), Head: []string{p.T("dashboard.col.rank"), p.T("dashboard.col.government"),
			p.T("dashboard.col.on_time"), p.T("dashboard.col.decided")}}}
	var rows []ranked
	for _, g := range govs {
		a := g.fg.Apps
		if r, ok := a.OnTimeRate(); ok {
			rows = append(rows, ranked{name: g.name, value: r, cells: []string{f.rate(a.OnTime, a.Decided), itoa(a.Decided)}})
		}
	}
	sec.Table.Rows, sec.Empty, sec.Table.RowHead = rank(rows), len(rows) == 0, 1
	return sec
}

// rankIKM ranks the governments that ask the SKM by their index.
func rankIKM(p *web.Page, govs []government) section {
	sec := section{ID: "rank-ikm", Heading: p.T("dashboard.network.rank_ikm"), Lead: p.T("dashboard.network.rank_ikm_lead"),
		Table: table{Caption: p.T("dashboard.network.rank_ikm"), Head: []string{p.T("dashboard.col.rank"), p.T("dashboard.col.government"),
			p.T("dashboard.col.ikm"), p.T("dashboard.col.category"), p.T("dashboard.col.respondents")}}}
	var rows []ranked
	for _, g := range govs {
		if g.survey.Empty || g.survey.Template != survey.SKMCode {
			continue
		}
		ikm := survey.Round2(g.survey.SKM.IKM)
		rows = append(rows, ranked{name: g.name, value: ikm, cells: []string{fmt.Sprintf("%.2f", ikm), string(g.survey.SKM.Category),
			strconv.Itoa(g.survey.Respondents)}})
	}
	sec.Table.Rows, sec.Empty, sec.Table.RowHead = rank(rows), len(rows) == 0, 1
	if !sec.Empty {
		f := fmtFor(p)
		sec.Charts = []drawn{bars(p, chart.Chart{ID: "rank-ikm", Title: p.T("dashboard.network.rank_ikm"), Desc: desc(p),
			Labels: column1(sec.Table.Rows), Min: ptr(25), Max: ptr(100),
			Series: []chart.Series{{Name: p.T("dashboard.col.ikm"), Values: column(sec.Table.Rows, 2, f)}}})}
	}
	return sec
}

// rankCounter ranks the governments that ask Japan's counter survey by
// the overall answer's mean.
func rankCounter(p *web.Page, govs []government) section {
	sec := section{ID: "rank-counter", Heading: p.T("dashboard.network.rank_counter"), Lead: p.T("dashboard.network.rank_counter_lead"),
		Table: table{Caption: p.T("dashboard.network.rank_counter"), Head: []string{p.T("dashboard.col.rank"), p.T("dashboard.col.government"),
			p.T("dashboard.col.overall"), p.T("dashboard.col.satisfied"), p.T("dashboard.col.respondents")}}}
	last := len(survey.CounterTemplate.Items) - 1
	var rows []ranked
	for _, g := range govs {
		if g.survey.Empty || g.survey.Template != survey.CounterCode {
			continue
		}
		mean := survey.Round2(g.survey.Counter.Mean[last])
		rows = append(rows, ranked{name: g.name, value: mean, cells: []string{fmt.Sprintf("%.2f", mean),
			one(g.survey.Counter.SatisfiedPct[last]), strconv.Itoa(g.survey.Respondents)}})
	}
	sec.Table.Rows, sec.Empty, sec.Table.RowHead = rank(rows), len(rows) == 0, 1
	return sec
}

// column1 is the second column (a ranking's names), for a chart.
func column1(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = row[1]
	}
	return out
}
