package classes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// MaxCapacity is the most learners one session takes (a hall's lecture).
const MaxCapacity = 500

// checkSession validates what an officer typed for a session.
func checkSession(in *Session) validation.Errors {
	var errs validation.Errors
	in.VenueName, in.VenueAddress, in.MapURL = strings.TrimSpace(in.VenueName), strings.TrimSpace(in.VenueAddress), strings.TrimSpace(in.MapURL)
	if in.StartsAt.IsZero() {
		errs.Add("starts_at", "error.field.required")
	}
	if !in.EndsAt.After(in.StartsAt) {
		errs.Add("ends_at", "error.class.ends_before_start")
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		errs.Add("capacity", "error.field.range", "1", fmt.Sprint(MaxCapacity))
	}
	if !in.Online && in.VenueName == "" {
		errs.Add("venue_name", "error.field.required")
	}
	if in.MapURL != "" {
		if u, err := url.Parse(in.MapURL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs.Add("map_url", "error.class.map_url")
		}
	}
	return errs
}

// CreateSession schedules a meeting of one of tenantID's courses.
func (s *Store) CreateSession(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, in Session) (_ Session, err error) {
	defer wrapf(&err, "schedule a session of course %s", in.CourseID)
	if errs := checkSession(&in); len(errs) > 0 {
		return Session{}, errs
	}
	if !in.StartsAt.After(s.clock.Now()) {
		return Session{}, validation.Errors{{Field: "starts_at", Code: "error.class.in_the_past"}}
	}
	c, err := s.Course(ctx, tenantID, in.CourseID)
	if err != nil {
		return Session{}, err
	}
	now := s.clock.Now().UTC()
	in.ID, in.TenantID, in.Cancelled = ids.ClassSession(db.NewID()), tenantID, false
	in.StartsAt, in.EndsAt = in.StartsAt.UTC(), in.EndsAt.UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO class_sessions (id, tenant_id, course_id, starts_at, ends_at, online,
			venue_name, venue_address, map_url, capacity, cancelled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.ID, tenantID, in.CourseID, in.StartsAt, in.EndsAt, in.Online, in.VenueName, in.VenueAddress, in.MapURL,
			in.Capacity, false, now, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "class.session.create", "class_session:"+string(in.ID),
			audit.Say("audit.detail.class.session", c.Code, in.StartsAt.Format(auditTime), fmt.Sprint(in.Capacity))))
	})
	if err != nil {
		return Session{}, err
	}
	return in, nil
}

const sessionColumns = `s.id, s.tenant_id, s.course_id, s.starts_at, s.ends_at, s.online, s.venue_name, s.venue_address,
	s.map_url, s.capacity, s.cancelled,
	(SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.state = 'enrolled'),
	(SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id AND e.state = 'waitlisted'), s.updated_at`

func scanSession(r interface{ Scan(...any) error }) (Session, error) {
	var x Session
	err := r.Scan(&x.ID, &x.TenantID, &x.CourseID, &x.StartsAt, &x.EndsAt, &x.Online, &x.VenueName, &x.VenueAddress,
		&x.MapURL, &x.Capacity, &x.Cancelled, &x.Enrolled, &x.Waitlisted, &x.UpdatedAt)
	x.StartsAt, x.EndsAt = x.StartsAt.UTC(), x.EndsAt.UTC()
	return x, err
}

// Session reads one session of tenantID with its counts.
func (s *Store) Session(ctx context.Context, tenantID ids.Tenant, id ids.ClassSession) (_ Session, err error) {
	defer wrapf(&err, "read session %s", id)
	return readSession(ctx, s.db, tenantID, id)
}

func readSession(ctx context.Context, q db.Querier, tenantID ids.Tenant, id ids.ClassSession) (Session, error) {
	x, err := scanSession(q.QueryRowContext(ctx, "SELECT "+sessionColumns+" FROM class_sessions s WHERE s.tenant_id = ? AND s.id = ?", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	return x, err
}

// Sessions lists tenantID's sessions starting in [from, to), soonest first.
func (s *Store) Sessions(ctx context.Context, tenantID ids.Tenant, from, to time.Time) (_ []Session, err error) {
	defer wrapf(&err, "list sessions of %s", tenantID)
	rows, err := s.db.QueryContext(ctx, "SELECT "+sessionColumns+` FROM class_sessions s
		WHERE s.tenant_id = ? AND s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, s.id`, tenantID, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// lockSession takes the session's row for the rest of tx, so that
// enrolments, cancellations and capacity changes of one session run one
// after another on both databases (SQLite's writer runs one at a time
// anyway; on PostgreSQL the UPDATE's row lock queues the others until
// commit). take > 0 also hands out the next place in the order of arrival.
// It returns the row's own columns only: on PostgreSQL a subquery here
// would still see the statement's snapshot, taken before the lock was
// granted, and miss what the transaction before it did; callers count
// seats with a statement of their own.
func lockSession(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, id ids.ClassSession, take int) (Session, int, error) {
	var x Session
	var place int
	err := tx.QueryRowContext(ctx, `UPDATE class_sessions SET places = places + ? WHERE tenant_id = ? AND id = ?
		RETURNING id, tenant_id, course_id, starts_at, ends_at, online, venue_name, venue_address, map_url, capacity, cancelled, places, updated_at`,
		take, tenantID, id).Scan(&x.ID, &x.TenantID, &x.CourseID, &x.StartsAt, &x.EndsAt, &x.Online, &x.VenueName, &x.VenueAddress,
		&x.MapURL, &x.Capacity, &x.Cancelled, &place, &x.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, 0, ErrNotFound
	}
	if err != nil {
		return Session{}, 0, fmt.Errorf("lock the session: %w", err)
	}
	x.StartsAt, x.EndsAt = x.StartsAt.UTC(), x.EndsAt.UTC()
	return x, place, nil
}

// lockUpcoming locks a session that is still to come at now (as
// lockSession), refusing one cancelled (ErrSessionCanceled) or started
// (ErrSessionPast).
func lockUpcoming(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, id ids.ClassSession, take int, now time.Time) (Session, int, error) {
	x, place, err := lockSession(ctx, tx, tenantID, id, take)
	switch {
	case err != nil:
		return Session{}, 0, err
	case x.Cancelled:
		return Session{}, 0, ErrSessionCanceled
	case !now.Before(x.StartsAt):
		return Session{}, 0, ErrSessionPast
	}
	return x, place, nil
}

// auditTime is how the audit trail's details write a time (read by staff
// of any zone, so in UTC and saying so).
const auditTime = "2006-01-02 15:04 UTC"

// CancelHook runs inside the transaction that calls a session off, once
// per learner with a place (the email that tells them goes with it).
type CancelHook func(ctx context.Context, tx *db.Tx, e Enrolment, x Session) error

// OnCancelSession registers h; the app wires the email notice.
func (s *Store) OnCancelSession(h CancelHook) { s.calledOff = append(s.calledOff, h) }

// CancelSession calls a session off before it starts: it stays listed,
// marked cancelled; no one can enrol or check in; every learner with a
// place (seated or waiting) is told, in the same transaction, and keeps
// the record of it. Refuses a session already cancelled
// (ErrSessionCanceled) or started (ErrSessionPast).
func (s *Store) CancelSession(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession) (told int, err error) {
	defer wrapf(&err, "cancel session %s", sessionID)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		x, _, err := lockUpcoming(ctx, tx, tenantID, sessionID, 0, s.clock.Now())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE class_sessions SET cancelled = ?, updated_at = ? WHERE id = ?`,
			true, s.clock.Now().UTC(), sessionID); err != nil {
			return err
		}
		x.Cancelled, x.UpdatedAt = true, s.clock.Now().UTC()
		places, err := enrolments(ctx, tx, `WHERE session_id = ? AND state <> ? ORDER BY position`, sessionID, Cancelled)
		if err != nil {
			return err
		}
		for _, e := range places {
			for _, h := range s.calledOff {
				if err := h(ctx, tx, e, x); err != nil {
					return fmt.Errorf("tell %s: %w", e.ID, err)
				}
			}
		}
		told = len(places)
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.session.cancel", "class_session:"+string(sessionID),
			audit.Say("audit.detail.class.session.cancel", x.StartsAt.Format(auditTime), fmt.Sprint(told))))
	})
	if err != nil {
		return 0, err
	}
	return told, nil
}

// OnChangeSession registers h, run for every learner with a place when a
// session moves to another time or place (the app wires the email).
func (s *Store) OnChangeSession(h CancelHook) { s.moved = append(s.moved, h) }

// ChangeSession moves a session that has not started to another time or
// place (its course and seats stay): every learner with a place is told
// in the same transaction, and the reminders go again for the new day.
// Refuses a cancelled session (ErrSessionCanceled), one that has started
// (ErrSessionPast) and a new time in the past.
func (s *Store) ChangeSession(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession, in Session) (told int, err error) {
	defer wrapf(&err, "change session %s", sessionID)
	in.Capacity = 1 // seats are not changed here; checkSession wants some
	if errs := checkSession(&in); len(errs) > 0 {
		return 0, errs
	}
	now := s.clock.Now()
	if !in.StartsAt.After(now) {
		return 0, validation.Errors{{Field: "starts_at", Code: "error.class.in_the_past"}}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		x, _, err := lockUpcoming(ctx, tx, tenantID, sessionID, 0, now)
		if err != nil {
			return err
		}
		x.StartsAt, x.EndsAt, x.Online = in.StartsAt.UTC(), in.EndsAt.UTC(), in.Online
		x.VenueName, x.VenueAddress, x.MapURL, x.UpdatedAt = in.VenueName, in.VenueAddress, in.MapURL, now.UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE class_sessions SET starts_at = ?, ends_at = ?, online = ?, venue_name = ?,
			venue_address = ?, map_url = ?, updated_at = ? WHERE id = ?`, x.StartsAt, x.EndsAt, x.Online, x.VenueName,
			x.VenueAddress, x.MapURL, now.UTC(), x.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET reminded_at = NULL WHERE session_id = ?`, x.ID); err != nil {
			return err
		}
		places, err := enrolments(ctx, tx, `WHERE session_id = ? AND state <> ? ORDER BY position`, x.ID, Cancelled)
		if err != nil {
			return err
		}
		for _, e := range places {
			for _, h := range s.moved {
				if err := h(ctx, tx, e, x); err != nil {
					return err
				}
			}
		}
		told = len(places)
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.session.change", "class_session:"+string(x.ID),
			audit.Say("audit.detail.class.session.change", x.StartsAt.Format(auditTime), fmt.Sprint(told))))
	})
	if err != nil {
		return 0, err
	}
	return told, nil
}
