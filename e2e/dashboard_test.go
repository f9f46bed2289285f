package e2e

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
)

// The performance dashboards: a government's, for its admins and
// officers, and the coordinators' comparison of the governments. They
// are drawn on the server and work without JavaScript: every chart is an
// SVG image named by its <title>, with its figures in a table beneath
// and the table as CSV. The demo seeds six months of history, so the
// charts have something to draw.

const (
	dashAdmin       = "admin@banyuwangi.demo"
	dashCoordinator = "coordinator@serambi.demo"
	dashTenant      = "banyuwangi"
	dashPath        = "/" + dashTenant + "/admin/dashboard"
	dashNetworkPath = "/network/dashboard"
)

// dashSections are the sections of a government's dashboard, in order.
var dashSections = []string{"applications", "services", "hours", "queue", "counters", "calls", "classes", "satisfaction"}

// dashNetworkSections are the coordinators' sections, in order.
var dashNetworkSections = []string{"governments", "rank-on-time", "rank-ikm", "rank-counter"}

// dashSection is one section of a dashboard as the page shows it.
type dashSection struct {
	ID         string      `json:"id"`
	LabelledBy string      `json:"labelledBy"`
	Heading    string      `json:"heading"`
	Empty      bool        `json:"empty"`
	HasTable   bool        `json:"hasTable"`
	Caption    string      `json:"caption"`
	CaptionID  string      `json:"captionID"`
	Title      string      `json:"title"`
	Wrap       *dashWrap   `json:"wrap"`
	Head       []dashCell  `json:"head"`
	Rows       []dashRow   `json:"rows"`
	CSV        *dashLink   `json:"csv"`
	Charts     []dashChart `json:"charts"`
}

// dashWrap is the box a table scrolls in.
type dashWrap struct {
	Role       string `json:"role"`
	TabIndex   string `json:"tabindex"`
	LabelledBy string `json:"labelledBy"`
	Scrolls    bool   `json:"scrolls"`
}

type dashCell struct {
	Text  string `json:"text"`
	Scope string `json:"scope"`
}

// dashRow is a table row: its cells' text and kind ("th[row]", "td").
type dashRow struct {
	Cells []string `json:"cells"`
	Kinds []string `json:"kinds"`
}

type dashLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// dashChart is one chart's SVG: how it is named and what it draws.
type dashChart struct {
	Role    string       `json:"role"`
	IDs     []string     `json:"ids"`     // aria-labelledby
	Targets []dashTarget `json:"targets"` // what each of them is
	Title   string       `json:"title"`   // the svg's own <title>
	TitleID string       `json:"titleID"`
	Series  []dashSeries `json:"series"`
	XLabels []string     `json:"xlabels"`
}

type dashTarget struct {
	ID     string `json:"id"`
	Tag    string `json:"tag"` // "" when no element has the id
	Inside bool   `json:"inside"`
	Unique bool   `json:"unique"`
	Text   string `json:"text"`
}

// dashSeries is one series of a chart: the heights of its bars, the
// "no data" marks of a bar chart, and the markers of a line chart.
type dashSeries struct {
	Bars    []float64 `json:"bars"`
	Gaps    int       `json:"gaps"`
	Markers int       `json:"markers"`
}

// dashChartsJS reads the charts under the element root.
const dashChartsJS = `root => [...root.querySelectorAll("figure.chart-box > svg")].map(svg => {
	const ids = (svg.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
	const title = svg.querySelector(":scope > title");
	return {
		role: svg.getAttribute("role") || "",
		ids,
		targets: ids.map(id => {
			const e = document.getElementById(id);
			return {id, tag: e ? e.tagName.toLowerCase() : "", inside: !!e && svg.contains(e),
				unique: document.querySelectorAll('[id="' + CSS.escape(id) + '"]').length === 1,
				text: e ? e.textContent.trim() : ""};
		}),
		title: title ? title.textContent.trim() : "",
		titleID: title ? title.id : "",
		series: [...svg.querySelectorAll("g.series")].map(g => ({
			bars: [...g.querySelectorAll("rect.bar")].map(r => parseFloat(r.getAttribute("height"))),
			gaps: g.querySelectorAll("text.gap").length,
			markers: g.querySelectorAll(".marker").length,
		})),
		xlabels: [...svg.querySelectorAll("text.xlabel")].map(t => t.textContent),
	};
})`

// dashSectionJS reads the section whose heading is id+"-h".
const dashSectionJS = `id => {
	const h = document.getElementById(id + "-h");
	const sec = h && h.closest("section");
	if (!sec) return null;
	const text = e => (e.innerText || e.textContent || "").trim().replace(/\s+/g, " ");
	const t = sec.querySelector("table.figures-table");
	const cap = t && t.querySelector("caption");
	const wrap = t && t.parentElement;
	const csv = sec.querySelector('a[href*="/csv/"]');
	return {
		id,
		labelledBy: sec.getAttribute("aria-labelledby") || "",
		heading: text(h),
		empty: !!sec.querySelector("p.empty"),
		hasTable: !!t,
		caption: cap ? text(cap) : "",
		captionID: cap ? cap.id : "",
		title: document.getElementById(id + "-table") ? text(document.getElementById(id + "-table")) : "",
		wrap: wrap ? {role: wrap.getAttribute("role") || "", tabindex: wrap.getAttribute("tabindex") || "",
			labelledBy: wrap.getAttribute("aria-labelledby") || "",
			scrolls: wrap.matches("div.table-wrap.scroll") && ["auto", "scroll"].includes(getComputedStyle(wrap).overflowX)} : null,
		head: t ? [...t.querySelectorAll("thead th")].map(th => ({text: text(th), scope: th.getAttribute("scope") || ""})) : [],
		rows: t ? [...t.tBodies].flatMap(b => [...b.rows]).map(r => ({
			cells: [...r.cells].map(text),
			kinds: [...r.cells].map(c => c.tagName.toLowerCase() + (c.getAttribute("scope") ? "[" + c.getAttribute("scope") + "]" : "")),
		})) : [],
		csv: csv ? {href: csv.getAttribute("href"), text: text(csv)} : null,
		charts: (` + dashChartsJS + `)(sec),
	};
}`

// dashRead reads section id of the dashboard on screen; the test stops
// when there is no such section.
func dashRead(p *Page, id string) dashSection {
	p.t.Helper()
	s := eval[*dashSection](p, `(`+dashSectionJS+`)(`+jsString(id)+`)`)
	if s == nil {
		p.fatalf(`no section headed by #%s-h`, id)
	}
	return *s
}

// dashColumn is the index of the column headed want.
func dashColumn(p *Page, s dashSection, want string) int {
	p.t.Helper()
	for i, h := range s.Head {
		if h.Text == want {
			return i
		}
	}
	p.fatalf("the %s table has no column %q; its columns: %q", s.ID, want, dashHeads(s))
	return -1
}

func dashHeads(s dashSection) []string {
	var out []string
	for _, h := range s.Head {
		out = append(out, h.Text)
	}
	return out
}

// dashRowHeads are the row headers of a table whose rows are named by
// column at.
func dashRowHeads(s dashSection, at int) []string {
	var out []string
	for _, r := range s.Rows {
		if at < len(r.Cells) {
			out = append(out, r.Cells[at])
		}
	}
	return out
}

// dashNumber reads a figure as a page in lang writes it — thousands
// grouped from 1,000 on and the language's decimal mark: "1.234,5" in
// Indonesian, "1,234.5" in English and Japanese — and says whether it is
// one written so (an ungrouped "1234", or a group mark where none
// belongs, is not).
func dashNumber(lang, s string) (float64, bool) {
	group, point := ",", "."
	if lang == "id" {
		group, point = ".", ","
	}
	whole, frac, hasFrac := strings.Cut(strings.TrimPrefix(s, "-"), point)
	groups := strings.Split(whole, group)
	for i, g := range groups {
		if g == "" || len(g) > 3 || i > 0 && len(g) != 3 || strings.Trim(g, "0123456789") != "" {
			return 0, false
		}
	}
	if hasFrac && (frac == "" || strings.Trim(frac, "0123456789") != "") {
		return 0, false
	}
	plain := strings.Join(groups, "")
	if hasFrac {
		plain += "." + frac
	}
	v, err := strconv.ParseFloat(plain, 64)
	if strings.HasPrefix(s, "-") {
		v = -v
	}
	return v, err == nil
}

// dashSameFigure says whether a CSV cell (decimal mark only) and a
// table cell (thousands grouped) hold the same figure, or the same words.
func dashSameFigure(lang, file, page string) bool {
	if file == page {
		return true
	}
	v, ok := dashNumber(lang, page)
	point := map[bool]string{true: ",", false: "."}[lang == "id"]
	w, err := strconv.ParseFloat(strings.Replace(file, point, ".", 1), 64)
	return ok && err == nil && v == w && !strings.Contains(file, map[bool]string{true: ".", false: ","}[lang == "id"])
}

// dashWhole reads a whole number written as dashNumber reads them.
func dashWhole(lang, s string) (int, bool) {
	v, ok := dashNumber(lang, s)
	if !ok || v != float64(int(v)) || strings.Contains(s, map[bool]string{true: ",", false: "."}[lang == "id"]) {
		return 0, false
	}
	return int(v), true
}

// dashSum adds up a column of whole numbers.
func dashSum(p *Page, s dashSection, col int) int {
	p.t.Helper()
	sum, lang := 0, p.Lang()
	for i, r := range s.Rows {
		n, ok := dashWhole(lang, r.Cells[col])
		if !ok {
			p.errorf("the %s table's row %d has %q under %q, not a whole number", s.ID, i+1, r.Cells[col], s.Head[col].Text)
			continue
		}
		sum += n
	}
	return sum
}

// dashFigures are the headline figures: each dt's words and its value.
func dashFigures(p *Page) map[string]string {
	p.t.Helper()
	return eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#main dl.figures .figure")].map(f => [
		(f.querySelector("dt") || {innerText: ""}).innerText.trim(),
		(f.querySelector("dd.figure-value") || {innerText: ""}).innerText.trim()]))`)
}

// dashFigure is the headline figure labelled label, as a whole number.
func dashFigure(p *Page, label string) int {
	p.t.Helper()
	figs := dashFigures(p)
	v, ok := figs[label]
	if !ok {
		p.fatalf("no headline figure %q in dl.figures; there are %q", label, figs)
	}
	n, ok := dashWhole(p.Lang(), v)
	if !ok {
		p.fatalf("the headline figure %q is %q, not a whole number as the page's language writes it", label, v)
	}
	return n
}

// dashCheckTable checks the contract of a section's table: a caption the
// scrolling region is named by, column headers, and rows whose cell at
// rowHead is their header and the others data.
func dashCheckTable(p *Page, s dashSection, rowHead int) {
	p.t.Helper()
	if s.LabelledBy != s.ID+"-h" {
		p.errorf(`section %s has aria-labelledby=%q, want its heading %s-h`, s.ID, s.LabelledBy, s.ID)
	}
	if s.Empty {
		if s.HasTable || len(s.Charts) > 0 {
			p.errorf("section %s says it has no data but shows a table or a chart", s.ID)
		}
		return
	}
	if !s.HasTable {
		p.errorf("section %s shows neither table.figures-table nor p.empty", s.ID)
		return
	}
	if s.CaptionID != s.ID+"-caption" || s.Caption == "" {
		p.errorf(`section %s: caption id=%q reading %q, want id %s-caption with words`, s.ID, s.CaptionID, s.Caption, s.ID)
	}
	switch w := s.Wrap; {
	case w == nil:
		p.errorf("section %s: the table is not in a wrapper", s.ID)
	case w.Role != "region" || w.TabIndex != "0" || w.LabelledBy != s.ID+"-table" || s.Title != s.Caption || !w.Scrolls:
		p.errorf(`section %s: the table's wrapper is role=%q tabindex=%q aria-labelledby=%q (title %q, caption %q; scrolls sideways: %v); want div.table-wrap.scroll[role=region][tabindex=0] named by the visible title above it, which reads as the caption, and scrolling on its own`,
			s.ID, w.Role, w.TabIndex, w.LabelledBy, s.Title, s.Caption, w.Scrolls)
	}
	if len(s.Head) == 0 {
		p.errorf("section %s: the table has no column headers", s.ID)
	}
	for _, h := range s.Head {
		if h.Scope != "col" {
			p.errorf(`section %s: column header %q has scope=%q, want col`, s.ID, h.Text, h.Scope)
		}
	}
	for i, r := range s.Rows {
		if len(r.Cells) != len(s.Head) {
			p.errorf("section %s: row %d has %d cells under %d column headers: %q", s.ID, i+1, len(r.Cells), len(s.Head), r.Cells)
			continue
		}
		for j, k := range r.Kinds {
			want := "td"
			if j == rowHead {
				want = "th[row]"
			}
			if k != want {
				p.errorf("section %s: row %d cell %d (%q) is %s, want %s", s.ID, i+1, j+1, r.Cells[j], k, want)
			}
		}
	}
}

// dashCheckCharts checks every chart's SVG is one image named by its own
// <title> (and described by its <desc>); it returns how many there are.
func dashCheckCharts(p *Page) int {
	p.t.Helper()
	charts := eval[[]dashChart](p, `(`+dashChartsJS+`)(document)`)
	for i, c := range charts {
		what := fmt.Sprintf("chart %d (%q)", i+1, c.Title)
		if c.Role != "img" {
			p.errorf(`%s: svg role=%q, want img`, what, c.Role)
		}
		if c.Title == "" || c.TitleID == "" {
			p.errorf("%s: the svg has no <title> with an id to be named by", what)
			continue
		}
		if len(c.IDs) == 0 || c.IDs[0] != c.TitleID {
			p.errorf("%s: aria-labelledby=%q does not start with its <title>'s id %q", what, c.IDs, c.TitleID)
		}
		for _, tg := range c.Targets {
			switch {
			case tg.Tag == "":
				p.errorf("%s: aria-labelledby names %q, which no element has", what, tg.ID)
			case !tg.Unique:
				p.errorf("%s: aria-labelledby names %q, which more than one element has", what, tg.ID)
			case !tg.Inside || (tg.Tag != "title" && tg.Tag != "desc"):
				p.errorf("%s: aria-labelledby names %q, a <%s> that is not the chart's own title or desc", what, tg.ID, tg.Tag)
			case tg.Text == "":
				p.errorf("%s: aria-labelledby names %q, which is empty", what, tg.ID)
			}
		}
	}
	return len(charts)
}

// dashMonths are the months from..to as the page names them in lang:
// each month alone, and the whole span.
func dashMonths(lang string, from, to time.Time) (each []string, span string) {
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		each = append(each, locale.Months(lang, m.Year(), m.Month(), m.Year(), m.Month()))
	}
	return each, locale.Months(lang, from.Year(), from.Month(), to.Year(), to.Month())
}

// dashTenantNow is the first day of this month where ten is.
func dashTenantNow(t *testing.T, slug string) (tenant.Tenant, time.Time) {
	t.Helper()
	ten, err := shared.app.Tenants.BySlug(t.Context(), slug)
	if err != nil {
		t.Fatalf("reading tenant %s: %v", slug, err)
	}
	now := time.Now().In(ten.Location())
	return ten, time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// dashCheckBars checks a bar chart draws a table: one bar (or a "no data"
// mark) per row in every series, bar heights in proportion to the
// column's figures, and the axis labels the rows' headers (every one, or
// every n-th when they would not fit, shortened with "…" when long).
func dashCheckBars(p *Page, s dashSection, c dashChart, cols ...int) {
	p.t.Helper()
	lang := p.Lang()
	if len(c.Series) != len(cols) {
		p.errorf("chart %q draws %d series, the table gives %d", c.Title, len(c.Series), len(cols))
		return
	}
	for k, sr := range c.Series {
		col := cols[k]
		if got := len(sr.Bars) + sr.Gaps; got != len(s.Rows) {
			p.errorf("chart %q draws %d bars and %d no-data marks for %q, the table has %d rows", c.Title, len(sr.Bars), sr.Gaps, s.Head[col].Text, len(s.Rows))
			continue
		}
		// Each bar's height over its figure is the same for every bar.
		var vals []float64
		for _, r := range s.Rows {
			if v, ok := dashNumber(lang, r.Cells[col]); ok {
				vals = append(vals, v)
			}
		}
		if len(vals) != len(sr.Bars) {
			p.errorf("chart %q draws %d bars for %q, the table has %d figures there", c.Title, len(sr.Bars), s.Head[col].Text, len(vals))
			continue
		}
		top, hTop := 0.0, 0.0
		for i, v := range vals {
			if v > top {
				top, hTop = v, sr.Bars[i]
			}
		}
		if top == 0 {
			continue
		}
		for i, v := range vals {
			if want := v * hTop / top; sr.Bars[i] < want-0.5 || sr.Bars[i] > want+0.5 {
				p.errorf("chart %q: the bar of %q for %q is %g high, want about %.1f (the tallest, %g, is %g high)",
					c.Title, s.Head[col].Text, s.Rows[i].Cells[0], sr.Bars[i], want, top, hTop)
			}
		}
	}
	heads := dashRowHeads(s, 0)
	if !dashLabelsFollow(c.XLabels, heads) {
		p.errorf("chart %q labels its axis %q, which do not name the table's rows %q (every one or every n-th, in order, the first with its year)", c.Title, c.XLabels, heads)
	}
}

// dashLabelsFollow reports whether labels name heads[0], heads[n],
// heads[2n]… for some n (every row, or every n-th when they would not fit
// side by side), each in full or shortened (see dashShortFor), and the
// first says its year when its row does.
func dashLabelsFollow(labels, heads []string) bool {
	if len(labels) == 0 || len(labels) > len(heads) {
		return false
	}
	if y := dashYear.FindString(heads[0]); y != "" && !strings.Contains(labels[0], y) {
		return false
	}
	for n := 1; n <= len(heads); n++ {
		if (len(heads)+n-1)/n != len(labels) {
			continue
		}
		ok := true
		for j, l := range labels {
			if !dashShortFor(l, heads[j*n]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

var dashYear = regexp.MustCompile(`\b\d{4}\b|\d{4}年`)

// dashShortFor reports whether an axis label stands for a row header:
// the header itself, its start cut with "…", its end ("11月" for
// "2026年11月"), or the starts of its words ("Nov 2026", "Agu" for
// "Agustus 2026").
func dashShortFor(label, head string) bool {
	l := strings.TrimSuffix(label, "…")
	if l == "" {
		return false
	}
	if strings.HasPrefix(head, l) || strings.HasSuffix(head, l) {
		return true
	}
	lw, hw := strings.Fields(l), strings.Fields(head)
	if len(lw) > len(hw) {
		return false
	}
	for i, w := range lw {
		if !strings.HasPrefix(hw[i], w) {
			return false
		}
	}
	return true
}

// dashChartTitled is the section's chart with that title.
func dashChartTitled(p *Page, s dashSection, title string) dashChart {
	p.t.Helper()
	var titles []string
	for _, c := range s.Charts {
		if c.Title == title {
			return c
		}
		titles = append(titles, c.Title)
	}
	p.fatalf("section %s has no chart titled %q; its charts: %q", s.ID, title, titles)
	return dashChart{}
}

// dashFetchCSV downloads path in the page (with its cookies) and reads it
// as CSV, checking the byte-order mark spreadsheets need.
func dashFetchCSV(p *Page, path string) [][]string {
	p.t.Helper()
	body, err := run(p, chromedp.Evaluate[string](`fetch(`+jsString(path)+`).then(r => {
		if (!r.ok) throw new Error("status " + r.status);
		return r.arrayBuffer();
	}).then(b => { const u = new Uint8Array(b); let s = ""; for (const x of u) s += String.fromCharCode(x); return s; })`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("downloading %s: %v", path, err)
	}
	// The bytes came as one character each; put the UTF-8 back together.
	raw := make([]byte, 0, len(body))
	for _, r := range body {
		raw = append(raw, byte(r))
	}
	text, ok := strings.CutPrefix(string(raw), "\ufeff")
	if !ok {
		p.errorf("%s does not start with a UTF-8 byte-order mark", path)
	}
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		p.fatalf("reading %s as CSV: %v", path, err)
	}
	return rows
}

// dashFollow clicks (taps) sel and expects a dashboard with status 200;
// the shared audit of every visit leaves out what scrolls inside a
// table's or chart's own region (WCAG 1.4.10 excepts data tables), but
// the region itself must fit.
func dashFollow(p *Page, sel string) {
	p.t.Helper()
	if status := p.Click(sel); status != 200 {
		p.errorf("status %d after clicking %s, want 200", status, sel)
	}
}

// dashSignIn signs the government's admin in at its home page and opens
// the dashboard from its tile there.
func dashSignIn(p *Page) {
	p.t.Helper()
	signIn(p, dashAdmin, "/"+dashTenant+"/")
	dashFollow(p, `#main a[href="`+dashPath+`"]`)
	if p.URLPath() != dashPath {
		p.fatalf("the dashboard tile led to %s, want %s", p.Path(), dashPath)
	}
}

// TestDashboardAdminAudit: Banyuwangi's admin signs in to the dashboard on
// a phone (360 px) and at a desk (1280 px). The page passes the audit of
// every visit — axe-core's WCAG 2.1 A/AA rules, touch targets, no
// sideways scrolling, and fitting 320 px with the largest text (a wide
// table scrolls inside its own region); it has the eight sections, each
// with a table of the contract (caption, column and row headers, a
// named, focusable scrolling region) and a CSV link named after it, or
// "no data"; and at least six charts, each an image named by its title.
func TestDashboardAdminAudit(t *testing.T) {
	msg := surveyMessages(t)
	eachViewport(t, func(t *testing.T, p *Page) {
		dashSignIn(p)
		lang := p.Lang()
		textIs(p, "#main h1", msg.T(lang, "dashboard.title"))
		for _, sel := range []string{"#period", "#service", "#counter"} {
			p.Expect(`#main form select`+sel, "the dashboard's filters")
		}
		p.Expect(`#main form button[type=submit]`, "the filters' button")
		if n := p.Count("#main dl.figures .figure"); n < 8 {
			p.errorf("%d headline figures, want at least 8", n)
		}
		var shown []string
		for _, id := range dashSections {
			s := dashRead(p, id)
			dashCheckTable(p, s, 0)
			if s.Empty {
				p.logf("section %s: no data", id)
				continue
			}
			shown = append(shown, id)
			if s.CSV == nil {
				p.errorf("section %s has no CSV link", id)
				continue
			}
			if want := msg.T(lang, "dashboard.csv", s.Heading); s.CSV.Text != want {
				p.errorf("section %s: the CSV link reads %q, want %q", id, s.CSV.Text, want)
			}
			if u, err := url.Parse(s.CSV.Href); err != nil || u.Path != dashPath+"/csv/"+id {
				p.errorf("section %s: the CSV link goes to %q, want %s/csv/%s?…", id, s.CSV.Href, dashPath, id)
			}
		}
		// The demo's history fills these.
		for _, id := range []string{"applications", "services", "hours", "queue", "calls", "satisfaction"} {
			if !slices.Contains(shown, id) {
				p.errorf("section %s says there is no data; the demo has six months of it", id)
			}
		}
		if n := dashCheckCharts(p); n < 6 {
			p.errorf("%d charts, want at least 6", n)
		} else {
			p.logf("%d charts, sections with data: %q", n, shown)
		}
	})
}

// TestDashboardTablesReadCorrectly: the applications and queue tables, read
// the way a screen reader's table mode does, say what the charts and the
// headline figures say. By default the page covers the last twelve
// months: twelve rows named by their months in the page's language under
// the caption naming the period; the bar chart, titled as the catalog
// says, draws one bar per row and series in proportion to the table and
// labels its axis with the rows' months; "Received" adds up to the
// headline "Applications received" (and "Decided" to "Applications
// decided"); "Numbers taken" adds up to "Queue numbers taken"; the CSV
// download holds the same table.
func TestDashboardTablesReadCorrectly(t *testing.T) {
	t.Parallel()
	_, desk := phoneAndDesktop()
	p := openPage(t, desk)
	msg := surveyMessages(t)
	dashSignIn(p)
	lang := p.Lang()
	_, month := dashTenantNow(t, dashTenant)
	months, span := dashMonths(lang, month.AddDate(0, -11, 0), month)

	apps := dashRead(p, "applications")
	dashCheckTable(p, apps, 0)
	if apps.Empty {
		p.fatalf("the applications section says there is no data; the demo has six months of it")
	}
	if want := msg.T(lang, "dashboard.apps.caption", span); apps.Caption != want {
		p.errorf("the applications table's caption reads %q, want %q", apps.Caption, want)
	}
	wantHead := []string{msg.T(lang, "dashboard.col.month"), msg.T(lang, "dashboard.col.received"), msg.T(lang, "dashboard.col.decided"),
		msg.T(lang, "dashboard.col.on_time"), msg.T(lang, "dashboard.col.processing_median"), msg.T(lang, "dashboard.col.processing_p90"),
		msg.T(lang, "dashboard.col.escalations")}
	if got := dashHeads(apps); !slices.Equal(got, wantHead) {
		p.errorf("the applications table's columns are %q, want %q", got, wantHead)
	}
	if got := dashRowHeads(apps, 0); !slices.Equal(got, months) {
		p.fatalf("the applications table's rows are %q (%d), want the last 12 months %q", got, len(got), months)
	}
	received := dashColumn(p, apps, msg.T(lang, "dashboard.col.received"))
	decided := dashColumn(p, apps, msg.T(lang, "dashboard.col.decided"))
	if sum, fig := dashSum(p, apps, received), dashFigure(p, msg.T(lang, "dashboard.tile.received")); sum != fig || sum == 0 {
		p.errorf("the %q column adds up to %d; the headline %q says %d", apps.Head[received].Text, sum, msg.T(lang, "dashboard.tile.received"), fig)
	}
	if sum, fig := dashSum(p, apps, decided), dashFigure(p, msg.T(lang, "dashboard.tile.decided")); sum != fig {
		p.errorf("the %q column adds up to %d; the headline %q says %d", apps.Head[decided].Text, sum, msg.T(lang, "dashboard.tile.decided"), fig)
	}
	bars := dashChartTitled(p, apps, msg.T(lang, "dashboard.apps.chart"))
	dashCheckBars(p, apps, bars, received, decided)
	for _, key := range []string{"dashboard.sla.chart", "dashboard.processing.chart"} {
		c := dashChartTitled(p, apps, msg.T(lang, key))
		for i, sr := range c.Series {
			if sr.Markers > len(apps.Rows) || len(sr.Bars) > 0 {
				p.errorf("line chart %q series %d has %d markers and %d bars for %d rows", c.Title, i+1, sr.Markers, len(sr.Bars), len(apps.Rows))
			}
		}
		if !dashLabelsFollow(c.XLabels, months) {
			p.errorf("chart %q labels its axis %q, which do not name the table's months %q", c.Title, c.XLabels, months)
		}
	}
	if got := dashFetchCSV(p, apps.CSV.Href); len(got) != len(apps.Rows)+1 || !slices.Equal(got[0], dashHeads(apps)) {
		p.errorf("the applications CSV has %d lines starting %q; the table has %d rows under %q", len(got), got[0], len(apps.Rows), dashHeads(apps))
	} else {
		// The same figures; the page groups thousands, the file does not
		// (a spreadsheet would take "1,234" for text).
		for i, r := range apps.Rows {
			if !slices.EqualFunc(got[i+1], r.Cells, func(file, page string) bool { return dashSameFigure(lang, file, page) }) {
				p.errorf("the applications CSV's row %d is %q, the table's is %q", i+1, got[i+1], r.Cells)
			}
		}
	}

	queue := dashRead(p, "queue")
	dashCheckTable(p, queue, 0)
	if queue.Empty {
		p.fatalf("the queue section says there is no data; the demo has six months of it")
	}
	if want := msg.T(lang, "dashboard.queue.caption", span); queue.Caption != want {
		p.errorf("the queue table's caption reads %q, want %q", queue.Caption, want)
	}
	if got := dashRowHeads(queue, 0); !slices.Equal(got, months) {
		p.errorf("the queue table's rows are %q, want the last 12 months %q", got, months)
	}
	taken := dashColumn(p, queue, msg.T(lang, "dashboard.col.issued"))
	if sum, fig := dashSum(p, queue, taken), dashFigure(p, msg.T(lang, "dashboard.tile.issued")); sum != fig || sum == 0 {
		p.errorf("the %q column adds up to %d; the headline %q says %d", queue.Head[taken].Text, sum, msg.T(lang, "dashboard.tile.issued"), fig)
	}
	dashCheckBars(p, queue, dashChartTitled(p, queue, msg.T(lang, "dashboard.queue.chart")), taken)
}

// TestDashboardFiltersWithoutJavaScript: on a phone with JavaScript off,
// the admin chooses last quarter and the busiest service in the form and
// presses the button. The address carries both; the form keeps them
// chosen; the applications table has the quarter's three months under a
// caption naming the quarter and adds up to the headline; the services
// table has that one service; and every CSV link asks for the same
// period and service.
func TestDashboardFiltersWithoutJavaScript(t *testing.T) {
	t.Parallel()
	phone, _ := phoneAndDesktop()
	p := openPage(t, phone, withoutJavaScript())
	msg := surveyMessages(t)
	dashSignIn(p)
	lang := p.Lang()

	// Last quarter: wholly in the demo's six months of history.
	_, month := dashTenantNow(t, dashTenant)
	first := time.Date(month.Year(), month.Month()-(month.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 0)
	last := first.AddDate(0, 2, 0)
	quarter := fmt.Sprintf("%d-Q%d", first.Year(), (int(first.Month())-1)/3+1)
	months, span := dashMonths(lang, first, last)

	// The service with the most applications over the last twelve months.
	services := dashRead(p, "services")
	if services.Empty || len(services.Rows) == 0 {
		p.fatalf("the services table is empty; the demo has six months of applications")
	}
	received := dashColumn(p, services, msg.T(lang, "dashboard.col.received"))
	busiest, most := "", -1
	for _, r := range services.Rows {
		if n, ok := dashWhole(lang, r.Cells[received]); ok && n > most {
			busiest, most = r.Cells[0], n
		}
	}
	serviceID := eval[string](p, `(() => { const o = [...document.querySelectorAll("#service option")].find(o => o.textContent.trim() === `+jsString(busiest)+`);
		return o ? o.value : ""; })()`)
	if serviceID == "" {
		p.fatalf("#service offers no option %q, the services table's busiest service", busiest)
	}
	if want := msg.T(lang, "survey.period.quarter", span); eval[string](p, `(() => { const o = document.querySelector('#period option[value="`+quarter+`"]');
		return o ? o.textContent.trim() : ""; })()`) != want {
		p.errorf("#period offers no option %s reading %q", quarter, want)
	}

	p.Select("#period", quarter)
	p.Select("#service", serviceID)
	dashFollow(p, `#main form.filters button[type=submit]`)
	u, err := url.Parse(p.Path())
	if err != nil || u.Path != dashPath || u.Query().Get("period") != quarter || u.Query().Get("service") != serviceID {
		p.fatalf("the form led to %s, want %s?period=%s&service=%s…", p.Path(), dashPath, quarter, serviceID)
	}
	if got := p.Value("#period"); got != quarter {
		p.errorf("after showing %s, #period has %q chosen", quarter, got)
	}
	if got := p.Value("#service"); got != serviceID {
		p.errorf("after showing one service, #service has %q chosen, want %q", got, serviceID)
	}

	apps := dashRead(p, "applications")
	dashCheckTable(p, apps, 0)
	if apps.Empty {
		p.fatalf("the applications section says there is no data for %s in %s", busiest, quarter)
	}
	if got := dashRowHeads(apps, 0); len(got) != 3 || !slices.Equal(got, months) {
		p.errorf("the applications table's rows are %q, want the quarter's three months %q", got, months)
	}
	if want := msg.T(lang, "dashboard.apps.caption", span); apps.Caption != want {
		p.errorf("the applications table's caption reads %q, want %q (naming the quarter)", apps.Caption, want)
	}
	col := dashColumn(p, apps, msg.T(lang, "dashboard.col.received"))
	if sum, fig := dashSum(p, apps, col), dashFigure(p, msg.T(lang, "dashboard.tile.received")); sum != fig {
		p.errorf("for one service in %s the %q column adds up to %d, the headline says %d", quarter, apps.Head[col].Text, sum, fig)
	}
	if got := dashRowHeads(dashRead(p, "services"), 0); !slices.Equal(got, []string{busiest}) {
		p.errorf("filtered to %q, the services table lists %q", busiest, got)
	}
	for _, id := range dashSections {
		s := dashRead(p, id)
		if s.CSV == nil {
			continue
		}
		cu, err := url.Parse(s.CSV.Href)
		if err != nil || cu.Query().Get("period") != quarter || cu.Query().Get("service") != serviceID {
			p.errorf("section %s's CSV link is %q, want it to ask for period=%s and service=%s", id, s.CSV.Href, quarter, serviceID)
		}
	}
}

// TestDashboardNetworkInJapanese: the coordinator opens the network
// dashboard in Japanese on a phone and at a desk; it passes the audit of
// every visit (axe-core included); the governments table names every
// active government (the demo's three among them) as the page's language
// names them; the on-time ranking starts at place 1, its shares go down
// (equal shares sharing a place) and each agrees with the governments
// table; every chart is named by its title.
func TestDashboardNetworkInJapanese(t *testing.T) {
	msg := surveyMessages(t)
	eachViewport(t, func(t *testing.T, p *Page) {
		signIn(p, dashCoordinator, "/")
		p.Expect(`#main a[href="`+dashNetworkPath+`"]`, "the coordinator's home links to the network dashboard")
		// The account's language (English) comes before Accept-Language;
		// ?lang= comes before both.
		p.Visit(dashNetworkPath + "?lang=ja")
		if p.Lang() != "ja" {
			p.fatalf("<html lang=%q> with ?lang=ja, want ja", p.Lang())
		}
		const lang = "ja"
		textIs(p, "#main h1", msg.T(lang, "dashboard.network.title"))
		tenants, err := shared.app.Tenants.List(t.Context(), true)
		if err != nil {
			t.Fatalf("listing the governments: %v", err)
		}
		var want []string
		for _, ten := range tenants {
			if !ten.IsPractice() {
				want = append(want, ten.Name(lang))
			}
		}
		govs := dashRead(p, "governments")
		dashCheckTable(p, govs, 0)
		names := dashRowHeads(govs, 0)
		if got, all := slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(want)); !slices.Equal(got, all) {
			p.errorf("the governments table lists %q, want the active governments %q", names, all)
		}
		for _, slug := range []string{"banyuwangi", "fukuoka", "neyagawa"} {
			ten, err := shared.app.Tenants.BySlug(t.Context(), slug)
			if err != nil {
				t.Fatalf("reading tenant %s: %v", slug, err)
			}
			if !slices.Contains(names, ten.Name(lang)) {
				p.errorf("the governments table does not list %s as %q: %q", slug, ten.Name(lang), names)
			}
		}
		onTime := map[string]string{}
		if !govs.Empty {
			col := dashColumn(p, govs, msg.T(lang, "dashboard.col.on_time"))
			for _, r := range govs.Rows {
				onTime[r.Cells[0]] = r.Cells[col]
			}
		}

		rank := dashRead(p, "rank-on-time")
		dashCheckTable(p, rank, 1)
		if rank.Empty || len(rank.Rows) < 2 {
			p.fatalf("the on-time ranking has %d rows; the demo's governments all decide applications", len(rank.Rows))
		}
		wantHead := []string{msg.T(lang, "dashboard.col.rank"), msg.T(lang, "dashboard.col.government"), msg.T(lang, "dashboard.col.on_time"), msg.T(lang, "dashboard.col.decided")}
		if got := dashHeads(rank); !slices.Equal(got, wantHead) {
			p.errorf("the on-time ranking's columns are %q, want %q", got, wantHead)
		}
		share := dashColumn(p, rank, msg.T(lang, "dashboard.col.on_time"))
		prev, prevPlace := 0.0, 0
		for i, r := range rank.Rows {
			place, ok := dashWhole(lang, r.Cells[0])
			v, ok2 := dashNumber(lang, r.Cells[share])
			if !ok || !ok2 {
				p.errorf("ranking row %d reads %q: want a place and a share", i+1, r.Cells)
				continue
			}
			switch {
			case i == 0 && place != 1:
				p.errorf("the ranking starts at place %d, want 1: %q", place, r.Cells)
			case i > 0 && v > prev:
				p.errorf("the ranking goes up from %g to %g at row %d (%s)", prev, v, i+1, r.Cells[1])
			case i > 0 && v == prev && place != prevPlace:
				p.errorf("row %d (%s) shares %g with the row above but is placed %d, not %d", i+1, r.Cells[1], v, place, prevPlace)
			case i > 0 && v < prev && place != i+1:
				p.errorf("row %d (%s) is placed %d, want %d", i+1, r.Cells[1], place, i+1)
			}
			if g, ok := onTime[r.Cells[1]]; !ok || g != r.Cells[share] {
				p.errorf("the ranking gives %s %s, the governments table %q", r.Cells[1], r.Cells[share], g)
			}
			prev, prevPlace = v, place
		}
		for _, id := range dashNetworkSections[2:] { // the other rankings, named by their 2nd column too
			dashCheckTable(p, dashRead(p, id), 1)
		}
		if n := dashCheckCharts(p); n == 0 {
			p.errorf("no charts on the network dashboard")
		}
	}, withAcceptLanguage("ja"))
}
