package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/qrscan"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// The satisfaction survey as the government sees it: the admins' index
// of a period with its follow-up actions, their own questions, the
// poster with its QR code and the public start page it opens, and the
// report the government publishes.

const (
	saTenant      = "banyuwangi"
	saAdmin       = "admin@banyuwangi.demo"
	saIndex       = "/" + saTenant + "/admin/survey"
	saQuestions   = saIndex + "/questions"
	saPoster      = saIndex + "/poster"
	saStart       = "/" + saTenant + "/survey-start"
	saReport      = "/" + saTenant + "/survey-report"
	saActionsPath = saIndex + "/actions"
)

// saCategories are the SKM's quality categories, best first.
var saCategories = []string{"A", "B", "C", "D"}

// saCategoryOf is the category PermenPANRB 14/2017 gives an IKM printed
// with two decimals: A from 88.31, B from 76.61, C from 65.00, D below.
func saCategoryOf(ikm float64) string {
	h := math.Round(ikm * 100)
	switch {
	case h >= 8831:
		return "A"
	case h >= 7661:
		return "B"
	case h >= 6500:
		return "C"
	}
	return "D"
}

// saQuarter is the quarter the tests read, and how a page is asked for it.
type saQuarter struct {
	survey.Period
	Current bool   // this quarter, which the pages open on
	Query   string // "" for this quarter, else "period=…"
}

// saTenantOf reads a demo government and the quarter to read: this
// quarter, the one the index and the report open on, unless it has just
// begun. The demo's history ends with last month, so in the first month
// of a quarter its figures would be only what other tests answered
// today; then it is the quarter before, asked for with ?period=.
func saTenantOf(t *testing.T, slug string) (tenant.Tenant, saQuarter) {
	t.Helper()
	// Skip, as openPage would, on a machine without the browser, before
	// starting the app.
	chromiumPath(t)
	axeSource(t)
	serverURL(t)
	ten, err := shared.app.Tenants.BySlug(t.Context(), slug)
	if err != nil {
		t.Fatalf("reading tenant %s: %v", slug, err)
	}
	q := saQuarter{Period: survey.PeriodOf(survey.Quarter, time.Now().In(ten.Location())), Current: true}
	if time.Now().In(ten.Location()).Month() == q.From {
		q = saQuarter{Period: q.Previous()}
		q.Query = "period=" + q.Code()
		t.Logf("this quarter has just begun and has no demo figures: reading %s", q.Code())
	}
	return ten, q
}

// saWith adds the quarter's query to path (which has none).
func saWith(path string, q saQuarter) string {
	if q.Query == "" {
		return path
	}
	return path + "?" + q.Query
}

// saFullWidth writes the ASCII digits of s as full-width digits, as a
// Japanese input method types them.
func saFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

// saAXNode is what the browser's accessibility tree says of an element:
// its role, its computed accessible name and description.
type saAXNode struct {
	Role, Name, Description string
	Ignored                 bool
}

// saAX reads the accessibility tree's node of the first match of sel (the
// name as a screen reader gets it, not as the markup suggests).
func saAX(p *Page, sel string) saAXNode {
	p.t.Helper()
	p.Require(sel, "an element to read from the accessibility tree")
	var out saAXNode
	err := p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		r, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: `document.querySelector(` + jsString(sel) + `)`})
		if err != nil {
			return err
		}
		if r.Result == nil || r.Result.ObjectID == "" {
			return fmt.Errorf("no object for %s", sel)
		}
		no := false
		ax, err := cdp.Call(ctx, tg, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: r.Result.ObjectID, FetchRelatives: &no})
		if err != nil {
			return err
		}
		if len(ax.Nodes) == 0 {
			return fmt.Errorf("no accessibility node for %s", sel)
		}
		n := ax.Nodes[0]
		out.Ignored = n.Ignored
		str := func(v *accessibility.Value) string {
			var s string
			if v != nil && len(v.Value) > 0 {
				_ = json.Unmarshal(v.Value, &s)
			}
			return s
		}
		out.Role, out.Name, out.Description = str(n.Role), strings.TrimSpace(str(n.Name)), strings.TrimSpace(str(n.Description))
		return nil
	}))
	if err != nil {
		p.fatalf("reading the accessibility tree for %s: %v", sel, err)
	}
	return out
}

// saGet fetches path from the shared server outside the browser (as
// anyone, without cookies) and returns the status, type and body.
func saGet(t *testing.T, path string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(serverURL(t) + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// saElementRow is one row of the per-element table.
type saElementRow struct {
	Head  string   `json:"head"`
	Weak  bool     `json:"weak"` // the row's class
	Cells []string `json:"cells"`
}

// saTable is a table read as a screen reader's table mode does.
type saTable struct {
	Caption string         `json:"caption"`
	Head    []string       `json:"head"`
	Rows    []saElementRow `json:"rows"`
}

// saTableCaptioned reads the table in <main> whose caption is caption.
func saTableCaptioned(p *Page, caption string) saTable {
	p.t.Helper()
	tables := eval[[]saTable](p, `[...document.querySelectorAll("#main table")].map(t => ({
		caption: t.caption ? t.caption.innerText.trim() : "",
		head: [...t.querySelectorAll("thead th")].map(th => th.innerText.trim()),
		rows: [...t.querySelectorAll("tbody tr")].map(tr => ({
			head: tr.querySelector("th") ? tr.querySelector("th").innerText.trim() : "",
			weak: tr.classList.contains("weak"),
			cells: [...tr.querySelectorAll("td")].map(td => td.innerText.trim()),
		})),
	}))`)
	for _, tb := range tables {
		if tb.Caption == caption {
			return tb
		}
	}
	var have []string
	for _, tb := range tables {
		have = append(have, tb.Caption)
	}
	p.fatalf("no table captioned %q; the tables are captioned %q", caption, have)
	return saTable{}
}

// saHeadline reads the status box: its label and its value.
func saHeadline(p *Page) (label, value string) {
	p.t.Helper()
	p.Require("#main .status-box .status-value", "the headline figure")
	return strings.TrimSpace(p.Text("#main .status-box .status-label")), strings.TrimSpace(p.Text("#main .status-box .status-value"))
}

var saIKMPattern = regexp.MustCompile(`^(\d{2,3}[.,]\d\d) · (.+)$`)

// saTrendValuePattern is a trend row's figure: "IKM (letter · words)".
var saTrendValuePattern = regexp.MustCompile(`^(\d{2,3}[.,]\d\d) \(([ABCD]) · (.+)\)$`)

// saNumber reads a figure as the page writes it in lang (a decimal comma
// in Indonesian, a point otherwise), with decimals decimals; it fails the
// test when the page writes it otherwise.
func saNumber(p *Page, lang, s string, decimals int) float64 {
	p.t.Helper()
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		p.errorf("%q is not a number", s)
		return math.NaN()
	}
	if want := locale.Decimal(lang, strconv.FormatFloat(v, 'f', decimals, 64)); s != want {
		p.errorf("the figure reads %q; in %s it is written %q", s, lang, want)
	}
	return v
}

// saIKM reads the IKM of the headline "NN.NN · rest" and which category
// rest names, per words(letter); it fails when none does.
func saIKM(p *Page, value string, words func(letter string) string) (float64, string) {
	p.t.Helper()
	m := saIKMPattern.FindStringSubmatch(value)
	if m == nil {
		p.fatalf("the headline reads %q, want the IKM with two decimals, then its category", value)
	}
	ikm := saNumber(p, p.Lang(), m[1], 2)
	if ikm < 25 || ikm > 100 {
		p.errorf("the IKM reads %g, off the 25–100 scale", ikm)
	}
	for _, c := range saCategories {
		if m[2] == words(c) {
			if want := saCategoryOf(ikm); c != want {
				p.errorf("the IKM %s is shown as category %s; PermenPANRB 14/2017 makes it %s", m[1], c, want)
			}
			return ikm, c
		}
	}
	p.fatalf("the headline %q names no category: after the IKM it says %q, want one of %q…", value, m[2], words("A"))
	return 0, ""
}

// saCards are the follow-up actions shown in <main>, as cards.
type saCard struct {
	Element string `json:"element"`
	Text    string `json:"text"`
	Status  string `json:"status"`
	Toggle  string `json:"toggle"`
	Button  string `json:"button"`
}

const saCardsJS = `[...document.querySelectorAll('#main section[aria-labelledby="actions-h"] li.card')].map(c => {
	const ps = [...c.querySelectorAll(":scope > p")], f = c.querySelector("form"), b = f && f.querySelector("button");
	return {element: (c.querySelector("h3") || {innerText: ""}).innerText.trim(), text: c.innerText.replace(/\s+/g, " ").trim(),
		status: ps.length ? ps[ps.length - 1].innerText.trim() : "", toggle: f ? f.getAttribute("action") : "",
		button: b ? b.innerText.replace(/\s+/g, " ").trim() : ""};
})`

func saCards(p *Page) []saCard {
	p.t.Helper()
	return eval[[]saCard](p, saCardsJS)
}

// saCardOf is the card whose mark-done form goes to toggle.
func saCardOf(p *Page, toggle string) (saCard, bool) {
	p.t.Helper()
	for _, c := range saCards(p) {
		if c.Toggle == toggle {
			return c, true
		}
	}
	return saCard{}, false
}

// saActionsOf reads the government's follow-up actions for the period from
// the store.
func saActionsOf(t *testing.T, ten tenant.Tenant, period saQuarter) []survey.Action {
	t.Helper()
	as, err := shared.app.Surveys.Actions(t.Context(), ten.ID, period.Code())
	if err != nil {
		t.Fatalf("reading the follow-up actions of %s: %v", ten.Slug, err)
	}
	return as
}

// saCheckIndex checks the admins' index of the quarter: the filters, the
// IKM and its category, the nine elements with the three weakest marked
// (and offered first to act on), the poster links and the demo's
// follow-up action.
func saCheckIndex(p *Page, msg *locale.Catalog, ten tenant.Tenant, quarter saQuarter) {
	p.t.Helper()
	lang := p.Lang()
	textIs(p, "#main h1", msg.T(lang, "survey.index.title"))
	for _, sel := range []string{"#period", "#service", "#channel"} {
		p.Expect(`#main form[method="get"] select`+sel, "the index's filters")
	}
	if got := p.Value("#period"); got != quarter.Code() {
		p.errorf("the index shows period %q, want %s", got, quarter.Code())
	}

	label, value := saHeadline(p)
	if want := msg.T(lang, "survey.index.ikm"); label != want {
		p.errorf("the headline is labelled %q, want %q", label, want)
	}
	ikm, cat := saIKM(p, value, func(c string) string {
		return msg.T(lang, "survey.index.category", c, msg.T(lang, "survey.category."+c))
	})
	p.logf("IKM %.2f, category %s", ikm, cat)

	// The per-element table: U1..U9, the three lowest NRR marked weak
	// in words, and the IKM is 25 times their mean.
	tb := saTableCaptioned(p, msg.T(lang, "survey.index.elements"))
	items := survey.SKMTemplate.Items
	if len(tb.Rows) != len(items) {
		p.fatalf("the element table has %d rows, want %d", len(tb.Rows), len(items))
	}
	weakWords := "(" + msg.T(lang, "survey.index.weak") + ")"
	nrrCol := slices.Index(tb.Head, msg.T(lang, "survey.index.nrr")) - 1 // the first column is the row header
	if nrrCol < 0 {
		p.fatalf("the element table has no %q column: %q", msg.T(lang, "survey.index.nrr"), tb.Head)
	}
	var weak []int
	nrr := make([]float64, len(items))
	sum := 0.0
	for i, r := range tb.Rows {
		name := msg.T(lang, "survey.skm."+items[i]+".short")
		if !strings.HasPrefix(r.Head, name) {
			p.errorf("element row %d is %q, want %q first", i+1, r.Head, name)
		}
		says := strings.Contains(r.Head, weakWords)
		if says != r.Weak {
			p.errorf("element %q: marked weak in words %v, by its row's class %v; want both or neither", r.Head, says, r.Weak)
		}
		if says {
			weak = append(weak, i)
		}
		if nrrCol >= len(r.Cells) {
			p.fatalf("element row %q has cells %q, no NRR", r.Head, r.Cells)
		}
		v := saNumber(p, lang, r.Cells[nrrCol], 3)
		if !(v >= 1 && v <= 4) {
			p.errorf("element %q has NRR %q, want a number from 1 to 4", r.Head, r.Cells[nrrCol])
		}
		nrr[i], sum = v, sum+v
	}
	if len(weak) != 3 {
		p.errorf("%d elements are marked %q, want 3: %v", len(weak), weakWords, weak)
	}
	for _, w := range weak {
		for i := range nrr {
			if !slices.Contains(weak, i) && nrr[i] < nrr[w] {
				p.errorf("%s (NRR %.3f) is marked weak, but %s (NRR %.3f) is lower and is not", tb.Rows[w].Head, nrr[w], tb.Rows[i].Head, nrr[i])
			}
		}
	}
	if want := sum / float64(len(items)) * 25; math.Abs(want-ikm) > 0.02 {
		p.errorf("the IKM reads %.2f; 25 times the mean of the table's NRRs is %.3f", ikm, want)
	}

	// The element choices of the action form mark the same three.
	opts := eval[[]string](p, `[...document.querySelectorAll("#main select#element option")].map(o => o.value + "|" + o.innerText.trim())`)
	if len(opts) != len(items) {
		p.errorf("the action form offers %d elements, want %d: %q", len(opts), len(items), opts)
	}
	suffix := " — " + msg.T(lang, "survey.index.weak")
	for i, o := range opts {
		if got, want := strings.HasSuffix(o, suffix), slices.Contains(weak, i); got != want {
			p.errorf("the action form's element %q: marked weak %v, the table says %v", o, got, want)
		}
	}

	// Posters: one for the whole government and one per counter.
	cs, err := shared.app.Counters.List(p.t.Context(), ten.ID, true)
	if err != nil {
		p.fatalf("listing the counters of %s: %v", ten.Slug, err)
	}
	posters := eval[[]string](p, `[...document.querySelectorAll('#main section[aria-labelledby="posters-h"] a[href]')].map(a => a.getAttribute("href"))`)
	want := []string{saPoster}
	for _, c := range cs {
		want = append(want, saPoster+"?counter="+url.QueryEscape(string(c.ID)))
	}
	if !slices.Equal(posters, want) {
		p.errorf("the poster links are %q, want %q", posters, want)
	}

	// The demo's follow-up action answers U9 this quarter.
	cards := saCards(p)
	u9 := msg.T(lang, "survey.skm.u9.short")
	if quarter.Current && !slices.ContainsFunc(cards, func(c saCard) bool { return c.Element == u9 }) {
		p.errorf("no follow-up action card for %q (the demo has one this quarter); cards: %+v", u9, cards)
	}
}

// TestSurveyAdminIndexAndAction: Banyuwangi's admin opens the survey
// results at 1280 and 360 px: this quarter's IKM with its category (the
// one the regulation gives that IKM, and 25 times the mean of the table's
// NRRs), the nine elements with exactly the three lowest marked "among
// the three weakest", in words and on the action form's choices, a poster
// link for the government and each counter, the demo's action for U9;
// axe-core clean and fitting 320 px at the largest text at both widths.
// Then, on a phone with JavaScript off, they record a follow-up action
// for a weak element: first without an owner (refused with 422, the
// owner's error next to the field and in the summary, what they typed
// kept, no card and nothing stored), then with the owner and the due date
// typed in full-width digits (a card with the element, what, the owner
// and the date, not done; stored with the date in ASCII); they mark it
// done and the card says done and offers to reopen it.
func TestSurveyAdminIndexAndAction(t *testing.T) {
	t.Parallel()
	msg := surveyMessages(t)
	ten, quarter := saTenantOf(t, saTenant)

	t.Run("index", func(t *testing.T) {
		eachViewport(t, func(t *testing.T, p *Page) {
			signIn(p, saAdmin, saIndex)
			if !quarter.Current {
				p.Visit(saWith(saIndex, quarter))
			}
			surveyTargetsBig(p)
			saCheckIndex(p, msg, ten, quarter)
		})
	})

	t.Run("fukuoka-counter-survey", func(t *testing.T) {
		t.Parallel()
		_, fq := saTenantOf(t, "fukuoka")
		_, desk := phoneAndDesktop()
		p := openPage(t, desk)
		signIn(p, "admin@fukuoka.demo", "/fukuoka/admin/survey")
		if !fq.Current {
			p.Visit(saWith("/fukuoka/admin/survey", fq))
		}
		surveyTargetsBig(p)
		lang := p.Lang()
		if p.Has("#main .status-box") {
			p.errorf("Fukuoka's index shows a headline index %q; Japan's counter survey has means, not an IKM", p.Text("#main .status-box"))
		}
		tb := saTableCaptioned(p, msg.T(lang, "survey.index.items"))
		if want := []string{msg.T(lang, "survey.index.element"), msg.T(lang, "survey.index.mean"), msg.T(lang, "survey.index.share")}; !slices.Equal(tb.Head, want) {
			p.errorf("the question table's columns are %q, want %q", tb.Head, want)
		}
		items := survey.CounterTemplate.Items
		if len(tb.Rows) != len(items) {
			p.fatalf("the question table has %d rows, want %d: %+v", len(tb.Rows), len(items), tb.Rows)
		}
		for i, r := range tb.Rows {
			if want := msg.T(lang, "survey.jp5."+items[i]+".short"); r.Head != want {
				p.errorf("question row %d is %q, want %q", i+1, r.Head, want)
			}
			if r.Weak || len(r.Cells) != 2 {
				p.errorf("question row %q: weak %v, cells %q; want a mean and a share, nothing marked weak", r.Head, r.Weak, r.Cells)
				continue
			}
			if m := saNumber(p, lang, r.Cells[0], 2); !(m >= 1 && m <= 5) {
				p.errorf("question %q has mean %q, want 1 to 5", r.Head, r.Cells[0])
			}
			share, ok := strings.CutSuffix(r.Cells[1], " %")
			if v := saNumber(p, lang, share, 1); !ok || !(v >= 0 && v <= 100) {
				p.errorf("question %q has share %q, want a percentage", r.Head, r.Cells[1])
			}
		}
	})

	t.Run("action-without-javascript", func(t *testing.T) {
		t.Parallel()
		phone, _ := phoneAndDesktop()
		p := openPage(t, phone, withoutJavaScript())
		var lang, what, owner, element string
		var due time.Time
		var before []survey.Action
		var added survey.Action
		form := `#main form[action="` + saActionsPath + `"]`
		steps(t, p,
			step{"the admin signs in and opens the index with scripts off", func() {
				signIn(p, saAdmin, saIndex)
				if !quarter.Current {
					p.Visit(saWith(saIndex, quarter))
				}
				lang = p.Lang()
				before = saActionsOf(t, ten, quarter)
				if n := len(saCards(p)); n != len(before) {
					p.errorf("the index shows %d follow-up action cards, %d are recorded this quarter", n, len(before))
				}
				p.Require(form, "the form to record a follow-up action")
				// A weak element, as the form marks it.
				suffix := " — " + msg.T(lang, "survey.index.weak")
				element = eval[string](p, `(() => { const o = [...document.querySelectorAll("#main select#element option")]
					.find(o => o.innerText.trim().endsWith(`+jsString(suffix)+`)); return o ? o.value : ""; })()`)
				if element == "" {
					p.fatalf("the action form marks no element %q", suffix)
				}
				what = fmt.Sprintf("Menambah satu petugas loket pengaduan pada jam sibuk (uji %d).", time.Now().UnixNano())
				owner = "Sekretaris Dinas Kependudukan dan Pencatatan Sipil"
				due = time.Now().In(ten.Location()).AddDate(0, 1, 0)
			}},
			step{"without an owner the action is refused and nothing is added", func() {
				p.Select("#element", element)
				p.Fill("#what", what)
				if got := p.Value("#owner"); got != "" {
					p.fatalf("the owner box starts with %q, want it empty", got)
				}
				p.Fill("#due", saFullWidth(due.Format("2006-01-02")))
				if status := p.Click(form + ` button[type="submit"]`); status != http.StatusUnprocessableEntity {
					p.errorf("an action without an owner: status %d, want 422", status)
				}
				textHas(p, "#main #owner-error", msg.T(lang, "survey.error.owner"))
				if eval[string](p, `document.querySelector("#owner").getAttribute("aria-invalid") || ""`) != "true" {
					p.errorf(`the owner box is not aria-invalid="true" next to its error`)
				}
				if !eval[bool](p, `(document.querySelector("#owner").getAttribute("aria-describedby") || "").split(" ").includes("owner-error")`) {
					p.errorf("the owner box is not described by its error (aria-describedby lacks owner-error)")
				}
				p.Expect(`.error-summary a[href="#owner"]`, "the owner's error in the error summary")
				for _, f := range []string{"what", "due", "element"} {
					if p.Has("#main #" + f + "-error") {
						p.errorf("the %s field shows an error %q, though it was filled in", f, short(p.Text("#main #"+f+"-error")))
					}
				}
				if got := p.Value("#what"); got != what {
					p.errorf("after the refusal the what box holds %q, want what was typed %q", got, what)
				}
				if got := p.Value("#element"); got != element {
					p.errorf("after the refusal the element chosen is %q, want %q", got, element)
				}
				surveyTargetsBig(p)
				if n := len(saCards(p)); n != len(before) {
					p.errorf("after the refusal the page shows %d cards, %d before", n, len(before))
				}
				if after := saActionsOf(t, ten, quarter); len(after) != len(before) {
					p.errorf("the refused action was stored: %d actions this quarter, %d before", len(after), len(before))
				}
			}},
			step{"with the owner and a full-width date the action is added as a card", func() {
				p.Select("#element", element)
				p.Fill("#what", what)
				p.Fill("#owner", owner)
				p.Fill("#due", saFullWidth(due.Format("2006-01-02")))
				if got, want := p.Value("#due"), saFullWidth(due.Format("2006-01-02")); got != want {
					p.fatalf("the due box holds %q, want the full-width %q as typed", got, want)
				}
				if status := p.Click(form + ` button[type="submit"]`); status != http.StatusOK {
					p.fatalf("recording the action: status %d; errors: %q", status, short(p.Text(".error-summary")))
				}
				if p.URLPath() != saIndex {
					p.errorf("recording the action led to %s, want back to %s", p.Path(), saIndex)
				}
				textHas(p, `[role="status"]`, msg.T(lang, "flash.action_added"))
				surveyTargetsBig(p)
				after := saActionsOf(t, ten, quarter)
				if len(after) != len(before)+1 {
					p.fatalf("%d actions recorded this quarter after adding one, %d before", len(after), len(before))
				}
				for _, a := range after {
					if a.What == what {
						added = a
					}
				}
				if added.ID == "" {
					p.fatalf("no stored action reads %q", what)
				}
				if n, _ := strconv.Atoi(element); added.Element != n || added.Owner != owner || added.Due != due.Format("2006-01-02") || added.Done {
					p.errorf("stored %+v, want element %s, owner %q, due %s (in ASCII), not done", added, element, owner, due.Format("2006-01-02"))
				}
				if n := len(saCards(p)); n != len(before)+1 {
					p.errorf("the page shows %d cards after adding one to %d", n, len(before))
				}
				c, ok := saCardOf(p, saActionsPath+"/"+added.ID)
				if !ok {
					p.fatalf("no card marks the new action done (form to %s/%s); cards: %+v", saActionsPath, added.ID, saCards(p))
				}
				n, _ := strconv.Atoi(element)
				if want := msg.T(lang, "survey.skm."+survey.SKMTemplate.Items[n-1]+".short"); c.Element != want {
					p.errorf("the card is headed %q, want the element %q", c.Element, want)
				}
				for _, want := range []string{what, msg.T(lang, "survey.actions.owner_due", owner, locale.Date(lang, due, ten.Location()))} {
					if !strings.Contains(c.Text, want) {
						p.errorf("the new card does not say %q; it reads %q", want, c.Text)
					}
				}
				if want := msg.T(lang, "survey.actions.open"); c.Status != want {
					p.errorf("the new card says %q, want %q", c.Status, want)
				}
				if want := msg.T(lang, "survey.actions.mark_done"); !strings.HasPrefix(c.Button, want) {
					p.errorf("the new card's button reads %q, want %q", c.Button, want)
				}
			}},
			step{"they mark it done and the card says done", func() {
				toggle := saActionsPath + "/" + added.ID
				if status := p.Click(`#main form[action="` + toggle + `"] button[type="submit"]`); status != http.StatusOK {
					p.fatalf("marking the action done: status %d", status)
				}
				if p.URLPath() != saIndex {
					p.errorf("marking it done led to %s, want back to %s", p.Path(), saIndex)
				}
				c, ok := saCardOf(p, toggle)
				if !ok {
					p.fatalf("the action's card is gone after marking it done; cards: %+v", saCards(p))
				}
				if want := msg.T(lang, "survey.actions.done"); c.Status != want {
					p.errorf("the card says %q after marking it done, want %q", c.Status, want)
				}
				if want := msg.T(lang, "survey.actions.reopen"); !strings.HasPrefix(c.Button, want) {
					p.errorf("the done card's button reads %q, want %q", c.Button, want)
				}
				for _, a := range saActionsOf(t, ten, quarter) {
					if a.ID == added.ID && !a.Done {
						p.errorf("the action is not stored as done")
					}
				}
				if n := len(saCards(p)); n != len(before)+1 {
					p.errorf("marking it done changed the number of cards to %d, want %d", n, len(before)+1)
				}
			}},
		)
	})
}

// saCheckQR checks the poster's QR code: an image named for what it
// does, shown big enough, that decodes to the address printed under it,
// the start page of that counter (none: the whole government).
func saCheckQR(p *Page, msg *locale.Catalog, counterID string) string {
	p.t.Helper()
	lang := p.Lang()
	sel := "#main .poster img.poster-qr, #main .poster svg.poster-qr"
	p.mustSee(sel)
	ax := saAX(p, sel)
	if ax.Ignored || ax.Role != "image" && ax.Role != "img" {
		p.errorf("the QR code is role %q (ignored %v) in the accessibility tree, want an image", ax.Role, ax.Ignored)
	}
	if want := msg.T(lang, "survey.poster.qr_alt"); ax.Name != want {
		p.errorf("the QR code's accessible name is %q, want %q", ax.Name, want)
	}
	type shown struct {
		OK    bool    `json:"ok"`
		Width float64 `json:"width"`
		Src   string  `json:"src"`
	}
	// The picture may still be on its way: wait for it to load or fail.
	got, err := run(p, chromedp.Evaluate[shown](`(async () => { const i = document.querySelector(`+jsString(sel)+`);
		let ok = true;
		if (i.tagName === "IMG") { try { await i.decode(); } catch (e) { ok = false; } ok = ok && i.naturalWidth > 0; }
		return {ok, width: i.getBoundingClientRect().width, src: i.getAttribute("src") || ""}; })()`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("waiting for the QR code to load: %v", err)
	}
	if !got.OK {
		p.errorf("the QR image %s did not load", got.Src)
	}
	if got.Width < 96 {
		p.errorf("the QR code is shown %gpx wide; a phone camera needs at least 96 CSS px", got.Width)
	}
	printed := strings.TrimSpace(p.Text("#main .poster .verify-url"))
	want := p.base + saStart
	if counterID != "" {
		want += "?counter=" + url.QueryEscape(counterID)
	}
	if printed != want {
		p.errorf("the poster prints the address %q, want %q", printed, want)
	}
	if got.Src == "" {
		return want
	}
	status, ctype, body := saGet(p.t, got.Src)
	if status != http.StatusOK || ctype != "image/png" {
		p.fatalf("GET %s: status %d, type %q; want 200 image/png", got.Src, status, ctype)
	}
	text, err := qrscan.Read(bytes.NewReader(body))
	if err != nil {
		p.fatalf("the QR code %s cannot be read: %v", got.Src, err)
	}
	if text != want {
		p.errorf("the QR code opens %q, want %q (the address printed under it)", text, want)
	}
	return text
}

// TestSurveyAdminPagesAccessible: the admins' own-questions page, the
// poster for the whole government and for one counter, and the public
// start pages the posters' QR codes open pass the page audit (axe-core,
// touch targets, no sideways scrolling, 320 px at the largest text) at
// 360 and 1280 px. The questions page offers a question in each language
// and turning the comment off; each poster's QR code is an image named
// for what it does, shown at least 96 px wide, and decodes to the start
// address printed under it; the start page (opened from that address)
// names the counter and has one big button that starts the survey for it.
func TestSurveyAdminPagesAccessible(t *testing.T) {
	msg := surveyMessages(t)
	ten, _ := saTenantOf(t, saTenant)
	cs, err := shared.app.Counters.List(t.Context(), ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("the counters of %s: %v (%d); the demo has some", ten.Slug, err, len(cs))
	}
	counter := cs[0]
	eachViewport(t, func(t *testing.T, p *Page) {
		signIn(p, saAdmin, saIndex)
		lang := p.Lang()
		anon := secondPerson(t, p) // a passer-by with a phone, not signed in

		p.Visit(saQuestions)
		surveyTargetsBig(p)
		textIs(p, "#main h1", msg.T(lang, "survey.questions.title"))
		p.Expect(`#main a[href="`+saIndex+`"]`, "the way back to the results")
		for _, l := range []string{"id", "ja", "en"} {
			textHas(p, `#main label[for="text_`+l+`"]`, msg.T(lang, "survey.questions.text_"+l))
		}
		p.Expect(`#main form[method="post"][action="`+saQuestions+`"] button[type="submit"]`, "the button to add a question")
		p.Expect(`#main form[method="post"][action="`+saIndex+`/comment"] button[type="submit"]`, "the button to turn the comment on or off")

		for _, id := range []string{"", string(counter.ID)} {
			path := saPoster
			if id != "" {
				path += "?counter=" + url.QueryEscape(id)
			}
			p.Visit(path)
			surveyTargetsBig(p)
			if id != "" {
				textIs(p, "#main .poster .poster-counter", counter.Name(lang))
			}
			// In the three languages, the government's first and as the heading.
			langs := eval[[]string](p, `[...document.querySelectorAll("#main .poster .poster-lang[lang]")].map(e => e.getAttribute("lang"))`)
			if want := locale.FirstOf(ten.DefaultLang); !slices.Equal(langs, want) {
				p.errorf("the poster speaks %q, want %q", langs, want)
			}
			textIs(p, "#main .poster h1", msg.T(ten.DefaultLang, "survey.poster.ask"))
			start := saCheckQR(p, msg, id)

			// The QR code's address, opened by a passer-by.
			u, err := url.Parse(start)
			if err != nil {
				p.fatalf("the poster's address %q: %v", start, err)
			}
			auditScreen([]*Page{anon}, u.RequestURI(), http.StatusOK, "the start page", func(q *Page) {
				textIs(q, "#main h1", msg.T(q.Lang(), "survey.invite.title"))
				if id != "" {
					textIs(q, "#main p.caption", counter.Name(q.Lang()))
				}
				btn := `#main form[method="post"][action="` + saStart + `"] button[type="submit"]`
				if n := q.Count(btn); n != 1 {
					q.errorf("the start page has %d start buttons, want 1", n)
				}
				textIs(q, btn, msg.T(q.Lang(), "survey.invite.start"))
				if got := eval[string](q, `(document.querySelector('#main form[action="`+saStart+`"] input[name="counter"]') || {value: "missing"}).value`); got != id {
					q.errorf("the start form sends counter %q, want %q", got, id)
				}
				if q.Has("form.signout") {
					q.errorf("the start page is opened signed in; a passer-by has no account")
				}
			})
		}
	})
}

// saTrend is the report's trend chart and the table beneath it.
type saTrend struct {
	Role     string    `json:"role"`
	Markers  []saPoint `json:"markers"`  // the series' points, in order
	Polyline []saPoint `json:"polyline"` // every point the lines go through
	Ticks    []saTick  `json:"ticks"`
	Below    bool      `json:"below"` // the table follows the chart, under it
}

type saPoint struct{ X, Y float64 }

type saTick struct {
	Label string  `json:"label"`
	Y     float64 `json:"y"`
}

const saTrendJS = `(cap => {
	const svg = document.querySelector("#main figure svg.chart");
	if (!svg) return null;
	const table = [...document.querySelectorAll("#main table")].find(t => t.caption && t.caption.innerText.trim() === cap);
	const num = (el, a) => parseFloat(el.getAttribute(a));
	const markers = [...svg.querySelectorAll("g.series .marker")].map(m => {
		if (m.tagName === "circle") return {X: num(m, "cx"), Y: num(m, "cy")};
		const b = m.getBBox(); return {X: b.x + b.width / 2, Y: b.y + b.height / 2};
	});
	const polyline = [...svg.querySelectorAll("g.series polyline")].flatMap(l =>
		l.getAttribute("points").trim().split(/\s+/).map(s => { const [x, y] = s.split(",").map(Number); return {X: x, Y: y}; }));
	const ticks = [...svg.querySelectorAll("text.ytick")].map(t => ({label: t.textContent.trim(), y: num(t, "y")}));
	let below = false;
	if (table) {
		const fig = svg.closest("figure") || svg;
		below = !!(fig.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) &&
			table.getBoundingClientRect().top >= fig.getBoundingClientRect().bottom - 1;
	}
	return {role: svg.getAttribute("role") || "", markers, polyline, ticks, below};
})`

// TestSurveyReportInJapanese: an anonymous visitor reads Banyuwangi's
// published report in Japanese at 360 and 1280 px: <html lang=ja>; the
// headline is the IKM with its category in Japanese words (the category
// the regulation gives that IKM); the trend chart is an image named by
// its title in the accessibility tree, over a table of four periods; the
// chart draws one point per period with figures (none for "no data"),
// left to right, each at the height of its figure on the chart's axis,
// and its lines go through no other points; the follow-up actions
// include the demo's for U9; the CSV link answers text/csv whose total
// row is the headline; the JSON link answers JSON; axe-core clean.
func TestSurveyReportInJapanese(t *testing.T) {
	msg := surveyMessages(t)
	const lang = "ja"
	_, quarter := saTenantOf(t, saTenant)
	path := saReport + "?lang=" + lang
	if !quarter.Current {
		path += "&" + quarter.Query
	}
	eachViewport(t, func(t *testing.T, p *Page) {
		p.Visit(path)
		if got := p.Lang(); got != lang {
			p.errorf("<html lang=%q>, want %s", got, lang)
		}
		if p.Has("form.signout") {
			p.errorf("the visitor is signed in; the report is public")
		}
		textIs(p, "#main h1", msg.T(lang, "survey.report.title"))

		label, value := saHeadline(p)
		if want := msg.T(lang, "survey.index.ikm"); label != want {
			p.errorf("the headline is labelled %q, want %q", label, want)
		}
		ikm, cat := saIKM(p, value, func(c string) string { return c + " · " + msg.T(lang, "survey.category."+c) })
		p.logf("IKM %.2f, category %s", ikm, cat)

		// The trend: the chart, then its table.
		caption := msg.T(lang, "survey.report.trend")
		svg := "#main figure svg.chart"
		p.Require(svg, "the trend chart")
		ax := saAX(p, svg)
		if ax.Role != "image" && ax.Role != "img" {
			p.errorf("the trend chart is role %q in the accessibility tree, want an image", ax.Role)
		}
		if ax.Name != caption {
			p.errorf("the trend chart's accessible name is %q, want its title %q", ax.Name, caption)
		}
		if want := msg.T(lang, "survey.report.trend_desc"); ax.Description != want {
			p.errorf("the trend chart's accessible description is %q, want %q", ax.Description, want)
		}
		tr := eval[*saTrend](p, saTrendJS+"("+jsString(caption)+")")
		if tr == nil {
			p.fatalf("no trend chart")
		}
		if tr.Role != "img" {
			p.errorf(`the trend chart's svg has role=%q, want "img"`, tr.Role)
		}
		tb := saTableCaptioned(p, caption)
		if !tr.Below {
			p.errorf("the trend table does not come after the chart, beneath it")
		}
		if len(tb.Rows) != 4 {
			p.fatalf("the trend table has %d periods, want 4: %+v", len(tb.Rows), tb.Rows)
		}
		noData := msg.T(lang, "survey.index.nodata_short")
		var values []float64
		for _, r := range tb.Rows {
			if len(r.Cells) < 2 {
				p.fatalf("the trend row %q has cells %q, want the figure and the respondents", r.Head, r.Cells)
			}
			if r.Cells[0] == noData {
				continue
			}
			m := saTrendValuePattern.FindStringSubmatch(r.Cells[0])
			if m == nil {
				p.errorf("the trend row %q reads %q, want the IKM and its category, or %q", r.Head, r.Cells[0], noData)
				continue
			}
			v := saNumber(p, lang, m[1], 2)
			if m[3] != msg.T(lang, "survey.category."+m[2]) || m[2] != saCategoryOf(v) {
				p.errorf("the trend row %q reads %q: the category does not follow the IKM", r.Head, r.Cells[0])
			}
			values = append(values, v)
		}
		if len(tr.Markers) > 4 || len(tr.Markers) != len(values) {
			p.errorf("the chart draws %d points; the table has %d periods with figures (of %d)", len(tr.Markers), len(values), len(tb.Rows))
		}
		// The last period is the report's own: the same figure as the headline.
		if last := tb.Rows[len(tb.Rows)-1]; last.Cells[0] == noData || len(values) == 0 || values[len(values)-1] != ikm {
			p.errorf("the trend's last period %q reads %q; the headline reads %q", last.Head, last.Cells[0], value)
		}
		saCheckPoints(p, tr, values)
		p.logf("trend: %d points for figures %v; axis ticks %+v", len(tr.Markers), values, tr.Ticks)

		// The follow-up actions, published.
		if u9 := msg.T(lang, "survey.skm.u9.short"); quarter.Current && !slices.ContainsFunc(saCards(p), func(c saCard) bool { return c.Element == u9 }) {
			p.errorf("the report shows no follow-up action for %q (the demo has one this quarter)", u9)
		}
		if p.Has(`#main section[aria-labelledby="actions-h"] form`) {
			p.errorf("the public report offers the admins' buttons on its follow-up actions")
		}

		// The downloads.
		csvHref := eval[string](p, `(() => { const a = [...document.querySelectorAll("#main a[href]")].find(a => a.innerText.trim() === `+
			jsString(msg.T(lang, "survey.report.csv"))+`); return a ? a.getAttribute("href") : ""; })()`)
		if u, err := url.Parse(csvHref); csvHref == "" || err != nil || u.Path != saReport+".csv" {
			p.fatalf("the CSV link %q, want a link named %q to %s.csv", csvHref, msg.T(lang, "survey.report.csv"), saReport)
		}
		status, ctype, body := saGet(t, csvHref)
		if status != http.StatusOK || !strings.HasPrefix(ctype, "text/csv") {
			p.errorf("GET %s: status %d, type %q; want 200 text/csv", csvHref, status, ctype)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(rows) < 2 {
			p.errorf("the CSV does not read as a table of a header and rows: %v (%d rows)", err, len(rows))
		} else if got, want := rows[1][2], strings.Replace(value, " · ", " ", 1); rows[1][0] != msg.T(lang, "survey.csv.total") || got != want {
			p.errorf("the CSV's total row is %q, want %q with %q (the headline)", rows[1], msg.T(lang, "survey.csv.total"), want)
		}
		jsonHref := eval[string](p, `(() => { const a = [...document.querySelectorAll("#main a[href]")].find(a => a.innerText.trim() === `+
			jsString(msg.T(lang, "survey.report.json"))+`); return a ? a.getAttribute("href") : ""; })()`)
		if jsonHref == "" {
			p.errorf("no link named %q", msg.T(lang, "survey.report.json"))
		} else if status, ctype, body := saGet(t, jsonHref); status != http.StatusOK || !strings.HasPrefix(ctype, "application/json") || !json.Valid(body) {
			p.errorf("GET %s: status %d, type %q, valid JSON %v; want 200 application/json", jsonHref, status, ctype, json.Valid(body))
		}
	})
}

// saCheckPoints checks the chart's points stand for the table's figures:
// left to right in the table's order, each at its figure's height on
// the chart's own axis (read from its tick labels), and the lines join
// only those points.
func saCheckPoints(p *Page, tr *saTrend, values []float64) {
	p.t.Helper()
	for i := 1; i < len(tr.Markers); i++ {
		if tr.Markers[i].X <= tr.Markers[i-1].X {
			p.errorf("the chart's points are not left to right: %+v", tr.Markers)
			break
		}
	}
	// Two ticks give the axis: y = a + b*value (tick labels sit 5 units
	// below their gridline).
	var lo, hi *saTick
	for i := range tr.Ticks {
		if _, err := strconv.ParseFloat(tr.Ticks[i].Label, 64); err != nil {
			continue
		}
		if lo == nil {
			lo = &tr.Ticks[i]
		}
		hi = &tr.Ticks[i]
	}
	if lo == nil || hi == lo {
		p.errorf("the chart's axis has no two numbered ticks: %+v", tr.Ticks)
		return
	}
	lv, _ := strconv.ParseFloat(lo.Label, 64)
	hv, _ := strconv.ParseFloat(hi.Label, 64)
	if lv > 25 || hv < 100 {
		p.errorf("the chart's axis runs %g–%g, want the IKM's whole scale 25–100", lv, hv)
	}
	b := (hi.Y - lo.Y) / (hv - lv)
	a := lo.Y - 5 - b*lv
	for i := range min(len(values), len(tr.Markers)) {
		if want := a + b*values[i]; math.Abs(tr.Markers[i].Y-want) > 1 {
			p.errorf("point %d of the chart is at y=%.1f; the table's %.2f is at y=%.1f on its axis", i+1, tr.Markers[i].Y, values[i], want)
		}
	}
	for _, pt := range tr.Polyline {
		if !slices.ContainsFunc(tr.Markers, func(m saPoint) bool { return math.Abs(m.X-pt.X) < 0.5 && math.Abs(m.Y-pt.Y) < 0.5 }) {
			p.errorf("the chart's line goes through (%.1f, %.1f), which is no period's point", pt.X, pt.Y)
		}
	}
}
