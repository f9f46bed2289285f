package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/validation"
)

// Refusals of a government's own question.
var (
	ErrTooManyQuestions = errors.New("survey.error.too_many_questions")
	ErrNoQuestion       = errors.New("survey: no such question")
)

// MaxOwnQuestions is how many questions a government may add: the
// survey stays short enough to finish.
const MaxOwnQuestions = 5

// maxQuestionText is the longest wording of a question, in characters.
const maxQuestionText = 300

// Question is a government's own question, asked after the standard ones
// on the template's scale.
type Question struct {
	ID   string            `json:"id"`
	Text map[string]string `json:"text"` // by language
}

// In is the question's wording in lang, else in fallback, else any; and
// the language it is in.
func (q Question) In(lang, fallback string) (string, string) {
	for _, l := range append([]string{lang, fallback}, locale.Langs...) {
		if t := q.Text[l]; t != "" {
			return t, l
		}
	}
	return "", lang
}

// Settings are a government's additions to its template.
type Settings struct {
	NoComment bool // the free comment is not asked
	Questions []Question
}

// Settings reads the government's settings (the defaults when it has
// none).
func (s *Store) Settings(ctx context.Context, tenantID ids.Tenant) (Settings, error) {
	return s.settingsIn(ctx, s.db, tenantID)
}

func (s *Store) settingsIn(ctx context.Context, q db.Querier, tenantID ids.Tenant) (Settings, error) {
	var out Settings
	var raw string
	err := q.QueryRowContext(ctx, "SELECT no_comment, questions FROM survey_settings WHERE tenant_id = ?", tenantID).Scan(&out.NoComment, &raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return out, nil
	case err != nil:
		return out, fmt.Errorf("survey: read the settings of %s: %w", tenantID, err)
	}
	if err := json.Unmarshal([]byte(raw), &out.Questions); err != nil {
		return out, fmt.Errorf("survey: read the questions of %s: %w", tenantID, err)
	}
	return out, nil
}

// changeSettings applies change to the government's settings in one
// transaction, audited as action.
func (s *Store) changeSettings(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, action, summary string, change func(*Settings) error) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		st, err := s.settingsIn(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if err := change(&st); err != nil {
			return err
		}
		qs, err := json.Marshal(st.Questions)
		if err != nil {
			return fmt.Errorf("survey: keep the questions of %s: %w", tenantID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO survey_settings (tenant_id, no_comment, questions, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET no_comment = excluded.no_comment, questions = excluded.questions, updated_at = excluded.updated_at`,
			tenantID, st.NoComment, string(qs), s.clock.Now())
		if err != nil {
			return fmt.Errorf("survey: keep the settings of %s: %w", tenantID, err)
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, action, "survey_settings:"+string(tenantID), summary))
	})
}

// AddQuestion adds a question worded in each language given; the
// government's default language is required.
func (s *Store) AddQuestion(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, text map[string]string, defaultLang string) error {
	clean := map[string]string{}
	var errs validation.Errors
	for _, l := range locale.Langs {
		t := strings.TrimSpace(text[l])
		if utf8.RuneCountInString(t) > maxQuestionText || validation.HasHiddenControls(t) {
			errs.Add("text_"+l, "survey.error.question_text")
		}
		if t != "" {
			clean[l] = t
		}
	}
	if clean[defaultLang] == "" {
		errs.Add("text_"+defaultLang, "survey.error.question_default")
	}
	if len(errs) > 0 {
		return errs
	}
	return s.changeSettings(ctx, actor, tenantID, "survey.question.add", clean[defaultLang], func(st *Settings) error {
		if len(st.Questions) >= MaxOwnQuestions {
			return ErrTooManyQuestions
		}
		st.Questions = append(st.Questions, Question{ID: db.NewID(), Text: clean})
		return nil
	})
}

// RemoveQuestion stops asking a question (answers given stay counted).
func (s *Store) RemoveQuestion(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id string) error {
	return s.changeSettings(ctx, actor, tenantID, "survey.question.remove", id, func(st *Settings) error {
		i := slices.IndexFunc(st.Questions, func(q Question) bool { return q.ID == id })
		if i < 0 {
			return ErrNoQuestion
		}
		st.Questions = slices.Delete(st.Questions, i, i+1)
		return nil
	})
}

// AskComment turns the free comment on or off.
func (s *Store) AskComment(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, ask bool) error {
	summary := "off"
	if ask {
		summary = "on"
	}
	return s.changeSettings(ctx, actor, tenantID, "survey.comment", summary, func(st *Settings) error {
		st.NoComment = !ask
		return nil
	})
}
