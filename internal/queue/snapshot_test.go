package queue

import (
	"errors"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

// TestStatusAtSharesOneOrdering: live pages read positions from one
// snapshot per change; the snapshot follows every change and is never
// shared across tenants.
func TestStatusAtSharesOneOrdering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil)
		fk := e.tenants["fukuoka"].ID
		a, b := e.take(t, "fukuoka", c, ""), e.take(t, "fukuoka", c, "")
		p := e.take(t, "fukuoka", c, Elderly) // priority goes first
		for id, want := range map[string]int{p.ID: 0, a.ID: 1, b.ID: 2} {
			tk, pos, _, err := e.st.StatusAt(e.ctx, fk, c.ID, id)
			if err != nil || pos != want || tk.ID != id || tk.Status != Waiting {
				t.Fatalf("StatusAt(%s) = %v %d %v, want position %d", id, tk.ID, pos, err, want)
			}
		}
		first := e.st.snaps.byCtr[c.ID]
		if _, _, _, err := e.st.StatusAt(e.ctx, fk, c.ID, a.ID); err != nil || e.st.snaps.byCtr[c.ID] != first {
			t.Fatal("a read without a change ordered the queue again")
		}
		called := e.mustCall(t, "fukuoka", c)
		if called.ID != p.ID {
			t.Fatalf("called %s, want the priority ticket", called.ID)
		}
		tk, pos, _, err := e.st.StatusAt(e.ctx, fk, c.ID, p.ID)
		if err != nil || pos != -1 || tk.Status != Called {
			t.Fatalf("called ticket: %+v %d %v", tk, pos, err)
		}
		if _, pos, _, _ := e.st.StatusAt(e.ctx, fk, c.ID, a.ID); pos != 0 {
			t.Fatalf("after the call, the next one is at %d", pos)
		}
		if e.st.snaps.byCtr[c.ID] == first {
			t.Fatal("the snapshot outlived a change")
		}
		// Another tenant cannot read through the snapshot.
		if _, _, _, err := e.st.StatusAt(e.ctx, e.tenants["banyuwangi"].ID, c.ID, a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("other tenant: %v", err)
		}
		// A signal from another node (Wake) also retires the snapshot.
		before := e.st.snaps.byCtr[c.ID]
		e.st.Wake(c.ID)
		e.st.StatusAt(e.ctx, fk, c.ID, a.ID)
		if e.st.snaps.byCtr[c.ID] == before {
			t.Fatal("a signal from another node did not retire the snapshot")
		}
	})
}
