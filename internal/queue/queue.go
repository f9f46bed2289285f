// Package queue runs the remote counter's virtual queue: a resident (or a
// kiosk, a QR code on the wall, or an officer for a walk-in) takes a
// numbered ticket at a counter, sees their live position and estimated wait,
// and officers call tickets in a fair order, as in Novo SGA or Toyohashi's
// 窓口: priority tickets first, but never so many in a row that regular
// residents starve.
//
// A ticket moves waiting → called → serving → done, or called → no_show,
// or waiting/called → transferred (a new ticket at the other counter keeps
// the original created_at, so the person keeps their place); a waiting
// ticket may be cancelled by its holder.
//
// The queue of a counter is its waiting tickets of the tenant's current
// local day: numbering restarts at local midnight, and tickets left waiting
// from an earlier day are out of the queue (position -1, never called).
package queue

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// Ticket statuses.
const (
	Waiting     = "waiting"
	Called      = "called"
	Serving     = "serving"
	Done        = "done"
	NoShow      = "no_show"
	Transferred = "transferred"
	Cancelled   = "cancelled"
)

// Sources: where a ticket was taken.
const (
	SourceWeb   = "web"
	SourceKiosk = "kiosk"
	SourceQR    = "qr"
	SourceStaff = "staff"
)

// Priorities; "" is a regular ticket.
const (
	Regular    = ""
	Elderly    = "elderly"
	Disability = "disability"
	Pregnancy  = "pregnancy"
)

var (
	sources    = []string{SourceWeb, SourceKiosk, SourceQR, SourceStaff}
	priorities = []string{Regular, Elderly, Disability, Pregnancy}
)

// Ticket is one person's place in a counter's queue.
type Ticket struct {
	TenantID   ids.Tenant
	ID         ids.Ticket
	CounterID  ids.Counter
	Day        string   // local day of the counter's tenant, YYYY-MM-DD
	Number     int      // per counter and day, from 1
	Label      string   // read aloud and shown on the board: "A-012", "P-003"
	ResidentID ids.User // "" for an anonymous walk-in
	Source     string
	Priority   string
	Status     string
	CalledBy   ids.User // the officer who called it
	Calls      int      // how many times it was announced
	Version    int      // bumped by every change, for optimistic updates
	// CreatedAt is when the person joined the queue; a transfer keeps it.
	CreatedAt time.Time
	// CalledAt is the first call (calling again does not move it);
	// FinishedAt is when it was done, a no-show, or transferred.
	CalledAt, FinishedAt *time.Time
}

// IsPriority tells whether the ticket is served in the priority class.
func (t Ticket) IsPriority() bool { return t.Priority != Regular }

// Brief is what a live ticket page shows of a ticket.
type Brief struct {
	ID            ids.Ticket
	CounterID     ids.Counter
	Number        int
	Label, Status string
}

// Brief returns what a live page shows of t.
func (t Ticket) Brief() Brief {
	return Brief{ID: t.ID, CounterID: t.CounterID, Number: t.Number, Label: t.Label, Status: t.Status}
}

// Error is a queue error with the message key the web layer shows.
type Error struct {
	Code string // "error.queue.*"
	msg  string
}

func (e *Error) Error() string { return e.msg }

var (
	// ErrNotFound: no such ticket or counter in this tenant (also for a
	// malformed ID and for another tenant's).
	ErrNotFound error = &Error{"error.queue.not_found", "queue: not found"}
	// ErrClosed: the counter is inactive, so it takes no tickets (those
	// already waiting are still called).
	ErrClosed error = &Error{"error.queue.closed", "queue: counter is closed"}
	// ErrNotWaiting: the ticket left the queue (cancel needs waiting,
	// transfer waiting or called).
	ErrNotWaiting error = &Error{"error.queue.not_waiting", "queue: ticket is not waiting"}
	// ErrNotCalled: call again, start and no-show need a called ticket,
	// finish a called or serving one.
	ErrNotCalled error = &Error{"error.queue.not_called", "queue: ticket is not called"}
	// ErrEmpty: nobody is waiting.
	// ErrBusy: the officer already has a number called or in service
	// today; they finish it (done, did not come) before calling another,
	// so a double press never leaves a person called and forgotten.
	ErrBusy  error = &Error{"error.queue.busy", "queue: officer already has a called ticket"}
	ErrEmpty error = &Error{"error.queue.empty", "queue: nobody is waiting"}
	// ErrConflict: the ticket changed meanwhile; read it again.
	ErrConflict error = &Error{"error.queue.conflict", "queue: ticket changed meanwhile"}
	// ErrNotYours: a resident tried to cancel someone else's ticket.
	ErrNotYours error = &Error{"error.queue.not_yours", "queue: not your ticket"}
	// ErrSameCounter: a transfer to the counter the ticket is at.
	ErrSameCounter error = &Error{"error.queue.same_counter", "queue: ticket is already at this counter"}
	// ErrBadPriority, ErrBadSource, ErrBadResident: input Take refuses.
	// They come wrapped with validation.Errors (fields "priority",
	// "source", "resident_id") so forms can show them inline.
	ErrBadPriority error = &Error{"error.queue.priority", "queue: unknown priority"}
	ErrBadSource   error = &Error{"error.queue.source", "queue: unknown source"}
	ErrBadResident error = &Error{"error.queue.resident", "queue: malformed resident ID"}
)

// Code returns the message key of a queue error ("error.queue.*"), or ""
// for any other error.
func Code(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return ""
}

// inputError is bad input: errors.Is finds each sentinel and
// errors.AsType[validation.Errors] the problems by field.
type inputError struct {
	sentinels []error
	problems  validation.Errors
}

func (e *inputError) Error() string { return e.problems.Error() }

func (e *inputError) Unwrap() []error { return append(slices.Clone(e.sentinels), e.problems) }

func (e *inputError) add(field string, sentinel error) {
	e.sentinels = append(e.sentinels, sentinel)
	e.problems.Add(field, Code(sentinel))
}

func validateTake(residentID ids.User, source, priority string) error {
	var e inputError
	if residentID != "" && !db.ValidID(string(residentID)) {
		e.add("resident_id", ErrBadResident)
	}
	if !slices.Contains(sources, source) {
		e.add("source", ErrBadSource)
	}
	if !slices.Contains(priorities, priority) {
		e.add("priority", ErrBadPriority)
	}
	if len(e.sentinels) == 0 {
		return nil
	}
	return &e
}

// Store keeps tickets and tells live pages when a counter's queue changes.
type Store struct {
	db    *db.DB
	clock clock.Clock
	hub   hub
	// publish, when set, carries change signals to the other nodes.
	publish func(counterIDs ...string)
	snaps   snapshots
}

// NewStore returns a Store.
func NewStore(d *db.DB, c clock.Clock) *Store {
	return &Store{db: d, clock: c}
}

func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

const dayLayout = "2006-01-02"

// counterInfo is what the queue needs of a counter and its tenant.
type counterInfo struct {
	ID                    ids.Counter
	Code                  string
	SlotMinutes, Capacity int
	Active                bool
	loc                   *time.Location
}

func (c counterInfo) today(now time.Time) string { return now.In(c.loc).Format(dayLayout) }

// loadCounter reads a counter of tenantID with its tenant's zone. The
// queue's API takes tenant IDs, and "today" depends on the zone, so the
// zone is read here beside the counter rather than asked of every caller.
func loadCounter(ctx context.Context, q db.Querier, tenantID ids.Tenant, counterID ids.Counter) (counterInfo, error) {
	if !db.ValidID(string(counterID)) {
		return counterInfo{}, ErrNotFound
	}
	var c counterInfo
	var zone string
	err := q.QueryRowContext(ctx, `SELECT c.id, c.code, c.slot_minutes, c.capacity, c.active, t.time_zone
		FROM counters c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = ? AND c.tenant_id = ?`,
		counterID, tenantID).Scan(&c.ID, &c.Code, &c.SlotMinutes, &c.Capacity, &c.Active, &zone)
	if errors.Is(err, sql.ErrNoRows) {
		return counterInfo{}, ErrNotFound
	}
	c.loc = tenant.Tenant{TimeZone: zone}.Location()
	return c, err
}

const ticketColumns = `id, tenant_id, counter_id, day, number, label, resident_id, source, priority, status,
	called_by, calls, version, created_at, called_at, finished_at`

type scanner interface{ Scan(...any) error }

func scanTicket(r scanner) (Ticket, error) {
	var t Ticket
	var called, finished sql.NullTime
	err := r.Scan(&t.ID, &t.TenantID, &t.CounterID, &t.Day, &t.Number, &t.Label, &t.ResidentID, &t.Source,
		&t.Priority, &t.Status, &t.CalledBy, &t.Calls, &t.Version, &t.CreatedAt, &called, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.CalledAt, t.FinishedAt = timePtr(called), timePtr(finished)
	return t, nil
}

func timePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

// nullable turns a nil time into SQL NULL.
func nullable(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func tickets(ctx context.Context, q db.Querier, where string, args ...any) ([]Ticket, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ticketColumns+` FROM tickets `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func getTicket(ctx context.Context, q db.Querier, tenantID ids.Tenant, id ids.Ticket) (Ticket, error) {
	if !db.ValidID(string(id)) {
		return Ticket{}, ErrNotFound
	}
	return scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = ? AND tenant_id = ?`,
		id, tenantID))
}

// Get returns a ticket of tenantID; ErrNotFound for an unknown or malformed
// id and for another tenant's ticket. It does not check who holds it.
func (s *Store) Get(ctx context.Context, tenantID ids.Tenant, id ids.Ticket) (_ Ticket, err error) {
	defer wrapf(&err, "get ticket %s", id)
	return getTicket(ctx, s.db, tenantID, id)
}

// Take gives a new ticket at a counter of t, numbered next on the tenant's
// local day. A resident who already holds a ticket still in play (waiting,
// called or serving) at this counter today gets that ticket back, so a
// double click does not queue them twice; anonymous walk-ins (residentID
// "") always get a new one. ErrNotFound for a counter that is not t's,
// ErrClosed for an inactive one; bad input as ErrBadSource, ErrBadPriority
// or ErrBadResident wrapped with validation.Errors.
func (s *Store) Take(ctx context.Context, actor audit.Actor, t tenant.Tenant, counterID ids.Counter, residentID ids.User, source, priority string) (_ Ticket, err error) {
	defer wrapf(&err, "take a number at counter %s for resident %s", counterID, residentID)
	if err := validateTake(residentID, source, priority); err != nil {
		return Ticket{}, err
	}
	c, err := loadCounter(ctx, s.db, t.ID, counterID)
	if err != nil {
		return Ticket{}, err
	}
	if !c.Active {
		return Ticket{}, ErrClosed
	}
	var tk Ticket
	fresh := false
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		day := c.today(now)
		if residentID != "" {
			held, err := heldTicket(ctx, tx, c.ID, day, residentID)
			if err == nil {
				tk = held
				return nil
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		tk = Ticket{ID: ids.Ticket(db.NewID()), TenantID: t.ID, CounterID: c.ID, Day: day, ResidentID: residentID,
			Source: source, Priority: priority, Status: Waiting, Version: 1, CreatedAt: now}
		if err := insertTicket(ctx, tx, &tk); err != nil {
			return err
		}
		fresh = true
		return audit.Append(ctx, tx, actor.Entry(t.ID, "ticket.take", string("ticket:"+tk.ID),
			audit.Say("audit.detail.ticket.take", c.Code, tk.Label, "~audit.source."+source, priorityWord(priority))))
	})
	if err != nil {
		return Ticket{}, err
	}
	if fresh {
		db.AfterCommit(ctx, func() { s.changed(string(c.ID)) })
	}
	return tk, nil
}

// priorityWord is a ticket's priority for an audit summary: a message key
// the audit page words.
func priorityWord(p string) string {
	if p == Regular {
		return "~queue.priority.none"
	}
	return "~queue.priority." + p
}

// heldTicket returns the resident's ticket still in play at a counter on
// day. On PostgreSQL a lock makes two Takes of one resident take turns, so
// the second sees the first's ticket.
func heldTicket(ctx context.Context, tx *db.Tx, counterID ids.Counter, day string, residentID ids.User) (Ticket, error) {
	if err := lock(ctx, tx, "ticket|"+string(counterID)+"|"+day+"|"+string(residentID)); err != nil {
		return Ticket{}, err
	}
	held, err := tickets(ctx, tx, `WHERE counter_id = ? AND day = ? AND resident_id = ? AND status IN (?, ?, ?)
		ORDER BY number LIMIT 1`, counterID, day, residentID, Waiting, Called, Serving)
	if err != nil {
		return Ticket{}, err
	}
	if len(held) == 0 {
		return Ticket{}, ErrNotFound
	}
	return held[0], nil
}

// maxNumberTries bounds the retries of insertTicket: each lost race means
// another ticket got the number, so this many concurrent takers at one
// counter are always served.
const maxNumberTries = 200

// insertTicket writes t with the next number of its counter and day, and
// sets its label. Two takers racing for a number are settled by the unique
// key (counter_id, day, number): the loser's insert fails and it reads the
// highest number again. Each try runs under a savepoint because on
// PostgreSQL a failed statement aborts the whole transaction otherwise;
// under read committed the next read sees the winner's row. (On SQLite
// writers take turns, so the key never fires there.)
func insertTicket(ctx context.Context, tx *db.Tx, t *Ticket) error {
	for range maxNumberTries {
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM tickets WHERE counter_id = ? AND day = ?`,
			t.CounterID, t.Day).Scan(&last); err != nil {
			return err
		}
		t.Number = last + 1
		t.Label = label(t.Priority, t.Number)
		if _, err := tx.ExecContext(ctx, `SAVEPOINT ticket_number`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tickets (`+ticketColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.TenantID, t.CounterID, t.Day, t.Number, t.Label, t.ResidentID, t.Source, t.Priority, t.Status,
			t.CalledBy, t.Calls, t.Version, t.CreatedAt, nullable(t.CalledAt), nullable(t.FinishedAt))
		if err == nil {
			_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT ticket_number`)
			return err
		}
		if !db.IsUniqueViolation(err) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT ticket_number`); err != nil {
			return err
		}
	}
	return ErrConflict
}

// label is what the board shows and the announcement reads: "A-012" for a
// regular ticket, "P-003" for a priority one (numbers are shared, so A-001
// and P-001 never both exist on one day).
func label(priority string, number int) string {
	if priority != Regular {
		return fmt.Sprintf("P-%03d", number)
	}
	return fmt.Sprintf("A-%03d", number)
}

// lock serialises, on PostgreSQL, the transactions that decide on the same
// key until they end. SQLite needs nothing: it has one writer at a time.
func lock(ctx context.Context, tx *db.Tx, key string) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, key)
	return err
}

// queueState is what ordering needs: today's waiting tickets of a counter
// and how many priority tickets were called there in a row just before.
type queueState struct {
	waiting []Ticket
	streak  int
}

func loadQueue(ctx context.Context, q db.Querier, c counterInfo, day string) (queueState, error) {
	waiting, err := tickets(ctx, q, `WHERE counter_id = ? AND day = ? AND status = ? ORDER BY created_at, number`,
		c.ID, day, Waiting)
	if err != nil {
		return queueState{}, err
	}
	streak, err := priorityStreak(ctx, q, c.ID, day)
	return queueState{waiting: waiting, streak: streak}, err
}

// priorityStreak counts the priority tickets among the latest calls of the
// day at a counter, back to the last regular one (at most PriorityRun, all
// the rule needs).
func priorityStreak(ctx context.Context, q db.Querier, counterID ids.Counter, day string) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT priority FROM tickets WHERE counter_id = ? AND day = ?
		AND called_at IS NOT NULL ORDER BY called_at DESC, number DESC LIMIT ?`, counterID, day, PriorityRun)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ps []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return 0, err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return streakOf(ps), nil
}

// nextWaiting is the ticket to call now at a counter, read without the
// whole queue: the rule only needs the oldest ticket of each class and the
// streak, so the choice among those two is the full ordering's first.
func nextWaiting(ctx context.Context, q db.Querier, counterID ids.Counter, day string) (Ticket, bool, error) {
	streak, err := priorityStreak(ctx, q, counterID, day)
	if err != nil {
		return Ticket{}, false, err
	}
	var heads []Ticket
	for _, class := range []string{`priority <> ?`, `priority = ?`} {
		oldest, err := tickets(ctx, q, `WHERE counter_id = ? AND day = ? AND status = ? AND `+class+`
			ORDER BY created_at, number LIMIT 1`, counterID, day, Waiting, Regular)
		if err != nil {
			return Ticket{}, false, err
		}
		heads = append(heads, oldest...)
	}
	next, ok := pickNext(heads, streak)
	return next, ok, nil
}

// Waiting returns today's waiting tickets of a counter of tenantID in the
// order they will be called, if nobody else arrives.
func (s *Store) Waiting(ctx context.Context, tenantID ids.Tenant, counterID ids.Counter) (_ []Ticket, err error) {
	defer wrapf(&err, "list who waits at counter %s", counterID)
	c, err := loadCounter(ctx, s.db, tenantID, counterID)
	if err != nil {
		return nil, err
	}
	q, err := loadQueue(ctx, s.db, c, c.today(s.now()))
	if err != nil {
		return nil, err
	}
	return serviceOrder(q.waiting, q.streak), nil
}

// Position tells how many tickets will be called before ticket id (0: it
// is next) and the estimated wait in seconds: position × the average
// service time ÷ the counter's capacity (its officers call in parallel).
// The average is the mean of the last 10 served durations (called to done)
// at that counter today once there are at least 3, else the counter's
// SlotMinutes. A ticket not in the queue (no longer waiting, or left from
// an earlier day) has position -1 and wait 0.
func (s *Store) Position(ctx context.Context, tenantID ids.Tenant, id ids.Ticket) (position int, waitSeconds int, err error) {
	t, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return -1, 0, err
	}
	if t.Status != Waiting {
		return -1, 0, nil
	}
	c, err := loadCounter(ctx, s.db, tenantID, t.CounterID)
	if err != nil {
		return -1, 0, err
	}
	day := c.today(s.now())
	if t.Day != day {
		return -1, 0, nil
	}
	position, err = countPosition(ctx, s.db, t)
	if err != nil || position < 0 {
		return -1, 0, err
	}
	served, err := servedDurations(ctx, s.db, c.ID, day)
	if err != nil {
		return -1, 0, err
	}
	return position, estimateWait(position, served, c.SlotMinutes, c.Capacity), nil
}

// countPosition is a waiting ticket's place in the service order from
// counts (see positionIn) rather than the whole queue: a crowd taking
// tickets at once then costs each of them two index-backed counts. -1
// when the ticket was called or cancelled meanwhile.
func countPosition(ctx context.Context, q db.Querier, t Ticket) (int, error) {
	same, other := `priority = ?`, `priority <> ?` // t's class, the other class
	if t.IsPriority() {
		same, other = other, same
	}
	var mine, ahead, others int
	err := q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN id = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+same+` AND (created_at < ? OR (created_at = ? AND number < ?)) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+other+` THEN 1 ELSE 0 END), 0)
		FROM tickets WHERE counter_id = ? AND day = ? AND status = ?`,
		t.ID, Regular, t.CreatedAt, t.CreatedAt, t.Number, Regular, t.CounterID, t.Day, Waiting).Scan(&mine, &ahead, &others)
	if err != nil || mine == 0 {
		return -1, err
	}
	streak, err := priorityStreak(ctx, q, t.CounterID, t.Day)
	if err != nil {
		return -1, err
	}
	return positionIn(t.IsPriority(), ahead, others, streak), nil
}

// servedTicket is one ticket done at a counter: how long it took from call
// to done, and when it was done.
type servedTicket struct {
	id       ids.Ticket
	took     time.Duration
	finished time.Time
}

// recentServed returns the latest AverageOver tickets done today at a
// counter, newest first.
func recentServed(ctx context.Context, q db.Querier, counterID ids.Counter, day string) ([]servedTicket, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, called_at, finished_at FROM tickets WHERE counter_id = ? AND day = ?
		AND status = ? AND called_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY finished_at DESC, id LIMIT ?`,
		counterID, day, Done, AverageOver)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []servedTicket
	for rows.Next() {
		var st servedTicket
		var called time.Time
		if err := rows.Scan(&st.id, &called, &st.finished); err != nil {
			return nil, err
		}
		st.took, st.finished = st.finished.Sub(called), st.finished.UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// durations are the service times of served, in its order.
func durations(served []servedTicket) []time.Duration {
	out := make([]time.Duration, len(served))
	for i, st := range served {
		out[i] = st.took
	}
	return out
}

// servedDurations returns how long the latest tickets done today at a
// counter took, from call to done, newest first.
func servedDurations(ctx context.Context, q db.Querier, counterID ids.Counter, day string) ([]time.Duration, error) {
	served, err := recentServed(ctx, q, counterID, day)
	return durations(served), err
}

// maxClaimTries bounds CallNext's retries; each lost claim means another
// officer called a ticket, so only a crowd of officers could exhaust it.
const maxClaimTries = 50

// CallNext calls the next ticket of today at a counter of tenantID for
// officerID: the first in service order. Two officers calling at once never
// get the same ticket: the claim is an UPDATE that only succeeds while the
// ticket is still waiting at the version read, and the loser reads the
// queue again. ErrEmpty when nobody waits. An inactive counter still calls
// the tickets already waiting.
func (s *Store) CallNext(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, counterID ids.Counter, officerID ids.User) (_ Ticket, err error) {
	defer wrapf(&err, "call next at counter %s by officer %s", counterID, officerID)
	c, err := loadCounter(ctx, s.db, tenantID, counterID)
	if err != nil {
		return Ticket{}, err
	}
	var tk Ticket
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := officerFree(ctx, tx, tenantID, officerID, c.today(s.now())); err != nil {
			return err
		}
		for range maxClaimTries {
			next, ok, err := nextWaiting(ctx, tx, c.ID, c.today(s.now()))
			if err != nil {
				return err
			}
			if !ok {
				return ErrEmpty
			}
			// The time is read after the queue: a claim that had to wait
			// for another officer's is then also later in time, so the
			// latest calls (the priority streak) are in the order made.
			now := s.now()
			res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = ?, called_by = ?, calls = 1, called_at = ?,
				version = version + 1 WHERE id = ? AND status = ? AND version = ?`,
				Called, officerID, now, next.ID, Waiting, next.Version)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				if err != nil {
					return err
				}
				continue // another officer took it meanwhile
			}
			next.Status, next.CalledBy, next.Calls, next.CalledAt, next.Version = Called, officerID, 1, &now, next.Version+1
			tk = next
			return audit.Append(ctx, tx, actor.Entry(tenantID, "ticket.call", string("ticket:"+tk.ID),
				audit.Say("audit.detail.ticket.call", c.Code, tk.Label, priorityWord(tk.Priority))))
		}
		return ErrConflict
	})
	if err != nil {
		return Ticket{}, err
	}
	db.AfterCommit(ctx, func() { s.changedWith(c.ID, dropHead(tk.ID)) })
	return tk, nil
}

// officerFree returns ErrBusy when officerID already has a ticket called
// or in service on day at any counter of the tenant. Two presses at once
// are serialised on the officer, so only one of them calls.
func officerFree(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, officerID ids.User, day string) error {
	if err := lock(ctx, tx, "officer:"+string(officerID)); err != nil {
		return fmt.Errorf("queue: lock officer %s: %w", officerID, err)
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE tenant_id = ? AND called_by = ?
		AND day = ? AND status IN (?, ?)`, tenantID, officerID, day, Called, Serving).Scan(&n)
	if err != nil {
		return fmt.Errorf("queue: read officer %s's called tickets: %w", officerID, err)
	}
	if n > 0 {
		return ErrBusy
	}
	return nil
}

// change is one status move of a ticket.
type change struct {
	action  string   // audit action
	from    []string // statuses it may start from
	fromErr error    // returned when it is in another
	apply   func(t *Ticket, now time.Time)
}

// move applies ch to ticket id of tenantID in a transaction, with the
// version read as the guard: ErrConflict when it changed meanwhile.
func (s *Store) move(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Ticket, ch change) (Ticket, error) {
	var t Ticket
	var before string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if t, err = getTicket(ctx, tx, tenantID, id); err != nil {
			return err
		}
		if !slices.Contains(ch.from, t.Status) {
			return ch.fromErr
		}
		before = t.Status
		ch.apply(&t, s.now())
		if err := updateTicket(ctx, tx, &t); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, ch.action, string("ticket:"+t.ID),
			audit.Say("audit.detail.ticket.move", t.Label, "~audit.ticket."+before, "~audit.ticket."+t.Status, strconv.Itoa(t.Calls))))
	})
	if err != nil {
		return Ticket{}, err
	}
	db.AfterCommit(ctx, func() {
		if before == Waiting || t.Status == Waiting {
			s.changed(string(t.CounterID)) // the waiting line itself changed: read it again
		} else {
			s.changedWith(t.CounterID, served(t)) // only the served times may have
		}
	})
	return t, nil
}

// updateTicket writes t's mutable fields if nobody changed it since it was
// read, and bumps its version.
func updateTicket(ctx context.Context, tx *db.Tx, t *Ticket) error {
	res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = ?, called_by = ?, calls = ?, called_at = ?,
		finished_at = ?, version = version + 1 WHERE id = ? AND tenant_id = ? AND version = ?`,
		t.Status, t.CalledBy, t.Calls, nullable(t.CalledAt), nullable(t.FinishedAt), t.ID, t.TenantID, t.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, ErrConflict)
	}
	t.Version++
	return nil
}

func finish(status string) func(*Ticket, time.Time) {
	return func(t *Ticket, now time.Time) { t.Status, t.FinishedAt = status, &now }
}

// CallAgain announces a called ticket once more (Calls+1). Its place and
// CalledAt stay as they are, so the order of service does not move.
func (s *Store) CallAgain(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Ticket) (_ Ticket, err error) {
	defer wrapf(&err, "call again ticket %s", id)
	return s.move(ctx, actor, tenantID, id, change{"ticket.call_again", []string{Called}, ErrNotCalled,
		func(t *Ticket, _ time.Time) { t.Calls++ }})
}

// Start records that the called resident arrived: called → serving.
func (s *Store) Start(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Ticket) (_ Ticket, err error) {
	defer wrapf(&err, "start ticket %s", id)
	return s.move(ctx, actor, tenantID, id, change{"ticket.start", []string{Called}, ErrNotCalled,
		func(t *Ticket, _ time.Time) { t.Status = Serving }})
}

// Finish closes a ticket being served (or called, when the officer skips
// Start): done.
func (s *Store) Finish(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Ticket) (_ Ticket, err error) {
	defer wrapf(&err, "finish ticket %s", id)
	return s.move(ctx, actor, tenantID, id, change{"ticket.finish", []string{Called, Serving}, ErrNotCalled, finish(Done)})
}

// NoShow records that a called resident did not come: no_show.
func (s *Store) NoShow(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Ticket) (_ Ticket, err error) {
	defer wrapf(&err, "no show ticket %s", id)
	return s.move(ctx, actor, tenantID, id, change{"ticket.no_show", []string{Called}, ErrNotCalled, finish(NoShow)})
}

// Cancel lets the holder leave the queue: a waiting ticket becomes
// cancelled. A ticket of a resident may only be cancelled by that resident
// (ErrNotYours); an anonymous ticket by whoever holds its ID (the link or
// QR code on the printed slip). Cancelling a cancelled ticket does nothing;
// any other status gives ErrNotWaiting.
func (s *Store) Cancel(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Ticket, byResidentID ids.User) (err error) {
	defer wrapf(&err, "cancel ticket %s by resident %s", id, byResidentID)
	t, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return err
	}
	if t.ResidentID != "" && t.ResidentID != byResidentID {
		return ErrNotYours
	}
	if t.Status == Cancelled {
		return nil
	}
	_, err = s.move(ctx, actor, tenantID, id, change{"ticket.cancel", []string{Waiting}, ErrNotWaiting, finish(Cancelled)})
	return err
}

// Transfer sends a waiting or called ticket of t to another counter of t:
// a new waiting ticket there (the next number of the day, the same
// resident, source and priority) keeps the original CreatedAt, so the
// person keeps their place in line; the old one becomes transferred. The
// new ticket is returned. ErrNotFound for an unknown ticket or counter,
// ErrClosed for an inactive counter, ErrSameCounter, ErrNotWaiting.
func (s *Store) Transfer(ctx context.Context, actor audit.Actor, t tenant.Tenant, id ids.Ticket, toCounterID ids.Counter) (_ Ticket, err error) {
	defer wrapf(&err, "transfer ticket %s to counter %s", id, toCounterID)
	to, err := loadCounter(ctx, s.db, t.ID, toCounterID)
	if err != nil {
		return Ticket{}, err
	}
	if !to.Active {
		return Ticket{}, ErrClosed
	}
	var old, tk Ticket
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if old, err = getTicket(ctx, tx, t.ID, id); err != nil {
			return err
		}
		if old.Status != Waiting && old.Status != Called {
			return ErrNotWaiting
		}
		if old.CounterID == to.ID {
			return ErrSameCounter
		}
		now := s.now()
		tk = Ticket{ID: ids.Ticket(db.NewID()), TenantID: t.ID, CounterID: to.ID, Day: to.today(now), ResidentID: old.ResidentID,
			Source: old.Source, Priority: old.Priority, Status: Waiting, Version: 1, CreatedAt: old.CreatedAt}
		if err := insertTicket(ctx, tx, &tk); err != nil {
			return err
		}
		from := old.Status
		finish(Transferred)(&old, now)
		if err := updateTicket(ctx, tx, &old); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(t.ID, "ticket.transfer", string("ticket:"+tk.ID),
			audit.Say("audit.detail.ticket.transfer", old.Label, from, to.Code, tk.Label)))
	})
	if err != nil {
		return Ticket{}, err
	}
	db.AfterCommit(ctx, func() { s.changed(string(old.CounterID), string(to.ID)) })
	return tk, nil
}

// MaxBoard is the most tickets Board lists in each part.
const MaxBoard = 50

// Board is what a counter's display shows: current are the last n tickets
// called today, latest call first (whatever became of them since; their
// Status tells), and next the first n waiting in service order. n is
// clamped to 1..MaxBoard.
func (s *Store) Board(ctx context.Context, tenantID ids.Tenant, counterID ids.Counter, n int) (current []Ticket, next []Ticket, err error) {
	n = min(max(n, 1), MaxBoard)
	c, err := loadCounter(ctx, s.db, tenantID, counterID)
	if err != nil {
		return nil, nil, err
	}
	day := c.today(s.now())
	current, err = tickets(ctx, s.db, `WHERE counter_id = ? AND day = ? AND called_at IS NOT NULL
		ORDER BY called_at DESC, number DESC LIMIT ?`, c.ID, day, n)
	if err != nil {
		return nil, nil, err
	}
	q, err := loadQueue(ctx, s.db, c, day)
	if err != nil {
		return nil, nil, err
	}
	next = serviceOrder(q.waiting, q.streak)
	return current, next[:min(n, len(next))], nil
}
