package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The video call at the remote counter, in two real browsers with fake
// cameras: a walk-in at a phone takes a number, an officer at a desktop
// calls it and opens a video call, the walk-in joins from the ticket page,
// and each page decodes the other's video. The walk-in shows a photo of a
// form, the officer highlights a part of it and the walk-in sees the
// highlight; the officer ends the call and the walk-in's page moves on to
// the question about the call by itself. TestCallConfirm is the assisted
// application during such a call: the officer fills it in a second tab and
// the signed-in resident sends it with one tap on the call screen.
//
// The call pages themselves get the touch-target and reflow checks but not
// axe-core, which is not run while live video plays; every other page is
// audited in full.

// callWait bounds how long the test waits for something the network and the
// browsers do by themselves (a connection, frames, a message).
const callWait = 20 * time.Second

// jumin is the demo counter this journey uses; TestCounterBookAndQueue uses
// the other one, so the two can run at the same time.
const jumin = "住民記録"

// juminMu lets one journey at a time use the 住民記録 queue (TestVideoCall,
// TestCallConfirm): their officers press "call next" there, and one must not
// call the other's number.
var juminMu sync.Mutex

// callPathPattern is a call page, the officer's or (with ?ticket=) the
// resident's.
var callPathPattern = regexp.MustCompile(`^/fukuoka/calls/([^/?#]+)$`)

// mediaFlags give Chromium a fake camera and microphone (a moving test
// picture and a beep) and grant them without asking. Autoplay is left at
// Chromium's default: the others' video must start by itself, as it does
// for a real person, who gets no play button.
var mediaFlags = []pageOption{
	withChromiumFlag("use-fake-device-for-media-stream", true),
	withChromiumFlag("use-fake-ui-for-media-stream", true),
}

// callStats is what call.js's window.serambiCallStats() reports.
type callStats struct {
	Peers         int     `json:"peers"`
	Connected     int     `json:"connected"`
	FramesDecoded float64 `json:"framesDecoded"`
}

// remoteVideo is the state of one <video> showing another person.
type remoteVideo struct {
	Paused bool    `json:"paused"`
	Width  int     `json:"width"`
	Ready  int     `json:"ready"`
	Time   float64 `json:"time"`
}

// poll evaluates expr (awaiting a promise) until ok accepts its value or
// within has passed, and returns the last value. Evaluation errors (the
// page navigating away in between, say) count as not yet.
func poll[T any](p *Page, within time.Duration, expr string, ok func(T) bool) (T, bool, error) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	var last T
	var lastErr error
	for {
		v, err := run(p, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
		if err == nil {
			last, lastErr = v, nil
			if ok(v) {
				return v, true, nil
			}
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) {
			return last, false, lastErr
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// waitTrue waits until the JavaScript expression is true, or fails the test
// saying what was awaited.
func waitTrue(p *Page, what, expr string) {
	p.t.Helper()
	if _, ok, err := poll(p, callWait, expr, func(b bool) bool { return b }); !ok {
		p.fatalf("%s: not within %s (last error: %v)", what, callWait, err)
	}
}

// callUntilOffered presses "call next" at counterPath on the officer's
// desk until ticketID is called and its "video call" button shows, and
// returns that button's selector. Numbers an earlier run of the test left
// waiting (go test -count=N) are called first. who names the ticket's
// holder in the failure message.
func callUntilOffered(officer *Page, slug, counterPath, ticketID, who string) string {
	officer.t.Helper()
	next := `#main form[action="` + counterPath + `/call-next"] button[type=submit]`
	video := `#main form[action="/` + slug + `/tickets/` + ticketID + `/video"] button[type=submit]`
	for i := 0; i < 10 && !officer.Has(video); i++ {
		// A number left by an earlier test was called instead: the
		// officer finishes it before calling the next.
		finishOwnCalled(officer)
		officer.Require(next, "desk: call-next at "+counterPath)
		officer.Click(next)
	}
	if !officer.Has(video) {
		officer.fatalf("the desk offers no video call for %s's ticket %s; called: %q", who, ticketID, short(officer.Text("#main .called")))
	}
	return video
}

// enterCall follows a link or button into a call page. It does what Click
// does but leaves axe-core out (see the top of the file).
func enterCall(p *Page, sel string) {
	p.t.Helper()
	if resp := p.follow(sel, "the call page"); resp.Status != 200 {
		p.fatalf("status %d after clicking %s, want the call page", resp.Status, sel)
	}
	if !callPathPattern.MatchString(p.URLPath()) {
		p.fatalf("clicking %s led to %s, want /fukuoka/calls/{id}", sel, p.Path())
	}
	p.checkCommon()
	p.checkTargets()
	p.checkReflow()
}

// tap clicks (on the phone, taps) an element that loads no page.
func tap(p *Page, sel string) {
	p.t.Helper()
	p.mustSee(sel)
	// Centre it first: Chromium only scrolls what is off screen, and on the
	// call page a thing at the bottom of the screen is under the control bar,
	// where a person would scroll it up before touching it.
	eval[chromedp.Void](p, `document.querySelector(`+jsString(sel)+`).scrollIntoView({block: "center", inline: "nearest"})`)
	act := chromedp.Click(chromedp.CSS(sel))
	if p.vp.mobile {
		act = chromedp.Tap(chromedp.CSS(sel))
	}
	if err := p.do(act); err != nil {
		p.fatalf("clicking %s: %v", sel, err)
	}
}

// cameraOn checks that the call page got the camera: its own picture plays
// in #self-view. When it does not, it says why the browser refused.
func cameraOn(p *Page) {
	p.t.Helper()
	const live = `(() => { const s = document.getElementById("self-view").srcObject; return !!s && s.getVideoTracks().some(t => t.readyState === "live"); })()`
	if _, ok, _ := poll(p, callWait, live, func(b bool) bool { return b }); ok {
		return
	}
	why, err := run(p, chromedp.Evaluate[string](`navigator.mediaDevices.getUserMedia({video: true}).then(() => "it works when asked again", e => e.name + ": " + e.message)`, chromedp.EvalAwaitPromise))
	allowed := eval[bool](p, `document.featurePolicy ? document.featurePolicy.allowsFeature("camera") : true`)
	p.fatalf("no camera picture in #self-view within %s; getUserMedia answers %q (%v); the page's Permissions-Policy allows the camera: %v",
		callWait, why, err, allowed)
}

// videoFlows checks that p decodes the other person's video and keeps
// decoding it, and that the picture plays in its tile.
func videoFlows(p *Page) {
	p.t.Helper()
	const stats = `window.serambiCallStats ? window.serambiCallStats() : Promise.resolve(null)`
	first, ok, err := poll(p, callWait, stats, func(s *callStats) bool { return s != nil && s.Connected == 1 && s.FramesDecoded > 0 })
	if !ok {
		p.fatalf("no video frame decoded from the other person within %s: serambiCallStats() = %+v (error: %v); #call-status reads %q",
			callWait, first, err, p.Text("#call-status"))
	}
	if first.Peers != 1 {
		p.errorf("serambiCallStats() counts %d people, want 1 (the other person)", first.Peers)
	}
	// Frames keep coming: the fake camera sends some 30 a second, so a
	// second's worth shows the stream is live, not one frame that got
	// through before it froze.
	later, ok, err := poll(p, callWait, stats, func(s *callStats) bool { return s != nil && s.FramesDecoded >= first.FramesDecoded+30 })
	if !ok {
		p.fatalf("frames decoded went from %g to only %+v in %s (error: %v)", first.FramesDecoded, later, callWait, err)
	}
	p.logf("decoding the other's video: %g frames, then %g", first.FramesDecoded, later.FramesDecoded)

	const tiles = `[...document.querySelectorAll("#remotes figure.remote video[data-peer]")].map(v => ({paused: v.paused, width: v.videoWidth, ready: v.readyState, time: v.currentTime}))`
	vs, ok, err := poll(p, callWait, tiles, func(vs []remoteVideo) bool {
		return len(vs) == 1 && !vs[0].Paused && vs[0].Width > 0 && vs[0].Ready >= 2
	})
	if !ok {
		p.fatalf("the other person's tile is not playing a picture: %+v (error: %v)", vs, err)
	}
	t0 := vs[0].Time
	if vs, ok, err := poll(p, callWait, tiles, func(vs []remoteVideo) bool { return len(vs) == 1 && vs[0].Time > t0+0.5 }); !ok {
		p.fatalf("the other person's video stands still at %gs: %+v (error: %v)", t0, vs, err)
	}
	want := eval[string](p, `document.getElementById("call").getAttribute("data-t-connected")`)
	if got, ok := waitText(p, "#call-status", callWait, func(s string) bool { return s == want }); !ok {
		p.errorf("#call-status reads %q while video flows, want %q", got, want)
	}
}

// formPicture writes a PNG standing in for a photo of a paper form: a white
// page with grey lines and a red box where a stamp goes.
func formPicture(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 320))
	for y := range 320 {
		for x := range 480 {
			c := color.RGBA{250, 250, 245, 255}
			switch {
			case y%40 == 0 && x > 20 && x < 460:
				c = color.RGBA{120, 120, 120, 255}
			case x > 360 && x < 440 && y > 220 && y < 300 && (x == 361 || x == 439 || y == 221 || y == 299):
				c = color.RGBA{200, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "form.png")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// rect is an element's box in CSS pixels of the viewport.
type rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// markBox is a drawn highlight, in fractions of the document's picture.
type markBox struct {
	X, Y, W, H float64
}

func (m markBox) near(o markBox) bool {
	const slack = 0.03 // the picture's border, rounding
	return math.Abs(m.X-o.X) < slack && math.Abs(m.Y-o.Y) < slack && math.Abs(m.W-o.W) < slack && math.Abs(m.H-o.H) < slack
}

// marksJS lists the finished highlights on the page's document.
const marksJS = `[...document.querySelectorAll("#marks .mark:not(.preview)")].map(m => ({
	X: parseFloat(m.style.left) / 100, Y: parseFloat(m.style.top) / 100,
	W: parseFloat(m.style.width) / 100, H: parseFloat(m.style.height) / 100,
}))`

// drag presses the mouse at from, moves it in steps to to, and lets go, all
// in fractions of the box r (which may reach outside it).
func drag(p *Page, r rect, from, to [2]float64) {
	p.t.Helper()
	at := func(f [2]float64) (float64, float64) { return r.X + f[0]*r.W, r.Y + f[1]*r.H }
	x0, y0 := at(from)
	x1, y1 := at(to)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(chromedp.MouseMoved, x0, y0),
		chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft, chromedp.ClickCount(1), withButtons(1)),
	}
	for i := 1; i <= 5; i++ {
		k := float64(i) / 5
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x0+k*(x1-x0), y0+k*(y1-y0), chromedp.ButtonLeft, withButtons(1)))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := p.do(steps...); err != nil {
		p.fatalf("dragging the mouse from %v to %v over the document: %v", from, to, err)
	}
}

// withButtons says which buttons are held down during a mouse event (1 is
// the left one), as a real mouse reports while dragging.
func withButtons(b int64) chromedp.MouseOption {
	return func(p *input.DispatchMouseEventParams) { p.Buttons = b }
}

func TestVideoCall(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	// Two browsers: the walk-in's phone, set to Japanese, and the
	// officer's desk.
	resident := openPage(t, phone, append([]pageOption{withAcceptLanguage("ja")}, mediaFlags...)...)
	officer := openPage(t, desktop, mediaFlags...)
	juminMu.Lock()
	defer juminMu.Unlock()

	var counterPath, ticketID, callID, residentCallPath string
	journey(t, []*Page{resident, officer},
		step{"walk-in takes a number without an account", func() {
			resident.Visit("/fukuoka/counters")
			href := eval[string](resident, `(() => {
				const a = [...document.querySelectorAll('#main a[href^="/fukuoka/counters/"]')].find(a => a.innerText.includes(`+jsString(jumin)+`));
				return a ? a.getAttribute("href") : "";
			})()`)
			if href == "" {
				resident.fatalf(`no link a[href^="/fukuoka/counters/"] reads %s`, jumin)
			}
			resident.Click(`#main a[href="` + href + `"]`)
			counterPath = href
			resident.Require(`form[action$="/tickets"] button[type=submit]`, `counter page: "take a number" form`)
			resident.Click(`form[action$="/tickets"] button[type=submit]`)
			m := ticketPathPattern.FindStringSubmatch(resident.URLPath())
			if m == nil {
				resident.fatalf("taking a number led to %s, want /fukuoka/tickets/{id}; errors: %q", resident.Path(), short(resident.Text(".error-summary")))
			}
			ticketID = m[1]
			if !eval[bool](resident, `document.getElementById("ticket-call").hidden`) {
				resident.errorf("#ticket-call (the way into a video call) shows before any call was opened")
			}
		}},
		step{"officer calls the number and opens a video call", func() {
			deskOfficer(officer, "fukuoka")
			enterCall(officer, callUntilOffered(officer, "fukuoka", counterPath, ticketID, "the walk-in"))
			callID = callPathPattern.FindStringSubmatch(officer.URLPath())[1]
			cameraOn(officer)
			if role := eval[string](officer, `document.getElementById("call").getAttribute("data-role")`); role != "officer" {
				officer.errorf(`#call[data-role=%q], want "officer"`, role)
			}
			officer.Require("#notes", "officer's call page: notes for ending the call")
			want := eval[string](officer, `document.getElementById("call").getAttribute("data-t-waiting")`)
			if got, ok := waitText(officer, "#call-status", callWait, func(s string) bool { return s == want }); !ok {
				officer.errorf("#call-status reads %q while the officer is alone, want %q", got, want)
			}
		}},
		step{"the ticket page offers the call, live", func() {
			residentCallPath = "/fukuoka/calls/" + callID + "?ticket=" + ticketID
			waitTrue(resident, "#ticket-call shows after the officer opened the call",
				`!document.getElementById("ticket-call").hidden`)
			if href := eval[string](resident, `document.querySelector("#ticket-call a").getAttribute("href")`); href != residentCallPath {
				resident.errorf("the join link goes to %q, want %q", href, residentCallPath)
			}
			resident.Audit()
			enterCall(resident, "#ticket-call a")
			if resident.Path() != residentCallPath {
				resident.errorf("joining led to %s, want %s", resident.Path(), residentCallPath)
			}
			cameraOn(resident)
			if role := eval[string](resident, `document.getElementById("call").getAttribute("data-role")`); role != "resident" {
				resident.errorf(`#call[data-role=%q], want "resident"`, role)
			}
			if resident.Has("#notes") || resident.Has("#btn-unmark") {
				resident.errorf("the resident's call page has the officer's tools (#notes or #btn-unmark)")
			}
		}},
		step{"each page decodes the other's video", func() {
			videoFlows(resident)
			videoFlows(officer)
		}},
		step{"the call fits one screen, for the walk-in and for the officer", func() {
			callFitsScreen(resident)
			officer.vp = phone
			if err := officer.do(officer.emulateViewport()); err != nil {
				officer.fatalf("resizing to %s: %v", phone.name, err)
			}
			callFitsScreen(officer)
			officer.vp = desktop
			if err := officer.do(officer.emulateViewport()); err != nil {
				officer.fatalf("resizing back to %s: %v", desktop.name, err)
			}
			officerDeskFits(officer)
		}},
		step{"the walk-in shows a document and the officer highlights it", func() {
			file := formPicture(t)
			openPanel(resident)
			if err := resident.do(chromedp.SetUploadFiles(chromedp.CSS("#doc-file"), []string{file})); err != nil {
				resident.fatalf("choosing %s in #doc-file: %v", file, err)
			}
			tap(resident, "#doc-form button[type=submit]")
			const shown = `(() => { const i = document.getElementById("doc-img"); return !document.getElementById("doc").hidden && i.complete && i.naturalWidth === 480; })()`
			waitTrue(officer, "the officer sees the walk-in's document (#doc-img loaded, 480 px wide)", shown)
			waitTrue(resident, "the walk-in sees their own document (#doc-img loaded)", shown)

			r := eval[rect](officer, `(() => {
				const i = document.getElementById("doc-img");
				i.scrollIntoView({block: "center"});
				const b = i.getBoundingClientRect();
				return {x: b.left, y: b.top, w: b.width, h: b.height};
			})()`)
			marked := func(want ...markBox) {
				for _, p := range []*Page{resident, officer} {
					got, ok, err := poll(p, callWait, marksJS, func(ms []markBox) bool { return len(ms) == len(want) })
					if !ok {
						p.fatalf("%d highlights in #marks, want %d within %s of the officer's drag: %+v (error: %v)", len(got), len(want), callWait, got, err)
					}
					for i := range want {
						if !got[i].near(want[i]) {
							p.errorf("highlight %d covers %+v of the picture, want about %+v", i+1, got[i], want[i])
						}
					}
					if n, w := eval[string](p, `document.getElementById("call").getAttribute("data-marks")`), fmt.Sprint(len(want)); n != w {
						p.errorf(`#call[data-marks=%q], want %q`, n, w)
					}
					if len(want) > 0 {
						p.mustSee("#marks .mark")
					}
				}
				if n := officer.Count("#marks .mark.preview"); n != 0 {
					officer.errorf("%d half-drawn highlights (.mark.preview) left on the officer's screen after the drag", n)
				}
			}
			drag(officer, r, [2]float64{0.2, 0.3}, [2]float64{0.7, 0.6})
			first := markBox{0.2, 0.3, 0.5, 0.3}
			marked(first)
			// A drag that runs past the picture's corner still makes a
			// highlight, up to the picture's edge.
			drag(officer, r, [2]float64{0.6, 0.7}, [2]float64{1.2, 1.3})
			marked(first, markBox{0.6, 0.7, 0.4, 0.3})
			tap(officer, "#btn-unmark")
			marked()
		}},
		step{"the officer ends the call and the walk-in answers the question", func() {
			officer.Fill("#notes", "住民票の写しの申請書を一緒に確認しました。")
			officer.Click(`form[action="/fukuoka/calls/` + callID + `/end"] button[type=submit]`)
			if officer.URLPath() != "/fukuoka/desk" {
				officer.fatalf("ending the call led to %s, want /fukuoka/desk", officer.Path())
			}
			if officer.Has(`#main form[action^="/fukuoka/tickets/` + ticketID + `/"]`) {
				officer.errorf("the desk still offers actions for ticket %s after the call ended", ticketID)
			}

			done := "/fukuoka/calls/" + callID + "/done?ticket=" + ticketID
			loc, ok, err := poll(resident, callWait, `document.readyState === "complete" ? location.pathname + location.search : ""`,
				func(s string) bool { return s == done })
			if !ok {
				resident.fatalf("the walk-in's page is at %q %s after the call ended, want %s (error: %v)", loc, callWait, done, err)
			}
			resident.path = loc
			resident.Audit()
			// The walk-in is asked the counter survey (no account needed).
			resident.Require(`a[href^="/fukuoka/survey/"]`, "after the call: the link to the satisfaction survey")
			if resident.Has(`button[name=score]`) {
				resident.errorf("the one-question rating is still asked beside the survey")
			}
			resident.Click(`a[href^="/fukuoka/survey/"]`)
			if !strings.HasPrefix(resident.URLPath(), "/fukuoka/survey/") {
				resident.fatalf("the survey link led to %s", resident.Path())
			}
			resident.Audit()
			resident.Require(`button[name=answer][value="5"]`, "the survey's first question, on 5 points")
		}},
	)
	if t.Failed() {
		t.Logf("call %s, ticket %s", callID, ticketID)
	}
}

// openedTab clicks sel on p, a link that opens a page in a new tab of the
// same browser (target=_blank), and returns that tab, with p left where it
// was; path is the new tab's path and query. The tab stays open until the
// test t ends.
func openedTab(t *testing.T, p *Page, sel, path string) *Page {
	p.t.Helper()
	p.mustSee(sel)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	opened := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return info.URL == p.base+path })
	if err := p.do(chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.fatalf("clicking %s: %v", sel, err)
	}
	var id target.ID
	select {
	case id = <-opened:
	case <-ctx.Done():
	}
	if id == "" {
		p.fatalf("clicking %s opened no new tab at %s within %s", sel, path, stepTimeout)
	}
	tabCtx, closeTab := chromedp.NewContext(p.ctx, chromedp.WithTargetID(id))
	t.Cleanup(closeTab)
	q := &Page{t: p.t, ctx: tabCtx, vp: p.vp, base: p.base, axe: p.axe, path: path, seen: map[string]bool{}}
	// The first Do attaches to the tab for as long as its context lives,
	// so it gets tabCtx itself, not one with the step's deadline.
	if err := chromedp.Do(tabCtx, q.emulateViewport()); err != nil {
		q.fatalf("attaching to the new tab: %v", err)
	}
	// The tab may still be loading: wait for its document, then audit it.
	waitTrue(q, "the new tab finishes loading", `document.readyState === "complete" && location.pathname + location.search === `+jsString(path))
	q.Audit()
	return q
}

// TestCallConfirm: the assisted application during a video call. A
// resident signed in on their phone takes a number, so the call knows who
// they are; the officer opens the call, then "Fill an application" in a new
// tab (the call goes on in the first), fills 住民票の写し with them, uploads
// the ID card they show and asks for confirmation; the resident's call
// screen offers one big button, the resident taps it, and both call screens
// show the tracking number.
func TestCallConfirm(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	resident := openPage(t, phone, append([]pageOption{withAcceptLanguage("ja")}, mediaFlags...)...)
	officer := openPage(t, desktop, mediaFlags...)
	juminMu.Lock()
	defer juminMu.Unlock()

	var counterPath, ticketID, callID, tracking string
	form := &Page{t: t} // the officer's second tab, once opened
	journey(t, []*Page{resident, officer, form},
		step{"the resident, signed in, takes a number", func() {
			signIn(resident, "resident@fukuoka.demo", "/fukuoka/counters")
			href := eval[string](resident, `(() => {
				const a = [...document.querySelectorAll('#main a[href^="/fukuoka/counters/"]')].find(a => a.innerText.includes(`+jsString(jumin)+`));
				return a ? a.getAttribute("href") : "";
			})()`)
			if href == "" {
				resident.fatalf(`no link a[href^="/fukuoka/counters/"] reads %s`, jumin)
			}
			counterPath = href
			resident.Click(`#main a[href="` + href + `"]`)
			resident.Click(`form[action$="/tickets"] button[type=submit]`)
			m := ticketPathPattern.FindStringSubmatch(resident.URLPath())
			if m == nil {
				resident.fatalf("taking a number led to %s, want /fukuoka/tickets/{id}; errors: %q", resident.Path(), short(resident.Text(".error-summary")))
			}
			ticketID = m[1]
		}},
		step{"the officer calls the number and opens the call", func() {
			deskOfficer(officer, "fukuoka")
			enterCall(officer, callUntilOffered(officer, "fukuoka", counterPath, ticketID, "the resident"))
			callID = callPathPattern.FindStringSubmatch(officer.URLPath())[1]
			// The number was taken signed in, so the call knows the resident.
			if sub := officer.Text("#main .sub"); !strings.Contains(sub, "田中 一郎") {
				officer.errorf("the officer's call page does not say who the call is with (田中 一郎, resident@fukuoka.demo): %q", sub)
			}
		}},
		step{"the resident joins from the ticket page", func() {
			waitTrue(resident, "#ticket-call shows after the officer opened the call",
				`!document.getElementById("ticket-call").hidden`)
			enterCall(resident, "#ticket-call a")
			if got := eval[string](resident, `document.getElementById("call").getAttribute("data-signed-in")`); got != "true" {
				resident.fatalf(`#call[data-signed-in=%q] for a signed-in resident, want "true"`, got)
			}
			for _, p := range []*Page{resident, officer} {
				want := eval[string](p, `document.getElementById("call").getAttribute("data-t-connected")`)
				if got, ok := waitText(p, "#call-status", callWait, func(s string) bool { return s == want }); !ok {
					p.fatalf("#call-status reads %q %s after both joined, want %q", got, callWait, want)
				}
			}
			if !eval[bool](resident, `document.getElementById("call-app").hidden`) {
				resident.errorf("#call-app (the application) shows before the officer started one")
			}
		}},
		step{"the officer starts the application in a second tab", func() {
			path := "/fukuoka/assist?call=" + callID
			*form = *openedTab(t, officer, "#btn-assist", path)
			if got := form.Value(`input[name="call"]`); got != callID {
				form.errorf(`input[name=call] is %q, want the call %s`, got, callID)
			}
			if got := form.Value("#resident"); got != "resident@fukuoka.demo" {
				form.errorf("#resident is %q, want it filled in from the call: resident@fukuoka.demo", got)
			}
			form.Select("#service", "JUMINHYO")
			form.Click(`#main form[action="/fukuoka/assist"] button[type=submit]`)
			requireSection(form, 0, "#copies", "#household-0", "#mynumber-0", "#purpose-0", "#delivery-0")
			// The call went on in the first tab, and the resident is told.
			started := eval[string](resident, `document.getElementById("call").getAttribute("data-t-app-started")`)
			if got, ok := waitText(resident, "#call-app-text", callWait, func(s string) bool { return s == started }); !ok {
				resident.errorf("#call-app-text reads %q after the officer started the application, want %q", got, started)
			}
			if got := eval[string](officer, `location.pathname`); got != "/fukuoka/calls/"+callID {
				officer.errorf("the call tab is at %s after opening the form, want it still on the call", got)
			}
		}},
		step{"the officer fills it in and asks for confirmation", func() {
			form.Fill("#copies", "1")
			choose(form, "#household-0")
			choose(form, "#mynumber-1")
			choose(form, "#purpose-0")
			choose(form, "#delivery-0")
			form.Click(sectionButton)
			toCheckPage(form)
			if sendDocuments(form) == 0 {
				form.errorf("住民票の写し asked for no document; the resident's ID card was to be uploaded")
			}
			if form.Has(`#main form[action$="/actions"]`) {
				form.errorf("the check page lets the officer send the application; only the resident may")
			}
			form.Click(`#main form[action$="/confirmation"] button[type=submit]`)
			if !appPathPattern.MatchString(form.URLPath()) {
				form.fatalf("asking for confirmation led to %s; errors: %q", form.Path(), short(form.Text(".error-summary")))
			}
		}},
		step{"the resident taps confirm on the call screen", func() {
			waitTrue(resident, "#call-confirm (the one-tap button) shows on the resident's call screen",
				`!document.getElementById("call-confirm").hidden`)
			if !eval[bool](resident, `document.getElementById("call-app-code").hidden`) {
				resident.errorf("#call-app-code (read out the emailed code) shows to a signed-in resident, who can tap instead")
			}
			ask := eval[string](resident, `document.getElementById("call").getAttribute("data-t-app-confirm")`)
			if got := resident.Text("#call-app-text"); !strings.HasPrefix(got, ask) {
				resident.errorf("#call-app-text reads %q, want it to ask %q", got, ask)
			}
			appPath := strings.TrimSuffix(form.URLPath(), "/")
			if href := eval[string](resident, `document.querySelector("#call-app-view a").getAttribute("href")`); href != appPath {
				resident.errorf("#call-app-view links to %q, want the application %s", href, appPath)
			}
			resident.checkTargets()
			resident.checkReflow()
			tap(resident, "#call-confirm button[type=submit]")
			var numbers [2]string
			for i, p := range []*Page{resident, officer} {
				n, ok, err := poll(p, callWait, `document.getElementById("call").getAttribute("data-tracking") || ""`,
					func(s string) bool { return s != "" })
				if !ok {
					p.fatalf("no tracking number (#call[data-tracking]) %s after the resident tapped confirm (error: %v); #call-app-text reads %q",
						callWait, err, p.Text("#call-app-text"))
				}
				if !trackingPattern.MatchString(n) || !strings.HasPrefix(n, "FUK-") {
					p.errorf("#call[data-tracking=%q], want a FUK- tracking number", n)
				}
				if got := p.Text("#call-app-text"); !strings.Contains(got, n) {
					p.errorf("#call-app-text reads %q, want it to show %s", got, n)
				}
				numbers[i] = n
			}
			tracking = numbers[0]
			if numbers[0] != numbers[1] {
				resident.errorf("the resident's screen shows %s, the officer's %s", numbers[0], numbers[1])
			}
			if resident.Has("#call-confirm:not([hidden])") {
				resident.errorf("#call-confirm still shows after the application was sent")
			}
			// The officer's tab shows the same number once reloaded.
			form.Visit(appPath)
			if got := statusPage(form); got != numbers[0] {
				form.errorf("the application's page shows %q, want %s", got, numbers[0])
			}
		}},
		step{"the officer's call page lists the application, and the officer ends the call", func() {
			// Reloaded (the officer rejoins), the call page lists the
			// resident's applications with the one just sent.
			resp, err := run(officer, chromedp.NavigateResponse(officer.base+"/fukuoka/calls/"+callID))
			if err != nil || resp.Status != 200 {
				officer.fatalf("reloading the call page: %v (status %v)", err, resp)
			}
			officer.checkTargets()
			officer.checkReflow()
			if got := officer.Text(".resident-apps"); !strings.Contains(got, tracking) {
				officer.errorf(".resident-apps reads %q, want the application %s among the resident's", short(got), tracking)
			}
			officer.Click(`form[action="/fukuoka/calls/` + callID + `/end"] button[type=submit]`)
			if officer.URLPath() != "/fukuoka/desk" {
				officer.fatalf("ending the call led to %s, want /fukuoka/desk", officer.Path())
			}
		}},
	)
	if t.Failed() {
		t.Logf("call %s, ticket %s", callID, ticketID)
	}
}
