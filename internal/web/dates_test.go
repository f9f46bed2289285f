package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/clock"
)

// TestDatesAreInTheTenantsZone: at 23:59 UTC on 4 December it is already
// the morning of 5 December in Fukuoka. Every page a person reads (the
// official result, the verification page, public tracking, the account's
// sign-ins) must say 5 December.
func TestDatesAreInTheTenantsZone(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Date(2026, 12, 4, 23, 59, 30, 0, time.UTC))
	s := startSiteWith(t, false, []app.Option{app.WithClock(clk)})
	const today, yesterday = "2026年12月5日", "2026年12月4日"
	checkDay := func(what string, a answer) {
		t.Helper()
		if a.status != http.StatusOK {
			t.Fatalf("%s: status %d", what, a.status)
		}
		if !strings.Contains(a.body, today) || strings.Contains(a.body, yesterday) {
			t.Errorf("%s does not date the morning of 5 December JST as %s", what, today)
		}
	}

	a := approvedIn(t, s, "fukuoka", "resident@fukuoka.demo", "officer@fukuoka.demo")
	app := "/fukuoka/applications/" + a.ID
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	paper := res.get(string(app + "/result"))
	checkDay("the result document", paper)
	code := regexp.MustCompile(`/verify/([A-Z2-7]{16})`).FindStringSubmatch(paper.body)
	if code == nil {
		t.Fatal("no verification link on the paper")
	}
	checkDay("the verification page", s.browser(t).get("/verify/"+code[1]))

	if _, err := s.app.DB.ExecContext(t.Context(), "UPDATE users SET phone = ? WHERE email = ?", "09012345678", "resident@fukuoka.demo"); err != nil {
		t.Fatal(err)
	}
	track := s.browser(t).get("/track?number=" + url.QueryEscape(a.TrackingNumber) + "&check=5678")
	checkDay("public tracking", track)
	if strings.Contains(track.body, ">2026-12-04T") {
		t.Error("public tracking shows raw timestamps")
	}
	checkDay("the account page", res.get("/account"))
}
