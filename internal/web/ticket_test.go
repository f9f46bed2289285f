package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
)

// fukuokaCounter is the first active counter of Fukuoka.
func fukuokaCounter(t *testing.T, s *site) string {
	t.Helper()
	ten, err := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.app.Counters.List(t.Context(), ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("counters: %v %v", cs, err)
	}
	return string(cs[0].ID)
}

func takeTicket(t *testing.T, b *browser, counterID ids.Counter) string {
	t.Helper()
	r := b.post(string("/fukuoka/counters/"+counterID+"/tickets"), nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("take: %d", r.status)
	}
	return r.header.Get("Location")
}

// TestTicketPageOnAClosedCounter: a number taken on a Saturday does not
// promise "about 10 minutes"; it says when the counter opens.
func TestTicketPageOnAClosedCounter(t *testing.T) {
	t.Parallel()
	saturday := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC) // 10:00 JST
	s := startSiteWith(t, false, []app.Option{app.WithClock(clock.NewFixed(saturday))})
	b := s.browser(t)
	page := b.get(takeTicket(t, b, ids.Counter(fukuokaCounter(t, s))) + "?lang=en")
	mustContain(t, page, "This counter is closed now. It opens again on 7 December 2026, 09:00 JST.")
	mustContain(t, b.get("/fukuoka/counters/"+fukuokaCounter(t, s)+"?lang=en"), "If you take a number now, it will be called after the counter opens.")
	if strings.Contains(page.body, "minute") {
		t.Error("a closed counter's ticket still gives a wait in minutes")
	}
}

// TestTicketWordingAndGivingUp: counts read right ("1 person"), the one
// at the front is told they are next without "about 0 minutes", and a web
// visitor can give up their number after saying yes.
func TestTicketWordingAndGivingUp(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 10:00 JST
	s := startSiteWith(t, false, []app.Option{app.WithClock(clock.NewFixed(monday))})
	counterID := fukuokaCounter(t, s)
	first, second := s.browser(t), s.browser(t)
	firstLoc, secondLoc := takeTicket(t, first, ids.Counter(counterID)), takeTicket(t, second, ids.Counter(counterID))

	front := first.get(firstLoc + "?lang=en")
	mustContain(t, front, "You are next", "You will be called in a moment.", "Give up my number")
	if strings.Contains(front.body, "about 0 minute") {
		t.Error(`the front of the line reads "about 0 minutes"`)
	}
	mustContain(t, second.get(secondLoc+"?lang=en"), "1 person ahead of you.")

	ask := first.post(firstLoc+"/cancel", url.Values{})
	if ask.status != http.StatusOK {
		t.Fatalf("give up, first press: %d", ask.status)
	}
	mustContain(t, ask, "Give up your number?", `name="confirm" value="yes"`)
	mustContain(t, second.get(secondLoc+"?lang=en"), "1 person ahead of you.") // nothing changed yet
	yes := first.post(firstLoc+"/cancel", url.Values{"confirm": {"yes"}})
	if yes.status != http.StatusSeeOther || !strings.Contains(yes.header.Get("Location"), "done=ticket_cancelled") {
		t.Fatalf("give up, yes: %d %q", yes.status, yes.header.Get("Location"))
	}
	mustContain(t, first.get(yes.header.Get("Location")), "You gave up your number")
	mustContain(t, second.get(secondLoc+"?lang=en"), "You are next")
}

// TestTicketPageSaysHowItUpdates: the page promises to update itself only
// where its script runs; without JavaScript it says to press Refresh.
func TestTicketPageSaysHowItUpdates(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	page := b.get(takeTicket(t, b, ids.Counter(fukuokaCounter(t, s))) + "?lang=en")
	mustContain(t, page, `<p id="ticket-keep" hidden>`, "<noscript><p>Keep this page. Press “Refresh”")
}

// TestDeskLine: the officer's desk lists who waits — number, priority,
// how long, and whether they have an appointment today — not just a count.
func TestDeskLine(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)) // Monday 10:00 JST
	s := startSiteWith(t, false, []app.Option{app.WithClock(clk)})
	counterID := fukuokaCounter(t, s)
	walkIn := s.browser(t)
	takeTicket(t, walkIn, ids.Counter(counterID))
	clk.Advance(12 * time.Minute)

	ctx := t.Context()
	ten, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	u, _ := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	now := clk.Now()
	slots, err := s.app.Counters.Slots(ctx, ten, ids.Counter(counterID), now, now.Add(8*time.Hour))
	if err != nil || len(slots) == 0 {
		t.Fatalf("no slots today: %v", err)
	}
	if _, err := s.app.Counters.Book(ctx, audit.Actor{ID: u.ID, Label: "resident"}, ten, ids.Counter(counterID), u.ID, slots[0].Start, ""); err != nil {
		t.Fatal(err)
	}
	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	takeTicket(t, resident, ids.Counter(counterID))

	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	desk := officer.get("/fukuoka/desk?lang=en")
	mustContain(t, desk, "2 people waiting.",
		`<tr><th scope="row">A-001</th>`, "<td>Regular</td>", "<td>12 min</td>", "<td>Walk-in (website)</td>",
		`<tr><th scope="row">A-002</th>`, "<td>just now</td>",
		"<td>Appointment at "+locale.Clock("en", slots[0].Start, ten.Location())+"</td>")
}

// TestClosedCounterRefusesNumbers: a tenant that does not queue people
// while closed (the default for a new one) gives no number on a Saturday,
// and says when to come back, on the page, the kiosk path and the API.
func TestClosedCounterRefusesNumbers(t *testing.T) {
	t.Parallel()
	saturday := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC) // 10:00 JST
	s := startSiteWith(t, false, []app.Option{app.WithClock(clock.NewFixed(saturday))})
	ctx := t.Context()
	ten, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	in := tenant.Input{NameID: ten.NameID, NameJA: ten.NameJA, NameEN: ten.NameEN, DefaultLang: ten.DefaultLang,
		ContactEmail: ten.ContactEmail, ContactPhone: ten.ContactPhone, Address: ten.Address, BrandColor: ten.BrandColor,
		AskCivilID: ten.AskCivilID, TrackingPrefix: ten.TrackingPrefix, QueueWhileClosed: false}
	if _, err := s.app.Tenants.Update(ctx, audit.System, "fukuoka", in); err != nil {
		t.Fatal(err)
	}
	counterID := fukuokaCounter(t, s)
	b := s.browser(t)
	page := b.get("/fukuoka/counters/" + counterID + "?lang=en")
	mustContain(t, page, "This counter is closed now, so no numbers are given. It opens again on 7 December 2026, 09:00 JST")
	mustNotContain(t, page, `action="/fukuoka/counters/`+counterID+`/tickets"`)
	r := b.post("/fukuoka/counters/"+counterID+"/tickets?lang=en", nil)
	if r.status != http.StatusConflict {
		t.Fatalf("take while closed: %d", r.status)
	}
	mustContain(t, r, "It opens again on 7 December 2026, 09:00 JST")
	api := b.do("POST", "/api/v1/t/fukuoka/counters/"+counterID+"/tickets", strings.NewReader(`{}`), "application/json")
	if api.status != http.StatusConflict {
		t.Fatalf("API take while closed: %d %s", api.status, api.body)
	}
	mustContain(t, api, `"closed_now"`)
	if waiting, _ := s.app.Queue.Waiting(ctx, ten.ID, ids.Counter(counterID)); len(waiting) != 0 {
		t.Fatalf("%d numbers given while closed", len(waiting))
	}
}
