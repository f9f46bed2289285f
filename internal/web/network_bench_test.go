package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
)

// networkSizes are how many governments the network holds besides the
// demo's three.
var networkSizes = []int{30, 300, 510}

// BenchmarkNetworkDashboard: the coordinators' comparison as a network
// grows. The demo's three governments (with their six months of history)
// and n more Indonesian regencies, each read by the page in turn (the
// added ones have no services, so what is measured is what every
// government costs the page at least: its mark, today's counts, its
// survey and class figures). One coordinator asks for the page
// (everyone, this year) ten times, and then for Japan's two alone.
// Reports the median and slowest (ms). Run with
//
//	SERAMBI_TEST_POSTGRES_URL=... go test -run '^$' -bench NetworkDashboard -benchtime 1x ./internal/web/
func BenchmarkNetworkDashboard(b *testing.B) {
	for _, pg := range []bool{false, true} {
		b.Run(dialectName(pg), func(b *testing.B) {
			if pg && os.Getenv(dbtest.PostgresEnv) == "" {
				b.Skip("PostgreSQL: " + dbtest.PostgresReason)
			}
			s := startBenchSite(b, pg)
			h := s.app.Handler()
			t := &testing.T{}
			c := s.browser(t)
			c.signin("coordinator@serambi.demo")
			base, _ := url.Parse(s.srv.URL)
			cookies := c.c.Jar.Cookies(base)
			added := 0
			var regencies []region.Region // every province's but Banyuwangi
			for p := 11; p <= 99; p++ {
				for _, r := range s.app.Regions.Children(strconv.Itoa(p)) {
					if r.Code != "35.10" {
						regencies = append(regencies, r)
					}
				}
			}
			for _, n := range networkSizes {
				added = addGovernments(b, s.app.Tenants, regencies, added, n)
				for _, page := range []struct{ name, path string }{{"all", "/network/dashboard?period=" + time.Now().Format("2006")},
					{"japan", "/network/dashboard?country=JP&period=" + time.Now().Format("2006")}} {
					b.Run(fmt.Sprintf("governments=%d/%s", n+3, page.name), func(b *testing.B) {
						lat := make([]time.Duration, 10)
						for i := range lat {
							req := httptest.NewRequest("GET", page.path, nil)
							for _, ck := range cookies {
								req.AddCookie(ck)
							}
							rec := httptest.NewRecorder()
							t0 := time.Now()
							h.ServeHTTP(rec, req)
							lat[i] = time.Since(t0)
							if rec.Code != http.StatusOK {
								b.Fatalf("%s: %d", page.path, rec.Code)
							}
						}
						slices.Sort(lat)
						b.ReportMetric(0, "ns/op")
						b.ReportMetric(ms(lat[len(lat)/2]), "p50_ms")
						b.ReportMetric(ms(lat[len(lat)-1]), "max_ms")
					})
				}
			}
		})
	}
}

// addGovernments creates governments for regencies[from:to] and returns
// to.
func addGovernments(b *testing.B, ts *tenant.Service, regencies []region.Region, from, to int) int {
	b.Helper()
	if to > len(regencies) {
		b.Fatalf("%d regencies in the directory's provinces asked for, %d there", to, len(regencies))
	}
	for _, r := range regencies[from:to] {
		slug := fmt.Sprintf("bench-%s", r.Code)
		for i := range slug {
			if slug[i] == '.' {
				slug = slug[:i] + "-" + slug[i+1:]
			}
		}
		if _, err := ts.Create(context.Background(), audit.System, tenant.Input{Slug: slug, RegionCode: r.Code}); err != nil {
			b.Fatalf("create %s (%s): %v", slug, r.Code, err)
		}
	}
	return to
}
