package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestStaffTwoStepSignIn walks a new officer through enrolment, a second
// sign-in with a one-time code, and the admin ending their sessions.
func TestStaffTwoStepSignIn(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@neyagawa.demo")
	const pw = "ねやがわ市役所の窓口"
	if a := admin.post("/neyagawa/admin/staff", url.Values{"name": {"新人"}, "email": {"shinjin@neyagawa.demo"},
		"password": {pw}, "lang": {"ja"}, "roles": {"officer"}}); a.status != http.StatusSeeOther {
		t.Fatalf("create: %d", a.status)
	}
	officer := s.browser(t)
	officer.post("/signin", url.Values{"login": {"shinjin@neyagawa.demo"}, "password": {pw}})
	page := officer.get("/account/totp")
	m := regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no secret on the enrolment page: %s", page.body)
	}
	secret := m[1]
	if a := officer.post("/account/totp", url.Values{"code": {"000000"}}); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code accepted: %d", a.status)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	if a := officer.post("/account/totp", url.Values{"code": {code}}); a.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", a.status, a.body)
	}
	if a := officer.get("/account"); a.status != 200 {
		t.Fatalf("after enrolment /account: %d", a.status)
	}
	officer.post("/signout", nil)

	// Second sign-in: the password alone is not enough.
	a := officer.post("/signin", url.Values{"login": {"shinjin@neyagawa.demo"}, "password": {pw}})
	if loc := a.header.Get("Location"); loc != "/signin/otp?next=" {
		t.Fatalf("after password: %q", loc)
	}
	if officer.get("/account").status != http.StatusSeeOther {
		t.Fatal("signed in before the one-time code")
	}
	if a := officer.post("/signin/otp", url.Values{"code": {"123456"}}); a.status != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", a.status)
	}
	// The enrolment code's step is used up (a code signs in once): the
	// app's next code, which the one-step skew accepts, signs in.
	if a := officer.post("/signin/otp", url.Values{"code": {code}}); a.status != http.StatusUnauthorized {
		t.Fatalf("the enrolment code again: %d, want 401", a.status)
	}
	code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if a := officer.post("/signin/otp", url.Values{"code": {code}}); a.status != http.StatusSeeOther {
		t.Fatalf("code: %d", a.status)
	}
	if officer.get("/account").status != 200 {
		t.Fatal("not signed in after the one-time code")
	}

	// The admin ends all of the officer's sessions.
	u, _ := s.app.Identity.ByLogin(t.Context(), "shinjin@neyagawa.demo")
	if a := admin.post(string("/neyagawa/admin/staff/"+u.ID+"/end-sessions"), nil); a.status != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", a.status)
	}
	if officer.get("/account").status != http.StatusSeeOther {
		t.Fatal("officer still signed in after the admin ended the sessions")
	}
}
