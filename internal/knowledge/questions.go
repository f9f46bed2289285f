package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// ErrNoQuestion: no open question of that government's practice has
// that ID.
var ErrNoQuestion = errors.New("exchange.error.no_question")

// Question is what staff of one government asked about another's
// practice, and its answer.
type Question struct {
	ID         string
	PracticeID ids.Practice
	Slug       string
	TenantID   ids.Tenant // the asker's government
	AskerID    ids.User
	AskerLabel string
	Body       string
	AskedAt    time.Time
	Answer     string
	AnsweredBy string
	AnsweredAt time.Time
	Title      Words  // the practice's, for the answer's email
	RegionCode string // the practice's government
}

// AnswerHook is told of an answer inside its transaction (to email the
// asker).
type AnswerHook func(ctx context.Context, tx *db.Tx, q Question) error

// OnAnswer sets the hook told of every answer.
func (s *Store) OnAnswer(h AnswerHook) { s.onAnswer = h }

// Ask records a question of gov's staff about the published practice
// slug (not their own).
func (s *Store) Ask(ctx context.Context, actor audit.Actor, gov Government, slug, body string) (err error) {
	defer wrap(&err, "ask about %s", slug)
	body = strings.TrimSpace(body)
	if err := checkNote(body, false); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, err := s.one(ctx, tx, "p.slug = ?", slug)
		switch {
		case err != nil:
			return err
		case p.State != Published:
			return ErrNotFound
		case p.RegionCode == gov.RegionCode:
			return ErrOwnPractice
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO practice_questions (id, practice_id, tenant_id, asker_id, asker_label, body, asked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, db.NewID(), p.ID, gov.TenantID, actor.ID, actor.Label, body, s.now())
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.question", "practice:"+slug, ""))
	})
}

// Answer is the origin's answer to a question about one of its
// practices; the hook emails it to the asker in the same transaction.
func (s *Store) Answer(ctx context.Context, actor audit.Actor, gov Government, id, body string) (err error) {
	defer wrap(&err, "answer question %s", id)
	body = strings.TrimSpace(body)
	if err := checkNote(body, false); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		qs, err := s.questions(ctx, tx, "q.id = ? AND p.region_code = ? AND q.answered_at IS NULL", id, gov.RegionCode)
		if err != nil {
			return err
		}
		if len(qs) == 0 {
			return ErrNoQuestion
		}
		q := qs[0]
		q.Answer, q.AnsweredBy, q.AnsweredAt = body, actor.Label, s.now()
		if p, err := s.one(ctx, tx, "p.id = ?", q.PracticeID); err == nil {
			q.Title = p.Live.Title
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practice_questions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
			q.Answer, q.AnsweredBy, q.AnsweredAt, q.ID); err != nil {
			return fmt.Errorf("record the answer: %w", err)
		}
		if s.onAnswer != nil {
			if err := s.onAnswer(ctx, tx, q); err != nil {
				return err
			}
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.answer", "practice:"+q.Slug, ""))
	})
}

// Thread is every question about a practice, oldest first.
func (s *Store) Thread(ctx context.Context, id ids.Practice) (_ []Question, err error) {
	defer wrap(&err, "load the questions of %s", id)
	return s.questions(ctx, s.db, "q.practice_id = ?", id)
}

// OpenQuestions are the questions about a government's practices not yet
// answered.
func (s *Store) OpenQuestions(ctx context.Context, regionCode string) (_ []Question, err error) {
	defer wrap(&err, "load the open questions of %s", regionCode)
	return s.questions(ctx, s.db, "p.region_code = ? AND q.answered_at IS NULL", regionCode)
}

func (s *Store) questions(ctx context.Context, q db.Querier, where string, args ...any) ([]Question, error) {
	rows, err := q.QueryContext(ctx, `SELECT q.id, q.practice_id, p.slug, p.region_code, q.tenant_id, q.asker_id, q.asker_label, q.body, q.asked_at,
		q.answer, q.answered_by, q.answered_at FROM practice_questions q JOIN practices p ON p.id = q.practice_id
		WHERE `+where+" ORDER BY q.asked_at, q.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var x Question
		var at sql.NullTime
		if err := rows.Scan(&x.ID, &x.PracticeID, &x.Slug, &x.RegionCode, &x.TenantID, &x.AskerID, &x.AskerLabel, &x.Body, &x.AskedAt,
			&x.Answer, &x.AnsweredBy, &at); err != nil {
			return nil, err
		}
		x.AskedAt, x.AnsweredAt = x.AskedAt.UTC(), at.Time.UTC()
		out = append(out, x)
	}
	return out, rows.Err()
}
