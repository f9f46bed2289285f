package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/classes"
)

// assetRefs finds what a page makes the browser fetch: scripts,
// stylesheets, the icon, pictures.
var assetRefs = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)

// Every practice page, with what it loads (stylesheet, theme, icon and
// practice.js), transfers at most 30 KB with gzip: the learner's phone may
// be on a slow mobile connection. (How fast it becomes usable on a slow
// 3G line is a benchmark: BenchmarkPracticeSlow3G in e2e.)
func TestPracticePagesAreLight(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.signin("learner3@neyagawa.demo")
	gz := []string{"Accept-Encoding", "gzip"}
	list := b.get("/neyagawa/classes/practice/exercises")
	pages := regexp.MustCompile(`href="(/neyagawa/classes/lessons/[^"]+)"`).FindAllStringSubmatch(list.body, -1)
	kinds := map[string]bool{}
	for _, m := range pages {
		page := m[1]
		kinds[page[strings.LastIndex(page, "/")+1:]] = true
		a := b.get(page, gz...)
		if a.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s is not sent with gzip", page)
		}
		total := len(a.body)
		html := b.get(page).body
		for _, ref := range assetRefs.FindAllStringSubmatch(html, -1) {
			asset, err := url.PathUnescape(strings.ReplaceAll(ref[1], "&amp;", "&"))
			if err != nil {
				t.Fatal(err)
			}
			total += len(b.get(asset, gz...).body)
		}
		if total > 30*1024 {
			t.Errorf("%s transfers %d bytes with gzip, more than 30 KB", page, total)
		}
		t.Logf("%s: %d bytes", page[strings.LastIndex(page, "/")+1:], total)
	}
	for _, e := range classes.Exercises {
		if !kinds[string(e)] {
			t.Errorf("no practice page of %s was weighed", e)
		}
	}
}
