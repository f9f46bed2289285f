package counter

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// schedule is what decides a counter's opening hours on a given day.
type schedule struct {
	counter    Counter
	plan       map[time.Weekday][]Hours // each weekday's hours by start
	exceptions map[string]Exception     // by local day
	cal        *calendar.Calendar
	loc        *time.Location
}

// hoursOn returns the opening hours of the local day that starts at
// midnight: an exception decides first (closed, or its own hours even on
// a day off); otherwise a working day of the tenant's calendar has the
// weekday's plan and any other day is closed.
func (sc schedule) hoursOn(midnight time.Time) []Hours {
	if e, ok := sc.exceptions[midnight.Format(dayLayout)]; ok {
		if e.Closed {
			return nil
		}
		return []Hours{{Weekday: midnight.Weekday(), Start: e.Start, End: e.End}}
	}
	if !sc.cal.IsWorkingDay(midnight) {
		return nil
	}
	return sc.plan[midnight.Weekday()]
}

// startMinutes lays slots back to back within each stretch of hours: a
// slot occupies [start-BufferBefore, start+SlotMinutes+BufferAfter), the
// first occupies from the opening, and none runs past the closing.
func startMinutes(c Counter, hours []Hours) []int {
	step := c.BufferBefore + c.SlotMinutes + c.BufferAfter
	if c.SlotMinutes <= 0 || step <= 0 {
		return nil
	}
	var out []int
	for _, h := range hours {
		for m := h.Start + c.BufferBefore; m+c.SlotMinutes+c.BufferAfter <= h.End; m += step {
			out = append(out, m)
		}
	}
	return out
}

// startsOn returns the UTC starts of the slots on the local day of
// midnight, in order.
func (sc schedule) startsOn(midnight time.Time) []time.Time {
	mins := startMinutes(sc.counter, sc.hoursOn(midnight))
	out := make([]time.Time, 0, len(mins))
	y, m, d := midnight.Date()
	for _, min := range mins {
		out = append(out, time.Date(y, m, d, 0, min, 0, 0, sc.loc).UTC())
	}
	return out
}

// localMidnight is the start of the local day of t in loc.
func localMidnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// loadSchedule reads what decides the hours of c from day first to last
// (local midnights).
func (s *Store) loadSchedule(ctx context.Context, t tenant.Tenant, c Counter, first, last time.Time) (schedule, error) {
	loc := t.Location()
	sc := schedule{counter: c, plan: map[time.Weekday][]Hours{}, exceptions: map[string]Exception{}, loc: loc}
	plan, err := s.Plan(ctx, c.ID)
	if err != nil {
		return sc, err
	}
	for _, h := range plan {
		sc.plan[h.Weekday] = append(sc.plan[h.Weekday], h)
	}
	exs, err := exceptions(ctx, s.db, c.ID, first.Format(dayLayout), last.Format(dayLayout))
	if err != nil {
		return sc, err
	}
	for _, e := range exs {
		sc.exceptions[e.Day] = e
	}
	sc.cal, err = s.cal.For(ctx, t.ID, string(t.Country), loc)
	return sc, err
}

// Slots computes the bookable slots of a counter of t from the local date
// of from to that of to (in t's zone, both included, at most MaxDays days;
// ErrRange otherwise). Slots starting before now+LeadTime are left out;
// full slots are kept with Free 0. An inactive counter has no slots.
func (s *Store) Slots(ctx context.Context, t tenant.Tenant, counterID ids.Counter, from, to time.Time) (_ []Slot, err error) {
	defer wrapf(&err, "compute the slots of counter %s", counterID)
	loc := t.Location()
	first, last := localMidnight(from, loc), localMidnight(to, loc)
	days := int(math.Round(last.Sub(first).Hours()/24)) + 1
	if days < 1 || days > MaxDays {
		return nil, ErrRange
	}
	c, err := s.Get(ctx, t.ID, counterID)
	if err != nil || !c.Active {
		return nil, err
	}
	sc, err := s.loadSchedule(ctx, t, c, first, last)
	if err != nil {
		return nil, err
	}
	earliest := s.now().Add(LeadTime)
	var starts []time.Time
	for i := range days {
		for _, st := range sc.startsOn(first.AddDate(0, 0, i)) {
			if !st.Before(earliest) {
				starts = append(starts, st)
			}
		}
	}
	if len(starts) == 0 {
		return nil, nil
	}
	taken, err := seatsTaken(ctx, s.db, c.ID, starts[0], starts[len(starts)-1])
	if err != nil {
		return nil, err
	}
	out := make([]Slot, 0, len(starts))
	for _, st := range starts {
		out = append(out, Slot{Start: st, End: st.Add(time.Duration(c.SlotMinutes) * time.Minute),
			Capacity: c.Capacity, Free: max(0, c.Capacity-taken[st.Unix()])})
	}
	return out, nil
}

// seatsTaken counts the seats held at each start (Unix seconds) between
// first and last. Every appointment not cancelled holds its seat (the
// unique index says so), so a no-show marked early still counts.
func seatsTaken(ctx context.Context, q db.Querier, counterID ids.Counter, first, last time.Time) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT start_at FROM appointments
		WHERE counter_id = ? AND start_at >= ? AND start_at <= ? AND status <> 'cancelled'`,
		counterID, first.UTC(), last.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	taken := map[int64]int{}
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		taken[at.Unix()]++
	}
	return taken, rows.Err()
}

// bookable tells whether start is a slot of c that may be booked now.
func (s *Store) bookable(ctx context.Context, t tenant.Tenant, c Counter, start time.Time) (bool, error) {
	if !c.Active || start.Before(s.now().Add(LeadTime)) {
		return false, nil
	}
	day := localMidnight(start, t.Location())
	sc, err := s.loadSchedule(ctx, t, c, day, day)
	if err != nil {
		return false, err
	}
	for _, st := range sc.startsOn(day) {
		if st.Equal(start) {
			return true, nil
		}
	}
	return false, nil
}

// openLookahead is how far OpenAt looks for the next opening.
const openLookahead = 14

// OpenAt tells whether the counter of t is open at the moment at, by its
// plan, exceptions and the tenant's calendar, and if not, when it next
// opens within two weeks (zero when it does not). Walk-in tickets are only
// taken while a counter is open: a number taken on a Saturday would wait
// for nobody.
func (s *Store) OpenAt(ctx context.Context, t tenant.Tenant, counterID ids.Counter, at time.Time) (_ bool, _ time.Time, err error) {
	defer wrapf(&err, "open at counter %s", counterID)
	key := string(t.ID) + "|" + string(counterID)
	if st, ok := s.opens.Get(key); ok && !at.Before(st.from) && at.Before(st.until) {
		return st.open, st.next, nil
	}
	gen := s.opens.Generation()
	st, err := s.openState(ctx, t, counterID, at)
	if err != nil {
		return false, time.Time{}, err
	}
	s.opens.Put(key, st, gen)
	return st.open, st.next, nil
}

// openState is OpenAt's answer at a moment, with the span it holds for.
type openState struct {
	open        bool
	next        time.Time
	from, until time.Time
}

func (s *Store) openState(ctx context.Context, t tenant.Tenant, counterID ids.Counter, at time.Time) (openState, error) {
	// With no opening in sight, the answer is kept for a minute.
	none := openState{from: at, until: at.Add(time.Minute)}
	c, err := s.Get(ctx, t.ID, counterID)
	if err != nil {
		return none, err
	}
	if !c.Active {
		return none, nil
	}
	loc := t.Location()
	first := localMidnight(at, loc)
	last := first.AddDate(0, 0, openLookahead)
	sc, err := s.loadSchedule(ctx, t, c, first, last)
	if err != nil {
		return none, fmt.Errorf("counter: opening hours of %s: %w", c.Code, err)
	}
	for i := 0; i <= openLookahead; i++ {
		day := first.AddDate(0, 0, i)
		y, m, d := day.Date()
		for _, h := range sc.hoursOn(day) {
			start := time.Date(y, m, d, 0, h.Start, 0, 0, loc)
			end := time.Date(y, m, d, 0, h.End, 0, 0, loc)
			if !at.Before(start) && at.Before(end) {
				return openState{open: true, from: start, until: end}, nil
			}
			if start.After(at) {
				return openState{next: start, from: at, until: start}, nil
			}
		}
	}
	return none, nil
}
