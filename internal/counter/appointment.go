package counter

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// Book takes a seat at start (a slot of the counter's plan) for resident;
// actor is who clicked and is recorded as BookedBy. ErrNotFound for a
// counter that is not t's, ErrNotBookable for a time that is not offered,
// ErrAlreadyBooked when the resident holds a seat at this start already,
// ErrSlotFull when every seat is taken.
func (s *Store) Book(ctx context.Context, actor audit.Actor, t tenant.Tenant, counterID ids.Counter, residentID ids.User, start time.Time, note string) (_ Appointment, err error) {
	defer wrapf(&err, "book at counter %s for resident %s", counterID, residentID)
	c, err := s.Get(ctx, t.ID, counterID)
	if err != nil {
		return Appointment{}, err
	}
	start = start.UTC()
	if ok, err := s.bookable(ctx, t, c, start); err != nil || !ok {
		return Appointment{}, cmp.Or(err, ErrNotBookable)
	}
	var a Appointment
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err = s.take(ctx, tx, c, residentID, actor.ID, start, note)
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(t.ID, "appointment.book", "appointment:"+a.ID,
			audit.Say("audit.detail.appointment.book", c.Code, start.UTC().Format(auditTime), strconv.Itoa(a.Seat))))
	})
	if err != nil {
		return Appointment{}, err
	}
	return a, nil
}

// take inserts an appointment in the lowest free seat. Two bookings racing
// for a seat are settled by the unique index on (counter, start, seat):
// the loser's insert fails and it tries the next free seat. Each try runs
// under a savepoint because on PostgreSQL a failed statement aborts the
// whole transaction otherwise. (On SQLite writers already take turns, so
// the index never fires there; it is the guarantee on PostgreSQL.)
func (s *Store) take(ctx context.Context, tx *db.Tx, c Counter, residentID, bookedBy ids.User, start time.Time, note string) (Appointment, error) {
	// The index cannot stop one resident taking two seats of a slot (say a
	// double click on PostgreSQL), so that check runs under a lock.
	if err := lock(ctx, tx, "book|"+string(c.ID)+"|"+start.Format(time.RFC3339)+"|"+string(residentID)); err != nil {
		return Appointment{}, err
	}
	var held int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE counter_id = ? AND start_at = ?
		AND resident_id = ? AND status <> 'cancelled'`, c.ID, start, residentID).Scan(&held); err != nil {
		return Appointment{}, err
	}
	if held > 0 {
		return Appointment{}, ErrAlreadyBooked
	}
	now := s.now()
	a := Appointment{ID: db.NewID(), TenantID: c.TenantID, CounterID: c.ID, ResidentID: residentID, BookedBy: bookedBy,
		Start: start, End: start.Add(time.Duration(c.SlotMinutes) * time.Minute), Status: Booked, Note: note,
		CreatedAt: now, UpdatedAt: now}
	// Each lost race means another seat was taken, so after Capacity
	// losses the slot is full; the bound only guards against cancellations
	// and bookings flapping forever.
	for range 2*c.Capacity + 2 {
		seat, err := lowestFreeSeat(ctx, tx, c, start)
		if err != nil || seat == 0 {
			return Appointment{}, cmp.Or(err, ErrSlotFull)
		}
		a.Seat = seat
		if _, err := tx.ExecContext(ctx, `SAVEPOINT seat`); err != nil {
			return Appointment{}, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO appointments (id, tenant_id, counter_id, resident_id, booked_by,
			start_at, end_at, seat, status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.TenantID, a.CounterID, a.ResidentID, a.BookedBy, a.Start, a.End, a.Seat, a.Status, a.Note,
			a.CreatedAt, a.UpdatedAt)
		if err == nil {
			_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT seat`)
			return a, err
		}
		if !db.IsUniqueViolation(err) {
			return Appointment{}, err
		}
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT seat`); err != nil {
			return Appointment{}, err
		}
	}
	return Appointment{}, ErrSlotFull
}

// lowestFreeSeat returns the lowest seat of 1..Capacity nobody holds at
// start, or 0 when all are held. Under PostgreSQL's read committed each
// call sees the bookings committed before it, including a race's winner.
func lowestFreeSeat(ctx context.Context, tx *db.Tx, c Counter, start time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seat FROM appointments WHERE counter_id = ? AND start_at = ?
		AND status <> 'cancelled'`, c.ID, start)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	held := map[int]bool{}
	for rows.Next() {
		var seat int
		if err := rows.Scan(&seat); err != nil {
			return 0, err
		}
		held[seat] = true
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for seat := 1; seat <= c.Capacity; seat++ {
		if !held[seat] {
			return seat, nil
		}
	}
	return 0, nil
}

const appointmentColumns = `id, tenant_id, counter_id, resident_id, booked_by, start_at, end_at, seat, status, note,
	created_at, updated_at`

func scanAppointment(r scanner) (Appointment, error) {
	var a Appointment
	err := r.Scan(&a.ID, &a.TenantID, &a.CounterID, &a.ResidentID, &a.BookedBy, &a.Start, &a.End, &a.Seat, &a.Status,
		&a.Note, &a.CreatedAt, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.Start, a.End, a.CreatedAt, a.UpdatedAt = a.Start.UTC(), a.End.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

func appointments(ctx context.Context, q db.Querier, where string, args ...any) ([]Appointment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+appointmentColumns+` FROM appointments `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Appointment
	for rows.Next() {
		a, err := scanAppointment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Appointment returns one appointment of tenantID; ErrNotFound for an
// unknown or malformed id and for another tenant's appointment.
func (s *Store) Appointment(ctx context.Context, tenantID ids.Tenant, id string) (_ Appointment, err error) {
	defer wrapf(&err, "read appointment %s", id)
	return getAppointment(ctx, s.db, tenantID, id)
}

func getAppointment(ctx context.Context, q db.Querier, tenantID ids.Tenant, id string) (Appointment, error) {
	if !db.ValidID(id) {
		return Appointment{}, ErrNotFound
	}
	return scanAppointment(q.QueryRowContext(ctx, `SELECT `+appointmentColumns+` FROM appointments
		WHERE id = ? AND tenant_id = ?`, id, tenantID))
}

// mayChange tells whether user may cancel or move a: staff may change any,
// a resident those booked for them or by them (a family member who booked
// for grandmother may cancel it too).
func mayChange(a Appointment, userID ids.User, staff bool) bool {
	return staff || (userID != "" && (a.ResidentID == userID || a.BookedBy == userID))
}

// Cancel cancels an appointment of tenantID and frees its seat. Cancelling
// one that is already cancelled does nothing, so a repeated click is
// harmless; a done or no-show appointment gives ErrNotBooked.
func (s *Store) Cancel(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, appointmentID string, byUserID ids.User, staff bool) (err error) {
	defer wrapf(&err, "cancel appointment %s by user %s", appointmentID, byUserID)
	a, err := s.Appointment(ctx, tenantID, appointmentID)
	if err != nil {
		return err
	}
	if !mayChange(a, byUserID, staff) {
		return ErrNotYours
	}
	if a.Status == Cancelled {
		return nil
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.setStatus(ctx, tx, a, Cancelled); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "appointment.cancel", "appointment:"+a.ID,
			audit.Say("audit.detail.appointment.cancel", a.Start.UTC().Format(auditTime), strconv.Itoa(a.Seat))))
	})
}

// setStatus moves a booked appointment to status; ErrNotBooked when it was
// changed meanwhile.
func (s *Store) setStatus(ctx context.Context, tx *db.Tx, a Appointment, status string) error {
	res, err := tx.ExecContext(ctx, `UPDATE appointments SET status = ?, updated_at = ?
		WHERE id = ? AND tenant_id = ? AND status = ?`, status, s.now(), a.ID, a.TenantID, Booked)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, ErrNotBooked)
	}
	return nil
}

// Reschedule moves an appointment of t to newStart at the same counter:
// the new seat is booked, then the old one cancelled, in one transaction,
// so the resident never ends up with neither. The new appointment (a new
// ID) is returned; moving to the same start returns the appointment as it
// is. Errors are those of Cancel and Book.
func (s *Store) Reschedule(ctx context.Context, actor audit.Actor, t tenant.Tenant, appointmentID string, byUserID ids.User, staff bool, newStart time.Time) (_ Appointment, err error) {
	defer wrapf(&err, "reschedule appointment %s by user %s", appointmentID, byUserID)
	old, err := s.Appointment(ctx, t.ID, appointmentID)
	if err != nil {
		return Appointment{}, err
	}
	if !mayChange(old, byUserID, staff) {
		return Appointment{}, ErrNotYours
	}
	if old.Status != Booked {
		return Appointment{}, ErrNotBooked
	}
	newStart = newStart.UTC()
	if newStart.Equal(old.Start) {
		return old, nil
	}
	c, err := s.Get(ctx, t.ID, old.CounterID)
	if err != nil {
		return Appointment{}, err
	}
	if ok, err := s.bookable(ctx, t, c, newStart); err != nil || !ok {
		return Appointment{}, cmp.Or(err, ErrNotBookable)
	}
	var a Appointment
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err = s.take(ctx, tx, c, old.ResidentID, actor.ID, newStart, old.Note)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, old, Cancelled); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(t.ID, "appointment.reschedule", "appointment:"+a.ID,
			audit.Say("audit.detail.appointment.reschedule", old.Start.UTC().Format(auditTime), strconv.Itoa(old.Seat),
				a.Start.UTC().Format(auditTime), strconv.Itoa(a.Seat))))
	})
	if err != nil {
		return Appointment{}, err
	}
	return a, nil
}

// MarkNoShow records that the resident did not come. The seat stays held:
// the slot has started, so nobody else could use it anyway. ErrTooEarly
// before the start, ErrNotBooked unless the appointment is booked.
func (s *Store) MarkNoShow(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, appointmentID string) (err error) {
	defer wrapf(&err, "mark appointment %s not come", appointmentID)
	a, err := s.Appointment(ctx, tenantID, appointmentID)
	if err != nil {
		return err
	}
	if a.Status != Booked {
		return ErrNotBooked
	}
	if s.now().Before(a.Start) {
		return ErrTooEarly
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.setStatus(ctx, tx, a, NoShow); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "appointment.no_show", "appointment:"+a.ID,
			a.Start.Format(time.RFC3339)))
	})
}

// Mine lists a resident's appointments in tenantID, every status: those
// not yet over first, soonest first, then past ones, latest first.
func (s *Store) Mine(ctx context.Context, tenantID ids.Tenant, residentID ids.User) (_ []Appointment, err error) {
	defer wrapf(&err, "list the appointments of resident %s", residentID)
	all, err := appointments(ctx, s.db, `WHERE tenant_id = ? AND resident_id = ? ORDER BY start_at, seat`,
		tenantID, residentID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Appointment, 0, len(all))
	var past []Appointment
	for _, a := range all {
		if a.End.After(now) {
			out = append(out, a)
		} else {
			past = append(past, a)
		}
	}
	slices.Reverse(past)
	return append(out, past...), nil
}

// BookedForOthers lists the upcoming appointments bookerID made for
// someone else in tenantID (a family member's for a parent), soonest first.
func (s *Store) BookedForOthers(ctx context.Context, tenantID ids.Tenant, bookerID string) (_ []Appointment, err error) {
	defer wrapf(&err, "list appointments booked by %s for others", bookerID)
	return appointments(ctx, s.db, `WHERE tenant_id = ? AND booked_by = ? AND resident_id <> ? AND end_at > ?
		ORDER BY start_at, seat`, tenantID, bookerID, bookerID, s.now())
}

// ForCounterDay lists who is coming to a counter of t on the local day of
// day, by start and seat; cancelled appointments are left out.
func (s *Store) ForCounterDay(ctx context.Context, t tenant.Tenant, counterID ids.Counter, day time.Time) (_ []Appointment, err error) {
	defer wrapf(&err, "list a day's appointments at counter %s", counterID)
	c, err := s.Get(ctx, t.ID, counterID)
	if err != nil {
		return nil, err
	}
	from := localMidnight(day, t.Location())
	to := from.AddDate(0, 0, 1)
	return appointments(ctx, s.db, `WHERE counter_id = ? AND tenant_id = ? AND start_at >= ? AND start_at < ?
		AND status <> 'cancelled' ORDER BY start_at, seat`, c.ID, t.ID, from.UTC(), to.UTC())
}

// ForOfficer lists the booked appointments of every counter the officer
// serves, from from to to, for their private calendar feed.
func (s *Store) ForOfficer(ctx context.Context, tenantID ids.Tenant, officerID ids.User, from, to time.Time) (_ []Appointment, err error) {
	defer wrapf(&err, "list the appointments of officer %s", officerID)
	return appointments(ctx, s.db, `WHERE tenant_id = ? AND status = 'booked' AND start_at >= ? AND start_at < ?
		AND counter_id IN (SELECT counter_id FROM counter_officers WHERE user_id = ?) ORDER BY start_at, seat`,
		tenantID, from.UTC(), to.UTC(), officerID)
}

// auditTime writes a slot's time in the audit trail: UTC, to the minute,
// readable in any language.
const auditTime = "2006-01-02 15:04 UTC"
