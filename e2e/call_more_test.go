package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/ids"
)

// More of the video call, at banyuwangi's ADMINDUK counter: three people
// in one call (the walk-in invites a helper with a one-time link), chat,
// audio-only and low-data mode (TestThreePartyCall); and a dropped
// signalling socket that the page reconnects by itself (TestCallReconnects).
// As in call_test.go, the call pages get the touch-target and reflow checks
// but not axe-core; the invite and join pages are audited in full.

const (
	moreTenant  = "banyuwangi"
	moreCounter = "Administrasi Kependudukan" // ADMINDUK, in Indonesian
)

// banyuwangiDeskMu lets one test at a time use banyuwangi's desk. These
// tests press "call next" at ADMINDUK, and one must not call the other's
// number. TestDisplayBoard uses the other counter, BPJS, but the same
// officer's desk, which lists the open calls of both counters: while one
// of these calls is open, its "rejoin" link (a small inline link at the
// time of writing) would fail the touch-target check of that test's desk.
var banyuwangiDeskMu sync.Mutex

var moreCallPattern = regexp.MustCompile(`^/` + moreTenant + `/calls/([^/?#]+)$`)

// peerStats is one person in call.js's serambiCallStats().each.
type peerStats struct {
	ID            string  `json:"id"`
	Role          string  `json:"role"`
	Connected     bool    `json:"connected"`
	FramesDecoded float64 `json:"framesDecoded"`
	Sending       bool    `json:"sending"` // sends them our camera
	MaxBitrate    float64 `json:"maxBitrate"`
}

// fullStats is all of serambiCallStats().
type fullStats struct {
	callStats
	Each []peerStats `json:"each"`
}

func (s *fullStats) of(role string) *peerStats {
	if s == nil {
		return nil
	}
	for i := range s.Each {
		if s.Each[i].Role == role {
			return &s.Each[i]
		}
	}
	return nil
}

// sendsCamera: the page is in a call with n others and sends its camera
// to all of them (want) or to none.
func sendsCamera(n int, want bool) func(*fullStats) bool {
	return func(s *fullStats) bool {
		return s != nil && len(s.Each) == n && !slices.ContainsFunc(s.Each, func(e peerStats) bool { return e.Sending != want })
	}
}

const fullStatsJS = `window.serambiCallStats ? window.serambiCallStats() : Promise.resolve(null)`

// nocamText is the catalog's call.peer.nocam in each language.
var nocamText = map[string]string{"id": "kamera mati", "ja": "カメラ オフ", "en": "camera off"}

// intoCall follows a link or button into a call page at banyuwangi and
// returns the call's ID; as enterCall, without axe-core.
func intoCall(p *Page, sel string) string {
	p.t.Helper()
	if resp := p.follow(sel, "the call page"); resp.Status != 200 {
		p.fatalf("status %d after clicking %s, want the call page", resp.Status, sel)
	}
	m := moreCallPattern.FindStringSubmatch(p.URLPath())
	if m == nil {
		p.fatalf("clicking %s led to %s, want /%s/calls/{id}", sel, p.Path(), moreTenant)
	}
	p.checkCommon()
	p.checkTargets()
	p.checkReflow()
	return m[1]
}

// openMore opens the call's panel and in it the "more" section (chat, audio-only,
// low-data, invite), closed on a resident's or helper's small screen.
func openMore(p *Page) {
	p.t.Helper()
	openPanel(p)
	if !eval[bool](p, `document.querySelector("details.more").open`) {
		tap(p, "details.more > summary")
	}
	waitTrue(p, "details.more opens", `document.querySelector("details.more").open`)
}

// decodesFrom waits until p is connected with exactly the people of roles
// and decodes video from each of them, and keeps decoding it (some 30 more
// frames from each, about a second of the fake camera). It returns the
// last stats read.
func decodesFrom(p *Page, roles ...string) fullStats {
	p.t.Helper()
	good := func(s *fullStats, min func(role string) float64) bool {
		if s == nil || s.Peers != len(roles) || s.Connected != len(roles) {
			return false
		}
		for _, r := range roles {
			e := s.of(r)
			if e == nil || !e.Connected || e.FramesDecoded <= min(r) {
				return false
			}
		}
		return true
	}
	first, ok, err := poll(p, callWait, fullStatsJS, func(s *fullStats) bool { return good(s, func(string) float64 { return 0 }) })
	if !ok {
		p.fatalf("not connected with %v and decoding video from each within %s: serambiCallStats() = %+v (error: %v); #call-status reads %q",
			roles, callWait, first, err, p.Text("#call-status"))
	}
	later, ok, err := poll(p, callWait, fullStatsJS, func(s *fullStats) bool {
		return good(s, func(r string) float64 { return first.of(r).FramesDecoded + 30 })
	})
	if !ok {
		p.fatalf("video from %v stopped: frames decoded went from %+v to %+v in %s (error: %v)", roles, first.Each, later, callWait, err)
	}
	const tiles = `[...document.querySelectorAll("#remotes figure.remote video[data-peer]")].map(v => ({paused: v.paused, width: v.videoWidth, ready: v.readyState, time: v.currentTime}))`
	if vs, ok, err := poll(p, callWait, tiles, func(vs []remoteVideo) bool {
		return len(vs) == len(roles) && !slices.ContainsFunc(vs, func(v remoteVideo) bool { return v.Paused || v.Width == 0 || v.Ready < 2 })
	}); !ok {
		p.fatalf("want %d remote tiles playing a picture: %+v (error: %v)", len(roles), vs, err)
	}
	want := eval[string](p, `document.getElementById("call").getAttribute("data-t-connected")`)
	if got, ok := waitText(p, "#call-status", callWait, func(s string) bool { return s == want }); !ok {
		p.errorf("#call-status reads %q while video flows, want %q", got, want)
	}
	p.logf("decoding video from %v: %+v", roles, later.Each)
	return *later
}

// walkInCall is the start both tests share: a walk-in takes a number at
// ADMINDUK on their phone, the officer calls it and opens a video call,
// and the walk-in joins from the ticket page. Hold banyuwangiDeskMu.
func walkInCall(resident, officer *Page) (callID, ticketID string) {
	var counterPath string
	journey(resident.t, []*Page{resident, officer},
		step{"walk-in takes a number", func() {
			resident.Visit("/" + moreTenant + "/counters")
			href := eval[string](resident, `(() => {
				const a = [...document.querySelectorAll('#main a[href^="/`+moreTenant+`/counters/"]')].find(a => a.innerText.includes(`+jsString(moreCounter)+`));
				return a ? a.getAttribute("href") : "";
			})()`)
			if href == "" {
				resident.fatalf("no counter link reads %s", moreCounter)
			}
			counterPath = href
			resident.Click(`#main a[href="` + href + `"]`)
			resident.Click(`form[action$="/tickets"] button[type=submit]`)
			if !strings.HasPrefix(resident.URLPath(), "/"+moreTenant+"/tickets/") {
				resident.fatalf("taking a number led to %s; errors: %q", resident.Path(), short(resident.Text(".error-summary")))
			}
			ticketID = strings.TrimPrefix(resident.URLPath(), "/"+moreTenant+"/tickets/")
		}},
		step{"the officer calls the number and opens the call", func() {
			deskOfficer(officer, moreTenant)
			callID = intoCall(officer, callUntilOffered(officer, moreTenant, counterPath, ticketID, "the walk-in"))
		}},
		step{"the walk-in joins from the ticket page", func() {
			waitTrue(resident, "#ticket-call shows after the officer opened the call", `!document.getElementById("ticket-call").hidden`)
			if id := intoCall(resident, "#ticket-call a"); id != callID {
				resident.fatalf("the ticket page led to call %s, the officer is in %s", id, callID)
			}
			cameraOn(resident)
			cameraOn(officer)
		}},
	)
	if callID == "" || resident.t.Failed() {
		resident.t.FailNow()
	}
	return callID, ticketID
}

// endCall: the officer ends the call, and lands on the desk.
func endCall(officer *Page, callID string) {
	officer.t.Helper()
	officer.Click(`form[action="/` + moreTenant + `/calls/` + callID + `/end"] button[type=submit]`)
	if officer.URLPath() != "/"+moreTenant+"/desk" {
		officer.errorf("ending the call led to %s, want /%s/desk", officer.Path(), moreTenant)
	}
}

// roomPeople is who the server has in the call's signalling room.
// roomHolds waits (up to callWait) until the server's room of the call
// holds exactly want, and returns what it holds last: a page's socket
// joins the room a moment after its camera is on, later on a busy machine.
func roomHolds(callID string, want ...string) ([]string, bool) {
	deadline := time.Now().Add(callWait)
	for {
		got := roomPeople(callID)
		if slices.Equal(got, want) || time.Now().After(deadline) {
			return got, slices.Equal(got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func roomPeople(callID string) []string {
	var roles []string
	for _, p := range shared.app.Calls.Rooms().People(ids.Call(callID)) {
		roles = append(roles, p.Role)
	}
	slices.Sort(roles)
	return roles
}

func TestThreePartyCall(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	// Three browsers, three languages: the walk-in's phone in Indonesian,
	// the officer's desk in English, the helper (a relative abroad) in
	// Japanese.
	resident := openPage(t, phone, append([]pageOption{withAcceptLanguage("id")}, mediaFlags...)...)
	officer := openPage(t, desktop, append([]pageOption{withAcceptLanguage("en")}, mediaFlags...)...)
	helper := openPage(t, desktop, append([]pageOption{withAcceptLanguage("ja")}, mediaFlags...)...)
	banyuwangiDeskMu.Lock()
	defer banyuwangiDeskMu.Unlock()

	callID, ticketID := walkInCall(resident, officer)
	var joinPath string
	journey(t, []*Page{resident, officer, helper},
		step{"the walk-in asks for a helper's link without leaving the call", func() {
			openMore(resident)
			invite := `form[action="/` + moreTenant + `/calls/` + callID + `/invite?ticket=` + ticketID + `"] button[type=submit]`
			resident.Require(invite, "call page: Invite a helper, in the more section")
			tap(resident, invite)
			waitTrue(resident, "the link appears in the call page", `!document.getElementById("invite-result").hidden`)
			if resident.URLPath() != "/"+moreTenant+"/calls/"+callID {
				resident.fatalf("asking for a link left the call for %s", resident.Path())
			}
			link := strings.TrimSpace(resident.Text("#invite-link"))
			u, err := url.Parse(link)
			if err != nil || u.Scheme+"://"+u.Host != resident.base || !strings.HasPrefix(u.Path, "/"+moreTenant+"/join/") {
				resident.fatalf("#invite-link reads %q, want %s/%s/join/{token}", link, resident.base, moreTenant)
			}
			joinPath = u.Path
		}},
		step{"the helper opens the link and joins", func() {
			helper.Visit(joinPath) // audits the join page
			helper.Require(`#main form[method=post] button[type=submit]`, "join page: the join button")
			intoCall(helper, `#main form[method=post] button[type=submit]`)
			if got := eval[string](helper, `document.getElementById("call").getAttribute("data-role")`); got != "helper" {
				helper.errorf(`#call[data-role=%q], want "helper"`, got)
			}
			if helper.Has(`form[action*="/invite"]`) {
				helper.errorf("a helper is offered to invite another helper")
			}
			cameraOn(helper)
			if got, ok := roomHolds(callID, "helper", "officer", "resident"); !ok {
				helper.errorf("the server's room holds %v, want helper, officer and resident", got)
			}
		}},
		step{"each decodes video from both others", func() {
			decodesFrom(resident, "officer", "helper")
			decodesFrom(officer, "resident", "helper")
			decodesFrom(helper, "resident", "officer")
		}},
		step{"the helper writes in the chat and the others read it", func() {
			const line = "Saya anaknya, saya bantu menerjemahkan. 通訳します。"
			openMore(helper)
			helper.Fill("#chat-text", line)
			tap(helper, "#chat-form button[type=submit]")
			// The others see it without doing anything: on the walk-in's
			// phone, where "more" starts closed, too (innerText is only
			// what is shown).
			for _, p := range []*Page{resident, officer, helper} {
				if got, ok := waitText(p, "#chat-log", callWait, func(s string) bool { return strings.Contains(s, line) }); !ok {
					p.errorf("#chat-log shows %q %s after the helper sent %q (its text, shown or not: %q); #call-status reads %q",
						got, callWait, line, eval[string](p, `document.getElementById("chat-log").textContent`), p.Text("#call-status"))
				}
			}
			if got := helper.Value("#chat-text"); got != "" {
				helper.errorf("#chat-text still holds %q after sending", got)
			}
		}},
		step{"the officer goes audio-only and the others see the camera is off", func() {
			officer.Require("details.more[open] #btn-audio-only", "the officer's more section, open: audio-only")
			tap(officer, "#btn-audio-only")
			if got := eval[string](officer, `document.getElementById("btn-audio-only").getAttribute("aria-pressed")`); got != "true" {
				officer.errorf(`#btn-audio-only[aria-pressed=%q] after pressing it, want "true"`, got)
			}
			if s, ok, err := poll(officer, callWait, fullStatsJS, sendsCamera(2, false)); !ok {
				officer.errorf("the officer's page still sends its camera in audio-only mode: %+v (error: %v)", s, err)
			}
			for _, p := range []*Page{resident, helper} {
				lang := p.Lang()
				want := nocamText[lang]
				if got := eval[string](p, `document.getElementById("call").getAttribute("data-t-nocam")`); got != want {
					p.errorf("#call[data-t-nocam=%q] in %s, want the catalog's call.peer.nocam %q", got, lang, want)
				}
				s, err := run(p, chromedp.Evaluate[*fullStats](fullStatsJS, chromedp.EvalAwaitPromise))
				o := s.of("officer")
				if o == nil {
					p.fatalf("no officer among %+v (error: %v)", s, err)
				}
				caption := `(() => { const v = document.querySelector('#remotes video[data-peer="` + o.ID + `"]'); return v ? v.closest("figure").querySelector("figcaption").innerText : ""; })()`
				if got, ok, err := poll(p, callWait, caption, func(c string) bool { return strings.Contains(c, want) }); !ok {
					p.errorf("the officer's tile is captioned %q %s after the officer went audio-only, want it to say %q (error: %v)", got, callWait, want, err)
				}
			}
		}},
		step{"the officer's camera comes back", func() {
			before := map[*Page]float64{}
			for _, p := range []*Page{resident, helper} {
				s, err := run(p, chromedp.Evaluate[*fullStats](fullStatsJS, chromedp.EvalAwaitPromise))
				if o := s.of("officer"); o != nil {
					before[p] = o.FramesDecoded
				} else {
					p.fatalf("no officer among %+v (error: %v)", s, err)
				}
			}
			tap(officer, "#btn-audio-only")
			if got := eval[string](officer, `document.getElementById("btn-audio-only").getAttribute("aria-pressed")`); got != "false" {
				officer.errorf(`#btn-audio-only[aria-pressed=%q] after pressing it again, want "false"`, got)
			}
			if s, ok, err := poll(officer, callWait, fullStatsJS, sendsCamera(2, true)); !ok {
				officer.errorf("the officer's page does not send its camera again after audio-only is turned off: %+v (error: %v)", s, err)
			}
			for _, p := range []*Page{resident, helper} {
				// Some 30 frames, a second of the fake camera, past what
				// came before the officer went audio-only.
				if s, ok, err := poll(p, callWait, fullStatsJS, func(s *fullStats) bool {
					o := s.of("officer")
					return o != nil && o.FramesDecoded >= before[p]+30
				}); !ok {
					p.errorf("the officer's video does not come back after audio-only is turned off: %+v, %g frames before (error: %v)", s, before[p], err)
				}
				nocam := nocamText[p.Lang()]
				if got, ok := waitText(p, "#remotes", callWait, func(s string) bool { return !strings.Contains(s, nocam) }); !ok {
					p.errorf("a tile still says %q after the officer's camera came back: %q", nocam, got)
				}
			}
		}},
		step{"the walk-in turns on low-data mode", func() {
			openMore(resident)
			tap(resident, "#btn-low")
			if got := eval[string](resident, `document.getElementById("btn-low").getAttribute("aria-pressed")`); got != "true" {
				resident.errorf(`#btn-low[aria-pressed=%q] after pressing it, want "true"`, got)
			}
			s, ok, err := poll(resident, callWait, fullStatsJS, func(s *fullStats) bool {
				return s != nil && len(s.Each) == 2 && !slices.ContainsFunc(s.Each, func(e peerStats) bool { return e.MaxBitrate == 0 || e.MaxBitrate > 150000 })
			})
			if !ok {
				resident.errorf("the video sent to the officer and the helper is not held to 150 kbit/s in low-data mode: %+v (error: %v)", s, err)
			}
			resident.checkTargets()
			resident.checkReflow()
		}},
		step{"the officer ends the call", func() {
			endCall(officer, callID)
		}},
	)
	if t.Failed() {
		t.Logf("call %s, ticket %s", callID, ticketID)
	}
}

func TestCallReconnects(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	resident := openPage(t, phone, append([]pageOption{withAcceptLanguage("id")}, mediaFlags...)...)
	officer := openPage(t, desktop, append([]pageOption{withAcceptLanguage("en")}, mediaFlags...)...)
	banyuwangiDeskMu.Lock()
	defer banyuwangiDeskMu.Unlock()

	callID, ticketID := walkInCall(resident, officer)
	// drop loses the walk-in's socket (call.js's serambiCallDrop) and
	// checks the call comes back by itself, on both sides.
	drop := func(unnoticed bool) {
		officer.t.Helper()
		before := decodesFrom(officer, "resident")
		decodesFrom(resident, "officer")
		old := before.of("resident").ID
		eval[chromedp.Void](resident, `window.serambiTestMark = true`)
		type dropped struct {
			Status string `json:"status"`
			Want   string `json:"want"`
			Tiles  int    `json:"tiles"`
			Hooked bool   `json:"hooked"`
		}
		d := eval[dropped](resident, `(() => {
			const hooked = typeof window.serambiCallDrop === "function";
			if (hooked) window.serambiCallDrop(`+fmt.Sprint(unnoticed)+`);
			return {
				hooked,
				status: document.getElementById("call-status").textContent,
				want: document.getElementById("call").getAttribute("data-t-reconnecting"),
				tiles: document.querySelectorAll("#remotes figure.remote").length,
			};
		})()`)
		if !d.Hooked {
			resident.fatalf("call.js has no window.serambiCallDrop to drop the socket with")
		}
		if d.Status != d.Want || d.Want == "" {
			resident.errorf("#call-status reads %q when the socket drops, want %q (call.status.reconnecting)", d.Status, d.Want)
		}
		if d.Tiles != 0 {
			resident.errorf("%d remote tiles left when the socket dropped; the connections are closed and rebuilt", d.Tiles)
		}
		// The officer's page gets the walk-in back as a new person in the
		// room, and only them: one tile, not the old and the new.
		const tiles = `[...document.querySelectorAll("#remotes video[data-peer]")].map(v => v.getAttribute("data-peer"))`
		if got, ok, err := poll(officer, callWait, tiles, func(ids []string) bool { return len(ids) == 1 && ids[0] != old }); !ok {
			officer.fatalf("the officer's remote tiles are %q %s after the walk-in's socket dropped, want one, for the walk-in's new connection (not %s) (error: %v)",
				got, callWait, old, err)
		}
		after := decodesFrom(officer, "resident")
		if id := after.of("resident").ID; id == old {
			officer.errorf("the officer still decodes the walk-in's old connection %s", old)
		}
		decodesFrom(resident, "officer")
		if n := officer.Count("#remotes figure.remote"); n != 1 {
			officer.errorf("%d remote tiles on the officer's page after the reconnect, want 1", n)
		}
		if !eval[bool](resident, `window.serambiTestMark === true`) {
			resident.errorf("the walk-in's page was reloaded; it must reconnect by itself")
		}
		if got, ok := roomHolds(callID, "officer", "resident"); !ok {
			officer.errorf("the server's room holds %v after the reconnect, want officer and resident", got)
		}
	}
	journey(t, []*Page{resident, officer},
		step{"the walk-in's network drops and the server hears of it", func() {
			drop(false)
		}},
		step{"the officer turns on low-data mode", func() {
			tap(officer, "#btn-low")
			if s, ok, err := poll(officer, callWait, fullStatsJS, func(s *fullStats) bool {
				r := s.of("resident")
				return r != nil && r.MaxBitrate > 0 && r.MaxBitrate <= 150000
			}); !ok {
				officer.errorf("low-data mode does not hold the officer's video to 150 kbit/s: %+v (error: %v)", s, err)
			}
		}},
		step{"the walk-in's network drops without a word to the server", func() {
			drop(true)
			// The officer answered the walk-in's new offer: low-data mode
			// holds on the new connection too.
			if s, ok, err := poll(officer, callWait, fullStatsJS, func(s *fullStats) bool {
				r := s.of("resident")
				return r != nil && r.MaxBitrate > 0 && r.MaxBitrate <= 150000
			}); !ok {
				officer.errorf("after the reconnect the officer's video to the walk-in is not held to 150 kbit/s in low-data mode: %+v (error: %v)", s, err)
			}
		}},
		step{"the officer ends the call", func() {
			endCall(officer, callID)
		}},
	)
	if t.Failed() {
		t.Logf("call %s, ticket %s", callID, ticketID)
	}
}
