package e2e

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The remote-counter journey: a resident books a time at a counter and
// cancels it, takes a queue number, and an officer calls it from the desk
// while the resident's ticket page follows along live (Server-Sent Events).

// counterMu serialises the journey across the viewports: both sign in as
// the same resident and use the same counter's appointments and queue, so
// that in parallel one viewport's officer could call the other's ticket.
var counterMu sync.Mutex

var (
	ticketPathPattern  = regexp.MustCompile(`^/fukuoka/tickets/([^/?#]+)$`)
	ticketLabelPattern = regexp.MustCompile(`^P-\d{3}$`)
	anyLabelPattern    = regexp.MustCompile(`[A-Z]+-\d+`)
	// ticket.next or ticket.ahead in Japanese.
	ticketWaitingPattern = regexp.MustCompile(`次はあなたの番です|あなたの前に\d+人います`)
)

const (
	kokuho       = "国民健康保険"
	ticketCalled = "あなたの番です。職員がお呼びしています。" // ticket.called
	ticketDone   = "この整理券の受付は終わりました。"     // ticket.done
)

// waitText polls the rendered text of sel until ok accepts it or the time
// is up, and returns the last text read.
func waitText(p *Page, sel string, within time.Duration, ok func(string) bool) (string, bool) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := strings.TrimSpace(p.Text(sel))
		if ok(got) {
			return got, true
		}
		if time.Now().After(deadline) {
			return got, false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cancelledCards counts the appointment cards whose status is 取り消し.
func cancelledCards(p *Page) int {
	p.t.Helper()
	return eval[int](p, `[...document.querySelectorAll("#main li.card")].filter(c => [...c.querySelectorAll("p")].some(e => e.innerText.includes("取り消し"))).length`)
}

func TestCounterBookAndQueue(t *testing.T) {
	eachViewport(t, func(t *testing.T, resident *Page) {
		officer := secondPerson(t, resident)
		counterMu.Lock()
		defer counterMu.Unlock()
		var counterPath, ticketID, label string
		journey(t, []*Page{resident, officer},
			step{"resident opens the counters", func() {
				signIn(resident, "resident@fukuoka.demo", "/fukuoka/counters")
				href := eval[string](resident, `(() => {
					const a = [...document.querySelectorAll('#main a[href^="/fukuoka/counters/"]')].find(a => a.innerText.includes(`+jsString(kokuho)+`));
					return a ? a.getAttribute("href") : "";
				})()`)
				if href == "" {
					resident.fatalf(`no link a[href^="/fukuoka/counters/"] reads %s; links: %q`, kokuho, short(resident.Text("#main ul")))
				}
				if n := resident.Count(`#main a[href^="/fukuoka/counters/"]`); n != 2 {
					resident.errorf("%d counter links, want the 2 demo counters (住民記録, 国民健康保険)", n)
				}
				resident.Click(`#main a[href="` + href + `"]`)
				if resident.URLPath() != href {
					resident.fatalf("the %s link led to %s, want %s", kokuho, resident.Path(), href)
				}
				counterPath = href
				if h := resident.Text("h1"); !strings.Contains(h, kokuho) {
					resident.errorf("h1 is %q, want %s", h, kokuho)
				}
				resident.Require(`form[action$="/tickets"]`, `counter page: "take a number" form`)
				resident.Require(`form[action$="/tickets"] #priority-none`, "take a number: no priority")
				resident.Require(`form[action$="/tickets"] #priority-elderly`, "take a number: elderly")
				resident.Require(`form[action$="/tickets"] button[type=submit]`, "take a number: submit button")
				if !isChecked(resident, "#priority-none") {
					resident.errorf("#priority-none is not chosen by default")
				}
			}},
			step{"resident books a time and cancels it", func() {
				if !resident.Has("ul.slots button") {
					resident.t.Logf("%s: booking skipped: no free time this week (ul.slots button matches nothing; the page says %q; now %s)",
						resident.where(), short(resident.Text("#main .empty")), time.Now().Format(time.RFC1123Z))
					return
				}
				slot := strings.TrimSpace(strings.Fields(resident.Text("ul.slots button") + " ")[0])
				resident.Click("ul.slots button")
				if resident.URLPath() != "/fukuoka/appointments" {
					resident.fatalf("booking %s led to %s, want /fukuoka/appointments; errors: %q", slot, resident.Path(), short(resident.Text(".error-summary")))
				}
				card := `#main li.card:has(form[action$="/cancel"])`
				if n := resident.Count(card); n != 1 {
					resident.fatalf("%d appointment cards with a cancel form after booking, want 1", n)
				}
				text := resident.Text(card)
				// The card writes the time as dates are written ("9:00"), the
				// button as a clock face ("09:00").
				for _, want := range []string{kokuho, "予約済み", strings.TrimPrefix(slot, "0")} {
					if !strings.Contains(text, want) {
						resident.errorf("the booked appointment's card does not show %q: %q", want, short(text))
					}
				}
				resident.Expect(card+` a[href$="/calendar.ics"]`, "booked appointment: calendar link")
				before := cancelledCards(resident)
				resident.Click(card + ` form[action$="/cancel"] button[type=submit]`)
				if resident.URLPath() != "/fukuoka/appointments" {
					resident.fatalf("cancelling led to %s, want /fukuoka/appointments", resident.Path())
				}
				if resident.Has(`#main form[action$="/cancel"]`) {
					resident.errorf("a cancel form is still on the page after cancelling: %q", short(resident.Text(card)))
				}
				if after := cancelledCards(resident); after != before+1 {
					resident.errorf("%d cards read 取り消し after cancelling, want %d; page: %q", after, before+1, short(resident.Text("#main")))
				}
			}},
			step{"resident takes a number", func() {
				if resident.URLPath() != counterPath {
					resident.Visit(counterPath)
				}
				choose(resident, "#priority-elderly")
				resident.Click(`form[action$="/tickets"] button[type=submit]`)
				m := ticketPathPattern.FindStringSubmatch(resident.URLPath())
				if m == nil {
					resident.fatalf("taking a number led to %s, want /fukuoka/tickets/{id}; errors: %q", resident.Path(), short(resident.Text(".error-summary")))
				}
				ticketID = m[1]
				// The label follows a visually hidden "整理番号: ".
				text := resident.Text(".ticket-label")
				label = anyLabelPattern.FindString(text)
				if !ticketLabelPattern.MatchString(label) {
					resident.errorf(".ticket-label reads %q, want P- and 3 digits", text)
				}
				if st := resident.Text("#ticket-status"); !ticketWaitingPattern.MatchString(st) {
					resident.errorf("#ticket-status reads %q, want that the resident is next or how many are ahead", short(st))
				}
				resident.Expect(`script[src^="/static/v/queue."]`, "ticket page: the live-update script")
			}},
			step{"officer calls the next number", func() {
				deskOfficer(officer, "fukuoka")
				action := eval[string](officer, `(() => {
					const s = [...document.querySelectorAll("#main section")].find(s => {
						const h = s.querySelector("h2");
						return h && h.innerText.includes(`+jsString(kokuho)+`);
					});
					const f = s && s.querySelector('form[action$="/call-next"]');
					return f ? f.getAttribute("action") : "";
				})()`)
				if want := counterPath + "/call-next"; action != want {
					officer.fatalf(`the desk section headed %s has call-next form action %q, want %q`, kokuho, action, want)
				}
				officer.Click(`#main form[action="` + action + `"] button[type=submit]`)
				if officer.URLPath() != "/fukuoka/desk" {
					officer.fatalf("call-next led to %s, want /fukuoka/desk", officer.Path())
				}
				finish := `#main form[action="/fukuoka/tickets/` + ticketID + `/finish"] button[type=submit]`
				if !officer.Has(finish) {
					officer.fatalf("the desk shows no finish button for the resident's ticket %s (%s); called: %q", label, ticketID, short(officer.Text("#main .called")))
				}
			}},
			step{"the ticket page says it is the resident's turn", func() {
				got, ok := waitText(resident, "#ticket-status", 10*time.Second, func(s string) bool { return s == ticketCalled })
				if !ok {
					resident.fatalf("#ticket-status still reads %q 10 s after the officer called %s, want %q", got, label, ticketCalled)
				}
				resident.Audit()
			}},
			step{"officer finishes", func() {
				officer.Click(`#main form[action="/fukuoka/tickets/` + ticketID + `/finish"] button[type=submit]`)
				if officer.URLPath() != "/fukuoka/desk" {
					officer.fatalf("finish led to %s, want /fukuoka/desk", officer.Path())
				}
				if officer.Has(`#main form[action^="/fukuoka/tickets/` + ticketID + `/"]`) {
					officer.errorf("the desk still offers actions for ticket %s after finishing it", label)
				}
				if got, ok := waitText(resident, "#ticket-status", 10*time.Second, func(s string) bool { return s == ticketDone }); !ok {
					resident.errorf("#ticket-status reads %q 10 s after the officer finished %s, want %q", got, label, ticketDone)
				}
			}},
		)
	})
}
