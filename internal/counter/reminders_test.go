package counter

import (
	"testing"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

func TestReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil, weekdays(hm(9, 0), hm(12, 0)))
		alice, bob := e.user(t), e.user(t)
		// Booked on Friday for Monday 10:00 in Fukuoka.
		early := e.mustBook(t, "fukuoka", c, string(alice), e.at("fukuoka", "2026-11-16", 10, 0))
		due := func(at time.Time) map[string]string {
			t.Helper()
			e.setClock(at)
			list, err := e.st.DueReminders(e.ctx, at, 100)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, r := range list {
				out[r.ID] = r.Kind
			}
			return out
		}
		mark := func(id, kind string) bool {
			t.Helper()
			var ok bool
			if err := d.InTx(e.ctx, func(tx *db.Tx) error {
				var err error
				ok, err = MarkReminded(e.ctx, tx, id, kind, e.clk.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if got := due(e.at("fukuoka", "2026-11-15", 9, 59)); len(got) != 0 {
			t.Fatalf("25 h before: %v", got)
		}
		if got := due(e.at("fukuoka", "2026-11-15", 10, 0)); got[early.ID] != RemindDay {
			t.Fatalf("24 h before: %v", got)
		}
		if !mark(early.ID, RemindDay) || mark(early.ID, RemindDay) {
			t.Fatal("a reminder was recorded twice")
		}
		if got := due(e.at("fukuoka", "2026-11-15", 18, 0)); len(got) != 0 {
			t.Fatalf("after the day reminder: %v", got)
		}
		// Bob books on Monday at 09:00 for 11:00: no day reminder, but the
		// hour one comes at 10:00.
		late := e.mustBook(t, "fukuoka", c, string(bob), e.at("fukuoka", "2026-11-16", 11, 0))
		got := due(e.at("fukuoka", "2026-11-16", 9, 15))
		if got[early.ID] != RemindHour || got[late.ID] != "" {
			t.Fatalf("Monday 09:15: %v", got)
		}
		mark(early.ID, RemindHour)
		if got := due(e.at("fukuoka", "2026-11-16", 10, 0)); got[late.ID] != RemindHour || got[early.ID] != "" {
			t.Fatalf("Monday 10:00: %v", got)
		}
		// Booked 35 minutes ahead: no reminder at all.
		e.setClock(e.at("fukuoka", "2026-11-16", 10, 55))
		last := e.mustBook(t, "fukuoka", c, string(alice), e.at("fukuoka", "2026-11-16", 11, 30))
		if got := due(e.at("fukuoka", "2026-11-16", 11, 0)); got[last.ID] != "" {
			t.Fatalf("booked 35 minutes ahead: %v", got)
		}
		// A cancelled appointment gets nothing.
		if err := e.st.Cancel(e.ctx, as(bob), e.tenants["fukuoka"].ID, late.ID, bob, false); err != nil {
			t.Fatal(err)
		}
		if got := due(e.at("fukuoka", "2026-11-16", 10, 30)); got[late.ID] != "" {
			t.Fatalf("cancelled: %v", got)
		}
	})
}
