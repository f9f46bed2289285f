package chart

import (
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed SVG element, enough to query the output in tests.
type node struct {
	name     string
	attrs    map[string]string
	text     string
	children []*node
}

// parse fails the test unless out is one well-formed XML element, <svg>.
func parse(t *testing.T, out template.HTML) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(out)))
	d.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				t.Fatalf("more than one root element:\n%s", out)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			} else if strings.TrimSpace(string(tk)) != "" {
				t.Fatalf("text outside the root element:\n%s", out)
			}
		}
	}
	if root == nil || root.name != "svg" {
		t.Fatalf("root is not <svg>:\n%s", out)
	}
	return root
}

// all returns every element below n (n included) for which keep is true.
func (n *node) all(keep func(*node) bool) []*node {
	var out []*node
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.children {
		out = append(out, c.all(keep)...)
	}
	return out
}

func (n *node) class(c string) []*node {
	return n.all(func(m *node) bool { return m.attrs["class"] == c })
}

func (n *node) num(t *testing.T, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attrs[attr], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.name, attr, n.attrs[attr], err)
	}
	return v
}

func texts(ns []*node) []string {
	var s []string
	for _, n := range ns {
		s = append(s, n.text)
	}
	return s
}

func f(v float64) *float64 { return &v }

var nan = math.NaN()

func sample() Chart {
	return Chart{
		Title:  "Visits per month",
		Desc:   "The table below gives the figures.",
		Labels: []string{"Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"},
		Series: []Series{
			{Name: "Walk-in", Values: []float64{10, 20, 30, 40}},
			{Name: "Booked", Values: []float64{5, 15, nan, 35}},
		},
		ID: "visits",
	}
}

func TestWellFormedAndAccessibleRoot(t *testing.T) {
	for name, draw := range map[string]func(Chart) template.HTML{"bars": Bars, "lines": Lines} {
		t.Run(name, func(t *testing.T) {
			c := sample()
			root := parse(t, draw(c))
			if root.attrs["xmlns"] != "http://www.w3.org/2000/svg" {
				t.Errorf("xmlns = %q", root.attrs["xmlns"])
			}
			if root.attrs["role"] != "img" {
				t.Errorf("role = %q, want img", root.attrs["role"])
			}
			vb := strings.Fields(root.attrs["viewBox"])
			if len(vb) != 4 || vb[0] != "0" || vb[1] != "0" || vb[2] != "480" {
				t.Errorf("viewBox = %q, want 0 0 480 h", root.attrs["viewBox"])
			}
			if h, _ := strconv.ParseFloat(vb[3], 64); h < 240 || h > 320 {
				t.Errorf("viewBox height %v, want about 260", h)
			}
			if root.attrs["width"] != "100%" || root.attrs["height"] != "" || root.attrs["style"] != "" {
				t.Errorf("want width=100%%, no height and no style attribute (CSP), got %v", root.attrs)
			}
			if fs, _ := strconv.ParseFloat(root.attrs["font-size"], 64); fs < 14 {
				t.Errorf("font-size = %q, want >= 14", root.attrs["font-size"])
			}
			if root.attrs["font-family"] != "inherit" {
				t.Errorf("font-family = %q", root.attrs["font-family"])
			}
			for _, txt := range root.all(func(n *node) bool { return n.name == "text" }) {
				if fs, ok := txt.attrs["font-size"]; ok {
					t.Errorf("text %q overrides font-size %s", txt.text, fs)
				}
			}
		})
	}
}

func TestAriaLabelledByResolves(t *testing.T) {
	for _, out := range []template.HTML{Bars(sample()), Lines(sample()), Lines(Chart{Title: "No id"})} {
		root := parse(t, out)
		ids := []string{root.attrs["aria-labelledby"], root.attrs["aria-describedby"]}
		if strings.Contains(ids[0], " ") || ids[0] == "" || ids[1] == "" {
			t.Fatalf("aria-labelledby = %q, aria-describedby = %q, want the title's id and the desc's", ids[0], ids[1])
		}
		byID := map[string]*node{}
		for _, n := range root.all(func(n *node) bool { return n.attrs["id"] != "" }) {
			if byID[n.attrs["id"]] != nil {
				t.Errorf("duplicate id %q", n.attrs["id"])
			}
			byID[n.attrs["id"]] = n
		}
		title, desc := byID[ids[0]], byID[ids[1]]
		if title == nil || title.name != "title" || desc == nil || desc.name != "desc" {
			t.Fatalf("aria-labelledby/describedby %q do not point at <title> and <desc>:\n%s", ids, out)
		}
		if root.children[0] != title {
			t.Errorf("<title> is not the first child of <svg>")
		}
	}
	root := parse(t, Lines(sample()))
	if got := root.children[0].text; got != "Visits per month" {
		t.Errorf("title text = %q", got)
	}
	if got := root.children[1].text; got != "The table below gives the figures." {
		t.Errorf("desc text = %q", got)
	}
	if !strings.HasPrefix(root.attrs["aria-labelledby"], "visits-") {
		t.Errorf("ids not prefixed with the chart ID: %q", root.attrs["aria-labelledby"])
	}
}

func TestLinesGapBreaksLine(t *testing.T) {
	c := Chart{
		Title:  "Waiting",
		Labels: []string{"08:00", "09:00", "10:00", "11:00", "12:00"},
		Series: []Series{{Name: "Minutes", Values: []float64{4, 6, nan, 8, 5}}},
	}
	root := parse(t, Lines(c))
	lines := root.class("line")
	if len(lines) != 2 {
		t.Fatalf("got %d polylines, want 2 segments", len(lines))
	}
	for i, want := range []int{2, 2} {
		if got := len(strings.Fields(lines[i].attrs["points"])); got != want {
			t.Errorf("segment %d has %d points, want %d", i, got, want)
		}
	}
	if got := len(root.class("marker")); got != 4 {
		t.Errorf("got %d markers, want 4 (no marker for the gap)", got)
	}
	// The gap must not be drawn as 0: no marker sits on the baseline.
	base := root.class("baseline")[0].num(t, "y1")
	for _, m := range root.class("marker") {
		if m.num(t, "cy") == base {
			t.Errorf("a marker sits on the baseline; the gap was drawn as 0")
		}
	}
	// The second segment starts at the fourth category, not the third.
	first := strings.Fields(lines[1].attrs["points"])[0]
	x4 := root.class("marker")[2].num(t, "cx")
	if !strings.HasPrefix(first, strconv.FormatFloat(x4, 'f', -1, 64)+",") {
		t.Errorf("second segment starts at %s, want x=%v", first, x4)
	}
}

func TestLinesDistinctShapesAndDashes(t *testing.T) {
	c := Chart{Title: "Four", Labels: []string{"a", "b"}}
	for i := 0; i < 4; i++ {
		c.Series = append(c.Series, Series{Name: "S" + strconv.Itoa(i), Values: []float64{1, 2}})
	}
	root := parse(t, Lines(c))
	series := root.class("series")
	if len(series) != 4 {
		t.Fatalf("got %d series groups", len(series))
	}
	shapes, dashes, colours := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range series {
		m := s.class("marker")[0]
		shape := m.name
		if m.name == "polygon" {
			shape += strconv.Itoa(len(strings.Fields(m.attrs["points"])))
		}
		shapes[shape] = true
		l := s.class("line")[0]
		dashes[l.attrs["stroke-dasharray"]] = true
		colours[l.attrs["stroke"]] = true
	}
	if len(shapes) != 4 || len(dashes) != 4 || len(colours) != 4 {
		t.Errorf("shapes %v, dashes %v, colours %v: want 4 of each", shapes, dashes, colours)
	}
	if got := len(root.class("legend")); got != 4 {
		t.Errorf("legend has %d entries, want 4", got)
	}
	for _, g := range root.class("legend") {
		if len(g.all(func(n *node) bool { return n.attrs["class"] == "marker" })) != 1 {
			t.Errorf("legend entry without its marker")
		}
	}
}

func TestBarHeightsProportional(t *testing.T) {
	for _, max := range []*float64{nil, f(50)} {
		c := Chart{
			Title:  "Tickets",
			Labels: []string{"Mon", "Tue", "Wed"},
			Series: []Series{{Name: "Tickets", Values: []float64{10, 20, 40}}},
			Min:    f(0),
			Max:    max,
		}
		root := parse(t, Bars(c))
		bars := root.class("bar")
		if len(bars) != 3 {
			t.Fatalf("got %d bars, want 3", len(bars))
		}
		h := []float64{bars[0].num(t, "height"), bars[1].num(t, "height"), bars[2].num(t, "height")}
		if h[0] <= 0 || math.Abs(h[1]-2*h[0]) > 0.15 || math.Abs(h[2]-4*h[0]) > 0.25 {
			t.Errorf("Max %v: heights %v not proportional to 10, 20, 40", max, h)
		}
		base := root.class("baseline")[0].num(t, "y1")
		for _, b := range bars {
			if bottom := b.num(t, "y") + b.num(t, "height"); math.Abs(bottom-base) > 0.15 {
				t.Errorf("bar ends at %v, baseline at %v", bottom, base)
			}
		}
		if got := texts(root.class("value")); strings.Join(got, " ") != "10 20 40" {
			t.Errorf("value labels %q", got)
		}
	}
}

func TestBarsGapAndPatterns(t *testing.T) {
	root := parse(t, Bars(sample()))
	if got := len(root.class("bar")); got != 7 {
		t.Errorf("got %d bars, want 7 (one NaN)", got)
	}
	gaps := root.class("gap")
	if len(gaps) != 1 || gaps[0].text != "–" {
		t.Fatalf("want one \"–\" gap mark, got %q", texts(gaps))
	}
	base := root.class("baseline")[0].num(t, "y1")
	if y := gaps[0].num(t, "y"); y > base || y < base-8 {
		t.Errorf("gap mark at y=%v, want just above the baseline %v", y, base)
	}
	series := root.class("series")
	if len(series) != 2 || series[0].attrs["fill"] == series[1].attrs["fill"] {
		t.Fatalf("series fills not distinct")
	}
	pat := strings.TrimSuffix(strings.TrimPrefix(series[1].attrs["fill"], "url(#"), ")")
	if len(root.all(func(n *node) bool { return n.name == "pattern" && n.attrs["id"] == pat })) != 1 {
		t.Errorf("fill %q does not name a <pattern>", series[1].attrs["fill"])
	}
	if got := len(root.class("legend")); got != 2 {
		t.Errorf("legend has %d entries, want 2", got)
	}
	if got := len(root.class("value")); got != 7 {
		t.Errorf("got %d value labels, want one per bar", got)
	}
}

func TestLegendOnlyForSeveralSeries(t *testing.T) {
	c := sample()
	c.Series = c.Series[:1]
	for _, out := range []template.HTML{Bars(c), Lines(c)} {
		if n := len(parse(t, out).class("legend")); n != 0 {
			t.Errorf("single series has %d legend entries", n)
		}
	}
	root := parse(t, Lines(c))
	if got := texts(root.class("endlabel")); len(got) != 1 || got[0] != "Walk-in" {
		t.Errorf("end labels %q, want the series name", got)
	}
	// A name too long to stand at the line's end is not shortened there:
	// no line is named at its end, and the plot keeps its width.
	c.Series[0].Name = "Decided by the promised date (%)"
	long := parse(t, Lines(c))
	if got := texts(long.class("endlabel")); len(got) != 0 {
		t.Errorf("end labels %q for a long name, want none", got)
	}
	if lw, rw := gridRight(t, long), gridRight(t, root); lw <= rw {
		t.Errorf("plot ends at %v with a long name, %v with a short one named at its end; want it wider", lw, rw)
	}
}

// gridRight is where the plot's first grid line ends.
func gridRight(t *testing.T, root *node) float64 {
	t.Helper()
	for _, n := range root.all(func(n *node) bool { return n.name == "line" }) {
		if x, ok := n.attrs["x2"]; ok && x != "" {
			return n.num(t, "x2")
		}
	}
	t.Fatal("no line in the chart")
	return 0
}

func TestNoValueLabelsOnManyBars(t *testing.T) {
	c := Chart{Title: "Hours", Series: []Series{{Name: "x"}}}
	for i := 0; i < 13; i++ {
		c.Labels = append(c.Labels, strconv.Itoa(i))
		c.Series[0].Values = append(c.Series[0].Values, float64(i))
	}
	if n := len(parse(t, Bars(c)).class("value")); n != 0 {
		t.Errorf("13 bars got %d value labels, want none", n)
	}
}

func TestEscaping(t *testing.T) {
	c := sample()
	c.Title = `<script>&"`
	c.Desc = `a <b> & 'c'`
	c.Labels[0] = `<i>Jan</i>`
	c.Series[0].Name = `"Walk" & <in>`
	c.Unit = "<%"
	c.ID = `x" onload="alert(1)`
	for _, out := range []template.HTML{Bars(c), Lines(c)} {
		s := string(out)
		for _, bad := range []string{"<script", "<i>", "<b>", "<in>", `"alert`, "onload="} {
			if strings.Contains(s, bad) {
				t.Errorf("output contains unescaped %q", bad)
			}
		}
		if !strings.Contains(s, "&lt;script&gt;&amp;&#34;") {
			t.Errorf("title not HTML-escaped:\n%s", s)
		}
		root := parse(t, out)
		if got := root.children[0].text; got != c.Title {
			t.Errorf("title parses back as %q", got)
		}
		if got := root.children[1].text; got != c.Desc {
			t.Errorf("desc parses back as %q", got)
		}
		if got := root.class("xlabel")[0].text; !strings.Contains(got, "<i>") {
			t.Errorf("x label parses back as %q", got)
		}
	}
}

// luminance is WCAG 2.2 relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) == 4 {
		hex = "#" + strings.Repeat(hex[1:2], 2) + strings.Repeat(hex[2:3], 2) + strings.Repeat(hex[3:4], 2)
	}
	var l [3]float64
	for i := range l {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func TestPaletteContrast(t *testing.T) {
	if got := contrast(t, "#000", "#fff"); math.Abs(got-21) > 1e-9 {
		t.Fatalf("contrast formula wrong: black/white = %v", got)
	}
	if len(palette) > 4 {
		t.Errorf("palette has %d colours, want at most 4", len(palette))
	}
	for _, c := range palette {
		if r := contrast(t, c, "#fff"); r < 3 {
			t.Errorf("series colour %s has %.2f:1 against white, want >= 3:1", c, r)
		}
	}
	for _, c := range []string{textColor, axisColor} {
		if r := contrast(t, c, "#fff"); r < 4.5 {
			t.Errorf("text/axis colour %s has %.2f:1, want >= 4.5:1", c, r)
		}
	}
	// Every colour actually used in the output is one of the checked ones.
	allowed := map[string]bool{textColor: true, axisColor: true, gridColor: true, "#fff": true, "none": true}
	for _, c := range palette {
		allowed[c] = true
	}
	c := sample()
	c.Series = append(c.Series, Series{Name: "c", Values: []float64{1, 2}}, Series{Name: "d", Values: []float64{3}})
	for _, out := range []template.HTML{Bars(c), Lines(c)} {
		for _, n := range parse(t, out).all(func(*node) bool { return true }) {
			for _, a := range []string{"fill", "stroke"} {
				if v, ok := n.attrs[a]; ok && !allowed[v] && !strings.HasPrefix(v, "url(#") {
					t.Errorf("<%s %s=%q> uses an unchecked colour", n.name, a, v)
				}
			}
		}
	}
}

func TestFixedRange(t *testing.T) {
	c := Chart{
		Title:  "Index",
		Labels: []string{"2024", "2025", "2026"},
		Series: []Series{{Name: "Index", Values: []float64{100, 25, 10}}},
		Min:    f(25),
		Max:    f(100),
	}
	root := parse(t, Lines(c))
	grid := root.class("grid")
	if len(grid) < 3 || len(grid) > 5 {
		t.Fatalf("got %d gridlines, want 3 to 5", len(grid))
	}
	top := grid[0].num(t, "y1")
	for _, g := range grid {
		top = math.Min(top, g.num(t, "y1"))
	}
	base := root.class("baseline")[0].num(t, "y1")
	m := root.class("marker")
	if got := m[0].num(t, "cy"); got != top {
		t.Errorf("value at Max at y=%v, top gridline at %v", got, top)
	}
	if got := m[1].num(t, "cy"); got != base {
		t.Errorf("value at Min at y=%v, baseline at %v", got, base)
	}
	if got := m[2].num(t, "cy"); got != base {
		t.Errorf("value below Min at y=%v, want clamped to the baseline %v", got, base)
	}
	if got := strings.Join(texts(root.class("ytick")), " "); got != "25 50 75 100" {
		t.Errorf("ticks %q, want 25 50 75 100", got)
	}

	c.Min, c.Max = f(0), f(100)
	c.Unit = "%"
	root = parse(t, Bars(c))
	if got := strings.Join(texts(root.class("ytick")), " "); got != "0% 25% 50% 75% 100%" {
		t.Errorf("ticks %q", got)
	}
	top = math.Inf(1)
	for _, g := range root.class("grid") {
		top = math.Min(top, g.num(t, "y1"))
	}
	if got := root.class("bar")[0].num(t, "y"); got != top {
		t.Errorf("bar at Max reaches y=%v, top gridline at %v", got, top)
	}
}

func TestComputedRange(t *testing.T) {
	cases := []struct {
		vals []float64
		want string
	}{
		{[]float64{37, 12}, "0 10 20 30 40"},
		{[]float64{87}, "0 20 40 60 80 100"},
		{[]float64{1.3}, "0 0.5 1 1.5"},
		{[]float64{0, 0}, "0 0.2 0.4 0.6 0.8 1"},
		{[]float64{-5, 8}, "0 2 4 6 8"},
		{[]float64{1234}, "0 250 500 750 1000 1250"},
	}
	for _, tc := range cases {
		c := Chart{Title: "t", Labels: []string{"a", "b"}, Series: []Series{{Values: tc.vals}}}
		root := parse(t, Bars(c))
		if got := strings.Join(texts(root.class("ytick")), " "); got != tc.want {
			t.Errorf("values %v: ticks %q, want %q", tc.vals, got, tc.want)
		}
		if n := len(root.class("grid")); n < 3 || n > 5 {
			t.Errorf("values %v: %d gridlines, want 3 to 5", tc.vals, n)
		}
	}
	// A custom Format is used for ticks and value labels.
	c := Chart{Title: "t", Labels: []string{"a"}, Series: []Series{{Values: []float64{0.5}}}, Min: f(0), Max: f(1),
		Format: func(v float64) string { return strconv.Itoa(int(math.Round(v*100))) + " pc" }}
	root := parse(t, Bars(c))
	if got := root.class("value")[0].text; got != "50 pc" {
		t.Errorf("value label %q, want the caller's format", got)
	}
	if got := root.class("ytick")[4].text; got != "100 pc" {
		t.Errorf("top tick %q", got)
	}
}

func TestEmptyAndOddInputNeverPanic(t *testing.T) {
	inf := math.Inf(1)
	cases := map[string]Chart{
		"zero":          {},
		"no labels":     {Title: "t", Series: []Series{{Name: "a", Values: []float64{1, 2, 3}}}},
		"no series":     {Title: "t", Labels: []string{"a", "b"}},
		"all NaN":       {Title: "t", Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{nan, nan}}, {Values: []float64{nan}}}},
		"short values":  {Title: "t", Labels: []string{"a", "b", "c"}, Series: []Series{{Values: []float64{1}}, {}}},
		"long values":   {Title: "t", Labels: []string{"a"}, Series: []Series{{Values: []float64{1, 2, 3, 4}}}},
		"infinities":    {Title: "t", Labels: []string{"a", "b", "c"}, Series: []Series{{Values: []float64{inf, -inf, 2}}}},
		"negatives":     {Title: "t", Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{-10, -3}}}},
		"bad range":     {Title: "t", Labels: []string{"a"}, Min: f(10), Max: f(5), Series: []Series{{Values: []float64{7}}}},
		"equal range":   {Title: "t", Labels: []string{"a"}, Min: f(5), Max: f(5), Series: []Series{{Values: []float64{5}}}},
		"NaN range":     {Title: "t", Labels: []string{"a"}, Min: f(nan), Max: f(inf), Series: []Series{{Values: []float64{3}}}},
		"huge range":    {Title: "t", Labels: []string{"a"}, Min: f(-math.MaxFloat64), Max: f(math.MaxFloat64), Series: []Series{{Values: []float64{3}}}},
		"huge values":   {Title: "t", Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{math.MaxFloat64, 1}}}},
		"tiny values":   {Title: "t", Labels: []string{"a"}, Series: []Series{{Values: []float64{5e-324}}}},
		"many series":   {Title: "t", Labels: []string{"a"}, Series: make([]Series, 9)},
		"bad text":      {Title: "a\x00b\x01\xff", Desc: "\x1b[31m", Labels: []string{"\ufffe", strings.Repeat("long ", 80)}, ID: "é ü", Series: []Series{{Name: strings.Repeat("Name ", 50), Values: []float64{1, 2}}, {Name: "\x02", Values: []float64{2, 1}}}},
		"bad long text": {Title: "t", Labels: []string{strings.Repeat("\xff", 200), strings.Repeat("日本", 100)}, Series: []Series{{Name: strings.Repeat("\xfe", 99), Values: []float64{1, 2}}, {Name: strings.Repeat("名", 99), Values: []float64{1, 2}}}},
		"many labels":   {Title: "t", Labels: make([]string, 1000), Series: []Series{{Values: []float64{1}}}},
		"lone segments": {Title: "t", Labels: []string{"a", "b", "c"}, Series: []Series{{Values: []float64{1, nan, 3}}}},
	}
	for name, c := range cases {
		for kind, draw := range map[string]func(Chart) template.HTML{"bars": Bars, "lines": Lines} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				out := draw(c)
				root := parse(t, out)
				if s := string(out); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
					t.Errorf("non-finite number in output:\n%s", s)
				}
				if root.children[0].name != "title" || root.children[1].name != "desc" {
					t.Errorf("title/desc missing")
				}
				if len(root.class("baseline")) != 1 || len(root.class("grid")) < 1 {
					t.Errorf("axis missing")
				}
			})
		}
	}
	// Empty input draws nothing but the axis.
	for _, c := range []Chart{cases["zero"], cases["no labels"], cases["all NaN"]} {
		for _, out := range []template.HTML{Bars(c), Lines(c)} {
			root := parse(t, out)
			for _, cl := range []string{"bar", "line", "marker", "value", "gap", "legend", "series", "endlabel"} {
				if n := len(root.class(cl)); n != 0 {
					t.Errorf("%q: empty chart draws %d %q", c.Title, n, cl)
				}
			}
		}
	}
	// Negative values clamp at the axis minimum.
	root := parse(t, Bars(cases["infinities"]))
	if got := len(root.class("bar")); got != 1 {
		t.Errorf("infinite values drew bars: %d bars, want 1", got)
	}
	if got := len(root.class("gap")); got != 2 {
		t.Errorf("infinite values: %d gap marks, want 2", got)
	}
	root = parse(t, Bars(Chart{Title: "t", Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{-4, 2}}}}))
	if h := root.class("bar")[0].num(t, "height"); h != 0 {
		t.Errorf("negative bar height %v, want 0 (clamped)", h)
	}
	// A lone value between gaps gets a marker and no line.
	root = parse(t, Lines(cases["lone segments"]))
	if l, m := len(root.class("line")), len(root.class("marker")); l != 0 || m != 2 {
		t.Errorf("lone values: %d lines, %d markers; want 0 and 2", l, m)
	}
	// Series beyond MaxSeries are left out.
	if got := len(parse(t, Lines(cases["many series"])).class("series")); got != 0 {
		t.Errorf("all-empty series drew %d groups", got)
	}
	c := cases["many series"]
	for i := range c.Series {
		c.Series[i].Values = []float64{float64(i)}
	}
	if got := len(parse(t, Bars(c)).class("series")); got != MaxSeries {
		t.Errorf("drew %d series, want %d", got, MaxSeries)
	}
}

func TestXLabelThinning(t *testing.T) {
	c := Chart{Title: "By hour", Series: []Series{{Name: "Visitors"}}}
	for h := 0; h < 24; h++ {
		c.Labels = append(c.Labels, strconv.Itoa(h/10)+strconv.Itoa(h%10)+":00")
		c.Series[0].Values = append(c.Series[0].Values, float64(h))
	}
	for _, out := range []template.HTML{Bars(c), Lines(c)} {
		root := parse(t, out)
		got := texts(root.class("xlabel"))
		if len(got) < 4 || len(got) > 12 {
			t.Fatalf("24 hours gave %d x labels %q, want thinned to 4..12", len(got), got)
		}
		if got[0] != "00:00" || got[1] != "02:00" && got[1] != "03:00" && got[1] != "04:00" {
			t.Errorf("labels %q, want every 2nd, 3rd or 4th hour from 00:00", got)
		}
		// Neighbouring labels must not overlap (estimated width).
		xs := root.class("xlabel")
		for i := 1; i < len(xs); i++ {
			if gap := xs[i].num(t, "x") - xs[i-1].num(t, "x"); gap < textW("00:00")+4 {
				t.Errorf("labels %d and %d only %v apart", i-1, i, gap)
			}
		}
	}
	c.Labels = c.Labels[:6]
	if got := texts(parse(t, Bars(c)).class("xlabel")); len(got) != 6 {
		t.Errorf("6 labels drawn as %q, want all", got)
	}
}

func TestNumbersHaveAtMostOneDecimal(t *testing.T) {
	c := sample()
	c.Labels = append(c.Labels, "May 2026", "Jun 2026", "Jul 2026")
	c.Series[0].Values = []float64{1.2345, 2.71828, 3.14159, 0.333333, 9.87654, 6.54321, 7.77777}
	tooPrecise := regexp.MustCompile(`\d\.\d\d`)
	for _, out := range []template.HTML{Bars(c), Lines(c)} {
		root := parse(t, out)
		for _, n := range root.all(func(*node) bool { return true }) {
			for k, v := range n.attrs {
				if tooPrecise.MatchString(v) {
					t.Errorf("<%s %s=%q> has more than one decimal", n.name, k, v)
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	c := sample()
	c.ID = ""
	if Bars(c) != Bars(c) || Lines(c) != Lines(c) {
		t.Fatal("same input gave different output")
	}
	d := c
	d.Title = "Other"
	if chartID(c) == chartID(d) {
		t.Errorf("different charts got the same derived id %q", chartID(c))
	}
}
