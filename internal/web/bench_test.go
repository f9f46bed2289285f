package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/workflow"
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

// BenchmarkSubmit posts complete applications through the API, in
// parallel, on SQLite (the load target of the online-services issue).
func BenchmarkSubmit(b *testing.B) {
	t := &testing.T{}
	s := startSite(t, false)
	raw, err := os.ReadFile("../../bench/data/bench-service.json")
	if err != nil {
		b.Fatal(err)
	}
	svc, _ := catalog.Import(raw)
	svc.Workflow = workflow.Standard()
	ten, _ := s.app.Tenants.BySlug(context.Background(), "fukuoka")
	if _, err := s.app.Catalog.Save(context.Background(), audit.System, ten.ID, svc); err != nil {
		b.Fatal(err)
	}
	token := s.browser(t).token("resident@fukuoka.demo")
	h := s.app.Handler()
	body := `{"service":"BENCH","submit":true,"answers":{"name":"Beban","copies":1,"date":"2026-11-01"}}`
	b.ResetTimer()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v1/t/fukuoka/applications", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
}
