package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/config"
)

func TestAPIConventions(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	coord := b.token("coordinator@serambi.demo")
	auth := []string{"Authorization", "Bearer " + coord}
	cases := []struct {
		name, method, path, ct, body string
		hdr                          []string
		status                       int
		code                         string
	}{
		{"regions by country and level", "GET", "/api/v1/regions?country=JP&level=prefecture&limit=500", "", "", nil, 200, ""},
		{"bad country", "GET", "/api/v1/regions?country=XX", "", "", nil, 400, "bad_country"},
		{"bad level", "GET", "/api/v1/regions?level=galaxy", "", "", nil, 400, "bad_level"},
		{"bad limit", "GET", "/api/v1/regions?limit=-1", "", "", nil, 400, "bad_limit"},
		{"unknown tenant", "GET", "/api/v1/t/atlantis", "", "", nil, 404, "not_found"},
		{"unknown route", "GET", "/api/v1/nothing", "", "", nil, 404, "not_found"},
		{"wrong method", "DELETE", "/api/v1/tenants", "", "", nil, 405, "method_not_allowed"},
		{"me without token", "GET", "/api/v1/me", "", "", nil, 401, "unauthenticated"},
		{"bad token", "GET", "/api/v1/me", "", "", []string{"Authorization", "Bearer nope"}, 401, "invalid_token"},
		{"bad token on a public route", "GET", "/api/v1/tenants", "", "", []string{"Authorization", "Bearer nope"}, 401, "invalid_token"},
		{"wrong content type", "POST", "/api/v1/auth/token", "text/plain", "x", nil, 415, "unsupported_media_type"},
		{"malformed json", "POST", "/api/v1/auth/token", "application/json", "{", nil, 400, "bad_json"},
		{"unknown field", "POST", "/api/v1/auth/token", "application/json", `{"user":"x"}`, nil, 400, "bad_json"},
		{"oversized body", "POST", "/api/v1/auth/token", "application/json", `{"email":"` + strings.Repeat("a", 2<<20) + `"}`, nil, 413, "too_large"},
		{"wrong password", "POST", "/api/v1/auth/token", "application/json", `{"email":"resident@banyuwangi.demo","password":"nope nope nope"}`, nil, 401, "bad_credentials"},
		{"resident cannot create tenants", "POST", "/api/v1/tenants", "application/json", `{}`, []string{"Authorization", "Bearer " + b.token("resident@banyuwangi.demo")}, 403, "forbidden"},
		{"invalid tenant", "POST", "/api/v1/tenants", "application/json", `{"slug":"API","region_code":"99.99"}`, auth, 422, "invalid"},
		{"create tenant", "POST", "/api/v1/tenants", "application/json", `{"slug":"makassar","region_code":"73.71"}`, auth, 201, ""},
		{"update tenant", "PATCH", "/api/v1/tenants/makassar", "application/json", `{"names":{"ja":"マカッサル市"}}`, auth, 200, ""},
	}
	for _, c := range cases {
		a := b.do(c.method, c.path, strings.NewReader(c.body), c.ct, c.hdr...)
		if a.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, a.status, c.status, a.body[:min(len(a.body), 200)])
			continue
		}
		if c.code != "" {
			if !strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: content type %q", c.name, a.header.Get("Content-Type"))
			}
			var p struct{ Code, Detail string }
			if err := json.Unmarshal([]byte(a.body), &p); err != nil || p.Code != c.code || p.Detail == "" {
				t.Errorf("%s: problem %+v (%v), want code %s", c.name, p, err, c.code)
			}
		}
	}
	var m struct {
		TimeZone string            `json:"time_zone"`
		Names    map[string]string `json:"names"`
	}
	_ = json.Unmarshal([]byte(b.get("/api/v1/t/makassar").body), &m)
	if m.TimeZone != "Asia/Makassar" || m.Names["ja"] != "マカッサル市" || m.Names["id"] != "Kota Makassar" {
		t.Errorf("created tenant = %+v", m)
	}
}

func TestAPIProblemsInUsersLanguage(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	en := b.get("/api/v1/me").body
	ja := b.get("/api/v1/me?lang=ja").body
	if en == ja {
		t.Fatalf("problem detail not translated: %s", ja)
	}
}

func TestAPIRegionsSearch(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	for q, want := range map[string]string{"banyuwangi": "35.10", "ふくおか": "401307", "福岡": "401307", "neyagawa": "272159"} {
		var out struct {
			Items []struct{ Code string } `json:"items"`
		}
		_ = json.Unmarshal([]byte(b.get("/api/v1/regions?q="+url.QueryEscape(q)).body), &out)
		found := false
		for _, r := range out.Items {
			found = found || r.Code == want
		}
		if !found {
			t.Errorf("q=%s: %s not in %v", q, want, out.Items)
		}
	}
	var parent struct{ Items []struct{ Level string } }
	_ = json.Unmarshal([]byte(b.get("/api/v1/regions?parent=35&limit=500").body), &parent)
	if len(parent.Items) != 38 {
		t.Errorf("Jawa Timur has %d regencies and cities, want 38", len(parent.Items))
	}
}

func TestAPITokenAndStaff(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	tok := b.token("admin@fukuoka.demo")
	auth := []string{"Authorization", "Bearer " + tok}
	me := b.get("/api/v1/me", auth...)
	mustContain(t, me, `"tenant":"fukuoka"`, `"role":"admin"`)
	a := b.do("POST", "/api/v1/t/fukuoka/staff", strings.NewReader(`{"name":"新人 職員","email":"new@fukuoka.demo","password":"長い合言葉をひとつ","roles":["officer"]}`), "application/json", auth...)
	if a.status != http.StatusCreated {
		t.Fatalf("create staff: %d %s", a.status, a.body)
	}
	bad := b.do("POST", "/api/v1/t/fukuoka/staff", strings.NewReader(`{"name":"","email":"x","password":"1","roles":["king"]}`), "application/json", auth...)
	if bad.status != 422 {
		t.Fatalf("bad staff: %d", bad.status)
	}
	mustContain(t, bad, `"field":"name"`, `"field":"email"`, `"field":"password"`, `"field":"roles"`)
	mustContain(t, b.get("/api/v1/t/fukuoka/staff", auth...), "new@fukuoka.demo")
}

func TestMetricsCountRoutes(t *testing.T) {
	t.Parallel()
	// Metrics are not public: off without a token...
	if a := startSite(t, false).browser(t).get("/metrics"); a.status != http.StatusNotFound || strings.Contains(a.body, "serambi_http") {
		t.Fatalf("/metrics with no token configured: %d", a.status)
	}
	s := startSite(t, false, func(c *config.Config) { c.MetricsToken = "a-metrics-token-for-tests" })
	b := s.browser(t)
	b.get("/banyuwangi/")
	b.get("/nowhere/")
	// ...and refused without the right one.
	for _, h := range []string{"", "Bearer wrong-token-of-some-length", "a-metrics-token-for-tests"} {
		if a := b.get("/metrics", "Authorization", h); a.status != http.StatusUnauthorized || strings.Contains(a.body, "serambi_http") {
			t.Errorf("/metrics with Authorization %q: %d", h, a.status)
		}
	}
	m := b.get("/metrics", "Authorization", "Bearer a-metrics-token-for-tests")
	mustContain(t, m, `serambi_http_requests_total{route="GET /{tenant}/{$}",status="200"}`, `serambi_db_open_connections`, `status="404"`)
}

// TestRegionsArePaged: following `next` lists every regency of Indonesia
// and every municipality of Japan, each once.
func TestRegionsArePaged(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	for _, c := range []struct {
		query string
		want  int
	}{{"country=ID&level=regency&limit=100", 416}, {"country=JP&level=municipality&limit=500", 1741}} {
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			path := "/api/v1/regions?" + c.query
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			a := b.get(path)
			if a.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, a.status, a.body)
			}
			var page struct {
				Items []struct{ Code string }
				Next  string
			}
			if err := json.Unmarshal([]byte(a.body), &page); err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				if seen[it.Code] {
					t.Fatalf("%s: %s listed twice", c.query, it.Code)
				}
				seen[it.Code] = true
			}
			pages++
			if page.Next == "" {
				break
			}
			if pages > 50 {
				t.Fatalf("%s: more than 50 pages", c.query)
			}
			cursor = page.Next
		}
		if len(seen) != c.want {
			t.Errorf("%s: %d regions over %d pages, want %d", c.query, len(seen), pages, c.want)
		}
	}
	if a := b.get("/api/v1/regions?cursor=-1"); a.status != http.StatusBadRequest || !strings.Contains(a.body, "bad_cursor") {
		t.Errorf("bad cursor: %d", a.status)
	}
}
