package application_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/tenant"
)

// recorder is a transition hook that remembers what it was told.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) OnTransition(_ context.Context, _ *db.Tx, _ tenant.Tenant, _ catalog.Service, a application.Application, e application.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, a.TrackingNumber+" "+e.Action)
	return nil
}

func TestEscalateOverdue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rec := &recorder{}
		e.apps.OnTransition(rec)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		applicant := e.user(t, "Warga")
		late := e.submit(t, s, applicant)
		lookup := application.Lookup{
			Tenant: e.tenants.ByID, Service: e.catalog.ByID,
		}
		if n, err := e.apps.Escalate(e.ctx, lookup); err != nil || n != 0 {
			t.Fatalf("nothing is overdue yet: %d, %v", n, err)
		}
		e.setClock(late.DueAt.Add(time.Minute))
		fresh := e.submit(t, s, applicant) // submitted now: not overdue
		n, err := e.apps.Escalate(e.ctx, lookup)
		if err != nil || n != 1 {
			t.Fatalf("escalated %d, %v; want 1", n, err)
		}
		if got := e.get(t, s, string(late.ID)); !got.Escalated || got.Version != late.Version+1 {
			t.Fatalf("late application: escalated %v version %d", got.Escalated, got.Version)
		}
		if got := e.get(t, s, string(fresh.ID)); got.Escalated {
			t.Fatal("an application within its deadline was escalated")
		}
		// A second run does not escalate (or notify) again.
		if n, _ := e.apps.Escalate(e.ctx, lookup); n != 0 {
			t.Fatalf("escalated again: %d", n)
		}
		tl, _ := e.apps.Timeline(e.ctx, s.tn.ID, late.ID)
		if last := tl[len(tl)-1]; last.Action != "escalate" || last.ActorRole != "system" {
			t.Fatalf("timeline ends with %+v", last)
		}
		want := []string{late.TrackingNumber + " submit", fresh.TrackingNumber + " submit", late.TrackingNumber + " escalate"}
		if len(rec.events) != len(want) {
			t.Fatalf("hook saw %v, want %v", rec.events, want)
		}
		for i := range want {
			if rec.events[i] != want[i] {
				t.Fatalf("hook saw %v, want %v", rec.events, want)
			}
		}
		// Moving on clears the mark: the next state has its own deadline.
		moved := e.act(t, s, officerOf(e.user(t, "Petugas")), e.get(t, s, string(late.ID)), "start_review", "")
		if moved.Escalated {
			t.Fatal("escalation mark kept after the state changed")
		}
		e.verifyAudit(t)
	})
}
