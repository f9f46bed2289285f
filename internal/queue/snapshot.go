package queue

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// A change at a counter wakes every live page watching it, and each page
// then asks for its ticket's position. With thousands of watchers, ordering
// the whole queue once per watcher is quadratic work; instead the first
// asker orders it once for that change and the others read the result.
// A snapshot belongs to one "generation" of the counter: the hub bumps the
// generation with every signal (local or from another node), so a
// snapshot never outlives the change after which it was taken.
//
// Ten thousand pages wake within a millisecond of each other, so the read
// path takes only a read lock, and those who arrive while the snapshot is
// computed wait on one channel that releases them all at once: a mutex
// would hand itself from waiter to waiter, one scheduling at a time.

type snapshot struct {
	gen      uint64
	tenantID ids.Tenant
	day      string
	until    time.Time             // the end of the counter's local day: then the queue is another day's
	tickets  map[ids.Ticket]placed // the waiting tickets by ID; never changed once made, so snapshots share it
	shift    int                   // tickets called from the front since the map was read (see dropHead)
	served   []servedTicket        // the day's latest served tickets, newest first
	times    []time.Duration       // their service times, for the estimate
	slot     int
	capacity int
}

// position is a ticket's place in snap's queue (0: next), false when it
// is not waiting there.
func (snap *snapshot) position(id ids.Ticket) (placed, int, bool) {
	t, ok := snap.tickets[id]
	if !ok || t.pos < snap.shift {
		return placed{}, -1, false
	}
	return t, t.pos - snap.shift, true
}

// placed is a waiting ticket and its position (0: next).
type placed struct {
	Brief
	pos int
}

// flight is a snapshot being computed; done closes when it is ready.
type flight struct {
	gen      uint64
	tenantID ids.Tenant
	done     chan struct{}
	snap     *snapshot
	err      error
}

type snapshots struct {
	mu       sync.RWMutex
	byCtr    map[string]*snapshot
	inFlight map[string]*flight
	computed atomic.Uint64 // snapshots computed, for tests and the curious
	derived  atomic.Uint64 // and derived from the one before
}

// get returns counterID's snapshot if it is of generation gen, of tenantID
// (another tenant's request computes its own, and is refused there), and
// of the counter's local today.
func (ss *snapshots) get(counterID ids.Counter, gen uint64, tenantID ids.Tenant, now time.Time) *snapshot {
	ss.mu.RLock()
	snap := ss.byCtr[string(counterID)]
	ss.mu.RUnlock()
	if snap == nil || snap.gen != gen || snap.tenantID != tenantID || !now.Before(snap.until) {
		return nil
	}
	return snap
}

// join returns the computation of counterID's snapshot in flight, or
// starts one (lead true: the caller computes it and calls land). A
// snapshot that landed since the caller's get missed is returned as
// ready instead: without that look, a page slower than the crowd would
// start a second computation of the same generation.
func (ss *snapshots) join(counterID ids.Counter, gen uint64, tenantID ids.Tenant, now time.Time) (f *flight, lead bool, ready *snapshot) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if snap := ss.byCtr[string(counterID)]; snap != nil && snap.gen == gen && snap.tenantID == tenantID && now.Before(snap.until) {
		return nil, false, snap
	}
	if f := ss.inFlight[string(counterID)]; f != nil {
		return f, false, nil
	}
	if ss.inFlight == nil {
		ss.inFlight, ss.byCtr = map[string]*flight{}, map[string]*snapshot{}
	}
	f = &flight{gen: gen, tenantID: tenantID, done: make(chan struct{})}
	ss.inFlight[string(counterID)] = f
	return f, true, nil
}

// land publishes a finished computation and releases its waiters.
func (ss *snapshots) land(counterID ids.Counter, f *flight) {
	ss.computed.Add(1)
	ss.mu.Lock()
	if f.err == nil {
		if old := ss.byCtr[string(counterID)]; old == nil || old.gen <= f.gen {
			ss.byCtr[string(counterID)] = f.snap
		}
	}
	delete(ss.inFlight, string(counterID))
	ss.mu.Unlock()
	close(f.done)
}

// snapshot returns counterID's queue as of its current generation,
// computing it once when needed.
func (s *Store) snapshot(ctx context.Context, tenantID ids.Tenant, counterID ids.Counter) (*snapshot, error) {
	// The generation is read before the queue: a change committed while
	// the queue is read bumps it, and the next asker computes again.
	gen := s.hub.generation(counterID)
	for {
		if snap := s.snaps.get(counterID, gen, tenantID, s.now()); snap != nil {
			return snap, nil // no query at all
		}
		f, lead, ready := s.snaps.join(counterID, gen, tenantID, s.now())
		if ready != nil {
			return ready, nil
		}
		if lead {
			// Detached from the leader's request: its page closing must not
			// fail the computation the others wait for.
			f.snap, f.err = s.computeSnapshot(context.WithoutCancel(ctx), tenantID, counterID, gen)
			s.snaps.land(counterID, f)
			return f.snap, f.err
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// A computation of this generation or a later one, for this
		// tenant, serves; an older one or another tenant's does not.
		if f.gen >= gen && f.tenantID == tenantID {
			return f.snap, f.err
		}
	}
}

// computeSnapshot reads counterID's waiting tickets of today, oldest
// first, and gives each its place by counting (positionIn) instead of
// ordering them again: one pass, no sort, no second list.
func (s *Store) computeSnapshot(ctx context.Context, tenantID ids.Tenant, counterID ids.Counter, gen uint64) (*snapshot, error) {
	c, err := loadCounter(ctx, s.db, tenantID, counterID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	day := c.today(now)
	waiting, prio, err := waitingByAge(ctx, s.db, c.ID, day)
	if err != nil {
		return nil, err
	}
	streak, err := priorityStreak(ctx, s.db, c.ID, day)
	if err != nil {
		return nil, err
	}
	served, err := recentServed(ctx, s.db, c.ID, day)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{gen: gen, tenantID: tenantID, day: day, until: endOfDay(now, c.loc),
		tickets: make(map[ids.Ticket]placed, len(waiting)), served: served, times: durations(served),
		slot: c.SlotMinutes, capacity: c.Capacity}
	var seen [2]int // regular, priority tickets so far
	total := [2]int{len(waiting) - prio, prio}
	for _, w := range waiting {
		class := 0
		if w.priority {
			class = 1
		}
		snap.tickets[w.ID] = placed{w.Brief, positionIn(w.priority, seen[class], total[1-class], streak)}
		seen[class]++
	}
	return snap, nil
}

// queued is a waiting ticket as the snapshot reads it.
type queued struct {
	Brief
	priority bool
}

// waitingByAge reads a counter's waiting tickets of day, oldest first (the
// order within each class), with only what showing and placing them needs:
// with ten thousand waiting, every column left out is ten thousand
// conversions saved, and this read stands between a change and every page
// hearing of it. prio is how many of them are priority tickets.
func waitingByAge(ctx context.Context, q db.Querier, counterID ids.Counter, day string) (waiting []queued, prio int, err error) {
	rows, err := q.QueryContext(ctx, `SELECT id, number, label, priority FROM tickets
		WHERE counter_id = ? AND day = ? AND status = ? ORDER BY created_at, number`, counterID, day, Waiting)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		w := queued{Brief: Brief{CounterID: counterID, Status: Waiting}}
		var p string
		if err := rows.Scan(&w.ID, &w.Number, &w.Label, &p); err != nil {
			return nil, 0, err
		}
		if w.priority = p != Regular; w.priority {
			prio++
		}
		waiting = append(waiting, w)
	}
	return waiting, prio, rows.Err()
}

// endOfDay is the first instant of the day after now's, in loc.
func endOfDay(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// StatusAt returns a ticket of counterID with its position and estimated
// wait (see Position), reading the shared snapshot of the counter's queue:
// for a waiting ticket it costs no query once the snapshot exists. Live
// pages use it after their first read.
func (s *Store) StatusAt(ctx context.Context, tenantID ids.Tenant, counterID ids.Counter, id ids.Ticket) (_ Brief, _ int, _ int, err error) {
	defer wrapf(&err, "status at counter %s ticket %s", counterID, id)
	snap, err := s.snapshot(ctx, tenantID, counterID)
	if err != nil {
		return Brief{}, -1, 0, err
	}
	if t, pos, ok := snap.position(id); ok && snap.tenantID == tenantID {
		return t.Brief, pos, estimateWait(pos, snap.times, snap.slot, snap.capacity), nil
	}
	// Not waiting (called, done, gone) or not of this counter: read it.
	t, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return Brief{}, -1, 0, err
	}
	return t.Brief(), -1, 0, nil
}

// The store knows what its own changes did to a counter's queue. For the
// commonest (call-next, finish, no-show, a call opened) it turns the
// current snapshot into the next generation's in constant time instead of
// reading every waiting ticket again: with ten thousand waiting that read
// is tens of milliseconds and megabytes of garbage between a change and
// the first page hearing of it. A derivation returns nil when the change
// cannot be applied to the snapshot it is given; readers then read the
// queue again, as after any change from another node.

// changedWith signals a committed change at counterID, like changed, and
// when the counter's snapshot is of the generation just before this
// change, replaces it by derive's. Both happen under the snapshots' lock,
// so the pages woken by the signal find the derived snapshot, and two
// changes at once derive one after the other.
func (s *Store) changedWith(counterID ids.Counter, derive func(*snapshot) *snapshot) {
	s.snaps.mu.Lock()
	old := s.snaps.byCtr[string(counterID)]
	gen := s.hub.notify(string(counterID))
	if old != nil && old.gen+1 == gen {
		if next := derive(old); next != nil {
			next.gen = gen
			s.snaps.byCtr[string(counterID)] = next
			s.snaps.derived.Add(1)
		}
	}
	s.snaps.mu.Unlock()
	if s.publish != nil {
		s.publish(string(counterID))
	}
}

// dropHead derives the queue after ticket id was called from its front:
// every other ticket moves up one. Only when id is at the front of the
// snapshot: if the snapshot already misses it, or has it elsewhere, it was
// read at another moment than the call, and the queue is read again.
// (The priority rule needs nothing more: the order already counted the
// streak the call adds to.)
func dropHead(id ids.Ticket) func(*snapshot) *snapshot {
	return func(old *snapshot) *snapshot {
		if _, pos, ok := old.position(id); !ok || pos != 0 {
			return nil
		}
		next := *old
		next.shift++
		return &next
	}
}

// unchanged derives a snapshot after a change that does not touch the
// waiting line or the served times (a call again, a no-show, a call
// opened): the same queue, of the next generation.
func unchanged(old *snapshot) *snapshot {
	next := *old
	return &next
}

// served derives the snapshot after a change to ticket t that was not
// waiting before and is not now: if t was done, its service time joins
// the latest ones the estimate averages.
func served(t Ticket) func(*snapshot) *snapshot {
	return func(old *snapshot) *snapshot {
		if t.Status != Done || t.CalledAt == nil || t.FinishedAt == nil {
			return unchanged(old)
		}
		if t.Day != old.day {
			return nil
		}
		if slices.ContainsFunc(old.served, func(st servedTicket) bool { return st.id == t.ID }) {
			return unchanged(old) // read after it was done
		}
		st := servedTicket{id: t.ID, took: t.FinishedAt.Sub(*t.CalledAt), finished: t.FinishedAt.UTC()}
		i, _ := slices.BinarySearchFunc(old.served, st, func(a, b servedTicket) int {
			return cmp.Or(b.finished.Compare(a.finished), cmp.Compare(a.id, b.id)) // newest first, as read
		})
		next := *old
		next.served = slices.Insert(slices.Clone(old.served), i, st)
		next.served = next.served[:min(len(next.served), AverageOver)]
		next.times = durations(next.served)
		return &next
	}
}
