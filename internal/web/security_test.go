package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
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

// Registration is limited per address, and the form says so plainly.
func TestRegistrationIsThrottledPerAddress(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	for i := 0; i < 11; i++ {
		a := b.post("/banyuwangi/register", url.Values{"name": {"Warga"}, "email": {fmt.Sprintf("warga%d@example.id", i)},
			"password": {"kopi tubruk pagi"}, "lang": {"id"}})
		if i < 10 && a.status != http.StatusSeeOther {
			t.Fatalf("registration %d: status %d", i, a.status)
		}
		if i == 10 {
			if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "15") {
				t.Fatalf("eleventh registration from one address: status %d", a.status)
			}
		}
		b = s.browser(t) // a fresh browser each time, as a script would
	}
}

// The password form does not give unlimited guesses at the current password.
func TestPasswordChangeIsThrottled(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.signin("resident@fukuoka.demo")
	for i := 0; i < 5; i++ {
		if a := b.post("/account/password", url.Values{"current_password": {"not it"}, "new_password": {"a new long password"}}); a.status == http.StatusSeeOther {
			t.Fatalf("wrong current password accepted")
		}
	}
	a := b.post("/account/password", url.Values{"current_password": {app.DemoPassword}, "new_password": {"a new long password"}})
	if a.status == http.StatusSeeOther {
		t.Fatal("the sixth try at the current password went through")
	}
	if !strings.Contains(a.body, "15") {
		t.Errorf("the refusal does not say to wait (status %d)", a.status)
	}
}

// Signing out with a bearer token ends that token.
func TestSignoutRevokesTheBearerToken(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	tok := b.token("resident@fukuoka.demo")
	if a := b.get("/api/v1/me", "Authorization", "Bearer "+tok); a.status != http.StatusOK {
		t.Fatalf("/api/v1/me with a fresh token: %d", a.status)
	}
	if a := b.do("POST", "/signout", nil, "", "Authorization", "Bearer "+tok); a.status != http.StatusSeeOther {
		t.Fatalf("sign out with the token: %d %s", a.status, a.body)
	}
	if a := b.get("/api/v1/me", "Authorization", "Bearer "+tok); a.status != http.StatusUnauthorized {
		t.Fatalf("/api/v1/me after signing out: %d, want 401", a.status)
	}
}

// A JSON body with anything after its value is refused, not half-read.
func TestJSONWithTrailingGarbageIsRefused(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	body := `{"email":"resident@fukuoka.demo","password":"` + app.DemoPassword + `"} {"email":"x"}`
	if a := b.do("POST", "/api/v1/auth/token", strings.NewReader(body), "application/json"); a.status != http.StatusBadRequest {
		t.Fatalf("token request with trailing garbage: %d, want 400", a.status)
	}
	body = `{"email":"resident@fukuoka.demo","password":"` + app.DemoPassword + `"}` + "\n"
	if a := b.do("POST", "/api/v1/auth/token", strings.NewReader(body), "application/json"); a.status != http.StatusCreated {
		t.Fatalf("token request with a final newline: %d, want 201", a.status)
	}
}

// Hidden control characters are refused in every form and JSON body with a
// plain page, on both databases (PostgreSQL answered 500 on a NUL).
func TestHiddenControlCharactersAreRefused(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			s := startSite(t, pg)
			for _, name := range []string{"Bu\x00di", "Budi\u202egnalaB", "Budi\x1b[31m", "Budi\u2066x"} {
				b := s.browser(t)
				b.lang = "ja"
				a := b.post("/banyuwangi/register", url.Values{"name": {name}, "email": {"budi@example.id"}, "password": {"kopi tubruk pagi"}, "lang": {"id"}})
				if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "制御文字") {
					t.Errorf("register with name %q: status %d", name, a.status)
				}
			}
			b := s.browser(t)
			a := b.do("POST", "/api/v1/auth/token", strings.NewReader(`{"email":"resident@fukuoka.demo\u0000","password":"x"}`), "application/json")
			if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "hidden_controls") {
				t.Errorf("JSON with an escaped NUL: %d %s", a.status, a.body)
			}
			// Ordinary text with line breaks and Japanese still goes through.
			a = b.post("/banyuwangi/register", url.Values{"name": {"山田 花子"}, "email": {"hanako@example.jp"}, "password": {"kopi tubruk pagi"}, "lang": {"ja"}})
			if a.status != http.StatusSeeOther {
				t.Errorf("register with an ordinary name: %d", a.status)
			}
		})
	}
}

// A download is named for what its content is, and a document whose file
// has gone answers with a plain page, not a server error.
func TestDocumentDownloadNameAndMissingFile(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	res := []string{"Authorization", "Bearer " + b.token("resident@banyuwangi.demo")}
	up := multipartPost(b, "/api/v1/t/banyuwangi/documents", map[string]string{"service": "KIA", "requirement": "birth_certificate"}, "akta.html", tinyPDF, res...)
	if up.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	var d struct{ ID string }
	if err := json.Unmarshal([]byte(up.body), &d); err != nil {
		t.Fatal(err)
	}
	dl := b.get("/banyuwangi/documents/"+d.ID, res...)
	if dl.status != http.StatusOK {
		t.Fatalf("download: %d", dl.status)
	}
	if cd := dl.header.Get("Content-Disposition"); !strings.Contains(cd, `filename=akta.pdf`) {
		t.Errorf("a PDF uploaded as akta.html downloads as %q, want akta.pdf", cd)
	}
	// Opened for a look, the same bytes show in the browser, still typed
	// exactly and unsniffable.
	view := b.get("/banyuwangi/documents/"+d.ID+"?view=1", res...)
	if cd := view.header.Get("Content-Disposition"); view.status != http.StatusOK || !strings.HasPrefix(cd, "inline") ||
		view.header.Get("Content-Type") != "application/pdf" || view.header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(view.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("view: %d %v", view.status, view.header)
	}
	if cd := dl.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("download without view=1: %q, want attachment", cd)
	}
	if err := os.RemoveAll(filepath.Join(s.app.Config.DataDir, "uploads")); err != nil {
		t.Fatal(err)
	}
	b.lang = "id"
	gone := b.get("/banyuwangi/documents/"+d.ID, res...)
	if gone.status != http.StatusGone || !strings.Contains(gone.body, "Berkas ini sudah tidak ada") {
		t.Errorf("download of a missing file: %d", gone.status)
	}
}

// Confirming a draft that no officer filled is a plain refusal, not a 500.
func TestConfirmingAnUnassistedDraftIsRefusedPlainly(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	a := res.post("/fukuoka/services/JUMINHYO/apply", nil)
	if a.status != http.StatusSeeOther {
		t.Fatalf("apply: %d", a.status)
	}
	app := strings.TrimSuffix(strings.SplitN(a.header.Get("Location"), "/edit", 2)[0], "/")
	c := res.post(app+"/confirm", url.Values{}) // the demo resident reads Japanese
	if c.status != http.StatusConflict || !strings.Contains(c.body, "確認するものはありません") {
		t.Fatalf("confirm of the resident's own draft: %d %s", c.status, c.body)
	}
}

// Registration and sign-in read full-width digits, letters and dashes, as a
// Japanese keyboard types them.
func TestFullWidthInputIsRead(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	a := b.post("/fukuoka/register", url.Values{"name": {"山田 花子"}, "email": {"ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"},
		"phone": {"０９０ー１２３４－５６７８"}, "password": {"kopi tubruk pagi"}, "lang": {"ja"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("register with full-width phone and email: %d", a.status)
	}
	u, err := s.app.Identity.ByLogin(t.Context(), "hanako@example.jp")
	if err != nil || u.Phone != "09012345678" {
		t.Fatalf("stored: %+v %v", u, err)
	}
	for _, login := range []string{"０９０－１２３４－５６７８", "ＨＡＮＡＫＯ＠ＥＸＡＭＰＬＥ．ＪＰ"} {
		if a := s.browser(t).post("/signin", url.Values{"login": {login}, "password": {"kopi tubruk pagi"}}); a.status != http.StatusSeeOther {
			t.Errorf("sign in as %q: %d", login, a.status)
		}
	}
}
