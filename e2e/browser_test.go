package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/testnote"
)

// stepTimeout bounds one browser step (a page load, a click, an axe run), so
// a missing element fails the test with its name instead of hanging it.
const stepTimeout = 30 * time.Second

// viewport is one screen the suites run at.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var viewports = []viewport{
	{name: "desktop-1280x800", width: 1280, height: 800},
	{name: "phone-360x740", width: 360, height: 740, mobile: true},
}

// phoneAndDesktop are the two screens of a meeting between a resident on
// a phone and an officer at a desk.
func phoneAndDesktop() (phone, desktop viewport) {
	for _, vp := range viewports {
		if vp.mobile {
			phone = vp
		} else {
			desktop = vp
		}
	}
	return phone, desktop
}

// eachViewport runs fn in parallel at every viewport, each in its own
// browser with a fresh profile.
func eachViewport(t *testing.T, fn func(t *testing.T, p *Page), opts ...pageOption) {
	t.Parallel()
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			fn(t, openPage(t, vp, opts...))
		})
	}
}

// missing skips the test for want of a tool, or fails it when CI asked for
// every suite to run.
func missing(t *testing.T, problem string) {
	t.Helper()
	if os.Getenv("SERAMBI_TEST_REQUIRE_ALL") == "1" {
		t.Fatal("browser suite cannot run: " + problem + " (SERAMBI_TEST_REQUIRE_ALL=1 makes this a failure)")
	}
	testnote.Skip(t, "browser suite", problem)
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SERAMBI_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() {
		missing(t, fmt.Sprintf("%s not found; install chromium", p))
	}
	return p
}

var axe struct {
	once sync.Once
	src  string
	err  error
}

// axeSource is axe-core's browser bundle, installed by `npm ci --prefix e2e`.
func axeSource(t *testing.T) string {
	t.Helper()
	axe.once.Do(func() {
		b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
		// The trailing expression keeps the script's completion value (the
		// axe object) from being sent back over the protocol.
		axe.src, axe.err = string(b)+"\n;void 0", err
	})
	if axe.err != nil {
		missing(t, "e2e/node_modules/axe-core/axe.min.js not found; run npm ci --prefix e2e")
	}
	return axe.src
}

// Page is one browser tab at one viewport, with helpers that fail the test
// with the viewport and page in the message.
type Page struct {
	t    *testing.T
	ctx  context.Context
	vp   viewport
	base string
	axe  string
	path string // current page, relative to base, for messages
	shot int

	noScript bool            // the page's scripts are off, and so is axe
	seen     map[string]bool // audit findings already reported in full
}

type pageSetup struct {
	acceptLanguage string
	noScript       bool
	flags          []chromedp.ExecAllocatorOption // more Chromium command-line flags
}

type pageOption func(*pageSetup)

// withAcceptLanguage makes the browser send this Accept-Language header.
func withAcceptLanguage(v string) pageOption {
	return func(s *pageSetup) { s.acceptLanguage = v }
}

// withChromiumFlag starts the browser with one more command-line flag
// (value true for a bare switch, as --use-fake-ui-for-media-stream). It
// takes effect in openPage only: a secondPerson shares the browser of the
// page it was opened from.
func withChromiumFlag(name string, value any) pageOption {
	return func(s *pageSetup) { s.flags = append(s.flags, chromedp.Flag(name, value)) }
}

// withoutJavaScript turns off the page's scripts. The checks that evaluate
// plain expressions over DevTools still work; axe-core, which needs timers
// and promises, does not, so Audit leaves it out on such a page.
func withoutJavaScript() pageOption {
	return func(s *pageSetup) { s.noScript = true }
}

func openPage(t *testing.T, vp viewport, opts ...pageOption) *Page {
	t.Helper()
	exe := chromiumPath(t)
	axeJS := axeSource(t)
	base := serverURL(t)
	var setup pageSetup
	for _, o := range opts {
		o(&setup)
	}

	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(allocOpts, setup.flags...)...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	p := &Page{t: t, ctx: ctx, vp: vp, base: base, axe: axeJS, noScript: setup.noScript, seen: map[string]bool{}}
	t.Cleanup(func() { // runs before the browser closes
		if t.Failed() {
			p.screenshot("at-end")
		}
	})

	// The first Do starts the browser and ties it to ctx, which has no
	// deadline; later steps get their own.
	if err := chromedp.Do(ctx, p.setupSteps(setup)...); err != nil {
		t.Fatalf("[%s] starting %s: %v", vp.name, exe, err)
	}
	return p
}

// setupSteps set a new tab up: its viewport and the page options.
func (p *Page) setupSteps(setup pageSetup) []chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{p.emulateViewport()}
	if setup.acceptLanguage != "" {
		steps = append(steps, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": setup.acceptLanguage},
			})
			return err
		}))
	}
	if setup.noScript {
		steps = append(steps, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	return steps
}

func (p *Page) emulateViewport() chromedp.Action[chromedp.Void] {
	if p.vp.mobile {
		return chromedp.EmulateViewport(p.vp.width, p.vp.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	}
	return chromedp.EmulateViewport(p.vp.width, p.vp.height)
}

// where names the viewport and page for messages.
func (p *Page) where() string { return fmt.Sprintf("[%s] %s", p.vp.name, p.path) }

func (p *Page) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("%s: %s", p.where(), fmt.Sprintf(format, args...))
}

func (p *Page) errorf(format string, args ...any) {
	p.t.Helper()
	p.t.Errorf("%s: %s", p.where(), fmt.Sprintf(format, args...))
}

func (p *Page) logf(format string, args ...any) {
	p.t.Helper()
	p.t.Logf("%s: %s", p.where(), fmt.Sprintf(format, args...))
}

// run runs one action with the step timeout.
func run[T any](p *Page, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// eval evaluates a JavaScript expression and fails the test on error.
func eval[T any](p *Page, expr string) T {
	p.t.Helper()
	v, err := run(p, chromedp.Evaluate[T](expr))
	if err != nil {
		p.fatalf("evaluating %s: %v", short(expr), err)
	}
	return v
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	// Counted in characters, not bytes, so that Japanese text is not cut
	// in the middle of one.
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Visit loads path (relative to the app), expects 200 and audits the page.
func (p *Page) Visit(path string) {
	p.t.Helper()
	p.path = path
	resp, err := run(p, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.fatalf("loading: %v", err)
	}
	p.loaded(resp)
	if resp.Status != 200 {
		p.errorf("status %d %s, want 200", resp.Status, resp.StatusText)
	}
	p.Audit()
}

// Click clicks (or, on the phone, taps) the first element matching sel,
// waits for the page it leads to, audits it and returns its HTTP status.
func (p *Page) Click(sel string) int64 {
	p.t.Helper()
	from := p.path
	resp := p.follow(sel, "the next page")
	if resp.Status >= 500 {
		p.fatalf("status %d after clicking %s on %s", resp.Status, sel, from)
	}
	p.Audit()
	return resp.Status
}

// follow clicks (or, on the phone, taps) the first element matching sel
// and waits for the page it leads to (what, for the failure message).
func (p *Page) follow(sel, what string) *network.Response {
	p.t.Helper()
	p.mustSee(sel)
	act := chromedp.Click(chromedp.CSS(sel))
	if p.vp.mobile {
		act = chromedp.Tap(chromedp.CSS(sel))
	}
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, act)
	if err != nil {
		p.fatalf("clicking %s and waiting for %s: %v", sel, what, err)
	}
	p.loaded(resp)
	return resp
}

// loaded records where the browser is now.
func (p *Page) loaded(resp *network.Response) {
	p.t.Helper()
	loc := resp.URL
	if l, err := run(p, chromedp.Location()); err == nil {
		loc = l
	}
	p.path = strings.TrimPrefix(loc, p.base)
}

// Path is the current path and query.
func (p *Page) Path() string { return p.path }

// URLPath is the current path without the query.
func (p *Page) URLPath() string {
	u, err := url.Parse(p.path)
	if err != nil {
		return p.path
	}
	return u.Path
}

// Count is how many elements match sel.
func (p *Page) Count(sel string) int {
	p.t.Helper()
	return eval[int](p, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// Has reports whether sel matches something.
func (p *Page) Has(sel string) bool {
	p.t.Helper()
	return p.Count(sel) > 0
}

// Require fails the test now when sel matches nothing; why says which part
// of the page contract asks for it.
func (p *Page) Require(sel, why string) {
	p.t.Helper()
	if !p.Has(sel) {
		p.fatalf("no element matches %q (%s)", sel, why)
	}
}

// Expect is Require that lets the test go on.
func (p *Page) Expect(sel, why string) bool {
	p.t.Helper()
	if !p.Has(sel) {
		p.errorf("no element matches %q (%s)", sel, why)
		return false
	}
	return true
}

// mustSee fails unless sel matches an element that is displayed.
func (p *Page) mustSee(sel string) {
	p.t.Helper()
	state := eval[string](p, `(() => {
		const el = document.querySelector(`+jsString(sel)+`);
		if (!el) return "missing";
		const r = el.getBoundingClientRect();
		const cs = getComputedStyle(el);
		return (r.width > 0 && r.height > 0 && cs.visibility !== "hidden") ? "ok" : "hidden";
	})()`)
	switch state {
	case "missing":
		p.fatalf("no element matches %q", sel)
	case "hidden":
		p.fatalf("%q is on the page but not displayed at %dpx wide", sel, p.vp.width)
	}
}

// OpenPrefs opens the header's "Language / Text size" disclosure when it is
// closed and its summary shows (on a phone), the way a person would, so
// that the language links and text-size buttons can be used.
func (p *Page) OpenPrefs() {
	p.t.Helper()
	shown := eval[bool](p, `(() => { const s = document.querySelector("details.prefs > summary");
		return !!s && s.getClientRects().length > 0 && !s.parentElement.open; })()`)
	if !shown {
		return
	}
	tap(p, "details.prefs > summary")
	waitTrue(p, "the language and text-size panel opens", `document.querySelector("details.prefs").open`)
}

// Fill replaces the value of the field sel by typing v.
func (p *Page) Fill(sel, v string) {
	p.t.Helper()
	p.mustSee(sel)
	// chromedp v0.23.0's SetValue cannot set "" (it reports "could not set
	// value"), so the field is emptied directly.
	eval[chromedp.Void](p, `document.querySelector(`+jsString(sel)+`).value = ""`)
	if err := p.do(chromedp.SendKeys(chromedp.CSS(sel), v)); err != nil {
		p.fatalf("typing into %s: %v", sel, err)
	}
}

// Select chooses the option with value v in the select sel.
func (p *Page) Select(sel, v string) {
	p.t.Helper()
	p.mustSee(sel)
	ok := eval[bool](p, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		if (![...s.options].some(o => o.value === `+jsString(v)+`)) return false;
		s.value = `+jsString(v)+`;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)
	if !ok {
		p.fatalf("%s has no option with value %q", sel, v)
	}
}

// Value is the current value of the form field sel.
func (p *Page) Value(sel string) string {
	p.t.Helper()
	p.Require(sel, "form field")
	return eval[string](p, `document.querySelector(`+jsString(sel)+`).value`)
}

// Text is the rendered text of the first match of sel, or "".
func (p *Page) Text(sel string) string {
	p.t.Helper()
	return eval[string](p, `(() => { const e = document.querySelector(`+jsString(sel)+`); return e ? e.innerText : ""; })()`)
}

// Lang is <html lang>.
func (p *Page) Lang() string {
	p.t.Helper()
	return eval[string](p, `document.documentElement.getAttribute("lang") || ""`)
}

// HTMLClasses are the classes of <html>.
func (p *Page) HTMLClasses() []string {
	p.t.Helper()
	return strings.Fields(eval[string](p, `document.documentElement.className`))
}

// BodyFontSize is the computed font size, in CSS px, of the page's running
// text: the first paragraph in <main>, or <body> when there is none.
func (p *Page) BodyFontSize() float64 {
	p.t.Helper()
	return eval[float64](p, `parseFloat(getComputedStyle(document.querySelector("main p") || document.body).fontSize)`)
}

// ClearCookies forgets every cookie of the browser.
func (p *Page) ClearCookies() {
	p.t.Helper()
	if err := p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})); err != nil {
		p.fatalf("clearing cookies: %v", err)
	}
}

func (p *Page) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// screenshot saves the viewport to the screenshot directory.
func (p *Page) screenshot(label string) {
	dir, err := screenshotDir()
	if err != nil {
		p.t.Logf("no screenshot: %v", err)
		return
	}
	buf, err := run(p, chromedp.FullScreenshot(80))
	if err != nil {
		p.t.Logf("no screenshot: %v", err)
		return
	}
	p.shot++
	name := fmt.Sprintf("%s-%02d-%s.jpg", unsafeName.ReplaceAllString(p.t.Name(), "_"), p.shot, label)
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		p.t.Logf("no screenshot: %v", err)
		return
	}
	p.t.Logf("%s: screenshot %s", p.where(), file)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

var shots struct {
	once sync.Once
	dir  string
	err  error
}

// screenshotDir outlives the test run, unlike t.TempDir, so that the
// pictures of a failure can still be looked at.
func screenshotDir() (string, error) {
	shots.once.Do(func() {
		if d := os.Getenv("SERAMBI_E2E_SCREENSHOTS"); d != "" {
			shots.dir, shots.err = d, os.MkdirAll(d, 0o755)
			return
		}
		shots.dir, shots.err = os.MkdirTemp("", "serambi-e2e-screenshots-")
	})
	return shots.dir, shots.err
}

// Audit checks the page against the parts of the contract every page
// shares, the touch-target size, reflow at narrow widths, and axe-core.
func (p *Page) Audit() {
	p.t.Helper()
	failed := p.t.Failed()
	p.checkCommon()
	p.checkTargets()
	p.checkReflow()
	p.checkReflowLargest()
	if p.noScript {
		// axe-core needs timers and promises, which do not run with the
		// page's scripts off; the same pages are checked with them on.
		if !p.again("noscript") {
			p.logf("axe-core not run with scripts off (it needs timers and promises); the other tests run it on these pages")
		}
	} else {
		p.runAxe()
	}
	if !failed && p.t.Failed() {
		p.screenshot("audit")
	}
}

type commonFacts struct {
	Lang      string             `json:"lang"`
	Classes   string             `json:"classes"`
	LangLinks map[string]*string `json:"langLinks"`
	TextForm  *struct {
		Action string   `json:"action"`
		Method string   `json:"method"`
		Sizes  []string `json:"sizes"`
	} `json:"textForm"`
	SkipLink bool   `json:"skipLink"`
	SkipText string `json:"skipText"`
	Main     bool   `json:"main"`
	Title    string `json:"title"`
}

const commonJS = `(() => {
	const q = s => document.querySelector(s);
	const langLinks = {};
	for (const l of ["id", "ja", "en"]) {
		const a = q('a[hreflang="' + l + '"]');
		langLinks[l] = a ? a.getAttribute("href") : null;
	}
	const f = q("form.text-size");
	const skip = q('a[href="#main"]');
	return {
		lang: document.documentElement.getAttribute("lang") || "",
		classes: document.documentElement.className,
		langLinks,
		textForm: f ? {
			action: f.getAttribute("action") || "",
			method: (f.getAttribute("method") || "get").toLowerCase(),
			sizes: [...f.querySelectorAll('button[name="text"]')].map(b => b.value),
		} : null,
		skipLink: !!skip,
		skipText: skip ? skip.textContent.trim() : "",
		main: !!q("main#main"),
		title: document.title,
	};
})()`

// again reports whether this finding was already reported in full on an
// earlier page of the same test (the header's problems repeat on every page).
func (p *Page) again(key string) bool {
	if p.seen[key] {
		return true
	}
	p.seen[key] = true
	return false
}

// checkCommon checks what the page contract asks of every page.
func (p *Page) checkCommon() {
	p.t.Helper()
	f := eval[commonFacts](p, commonJS)
	if !slices.Contains([]string{"id", "ja", "en"}, f.Lang) {
		p.errorf(`<html lang=%q>, want "id", "ja" or "en"`, f.Lang)
	}
	for _, l := range []string{"id", "ja", "en"} {
		href := f.LangLinks[l]
		if href == nil {
			p.errorf(`no language link a[hreflang=%q]`, l)
			continue
		}
		u, err := url.Parse(*href)
		if err != nil || u.Query().Get("lang") != l {
			p.errorf(`language link a[hreflang=%q] has href %q, want it to add ?lang=%s`, l, *href, l)
		}
	}
	switch tf := f.TextForm; {
	case tf == nil:
		p.errorf("no text-size form form.text-size")
	default:
		if u, err := url.Parse(tf.Action); err != nil || u.Path != "/prefs" || tf.Method != "post" {
			p.errorf(`form.text-size has action=%q method=%q, want POST /prefs`, tf.Action, tf.Method)
		}
		for _, s := range []string{"normal", "large", "larger"} {
			if !slices.Contains(tf.Sizes, s) {
				p.errorf(`form.text-size has no button[name=text][value=%s] (has %q)`, s, tf.Sizes)
			}
		}
	}
	sizes := 0
	for _, c := range strings.Fields(f.Classes) {
		if c == "text-normal" || c == "text-large" || c == "text-larger" {
			sizes++
		}
	}
	if sizes != 1 {
		p.errorf(`<html class=%q>, want exactly one of text-normal, text-large, text-larger`, f.Classes)
	}
	if !f.SkipLink {
		p.errorf(`no skip link a[href="#main"]`)
	}
	if !f.Main {
		p.errorf(`no <main id="main">`)
	}
	if strings.TrimSpace(f.Title) == "" {
		p.errorf("empty <title>")
	}
}

type smallTarget struct {
	Desc string  `json:"desc"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// targetsJS lists the visible interactive elements smaller than 48×48 CSS
// px. Visually hidden ones (a skip link before it has focus) are left out,
// and so are links inside running text (a or li > a within .prose). A
// checkbox or radio button counts with its label, which is its target too.
const targetsJS = `(() => {
	const out = [];
	const describe = el => {
		let d = el.tagName.toLowerCase();
		if (el.id) d += "#" + el.id;
		for (const c of el.classList) d += "." + c;
		for (const a of ["type", "name", "value", "href", "hreflang"]) {
			const v = el.getAttribute(a);
			if (v !== null && v !== "") d += "[" + a + "=" + JSON.stringify(v) + "]";
		}
		const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
		if (text) d += " " + JSON.stringify(text.slice(0, 40));
		return d;
	};
	for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
		const cs = getComputedStyle(el);
		if (cs.visibility === "hidden" || cs.display === "none") continue;
		const r = el.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1) continue;
		if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) continue;
		const parent = el.parentElement;
		if (el.tagName === "A" && parent && (parent.tagName === "P" || parent.tagName === "LI") && el.closest(".prose")) continue;
		let w = r.width, h = r.height;
		if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio")) {
			const label = el.closest("label") || (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
			if (label) {
				const lr = label.getBoundingClientRect();
				w = Math.max(w, lr.width);
				h = Math.max(h, lr.height);
			}
		}
		if (w < 48 || h < 48) out.push({desc: describe(el), w: Math.round(w * 10) / 10, h: Math.round(h * 10) / 10});
	}
	return out;
})()`

// checkTargets fails for targets under 44×44 CSS px (WCAG 2.5.5) and logs
// the ones under the 48×48 the design asks for.
func (p *Page) checkTargets() {
	p.t.Helper()
	var fail, warn []string
	for _, s := range eval[[]smallTarget](p, targetsJS) {
		line := fmt.Sprintf("%gx%g %s", s.W, s.H, s.Desc)
		if s.W < 44 || s.H < 44 {
			fail = append(fail, line)
		} else {
			warn = append(warn, line)
		}
	}
	if len(fail) > 0 {
		if p.again("targets:" + strings.Join(fail, "\n")) {
			p.errorf("the same %d touch targets smaller than 44x44 CSS px as above", len(fail))
		} else {
			p.errorf("%d touch targets smaller than 44x44 CSS px (WCAG 2.5.5):\n\t%s", len(fail), strings.Join(fail, "\n\t"))
		}
	}
	if len(warn) > 0 && !p.again("small:"+strings.Join(warn, "\n")) {
		p.logf("%d touch targets under the design's 48x48 CSS px:\n\t%s", len(warn), strings.Join(warn, "\n\t"))
	}
}

type overflow struct {
	Page     float64  `json:"page"`
	Viewport float64  `json:"viewport"`
	Wide     []string `json:"wide"`
}

// checkReflow fails when the page scrolls sideways (WCAG 1.4.10 reflow).
func (p *Page) checkReflow() {
	p.t.Helper()
	o := eval[overflow](p, `(() => {
		const vw = document.documentElement.clientWidth;
		const page = document.documentElement.scrollWidth;
		if (page <= vw + 1) return {page, viewport: vw, wide: []};
		// What sticks out: boxes past the right edge, and boxes whose
		// content (a long word, say) spills out of them; the innermost ones.
		const found = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 && r.height === 0) continue;
			const spills = getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
			if (r.right > vw + 1 || spills) found.push({el, r, spills});
		}
		const inner = found.filter(f => !found.some(o => o.el !== f.el && f.el.contains(o.el)));
		const wide = inner.slice(0, 5).map(({el, r, spills}) => {
			let d = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + [...el.classList].map(c => "." + c).join("");
			const text = (el.innerText || "").trim().replace(/\s+/g, " ").slice(0, 40);
			if (text) d += " " + JSON.stringify(text);
			return d + (spills ? " (content " + el.scrollWidth + "px wide in a " + el.clientWidth + "px box)" : " (right edge at " + Math.round(r.right) + "px)");
		});
		return {page, viewport: vw, wide};
	})()`)
	if o.Page > o.Viewport+1 {
		p.errorf("page is %gpx wide in a %gpx viewport and scrolls sideways (WCAG 1.4.10); sticking out:\n\t%s",
			o.Page, o.Viewport, strings.Join(o.Wide, "\n\t"))
	}
}

// narrowest is the width every page must fit at every text size (WCAG
// 1.4.10 asks for 320 CSS px, which is also 1280 px at 400 % zoom).
const narrowest = 320

// reflowLargestJS looks at the page as laid out now and lists what does not
// fit: the page scrolling sideways, boxes past the right edge, and boxes
// that clip their own content (a tile cutting its text). Visually hidden
// text (1 px boxes), form controls and media, which scroll or scale their
// content by design, are left out, and so is the frame of the practice
// map a learner zooms into on purpose.
const reflowLargestJS = `(() => {
	const vw = document.documentElement.clientWidth;
	const page = document.documentElement.scrollWidth;
	const describe = (el, why) => {
		let d = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + [...el.classList].map(c => "." + c).join("");
		const text = (el.innerText || "").trim().replace(/\s+/g, " ").slice(0, 40);
		if (text) d += " " + JSON.stringify(text);
		return d + " " + why;
	};
	const skip = el => el.closest(".visually-hidden, .skip, video, canvas, select, input, textarea, img, svg, [hidden], .pinch-frame, [role=region].scroll *");
	const found = [];
	for (const el of document.body.querySelectorAll("*")) {
		if (skip(el)) continue;
		const r = el.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1) continue;
		const cs = getComputedStyle(el);
		if (cs.visibility === "hidden") continue;
		if (r.right > vw + 1) {
			found.push({el, why: "(right edge at " + Math.round(r.right) + "px)"});
			continue;
		}
		const clips = cs.overflowX === "hidden" || cs.overflowX === "clip";
		if (clips && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1) {
			found.push({el, why: "(cuts its content: " + el.scrollWidth + "px in a " + el.clientWidth + "px box)"});
		}
	}
	const inner = found.filter(f => !found.some(o => o.el !== f.el && f.el.contains(o.el)));
	return {page, viewport: vw, wide: inner.slice(0, 6).map(f => describe(f.el, f.why))};
})()`

// checkReflowLargest lays the page out again at 320 CSS px with the largest
// text size (the class the A++ button sets) and fails when it scrolls
// sideways or cuts something off; then it puts the page back as it was.
// The text size is set on the page rather than through the preferences
// form, so that the check does not change what the test is doing.
func (p *Page) checkReflowLargest() {
	p.t.Helper()
	before := eval[string](p, `document.documentElement.className`)
	eval[chromedp.Void](p, `(() => { const h = document.documentElement;
		h.classList.remove("text-normal", "text-large"); h.classList.add("text-larger"); })()`)
	narrow := chromedp.EmulateViewport(narrowest, p.vp.height)
	if p.vp.mobile {
		narrow = chromedp.EmulateViewport(narrowest, p.vp.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	}
	if err := p.do(narrow); err != nil {
		p.fatalf("narrowing the viewport to %dpx: %v", narrowest, err)
	}
	o := eval[overflow](p, reflowLargestJS)
	if err := p.do(p.emulateViewport()); err != nil {
		p.fatalf("restoring the viewport: %v", err)
	}
	eval[chromedp.Void](p, `document.documentElement.className = `+jsString(before))
	if o.Page <= o.Viewport+1 && len(o.Wide) == 0 {
		return
	}
	msg := fmt.Sprintf("at %dpx wide with the largest text (A++) the page is %gpx wide in a %gpx viewport; does not fit:\n\t%s",
		narrowest, o.Page, o.Viewport, strings.Join(o.Wide, "\n\t"))
	if p.again("reflow-largest:" + strings.Join(o.Wide, "|")) {
		msg = fmt.Sprintf("at %dpx with A++: the same %d boxes as above do not fit", narrowest, len(o.Wide))
	}
	p.errorf("%s", msg)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Count  int    `json:"count"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

const axeRunJS = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	resultTypes: ["violations"],
}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || "",
	help: v.help,
	count: v.nodes.length,
	nodes: v.nodes.slice(0, 3).map(n => ({
		target: n.target.map(String).join(" "),
		html: n.html.length > 240 ? n.html.slice(0, 240) + "…" : n.html,
		summary: (n.failureSummary || "").replace(/\s+/g, " ").trim(),
	})),
})))`

var axeRuns atomic.Int64

// runAxe runs axe-core's WCAG 2.0/2.1 A and AA rules on the page.
func (p *Page) runAxe() {
	p.t.Helper()
	if _, err := run(p, chromedp.Evaluate[chromedp.Void](p.axe)); err != nil {
		p.fatalf("injecting axe-core: %v", err)
	}
	vs, err := run(p, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		var ee *chromedp.ExceptionError
		if errors.As(err, &ee) {
			p.fatalf("axe.run threw: %v", err)
		}
		p.fatalf("running axe-core: %v", err)
	}
	axeRuns.Add(1)
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "axe-core found %d WCAG 2.x A/AA violations:", len(vs))
	for _, v := range vs {
		fmt.Fprintf(&b, "\n\t%s (%s): %s — %d element(s)", v.ID, v.Impact, v.Help, v.Count)
		key := "axe:" + v.ID
		for _, n := range v.Nodes {
			key += "|" + n.Target + n.HTML
		}
		if p.again(key) {
			b.WriteString(" — the same elements as above")
			continue
		}
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t\t%s\n\t\t  %s", n.Target, n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n\t\t  %s", n.Summary)
			}
		}
	}
	p.errorf("%s", b.String())
}
