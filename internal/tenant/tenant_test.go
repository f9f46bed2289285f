package tenant_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// Store tests for the tenant service, run on every dialect by dbtest.Each.

var loadRegions = sync.OnceValues(region.Load)

var (
	start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	coord = audit.Actor{ID: "coordinator-1", Label: "coordinator@serambi.example", IP: "198.51.100.9"}
)

type env struct {
	ctx context.Context
	d   *db.DB
	clk *clock.Fixed
	svc *tenant.Service
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	regions, err := loadRegions()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(start)
	return &env{ctx: context.Background(), d: d, clk: clk, svc: tenant.NewService(d, regions, clk)}
}

func (e *env) create(t *testing.T, slug, code string) tenant.Tenant {
	t.Helper()
	tn, err := e.svc.Create(e.ctx, coord, tenant.Input{Slug: slug, RegionCode: code})
	if err != nil {
		t.Fatalf("Create(%s, %s): %v", slug, code, err)
	}
	return tn
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func verifyChain(t *testing.T, d *db.DB) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatalf("audit.Verify: %v", err)
	}
	if p != nil {
		t.Fatalf("audit chain broken after %d entries: %v", n, p)
	}
	if n == 0 {
		t.Fatal("audit chain is empty")
	}
}

func wantProblem(t *testing.T, err error, want string) {
	t.Helper()
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		t.Fatalf("got error %v (%T), want validation.Errors with %s", err, err, want)
	}
	var got []string
	for _, p := range verrs {
		got = append(got, p.Field+":"+p.Code)
	}
	if !slices.Contains(got, want) {
		t.Fatalf("problems = %v, want %s among them", got, want)
	}
}

// same compares tenants field by field, instants with Equal (a time read
// back from the database may carry another *Location for UTC).
func same(a, b tenant.Tenant) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.CreatedAt, a.UpdatedAt = b.CreatedAt, b.UpdatedAt
	return a == b
}

func slugs(ts []tenant.Tenant) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Slug)
	}
	return out
}

func TestCreateFromRegion(t *testing.T) {
	tests := []struct {
		slug, code             string
		country                region.Country
		zone, lang             string
		nameID, nameJA, nameEN string // "" skips the check
	}{
		{"banyuwangi", "35.10", region.Indonesia, "Asia/Jakarta", "id", "Kabupaten Banyuwangi", "", "Banyuwangi Regency"},
		{"fukuoka", "401307", region.Japan, "Asia/Tokyo", "ja", "Fukuoka City", "福岡市", "Fukuoka City"},
		{"maluku-tengah", "81.01", region.Indonesia, "Asia/Jayapura", "id", "Kabupaten Maluku Tengah", "", "Maluku Tengah Regency"},
		{"makassar", "73.71", region.Indonesia, "Asia/Makassar", "id", "Kota Makassar", "", "Makassar City"},
		{"bali", "51", region.Indonesia, "Asia/Makassar", "id", "Bali", "", "Bali"},
		{"fukuoka-ken", "400009", region.Japan, "Asia/Tokyo", "ja", "", "福岡県", ""},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, tc := range tests {
			t.Run(tc.slug, func(t *testing.T) {
				got := e.create(t, tc.slug, " "+tc.code+" ")
				if got.ID == "" || got.Slug != tc.slug || got.RegionCode != tc.code || got.Country != tc.country {
					t.Errorf("created %+v", got)
				}
				if got.TimeZone != tc.zone || got.Location().String() != tc.zone {
					t.Errorf("zone %q (location %v), want %s", got.TimeZone, got.Location(), tc.zone)
				}
				if got.DefaultLang != tc.lang {
					t.Errorf("default language %q, want %s", got.DefaultLang, tc.lang)
				}
				for _, n := range []struct{ name, got, want string }{
					{"name_id", got.NameID, tc.nameID}, {"name_ja", got.NameJA, tc.nameJA}, {"name_en", got.NameEN, tc.nameEN},
				} {
					if n.got == "" || (n.want != "" && n.got != n.want) {
						t.Errorf("%s = %q, want %q", n.name, n.got, n.want)
					}
				}
				if got.Status != tenant.Active || !got.IsActive() || got.BrandColor == "" || got.AskCivilID {
					t.Errorf("defaults: status %q, colour %q, asks civil ID %v", got.Status, got.BrandColor, got.AskCivilID)
				}
				if !got.CreatedAt.Equal(start) {
					t.Errorf("created at %v, want %v", got.CreatedAt, start)
				}
				stored, err := e.svc.BySlug(e.ctx, tc.slug)
				if err != nil {
					t.Fatal(err)
				}
				if !same(stored, got) {
					t.Errorf("stored %+v\nreturned %+v", stored, got)
				}
				if byID, err := e.svc.ByID(e.ctx, got.ID); err != nil || byID.Slug != tc.slug {
					t.Errorf("ByID = %q, %v", byID.Slug, err)
				}
				if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND tenant_id = ? AND actor_id = ?",
					"tenant.create", got.ID, coord.ID); n != 1 {
					t.Errorf("tenant.create entries = %d, want 1", n)
				}
			})
		}
		fk, _ := e.svc.BySlug(e.ctx, "fukuoka")
		if fk.Name("ja") != "福岡市" || fk.Name("en") != "Fukuoka City" {
			t.Errorf("Name(ja) %q, Name(en) %q", fk.Name("ja"), fk.Name("en"))
		}
		if _, err := e.svc.BySlug(e.ctx, "nowhere"); !errors.Is(err, tenant.ErrNotFound) {
			t.Errorf("BySlug of an unknown slug: err = %v, want ErrNotFound", err)
		}
		verifyChain(t, d)
	})
}

func TestCreateGivenValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := tenant.Input{Slug: "  Banyuwangi ", RegionCode: "35.10", NameEN: " Banyuwangi ", DefaultLang: "en",
			ContactEmail: "info@banyuwangikab.example", ContactPhone: " 0333 123456 ", BrandColor: "#1a4d2e", AskCivilID: true}
		got, err := e.svc.Create(e.ctx, coord, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Slug != "banyuwangi" || got.NameEN != "Banyuwangi" || got.NameID != "Kabupaten Banyuwangi" ||
			got.DefaultLang != "en" || got.ContactPhone != "0333 123456" || got.BrandColor != "#1a4d2e" || !got.AskCivilID {
			t.Errorf("created %+v", got)
		}
		if stored, _ := e.svc.BySlug(e.ctx, "banyuwangi"); !same(stored, got) {
			t.Errorf("stored %+v\nreturned %+v", stored, got)
		}
	})
}

func TestCreateErrors(t *testing.T) {
	tests := []struct {
		name string
		in   tenant.Input
		want string
	}{
		{"slug with spaces", tenant.Input{Slug: "kota baru", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"slug too short", tenant.Input{Slug: "a", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"slug starting with a digit", tenant.Input{Slug: "1kota", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"slug with a dot", tenant.Input{Slug: "kota.pare", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"slug too long", tenant.Input{Slug: strings.Repeat("p", 41), RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"reserved slug api", tenant.Input{Slug: "api", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"reserved slug in capitals", tenant.Input{Slug: "Signin", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"unknown region", tenant.Input{Slug: "nowhere", RegionCode: "99.99"}, "region:error.tenant.region"},
		{"no region", tenant.Input{Slug: "nowhere"}, "region:error.tenant.region"},
		{"designated-city ward", tenant.Input{Slug: "chuo", RegionCode: "011011"}, "region:error.tenant.region"},
		{"duplicate slug", tenant.Input{Slug: "banyuwangi", RegionCode: "73.72"}, "slug:error.tenant.slug_taken"},
		{"second tenant for a region", tenant.Input{Slug: "bwi", RegionCode: "35.10"}, "region:error.tenant.region_taken"},
		{"low-contrast colour", tenant.Input{Slug: "parepare", RegionCode: "73.72", BrandColor: "#ffff00"}, "brand_color:error.tenant.color"},
		{"light grey", tenant.Input{Slug: "parepare", RegionCode: "73.72", BrandColor: "#999999"}, "brand_color:error.tenant.color"},
		{"colour name", tenant.Input{Slug: "parepare", RegionCode: "73.72", BrandColor: "navy"}, "brand_color:error.tenant.color"},
		{"unknown language", tenant.Input{Slug: "parepare", RegionCode: "73.72", DefaultLang: "fr"}, "default_lang:error.lang"},
		{"bad contact email", tenant.Input{Slug: "parepare", RegionCode: "73.72", ContactEmail: "kantor"}, "contact_email:error.email"},
		{"script as website", tenant.Input{Slug: "parepare", RegionCode: "73.72", Website: "javascript:alert(document.cookie)"}, "website:error.tenant.website"},
		{"data as website", tenant.Input{Slug: "parepare", RegionCode: "73.72", Website: "data:text/html,<script>x</script>"}, "website:error.tenant.website"},
		{"website without scheme", tenant.Input{Slug: "parepare", RegionCode: "73.72", Website: "www.pareparekota.go.id"}, "website:error.tenant.website"},
		{"reserved slug feeds", tenant.Input{Slug: "feeds", RegionCode: "73.72"}, "slug:error.tenant.slug"},
		{"name too long", tenant.Input{Slug: "parepare", RegionCode: "73.72", NameEN: strings.Repeat("n", 121)}, "name_id:error.too_long"},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.create(t, "banyuwangi", "35.10")
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tenants := e.count(t, "SELECT COUNT(*) FROM tenants")
				entries := e.count(t, "SELECT COUNT(*) FROM audit_log")
				got, err := e.svc.Create(e.ctx, coord, tc.in)
				if err == nil {
					t.Fatalf("Create succeeded with %+v, want %s", got, tc.want)
				}
				wantProblem(t, err, tc.want)
				if n := e.count(t, "SELECT COUNT(*) FROM tenants"); n != tenants {
					t.Errorf("tenants %d -> %d after a refused create", tenants, n)
				}
				if n := e.count(t, "SELECT COUNT(*) FROM audit_log"); n != entries {
					t.Errorf("audit entries %d -> %d after a refused create", entries, n)
				}
			})
		}
		// The same input with the problem put right goes through.
		if _, err := e.svc.Create(e.ctx, coord, tenant.Input{Slug: "parepare", RegionCode: "73.72", BrandColor: "#003366"}); err != nil {
			t.Errorf("valid create after the refusals: %v", err)
		}
		verifyChain(t, d)
	})
}

func TestUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		old := e.create(t, "banyuwangi", "35.10")
		e.clk.Advance(time.Hour)
		in := tenant.Input{
			Slug: "elsewhere", RegionCode: "73.71", // ignored: slug and region stay
			NameEN: "Banyuwangi", DefaultLang: "id", ContactEmail: "info@banyuwangikab.example",
			BrandColor: "#1a4d2e", AskCivilID: true,
		}
		got, err := e.svc.Update(e.ctx, coord, "banyuwangi", in)
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if got.NameEN != "Banyuwangi" || got.ContactEmail != "info@banyuwangikab.example" || got.BrandColor != "#1a4d2e" ||
			!got.AskCivilID || got.NameID != old.NameID {
			t.Errorf("updated %+v", got)
		}
		if got.Slug != "banyuwangi" || got.RegionCode != "35.10" || got.ID != old.ID || got.TimeZone != old.TimeZone {
			t.Errorf("update moved the tenant: %+v", got)
		}
		if !got.UpdatedAt.Equal(start.Add(time.Hour)) || !got.CreatedAt.Equal(start) {
			t.Errorf("created %v updated %v", got.CreatedAt, got.UpdatedAt)
		}
		stored, err := e.svc.BySlug(e.ctx, "banyuwangi")
		if err != nil || !same(stored, got) {
			t.Errorf("stored %+v (%v)\nreturned %+v", stored, err, got)
		}
		if _, err := e.svc.BySlug(e.ctx, "elsewhere"); !errors.Is(err, tenant.ErrNotFound) {
			t.Errorf("a tenant appeared under the ignored slug: err = %v", err)
		}

		entries, err := audit.List(e.ctx, d, audit.Filter{TenantID: old.ID, Action: "tenant.update"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("tenant.update entries = %d, want 1", len(entries))
		}
		sum := entries[0].Summary
		for _, want := range []string{`name_en "Banyuwangi Regency" -> "Banyuwangi"`, "info@banyuwangikab.example", "#1a4d2e", "ask_civil_id"} {
			if !strings.Contains(sum, want) {
				t.Errorf("audit summary %q does not mention %s", sum, want)
			}
		}
		if strings.Contains(sum, "name_id") {
			t.Errorf("audit summary %q mentions the unchanged Indonesian name", sum)
		}
		if entries[0].ActorID != coord.ID || entries[0].Object != "tenant:banyuwangi" {
			t.Errorf("audit entry %+v", entries[0])
		}

		// Refused edits change nothing.
		before := e.count(t, "SELECT COUNT(*) FROM audit_log")
		if _, err := e.svc.Update(e.ctx, coord, "banyuwangi", tenant.Input{DefaultLang: "id", BrandColor: "#ffff00"}); err == nil {
			t.Error("Update accepted a low-contrast colour")
		} else {
			wantProblem(t, err, "brand_color:error.tenant.color")
		}
		if _, err := e.svc.Update(e.ctx, coord, "nowhere", in); !errors.Is(err, tenant.ErrNotFound) {
			t.Errorf("Update of an unknown tenant: err = %v, want ErrNotFound", err)
		}
		if after, _ := e.svc.BySlug(e.ctx, "banyuwangi"); !same(after, got) {
			t.Errorf("a refused update changed the tenant: %+v", after)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log"); n != before {
			t.Errorf("audit entries %d -> %d after refused updates", before, n)
		}
		verifyChain(t, d)
	})
}

func TestStatusAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.create(t, "banyuwangi", "35.10")
		e.create(t, "fukuoka", "401307")
		e.create(t, "makassar", "73.71")

		all := []string{"banyuwangi", "fukuoka", "makassar"} // by English name
		list := func(activeOnly bool) []string {
			ts, err := e.svc.List(e.ctx, activeOnly)
			if err != nil {
				t.Fatal(err)
			}
			return slugs(ts)
		}
		if got := list(true); !slices.Equal(got, all) {
			t.Errorf("List(active) = %v, want %v", got, all)
		}

		e.clk.Advance(time.Minute)
		sus, err := e.svc.SetStatus(e.ctx, coord, "fukuoka", tenant.Suspended)
		if err != nil {
			t.Fatal(err)
		}
		if sus.Status != tenant.Suspended || sus.IsActive() || !sus.UpdatedAt.Equal(start.Add(time.Minute)) {
			t.Errorf("after suspending: %+v", sus)
		}
		if stored, _ := e.svc.BySlug(e.ctx, "fukuoka"); stored.Status != tenant.Suspended {
			t.Errorf("stored status %q", stored.Status)
		}
		if got := list(true); !slices.Equal(got, []string{"banyuwangi", "makassar"}) {
			t.Errorf("List(active) with one suspended = %v", got)
		}
		if got := list(false); !slices.Equal(got, all) {
			t.Errorf("List(all) = %v, want %v", got, all)
		}
		if found, _ := e.svc.Search(e.ctx, "fukuoka"); len(found) != 0 {
			t.Errorf("Search finds a suspended tenant: %v", slugs(found))
		}

		if _, err := e.svc.SetStatus(e.ctx, coord, "fukuoka", "closed"); err == nil {
			t.Error("SetStatus accepted an unknown status")
		} else {
			wantProblem(t, err, "status:error.tenant.status")
		}
		if _, err := e.svc.SetStatus(e.ctx, coord, "nowhere", tenant.Suspended); !errors.Is(err, tenant.ErrNotFound) {
			t.Errorf("SetStatus of an unknown tenant: err = %v, want ErrNotFound", err)
		}
		if _, err := e.svc.SetStatus(e.ctx, coord, "fukuoka", tenant.Active); err != nil {
			t.Fatal(err)
		}
		if got := list(true); !slices.Equal(got, all) {
			t.Errorf("List(active) after reactivating = %v, want %v", got, all)
		}
		entries, err := audit.List(e.ctx, d, audit.Filter{All: true, Action: "tenant.status"})
		if err != nil {
			t.Fatal(err)
		}
		var sums []string
		for _, en := range entries {
			sums = append(sums, en.Summary)
		}
		if want := []string{audit.Say("audit.detail.tenant.status", "~audit.tenant.suspended", "~audit.tenant.active"),
			audit.Say("audit.detail.tenant.status", "~audit.tenant.active", "~audit.tenant.suspended")}; !slices.Equal(sums, want) {
			t.Errorf("tenant.status summaries = %q, want %q", sums, want)
		}
		verifyChain(t, d)
	})
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.create(t, "banyuwangi", "35.10")
		e.create(t, "fukuoka", "401307")
		e.create(t, "makassar", "73.71")
		tests := []struct {
			q    string
			want []string
		}{
			{"fukuoka", []string{"fukuoka"}},
			{"Fukuoka-shi", []string{"fukuoka"}},
			{"ふくおか", []string{"fukuoka"}},
			{"フクオカ", []string{"fukuoka"}},
			{"福岡", []string{"fukuoka"}},
			{"banyuwangi", []string{"banyuwangi"}},
			{"Kabupaten Banyuwangi", []string{"banyuwangi"}},
			{"makassar", []string{"makassar"}},
			{"osaka", nil},
			{"sulawesi", nil},
			{"", []string{"banyuwangi", "fukuoka", "makassar"}},
		}
		for _, tc := range tests {
			got, err := e.svc.Search(e.ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if s := slugs(got); !slices.Equal(s, tc.want) {
				t.Errorf("Search(%q) = %v, want %v", tc.q, s, tc.want)
			}
		}
		verifyChain(t, d)
	})
}
