package web_test

import (
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
