package counter

import (
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

// TestOpenAt: whether a counter is open now, and when it opens next, from
// its weekly plan, its exceptions and the tenant's calendar (national
// holidays, own closing days), on both databases.
func TestOpenAt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		ten := e.tenants[slug]
		c := e.counter(t, slug, nil, nil) // weekdays 09:00–12:00
		check := func(name string, at time.Time, wantOpen bool, wantNext time.Time) {
			t.Helper()
			open, next, err := e.st.OpenAt(e.ctx, ten, c.ID, at)
			if err != nil || open != wantOpen || !next.Equal(wantNext) {
				t.Errorf("%s: OpenAt(%v) = %v, %v, %v; want %v, %v", name, at, open, next, err, wantOpen, wantNext)
			}
		}
		check("Monday 10:00", e.at(slug, "2026-12-07", 10, 0), true, time.Time{})
		check("Monday 08:59", e.at(slug, "2026-12-07", 8, 59), false, e.at(slug, "2026-12-07", 9, 0))
		check("Monday 12:00, the end", e.at(slug, "2026-12-07", 12, 0), false, e.at(slug, "2026-12-08", 9, 0))
		check("Saturday", e.at(slug, "2026-12-05", 10, 0), false, e.at(slug, "2026-12-07", 9, 0))
		// Christmas (national) and cuti bersama on the 24th close it.
		check("Christmas Eve", e.at(slug, "2026-12-24", 10, 0), false, e.at(slug, "2026-12-28", 9, 0))
		// An exception opens it late on Tuesday; the tenant closes Wednesday.
		if err := e.st.SetException(e.ctx, audit.System, ten.ID, c.ID, Exception{Day: "2026-12-08", Start: hm(10, 30), End: hm(11, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := d.InTx(e.ctx, func(tx *db.Tx) error {
			return e.cal.Set(e.ctx, tx, ten.ID, calendar.Day{Date: "2026-12-09", Kind: calendar.Holiday, Name: "Hari jadi"})
		}); err != nil {
			t.Fatal(err)
		}
		e.cal.Changed()
		check("Tuesday 10:00, opening at 10:30", e.at(slug, "2026-12-08", 10, 0), false, e.at(slug, "2026-12-08", 10, 30))
		check("Tuesday 11:00", e.at(slug, "2026-12-08", 11, 0), false, e.at(slug, "2026-12-10", 9, 0))
		// An inactive counter never opens.
		c.Active = false
		if _, err := e.st.Save(e.ctx, audit.System, ten.ID, c, weekdays(hm(9, 0), hm(12, 0)), nil); err != nil {
			t.Fatal(err)
		}
		check("inactive", e.at(slug, "2026-12-07", 10, 0), false, time.Time{})
	})
}

// BenchmarkOpenAt is what every live ticket page costs on each change of
// its queue: the cached answer, against reading plan, exceptions and
// calendar each time (run with -bench OpenAt; results in docs/benchmarks.md).
func BenchmarkOpenAt(b *testing.B) {
	d := dbtest.SQLite(b)
	e := newEnv(b, d)
	ten := e.tenants["banyuwangi"]
	c := e.counter(b, "banyuwangi", nil, nil)
	at := e.at("banyuwangi", "2026-12-07", 10, 0)
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := e.st.OpenAt(e.ctx, ten, c.ID, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			e.st.opens.Forget()
			if _, _, err := e.st.OpenAt(e.ctx, ten, c.ID, at); err != nil {
				b.Fatal(err)
			}
		}
	})
}
