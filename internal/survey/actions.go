package survey

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

// ErrNoAction: no such follow-up action in the government.
var ErrNoAction = errors.New("survey: no such follow-up action")

// maxActionText is the longest "what" and "who", in characters.
const maxActionText = 500

// Action is what a government will do about a weak element: what, who,
// by when, and whether it is done. Published with the report.
type Action struct {
	ID        string
	TenantID  ids.Tenant
	Element   int    // 1..9 for the SKM (U1..U9), 1..5 for the counter survey
	ServiceID string // "" for the whole government
	Period    string // the period's code whose results it answers
	What      string
	Owner     string
	Due       string // YYYY-MM-DD
	Done      bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// check says what is wrong with a, as message keys by form field.
func (a *Action) check(t Template) validation.Errors {
	var errs validation.Errors
	a.What, a.Owner, a.Due = strings.TrimSpace(a.What), strings.TrimSpace(a.Owner), strings.TrimSpace(validation.Narrow(a.Due))
	if a.Element < 1 || a.Element > len(t.Items) {
		errs.Add("element", "survey.error.element")
	}
	if _, err := ParsePeriod(a.Period); err != nil {
		errs.Add("element", "survey.error.period")
	}
	text := func(field, v, key string) {
		if v == "" || utf8.RuneCountInString(v) > maxActionText || validation.HasHiddenControls(v) {
			errs.Add(field, key)
		}
	}
	text("what", a.What, "survey.error.what")
	text("owner", a.Owner, "survey.error.owner")
	if _, err := time.Parse("2006-01-02", a.Due); err != nil {
		errs.Add("due", "survey.error.due")
	}
	return errs
}

// AddAction records a follow-up action, audited.
func (s *Store) AddAction(ctx context.Context, actor audit.Actor, t Template, a Action) (Action, error) {
	if errs := a.check(t); len(errs) > 0 {
		return a, errs
	}
	now := s.clock.Now()
	a.ID, a.CreatedAt, a.UpdatedAt = db.NewID(), now, now
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO survey_actions (id, tenant_id, element, service_id, period, what, owner, due, done,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.TenantID, a.Element, a.ServiceID, a.Period, a.What, a.Owner, a.Due, false, now, now)
		if err != nil {
			return fmt.Errorf("survey: record a follow-up action: %w", err)
		}
		return audit.Append(ctx, tx, actor.Entry(a.TenantID, "survey.action.add", "survey_action:"+a.ID, a.What))
	})
	return a, err
}

// SetDone marks a follow-up action done or not done, audited.
func (s *Store) SetDone(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id string, done bool) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE survey_actions SET done = ?, updated_at = ? WHERE id = ? AND tenant_id = ?",
			done, s.clock.Now(), id, tenantID)
		if err != nil {
			return fmt.Errorf("survey: mark action %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return fmt.Errorf("survey: mark action %s: %w", id, err)
			}
			return ErrNoAction
		}
		what := "survey.action.undone"
		if done {
			what = "survey.action.done"
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, what, "survey_action:"+id, ""))
	})
}

// Actions lists the government's follow-up actions answering period
// (every period when ""), by element.
func (s *Store) Actions(ctx context.Context, tenantID ids.Tenant, period string) ([]Action, error) {
	q := `SELECT id, tenant_id, element, service_id, period, what, owner, due, done, created_at, updated_at
		FROM survey_actions WHERE tenant_id = ?`
	args := []any{tenantID}
	if period != "" {
		q, args = q+" AND period = ?", append(args, period)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY period DESC, element, created_at", args...)
	if err != nil {
		return nil, fmt.Errorf("survey: read the follow-up actions of %s: %w", tenantID, err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.TenantID, &a.Element, &a.ServiceID, &a.Period, &a.What, &a.Owner, &a.Due, &a.Done,
			&a.CreatedAt, &a.UpdatedAt); err != nil {
			return nil, fmt.Errorf("survey: read the follow-up actions of %s: %w", tenantID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
