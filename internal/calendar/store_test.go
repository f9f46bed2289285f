package calendar

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// newTenant inserts the least tenant row the foreign key needs; the tenant
// package is not used so this test depends on the table, not its rules.
func newTenant(t *testing.T, d *db.DB, slug string) ids.Tenant {
	t.Helper()
	id := db.NewID()
	now := time.Now().UTC()
	_, err := d.ExecContext(context.Background(), `INSERT INTO tenants
		(id, slug, region_code, country, name_id, name_ja, name_en, time_zone, default_lang, created_at, updated_at)
		VALUES (?, ?, ?, 'JP', ?, ?, ?, 'Asia/Tokyo', 'ja', ?, ?)`,
		id, slug, "code-"+slug, slug, slug, slug, now, now)
	if err != nil {
		t.Fatalf("insert tenant: %v", err)
	}
	return ids.Tenant(id)
}

func set(t *testing.T, d *db.DB, s *Store, tenantID ids.Tenant, day Day) error {
	t.Helper()
	return d.InTx(context.Background(), func(tx *db.Tx) error { return s.Set(context.Background(), tx, tenantID, day) })
}

func changes(t *testing.T, s *Store, tenantID ids.Tenant) []Day {
	t.Helper()
	got, err := s.Changes(context.Background(), tenantID)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	return got
}

func TestStoreSetChangesRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		fukuoka, other := newTenant(t, d, "fukuoka"), newTenant(t, d, "banyuwangi")
		for _, day := range []Day{
			{Date: "2027-01-09", Kind: Workday, Name: "土曜開庁"},
			{Date: "2026-12-29", Kind: Holiday, Name: "  年末年始休業 "},
		} {
			if err := set(t, d, s, fukuoka, day); err != nil {
				t.Fatalf("Set %v: %v", day, err)
			}
		}
		if err := set(t, d, s, other, Day{Date: "2026-12-29", Kind: Workday}); err != nil {
			t.Fatal(err)
		}
		want := []Day{{"2026-12-29", Holiday, "年末年始休業"}, {"2027-01-09", Workday, "土曜開庁"}}
		if got := changes(t, s, fukuoka); !slices.Equal(got, want) {
			t.Errorf("Changes = %v, want %v (date order, names trimmed, other tenant's days absent)", got, want)
		}

		// Setting the same day again replaces it rather than failing on the key.
		if err := set(t, d, s, fukuoka, Day{Date: "2027-01-09", Kind: Holiday, Name: "臨時休業"}); err != nil {
			t.Fatalf("upsert: %v", err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error { return s.Remove(ctx, tx, fukuoka, "2026-12-29") })
		if err != nil {
			t.Fatalf("Remove: %v", err)
		}
		want = []Day{{"2027-01-09", Holiday, "臨時休業"}}
		if got := changes(t, s, fukuoka); !slices.Equal(got, want) {
			t.Errorf("after upsert and remove: %v, want %v", got, want)
		}
		if got := changes(t, s, other); len(got) != 1 || got[0].Kind != Workday {
			t.Errorf("other tenant touched: %v", got)
		}
		// Removing again is harmless.
		if err := d.InTx(ctx, func(tx *db.Tx) error { return s.Remove(ctx, tx, fukuoka, "2026-12-29") }); err != nil {
			t.Errorf("second Remove: %v", err)
		}
	})
}

func TestStoreSetValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		tenant := newTenant(t, d, "fukuoka")
		tests := []struct {
			day  Day
			want []validation.Problem
		}{
			{Day{Date: "2026-13-01", Kind: Holiday}, []validation.Problem{{Field: "date", Code: "error.calendar.date"}}},
			{Day{Date: "2026-02-30", Kind: Holiday}, []validation.Problem{{Field: "date", Code: "error.calendar.date"}}},
			{Day{Date: "2026-1-5", Kind: Holiday}, []validation.Problem{{Field: "date", Code: "error.calendar.date"}}},
			{Day{Date: "29/12/2026", Kind: Holiday}, []validation.Problem{{Field: "date", Code: "error.calendar.date"}}},
			{Day{Date: "2026-12-29", Kind: "closed"}, []validation.Problem{{Field: "kind", Code: "error.calendar.kind"}}},
			{Day{}, []validation.Problem{{Field: "date", Code: "error.calendar.date"}, {Field: "kind", Code: "error.calendar.kind"}}},
		}
		for _, tt := range tests {
			err := set(t, d, s, tenant, tt.day)
			var errs validation.Errors
			if !errors.As(err, &errs) || !equalProblems(errs, tt.want) {
				t.Errorf("Set(%+v) = %v, want %v", tt.day, err, tt.want)
			}
		}
		if got := changes(t, s, tenant); len(got) != 0 {
			t.Errorf("invalid days were stored: %v", got)
		}
	})
}

func equalProblems(got validation.Errors, want []validation.Problem) bool {
	return slices.EqualFunc(got, want, func(a, b validation.Problem) bool {
		return a.Field == b.Field && a.Code == b.Code
	})
}

func TestStoreFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		tenant := newTenant(t, d, "fukuoka")
		for _, day := range yearEndBreak() {
			if err := set(t, d, s, tenant, day); err != nil {
				t.Fatal(err)
			}
		}
		jst := zone(t, "Asia/Tokyo")
		c, err := s.For(ctx, tenant, "JP", jst)
		if err != nil {
			t.Fatalf("For: %v", err)
		}
		// As in TestTenantChanges: the stored break moves the deadline past New Year.
		if got, want := c.Due(at(t, jst, "2026-12-25 15:00"), 3), utc(t, "2027-01-05 15:00"); !got.Equal(want) {
			t.Errorf("Due = %v, want %v", got, want)
		}
		if name, _ := c.HolidayName(at(t, jst, "2026-12-31 09:00")); name != "年末年始休業" {
			t.Errorf("HolidayName = %q", name)
		}
	})
}
