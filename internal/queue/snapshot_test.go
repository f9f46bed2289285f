package queue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
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
		for id, want := range map[ids.Ticket]int{p.ID: 0, a.ID: 1, b.ID: 2} {
			tk, pos, _, err := e.st.StatusAt(e.ctx, fk, c.ID, id)
			if err != nil || pos != want || tk.ID != id || tk.Status != Waiting {
				t.Fatalf("StatusAt(%s) = %v %d %v, want position %d", id, tk.ID, pos, err, want)
			}
		}
		first := e.st.snaps.byCtr[string(c.ID)]
		if _, _, _, err := e.st.StatusAt(e.ctx, fk, c.ID, a.ID); err != nil || e.st.snaps.byCtr[string(c.ID)] != first {
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
		if e.st.snaps.byCtr[string(c.ID)] == first {
			t.Fatal("the snapshot outlived a change")
		}
		// Another tenant cannot read through the snapshot.
		if _, _, _, err := e.st.StatusAt(e.ctx, e.tenants["banyuwangi"].ID, c.ID, a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("other tenant: %v", err)
		}
		// A signal from another node (Wake) also retires the snapshot.
		before := e.st.snaps.byCtr[string(c.ID)]
		e.st.Wake(c.ID)
		e.st.StatusAt(e.ctx, fk, c.ID, a.ID)
		if e.st.snaps.byCtr[string(c.ID)] == before {
			t.Fatal("a signal from another node did not retire the snapshot")
		}
	})
}

// TestStatusAtCrowd: a crowd of pages woken by one change orders the queue
// once between them (or not at all, when the change was call-next here),
// and the one that starts the work may leave (its request cancelled)
// without failing the others.
func TestStatusAtCrowd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil)
		fk := e.tenants["fukuoka"].ID
		var tickets []ids.Ticket
		for range 5 {
			tickets = append(tickets, e.take(t, "fukuoka", c, "").ID)
		}
		gone, cancel := context.WithCancel(e.ctx)
		cancel()
		before := e.st.snaps.computed.Load()
		if _, pos, _, err := e.st.StatusAt(gone, fk, c.ID, tickets[4]); err != nil || pos != 4 {
			t.Fatalf("a page that already left: position %d, %v", pos, err)
		}
		const crowd = 300
		var wg sync.WaitGroup
		errs := make(chan error, crowd)
		for i := range crowd {
			wg.Go(func() {
				id := tickets[i%len(tickets)]
				if _, pos, _, err := e.st.StatusAt(e.ctx, fk, c.ID, id); err != nil || pos != i%len(tickets) {
					errs <- fmt.Errorf("%s: position %d, %v", id, pos, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := e.st.snaps.computed.Load() - before; n != 1 {
			t.Fatalf("%d pages ordered the queue %d times, want once", crowd+1, n)
		}
		// Call-next is this store's own change: the next snapshot is derived
		// from this one, and nobody reads the queue again.
		e.mustCall(t, "fukuoka", c)
		derived := e.st.snaps.derived.Load()
		for i := range crowd {
			wg.Go(func() {
				if _, pos, _, err := e.st.StatusAt(e.ctx, fk, c.ID, tickets[1+i%4]); err != nil || pos != i%4 {
					t.Errorf("after the call: position %d, %v", pos, err)
				}
			})
		}
		wg.Wait()
		if n := e.st.snaps.computed.Load() - before; n != 1 || derived == 0 {
			t.Fatalf("after call-next: %d orderings in all, %d derived snapshots", n, derived)
		}
		// A change from another node (or one this store cannot derive)
		// makes the crowd read the queue again, once.
		e.st.Wake(c.ID)
		for i := range crowd {
			wg.Go(func() {
				if _, pos, _, err := e.st.StatusAt(e.ctx, fk, c.ID, tickets[1+i%4]); err != nil || pos != i%4 {
					t.Errorf("after another node's change: position %d, %v", pos, err)
				}
			})
		}
		wg.Wait()
		if n := e.st.snaps.computed.Load() - before; n != 2 {
			t.Fatalf("after another node's change: %d orderings in all, want 2", n)
		}
	})
}
