package classes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Digital supporters (デジタル活用支援員 / pendamping digital): trained
// volunteers who help learners in the classes. A resident applies, the
// tenant approves or declines, the training each has done is recorded,
// instructors and approved supporters are assigned to sessions, and a
// supporter logs the time they gave to each session; admins see the
// hours per month.

// Supporter states.
const (
	SupporterApplied  = "applied"
	SupporterApproved = "approved"
	SupporterDeclined = "declined"
)

// Roles in a session.
const (
	AssignedInstructor = "instructor"
	AssignedSupporter  = "supporter"
)

// Supporter is one volunteer of a tenant.
type Supporter struct {
	TenantID   ids.Tenant
	UserID     ids.User
	Status     string
	Motivation string
	AppliedAt  time.Time
	DecidedAt  *time.Time
	Training   []Training
}

// Training is a piece of training a supporter completed.
type Training struct {
	Topic      string
	RecordedAt time.Time
}

// Assignment is someone teaching or supporting a session.
type Assignment struct {
	SessionID ids.ClassSession
	UserID    ids.User
	Role      string
	Minutes   int
	LoggedAt  *time.Time
}

// Refusals about supporters.
var (
	ErrNotSupporter   = errors.New("classes: not an approved supporter of the tenant")
	ErrNotAssigned    = errors.New("classes: not assigned to the session")
	ErrHoursTooEarly  = errors.New("classes: hours are logged once the session has started")
	ErrAlreadyApplied = errors.New("classes: already a supporter or applying")
)

// Bounds of what a supporter writes and logs.
const (
	maxMotivation = 1000
	maxTopic      = 200
	maxMinutes    = 12 * 60
)

// ApplySupporter records userID's application to volunteer in tenantID.
// One who was declined may apply again; one applying or approved is
// refused (ErrAlreadyApplied).
func (s *Store) ApplySupporter(ctx context.Context, by audit.Actor, tenantID ids.Tenant, userID ids.User, motivation string) (err error) {
	defer wrapf(&err, "record %s applying to support the classes", userID)
	motivation = strings.TrimSpace(motivation)
	if utf8.RuneCountInString(motivation) > maxMotivation {
		return validation.Errors{{Field: "motivation", Code: "error.field.too_long", Args: []any{fmt.Sprint(maxMotivation)}}}
	}
	now := s.clock.Now().UTC()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO class_supporters (tenant_id, user_id, status, motivation, applied_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO UPDATE SET status = excluded.status,
			motivation = excluded.motivation, applied_at = excluded.applied_at, decided_at = NULL, decided_by = ''
			WHERE class_supporters.status = ?`, tenantID, userID, SupporterApplied, motivation, now, SupporterDeclined)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrAlreadyApplied, err)
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.supporter.apply", "user:"+string(userID), ""))
	})
}

// DecideSupporter approves or declines an application (or withdraws an
// approval: approve false on an approved supporter).
func (s *Store) DecideSupporter(ctx context.Context, by audit.Actor, tenantID ids.Tenant, userID ids.User, approve bool) (err error) {
	defer wrapf(&err, "decide on supporter %s", userID)
	status := SupporterDeclined
	if approve {
		status = SupporterApproved
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE class_supporters SET status = ?, decided_at = ?, decided_by = ?
			WHERE tenant_id = ? AND user_id = ?`, status, s.clock.Now().UTC(), by.ID, tenantID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrNotFound, err)
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.supporter."+status, "user:"+string(userID), ""))
	})
}

// RecordTraining adds a piece of training userID completed.
func (s *Store) RecordTraining(ctx context.Context, by audit.Actor, tenantID ids.Tenant, userID ids.User, topic string) (err error) {
	defer wrapf(&err, "record training of supporter %s", userID)
	topic = strings.TrimSpace(topic)
	switch {
	case topic == "":
		return validation.Errors{{Field: "topic", Code: "error.field.required"}}
	case utf8.RuneCountInString(topic) > maxTopic:
		return validation.Errors{{Field: "topic", Code: "error.field.too_long", Args: []any{fmt.Sprint(maxTopic)}}}
	}
	if _, err := s.Supporter(ctx, tenantID, userID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO class_supporter_training (id, tenant_id, user_id, topic, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?)`, db.NewID(), tenantID, userID, topic, by.ID, s.clock.Now().UTC()); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.supporter.training", "user:"+string(userID), topic))
	})
}

// Supporter reads one volunteer of tenantID with their training.
func (s *Store) Supporter(ctx context.Context, tenantID ids.Tenant, userID ids.User) (_ Supporter, err error) {
	defer wrapf(&err, "read supporter %s", userID)
	list, err := s.supporters(ctx, `WHERE tenant_id = ? AND user_id = ?`, tenantID, userID)
	if err != nil {
		return Supporter{}, err
	}
	if len(list) == 0 {
		return Supporter{}, ErrNotFound
	}
	return list[0], nil
}

// Supporters lists tenantID's volunteers: those applying first, then by
// when they applied.
func (s *Store) Supporters(ctx context.Context, tenantID ids.Tenant) (_ []Supporter, err error) {
	defer wrapf(&err, "list the supporters of %s", tenantID)
	return s.supporters(ctx, `WHERE tenant_id = ? ORDER BY CASE status WHEN 'applied' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, applied_at, user_id`, tenantID)
}

func (s *Store) supporters(ctx context.Context, where string, args ...any) ([]Supporter, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, user_id, status, motivation, applied_at, decided_at FROM class_supporters `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []Supporter
	for rows.Next() {
		var x Supporter
		if err := rows.Scan(&x.TenantID, &x.UserID, &x.Status, &x.Motivation, &x.AppliedAt, &x.DecidedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Training, err = s.training(ctx, out[i].TenantID, out[i].UserID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) training(ctx context.Context, tenantID ids.Tenant, userID ids.User) ([]Training, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT topic, recorded_at FROM class_supporter_training WHERE tenant_id = ? AND user_id = ?
		ORDER BY recorded_at, id`, tenantID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Training
	for rows.Next() {
		var x Training
		if err := rows.Scan(&x.Topic, &x.RecordedAt); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Assign puts userID on the session as instructor or supporter; a
// supporter must be approved (ErrNotSupporter). Whether an instructor
// holds the role is the caller's to check. Assigning again changes the
// role.
func (s *Store) Assign(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession, userID ids.User, role string) (err error) {
	defer wrapf(&err, "assign %s to session %s as %s", userID, sessionID, role)
	switch role {
	case AssignedInstructor:
	case AssignedSupporter:
		sup, err := s.Supporter(ctx, tenantID, userID)
		if errors.Is(err, ErrNotFound) || (err == nil && sup.Status != SupporterApproved) {
			return ErrNotSupporter
		}
		if err != nil {
			return err
		}
	default:
		return validation.Errors{{Field: "role", Code: "error.field.choice"}}
	}
	if _, err := s.Session(ctx, tenantID, sessionID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO class_assignments (session_id, user_id, tenant_id, role) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id, user_id) DO UPDATE SET role = excluded.role`, sessionID, userID, tenantID, role); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.assign", "class_session:"+string(sessionID), string(userID)+" "+role))
	})
}

// Unassign takes userID off the session (their logged time with it).
func (s *Store) Unassign(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession, userID ids.User) (err error) {
	defer wrapf(&err, "take %s off session %s", userID, sessionID)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM class_assignments WHERE tenant_id = ? AND session_id = ? AND user_id = ?`, tenantID, sessionID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrNotAssigned, err)
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.unassign", "class_session:"+string(sessionID), string(userID)))
	})
}

// Assigned lists who teaches and supports the session.
func (s *Store) Assigned(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession) (_ []Assignment, err error) {
	defer wrapf(&err, "list who is assigned to session %s", sessionID)
	return s.assignments(ctx, `WHERE tenant_id = ? AND session_id = ? ORDER BY role, user_id`, tenantID, sessionID)
}

// AssignmentsOf lists the sessions userID teaches or supports.
func (s *Store) AssignmentsOf(ctx context.Context, tenantID ids.Tenant, userID ids.User) (_ []Assignment, err error) {
	defer wrapf(&err, "list the sessions of %s", userID)
	return s.assignments(ctx, `WHERE tenant_id = ? AND user_id = ? ORDER BY session_id`, tenantID, userID)
}

// IsAssigned tells whether userID teaches or supports the session.
func (s *Store) IsAssigned(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession, userID ids.User) (bool, error) {
	a, err := s.assignments(ctx, `WHERE tenant_id = ? AND session_id = ? AND user_id = ?`, tenantID, sessionID, userID)
	return len(a) > 0, err
}

func (s *Store) assignments(ctx context.Context, where string, args ...any) ([]Assignment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT session_id, user_id, role, minutes, logged_at FROM class_assignments `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		if err := rows.Scan(&a.SessionID, &a.UserID, &a.Role, &a.Minutes, &a.LoggedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// LogHours records the minutes userID gave to a session they are assigned
// to, once it has started; logging again replaces the figure.
func (s *Store) LogHours(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession, userID ids.User, minutes int) (err error) {
	defer wrapf(&err, "log the hours of %s in session %s", userID, sessionID)
	if minutes < 1 || minutes > maxMinutes {
		return validation.Errors{{Field: "minutes", Code: "error.field.range", Args: []any{"1", fmt.Sprint(maxMinutes)}}}
	}
	x, err := s.Session(ctx, tenantID, sessionID)
	if err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	if now.Before(x.StartsAt) {
		return ErrHoursTooEarly
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE class_assignments SET minutes = ?, logged_at = ? WHERE tenant_id = ? AND session_id = ? AND user_id = ?`,
			minutes, now, tenantID, sessionID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrNotAssigned, err)
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.hours", "class_session:"+string(sessionID), fmt.Sprint(minutes)))
	})
}

// Hours is one person's logged time over a period.
type Hours struct {
	UserID   ids.User
	Sessions int
	Minutes  int
}

// HoursIn sums the time each supporter logged for tenantID's sessions
// starting in [from, to), most first.
func (s *Store) HoursIn(ctx context.Context, tenantID ids.Tenant, from, to time.Time) (_ []Hours, err error) {
	defer wrapf(&err, "sum the supporters' hours of %s", tenantID)
	rows, err := s.db.QueryContext(ctx, `SELECT a.user_id, COUNT(*), SUM(a.minutes) FROM class_assignments a
		JOIN class_sessions x ON x.id = a.session_id
		WHERE a.tenant_id = ? AND a.role = ? AND a.minutes > 0 AND x.starts_at >= ? AND x.starts_at < ?
		GROUP BY a.user_id ORDER BY SUM(a.minutes) DESC, a.user_id`, tenantID, AssignedSupporter, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Hours
	for rows.Next() {
		var h Hours
		if err := rows.Scan(&h.UserID, &h.Sessions, &h.Minutes); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
