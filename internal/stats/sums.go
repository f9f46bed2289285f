package stats

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// dayLayout is how a local day is written in the sums.
const dayLayout = "2006-01-02"

// AppSums are one day's (or period's) applications of one service. Each
// event counts on the day it happened, stamped with the clock when it
// did: received on submission, decided on the decision (with its
// processing time from submission, and whether it came by the date
// promised to the applicant), escalations when the deadline job raised
// them. So a day, once over, never changes.
type AppSums struct {
	Received, Decided, OnTime, Escalations int64
	Processing                             Hist
}

func (a *AppSums) merge(o *AppSums) {
	a.Received += o.Received
	a.Decided += o.Decided
	a.OnTime += o.OnTime
	a.Escalations += o.Escalations
	a.Processing.Merge(o.Processing)
}

// TicketSums are the queue numbers taken in one hour of a day at one
// counter: how each ended and, for those called, how long they waited.
// A number moved to another counter counts once, where it went.
type TicketSums struct {
	Issued, Done, NoShow, Cancelled int64
	Wait                            Hist
}

func (t *TicketSums) merge(o *TicketSums) {
	t.Issued += o.Issued
	t.Done += o.Done
	t.NoShow += o.NoShow
	t.Cancelled += o.Cancelled
	t.Wait.Merge(o.Wait)
}

// CallSums are the calls held (someone joined) that ended on a day at
// one counter, and their lengths.
type CallSums struct {
	Held   int64
	Length Hist
}

func (c *CallSums) merge(o *CallSums) {
	c.Held += o.Held
	c.Length.Merge(o.Length)
}

type appKey struct{ Day, ServiceID string }
type ticketKey struct {
	Day, CounterID string
	Hour           int
}
type callKey struct{ Day, CounterID string }

// sums are a government's sums by local day.
type sums struct {
	apps    map[appKey]*AppSums
	tickets map[ticketKey]*TicketSums
	calls   map[callKey]*CallSums
}

func newSums() *sums {
	return &sums{apps: map[appKey]*AppSums{}, tickets: map[ticketKey]*TicketSums{}, calls: map[callKey]*CallSums{}}
}

func (s *sums) app(day, service string) *AppSums {
	k := appKey{day, service}
	if s.apps[k] == nil {
		s.apps[k] = &AppSums{}
	}
	return s.apps[k]
}

func (s *sums) ticket(day, counter string, hour int) *TicketSums {
	k := ticketKey{day, counter, hour}
	if s.tickets[k] == nil {
		s.tickets[k] = &TicketSums{}
	}
	return s.tickets[k]
}

func (s *sums) call(day, counter string) *CallSums {
	k := callKey{day, counter}
	if s.calls[k] == nil {
		s.calls[k] = &CallSums{}
	}
	return s.calls[k]
}

// where is what is counted: a government, its calendar (for the dates
// promised to applicants), its services' promised working days, and the
// span [from, to).
type where struct {
	tenant   ids.Tenant
	loc      *time.Location
	cal      *calendar.Calendar
	slaDays  map[string]int
	from, to time.Time
}

func (w where) day(t time.Time) string { return t.In(w.loc).Format(dayLayout) }

// count sums the raw tables over w's span.
func count(ctx context.Context, q db.Querier, w where) (*sums, error) {
	out := newSums()
	for _, f := range []func(context.Context, db.Querier, where, *sums) error{countReceived, countDecided, countEscalations, countTickets, countCalls} {
		if err := f(ctx, q, w, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func countReceived(ctx context.Context, q db.Querier, w where, out *sums) error {
	rows, err := q.QueryContext(ctx, `SELECT service_id, submitted_at FROM applications
		WHERE tenant_id = ? AND submitted_at >= ? AND submitted_at < ?`, w.tenant, w.from.UTC(), w.to.UTC())
	if err != nil {
		return fmt.Errorf("stats: read applications received: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var service string
		var at time.Time
		if err := rows.Scan(&service, &at); err != nil {
			return fmt.Errorf("stats: read applications received: %w", err)
		}
		out.app(w.day(at), service).Received++
	}
	return rows.Err()
}

func countDecided(ctx context.Context, q db.Querier, w where, out *sums) error {
	rows, err := q.QueryContext(ctx, `SELECT service_id, submitted_at, decided_at FROM applications
		WHERE tenant_id = ? AND decided_at >= ? AND decided_at < ?`, w.tenant, w.from.UTC(), w.to.UTC())
	if err != nil {
		return fmt.Errorf("stats: read applications decided: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var service string
		var submitted sql.NullTime
		var decided time.Time
		if err := rows.Scan(&service, &submitted, &decided); err != nil {
			return fmt.Errorf("stats: read applications decided: %w", err)
		}
		a := out.app(w.day(decided), service)
		a.Decided++
		if !submitted.Valid {
			continue // decided without being submitted (withdrawn draft): no processing time
		}
		a.Processing.Add(decided.Sub(submitted.Time))
		if days, ok := w.slaDays[service]; ok && !decided.After(w.cal.Due(submitted.Time, days)) {
			a.OnTime++
		}
	}
	return rows.Err()
}

func countEscalations(ctx context.Context, q db.Querier, w where, out *sums) error {
	rows, err := q.QueryContext(ctx, `SELECT a.service_id, e.at FROM application_events e
		JOIN applications a ON a.id = e.application_id
		WHERE e.tenant_id = ? AND e.action = 'escalate' AND e.at >= ? AND e.at < ?`, w.tenant, w.from.UTC(), w.to.UTC())
	if err != nil {
		return fmt.Errorf("stats: read escalations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var service string
		var at time.Time
		if err := rows.Scan(&service, &at); err != nil {
			return fmt.Errorf("stats: read escalations: %w", err)
		}
		out.app(w.day(at), service).Escalations++
	}
	return rows.Err()
}

func countTickets(ctx context.Context, q db.Querier, w where, out *sums) error {
	rows, err := q.QueryContext(ctx, `SELECT counter_id, status, created_at, called_at FROM tickets
		WHERE tenant_id = ? AND created_at >= ? AND created_at < ? AND status <> 'transferred'`,
		w.tenant, w.from.UTC(), w.to.UTC())
	if err != nil {
		return fmt.Errorf("stats: read queue numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var counter, status string
		var created time.Time
		var called sql.NullTime
		if err := rows.Scan(&counter, &status, &created, &called); err != nil {
			return fmt.Errorf("stats: read queue numbers: %w", err)
		}
		local := created.In(w.loc)
		t := out.ticket(local.Format(dayLayout), counter, local.Hour())
		t.Issued++
		switch status {
		case "done":
			t.Done++
		case "no_show":
			t.NoShow++
		case "cancelled":
			t.Cancelled++
		}
		if called.Valid {
			t.Wait.Add(called.Time.Sub(created))
		}
	}
	return rows.Err()
}

func countCalls(ctx context.Context, q db.Querier, w where, out *sums) error {
	rows, err := q.QueryContext(ctx, `SELECT counter_id, ended_at, duration_seconds FROM calls
		WHERE tenant_id = ? AND ended_at >= ? AND ended_at < ? AND status = 'ended' AND started_at IS NOT NULL`,
		w.tenant, w.from.UTC(), w.to.UTC())
	if err != nil {
		return fmt.Errorf("stats: read calls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var counter string
		var ended time.Time
		var seconds int64
		if err := rows.Scan(&counter, &ended, &seconds); err != nil {
			return fmt.Errorf("stats: read calls: %w", err)
		}
		c := out.call(w.day(ended), counter)
		c.Held++
		c.Length.Add(time.Duration(seconds) * time.Second)
	}
	return rows.Err()
}
