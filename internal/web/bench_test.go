package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkTenantHome renders a tenant home page for an anonymous visitor
// through the whole middleware stack (recorded in docs/benchmarks.md).
func BenchmarkTenantHome(b *testing.B) {
	s := startSite(&testing.T{}, false)
	h := s.app.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/banyuwangi/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// BenchmarkTrackPage renders the public status page of one application
// (number plus the last four phone digits).
func BenchmarkTrackPage(b *testing.B) {
	t := &testing.T{}
	s := startSite(t, false)
	a := applicationIn(b, s, "fukuoka", "resident@fukuoka.demo")
	_, _ = s.app.DB.ExecContext(context.Background(), "UPDATE users SET phone = ? WHERE email = ?", "09012345678", "resident@fukuoka.demo")
	h := s.app.Handler()
	url := "/track?number=" + a.TrackingNumber + "&check=5678"
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", url, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
