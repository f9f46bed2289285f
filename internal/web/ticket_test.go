package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/clock"
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
	return cs[0].ID
}

func takeTicket(t *testing.T, b *browser, counterID string) string {
	t.Helper()
	r := b.post("/fukuoka/counters/"+counterID+"/tickets", nil)
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
	page := b.get(takeTicket(t, b, fukuokaCounter(t, s)) + "?lang=en")
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
	firstLoc, secondLoc := takeTicket(t, first, counterID), takeTicket(t, second, counterID)

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
	page := b.get(takeTicket(t, b, fukuokaCounter(t, s)) + "?lang=en")
	mustContain(t, page, `<p id="ticket-keep" hidden>`, "<noscript><p>Keep this page. Press “Refresh”")
}
