package classes

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Help in the room: during a class a learner presses "help me" on their
// phone; the instructors see who asked, oldest first, with their seat,
// and each takes the next one. A person has one open request per class;
// asking again keeps their place.

// HelpRequest is one learner's call for help.
type HelpRequest struct {
	ID        string
	TenantID  ids.Tenant
	SessionID ids.ClassSession
	Practiser
	Seat     int
	Name     string
	AskedAt  time.Time
	TakenBy  ids.User
	TakenAt  *time.Time
	ClosedAt *time.Time
	Ahead    int // open requests asked before it and not yet taken (MyHelp)
}

// Refusals of help.
var (
	ErrHelpNotNow   = errors.New("classes: help is asked for during the class")
	ErrNotInClass   = errors.New("classes: not a learner of this class")
	ErrNoHelpWanted = errors.New("classes: no one is waiting for help")
)

// AskHelp records that p, a seated learner or a guest of the session,
// wants help now (from half an hour before the start to the end). Asking
// while a request is open returns that one, keeping its place.
func (s *Store) AskHelp(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession, p Practiser, name string) (_ HelpRequest, err error) {
	defer wrapf(&err, "ask for help in session %s", sessionID)
	if !p.Known() {
		return HelpRequest{}, ErrNotPractiser
	}
	x, err := s.Session(ctx, tenantID, sessionID)
	if err != nil {
		return HelpRequest{}, err
	}
	now := s.clock.Now()
	if x.Cancelled || now.Before(x.StartsAt.Add(-checkInOpens)) || !now.Before(x.EndsAt) {
		return HelpRequest{}, ErrHelpNotNow
	}
	seat, err := s.placeInClass(ctx, tenantID, sessionID, p)
	if err != nil {
		return HelpRequest{}, err
	}
	h := HelpRequest{ID: db.NewID(), TenantID: tenantID, SessionID: sessionID, Practiser: p, Seat: seat, Name: name, AskedAt: now.UTC()}
	_, err = s.db.ExecContext(ctx, `INSERT INTO class_help (id, tenant_id, session_id, learner_id, guest_id, seat, name, asked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, tenantID, sessionID, p.LearnerID, p.GuestID, seat, name, h.AskedAt)
	if db.IsUniqueViolation(err) {
		mine, err := s.MyHelp(ctx, tenantID, sessionID, p)
		if err != nil || mine == nil {
			return HelpRequest{}, errors.Join(errors.New("the open request vanished"), err)
		}
		return *mine, nil
	}
	if err != nil {
		return HelpRequest{}, err
	}
	return h, nil
}

// placeInClass is p's seat in the session (0 for a guest of it); a
// learner without a seat, or a guest of another class, is refused.
func (s *Store) placeInClass(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession, p Practiser) (int, error) {
	if p.GuestID != "" {
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice_guests WHERE id = ? AND tenant_id = ? AND session_id = ?`,
			p.GuestID, tenantID, sessionID).Scan(&n)
		if err == nil && n == 0 {
			err = ErrNotInClass
		}
		return 0, err
	}
	var seat int
	err := s.db.QueryRowContext(ctx, `SELECT seat FROM enrolments WHERE tenant_id = ? AND session_id = ? AND learner_id = ? AND state = ?`,
		tenantID, sessionID, p.LearnerID, Enrolled).Scan(&seat)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotInClass
	}
	return seat, err
}

const helpColumns = `id, tenant_id, session_id, learner_id, guest_id, seat, name, asked_at, taken_by, taken_at, closed_at`

func scanHelp(r interface{ Scan(...any) error }) (HelpRequest, error) {
	var h HelpRequest
	err := r.Scan(&h.ID, &h.TenantID, &h.SessionID, &h.LearnerID, &h.GuestID, &h.Seat, &h.Name, &h.AskedAt, &h.TakenBy, &h.TakenAt, &h.ClosedAt)
	return h, err
}

// HelpQueue lists the session's open requests, oldest first: those
// waiting and those being helped.
func (s *Store) HelpQueue(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession) (_ []HelpRequest, err error) {
	defer wrapf(&err, "read who asks for help in session %s", sessionID)
	rows, err := s.db.QueryContext(ctx, "SELECT "+helpColumns+` FROM class_help
		WHERE tenant_id = ? AND session_id = ? AND closed_at IS NULL ORDER BY asked_at, id`, tenantID, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HelpRequest
	for rows.Next() {
		h, err := scanHelp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// MyHelp is p's open request in the session, with how many wait before
// it; nil when there is none.
func (s *Store) MyHelp(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession, p Practiser) (_ *HelpRequest, err error) {
	defer wrapf(&err, "read the help request of %s%s", p.LearnerID, p.GuestID)
	queue, err := s.HelpQueue(ctx, tenantID, sessionID)
	if err != nil {
		return nil, err
	}
	ahead := 0
	for _, h := range queue {
		if h.Practiser == p {
			h.Ahead = ahead
			return &h, nil
		}
		if h.TakenAt == nil {
			ahead++
		}
	}
	return nil, nil
}

// TakeNextHelp gives helper the oldest request no one has taken. Two
// helpers pressing at once get two different learners.
func (s *Store) TakeNextHelp(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession, helper ids.User) (_ HelpRequest, err error) {
	defer wrapf(&err, "take the next help request of session %s", sessionID)
	for range 5 {
		var id string
		err := s.db.QueryRowContext(ctx, `SELECT id FROM class_help WHERE tenant_id = ? AND session_id = ? AND closed_at IS NULL
			AND taken_by = '' ORDER BY asked_at, id LIMIT 1`, tenantID, sessionID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return HelpRequest{}, ErrNoHelpWanted
		}
		if err != nil {
			return HelpRequest{}, err
		}
		// Taken only if still free: another helper may have been first.
		var h HelpRequest
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			var err error
			h, err = scanHelp(tx.QueryRowContext(ctx, `UPDATE class_help SET taken_by = ?, taken_at = ?
				WHERE id = ? AND taken_by = '' AND closed_at IS NULL RETURNING `+helpColumns, helper, s.clock.Now().UTC(), id))
			return err
		})
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		return h, err
	}
	return HelpRequest{}, ErrNoHelpWanted
}

// CloseHelp ends request id of the session: helped, or no longer needed.
// Closing a closed one is no error.
func (s *Store) CloseHelp(ctx context.Context, tenantID ids.Tenant, sessionID ids.ClassSession, id string) (err error) {
	defer wrapf(&err, "close help request %s", id)
	res, err := s.db.ExecContext(ctx, `UPDATE class_help SET closed_at = ? WHERE id = ? AND tenant_id = ? AND session_id = ? AND closed_at IS NULL`,
		s.clock.Now().UTC(), id, tenantID, sessionID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM class_help WHERE id = ? AND tenant_id = ? AND session_id = ?`,
		id, tenantID, sessionID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
