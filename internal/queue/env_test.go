package queue

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/testenv"
)

// start is "now" in these tests: Friday 13 November 2026, 12:00 in Japan,
// 10:00 in Banyuwangi.
var start = testenv.Start

type env struct {
	*testenv.Env
	ctx      context.Context
	d        *db.DB
	clk      *clock.Fixed
	st       *Store
	counters *counter.Store
	tenants  map[string]tenant.Tenant
	calls    int // calls made through callNext, each by its own officer
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	w := testenv.New(t, d)
	return &env{Env: w, ctx: w.Ctx, d: d, clk: w.Clock, st: NewStore(d, w.Clock),
		counters: counter.NewStore(d, w.Clock, calendar.NewStore(d)), tenants: w.Tenants}
}

// counter saves an active counter of slug with 10-minute slots and one
// seat, changed by mod.
func (e *env) counter(t testing.TB, slug string, mod func(*counter.Counter)) counter.Counter {
	t.Helper()
	c := counter.Counter{Code: fmt.Sprintf("Q-%d", e.Next()), Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"},
		SlotMinutes: 10, Capacity: 1, Active: true}
	if mod != nil {
		mod(&c)
	}
	saved, err := e.counters.Save(e.ctx, audit.System, e.tenants[slug].ID, c, nil, nil)
	if err != nil {
		t.Fatalf("save counter: %v", err)
	}
	return saved
}

// user inserts a minimal account and returns its ID.
func (e *env) user(t *testing.T) ids.User {
	t.Helper()
	return e.User(t, "user").ID
}

func as(userID ids.User) audit.Actor {
	return audit.Actor{ID: userID, Label: string(userID), IP: "192.0.2.1"}
}

var officer = audit.Actor{Label: "officer"}

// take takes an anonymous ticket at c (priority "" or one of the
// priorities), one second after the previous step.
func (e *env) take(t testing.TB, slug string, c counter.Counter, priority string) Ticket {
	t.Helper()
	e.clk.Advance(time.Second)
	tk, err := e.st.Take(e.ctx, audit.System, e.tenants[slug], c.ID, "", SourceKiosk, priority)
	if err != nil {
		t.Fatalf("take at %s: %v", c.Code, err)
	}
	return tk
}

// callNext calls the next ticket at c one second after the previous step,
// each time by another officer (officer-1, officer-2, …): an officer calls
// one person at a time, and the ordering tests call many in a row.
func (e *env) callNext(t testing.TB, slug string, c counter.Counter) (Ticket, error) {
	t.Helper()
	e.clk.Advance(time.Second)
	e.calls++
	return e.st.CallNext(e.ctx, officer, e.tenants[slug].ID, c.ID, ids.User(fmt.Sprint("officer-", e.calls)))
}

func (e *env) mustCall(t testing.TB, slug string, c counter.Counter) Ticket {
	t.Helper()
	tk, err := e.callNext(t, slug, c)
	if err != nil {
		t.Fatalf("call next at %s: %v", c.Code, err)
	}
	return tk
}

func labels(ts []Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Label
	}
	return out
}

// auditIntact fails t unless the audit chain verifies, and returns how
// many entries it has.
func (e *env) auditIntact(t *testing.T) int64 {
	t.Helper()
	n, p, err := audit.Verify(e.ctx, e.d)
	if err != nil || p != nil {
		t.Fatalf("audit chain: %v %v", p, err)
	}
	return n
}

// signalled tells whether ch holds a signal (or is closed: ok false).
func signalled(ch <-chan struct{}) (got, open bool) {
	select {
	case _, ok := <-ch:
		return true, ok
	case <-time.After(50 * time.Millisecond):
		return false, true
	}
}
