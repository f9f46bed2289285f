package classes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// maxNeeds bounds the free text a learner gives about their needs.
const maxNeeds = 500

// ErrCapacityBelowEnrolled refuses lowering a session's seats under the
// number of learners who hold one.
var ErrCapacityBelowEnrolled = errors.New("classes: more learners hold a seat than the new capacity")

func checkQuestions(q *Questions) validation.Errors {
	var errs validation.Errors
	q.Needs = strings.TrimSpace(q.Needs)
	switch q.Phone {
	case PhoneAndroid, PhoneIPhone, PhoneNone:
	case "":
		errs.Add("phone", "error.field.required")
	default:
		errs.Add("phone", "error.field.choice")
	}
	if utf8.RuneCountInString(q.Needs) > maxNeeds {
		errs.Add("needs", "error.field.too_long", fmt.Sprint(maxNeeds))
	}
	if q.AgeBand != "" && !slices.Contains(AgeBands, q.AgeBand) {
		errs.Add("age", "error.field.choice")
	}
	return errs
}

// Enrol gives learnerID a seat in the session, or a place at the end of
// its waitlist when every seat is taken. by is who asks: the learner, a
// family member, or an officer for someone who phoned. Refuses a
// cancelled session (ErrSessionCanceled), one that has started
// (ErrSessionPast) and a second live enrolment (ErrAlreadyEnrolled).
func (s *Store) Enrol(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession,
	learnerID ids.User, q Questions) (_ Enrolment, err error) {
	defer wrapf(&err, "enrol %s in session %s", learnerID, sessionID)
	if errs := checkQuestions(&q); len(errs) > 0 {
		return Enrolment{}, errs
	}
	now := s.clock.Now().UTC()
	e := Enrolment{ID: ids.Enrolment(db.NewID()), TenantID: tenantID, SessionID: sessionID, LearnerID: learnerID,
		EnrolledBy: by.ID, Questions: q, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		x, place, err := lockUpcoming(ctx, tx, tenantID, sessionID, 1, now)
		if err != nil {
			return err
		}
		// A second live enrolment is refused by the database's unique
		// index (insertEnrolment), which costs no round trip of its own.
		e.Position = place
		e.State = Waitlisted
		if e.Seat, err = firstFreeSeat(ctx, tx, x); err != nil {
			return err
		} else if e.Seat > 0 {
			e.State = Enrolled
		}
		if err := insertEnrolment(ctx, tx, e); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.enrol", "enrolment:"+string(e.ID),
			audit.Say("audit.detail.class.enrol", string(sessionID), e.State)))
	})
	if err != nil {
		return Enrolment{}, err
	}
	return e, nil
}

func insertEnrolment(ctx context.Context, tx *db.Tx, e Enrolment) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO enrolments (id, tenant_id, session_id, learner_id, enrolled_by, state, seat,
		position, phone, borrow, needs, age_band, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, e.SessionID, e.LearnerID, e.EnrolledBy, e.State, seatValue(e.Seat), e.Position,
		e.Phone, e.Borrow, e.Needs, e.AgeBand, e.CreatedAt, e.UpdatedAt)
	switch {
	case db.IsUniqueViolation(err):
		// Only a second live enrolment can collide: seats are chosen
		// under the session's lock.
		return ErrAlreadyEnrolled
	case db.IsForeignKeyViolation(err):
		// The learner is read by no one first: the reference says it.
		return ErrNoLearner
	}
	return err
}

func seatValue(seat int) any {
	if seat == 0 {
		return nil
	}
	return seat
}

// firstFreeSeat is the lowest seat of x no one holds, 0 when every seat
// is taken. Seats held 1..n without a gap (the usual case) need one
// small read; only a gap left by a cancellation reads them all.
func firstFreeSeat(ctx context.Context, tx *db.Tx, x Session) (int, error) {
	var held, highest int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(seat), 0) FROM enrolments WHERE session_id = ? AND seat IS NOT NULL`,
		x.ID).Scan(&held, &highest); err != nil {
		return 0, fmt.Errorf("count the seats taken: %w", err)
	}
	switch {
	case held >= x.Capacity:
		return 0, nil
	case held == highest:
		return highest + 1, nil
	}
	free, err := freeSeats(ctx, tx, x)
	if err != nil || len(free) == 0 {
		return 0, err
	}
	return free[0], nil
}

// freeSeats lists the seat numbers of x not held, lowest first.
func freeSeats(ctx context.Context, tx *db.Tx, x Session) ([]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seat FROM enrolments WHERE session_id = ? AND seat IS NOT NULL`, x.ID)
	if err != nil {
		return nil, fmt.Errorf("read the seats taken: %w", err)
	}
	defer rows.Close()
	taken := map[int]bool{}
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		taken[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var free []int
	for n := 1; n <= x.Capacity; n++ {
		if !taken[n] {
			free = append(free, n)
		}
	}
	return free, nil
}

// Cancel ends an enrolment (the learner's wish, or staff removing them).
// A seat it held goes to the first on the waitlist; promoted lists who
// moved up, for the email that tells them.
func (s *Store) Cancel(ctx context.Context, by audit.Actor, tenantID ids.Tenant, id ids.Enrolment) (promoted []Enrolment, err error) {
	defer wrapf(&err, "cancel enrolment %s", id)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		e, err := readEnrolment(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		x, _, err := lockSession(ctx, tx, tenantID, e.SessionID, 0)
		if err != nil {
			return err
		}
		if e, err = readEnrolment(ctx, tx, tenantID, id); err != nil { // as it is now the session is ours
			return err
		}
		if e.State == Cancelled {
			return ErrNotEnrolled
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET state = ?, seat = NULL, updated_at = ? WHERE id = ?`,
			Cancelled, s.clock.Now().UTC(), id); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(tenantID, "class.cancel", "enrolment:"+string(id),
			audit.Say("audit.detail.class.cancel", string(e.SessionID), e.State))); err != nil {
			return err
		}
		promoted, err = s.promote(ctx, tx, by, x)
		return err
	})
	if err != nil {
		return nil, err
	}
	return promoted, nil
}

// SetCapacity changes the session's number of seats. Raising it seats the
// first of the waitlist (returned, to be told); lowering it under the
// learners who hold a seat is refused (ErrCapacityBelowEnrolled): staff
// move someone first.
func (s *Store) SetCapacity(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession, capacity int) (promoted []Enrolment, err error) {
	defer wrapf(&err, "set the capacity of session %s to %d", sessionID, capacity)
	if capacity < 1 || capacity > MaxCapacity {
		return nil, validation.Errors{{Field: "capacity", Code: "error.field.range", Args: []any{"1", fmt.Sprint(MaxCapacity)}}}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		x, _, err := lockSession(ctx, tx, tenantID, sessionID, 0)
		if err != nil {
			return err
		}
		var held, highest int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(seat), 0) FROM enrolments WHERE session_id = ? AND seat IS NOT NULL`,
			sessionID).Scan(&held, &highest); err != nil {
			return err
		}
		if capacity < held || capacity < highest {
			return ErrCapacityBelowEnrolled
		}
		if _, err := tx.ExecContext(ctx, `UPDATE class_sessions SET capacity = ?, updated_at = ? WHERE id = ?`,
			capacity, s.clock.Now().UTC(), sessionID); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(tenantID, "class.session.capacity", "class_session:"+string(sessionID),
			audit.Say("audit.detail.state", fmt.Sprint(x.Capacity), fmt.Sprint(capacity)))); err != nil {
			return err
		}
		x.Capacity = capacity
		promoted, err = s.promote(ctx, tx, by, x)
		return err
	})
	if err != nil {
		return nil, err
	}
	return promoted, nil
}

// promote seats the waitlist of x, first come first served, while seats
// are free. x is locked by the caller.
func (s *Store) promote(ctx context.Context, tx *db.Tx, by audit.Actor, x Session) ([]Enrolment, error) {
	free, err := freeSeats(ctx, tx, x)
	if err != nil || len(free) == 0 {
		return nil, err
	}
	waiting, err := enrolments(ctx, tx, `WHERE session_id = ? AND state = ? ORDER BY position LIMIT ?`, x.ID, Waitlisted, len(free))
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	for i := range waiting {
		e := &waiting[i]
		e.State, e.Seat, e.UpdatedAt = Enrolled, free[i], now
		if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET state = ?, seat = ?, updated_at = ? WHERE id = ?`,
			Enrolled, e.Seat, now, e.ID); err != nil {
			return nil, fmt.Errorf("seat %s: %w", e.ID, err)
		}
		if err := audit.Append(ctx, tx, by.Entry(x.TenantID, "class.promote", "enrolment:"+string(e.ID),
			audit.Say("audit.detail.state", Waitlisted, Enrolled))); err != nil {
			return nil, err
		}
		for _, h := range s.promoted {
			if err := h(ctx, tx, *e, x); err != nil {
				return nil, fmt.Errorf("tell %s of the seat: %w", e.ID, err)
			}
		}
	}
	return waiting, nil
}

const enrolmentColumns = `id, tenant_id, session_id, learner_id, enrolled_by, state, COALESCE(seat, 0), position,
	phone, borrow, needs, age_band, attended_at, created_at, updated_at`

func enrolments(ctx context.Context, q db.Querier, where string, args ...any) ([]Enrolment, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+enrolmentColumns+" FROM enrolments "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Enrolment
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanEnrolment(r interface{ Scan(...any) error }) (Enrolment, error) {
	var e Enrolment
	var attended sql.NullTime
	err := r.Scan(&e.ID, &e.TenantID, &e.SessionID, &e.LearnerID, &e.EnrolledBy, &e.State, &e.Seat, &e.Position,
		&e.Phone, &e.Borrow, &e.Needs, &e.AgeBand, &attended, &e.CreatedAt, &e.UpdatedAt)
	if attended.Valid {
		t := attended.Time.UTC()
		e.AttendedAt = &t
	}
	return e, err
}

func readEnrolment(ctx context.Context, q db.Querier, tenantID ids.Tenant, id ids.Enrolment) (Enrolment, error) {
	e, err := scanEnrolment(q.QueryRowContext(ctx, "SELECT "+enrolmentColumns+" FROM enrolments WHERE tenant_id = ? AND id = ?", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Enrolment{}, ErrNotFound
	}
	return e, err
}

// Enrolment reads one enrolment of tenantID.
func (s *Store) Enrolment(ctx context.Context, tenantID ids.Tenant, id ids.Enrolment) (_ Enrolment, err error) {
	defer wrapf(&err, "read enrolment %s", id)
	return readEnrolment(ctx, s.db, tenantID, id)
}

// Roster lists a session's live enrolments: seated by seat, then the
// waitlist in its order.
func (s *Store) Roster(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession) (_ []Enrolment, err error) {
	defer wrapf(&err, "read the roster of session %s", sessionID)
	return enrolments(ctx, s.db, `WHERE tenant_id = ? AND session_id = ? AND state <> ?
		ORDER BY CASE state WHEN 'enrolled' THEN 0 ELSE 1 END, COALESCE(seat, 0), position`, tenantID, sessionID, Cancelled)
}

// LearnerEnrolments lists the enrolments in tenantID that are userID's
// or that userID made for someone else (a parent), newest first,
// cancelled ones included.
func (s *Store) LearnerEnrolments(ctx context.Context, tenantID ids.Tenant, userID ids.User) (_ []Enrolment, err error) {
	defer wrapf(&err, "list the enrolments of %s", userID)
	return enrolments(ctx, s.db, `WHERE tenant_id = ? AND (learner_id = ? OR enrolled_by = ?) ORDER BY created_at DESC, id`,
		tenantID, userID, userID)
}

// PromoteHook runs inside the transaction that gives a waiting learner a
// seat (the email that tells them goes with it, or neither does).
type PromoteHook func(ctx context.Context, tx *db.Tx, e Enrolment, x Session) error

// OnPromote registers h; the app wires the email notice.
func (s *Store) OnPromote(h PromoteHook) { s.promoted = append(s.promoted, h) }

// Reminder is a learner to remind of a class tomorrow.
type Reminder struct {
	Enrolment
	Session Session
}

// DueReminders lists, across tenants, the seated learners of sessions
// that start within a day and who were not reminded yet, soonest first;
// at most limit.
func (s *Store) DueReminders(ctx context.Context, now time.Time, limit int) (_ []Reminder, err error) {
	defer wrapf(&err, "find the class reminders due")
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.tenant_id, e.session_id FROM enrolments e
		JOIN class_sessions s ON s.id = e.session_id
		WHERE e.state = ? AND e.reminded_at IS NULL AND s.cancelled = ? AND s.starts_at > ? AND s.starts_at <= ?
		ORDER BY s.starts_at, e.id LIMIT ?`, Enrolled, false, now.UTC(), now.UTC().Add(24*time.Hour), limit)
	if err != nil {
		return nil, err
	}
	return s.enrolmentsIn(ctx, rows)
}

// MarkReminded records, inside tx, that the enrolment's reminder is sent;
// false when another run did it first (the caller then sends nothing).
func MarkReminded(ctx context.Context, tx *db.Tx, id ids.Enrolment, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE enrolments SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("classes: mark enrolment %s reminded: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("classes: mark enrolment %s reminded: %w", id, err)
	}
	return n == 1, nil
}

// DueSurveys lists, across tenants, the learners who came to a session
// that ended at or before now (within the week before) and were not yet
// asked the satisfaction survey about it, earliest first; at most limit.
func (s *Store) DueSurveys(ctx context.Context, now time.Time, limit int) (_ []Reminder, err error) {
	defer wrapf(&err, "find the class surveys due")
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.tenant_id, e.session_id FROM enrolments e
		JOIN class_sessions s ON s.id = e.session_id
		WHERE e.state = ? AND e.attended_at IS NOT NULL AND e.surveyed_at IS NULL AND s.cancelled = ?
		AND s.ends_at <= ? AND s.ends_at > ? ORDER BY s.ends_at, e.id LIMIT ?`,
		Enrolled, false, now.UTC(), now.UTC().Add(-7*24*time.Hour), limit)
	if err != nil {
		return nil, err
	}
	return s.enrolmentsIn(ctx, rows)
}

// MarkSurveyed records, in tx, that the learner was asked about the
// class; false when they had been already.
func MarkSurveyed(ctx context.Context, tx *db.Tx, id ids.Enrolment, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE enrolments SET surveyed_at = ? WHERE id = ? AND surveyed_at IS NULL`, now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("classes: mark enrolment %s surveyed: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("classes: mark enrolment %s surveyed: %w", id, err)
	}
	return n == 1, nil
}

// enrolmentsIn reads rows of (enrolment, tenant, session) ids, then each
// enrolment with its session (the rows are closed before the reads, so
// SQLite's one reader is free for them).
func (s *Store) enrolmentsIn(ctx context.Context, rows *sql.Rows) ([]Reminder, error) {
	type due struct {
		id       ids.Enrolment
		tenantID ids.Tenant
		session  ids.ClassSession
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.tenantID, &d.session); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Reminder
	for _, d := range list {
		e, err := readEnrolment(ctx, s.db, d.tenantID, d.id)
		if err != nil {
			return nil, err
		}
		x, err := readSession(ctx, s.db, d.tenantID, d.session)
		if err != nil {
			return nil, err
		}
		out = append(out, Reminder{Enrolment: e, Session: x})
	}
	return out, nil
}
