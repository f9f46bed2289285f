package queue

import (
	"context"
	"sync"
	"time"
)

// A change at a counter wakes every live page watching it, and each page
// then asks for its ticket's position. With thousands of watchers, ordering
// the whole queue once per watcher is quadratic work; instead the first
// asker orders it once for that change and the others read the result.
// A snapshot belongs to one "generation" of the counter: the hub bumps the
// generation with every signal (local or from another node), so a
// snapshot never outlives the change after which it was taken.

type snapshot struct {
	gen      uint64
	day      string
	tenantID string
	pos      map[string]int    // waiting ticket ID -> position (0: next)
	tickets  map[string]Ticket // the waiting tickets themselves
	served   []time.Duration
	slot     int
	capacity int
	loc      *time.Location // the tenant's, for "today"
}

type snapshots struct {
	mu    sync.Mutex
	byCtr map[string]*snapshot
	locks map[string]*sync.Mutex // one computation per counter at a time
}

// counterLock returns the mutex that serialises computing counterID's
// snapshot.
func (ss *snapshots) counterLock(counterID string) *sync.Mutex {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.locks == nil {
		ss.locks, ss.byCtr = map[string]*sync.Mutex{}, map[string]*snapshot{}
	}
	l := ss.locks[counterID]
	if l == nil {
		l = &sync.Mutex{}
		ss.locks[counterID] = l
	}
	return l
}

// current returns counterID's snapshot of generation gen, whatever its day.
func (ss *snapshots) current(counterID string, gen uint64) *snapshot {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s := ss.byCtr[counterID]; s != nil && s.gen == gen {
		return s
	}
	return nil
}

func (ss *snapshots) put(counterID string, s *snapshot) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.byCtr[counterID] = s
}

// snapshot returns counterID's queue as of its current generation,
// computing it once when needed. Watchers woken by the same change wait
// for the one computing it rather than each reading the counter first.
func (s *Store) snapshot(ctx context.Context, tenantID, counterID string) (*snapshot, error) {
	// The generation is read before the queue: a change committed while
	// the queue is read bumps it, and the next asker computes again.
	gen := s.hub.generation(counterID)
	if snap := s.fresh(counterID, gen, tenantID); snap != nil {
		return snap, nil // no query at all
	}
	lock := s.snaps.counterLock(counterID)
	lock.Lock()
	defer lock.Unlock()
	if snap := s.fresh(counterID, gen, tenantID); snap != nil {
		return snap, nil // computed while we waited
	}
	c, err := loadCounter(ctx, s.db, tenantID, counterID)
	if err != nil {
		return nil, err
	}
	day := c.today(s.now())
	q, err := loadQueue(ctx, s.db, c, day)
	if err != nil {
		return nil, err
	}
	served, err := servedDurations(ctx, s.db, c.ID, day)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{gen: gen, day: day, tenantID: tenantID, pos: map[string]int{}, tickets: map[string]Ticket{},
		served: served, slot: c.SlotMinutes, capacity: c.Capacity, loc: c.loc}
	for i, t := range serviceOrder(q.waiting, q.streak) {
		snap.pos[t.ID], snap.tickets[t.ID] = i, t
	}
	s.snaps.put(counterID, snap)
	return snap, nil
}

// fresh is the counter's snapshot if it is of generation gen, of tenantID
// (another tenant's request computes its own, and is refused there), and
// of the counter's local today.
func (s *Store) fresh(counterID string, gen uint64, tenantID string) *snapshot {
	snap := s.snaps.current(counterID, gen)
	if snap == nil || snap.tenantID != tenantID || snap.day != s.now().In(snap.loc).Format(dayLayout) {
		return nil
	}
	return snap
}

// StatusAt returns a ticket of counterID with its position and estimated
// wait (see Position), reading the shared snapshot of the counter's queue:
// for a waiting ticket it costs no query once the snapshot exists. Live
// pages use it after their first read.
func (s *Store) StatusAt(ctx context.Context, tenantID, counterID, id string) (Ticket, int, int, error) {
	snap, err := s.snapshot(ctx, tenantID, counterID)
	if err != nil {
		return Ticket{}, -1, 0, err
	}
	if t, ok := snap.tickets[id]; ok && snap.tenantID == tenantID {
		p := snap.pos[id]
		return t, p, estimateWait(p, snap.served, snap.slot, snap.capacity), nil
	}
	// Not waiting (called, done, gone) or not of this counter: read it.
	t, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return Ticket{}, -1, 0, err
	}
	return t, -1, 0, nil
}
