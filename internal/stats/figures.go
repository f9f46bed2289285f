package stats

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/tenant"
)

// Filter selects a dashboard's figures: the months From..To ("2006-01",
// inclusive), one service (applications) and one counter (queue and
// calls); "" is every one.
type Filter struct {
	From, To  string
	ServiceID string
	CounterID string
}

// Figures are one government's sums over a filter's months, whole and
// split by month, by service, by counter and (the queue) by hour of day.
type Figures struct {
	Months    []string
	Apps      AppSums
	AppMonths []AppSums // by Months
	Services  map[string]*AppSums

	Tickets      TicketSums
	TicketMonths []TicketSums
	Hours        [24]TicketSums // by the local hour the number was taken
	Counters     map[string]*TicketSums

	Calls        CallSums
	CallMonths   []CallSums
	CallCounters map[string]*CallSums

	// Through is the last day read from the daily sums; the days after it
	// were counted from the raw tables.
	Through string
}

// Rate is part of whole in per cent, false when whole is 0 (no data,
// never 0 %).
func Rate(part, whole int64) (float64, bool) {
	if whole <= 0 {
		return 0, false
	}
	return float64(part) * 100 / float64(whole), true
}

// OnTimeRate is the share of decisions made by the date promised.
func (a AppSums) OnTimeRate() (float64, bool) { return Rate(a.OnTime, a.Decided) }

// NoShowRate is the share of numbers called that nobody answered, of
// those that ended served or not answered.
func (t TicketSums) NoShowRate() (float64, bool) { return Rate(t.NoShow, t.Done+t.NoShow) }

// months lists the months from..to inclusive ("2006-01").
func months(from, to string) ([]string, error) {
	f, err := time.Parse("2006-01", from)
	if err != nil {
		return nil, fmt.Errorf("stats: month %q: %w", from, err)
	}
	t, err := time.Parse("2006-01", to)
	if err != nil {
		return nil, fmt.Errorf("stats: month %q: %w", to, err)
	}
	var out []string
	for m := f; !m.After(t) && len(out) < 1200; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out, nil
}

// Read sums t's figures f selects: the daily sums of the days summed, and
// the raw tables for the days after them up to now.
func (s *Store) Read(ctx context.Context, t tenant.Tenant, f Filter) (_ Figures, err error) {
	defer wrapf(&err, "read the figures of %s", t.Slug)
	ms, err := months(f.From, f.To)
	if err != nil {
		return Figures{}, err
	}
	if len(ms) == 0 {
		return emptyFigures(ms), nil
	}
	fg, err := s.summedFigures(ctx, t, f, ms)
	if err != nil {
		return fg, err
	}
	first, _ := time.ParseInLocation("2006-01", ms[0], t.Location())
	last, _ := time.ParseInLocation("2006-01", ms[len(ms)-1], t.Location())
	open, err := s.countOpen(ctx, t, first, last.AddDate(0, 1, 0), fg.Through)
	if err != nil {
		return fg, err
	}
	fg.folder(f).sums(open)
	return fg, nil
}

// summedKey names the figures of the summed days for one selection: the
// mark and the moment it last moved say which sums they were read from
// (a rebuild moves it too), so a cached copy is never stale.
type summedKey struct {
	tenant   string
	f        Filter
	through  string
	markedAt int64
}

// summedFigures are the figures of the summed days of f's months, from
// this node's cache when the mark has not moved since they were read:
// the summed days never change, and a dashboard read again and again
// (several staff, a page reloaded) then costs only today's count. The
// caller gets its own copy to add the open days to.
func (s *Store) summedFigures(ctx context.Context, t tenant.Tenant, f Filter, ms []string) (Figures, error) {
	through, at, err := s.mark(ctx, t.ID)
	if err != nil {
		return Figures{}, err
	}
	key := summedKey{tenant: string(t.ID), f: f, through: through, markedAt: at.UnixNano()}
	if fg, ok := s.summed.Get(key); ok {
		return fg.clone(), nil
	}
	gen := s.summed.Generation()
	fg := emptyFigures(ms)
	fg.Through = through
	first, _ := time.ParseInLocation("2006-01", ms[0], t.Location())
	last, _ := time.ParseInLocation("2006-01", ms[len(ms)-1], t.Location())
	end := last.AddDate(0, 1, 0)
	if through != "" && through >= first.Format(dayLayout) {
		if err := s.readDays(ctx, t, first.Format(dayLayout), min(through, end.AddDate(0, 0, -1).Format(dayLayout)), f, fg.folder(f)); err != nil {
			return fg, err
		}
	}
	s.summed.Put(key, fg.clone(), gen)
	return fg, nil
}

func emptyFigures(ms []string) Figures {
	return Figures{Months: ms, AppMonths: make([]AppSums, len(ms)), TicketMonths: make([]TicketSums, len(ms)),
		CallMonths: make([]CallSums, len(ms)), Services: map[string]*AppSums{}, Counters: map[string]*TicketSums{},
		CallCounters: map[string]*CallSums{}}
}

// clone copies fg deeply (the open days are then added to the copy).
func (fg Figures) clone() Figures {
	out := emptyFigures(fg.Months)
	out.Through = fg.Through
	out.Apps.merge(&fg.Apps)
	out.Tickets.merge(&fg.Tickets)
	out.Calls.merge(&fg.Calls)
	for i := range fg.Months {
		out.AppMonths[i].merge(&fg.AppMonths[i])
		out.TicketMonths[i].merge(&fg.TicketMonths[i])
		out.CallMonths[i].merge(&fg.CallMonths[i])
	}
	for h := range fg.Hours {
		out.Hours[h].merge(&fg.Hours[h])
	}
	for k, v := range fg.Services {
		out.Services[k] = &AppSums{}
		out.Services[k].merge(v)
	}
	for k, v := range fg.Counters {
		out.Counters[k] = &TicketSums{}
		out.Counters[k].merge(v)
	}
	for k, v := range fg.CallCounters {
		out.CallCounters[k] = &CallSums{}
		out.CallCounters[k].merge(v)
	}
	return out
}

// countOpen counts from the raw tables the days of [first, end) after
// through, up to now.
func (s *Store) countOpen(ctx context.Context, t tenant.Tenant, first, end time.Time, through string) (*sums, error) {
	from := first
	if through != "" {
		day, err := time.ParseInLocation(dayLayout, through, t.Location())
		if err != nil {
			return nil, fmt.Errorf("stats: damaged mark %q: %w", through, err)
		}
		from = later(from, day.AddDate(0, 0, 1))
	}
	to := end
	if now := s.clock.Now(); now.Before(to) {
		to = now.Add(time.Second) // events stamped this very second count
	}
	if !from.Before(to) {
		return newSums(), nil
	}
	w, err := s.where(ctx, t, from, to)
	if err != nil {
		return nil, err
	}
	return count(ctx, s.db, w)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// folder adds daily sums straight into the figures, each row once into
// the whole, its month and its service, counter or hour (the daily rows
// of a year are thousands: no map of days in between).
type folder struct {
	fg    *Figures
	f     Filter
	index map[string]int // month -> position in fg.Months
}

func (fg *Figures) folder(f Filter) folder {
	index := make(map[string]int, len(fg.Months))
	for i, m := range fg.Months {
		index[m] = i
	}
	return folder{fg: fg, f: f, index: index}
}

func (fo folder) app(day, service string, a *AppSums) {
	i, ok := fo.index[day[:7]]
	if !ok || (fo.f.ServiceID != "" && service != fo.f.ServiceID) {
		return
	}
	fg := fo.fg
	fg.Apps.merge(a)
	fg.AppMonths[i].merge(a)
	if fg.Services[service] == nil {
		fg.Services[service] = &AppSums{}
	}
	fg.Services[service].merge(a)
}

func (fo folder) ticket(day, counter string, hour int, x *TicketSums) {
	i, ok := fo.index[day[:7]]
	if !ok || (fo.f.CounterID != "" && counter != fo.f.CounterID) {
		return
	}
	fg := fo.fg
	fg.Tickets.merge(x)
	fg.TicketMonths[i].merge(x)
	fg.Hours[((hour%24)+24)%24].merge(x)
	if fg.Counters[counter] == nil {
		fg.Counters[counter] = &TicketSums{}
	}
	fg.Counters[counter].merge(x)
}

func (fo folder) call(day, counter string, c *CallSums) {
	i, ok := fo.index[day[:7]]
	if !ok || (fo.f.CounterID != "" && counter != fo.f.CounterID) {
		return
	}
	fg := fo.fg
	fg.Calls.merge(c)
	fg.CallMonths[i].merge(c)
	if fg.CallCounters[counter] == nil {
		fg.CallCounters[counter] = &CallSums{}
	}
	fg.CallCounters[counter].merge(c)
}

// sums folds the sums counted from the raw rows.
func (fo folder) sums(sm *sums) {
	for k, a := range sm.apps {
		fo.app(k.Day, k.ServiceID, a)
	}
	for k, x := range sm.tickets {
		fo.ticket(k.Day, k.CounterID, k.Hour, x)
	}
	for k, c := range sm.calls {
		fo.call(k.Day, k.CounterID, c)
	}
}

// readDays reads the daily sums of the days from..to (inclusive) f
// selects into sm.
func (s *Store) readDays(ctx context.Context, t tenant.Tenant, from, to string, f Filter, fo folder) error {
	if err := s.readAppDays(ctx, t, from, to, f, fo); err != nil {
		return err
	}
	if err := s.readTicketDays(ctx, t, from, to, f, fo); err != nil {
		return err
	}
	return s.readCallDays(ctx, t, from, to, f, fo)
}

// span is the condition on a daily table's government and days, and one
// more column when it is chosen.
func span(t tenant.Tenant, from, to, column, value string) (string, []any) {
	conds, args := []string{"tenant_id = ?", "day >= ?", "day <= ?"}, []any{t.ID, from, to}
	if value != "" {
		conds, args = append(conds, column+" = ?"), append(args, value)
	}
	return strings.Join(conds, " AND "), args
}

func (s *Store) readAppDays(ctx context.Context, t tenant.Tenant, from, to string, f Filter, fo folder) error {
	cond, args := span(t, from, to, "service_id", f.ServiceID)
	rows, err := s.db.QueryContext(ctx, `SELECT day, service_id, received, decided, on_time, escalations, processing
		FROM stats_app_days WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("stats: read the applications' sums: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, service, hist string
		var a AppSums
		if err := rows.Scan(&day, &service, &a.Received, &a.Decided, &a.OnTime, &a.Escalations, &hist); err != nil {
			return fmt.Errorf("stats: read the applications' sums: %w", err)
		}
		if err := a.Processing.MergeString(hist); err != nil {
			return err
		}
		fo.app(day, service, &a)
	}
	return rows.Err()
}

func (s *Store) readTicketDays(ctx context.Context, t tenant.Tenant, from, to string, f Filter, fo folder) error {
	cond, args := span(t, from, to, "counter_id", f.CounterID)
	rows, err := s.db.QueryContext(ctx, `SELECT day, counter_id, hour, issued, done, no_show, cancelled, wait
		FROM stats_ticket_days WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("stats: read the queue's sums: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, counter, hist string
		var hour int
		var x TicketSums
		if err := rows.Scan(&day, &counter, &hour, &x.Issued, &x.Done, &x.NoShow, &x.Cancelled, &hist); err != nil {
			return fmt.Errorf("stats: read the queue's sums: %w", err)
		}
		if err := x.Wait.MergeString(hist); err != nil {
			return err
		}
		fo.ticket(day, counter, hour, &x)
	}
	return rows.Err()
}

func (s *Store) readCallDays(ctx context.Context, t tenant.Tenant, from, to string, f Filter, fo folder) error {
	cond, args := span(t, from, to, "counter_id", f.CounterID)
	rows, err := s.db.QueryContext(ctx, `SELECT day, counter_id, held, length FROM stats_call_days WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("stats: read the calls' sums: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, counter, hist string
		var c CallSums
		if err := rows.Scan(&day, &counter, &c.Held, &hist); err != nil {
			return fmt.Errorf("stats: read the calls' sums: %w", err)
		}
		if err := c.Length.MergeString(hist); err != nil {
			return err
		}
		fo.call(day, counter, &c)
	}
	return rows.Err()
}
