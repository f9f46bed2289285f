// Package chart draws small, accessible SVG charts on the server, for the
// staff dashboards and the public report. There is no JavaScript and no
// chart library: the pages must work with scripts off, and the
// Content-Security-Policy forbids inline styles, so everything is drawn with
// SVG presentation attributes. A chart is a picture of figures the page also
// gives in a table; the SVG is one image with a title and a description, and
// screen readers are pointed at the table for the numbers.
package chart

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
)

// MaxSeries is the most series a chart draws. The palette has four colours
// that all reach 3:1 against white, each paired with its own marker, dash
// and fill pattern; beyond four, series could no longer be told apart. Further
// series are left out of the picture; the caller's table still lists them.
const MaxSeries = 4

// Series is one set of values, one per label; math.NaN() means "no data"
// and is drawn as a gap, never as 0.
type Series struct {
	Name   string    // shown in the legend and at the line's end
	Values []float64 // one per label; math.NaN() = no data
}

// Chart is what Bars and Lines draw.
type Chart struct {
	Title  string   // short; becomes <title>, the image's accessible name
	Desc   string   // one sentence saying the table below gives the figures; becomes <desc>
	Labels []string // horizontal axis labels, already translated ("Jan 2026", "08:00")
	Series []Series
	Unit   string // appended to the vertical axis tick labels, e.g. "%"; may be empty
	// Min and Max fix the vertical axis (0..100 for percentages, 25..100
	// for an index). Unset, the axis starts at 0 and ends at a round number
	// above the largest value.
	Min, Max *float64
	// Format formats values for tick labels and bar value labels; nil means
	// up to one decimal with a trailing ".0" dropped.
	Format func(float64) string
	// ID prefixes the element ids, so it must be unique within the page.
	// Empty, an id is derived from the content.
	ID string
}

// Geometry, in viewBox units. The chart is designed at 480 wide. Pages
// hold it between 22rem (it scrolls sideways in a narrower column) and
// 30rem, so at the normal text size (18 px) it is drawn 396 to 540 px
// wide and its 17-unit text reads at 14 to 19 px; it grows with the
// text-size control.
const (
	width       = 480.0
	baseHeight  = 260.0
	fontSize    = 17.0
	legendRowH  = 22.0
	maxXLabels  = 8  // more category labels than this are thinned
	maxValues   = 12 // more bars than this get no value labels
	maxEndW     = 120.0
	maxXLabelW  = 96.0
	xLabelGap   = 4.0 // between neighbouring category labels
	markerSize  = 5.0
	maxBarWidth = 56.0
	endGap      = markerSize + 5 // from a line's last point to its name
)

// Colours. Text is near-black (well above 4.5:1 on white) because coloured
// text at this size would need 4.5:1, which not every series colour has;
// series are told apart by shape, dash and pattern as well as by colour.
const (
	textColor = "#222"
	gridColor = "#d6d6d6"
	axisColor = "#595959"
)

// palette holds the series colours, each at least 3:1 against white (the
// test computes it): brand blue, dark orange, green, purple.
var palette = [MaxSeries]string{"#0b5cad", "#b35900", "#0a6b2d", "#6a3d9a"}

// dashes gives every line its own dash pattern, so lines differ without
// colour: solid, dashed, dotted, dash-dot.
var dashes = [MaxSeries]string{"", "8 4", "2 3", "10 3 2 3"}

// Bars draws grouped vertical bars: one group per label, one bar per series.
// A missing value draws no bar but a "–" on the baseline.
func Bars(c Chart) template.HTML {
	p := prepare(c, false)
	var b strings.Builder
	p.open(&b)
	p.patterns(&b)
	p.axis(&b)
	if p.hasData {
		p.bars(&b)
		p.legend(&b, false)
	}
	p.baseline(&b)
	b.WriteString("</svg>")
	return template.HTML(b.String()) // #nosec G203 -- every caller string goes through esc
}

// Lines draws one line per series with a marker at every value. A missing
// value breaks the line and has no marker.
func Lines(c Chart) template.HTML {
	p := prepare(c, true)
	var b strings.Builder
	p.open(&b)
	p.axis(&b)
	if p.hasData {
		p.lines(&b)
		p.endLabels(&b)
		p.legend(&b, true)
	}
	p.baseline(&b)
	b.WriteString("</svg>")
	return template.HTML(b.String()) // #nosec G203 -- every caller string goes through esc
}

// plot is a Chart made safe to draw (every series as long as the labels,
// only finite values) plus its computed scale and layout.
type plot struct {
	id, title, desc string
	labels          []string
	names           []string
	vals            [][]float64
	unit            string
	format          func(float64) string
	hasData         bool

	lo, hi float64   // vertical axis range
	ticks  []float64 // lo first, hi last

	h                        float64 // viewBox height; grows with legend rows
	left, right, top, bottom float64 // plot area
	legendItems              []legendItem
}

type legendItem struct {
	x, y   float64 // left end of the swatch, vertical centre of the row
	series int
	name   string
}

func prepare(c Chart, lines bool) *plot {
	p := &plot{id: chartID(c), title: c.Title, desc: c.Desc, labels: c.Labels, unit: c.Unit, format: c.Format}
	if p.format == nil {
		p.format = Plain
	}
	p.names, p.vals, p.hasData = normalize(c)
	p.lo, p.hi, p.ticks = scale(c.Min, c.Max, p.vals)
	p.layout(lines)
	return p
}

// normalize pads or cuts every series to one value per label, turning
// missing and infinite values into NaN, so drawing never indexes out of
// range and never has to think about Inf.
func normalize(c Chart) (names []string, vals [][]float64, hasData bool) {
	series := c.Series
	if len(series) > MaxSeries {
		series = series[:MaxSeries]
	}
	for _, s := range series {
		v := make([]float64, len(c.Labels))
		for i := range v {
			v[i] = math.NaN()
			if i < len(s.Values) && finite(s.Values[i]) {
				v[i] = s.Values[i]
				hasData = true
			}
		}
		names = append(names, s.Name)
		vals = append(vals, v)
	}
	return names, vals, hasData
}

// scale picks the vertical range and its ticks: the caller's fixed range
// when it makes sense, else 0 (or Min) up to a round number above the data.
func scale(minP, maxP *float64, vals [][]float64) (lo, hi float64, ticks []float64) {
	if minP != nil && finite(*minP) {
		lo = *minP
	}
	if maxP != nil && finite(*maxP) && *maxP > lo && finite(*maxP-lo) {
		hi = *maxP
		return lo, hi, fixedTicks(lo, hi)
	}
	top := lo
	for _, v := range vals {
		for _, x := range v {
			if x > top {
				top = x
			}
		}
	}
	span := top - lo
	if !(span > 0) || !finite(span) {
		span = 1
	}
	step, n := niceStep(span)
	hi = lo + step*float64(n)
	if !finite(hi) || !(hi > lo) {
		// Only reachable near the float limits; an axis that clamps every
		// bar beats NaN coordinates.
		lo, hi, step, n = 0, 1, 0.2, 5
	}
	return lo, hi, tickRange(lo, step, n)
}

// niceStep divides span into 3 to 5 intervals of 1, 2, 2.5 or 5 times a
// power of ten, the smallest such step that needs at most 5 intervals.
func niceStep(span float64) (step float64, n int) {
	mag := math.Pow(10, math.Floor(math.Log10(span/5)))
	if !(mag > 0) {
		mag = span
	}
	for mag < math.MaxFloat64 {
		for _, m := range []float64{1, 2, 2.5, 5} {
			if m == 2.5 && mag < 1 {
				continue // 0.25 would print as "0.3" with one decimal
			}
			step = m * mag
			if k := math.Ceil(span/step - 1e-9); k <= 5 {
				return step, int(math.Max(k, 1))
			}
		}
		mag *= 10
	}
	return span, 1
}

// fixedTicks splits a caller's range into 4, 5 or 3 equal intervals,
// preferring one whose step is a round number (0..100 by 25, 25..100 by 25).
func fixedTicks(lo, hi float64) []float64 {
	for _, n := range []int{4, 5, 3} {
		if isRound((hi - lo) / float64(n)) {
			return tickRange(lo, (hi-lo)/float64(n), n)
		}
	}
	return tickRange(lo, (hi-lo)/4, 4)
}

func isRound(step float64) bool {
	mag := math.Pow(10, math.Floor(math.Log10(step)))
	if !(mag > 0) || !finite(mag) {
		return false
	}
	m := step / mag
	for _, r := range []float64{1, 2, 2.5, 5, 10} {
		if math.Abs(m-r) < 1e-9*r {
			return true
		}
	}
	return false
}

// tickRange multiplies rather than adds, so float error does not build up
// and the last tick is exactly the top of the axis.
func tickRange(lo, step float64, n int) []float64 {
	t := make([]float64, n+1)
	for i := range t {
		t[i] = lo + step*float64(i)
	}
	return t
}

// layout places the plot area: room on the left for the widest tick label,
// on top for the legend rows, and for lines on the right for the names.
func (p *plot) layout(lines bool) {
	tickW := 0.0
	for _, t := range p.ticks {
		tickW = math.Max(tickW, textW(p.format(t)+p.unit))
	}
	// Capped: a caller's Format returning long words must not eat the plot.
	p.left = math.Min(math.Max(40, tickW+20), 160)
	p.right = width - 12
	if lines && p.hasData {
		if w := p.endWidth(); w > 0 {
			// Solve for the right edge that puts the last point's centre
			// endGap before a name of width w ending 8 units from the edge.
			half := 1 / (2 * float64(len(p.labels)))
			p.right = (width - 8 - w - endGap - p.left*half) / (1 - half)
		}
	}
	rows := p.placeLegend(lines)
	p.h = baseHeight + math.Max(0, float64(rows-1))*legendRowH
	p.top = 24
	if rows > 0 {
		p.top += float64(rows)*legendRowH + 4
	}
	p.bottom = p.h - 34
}

// endWidth is the room the names at the lines' ends need, or 0 when one
// of them is wider than maxEndW: then no line is named at its end (a
// shortened name, "On time (…", helps nobody, and a long one would
// squeeze the plot); the legend, shown for two or more series, names
// them whole, and the chart's title names a single one.
func (p *plot) endWidth() float64 {
	w := 0.0
	for _, n := range p.names {
		if textW(n) > maxEndW {
			return 0
		}
		w = math.Max(w, textW(n))
	}
	return w
}

// placeLegend lays the legend out in rows that wrap at the chart's width
// and returns the number of rows. One series needs no legend: the title
// names it.
func (p *plot) placeLegend(lines bool) int {
	p.legendItems = nil
	if len(p.vals) < 2 || !p.hasData {
		return 0
	}
	sw := swatchW(lines)
	x, row := 8.0, 0
	for s, name := range p.names {
		name = truncate(name, width-16-sw-6)
		w := sw + 6 + textW(name)
		if x > 8 && x+w > width-8 {
			x, row = 8, row+1
		}
		p.legendItems = append(p.legendItems, legendItem{x: x, y: 14 + float64(row)*legendRowH, series: s, name: name})
		x += w + 20
	}
	return row + 1
}

func swatchW(lines bool) float64 {
	if lines {
		return 28
	}
	return 14
}

// y maps a value to the vertical coordinate, clamping to the axis so a
// negative value sits on the baseline and an out-of-range one at the top.
func (p *plot) y(v float64) float64 {
	v = math.Min(math.Max(v, p.lo), p.hi)
	return p.bottom - (v-p.lo)/(p.hi-p.lo)*(p.bottom-p.top)
}

func (p *plot) slot() float64 { return (p.right - p.left) / float64(len(p.labels)) }

// x is the centre of category i; bars and line points share it.
func (p *plot) x(i int) float64 { return p.left + (float64(i)+0.5)*p.slot() }

func (p *plot) open(b *strings.Builder) {
	// width="100%" with a viewBox and no height lets the browser scale the
	// chart to its column and derive the height; focusable="false" keeps
	// old Edge from putting the image in the tab order. The title names the
	// image and the description describes it, so a screen reader says the
	// name alone and the pointer to the table after it.
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title" aria-describedby="%s-desc" focusable="false" font-family="inherit" font-size="%s">`,
		num(width), num(p.h), p.id, p.id, num(fontSize))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, p.id, esc(p.title), p.id, esc(p.desc))
}

// axis draws the gridlines with their tick labels and the category labels.
func (p *plot) axis(b *strings.Builder) {
	for i, t := range p.ticks {
		y := p.y(t)
		if i > 0 {
			fmt.Fprintf(b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
				num(p.left), num(y), num(p.right), num(y), gridColor)
		}
		fmt.Fprintf(b, `<text class="ytick" x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`,
			num(p.left-10), num(y+5), textColor, esc(p.format(t)+p.unit))
	}
	p.xLabels(b)
}

// baseline is drawn last so bars and markers do not cover it.
func (p *plot) baseline(b *strings.Builder) {
	y := p.y(p.lo)
	fmt.Fprintf(b, `<line class="baseline" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`,
		num(p.left), num(y), num(p.right), num(y), axisColor)
}

// xLabels labels every category, or every 2nd, 3rd… when they would not
// fit side by side (24 hours of the day on a phone).
func (p *plot) xLabels(b *strings.Builder) {
	if len(p.labels) == 0 {
		return
	}
	step := p.labelStep()
	room := float64(step)*p.slot() - xLabelGap
	for i := 0; i < len(p.labels); i += step {
		s := truncate(p.labels[i], math.Min(room, maxXLabelW))
		// Keep the first and last label inside the image.
		half := textW(s) / 2
		x := math.Min(math.Max(p.x(i), half+2), width-half-2)
		fmt.Fprintf(b, `<text class="xlabel" x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`,
			num(x), num(p.bottom+22), textColor, esc(s))
	}
}

func (p *plot) labelStep() int {
	n := len(p.labels)
	w := 0.0
	for _, l := range p.labels {
		w = math.Max(w, math.Min(textW(l), maxXLabelW))
	}
	step := int(math.Ceil((w + xLabelGap) / p.slot()))
	if n > maxXLabels {
		step = max(step, (n+maxXLabels-1)/maxXLabels)
	}
	return max(step, 1)
}

// patterns defines a fill per bar series after the first, so bars differ
// without colour: solid, diagonal stripes, dots, horizontal stripes.
func (p *plot) patterns(b *strings.Builder) {
	if len(p.vals) < 2 || !p.hasData {
		return
	}
	b.WriteString("<defs>")
	for s := 1; s < len(p.vals); s++ {
		c := palette[s]
		switch s {
		case 1:
			fmt.Fprintf(b, `<pattern id="%s-p1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/><path d="M0 0V6" stroke="#fff" stroke-width="2"/></pattern>`, p.id, c)
		case 2:
			fmt.Fprintf(b, `<pattern id="%s-p2" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="%s"/><circle cx="2.5" cy="2.5" r="1.2" fill="#fff"/></pattern>`, p.id, c)
		default:
			fmt.Fprintf(b, `<pattern id="%s-p3" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="%s"/><path d="M0 3H6" stroke="#fff" stroke-width="1.5"/></pattern>`, p.id, c)
		}
	}
	b.WriteString("</defs>")
}

func (p *plot) fill(s int) string {
	if s == 0 {
		return palette[0]
	}
	return "url(#" + p.id + "-p" + strconv.Itoa(s) + ")"
}

func (p *plot) bars(b *strings.Builder) {
	k := float64(len(p.vals))
	barW := math.Min(p.slot()*0.72/k, maxBarWidth)
	gap := math.Min(2, barW*0.2) // white between neighbouring bars
	showValues := p.valueLabelsFit(barW)
	base := p.y(p.lo)
	for s, v := range p.vals {
		fmt.Fprintf(b, `<g class="series" fill="%s" stroke="%s" stroke-width="1">`, p.fill(s), palette[s])
		for i, val := range v {
			cx := p.x(i) - k*barW/2 + (float64(s)+0.5)*barW
			if math.IsNaN(val) {
				fmt.Fprintf(b, `<text class="gap" x="%s" y="%s" text-anchor="middle" fill="%s" stroke="none">–</text>`, num(cx), num(base-2), textColor)
				continue
			}
			top := p.y(val)
			fmt.Fprintf(b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s"/>`,
				num(cx-barW/2+gap/2), num(top), num(barW-gap), num(base-top))
			if showValues {
				fmt.Fprintf(b, `<text class="value" x="%s" y="%s" text-anchor="middle" fill="%s" stroke="none">%s</text>`,
					num(cx), num(top-5), textColor, esc(p.format(val)))
			}
		}
		b.WriteString("</g>")
	}
}

// valueLabelsFit says whether each bar can carry its figure: few enough bars
// to read, and every figure narrower than its bar's share of the group.
func (p *plot) valueLabelsFit(barW float64) bool {
	if len(p.vals)*len(p.labels) > maxValues {
		return false
	}
	room := math.Max(barW, p.slot()/float64(len(p.vals)))
	for _, v := range p.vals {
		for _, x := range v {
			if !math.IsNaN(x) && textW(p.format(x)) > room {
				return false
			}
		}
	}
	return true
}

func (p *plot) lines(b *strings.Builder) {
	for s, v := range p.vals {
		b.WriteString(`<g class="series">`)
		for _, seg := range segments(v) {
			if len(seg) < 2 {
				continue // a lone value is shown by its marker alone
			}
			pts := make([]string, len(seg))
			for j, i := range seg {
				pts[j] = num(p.x(i)) + "," + num(p.y(v[i]))
			}
			fmt.Fprintf(b, `<polyline class="line" points="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round"%s/>`,
				strings.Join(pts, " "), palette[s], dashAttr(s))
		}
		for i, val := range v {
			if !math.IsNaN(val) {
				marker(b, s, p.x(i), p.y(val))
			}
		}
		b.WriteString("</g>")
	}
}

// segments splits indexes into runs of consecutive values, so a missing
// value breaks the line instead of being bridged or drawn as 0.
func segments(v []float64) [][]int {
	var segs [][]int
	var cur []int
	for i, x := range v {
		if math.IsNaN(x) {
			if len(cur) > 0 {
				segs = append(segs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, i)
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	return segs
}

func dashAttr(s int) string {
	if dashes[s] == "" {
		return ""
	}
	return ` stroke-dasharray="` + dashes[s] + `"`
}

// marker draws series s's shape: circle, square, triangle, diamond. The
// white outline keeps overlapping markers apart.
func marker(b *strings.Builder, s int, x, y float64) {
	const r = markerSize
	c := palette[s]
	switch s {
	case 0:
		fmt.Fprintf(b, `<circle class="marker" cx="%s" cy="%s" r="%s" fill="%s" stroke="#fff"/>`, num(x), num(y), num(r-0.5), c)
	case 1:
		fmt.Fprintf(b, `<rect class="marker" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#fff"/>`, num(x-r+1), num(y-r+1), num(2*r-2), num(2*r-2), c)
	case 2:
		fmt.Fprintf(b, `<polygon class="marker" points="%s,%s %s,%s %s,%s" fill="%s" stroke="#fff"/>`,
			num(x), num(y-r-0.5), num(x+r), num(y+r-1), num(x-r), num(y+r-1), c)
	default:
		fmt.Fprintf(b, `<polygon class="marker" points="%s,%s %s,%s %s,%s %s,%s" fill="%s" stroke="#fff"/>`,
			num(x), num(y-r-0.5), num(x+r+0.5), num(y), num(x), num(y+r+0.5), num(x-r-0.5), num(y), c)
	}
}

// endLabels names each line beside its last value, nudged apart so two
// lines ending close together keep readable names.
func (p *plot) endLabels(b *strings.Builder) {
	type label struct {
		y    float64
		name string
	}
	if p.endWidth() == 0 {
		return
	}
	var ls []label
	for s, v := range p.vals {
		name := p.names[s]
		for i := len(v) - 1; i >= 0 && name != ""; i-- {
			if !math.IsNaN(v[i]) {
				ls = append(ls, label{p.y(v[i]) + 5, name})
				break
			}
		}
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].y < ls[j].y })
	for i := 1; i < len(ls); i++ {
		ls[i].y = math.Max(ls[i].y, ls[i-1].y+fontSize+2)
	}
	if n := len(ls); n > 0 && ls[n-1].y > p.bottom+5 {
		shift := ls[n-1].y - (p.bottom + 5)
		for i := range ls {
			ls[i].y -= shift
		}
	}
	x := p.x(len(p.labels)-1) + endGap
	for _, l := range ls {
		fmt.Fprintf(b, `<text class="endlabel" x="%s" y="%s" fill="%s">%s</text>`, num(x), num(l.y), textColor, esc(l.name))
	}
}

// legend shows each series' swatch (line with dash and marker, or patterned
// square) beside its name, so the key works without colour too.
func (p *plot) legend(b *strings.Builder, lines bool) {
	for _, it := range p.legendItems {
		b.WriteString(`<g class="legend">`)
		if lines {
			fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"%s/>`,
				num(it.x), num(it.y), num(it.x+28), num(it.y), palette[it.series], dashAttr(it.series))
			marker(b, it.series, it.x+14, it.y)
		} else {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="14" height="14" fill="%s" stroke="%s" stroke-width="1"/>`,
				num(it.x), num(it.y-7), p.fill(it.series), palette[it.series])
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="%s">%s</text></g>`,
			num(it.x+swatchW(lines)+6), num(it.y+5), textColor, esc(it.name))
	}
}

// chartID makes the caller's ID safe inside id="" and url(#…); without one
// it hashes the content, so the output stays deterministic.
func chartID(c Chart) string {
	id := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, c.ID)
	if id != "" {
		return id
	}
	h := fnv.New32a()
	for _, s := range append([]string{c.Title, c.Desc}, c.Labels...) {
		_, _ = h.Write([]byte(s))
		_, _ = h.Write([]byte{0})
	}
	return fmt.Sprintf("chart-%08x", h.Sum32())
}

// Plain is the default Format: at most one decimal, no trailing ".0",
// no grouping ("1234.5"). A caller writing for a reader wraps it
// (grouping, the decimal comma).
func Plain(v float64) string {
	s := strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// num formats an SVG coordinate: one decimal is finer than a pixel and
// keeps the output short and byte-for-byte stable.
func num(v float64) string {
	if !finite(v) {
		return "0"
	}
	return Plain(v)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// textW estimates the width of s in the page's sans-serif font. Text
// cannot be measured on the server, so this errs on the wide side; digits
// and punctuation are counted narrower so hour and month labels are not
// thinned more than needed, and CJK (the page also loads Noto Sans JP)
// counts a full em.
func textW(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += glyphEm(r)
	}
	return w * fontSize
}

func glyphEm(r rune) float64 {
	switch {
	case r >= 0x1100 && (r <= 0x115F || r >= 0x2E80):
		return 1
	case strings.ContainsRune(" .,:;'!|iIjlft", r):
		return 0.32
	case r >= '0' && r <= '9':
		return 0.56
	case strings.ContainsRune("mwMW@%", r):
		return 0.9
	}
	return 0.62
}

// truncate shortens s with "…" to fit about w units.
func truncate(s string, w float64) string {
	if textW(s) <= w {
		return s
	}
	w -= textW("…")
	used := 0.0
	for i, r := range s {
		if used += glyphEm(r) * fontSize; used > w {
			if i == 0 {
				return ""
			}
			return strings.TrimSpace(s[:i]) + "…"
		}
	}
	return s
}

// esc makes caller text safe as XML character data or an attribute value:
// invalid UTF-8 and characters XML forbids (control characters) would make
// the whole image fail to parse, so they are replaced or dropped first.
func esc(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 {
			return r
		}
		return -1
	}, s)
	return template.HTMLEscapeString(s)
}
