// Package application keeps residents' applications: drafts, submission
// with a tracking number, every workflow transition with who and when,
// and the SLA clock of the current state.
package application

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/workflow"
)

// Application is one resident's request for one service.
type Application struct {
	ID             ids.Application
	TenantID       ids.Tenant
	ServiceID      string
	TrackingNumber string // "" while a draft
	ApplicantID    ids.User
	FilledBy       ids.User // officer who filled it in an assisted application
	ConfirmedBy    ids.User
	State          string
	Answers        form.Answers
	Lang           string
	Version        int
	AssignedTo     ids.User
	StateSince     time.Time
	DueAt          *time.Time
	Escalated      bool
	SubmittedAt    *time.Time
	DecidedAt      *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Event is one line of an application's timeline.
type Event struct {
	At        time.Time
	ActorID   ids.User
	ActorRole string
	Action    string
	From, To  string
	Comment   string
}

// MaxComment is the longest reason an officer may write (in characters).
const MaxComment = 2000

// Errors callers turn into HTTP answers.
var (
	ErrNotFound = errors.New("application not found")
	// ErrConflict: someone else changed the application since the caller
	// read it (two officers acting at once); the loser is told.
	ErrConflict = errors.New("application changed meanwhile")
)

// DecisionHook is told, inside the deciding transaction, that an
// application reached an end state; the result package issues the output
// this way without the application package knowing its tables.
type DecisionHook interface {
	OnDecision(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a Application, outcome string) error
}

// Service runs applications.
type Service struct {
	db       *db.DB
	clock    clock.Clock
	calendar *calendar.Store
	regions  identity.RegionLookup
	hooks    []DecisionHook
	moves    []TransitionHook
	sealer   Sealer
}

// Sealer encrypts answers at rest: they can hold NIKs, My Numbers and
// health details (UU PDP, APPI), and a copied database must not show them.
type Sealer interface {
	Seal(plaintext, aad string) (string, error)
	Open(sealed, aad string) (string, error)
}

// SealAnswers makes the service store answers encrypted with c (the app
// always sets it; tests may leave answers in clear).
func (s *Service) SealAnswers(c Sealer) { s.sealer = c }

// encodeAnswers is the stored form of a's answers.
func (s *Service) encodeAnswers(a Application) (string, error) {
	raw, err := json.Marshal(a.Answers)
	if err != nil || s.sealer == nil {
		return string(raw), err
	}
	return s.sealer.Seal(string(raw), string("application.answers:"+a.ID))
}

// decodeAnswers reads stored answers, sealed or (from before sealing) not.
func (s *Service) decodeAnswers(a *Application, stored string) error {
	if strings.HasPrefix(stored, "v1.") && s.sealer != nil {
		plain, err := s.sealer.Open(stored, string("application.answers:"+a.ID))
		if err != nil {
			return err
		}
		stored = plain
	}
	return json.Unmarshal([]byte(stored), &a.Answers)
}

// OnDecision registers a hook run when an application is decided.
func (s *Service) OnDecision(h DecisionHook) { s.hooks = append(s.hooks, h) }

// TransitionHook is told of every transition (and escalation) inside its
// transaction; notifications are queued this way, so an application and
// the emails about it commit together.
type TransitionHook interface {
	OnTransition(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a Application, e Event) error
}

// OnTransition registers a hook run on every transition.
func (s *Service) OnTransition(h TransitionHook) { s.moves = append(s.moves, h) }

func (s *Service) moved(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a Application, e Event) error {
	for _, h := range s.moves {
		if err := h.OnTransition(ctx, tx, t, svc, a, e); err != nil {
			return err
		}
	}
	return nil
}

// NewService returns an application service.
func NewService(d *db.DB, c clock.Clock, cal *calendar.Store, regions identity.RegionLookup) *Service {
	return &Service{db: d, clock: c, calendar: cal, regions: regions}
}

// Caller is who acts: their user ID and the workflow roles they hold for
// this application ("resident" when they are the applicant).
type Caller struct {
	Actor audit.Actor
	Roles []string
}

// Draft is what a resident (or an officer for them) sends.
type Draft struct {
	ApplicantID ids.User
	FilledBy    ids.User
	Lang        string
	Answers     form.Answers
	Submit      bool
	// Attach, when set, runs inside the creating transaction to bind
	// uploaded documents to the new application, so they go in together.
	Attach func(ctx context.Context, tx *db.Tx, applicationID ids.Application) error
}

// Create starts an application and, when asked, submits it at once, in one
// transaction: the application, its timeline, its tracking number and the
// audit entries exist together or not at all.
func (s *Service) Create(ctx context.Context, c Caller, t tenant.Tenant, svc catalog.Service, d Draft) (_ Application, err error) {
	defer wrapf(&err, "create an application")
	now := s.clock.Now()
	answers, errs := s.check(t, svc, d.Answers, d.Submit, now)
	if len(errs) > 0 {
		return Application{}, errs
	}
	start := svc.Workflow.StartState()
	a := Application{
		ID: ids.Application(db.NewID()), TenantID: t.ID, ServiceID: svc.ID, ApplicantID: d.ApplicantID, FilledBy: d.FilledBy,
		State: start.Name, Answers: answers, Lang: d.Lang, Version: 1, StateSince: now, CreatedAt: now, UpdatedAt: now,
	}
	cal, err := s.calendarFor(ctx, t)
	if err != nil {
		return Application{}, err
	}
	if d.Submit {
		if a.TrackingNumber, err = s.reserveNumber(ctx, c, t, svc, start.Name, now); err != nil {
			return Application{}, err
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.insert(ctx, tx, a); err != nil {
			return err
		}
		if d.Attach != nil {
			if err := d.Attach(ctx, tx, a.ID); err != nil {
				return err
			}
		}
		created := Event{At: now, ActorID: c.Actor.ID, ActorRole: firstRole(c.Roles), Action: "create", To: a.State}
		if !d.Submit {
			if err := addEvents(ctx, tx, a, created); err != nil {
				return err
			}
			return audit.Append(ctx, tx, c.Actor.Entry(t.ID, "application.create", string("application:"+a.ID), audit.Say("audit.detail.application.create", svc.Code)))
		}
		// Created and submitted at once: the submission's audit entry
		// ("draft -> submitted") records both, and both timeline rows go
		// in one statement; each write less is a round trip less.
		return s.transition(ctx, tx, c, t, svc, cal, &a, "submit", "", created)
	})
	if err != nil {
		return Application{}, err
	}
	return a, nil
}

// reserveNumber takes, on PostgreSQL, the tracking number a submission
// from state will need, before its transaction. Taken inside, the
// number's row stays locked until that transaction commits and every
// submission of the tenant queues behind it (measured: 20 of 23 backends
// waiting, about 300 submissions/s); taken alone it is locked for one
// statement. The price is a gap in the year's numbers when the
// submission then fails, which only a database error does: the answers
// were checked already. SQLite runs one writer at a time anyway and keeps
// numbers gapless; inside a joined transaction (a flow) the number is
// taken in it.
func (s *Service) reserveNumber(ctx context.Context, c Caller, t tenant.Tenant, svc catalog.Service, from string, now time.Time) (string, error) {
	if s.db.Dialect() != db.Postgres {
		return "", nil
	}
	act, err := svc.Workflow.Check(from, "submit", c.Roles, "")
	if err != nil {
		return "", nil // refused: the transaction says so, in its words
	}
	if next, _ := svc.Workflow.State(act.To); !numbered(next) {
		return "", nil
	}
	return nextTrackingNumber(ctx, s.db, t, now)
}

// numbered tells whether reaching st gives an application its tracking
// number: a number is for what reaches the office, and a draft withdrawn
// before submission never did.
func numbered(st workflow.State) bool {
	return !st.ResidentEdits && st.Outcome != workflow.Withdrawn
}

// check validates answers: fully when submitting, only their shape for a
// draft (a draft may be incomplete but never malformed).
func (s *Service) check(t tenant.Tenant, svc catalog.Service, answers form.Answers, full bool, now time.Time) (form.Answers, validation.Errors) {
	if !full {
		clean, errs := svc.Form.Check(answers, -1, now, s.regions, t.Location())
		var shape validation.Errors
		for _, e := range errs {
			if e.Code != "error.field.required" {
				shape = append(shape, e)
			}
		}
		return clean, shape
	}
	return svc.Form.Check(answers, -1, now, s.regions, t.Location())
}

func (s *Service) calendarFor(ctx context.Context, t tenant.Tenant) (*calendar.Calendar, error) {
	return s.calendar.For(ctx, t.ID, string(t.Country), t.Location())
}

func firstRole(roles []string) string {
	if len(roles) == 0 {
		return ""
	}
	return roles[0]
}

// Act takes a workflow action on an application the caller read at
// version. Refusals come back as workflow.ErrNotAllowed (409),
// workflow.ErrForbidden (403), workflow.ErrCommentRequired (422) or
// ErrConflict (409, changed meanwhile).
func (s *Service) Act(ctx context.Context, c Caller, t tenant.Tenant, svc catalog.Service, id ids.Application, version int, action, comment string) (_ Application, err error) {
	defer wrapf(&err, "act on application %s", id)
	cal, err := s.calendarFor(ctx, t)
	if err != nil {
		return Application{}, err
	}
	var a Application
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err = s.get(ctx, tx, t.ID, id)
		if err != nil {
			return err
		}
		if version != 0 && a.Version != version {
			return ErrConflict
		}
		if utf8.RuneCountInString(comment) > MaxComment {
			return validation.Errors{{Field: "comment", Code: "error.field.too_long", Args: []any{fmt.Sprint(MaxComment)}}}
		}
		// The workflow answers first: a refused action is 409/403 whatever
		// the answers hold.
		if _, err := svc.Workflow.Check(a.State, action, c.Roles, strings.TrimSpace(comment)); err != nil {
			return err
		}
		if action == "submit" || action == "resubmit" {
			if _, errs := svc.Form.Check(a.Answers, -1, s.clock.Now(), s.regions, t.Location()); len(errs) > 0 {
				return errs
			}
		}
		return s.transition(ctx, tx, c, t, svc, cal, &a, action, comment)
	})
	return a, err
}

// transition moves a to the action's next state inside tx.
//
// earlier are timeline events of the same transaction not yet written
// (the creation of an application submitted at once), written with this
// one.
func (s *Service) transition(ctx context.Context, tx *db.Tx, c Caller, t tenant.Tenant, svc catalog.Service,
	cal *calendar.Calendar, a *Application, action, comment string, earlier ...Event) error {
	act, err := svc.Workflow.Check(a.State, action, c.Roles, strings.TrimSpace(comment))
	if err != nil {
		return err
	}
	now := s.clock.Now()
	from := a.State
	next, _ := svc.Workflow.State(act.To)
	a.State, a.StateSince, a.UpdatedAt = next.Name, now, now
	a.DueAt = nil
	if next.SLADays > 0 {
		due := cal.Due(now, next.SLADays)
		a.DueAt = &due
	}
	a.Escalated = false
	if next.End {
		a.DecidedAt = &now
	}
	ev := Event{At: now, ActorID: c.Actor.ID, ActorRole: firstRole(c.Roles), Action: action, From: from, To: a.State, Comment: comment}
	if err := addEvents(ctx, tx, *a, append(earlier, ev)...); err != nil {
		return err
	}
	// Taken here (unless reserved before the transaction), the number's
	// row stays locked until commit and every submission of the tenant
	// waits for it, so it is taken as late as the notices allow (they
	// quote it), and before the audit head, the order every transaction
	// takes them in (the other order deadlocks).
	if a.SubmittedAt == nil && numbered(next) {
		if a.TrackingNumber == "" {
			if a.TrackingNumber, err = nextTrackingNumber(ctx, tx, t, now); err != nil {
				return err
			}
		}
		a.SubmittedAt = &now
	}
	if err := s.update(ctx, tx, a); err != nil {
		return err
	}
	if err := s.moved(ctx, tx, t, svc, *a, ev); err != nil {
		return err
	}
	if next.End {
		for _, h := range s.hooks {
			if err := h.OnDecision(ctx, tx, t, svc, *a, next.Outcome); err != nil {
				return err
			}
		}
	}
	object := a.TrackingNumber
	if object == "" {
		object = string(a.ID)
	}
	return audit.Append(ctx, tx, c.Actor.Entry(t.ID, "application."+action, "application:"+object,
		audit.Say("audit.detail.state", from, a.State)))
}

// nextTrackingNumber takes the next number of the tenant's year, in the
// submitting transaction or (reserveNumber) just before it.
func nextTrackingNumber(ctx context.Context, q db.Querier, t tenant.Tenant, now time.Time) (string, error) {
	year := now.In(t.Location()).Year()
	var n int64
	err := q.QueryRowContext(ctx, `INSERT INTO tracking_sequences (tenant_id, year, last) VALUES (?, ?, 1)
		ON CONFLICT (tenant_id, year) DO UPDATE SET last = tracking_sequences.last + 1 RETURNING last`, t.ID, year).Scan(&n)
	if err != nil {
		return "", err
	}
	prefix := t.TrackingPrefix
	if prefix == "" {
		prefix = strings.ToUpper(t.Slug[:min(3, len(t.Slug))])
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}

func (s *Service) insert(ctx context.Context, tx *db.Tx, a Application) error {
	raw, err := s.encodeAnswers(a)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO applications (id, tenant_id, service_id, tracking_number, applicant_id,
		filled_by, confirmed_by, state, answers, lang, version, assigned_to, state_since, due_at, escalated, submitted_at,
		decided_at, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, ?, ?)`,
		a.ID, a.TenantID, a.ServiceID, a.ApplicantID, a.FilledBy, a.ConfirmedBy, a.State, raw, a.Lang, a.Version,
		a.AssignedTo, a.StateSince, false, a.CreatedAt, a.UpdatedAt)
	return err
}

// update writes a back if nobody changed it since it was read, and bumps
// its version.
func (s *Service) update(ctx context.Context, tx *db.Tx, a *Application) error {
	raw, err := s.encodeAnswers(*a)
	if err != nil {
		return err
	}
	var tracking any
	if a.TrackingNumber != "" {
		tracking = a.TrackingNumber
	}
	res, err := tx.ExecContext(ctx, `UPDATE applications SET tracking_number = ?, confirmed_by = ?, state = ?, answers = ?,
		version = version + 1, assigned_to = ?, state_since = ?, due_at = ?, escalated = ?, submitted_at = ?, decided_at = ?,
		updated_at = ? WHERE id = ? AND version = ?`, tracking, a.ConfirmedBy, a.State, raw, a.AssignedTo,
		a.StateSince, a.DueAt, a.Escalated, a.SubmittedAt, a.DecidedAt, a.UpdatedAt, a.ID, a.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	a.Version++
	return nil
}

// addEvents writes timeline rows of a, in order, in one statement.
func addEvents(ctx context.Context, tx *db.Tx, a Application, es ...Event) error {
	q := `INSERT INTO application_events (id, tenant_id, application_id, at, actor_id, actor_role, action, from_state,
		to_state, comment) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(es)), ", ")
	args := make([]any, 0, 10*len(es))
	for _, e := range es {
		args = append(args, db.NewID(), a.TenantID, a.ID, e.At, e.ActorID, e.ActorRole, e.Action, e.From, e.To, e.Comment)
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("application %s: add %d timeline events: %w", a.ID, len(es), err)
	}
	return nil
}

const columns = `id, tenant_id, service_id, COALESCE(tracking_number, ''), applicant_id, filled_by, confirmed_by, state,
	answers, lang, version, assigned_to, state_since, due_at, escalated, submitted_at, decided_at, created_at, updated_at`

func (s *Service) scan(r interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var raw string
	var due, sub, dec sql.NullTime
	err := r.Scan(&a.ID, &a.TenantID, &a.ServiceID, &a.TrackingNumber, &a.ApplicantID, &a.FilledBy, &a.ConfirmedBy,
		&a.State, &raw, &a.Lang, &a.Version, &a.AssignedTo, &a.StateSince, &due, &a.Escalated, &sub, &dec, &a.CreatedAt, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	a.DueAt, a.SubmittedAt, a.DecidedAt = timePtr(due), timePtr(sub), timePtr(dec)
	if err := s.decodeAnswers(&a, raw); err != nil {
		return a, fmt.Errorf("application %s: answers damaged: %w", a.ID, err)
	}
	return a, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func (s *Service) get(ctx context.Context, q db.Querier, tenantID ids.Tenant, id ids.Application) (Application, error) {
	if !db.ValidID(string(id)) {
		return Application{}, ErrNotFound
	}
	return s.scan(q.QueryRowContext(ctx, "SELECT "+columns+" FROM applications WHERE tenant_id = ? AND id = ?", tenantID, id))
}

// Get loads one of a tenant's applications.
func (s *Service) Get(ctx context.Context, tenantID ids.Tenant, id ids.Application) (_ Application, err error) {
	defer wrapf(&err, "get application %s", id)
	return s.get(ctx, s.db, tenantID, id)
}

// ByTrackingNumber finds a submitted application by its number.
func (s *Service) ByTrackingNumber(ctx context.Context, number string) (_ Application, err error) {
	defer wrapf(&err, "find an application by tracking number")
	number = strings.ToUpper(strings.TrimSpace(number))
	if len(number) > 40 {
		return Application{}, ErrNotFound
	}
	return s.scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM applications WHERE tracking_number = ?", number))
}

// Timeline lists an application's events, oldest first.
func (s *Service) Timeline(ctx context.Context, tenantID ids.Tenant, id ids.Application) (_ []Event, err error) {
	defer wrapf(&err, "read the timeline of application %s", id)
	rows, err := s.db.QueryContext(ctx, `SELECT at, actor_id, actor_role, action, from_state, to_state, comment
		FROM application_events WHERE tenant_id = ? AND application_id = ? ORDER BY at, id`, tenantID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.ActorID, &e.ActorRole, &e.Action, &e.From, &e.To, &e.Comment); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Mine lists a resident's applications in a tenant, newest first.
func (s *Service) Mine(ctx context.Context, tenantID ids.Tenant, applicantID ids.User) (_ []Application, err error) {
	defer wrapf(&err, "list the applications of %s", applicantID)
	return s.list(ctx, "WHERE tenant_id = ? AND applicant_id = ? ORDER BY created_at DESC LIMIT 200", tenantID, applicantID)
}

func (s *Service) list(ctx context.Context, where string, args ...any) ([]Application, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM applications "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := s.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveAnswers stores answers while the application is in a state where the
// resident may edit (a draft, or sent back). Only the shape of the answers
// is checked here; the whole form is checked on submission.
func (s *Service) SaveAnswers(ctx context.Context, c Caller, t tenant.Tenant, svc catalog.Service, id ids.Application, version int, answers form.Answers) (_ Application, err error) {
	defer wrapf(&err, "save the answers of application %s", id)
	var a Application
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = s.get(ctx, tx, t.ID, id); err != nil {
			return err
		}
		if version != 0 && a.Version != version {
			return ErrConflict
		}
		if st, _ := svc.Workflow.State(a.State); !st.ResidentEdits {
			return ErrNotEditable
		}
		clean, errs := s.check(t, svc, answers, false, s.clock.Now())
		if len(errs) > 0 {
			return errs
		}
		a.Answers, a.UpdatedAt = clean, s.clock.Now()
		return s.update(ctx, tx, &a)
	})
	return a, err
}

// ErrNotEditable: the application is with the office, not the resident.
var ErrNotEditable = errors.New("application cannot be changed in this state")
