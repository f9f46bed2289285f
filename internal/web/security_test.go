package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/serambi/serambi/internal/app"
)

// TestRedirectsStayOnTheSite: the trial's open redirect, through sign-in and
// the preferences form, now lands on the site's own fallback.
func TestRedirectsStayOnTheSite(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	for _, evil := range []string{"/\t/evil.example", "/\\evil.example", "//evil.example", "https://evil.example/"} {
		b := s.browser(t)
		a := b.post("/signin", url.Values{"login": {"resident@fukuoka.demo"}, "password": {app.DemoPassword}, "next": {evil}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d", a.status)
		}
		if loc := a.header.Get("Location"); loc == evil || loc[0] != '/' || (len(loc) > 1 && (loc[1] == '/' || loc[1] == '\\' || loc[1] == '\t')) {
			t.Errorf("sign-in with next=%q redirects to %q", evil, loc)
		}
		a = b.post("/prefs", url.Values{"text": {"large"}, "back": {evil}})
		if loc := a.header.Get("Location"); loc != "/" {
			t.Errorf("prefs with back=%q redirects to %q, want /", evil, loc)
		}
	}
}
