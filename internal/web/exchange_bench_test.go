package web_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// bareHandler is the ceiling the pages are measured against: a bare
// net/http handler rendering a small html/template, as bench/barehandler
// serves it to wrk.
func bareHandler() http.Handler {
	page := template.Must(template.New("p").Parse(`<!DOCTYPE html><html lang="en"><head><title>{{.}}</title></head><body><h1>{{.}}</h1><p>Hello.</p></body></html>`))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, "Bare handler")
	})
}

// BenchmarkExchangePages serves the knowledge exchange's public practice
// page, its search page and its search API (the demo's 30 seed
// practices) through the whole middleware stack, in process, and right
// after each the bare handler for as long (at least barePeriod), so each
// is reported as a share of the bare handler measured in the same run
// (pct_of_bare) on a machine whose speed drifts. The tenant home page is
// measured the same way as the reference: its share here is what
// corresponds to the 70 % wrk measures over HTTP (docs/benchmarks.md).
func BenchmarkExchangePages(b *testing.B) {
	h := startSite(&testing.T{}, false).app.Handler()
	bare := bareHandler()
	for _, p := range []struct{ name, path string }{
		{"home", "/banyuwangi/"},
		{"practice", "/exchange/practices/fukuoka-remote-counter"},
		{"search", "/exchange?q=loket+jarak+jauh"},
		{"api", "/api/v1/practices?q=" + url.QueryEscape("窓口")},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if code := benchGet(h, p.path); code != http.StatusOK {
						b.Errorf("%s: status %d", p.path, code) // Fatal may not be called from another goroutine
						return
					}
				}
			})
			took := time.Since(start)
			b.StopTimer() // the bare handler's turn is not the page's time
			rate, ceiling := float64(b.N)/took.Seconds(), serveFor(bare, max(took, barePeriod))
			b.ReportMetric(rate, "req/s")
			b.ReportMetric(ceiling, "bare_req/s")
			b.ReportMetric(100*rate/ceiling, "pct_of_bare")
		})
	}
}

// barePeriod is the shortest the bare handler is measured: a slow page's
// b.N requests would take the bare handler too short a time to time.
const barePeriod = 300 * time.Millisecond

// benchGet serves one anonymous GET of path accepting gzip, as a browser
// asks, and returns the status.
func benchGet(h http.Handler, path string) int {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// serveFor serves "/" from GOMAXPROCS goroutines, as RunParallel does,
// for d and returns the rate.
func serveFor(h http.Handler, d time.Duration) float64 {
	var served atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Since(start) < d {
				benchGet(h, "/")
				served.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(served.Load()) / time.Since(start).Seconds()
}
