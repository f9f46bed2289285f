package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	linkAttr = regexp.MustCompile(`\s(href|src|action|formaction)="([^"]*)"`)
	formTag  = regexp.MustCompile(`(?s)<form\b[^>]*>`)
	methodOf = regexp.MustCompile(`\smethod="([^"]*)"`)
	actionOf = regexp.MustCompile(`\saction="([^"]*)"`)
)

// pageLinks are the site's own links in a page: GET paths from href and
// src, and the paths of its forms by method (a GET form is not followed:
// its fields complete the address).
func pageLinks(base *url.URL, body string) (gets []string, forms map[string][]string) {
	forms = map[string][]string{}
	own := func(raw string) (string, bool) {
		raw = html.UnescapeString(raw)
		if raw == "" || strings.HasPrefix(raw, "#") {
			return "", false
		}
		u, err := base.Parse(raw)
		if err != nil || u.Host != base.Host || (u.Scheme != "http" && u.Scheme != "https") {
			return "", false
		}
		return u.RequestURI(), true
	}
	for _, m := range linkAttr.FindAllStringSubmatch(body, -1) {
		if m[1] == "action" || m[1] == "formaction" {
			continue
		}
		if p, ok := own(m[2]); ok {
			gets = append(gets, p)
		}
	}
	for _, f := range formTag.FindAllString(body, -1) {
		method := "GET"
		if m := methodOf.FindStringSubmatch(f); m != nil {
			method = strings.ToUpper(m[1])
		}
		action := base.RequestURI()
		if a := actionOf.FindStringSubmatch(f); a != nil {
			action = a[1]
		}
		if p, ok := own(action); ok {
			forms[method] = append(forms[method], p)
		}
	}
	return gets, forms
}

// TestLinksGoWhereRoutesAre walks the demo site as each role from its
// start pages, following every link of the site's own to 500 pages per
// role: every link and form must go to a path a route of the table serves,
// and no page linked to may answer 404 or 500.
func TestLinksGoWhereRoutesAre(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	srv := s.app.Web()
	base, _ := url.Parse(s.srv.URL)
	starts := []string{"/", "/fukuoka", "/banyuwangi", "/track", "/signin", "/fukuoka/register"}
	roles := map[string][]string{
		"":                         nil,
		"resident@fukuoka.demo":    {"/account", "/fukuoka/applications", "/fukuoka/appointments"},
		"officer@fukuoka.demo":     {"/fukuoka/inbox", "/fukuoka/desk"},
		"admin@fukuoka.demo":       {"/fukuoka/admin/services", "/fukuoka/admin/staff"},
		"coordinator@serambi.demo": {"/network/tenants", "/network/holidays", "/network/audit"},
	}
	for who, extra := range roles {
		b := s.browser(t)
		if who != "" {
			b.signin(who)
		}
		queue := append(slices.Clone(starts), extra...)
		seen := map[string]bool{}
		var broken []string
		for len(queue) > 0 && len(seen) < 500 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] || skipCrawl(p) {
				continue
			}
			seen[p] = true
			a := b.get(p)
			if a.status == http.StatusNotFound || a.status >= 500 {
				broken = append(broken, fmt.Sprintf("%s answers %d", p, a.status))
				continue
			}
			if !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				continue
			}
			here, _ := base.Parse(p)
			gets, forms := pageLinks(here, a.body)
			for _, g := range gets {
				if !srv.Serves("GET", g) {
					broken = append(broken, fmt.Sprintf("%s links to %s, which no route serves", p, g))
				}
				queue = append(queue, g)
			}
			for method, paths := range forms {
				for _, f := range paths {
					if !srv.Serves(method, f) {
						broken = append(broken, fmt.Sprintf("%s sends a form (%s) to %s, which no route serves", p, method, f))
					}
				}
			}
		}
		slices.Sort(broken)
		for _, msg := range slices.Compact(broken) {
			t.Errorf("as %q: %s", who, msg)
		}
		if len(seen) < 20 {
			t.Errorf("as %q only %d pages were reached; the walk is not testing much", who, len(seen))
		}
		t.Logf("as %q: %d pages walked", who, len(seen))
	}
}

// skipCrawl leaves out what is not a page to walk: files, streams and
// the same page in other text sizes.
func skipCrawl(p string) bool {
	for _, s := range []string{"/static/", "/events", "/stream", ".ics", ".csv", ".png", "/download", "/signout"} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// TestPathsNameRoutes: every path built by pattern (s.path in Go, .Link
// in templates) names a route of the table.
func TestPathsNameRoutes(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	known := map[string]bool{}
	for _, rt := range s.app.Web().Routes() {
		known[rt.Pattern] = true
	}
	uses := regexp.MustCompile(`(?:s\.Path\(|PathOf\(|\.Link )"([^"]+)"`)
	files, _ := filepath.Glob("*.go")
	areaFiles, _ := filepath.Glob("*/*.go")
	tpls, _ := filepath.Glob("templates/*.html")
	areaTpls, _ := filepath.Glob("*/templates/*.html")
	files, tpls = append(files, areaFiles...), append(tpls, areaTpls...)
	found := 0
	for _, f := range append(files, tpls...) {
		if strings.HasSuffix(f, "_test.go") || f == "path.go" {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(raw), -1) {
			found++
			if !known[m[1]] {
				t.Errorf("%s builds a path to %q, which is not a route of the table", f, m[1])
			}
		}
	}
	if found < 20 {
		t.Errorf("only %d paths are built by pattern; expected the handlers and templates to use it", found)
	}
}
