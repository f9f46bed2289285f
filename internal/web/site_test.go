package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/testnote"
)

// site is a whole Serambi with demo data behind a real HTTP server.
type site struct {
	app *app.App
	srv *httptest.Server
}

// startSite starts Serambi on SQLite, or on PostgreSQL when pg is true.
// Options, if given, change the configuration before the app starts.
func startSite(t *testing.T, pg bool, options ...func(*config.Config)) *site {
	t.Helper()
	return startSiteWith(t, pg, nil, options...)
}

// startSiteWith starts Serambi with app options too (a fixed clock, say).
func startSiteWith(t *testing.T, pg bool, appOptions []app.Option, options ...func(*config.Config)) *site {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true, LogLevel: "info"}
	for _, o := range options {
		o(cfg)
	}
	if pg {
		u, ok := dbtest.NewSchema(t)
		if !ok {
			if dbtest.Required() {
				t.Fatalf("%s not set but required", dbtest.PostgresEnv)
			}
			testnote.Skip(t, "PostgreSQL site tests", dbtest.PostgresReason)
		}
		cfg.Database = u
	}
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	a, err := app.New(context.Background(), cfg, append([]app.Option{app.WithoutDemoVisitors()}, appOptions...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler()
	srv.Start()
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &site{app: a, srv: srv}
}

// browser is an HTTP client with cookies that does not follow redirects,
// so tests see each answer.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	lang string
}

func (s *site) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, body io.Reader, ct string, hdr ...string) answer {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(raw)}
}

func (b *browser) get(path string, hdr ...string) answer { return b.do("GET", path, nil, "", hdr...) }

func (b *browser) post(path string, form url.Values) answer {
	return b.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

func (b *browser) signin(login string) {
	b.t.Helper()
	a := b.post("/signin", url.Values{"login": {login}, "password": {app.DemoPassword}})
	if a.status != http.StatusSeeOther {
		b.t.Fatalf("sign in %s: status %d", login, a.status)
	}
}

func (b *browser) token(email string) string {
	b.t.Helper()
	a := b.do("POST", "/api/v1/auth/token", strings.NewReader(`{"email":"`+email+`","password":"`+app.DemoPassword+`"}`), "application/json")
	if a.status != http.StatusCreated {
		b.t.Fatalf("token for %s: %d %s", email, a.status, a.body)
	}
	var tok struct{ Token string }
	_ = json.Unmarshal([]byte(a.body), &tok)
	return tok.Token
}

func mustContain(t *testing.T, a answer, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(a.body, w) {
			t.Errorf("response (status %d) lacks %q", a.status, w)
		}
	}
}

func mustNotContain(t *testing.T, a answer, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(a.body, w) {
			t.Errorf("response (status %d) has %q", a.status, w)
		}
	}
}

var (
	inputRe    = regexp.MustCompile(`<input id="([a-z0-9_]+)" name="[a-z0-9_]+" type="text"[^>]*? value="([^"]*)"`)
	textareaRe = regexp.MustCompile(`(?s)<textarea id="([a-z0-9_]+)" name="[a-z0-9_]+"[^>]*>(.*?)</textarea>`)
)

func htmlUnescape(s string) string { return html.UnescapeString(s) }
