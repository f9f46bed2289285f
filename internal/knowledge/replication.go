package knowledge

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

// Step is how far a replication has come (URBACT's understand, adapt,
// re-use), or that it stopped.
type Step string

const (
	Understand Step = "understand"
	Adapt      Step = "adapt"
	Pilot      Step = "pilot"
	Running    Step = "running"
	Halted     Step = "stopped"
)

// Steps lists them in order.
var Steps = []Step{Understand, Adapt, Pilot, Running, Halted}

// Mentor states: whether someone at the origin helps.
const (
	MentorNone     = "none"
	MentorAsked    = "asked"
	MentorAccepted = "accepted"
	MentorDeclined = "declined"
)

// Refusals of replication steps (message keys).
var (
	ErrOwnPractice  = errors.New("exchange.error.own_practice")
	ErrRetired      = errors.New("exchange.error.retired_practice")
	ErrReplicating  = errors.New("exchange.error.already_replicating")
	ErrNoRepl       = errors.New("exchange.error.no_replication")
	ErrStopReason   = errors.New("exchange.error.stop_reason")
	ErrNoteEmpty    = errors.New("exchange.error.note")
	ErrNotMentoring = errors.New("exchange.error.not_mentor")
)

// Replication is one government's copy of another's practice.
type Replication struct {
	ID          string
	PracticeID  ids.Practice
	Slug        string // the practice's
	TenantID    ids.Tenant
	Stage       Step
	StopReason  string
	MentorState string
	MentorLabel string
	StartedAt   time.Time
	UpdatedAt   time.Time
	Milestones  []Milestone
	Results     map[int]Result // by the index of the origin's metric
}

// Milestone is one step of a replication's plan.
type Milestone struct {
	ID    string
	Title string
	Due   string // YYYY-MM-DD or ""
	Done  bool
}

// Result is the adopter's own figure on one of the origin's measures.
type Result struct {
	Value    float64
	Measured string
}

// Note is what someone wrote at a step of a replication.
type Note struct {
	ID            string
	ReplicationID string
	TenantID      ids.Tenant
	AuthorLabel   string
	Stage         Step
	Body          string
	Shared        bool // seen by the others replicating the practice, and its origin
	CreatedAt     time.Time
}

// Adopt opens gov's replication of the published practice slug, at the
// first stage.
func (s *Store) Adopt(ctx context.Context, actor audit.Actor, gov Government, slug string) (_ Replication, err error) {
	defer wrap(&err, "adopt %s for %s", slug, gov.TenantID)
	var r Replication
	err = s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, err := s.one(ctx, tx, "p.slug = ?", slug)
		switch {
		case err != nil:
			return err
		case p.State == Retired:
			return ErrRetired
		case p.State != Published:
			return ErrNotFound
		case p.RegionCode == gov.RegionCode:
			return ErrOwnPractice
		}
		now := s.now()
		r = Replication{ID: db.NewID(), PracticeID: p.ID, Slug: p.Slug, TenantID: gov.TenantID, Stage: Understand, MentorState: MentorNone, StartedAt: now, UpdatedAt: now}
		_, err = tx.ExecContext(ctx, `INSERT INTO replications (id, practice_id, tenant_id, stage, mentor_state, started_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.PracticeID, r.TenantID, r.Stage, r.MentorState, now, now)
		if db.IsUniqueViolation(err) {
			return ErrReplicating
		}
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "replication.start", "practice:"+slug, ""))
	})
	return r, err
}

const replicationColumns = `r.id, r.practice_id, p.slug, r.tenant_id, r.stage, r.stop_reason, r.mentor_state, r.mentor_label, r.started_at, r.updated_at`

func (s *Store) replications(ctx context.Context, q db.Querier, where string, args ...any) ([]Replication, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+replicationColumns+` FROM replications r JOIN practices p ON p.id = r.practice_id
		WHERE `+where+" ORDER BY r.started_at, r.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Replication
	for rows.Next() {
		var r Replication
		if err := rows.Scan(&r.ID, &r.PracticeID, &r.Slug, &r.TenantID, &r.Stage, &r.StopReason, &r.MentorState, &r.MentorLabel, &r.StartedAt, &r.UpdatedAt); err != nil {
			return nil, err
		}
		r.StartedAt, r.UpdatedAt = r.StartedAt.UTC(), r.UpdatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplicationOf loads tenant's replication of the practice slug, with its
// plan and figures.
func (s *Store) ReplicationOf(ctx context.Context, tenantID ids.Tenant, slug string) (_ Replication, err error) {
	defer wrap(&err, "load the replication of %s by %s", slug, tenantID)
	list, err := s.replications(ctx, s.db, "r.tenant_id = ? AND p.slug = ?", tenantID, slug)
	if err != nil {
		return Replication{}, err
	}
	if len(list) == 0 {
		return Replication{}, ErrNoRepl
	}
	r := list[0]
	if r.Milestones, err = s.milestones(ctx, r.ID); err != nil {
		return r, err
	}
	r.Results, err = s.results(ctx, r.ID)
	return r, err
}

// ReplicationsOfPractice lists every government replicating a practice:
// its group (URBACT's transfer network).
func (s *Store) ReplicationsOfPractice(ctx context.Context, id ids.Practice) (_ []Replication, err error) {
	defer wrap(&err, "list the replications of %s", id)
	return s.replications(ctx, s.db, "r.practice_id = ?", id)
}

// ReplicationsBy lists a tenant's replications.
func (s *Store) ReplicationsBy(ctx context.Context, tenantID ids.Tenant) (_ []Replication, err error) {
	defer wrap(&err, "list the replications by %s", tenantID)
	return s.replications(ctx, s.db, "r.tenant_id = ?", tenantID)
}

// MentorRequests lists the replications of a government's practices, for
// its staff to answer requests for a mentor.
func (s *Store) MentorRequests(ctx context.Context, regionCode string) (_ []Replication, err error) {
	defer wrap(&err, "list the mentor requests of %s", regionCode)
	return s.replications(ctx, s.db, "p.region_code = ? AND r.mentor_state <> 'none'", regionCode)
}

// ReplicationCounts is how many governments replicate each practice.
func (s *Store) ReplicationCounts(ctx context.Context) (_ map[ids.Practice]int, err error) {
	defer wrap(&err, "count replications")
	rows, err := s.db.QueryContext(ctx, "SELECT practice_id, COUNT(*) FROM replications WHERE stage <> 'stopped' GROUP BY practice_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ids.Practice]int{}
	for rows.Next() {
		var id ids.Practice
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// change runs fn on tenant's replication of slug inside one transaction,
// then marks it updated and audits action.
func (s *Store) change(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug, action, summary string, fn func(ctx context.Context, tx *db.Tx, r Replication) error) error {
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		list, err := s.replications(ctx, tx, "r.tenant_id = ? AND p.slug = ?", tenantID, slug)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return ErrNoRepl
		}
		if err := fn(ctx, tx, list[0]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE replications SET updated_at = ? WHERE id = ?", s.now(), list[0].ID); err != nil {
			return fmt.Errorf("touch: %w", err)
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(tenantID, action, "practice:"+slug, summary))
	})
}

// SetStage moves a replication to stage, with a note of why (required
// to stop, as the reason).
func (s *Store) SetStage(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug string, stage Step, note string) (err error) {
	defer wrap(&err, "move the replication of %s to %s", slug, stage)
	note = strings.TrimSpace(note)
	if !validStage(stage) {
		return validation.Errors{{Field: "stage", Code: "exchange.error.stage_choice"}}
	}
	if stage == Halted && note == "" {
		return ErrStopReason
	}
	if err := checkNote(note, true); err != nil {
		return err
	}
	return s.change(ctx, actor, tenantID, slug, "replication.stage", string(stage), func(ctx context.Context, tx *db.Tx, r Replication) error {
		reason := ""
		if stage == Halted {
			reason = note
		}
		if _, err := tx.ExecContext(ctx, "UPDATE replications SET stage = ?, stop_reason = ? WHERE id = ?", stage, reason, r.ID); err != nil {
			return fmt.Errorf("set stage: %w", err)
		}
		if note == "" {
			return nil
		}
		return s.insertNote(ctx, tx, actor, r, stage, note, true)
	})
}

func validStage(st Step) bool {
	for _, s := range Steps {
		if s == st {
			return true
		}
	}
	return false
}

const maxNote = 4000

func checkNote(body string, optional bool) error {
	if body == "" && !optional {
		return ErrNoteEmpty
	}
	if utf8.RuneCountInString(body) > maxNote || validation.HasHiddenControls(body) {
		return validation.Errors{{Field: "note", Code: "exchange.error.text", Args: []any{maxNote}}}
	}
	return nil
}

// AddNote records a note at the replication's current stage.
func (s *Store) AddNote(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug, body string, shared bool) (err error) {
	defer wrap(&err, "note on the replication of %s", slug)
	body = strings.TrimSpace(body)
	if err := checkNote(body, false); err != nil {
		return err
	}
	return s.change(ctx, actor, tenantID, slug, "replication.note", "", func(ctx context.Context, tx *db.Tx, r Replication) error {
		return s.insertNote(ctx, tx, actor, r, r.Stage, body, shared)
	})
}

func (s *Store) insertNote(ctx context.Context, tx *db.Tx, actor audit.Actor, r Replication, stage Step, body string, shared bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO replication_notes (id, replication_id, practice_id, author_id, author_label, stage, body, shared, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), r.ID, r.PracticeID, actor.ID, actor.Label, stage, body, shared, s.now())
	if err != nil {
		return fmt.Errorf("insert note: %w", err)
	}
	return nil
}

// Notes are a replication's own notes and the notes the rest of its
// group shared, newest first.
func (s *Store) Notes(ctx context.Context, r Replication) (_ []Note, err error) {
	defer wrap(&err, "load the notes of %s", r.ID)
	return s.notes(ctx, "n.replication_id = ? OR (n.practice_id = ? AND n.shared = ?)", r.ID, r.PracticeID, true)
}

// GroupNotes are the notes shared by everyone replicating a practice, for
// its origin's page.
func (s *Store) GroupNotes(ctx context.Context, id ids.Practice) (_ []Note, err error) {
	defer wrap(&err, "load the shared notes of %s", id)
	return s.notes(ctx, "n.practice_id = ? AND n.shared = ?", id, true)
}

func (s *Store) notes(ctx context.Context, where string, args ...any) ([]Note, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.replication_id, r.tenant_id, n.author_label, n.stage, n.body, n.shared, n.created_at
		FROM replication_notes n JOIN replications r ON r.id = n.replication_id WHERE `+where+" ORDER BY n.created_at DESC, n.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.ID, &n.ReplicationID, &n.TenantID, &n.AuthorLabel, &n.Stage, &n.Body, &n.Shared, &n.CreatedAt); err != nil {
			return nil, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

// AddMilestone adds a step to the replication's plan.
func (s *Store) AddMilestone(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug, title, due string) (err error) {
	defer wrap(&err, "plan the replication of %s", slug)
	title, due = strings.TrimSpace(title), strings.TrimSpace(validation.Narrow(due))
	var errs validation.Errors
	if title == "" || utf8.RuneCountInString(title) > maxShort || validation.HasHiddenControls(title) {
		errs.Add("milestone_title", "exchange.error.milestone")
	}
	if due != "" {
		if _, err := time.Parse("2006-01-02", due); err != nil {
			errs.Add("milestone_due", "exchange.error.milestone_due")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return s.change(ctx, actor, tenantID, slug, "replication.plan", title, func(ctx context.Context, tx *db.Tx, r Replication) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO replication_milestones (id, replication_id, title, due, done, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			db.NewID(), r.ID, title, due, false, s.now())
		return err
	})
}

// MarkMilestone marks a step of the plan done (or not).
func (s *Store) MarkMilestone(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug, id string, done bool) (err error) {
	defer wrap(&err, "mark milestone %s", id)
	return s.change(ctx, actor, tenantID, slug, "replication.plan", fmt.Sprint(done), func(ctx context.Context, tx *db.Tx, r Replication) error {
		res, err := tx.ExecContext(ctx, "UPDATE replication_milestones SET done = ? WHERE id = ? AND replication_id = ?", done, id, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoRepl
		}
		return nil
	})
}

func (s *Store) milestones(ctx context.Context, id string) ([]Milestone, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, title, due, done FROM replication_milestones WHERE replication_id = ? ORDER BY CASE WHEN due = '' THEN 1 ELSE 0 END, due, created_at", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Milestone
	for rows.Next() {
		var m Milestone
		if err := rows.Scan(&m.ID, &m.Title, &m.Due, &m.Done); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetResult records the adopter's figure on the origin's metric (by its
// place in the origin's list); value nil clears it.
func (s *Store) SetResult(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug string, metric int, value *float64, measured string) (err error) {
	defer wrap(&err, "record a result of %s", slug)
	measured = strings.TrimSpace(validation.Narrow(measured))
	if measured != "" && !validDate(measured) {
		return validation.Errors{{Field: fmt.Sprintf("result_measured_%d", metric), Code: "exchange.error.metric"}}
	}
	return s.change(ctx, actor, tenantID, slug, "replication.result", fmt.Sprint(metric), func(ctx context.Context, tx *db.Tx, r Replication) error {
		p, err := s.one(ctx, tx, "p.id = ?", r.PracticeID)
		if err != nil {
			return err
		}
		if metric < 0 || metric >= len(p.Live.Metrics) {
			return validation.Errors{{Field: "metric", Code: "exchange.error.metric"}}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM replication_results WHERE replication_id = ? AND metric = ?", r.ID, metric); err != nil {
			return err
		}
		if value == nil {
			return nil
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO replication_results (replication_id, metric, value, measured) VALUES (?, ?, ?, ?)", r.ID, metric, *value, measured)
		return err
	})
}

func (s *Store) results(ctx context.Context, id string) (map[int]Result, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT metric, value, measured FROM replication_results WHERE replication_id = ?", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]Result{}
	for rows.Next() {
		var n int
		var r Result
		if err := rows.Scan(&n, &r.Value, &r.Measured); err != nil {
			return nil, err
		}
		out[n] = r
	}
	return out, rows.Err()
}

// AskMentor asks the practice's government for a mentor.
func (s *Store) AskMentor(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, slug string) (err error) {
	defer wrap(&err, "ask a mentor for %s", slug)
	return s.change(ctx, actor, tenantID, slug, "replication.mentor.ask", "", func(ctx context.Context, tx *db.Tx, r Replication) error {
		if r.MentorState == MentorAccepted {
			return nil
		}
		_, err := tx.ExecContext(ctx, "UPDATE replications SET mentor_state = 'asked' WHERE id = ?", r.ID)
		return err
	})
}

// AnswerMentor is the origin's answer: one of its staff (actor) mentors
// the replication, or declines.
func (s *Store) AnswerMentor(ctx context.Context, actor audit.Actor, gov Government, replicationID string, accept bool) (err error) {
	defer wrap(&err, "answer the mentor request %s", replicationID)
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		list, err := s.replications(ctx, tx, "r.id = ? AND p.region_code = ? AND r.mentor_state = 'asked'", replicationID, gov.RegionCode)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return ErrNotMentoring
		}
		state, label := MentorDeclined, ""
		if accept {
			state, label = MentorAccepted, actor.Label
		}
		if _, err := tx.ExecContext(ctx, "UPDATE replications SET mentor_state = ?, mentor_label = ?, updated_at = ? WHERE id = ?", state, label, s.now(), replicationID); err != nil {
			return err
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "replication.mentor."+state, "practice:"+list[0].Slug, ""))
	})
}

// SetLookingForPartners says whether the practice's government invites
// others to replicate it with its help.
func (s *Store) SetLookingForPartners(ctx context.Context, actor audit.Actor, gov Government, slug string, on bool) (err error) {
	defer wrap(&err, "set looking for partners on %s", slug)
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, _, _, err := s.ownedForUpdate(ctx, tx, gov, slug)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practices SET looking_for_partners = ?, updated_at = ? WHERE id = ?", on, s.now(), p.ID); err != nil {
			return err
		}
		db.AfterCommit(ctx, s.library.invalidate)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.partners", "practice:"+slug, fmt.Sprint(on)))
	})
}
