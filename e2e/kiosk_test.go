package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The kiosk in a community hall, a touch screen nobody signs in to. A
// device is made the kiosk with its setup link; a visitor touches a topic,
// says they are an older person and gets a priority number; an officer
// calls it and opens a video call, and the kiosk goes into the call by
// itself, with no touch; when the officer ends the call the kiosk asks the
// question about it by itself. "Finish" (the privacy reset) leaves no trace
// of the visitor, "I no longer want to wait" cancels the number, and a
// kiosk left alone resets itself. The journey uses neyagawa, whose queues
// no other test touches.

// kioskScreen is the hall's touch screen: as wide as a desktop, touched,
// not clicked (Click and tap send touches at a mobile viewport).
var kioskScreen = viewport{name: "kiosk-touch-1280x800", width: 1280, height: 800, mobile: true}

const (
	kioskHome  = "/neyagawa/kiosk"
	kioskSetup = "/neyagawa/kiosk/setup/demo-kiosk-neyagawa" // app.DemoKioskToken("neyagawa")
	kioskTopic = "住民記録"                                      // the counter the visitor chooses
)

var (
	kioskTicketPattern = regexp.MustCompile(`^/neyagawa/kiosk/tickets/([^/?#]+)$`)
	kioskCallPattern   = regexp.MustCompile(`^/neyagawa/calls/([^/?#]+)$`)
)

// visitStatus loads path, expects the HTTP status want and audits the page
// (Visit wants 200).
func visitStatus(p *Page, path string, want int64) {
	p.t.Helper()
	p.path = path
	resp, err := run(p, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.fatalf("loading: %v", err)
	}
	p.loaded(resp)
	if resp.Status != want {
		p.errorf("status %d %s, want %d", resp.Status, resp.StatusText, want)
	}
	p.Audit()
}

// waitPath waits until the browser, by itself, has loaded path (with its
// query), and records it as the current page.
func waitPath(p *Page, path, why string) {
	p.t.Helper()
	loc, ok, err := poll(p, callWait, `document.readyState === "complete" ? location.pathname + location.search : ""`,
		func(s string) bool { return s == path })
	if !ok {
		p.fatalf("%s: the browser is at %q %s later, want %s (error: %v)", why, loc, callWait, path, err)
	}
	p.path = loc
}

// stayInKiosk checks that no link on the page leads out of kiosk mode:
// every one stays on the kiosk's pages or its call pages (which are in
// kiosk mode too), or is the skip link or a language link.
func stayInKiosk(p *Page) {
	p.t.Helper()
	away := eval[[]string](p, `[...document.querySelectorAll("a[href]")].filter(a => {
		const h = a.getAttribute("href");
		if (h === "#main" || a.hasAttribute("hreflang")) return false;
		const u = new URL(a.href);
		return u.origin !== location.origin || !(u.pathname.startsWith("/neyagawa/kiosk") || u.pathname.startsWith("/neyagawa/calls/") ||
			u.pathname.startsWith("/neyagawa/survey/"));
	}).map(a => a.getAttribute("href") + " " + JSON.stringify(a.innerText.trim()))`)
	if len(away) > 0 {
		p.errorf("links lead out of the kiosk (to pages with a sign-in link, not reset after the visitor):\n\t%s", strings.Join(away, "\n\t"))
	}
	if p.Has(`a[href^="/signin"]`) || p.Has("nav.account") || p.Has("form.signout") {
		p.errorf("the kiosk page offers signing in or out")
	}
	p.mustSee("#kiosk-reset button[type=submit]")
}

// idleClock stands in for the page's clock while a test waits for a kiosk
// to reset itself: it notes each timer of 30 s or more that a page asks
// for (the idle limit) in window.serambiIdleAsked, and runs it 30 times
// sooner, so that 90 s pass in 3. It is added to every document the tab
// loads from now on, before the page's scripts run; the returned func
// takes it away again.
func idleClock(p *Page) func() {
	p.t.Helper()
	const src = `(() => {
		const real = window.setTimeout;
		window.serambiIdleAsked = [];
		window.setTimeout = function (fn, ms, ...rest) {
			if (ms >= 30000) { window.serambiIdleAsked.push(ms); ms = ms / 30; }
			return real.call(window, fn, ms, ...rest);
		};
	})()`
	var id page.ScriptIdentifier
	err := p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		r, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		id = r.Identifier
		return err
	}))
	if err != nil {
		p.fatalf("installing the idle clock: %v", err)
	}
	return func() {
		_ = p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: id})
			return err
		}))
	}
}

// goTo loads path without auditing it (a page about to reset itself).
func goTo(p *Page, path string) {
	p.t.Helper()
	p.path = path
	resp, err := run(p, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.fatalf("loading: %v", err)
	}
	p.loaded(resp)
	if resp.Status != http.StatusOK {
		p.fatalf("status %d, want 200", resp.Status)
	}
}

// storageJS says what the site has stored in the browser, and a marker
// that the test planted there stands for what a page might have left.
const storageJS = `({local: localStorage.length, session: sessionStorage.length})`

type storageCount struct {
	Local   int `json:"local"`
	Session int `json:"session"`
}

func plantStorage(p *Page) {
	p.t.Helper()
	eval[chromedp.Void](p, `localStorage.setItem("visitor", "previous"); sessionStorage.setItem("visitor", "previous")`)
}

// noTrace checks that the kiosk start screen holds nothing of the last
// visitor: no stored data, the tenant's language, none of their addresses.
func noTrace(p *Page, traces ...string) {
	p.t.Helper()
	if p.URLPath() != kioskHome {
		p.fatalf("the kiosk is at %s after the reset, want the start screen %s", p.Path(), kioskHome)
	}
	if got := eval[storageCount](p, storageJS); got.Local != 0 || got.Session != 0 {
		p.errorf("after the reset the site still stores %d items in localStorage and %d in sessionStorage, want none", got.Local, got.Session)
	}
	if lang := p.Lang(); lang != "ja" {
		p.errorf(`<html lang=%q> after the reset, want neyagawa's and the device's "ja" (the visitor's language forgotten)`, lang)
	}
	html := eval[string](p, `document.documentElement.outerHTML`)
	for _, s := range traces {
		if s != "" && strings.Contains(html, s) {
			p.errorf("the start screen still holds %q from the last visitor", s)
		}
	}
}

func TestKiosk(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	kiosk := openPage(t, kioskScreen, append([]pageOption{withAcceptLanguage("ja")}, mediaFlags...)...)
	officer := openPage(t, desktop, mediaFlags...)

	var counterID, ticketID, label, callID, callPath, donePath string
	journey(t, []*Page{kiosk, officer},
		step{"a device that is not a kiosk is told so", func() {
			visitStatus(kiosk, kioskHome, http.StatusForbidden)
			if h := kiosk.Text("h1"); h != "この画面はキオスクではありません" {
				kiosk.errorf(`h1 reads %q, want "この画面はキオスクではありません" (kiosk.off.title)`, h)
			}
			if kiosk.Has("#kiosk-reset") || kiosk.Has(".kiosk-topics") {
				kiosk.errorf("the page for a device that is not a kiosk shows the kiosk's controls")
			}
		}},
		step{"the setup link makes the device the kiosk", func() {
			kiosk.Visit(kioskSetup)
			kiosk.Click(`#main form[method="post"] button[type=submit]`)
			if kiosk.Path() != kioskHome {
				kiosk.fatalf("the setup button led to %s, want the kiosk's start screen %s", kiosk.Path(), kioskHome)
			}
			stayInKiosk(kiosk)
			if got := kiosk.Text("#kiosk-reset button"); got != "終了" {
				kiosk.errorf(`the Finish button reads %q, want "終了" (kiosk.finish)`, got)
			}
			type topic struct {
				Href   string  `json:"href"`
				Text   string  `json:"text"`
				Height float64 `json:"height"`
				Font   float64 `json:"font"`
			}
			topics := eval[[]topic](kiosk, `[...document.querySelectorAll(".kiosk-topics a.kiosk-button")].map(a => ({
				href: a.getAttribute("href"), text: a.innerText.trim(),
				height: a.getBoundingClientRect().height, font: parseFloat(getComputedStyle(a).fontSize)}))`)
			if len(topics) < 2 {
				kiosk.fatalf("%d topic buttons (.kiosk-topics a.kiosk-button), want one per neyagawa counter (2)", len(topics))
			}
			for _, tp := range topics {
				// Huge: twice the design's 48 px target, text well above the 18 px body.
				if tp.Height < 96 || tp.Font < 24 {
					kiosk.errorf("topic button %q is %gpx high with %gpx text, want at least 96px and 24px", tp.Text, tp.Height, tp.Font)
				}
				if tp.Text == kioskTopic {
					counterID = strings.TrimPrefix(tp.Href, "/neyagawa/kiosk/counters/")
				}
			}
			if counterID == "" {
				kiosk.fatalf("no topic button reads %s: %+v", kioskTopic, topics)
			}
		}},
		step{"the start screen fits a phone-sized screen", func() {
			small := *kiosk
			small.vp = phone
			if err := small.do(small.emulateViewport()); err != nil {
				small.fatalf("resizing to %s: %v", phone.name, err)
			}
			small.Visit(kioskHome)
			small.mustSee(`.kiosk-topics a[href="/neyagawa/kiosk/counters/` + counterID + `"]`)
			if err := kiosk.do(kiosk.emulateViewport()); err != nil {
				kiosk.fatalf("resizing back: %v", err)
			}
			kiosk.Visit(kioskHome)
		}},
		step{"a visitor switches to English and touches a topic", func() {
			kiosk.OpenPrefs()
			kiosk.Click(`a[hreflang="en"]`)
			if lang := kiosk.Lang(); lang != "en" {
				kiosk.fatalf(`<html lang=%q> after choosing English, want "en"`, lang)
			}
			kiosk.Click(`.kiosk-topics a[href="/neyagawa/kiosk/counters/` + counterID + `"]`)
			if kiosk.URLPath() != "/neyagawa/kiosk/counters/"+counterID {
				kiosk.fatalf("the topic led to %s", kiosk.Path())
			}
			stayInKiosk(kiosk)
			if idle := eval[string](kiosk, `document.getElementById("main").getAttribute("data-kiosk-idle")`); idle != "90" {
				kiosk.errorf(`#main[data-kiosk-idle=%q] on the priority question, want "90"`, idle)
			}
			for _, v := range []string{"", "elderly", "disability", "pregnancy"} {
				kiosk.Expect(`button[name=priority][value="`+v+`"]`, "priority question: one button per answer")
			}
		}},
		step{"an older person gets a priority number", func() {
			kiosk.Click(`button[name=priority][value="elderly"]`)
			m := kioskTicketPattern.FindStringSubmatch(kiosk.URLPath())
			if m == nil {
				kiosk.fatalf("the answer led to %s, want /neyagawa/kiosk/tickets/{id}", kiosk.Path())
			}
			ticketID = m[1]
			label = anyLabelPattern.FindString(kiosk.Text(".ticket-label"))
			if !ticketLabelPattern.MatchString(label) {
				kiosk.errorf(".ticket-label reads %q, want a priority number P- and 3 digits", kiosk.Text(".ticket-label"))
			}
			stayInKiosk(kiosk)
			if idle := eval[string](kiosk, `document.getElementById("main").getAttribute("data-kiosk-idle")`); idle != "0" {
				kiosk.errorf(`#main[data-kiosk-idle=%q] while the number waits, want "0" (no reset while waiting)`, idle)
			}
			// The page follows the number live and reloads when it moves;
			// while nothing changes it must stay put. Wait for a first
			// event on the number's stream (the page's own stream gets its
			// first at the same time) and a second more.
			eval[chromedp.Void](kiosk, `window.serambiSameDocument = true`)
			events := eval[string](kiosk, `document.getElementById("ticket").getAttribute("data-events")`)
			_, err := run(kiosk, chromedp.Evaluate[chromedp.Void](`new Promise(done => {
				const s = new EventSource(`+jsString(events)+`);
				s.addEventListener("ticket", () => { s.close(); setTimeout(done, 1000); });
			})`, chromedp.EvalAwaitPromise))
			same, err2 := run(kiosk, chromedp.Evaluate[bool](`window.serambiSameDocument === true`))
			if err != nil || err2 != nil || !same {
				kiosk.errorf("the number page reloaded itself although the number had not moved (waiting: %v; reading the marker: %v)", err, err2)
			}
		}},
		step{"the officer calls the number and opens a video call", func() {
			deskOfficer(officer, "neyagawa")
			video := callUntilOffered(officer, "neyagawa", "/neyagawa/counters/"+counterID, ticketID, "the kiosk's number "+label)
			officer.follow(video, "the call page")
			m := kioskCallPattern.FindStringSubmatch(officer.URLPath())
			if m == nil {
				officer.fatalf("starting the video call led to %s, want /neyagawa/calls/{id}", officer.Path())
			}
			callID = m[1]
			callPath = "/neyagawa/calls/" + callID + "?ticket=" + ticketID
			cameraOn(officer)
		}},
		step{"the kiosk goes into the call by itself", func() {
			waitPath(kiosk, callPath, "the kiosk should follow its number into the call with no touch")
			kiosk.checkCommon()
			kiosk.checkTargets()
			kiosk.checkReflow()
			stayInKiosk(kiosk)
			if role := eval[string](kiosk, `document.getElementById("call").getAttribute("data-role")`); role != "resident" {
				kiosk.errorf(`#call[data-role=%q] on the kiosk, want "resident"`, role)
			}
			cameraOn(kiosk)
			videoFlows(kiosk)
			videoFlows(officer)
		}},
		step{"the visitor shows a paper to the kiosk's document camera", func() {
			openPanel(kiosk)
			tap(kiosk, "#btn-snap-open")
			waitTrue(kiosk, "the camera preview plays", `(() => { const v = document.getElementById("snap-view"); return !document.getElementById("snap-box").hidden && v.videoWidth > 0; })()`)
			if n := eval[int](kiosk, `document.querySelectorAll("#snap-camera option").length`); n < 1 {
				kiosk.errorf("the camera choice lists %d cameras", n)
			}
			tap(kiosk, "#btn-snap")
			const shown = `(() => { const i = document.getElementById("doc-img"); return !document.getElementById("doc").hidden && i.complete && i.naturalWidth > 0; })()`
			waitTrue(officer, "the officer sees the picture taken at the kiosk", shown)
			waitTrue(kiosk, "the kiosk shows the picture it took, and the camera is closed", shown+` && document.getElementById("snap-box").hidden`)
		}},
		step{"the officer ends the call and the kiosk asks about it by itself", func() {
			officer.Fill("#notes", "住民票の取り方を説明しました。")
			officer.Click(`form[action="/neyagawa/calls/` + callID + `/end"] button[type=submit]`)
			if officer.URLPath() != "/neyagawa/desk" {
				officer.fatalf("ending the call led to %s, want /neyagawa/desk", officer.Path())
			}
			donePath = "/neyagawa/calls/" + callID + "/done?ticket=" + ticketID
			waitPath(kiosk, donePath, "the kiosk should move on to the after-call page by itself")
			kiosk.Audit()
			stayInKiosk(kiosk)
			if idle := eval[string](kiosk, `document.getElementById("main").getAttribute("data-kiosk-idle")`); idle != "45" {
				kiosk.errorf(`#main[data-kiosk-idle=%q] after the call, want "45"`, idle)
			}
			// The visitor is asked the counter survey on the kiosk itself, in
			// kiosk mode (its reset and "finish" stay on every screen).
			kiosk.Click(`a[href^="/neyagawa/survey/"]`)
			for i := range 5 {
				kiosk.Require(`button[name=answer][value="4"]`, fmt.Sprintf("the survey's question %d at the kiosk", i+1))
				if i == 0 {
					kiosk.Audit()
					stayInKiosk(kiosk)
				}
				kiosk.Click(`button[name=answer][value="4"]`)
			}
			kiosk.Click(`#main form button[type=submit]`) // no comment
			stayInKiosk(kiosk)
			kiosk.Click(`#main form[action$="/send"] button[type=submit]`)
			if kiosk.URLPath() != "/neyagawa/survey-thanks" {
				kiosk.fatalf("sending the survey led to %s, want the thanks page", kiosk.Path())
			}
			if text := kiosk.Text("#main"); !strings.Contains(text, "Thank you for your answers") {
				kiosk.errorf("the page does not thank the visitor in English (survey.thanks.title): %q", short(text))
			}
			stayInKiosk(kiosk)
		}},
		step{"Finish leaves nothing of the visitor", func() {
			plantStorage(kiosk)
			kiosk.Click("#kiosk-reset button[type=submit]")
			noTrace(kiosk, ticketID, callID, label)
			// "Back" from the start screen stays there, not in the
			// previous visitor's pages.
			for range 2 {
				eval[any](kiosk, `history.back(), null`)
				if err := kiosk.do(chromedp.Sleep(400 * time.Millisecond)); err != nil {
					kiosk.fatalf("waiting after Back: %v", err)
				}
			}
			if path := eval[string](kiosk, `location.pathname`); path != "/neyagawa/kiosk" {
				kiosk.errorf("Back from the start screen led to %s", path)
			}
			if got := kiosk.Text("#kiosk-reset button"); got != "終了" {
				kiosk.errorf(`the Finish button reads %q after the reset, want the kiosk's Japanese "終了"`, got)
			}
		}},
		step{"the next visitor gives up waiting and the number is cancelled", func() {
			kiosk.Click(`.kiosk-topics a[href="/neyagawa/kiosk/counters/` + counterID + `"]`)
			kiosk.Click(`button[name=priority][value=""]`)
			m := kioskTicketPattern.FindStringSubmatch(kiosk.URLPath())
			if m == nil {
				kiosk.fatalf("taking a number led to %s", kiosk.Path())
			}
			second := m[1]
			giveUp := `#main form[action="/neyagawa/kiosk/reset"] button[type=submit]`
			if got := kiosk.Text(giveUp); got != "待つのをやめる" {
				kiosk.errorf(`the give-up button reads %q, want "待つのをやめる" (kiosk.give_up)`, got)
			}
			kiosk.Click(giveUp)
			noTrace(kiosk, second)
			var tk struct {
				Status string `json:"status"`
			}
			api(kiosk.t, "GET", "/api/v1/t/neyagawa/tickets/"+second, "", nil, &tk, http.StatusOK)
			if tk.Status != "cancelled" {
				kiosk.errorf("the number given up is %q, want cancelled", tk.Status)
			}
		}},
		step{"left alone, the kiosk resets itself", func() {
			// The idle limits are 90 s and 45 s; the test does not wait
			// that long: idleClock runs them 30 times sooner and notes the
			// limits the pages asked for.
			defer idleClock(kiosk)()
			for _, c := range []struct {
				path string
				want int
			}{
				{"/neyagawa/kiosk/counters/" + counterID + "?lang=en", 90000},
				{donePath + "&lang=en", 45000}, // the after-call page of the call above, again
			} {
				goTo(kiosk, c.path)
				plantStorage(kiosk)
				// Two timers: the warning ("starting over soon", never a
				// silent timeout) and the reset itself, at the limit.
				asked := eval[[]int](kiosk, `window.serambiIdleAsked || []`)
				if len(asked) != 2 || asked[1] != c.want || asked[0] >= c.want || asked[0] < c.want/2 {
					kiosk.errorf("the page set idle timers of %v ms, want a warning then the reset at %d", asked, c.want)
				}
				if c.want == 90000 {
					// A touch starts the wait again.
					if err := kiosk.do(chromedp.Tap(chromedp.CSS("h1"))); err != nil {
						kiosk.fatalf("touching the heading: %v", err)
					}
					// (A touch is a touchstart and a pointerdown: each sets it.)
					if asked := eval[[]int](kiosk, `window.serambiIdleAsked`); len(asked) < 2 || asked[len(asked)-1] != c.want {
						kiosk.errorf("after a touch the page set idle timers of %v ms, want the limit of %d set again", asked, c.want)
					}
				}
				waitPath(kiosk, kioskHome, "the kiosk should reset itself after the idle limit")
				noTrace(kiosk, ticketID, callID)
			}
		}},
	)
	if t.Failed() {
		t.Logf("kiosk number %s (%s), call %s", label, ticketID, callID)
	}
}
