package stats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/cache"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// Grace is how long after a day ends it is summed: what a counter
// finishes just after midnight (the last number marked done, a call
// running late) still counts on its day, and a node whose clock runs a
// little behind has stamped its last events.
const Grace = 2 * time.Hour

// batchDays is the most days one transaction sums for a government, so a
// first run over years of history does not hold the writer for long (the
// next run goes on; the dashboards count the rest from the raw tables
// meanwhile, correctly but slower).
const batchDays = 62

// Store keeps the daily sums. It reads other domains' tables directly:
// it is a report of them and never writes to them.
type Store struct {
	db       *db.DB
	clock    clock.Clock
	calendar *calendar.Store
	summed   *cache.TTL[summedKey, Figures] // figures of the summed days, by selection and mark
}

// NewStore makes the store.
func NewStore(d *db.DB, c clock.Clock, cal *calendar.Store) *Store {
	return &Store{db: d, clock: c, calendar: cal, summed: cache.New[summedKey, Figures](10*time.Minute, 2000)}
}

// where is the span [from, to) of t with what counting needs.
func (s *Store) where(ctx context.Context, t tenant.Tenant, from, to time.Time) (where, error) {
	cal, err := s.calendar.For(ctx, t.ID, string(t.Country), t.Location())
	if err != nil {
		return where{}, fmt.Errorf("stats: calendar of %s: %w", t.Slug, err)
	}
	sla, err := s.slaDays(ctx, t.ID)
	if err != nil {
		return where{}, err
	}
	return where{tenant: t.ID, loc: t.Location(), cal: cal, slaDays: sla, from: from, to: to}, nil
}

// slaDays are the working days each service of tenantID promises.
func (s *Store) slaDays(ctx context.Context, tenantID ids.Tenant) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, sla_days FROM services WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("stats: read the services' deadlines: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var days int
		if err := rows.Scan(&id, &days); err != nil {
			return nil, fmt.Errorf("stats: read the services' deadlines: %w", err)
		}
		out[id] = days
	}
	return out, rows.Err()
}

// Closed is the last day of t summed ("" when none).
func (s *Store) Closed(ctx context.Context, tenantID ids.Tenant) (string, error) {
	through, _, err := s.mark(ctx, tenantID)
	return through, err
}

// mark is the last day of t summed and when the mark last moved.
func (s *Store) mark(ctx context.Context, tenantID ids.Tenant) (string, time.Time, error) {
	var through string
	var at time.Time
	err := s.db.QueryRowContext(ctx, `SELECT through, closed_at FROM stats_closed WHERE tenant_id = ?`, tenantID).Scan(&through, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", at, fmt.Errorf("stats: read the last day summed of %s: %w", tenantID, err)
	}
	return through, at, nil
}

// lastClosable is the last day of t that is over, with the grace.
func (s *Store) lastClosable(t tenant.Tenant) time.Time {
	now := s.clock.Now().Add(-Grace).In(t.Location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, t.Location())
	return today.AddDate(0, 0, -1)
}

// firstDay is the first day of t with anything to count, or false.
func (s *Store) firstDay(ctx context.Context, t tenant.Tenant) (time.Time, bool, error) {
	var first time.Time
	found := false
	for _, q := range []string{
		// ORDER BY … LIMIT 1 rather than MIN(): it walks the index, and
		// SQLite gives a column's value its type, an aggregate's not.
		`SELECT submitted_at FROM applications WHERE tenant_id = ? AND submitted_at IS NOT NULL ORDER BY submitted_at LIMIT 1`,
		`SELECT created_at FROM tickets WHERE tenant_id = ? ORDER BY created_at LIMIT 1`,
		`SELECT ended_at FROM calls WHERE tenant_id = ? AND ended_at IS NOT NULL ORDER BY ended_at LIMIT 1`,
	} {
		var at sql.NullTime
		if err := s.db.QueryRowContext(ctx, q, t.ID).Scan(&at); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return first, false, fmt.Errorf("stats: find the first day of %s: %w", t.Slug, err)
		}
		if at.Valid && (!found || at.Time.Before(first)) {
			first, found = at.Time, true
		}
	}
	local := first.In(t.Location())
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location()), found, nil
}

// CloseDays sums t's days that are over and not yet summed, at most
// batchDays of them in one transaction; it returns how many it summed.
// Two nodes running it at once sum each day once: the days are claimed
// by moving the mark from the day before them, and whoever finds the
// mark moved gives them up.
func (s *Store) CloseDays(ctx context.Context, t tenant.Tenant) (_ int, err error) {
	defer wrapf(&err, "sum the days of %s", t.Slug)
	through, err := s.Closed(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	next, err := s.nextToClose(ctx, t, through)
	if err != nil {
		return 0, err
	}
	end := s.lastClosable(t)
	if next.After(end) {
		return 0, nil
	}
	last := next.AddDate(0, 0, batchDays-1)
	if last.After(end) {
		last = end
	}
	w, err := s.where(ctx, t, next, last.AddDate(0, 0, 1))
	if err != nil {
		return 0, err
	}
	claimed := false
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := claim(ctx, tx, t.ID, through, last.Format(dayLayout), s.clock.Now())
		if claimed = ok; err != nil || !ok {
			return err
		}
		sm, err := count(ctx, tx, w)
		if err != nil {
			return err
		}
		return write(ctx, tx, t.ID, sm)
	})
	if err != nil || !claimed {
		return 0, err
	}
	return int(last.Sub(next).Hours()/24+0.5) + 1, nil
}

// nextToClose is the first day after through, or t's first day with
// anything to count when nothing was summed yet.
func (s *Store) nextToClose(ctx context.Context, t tenant.Tenant, through string) (time.Time, error) {
	if through == "" {
		first, found, err := s.firstDay(ctx, t)
		if err != nil || found {
			return first, err
		}
		return s.lastClosable(t), nil // nothing yet: start from the last day over
	}
	last, err := time.ParseInLocation(dayLayout, through, t.Location())
	if err != nil {
		return time.Time{}, fmt.Errorf("stats: damaged mark %q: %w", through, err)
	}
	return last.AddDate(0, 0, 1), nil
}

// claim moves t's mark from before to day, first in the transaction so a
// second node waits on the row and then finds it moved.
func claim(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, before, day string, now time.Time) (bool, error) {
	if before == "" {
		_, err := tx.ExecContext(ctx, `INSERT INTO stats_closed (tenant_id, through, closed_at) VALUES (?, '', ?)
			ON CONFLICT (tenant_id) DO NOTHING`, tenantID, now.UTC())
		if err != nil {
			return false, fmt.Errorf("stats: mark the first day: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE stats_closed SET through = ?, closed_at = ? WHERE tenant_id = ? AND through = ?`,
		day, now.UTC(), tenantID, before)
	if err != nil {
		return false, fmt.Errorf("stats: move the mark to %s: %w", day, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("stats: move the mark to %s: %w", day, err)
	}
	return n == 1, nil
}

// write stores the sums of the days counted (empty ones are left out).
func write(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, sm *sums) error {
	for k, a := range sm.apps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stats_app_days (tenant_id, day, service_id, received, decided, on_time, escalations, processing)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, k.Day, k.ServiceID, a.Received, a.Decided, a.OnTime, a.Escalations, a.Processing.String()); err != nil {
			return fmt.Errorf("stats: write %s's applications: %w", k.Day, err)
		}
	}
	for k, x := range sm.tickets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stats_ticket_days (tenant_id, day, counter_id, hour, issued, done, no_show, cancelled, wait)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, k.Day, k.CounterID, k.Hour, x.Issued, x.Done, x.NoShow, x.Cancelled, x.Wait.String()); err != nil {
			return fmt.Errorf("stats: write %s's queue: %w", k.Day, err)
		}
	}
	for k, c := range sm.calls {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stats_call_days (tenant_id, day, counter_id, held, length)
			VALUES (?, ?, ?, ?, ?)`, tenantID, k.Day, k.CounterID, c.Held, c.Length.String()); err != nil {
			return fmt.Errorf("stats: write %s's calls: %w", k.Day, err)
		}
	}
	return nil
}

// Rebuild forgets t's sums, so the job sums every day again from the raw
// tables: after history was loaded with past dates (an import, the
// demo), or to repair. It sums what it can at once, batch by batch.
func (s *Store) Rebuild(ctx context.Context, t tenant.Tenant) (_ int, err error) {
	defer wrapf(&err, "rebuild the sums of %s", t.Slug)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, table := range []string{"stats_closed", "stats_app_days", "stats_ticket_days", "stats_call_days"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE tenant_id = ?`, t.ID); err != nil {
				return fmt.Errorf("stats: forget %s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.summed.Forget()
	total := 0
	for {
		n, err := s.CloseDays(ctx, t)
		total += n
		if err != nil || n < batchDays {
			return total, err
		}
	}
}

func wrapf(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("stats: "+format+": %w", append(args, *err)...)
	}
}
