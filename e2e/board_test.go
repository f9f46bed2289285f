package e2e

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// The display board on a hall's screen, /{tenant}/board/{counter}: a
// walk-in takes a number on their phone, an officer calls it at the desk,
// and the board, loaded once and never reloaded, shows the number large
// enough to read across the room and the count of people waiting, live
// (Server-Sent Events); with the sound on it also says the number aloud.
// The journey uses banyuwangi's BPJS counter, whose queue no other test
// touches (the call tests use ADMINDUK), so the number called is ours; it
// shares the officer's desk with those tests (banyuwangiDeskMu).

const (
	boardTenant  = "banyuwangi"
	boardCounter = "Jaminan Kesehatan" // BPJS, in Indonesian
)

// minBoardFont is the least font size, in CSS px, of the called number on
// a 1280 px wide screen: some 5 cm high on a hall's TV, read from across
// the room (the page asks for 12rem there).
const minBoardFont = 64

// boardView is what the board shows.
type boardView struct {
	Calling string   `json:"calling"`
	Waiting string   `json:"waiting"`
	Recent  []string `json:"recent"`
	Font    float64  `json:"font"`
	Shown   bool     `json:"shown"`
	Marker  bool     `json:"marker"` // set by the test after loading: gone after a reload
}

const boardViewJS = `(() => {
	const c = document.getElementById("board-calling");
	const r = c.getBoundingClientRect();
	return {
		calling: c.innerText.trim(),
		waiting: document.getElementById("board-waiting").innerText.trim(),
		recent: [...document.querySelectorAll("#board-recent li")].map(l => l.innerText.trim()),
		font: parseFloat(getComputedStyle(c).fontSize),
		shown: r.width > 0 && r.height > 0 && r.top < innerHeight,
		marker: window.serambiBoardTest === true,
	};
})()`

// consoleProblems collects the page's uncaught exceptions and console
// errors from now on, for the test to check when it likes.
type consoleProblems struct {
	mu   sync.Mutex
	list []string
}

func watchConsole(t *testing.T, p *Page) *consoleProblems {
	t.Helper()
	ctx, cancel := context.WithCancel(p.ctx)
	t.Cleanup(cancel)
	msgs := chromedp.Console(ctx)
	cp := &consoleProblems{}
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				cp.mu.Lock()
				cp.list = append(cp.list, m.String()+" at "+m.URL+":"+strconv.FormatInt(m.Line+1, 10))
				cp.mu.Unlock()
			}
		}
	}()
	return cp
}

func (cp *consoleProblems) all() []string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return append([]string(nil), cp.list...)
}

func TestDisplayBoard(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	// The hall's screen and the walk-in's phone are set to Indonesian.
	board := openPage(t, desktop, withAcceptLanguage("id"))
	problems := watchConsole(t, board)
	officer := secondPerson(t, board)
	walkIn := openPage(t, phone, withAcceptLanguage("id"))
	banyuwangiDeskMu.Lock()
	defer banyuwangiDeskMu.Unlock()

	var counterID, ticketID, label string
	view := func(p *Page, what string, ok func(boardView) bool) boardView {
		p.t.Helper()
		v, good, err := poll(p, callWait, boardViewJS, ok)
		if !good {
			p.fatalf("%s: not within %s; the board shows %+v (error: %v)", what, callWait, v, err)
		}
		if !v.Marker {
			p.fatalf("%s: the board was reloaded (the test's mark on window is gone); it must follow the queue live", what)
		}
		return v
	}
	var before boardView
	journey(t, []*Page{board, officer, walkIn},
		step{"the officer empties the queue the earlier runs left", func() {
			walkIn.Visit("/" + boardTenant + "/counters")
			href := eval[string](walkIn, `(() => {
				const a = [...document.querySelectorAll('#main a[href^="/`+boardTenant+`/counters/"]')].find(a => a.innerText.includes(`+jsString(boardCounter)+`));
				return a ? a.getAttribute("href") : "";
			})()`)
			if href == "" {
				walkIn.fatalf("no counter link reads %s", boardCounter)
			}
			counterID = strings.TrimPrefix(href, "/"+boardTenant+"/counters/")
			deskOfficer(officer, boardTenant)
			next := `#main form[action="/` + boardTenant + `/counters/` + counterID + `/call-next"] button[type=submit]`
			officer.Require(next, "desk: call-next for "+boardCounter)
			// A fresh server's queue is empty; a second run of the test
			// (-count=2) finds what the first left, and calls it away.
			for i := 0; ; i++ {
				finishOwnCalled(officer) // one number at a time
				officer.Click(next)
				if strings.Contains(officer.Path(), "done=queue_empty") {
					break
				}
				if i == 20 {
					officer.fatalf("the queue at %s is not empty after 20 calls", boardCounter)
				}
			}
			if l := officer.Text(`a[href="/` + boardTenant + `/board/` + counterID + `"]`); l == "" {
				officer.errorf("the desk does not link to the counter's board /%s/board/%s", boardTenant, counterID)
			}
		}},
		step{"the board loads, and the sound is turned on", func() {
			board.Visit("/" + boardTenant + "/board/" + counterID)
			eval[chromedp.Void](board, `window.serambiBoardTest = true`)
			before = view(board, "the board after loading", func(v boardView) bool { return true })
			if before.Waiting != "0" {
				board.errorf("#board-waiting reads %q with the queue empty, want 0", before.Waiting)
			}
			// The number is spoken with the browser's speech synthesis;
			// the test listens in to know it was asked to, and what.
			eval[chromedp.Void](board, `(() => {
				window.serambiSpoken = [];
				if (!window.speechSynthesis) return;
				const speak = speechSynthesis.speak.bind(speechSynthesis);
				speechSynthesis.speak = u => { window.serambiSpoken.push({text: u.text, lang: u.lang}); speak(u); };
			})()`)
			board.Require("#board-sound", "board: the sound-on button for the hall's staff")
			tap(board, "#board-sound")
			waitTrue(board, "#board-sound hides once the sound is on", `document.getElementById("board-sound").hidden`)
		}},
		step{"a walk-in takes a number and the board counts them", func() {
			walkIn.Click(`#main a[href="/` + boardTenant + `/counters/` + counterID + `"]`)
			walkIn.Click(`form[action$="/tickets"] button[type=submit]`)
			if !strings.HasPrefix(walkIn.URLPath(), "/"+boardTenant+"/tickets/") {
				walkIn.fatalf("taking a number led to %s, want /%s/tickets/{id}; errors: %q", walkIn.Path(), boardTenant, short(walkIn.Text(".error-summary")))
			}
			ticketID = strings.TrimPrefix(walkIn.URLPath(), "/"+boardTenant+"/tickets/")
			label = anyLabelPattern.FindString(walkIn.Text(".ticket-label"))
			if label == "" {
				walkIn.fatalf("the ticket page shows no number: .ticket-label reads %q", walkIn.Text(".ticket-label"))
			}
			view(board, "#board-waiting counts the walk-in (1)", func(v boardView) bool { return v.Waiting == "1" })
		}},
		step{"the officer calls the number and the board shows it, large", func() {
			officer.Click(`#main form[action="/` + boardTenant + `/counters/` + counterID + `/call-next"] button[type=submit]`)
			if !officer.Has(`#main form[action="/` + boardTenant + `/tickets/` + ticketID + `/finish"]`) {
				officer.fatalf("call-next did not call the walk-in's ticket %s (%s); called: %q", ticketID, label, short(officer.Text("#main .called")))
			}
			v := view(board, "#board-calling shows "+label+" and #board-waiting 0",
				func(v boardView) bool { return v.Calling == label && v.Waiting == "0" })
			if v.Font < minBoardFont {
				board.errorf("the called number %s is set in %gpx, want at least %dpx to be read across a hall", label, v.Font, minBoardFont)
			}
			if !v.Shown {
				board.errorf("the called number is not on the first screen of the board")
			}
			board.mustSee("#board-calling")
			board.Audit()
		}},
		step{"the board says the number aloud, without errors", func() {
			if !eval[bool](board, `!!window.speechSynthesis`) {
				board.logf("no speech synthesis in this browser; the spoken number is not checked")
			} else {
				type spoken struct{ Text, Lang string }
				got, ok, err := poll(board, callWait, `window.serambiSpoken`, func(s []spoken) bool { return len(s) > 0 })
				if !ok {
					board.errorf("the board did not say %s aloud within %s after it was called (error: %v)", label, callWait, err)
				} else {
					// Spelled out, "A-001" is "A 0 0 1" (board.js).
					spelled := strings.Join(strings.Split(strings.Replace(label, "-", " ", 1), ""), " ")
					if len(got) != 1 || !strings.Contains(got[0].Text, spelled) || got[0].Lang != "id-ID" {
						board.errorf("the board said %+v, want once, in id-ID, with the number spelled %q", got, spelled)
					}
				}
			}
			if ps := problems.all(); len(ps) > 0 {
				board.errorf("the board page logged %d errors:\n\t%s", len(ps), strings.Join(ps, "\n\t"))
			}
		}},
		step{"'call again' makes the board say the number once more", func() {
			if !eval[bool](board, `!!window.speechSynthesis`) {
				return // logged above
			}
			officer.Click(`#main form[action="/` + boardTenant + `/tickets/` + ticketID + `/call-again"] button[type=submit]`)
			type spoken struct{ Text, Lang string }
			if got, ok, err := poll(board, callWait, `window.serambiSpoken`, func(s []spoken) bool { return len(s) >= 2 }); !ok {
				board.errorf("after 'call again' the board said %+v, want %s a second time (error: %v)", got, label, err)
			}
		}},
		step{"the officer finishes and the board lists the number as called before", func() {
			officer.Click(`#main form[action="/` + boardTenant + `/tickets/` + ticketID + `/finish"] button[type=submit]`)
			v := view(board, "#board-calling empties and #board-recent lists "+label, func(v boardView) bool {
				return v.Calling == "—" && len(v.Recent) > 0 && v.Recent[0] == label
			})
			if v.Waiting != "0" {
				board.errorf("#board-waiting reads %q with nobody waiting", v.Waiting)
			}
			if ps := problems.all(); len(ps) > 0 {
				board.errorf("the board page logged %d errors:\n\t%s", len(ps), strings.Join(ps, "\n\t"))
			}
		}},
		step{"a busy morning: the board counts everyone waiting, past the six it lists next", func() {
			// Seven more people take a number (the walk-in's page posts the
			// counter's form for each, as their phones would).
			const more = 7
			n, err := run(walkIn, chromedp.Evaluate[int](`(async () => {
				const url = "/`+boardTenant+`/counters/`+counterID+`/tickets";
				let ok = 0;
				for (let i = 0; i < `+strconv.Itoa(more)+`; i++) {
					const body = new URLSearchParams({priority: ""});
					const r = await fetch(url, {method: "POST", body, credentials: "omit"});
					if (r.ok) ok++;
				}
				return ok;
			})()`, chromedp.EvalAwaitPromise))
			if err != nil || n != more {
				walkIn.fatalf("%d of %d numbers taken (error: %v)", n, more, err)
			}
			view(board, "#board-waiting counts all "+strconv.Itoa(more)+" waiting", func(v boardView) bool { return v.Waiting == strconv.Itoa(more) })
		}},
	)
	if t.Failed() {
		t.Logf("counter %s, ticket %s %s", counterID, ticketID, label)
	}
}
