// Package call runs the remote counter's video calls: a call belongs to one
// queue ticket or one appointment, is opened by an officer of the counter,
// and is held between the resident, the officer and at most one helper (a
// family member or an interpreter the resident or officer invited by a
// one-time link). The browsers send media peer to peer (WebRTC); this
// package keeps the record of the call (who, when, how long, notes, the
// resident's one satisfaction answer, the application filled during it,
// the documents shown) and the signalling rooms that relay the browsers'
// offers, answers and candidates, chat and document highlights.
package call

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Call statuses.
const (
	Open  = "open"
	Ended = "ended"
)

// Call is one meeting by video at a counter.
type Call struct {
	TenantID      ids.Tenant
	ID            ids.Call
	CounterID     ids.Counter
	TicketID      ids.Ticket // "" for an appointment's call
	AppointmentID string     // "" for a ticket's call
	OfficerID     ids.User   // who opened it
	ResidentID    ids.User   // "" for an anonymous ticket (a kiosk, a walk-in)
	Status        string
	Notes         string // the officer's notes on the session
	// Satisfaction is the resident's answer to the one question at the end,
	// 1 (not satisfied) to 4 (very satisfied), the scale of Indonesia's SKM
	// survey; 0 when not answered.
	Satisfaction  int
	ApplicationID ids.Application // the application filled during the call, if any
	CreatedAt     time.Time
	StartedAt     *time.Time // when a second person first joined
	EndedAt       *time.Time
	// Duration is the length of the session: from StartedAt to EndedAt.
	Duration time.Duration
}

// Subject says what a call is for: exactly one of a ticket or an
// appointment, at a counter, for a resident ("" when anonymous).
type Subject struct {
	ResidentID    ids.User
	CounterID     ids.Counter
	TicketID      ids.Ticket
	AppointmentID string
}

// Limits of what people type.
const (
	MaxNotes = 4000
	MaxChat  = 1000
)

// Errors the web layer turns into answers.
var (
	ErrNotFound  = errors.New("call not found")
	ErrEnded     = errors.New("call has ended")
	ErrNotEnded  = errors.New("call has not ended")
	ErrSubject   = errors.New("a call needs exactly one ticket or appointment")
	ErrNotes     = errors.New("notes are too long")
	ErrRating    = errors.New("satisfaction must be 1 to 4")
	ErrRated     = errors.New("satisfaction was already given")
	ErrInvite    = errors.New("invitation is not valid")
	ErrRoomFull  = errors.New("call already has three people")
	ErrForbidden = errors.New("not allowed in this call")
)

// Store keeps calls.
type Store struct {
	db    *db.DB
	clock clock.Clock
	rooms *Rooms
}

// NewStore returns a call store; its signalling rooms live in this process.
func NewStore(d *db.DB, c clock.Clock) *Store {
	s := &Store{db: d, clock: c, rooms: NewRooms()}
	s.rooms.OnStart = func(callID string) {
		// Losing this stamp only shortens the recorded session, so a
		// failure is not worth failing the join for.
		_ = s.Started(context.Background(), ids.Call(callID))
	}
	return s
}

// Rooms returns the signalling rooms of this process.
func (s *Store) Rooms() *Rooms { return s.rooms }

func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

const columns = `id, tenant_id, counter_id, ticket_id, appointment_id, officer_id, resident_id, status, notes,
	satisfaction, application_id, created_at, started_at, ended_at, duration_seconds`

func scan(r interface{ Scan(...any) error }) (Call, error) {
	var c Call
	var started, ended sql.NullTime
	var secs int64
	err := r.Scan(&c.ID, &c.TenantID, &c.CounterID, &c.TicketID, &c.AppointmentID, &c.OfficerID, &c.ResidentID,
		&c.Status, &c.Notes, &c.Satisfaction, &c.ApplicationID, &c.CreatedAt, &started, &ended, &secs)
	if errors.Is(err, sql.ErrNoRows) {
		return Call{}, ErrNotFound
	}
	if started.Valid {
		t := started.Time.UTC()
		c.StartedAt = &t
	}
	if ended.Valid {
		t := ended.Time.UTC()
		c.EndedAt = &t
	}
	c.CreatedAt = c.CreatedAt.UTC()
	c.Duration = time.Duration(secs) * time.Second
	return c, err
}

// Get returns the call of the tenant; another tenant's call is ErrNotFound.
func (s *Store) Get(ctx context.Context, tenantID ids.Tenant, id ids.Call) (_ Call, err error) {
	defer wrapf(&err, "get call %s", id)
	if !db.ValidID(string(id)) {
		return Call{}, ErrNotFound
	}
	return scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// OpenFor returns the open call of a ticket or appointment, or ErrNotFound.
func (s *Store) OpenFor(ctx context.Context, tenantID ids.Tenant, sub Subject) (_ Call, err error) {
	defer wrapf(&err, "find the open call (tenant %s)", tenantID)
	return openFor(ctx, s.db, tenantID, sub)
}

func openFor(ctx context.Context, q db.Querier, tenantID ids.Tenant, sub Subject) (Call, error) {
	col, id := "ticket_id", string(sub.TicketID)
	if id == "" {
		col, id = "appointment_id", sub.AppointmentID
	}
	if id == "" {
		return Call{}, ErrNotFound
	}
	return scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND `+col+` = ? AND status = 'open'`,
		tenantID, id))
}

// Begin opens the call of a ticket or appointment, or returns the one that
// is open already (an officer's second click, or a colleague's): two
// officers racing get the same call, settled by the unique indexes.
func (s *Store) Begin(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, sub Subject) (_ Call, err error) {
	defer wrapf(&err, "open a call (tenant %s)", tenantID)
	if (sub.TicketID == "") == (sub.AppointmentID == "") || sub.CounterID == "" || actor.ID == "" {
		return Call{}, ErrSubject
	}
	var c Call
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = openFor(ctx, tx, tenantID, sub); !errors.Is(err, ErrNotFound) {
			return err
		}
		c = Call{ID: ids.Call(db.NewID()), TenantID: tenantID, CounterID: sub.CounterID, TicketID: sub.TicketID,
			AppointmentID: sub.AppointmentID, OfficerID: actor.ID, ResidentID: sub.ResidentID, Status: Open,
			CreatedAt: s.now()}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calls (id, tenant_id, counter_id, ticket_id, appointment_id,
			officer_id, resident_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.CounterID, c.TicketID, c.AppointmentID, c.OfficerID, c.ResidentID, c.Status,
			c.CreatedAt); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "call.open", string("call:"+c.ID), subjectSummary(sub)))
	})
	if db.IsUniqueViolation(err) {
		return openFor(ctx, s.db, tenantID, sub)
	}
	return c, err
}

func subjectSummary(sub Subject) string {
	if sub.TicketID != "" {
		return string("ticket:" + sub.TicketID)
	}
	return "appointment:" + sub.AppointmentID
}

// Started records when the second person joined: the session's length is
// counted from then. Later calls change nothing.
func (s *Store) Started(ctx context.Context, id ids.Call) (err error) {
	defer wrapf(&err, "mark call %s started", id)
	_, err = s.db.ExecContext(ctx, `UPDATE calls SET started_at = ? WHERE id = ? AND started_at IS NULL
		AND status = 'open'`, s.now(), id)
	return err
}

// End closes the call with the officer's notes and records its length.
// Ending an ended call is ErrEnded. Everyone still connected is told by the
// room.
func (s *Store) End(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Call, notes string) (_ Call, err error) {
	defer wrapf(&err, "end call %s", id)
	notes = strings.TrimSpace(notes)
	if utf8.RuneCountInString(notes) > MaxNotes {
		return Call{}, ErrNotes
	}
	var c Call
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND id = ?`,
			tenantID, id)); err != nil {
			return err
		}
		if c.Status != Open {
			return ErrEnded
		}
		now := s.now()
		c.Status, c.Notes, c.EndedAt = Ended, notes, &now
		if c.StartedAt != nil {
			c.Duration = now.Sub(*c.StartedAt).Truncate(time.Second)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET status = ?, notes = ?, ended_at = ?, duration_seconds = ?
			WHERE id = ?`, c.Status, c.Notes, now, int64(c.Duration/time.Second), c.ID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "call.end", string("call:"+c.ID),
			audit.Say("audit.detail.call.end", strconv.FormatInt(int64(c.Duration/time.Second), 10))))
	})
	if err != nil {
		return Call{}, err
	}
	db.AfterCommit(ctx, func() { s.rooms.Close(c.ID) })
	return c, nil
}

// Rate stores the resident's answer to the satisfaction question once,
// after the call ended.
func (s *Store) Rate(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Call, score int) (err error) {
	defer wrapf(&err, "rate call %s", id)
	if score < 1 || score > 4 {
		return ErrRating
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND id = ?`, tenantID, id))
		switch {
		case err != nil:
			return err
		case c.Status != Ended:
			return ErrNotEnded
		case c.Satisfaction != 0:
			return ErrRated
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET satisfaction = ? WHERE id = ?`, score, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "call.rate", string("call:"+id), fmt.Sprint(score)))
	})
}

// LinkApplication records the application filled during the call.
func (s *Store) LinkApplication(ctx context.Context, tenantID ids.Tenant, id ids.Call, applicationID ids.Application) (err error) {
	defer wrapf(&err, "link call %s to application %s", id, applicationID)
	res, err := s.db.ExecContext(ctx, `UPDATE calls SET application_id = ? WHERE tenant_id = ? AND id = ?`,
		applicationID, tenantID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetResident names the resident of an anonymous call once the officer has
// found their account (to fill an application for them).
func (s *Store) SetResident(ctx context.Context, tenantID ids.Tenant, id ids.Call, residentID ids.User) (err error) {
	defer wrapf(&err, "name resident of call %s: %s", id, residentID)
	_, err = s.db.ExecContext(ctx, `UPDATE calls SET resident_id = ? WHERE tenant_id = ? AND id = ? AND resident_id = ''`,
		residentID, tenantID, id)
	return err
}

// Recent lists the tenant's calls of a counter, newest first, for the
// officer console and reports.
func (s *Store) Recent(ctx context.Context, tenantID ids.Tenant, counterID ids.Counter, limit int) (_ []Call, err error) {
	defer wrapf(&err, "list recent calls at counter %s", counterID)
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND counter_id = ?
		ORDER BY created_at DESC LIMIT ?`, tenantID, counterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Call
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ForApplication returns the open call in which the application is being
// filled, or ErrNotFound.
func (s *Store) ForApplication(ctx context.Context, tenantID ids.Tenant, applicationID ids.Application) (_ Call, err error) {
	defer wrapf(&err, "find the open call of application %s", applicationID)
	if applicationID == "" {
		return Call{}, ErrNotFound
	}
	return scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND application_id = ?
		AND status = 'open' ORDER BY created_at DESC LIMIT 1`, tenantID, applicationID))
}
