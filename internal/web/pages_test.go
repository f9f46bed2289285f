package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestPublicPages(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	cases := []struct {
		name, path, lang string
		status           int
		want             []string
	}{
		{"network home", "/", "", 200, []string{`<html lang="en"`, `role="search"`}},
		{"search latin", "/?q=fukuoka", "", 200, []string{`href="/fukuoka/"`}},
		{"search kana", "/?q=" + url.QueryEscape("ふくおか"), "", 200, []string{`href="/fukuoka/"`}},
		{"search kanji", "/?q=" + url.QueryEscape("寝屋川"), "", 200, []string{`href="/neyagawa/"`}},
		{"tenant default id", "/banyuwangi/", "", 200, []string{`<html lang="id"`, "Kabupaten Banyuwangi"}},
		{"tenant default ja", "/fukuoka/", "", 200, []string{`<html lang="ja"`, "福岡市", "令和"}},
		{"accept-language wins over tenant", "/fukuoka/", "en-US,en;q=0.9", 200, []string{`<html lang="en"`, "Fukuoka City"}},
		{"query lang", "/banyuwangi/?lang=ja", "", 200, []string{`<html lang="ja"`}},
		{"unknown tenant", "/nowhere/", "", 404, nil},
		{"register page", "/banyuwangi/register", "", 200, []string{`id="civil_id"`, `name="password"`}},
		{"signin page", "/signin", "", 200, []string{`id="login"`}},
		{"healthz", "/healthz", "", 200, []string{"ok"}},
		{"readyz", "/readyz", "", 200, []string{"ready"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := s.browser(t)
			b.lang = c.lang
			a := b.get(c.path)
			if a.status != c.status {
				t.Fatalf("%s: status %d, want %d", c.path, a.status, c.status)
			}
			mustContain(t, a, c.want...)
		})
	}
}

func TestLanguageChoiceSticks(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.get("/banyuwangi/?lang=ja")
	a := b.get("/banyuwangi/")
	mustContain(t, a, `<html lang="ja"`)
	b.get("/?lang=en")
	mustContain(t, b.get("/fukuoka/"), `<html lang="en"`)
}

func TestSecurityHeadersAndCompression(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	a := b.get("/banyuwangi/", "Accept-Encoding", "gzip")
	csp := a.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if a.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("page not gzipped: %v", a.header)
	}
	if a.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("nosniff missing")
	}
	page := b.get("/banyuwangi/").body
	i := strings.Index(page, "/static/v/app.")
	if i < 0 {
		t.Fatal("no fingerprinted stylesheet link")
	}
	href := page[i : i+strings.Index(page[i:], `"`)]
	css := b.get(href)
	if css.status != 200 || !strings.Contains(css.header.Get("Cache-Control"), "immutable") {
		t.Errorf("%s: %d %q", href, css.status, css.header.Get("Cache-Control"))
	}
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		if a := b.get(html.UnescapeString(m[1])); a.status != 200 {
			t.Errorf("asset %s: status %d", m[1], a.status)
		}
	}
	if b.get("/static/v/app.00000000.css").status != 404 {
		t.Error("unknown asset must 404")
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "style=") {
		t.Error("tenant home must need no JavaScript and no inline style")
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	a := b.do("POST", "/signin", strings.NewReader("login=x&password=y"), "application/x-www-form-urlencoded",
		"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if a.status != http.StatusForbidden {
		t.Fatalf("cross-site POST: status %d, want 403", a.status)
	}
}

func TestRegisterErrorsKeepInputAndWriteNothing(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	a := b.post("/banyuwangi/register", url.Values{
		"name": {"Ibu Sri Rahayu"}, "email": {"not-an-email"}, "password": {"short"}, "lang": {"id"},
		"civil_id": {"3599011505500001"},
	})
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", a.status)
	}
	mustContain(t, a, "error-summary", `value="Ibu Sri Rahayu"`, `href="#email"`, `href="#password"`, `href="#civil_id"`, `aria-invalid="true"`)
	if strings.Contains(a.body, `value="short"`) {
		t.Error("password must never be echoed")
	}
	if b.get("/account").status != http.StatusSeeOther {
		t.Error("a failed registration must not sign in")
	}
	var n int
	_ = s.app.DB.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM users WHERE name = ?", "Ibu Sri Rahayu").Scan(&n)
	if n != 0 {
		t.Fatal("failed registration wrote a user")
	}
}

func TestRegisterSignOutSignIn(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			registerSignOutSignIn(t, startSite(t, pg))
		})
	}
}

func registerSignOutSignIn(t *testing.T, s *site) {
	b := s.browser(t)
	a := b.post("/banyuwangi/register", url.Values{
		"name": {"Pak Budi"}, "email": {"budi@example.id"}, "phone": {"0812 3456 7890"},
		"password": {"kopi tubruk pagi hari"}, "lang": {"id"}, "civil_id": {"3510011505500001"},
	})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/banyuwangi/?done=registered" {
		t.Fatalf("register: %d %s", a.status, a.header.Get("Location"))
	}
	acct := b.get("/account")
	mustContain(t, acct, "Pak Budi", "3510••••••••0001")
	if strings.Contains(acct.body, "3510011505500001") {
		t.Error("account page shows the full NIK")
	}
	b.post("/signout", nil)
	if b.get("/account").status != http.StatusSeeOther {
		t.Fatal("still signed in after sign out")
	}
	bad := b.post("/signin", url.Values{"login": {"budi@example.id"}, "password": {"wrong password here"}})
	if bad.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", bad.status)
	}
	mustContain(t, bad, "error-summary", `value="budi@example.id"`)
	ok := b.post("/signin", url.Values{"login": {"0812-3456-7890"}, "password": {"kopi tubruk pagi hari"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("sign in by phone: %d", ok.status)
	}
	mustContain(t, b.get("/account"), "Pak Budi")
}

func TestSuspendedTenant(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			suspendedTenant(t, startSite(t, pg))
		})
	}
}

func suspendedTenant(t *testing.T, s *site) {
	coord := s.browser(t)
	coord.signin("coordinator@serambi.demo")
	if a := coord.post("/network/tenants/neyagawa/status", url.Values{"status": {"suspended"}}); a.status != http.StatusSeeOther {
		t.Fatalf("suspend: %d %s", a.status, a.body)
	}
	anon := s.browser(t)
	page := anon.get("/neyagawa/")
	if page.status != http.StatusForbidden {
		t.Fatalf("suspended page status %d", page.status)
	}
	api := anon.get("/api/v1/t/neyagawa")
	if api.status != http.StatusForbidden || !strings.Contains(api.header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("suspended API: %d %s", api.status, api.header.Get("Content-Type"))
	}
	mustContain(t, api, `"code":"tenant_suspended"`)
	if strings.Contains(anon.get("/api/v1/tenants").body, `"neyagawa"`) {
		t.Error("suspended tenant listed in /api/v1/tenants")
	}
	coord.post("/network/tenants/neyagawa/status", url.Values{"status": {"active"}})
	if anon.get("/neyagawa/").status != 200 {
		t.Error("reactivated tenant not served")
	}
}

func TestStaffAdministration(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@banyuwangi.demo")
	list := admin.get("/banyuwangi/admin/staff")
	if list.status != 200 {
		t.Fatalf("staff list: %d", list.status)
	}
	mustContain(t, list, "officer@banyuwangi.demo")
	a := admin.post("/banyuwangi/admin/staff", url.Values{"name": {"Petugas Baru"}, "email": {"baru@banyuwangi.demo"},
		"password": {"teh manis hangat sekali"}, "lang": {"id"}, "roles": {"officer"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("create staff: %d %s", a.status, a.body)
	}
	// The new officer must enrol a second factor before anything else.
	officer := s.browser(t)
	officer.post("/signin", url.Values{"login": {"baru@banyuwangi.demo"}, "password": {"teh manis hangat sekali"}})
	if loc := officer.get("/account").header.Get("Location"); loc != "/account/totp" {
		t.Fatalf("new staff not sent to TOTP enrolment: %q", loc)
	}
	mustContain(t, officer.get("/account/totp"), `src="/account/totp/qr.png"`)
	if qr := officer.get("/account/totp/qr.png"); qr.status != 200 || qr.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: %d %s", qr.status, qr.header.Get("Content-Type"))
	}
	// A resident cannot reach staff pages.
	res := s.browser(t)
	res.signin("resident@banyuwangi.demo")
	if a := res.get("/banyuwangi/admin/staff"); a.status != http.StatusForbidden {
		t.Fatalf("resident on staff page: %d", a.status)
	}
	audit := admin.get("/banyuwangi/admin/audit")
	mustContain(t, audit, "staff.create", "authz.denied")
}

// TestEndedSessionIsExplained: a resident whose session ended elsewhere is
// told why at sign-in, not silently shown a blank form.
func TestEndedSessionIsExplained(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.signin("resident@fukuoka.demo")
	if _, err := s.app.DB.ExecContext(t.Context(), "DELETE FROM sessions"); err != nil {
		t.Fatal(err)
	}
	a := b.get("/account")
	loc := a.header.Get("Location")
	if a.status != http.StatusSeeOther || !strings.Contains(loc, "ended=1") {
		t.Fatalf("after the session ended: %d %q", a.status, loc)
	}
	b.lang = "en"
	mustContain(t, b.get(loc), "signed out after 2 hours without activity")
	if b.get("/account").header.Get("Location") != "/signin?next=%2Faccount" {
		t.Error("the stale cookie must be cleared after the first notice")
	}
}
