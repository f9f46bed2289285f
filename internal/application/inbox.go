package application

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// InboxFilter narrows an officer's inbox.
type InboxFilter struct {
	State        string   // "" = every open state
	Assigned     string   // "me", "unassigned" or ""
	Due          string   // "soon" (within two days), "overdue" or ""
	Tracking     string   // a tracking number, whole or its end
	ApplicantIDs []string // from a name search in the identity service
	Limit        int
}

// Inbox lists a tenant's submitted applications for officers, the most
// urgent first (overdue, then by due time).
func (s *Service) Inbox(ctx context.Context, tenantID ids.Tenant, me string, f InboxFilter) (_ []Application, err error) {
	defer wrapf(&err, "read the inbox of tenant %s", tenantID)
	where := []string{"tenant_id = ?", "tracking_number IS NOT NULL"}
	args := []any{tenantID}
	now := s.clock.Now()
	add := func(cond string, vals ...any) {
		where = append(where, cond)
		args = append(args, vals...)
	}
	if f.State != "" {
		add("state = ?", f.State)
	} else {
		add("decided_at IS NULL")
	}
	switch f.Assigned {
	case "me":
		add("assigned_to = ?", me)
	case "unassigned":
		add("assigned_to = ''")
	}
	switch f.Due {
	case "overdue":
		add("due_at < ?", now)
	case "soon":
		add("due_at >= ? AND due_at < ?", now, now.Add(48*time.Hour))
	}
	// LIKE's wildcards and PostgreSQL's escape character are dropped.
	if t := strings.ToUpper(strings.TrimSpace(f.Tracking)); t != "" {
		add("tracking_number LIKE ?", "%"+strings.NewReplacer("%", "", "_", "", `\`, "").Replace(t))
	}
	if f.ApplicantIDs != nil {
		if len(f.ApplicantIDs) == 0 {
			return nil, nil
		}
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.ApplicantIDs)), ", ")
		ids := make([]any, len(f.ApplicantIDs))
		for i, id := range f.ApplicantIDs {
			ids[i] = id
		}
		add("applicant_id IN ("+ph+")", ids...)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 100
	}
	order := " ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, submitted_at LIMIT 200"
	out, err := s.list(ctx, "WHERE "+strings.Join(where, " AND ")+order, args...)
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, err
}

// Assign gives an application to an officer (or to nobody with "").
func (s *Service) Assign(ctx context.Context, c Caller, tenantID ids.Tenant, id ids.Application, version int, officerID ids.User) (_ Application, err error) {
	defer wrapf(&err, "assign application %s to %s", id, officerID)
	var a Application
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = s.get(ctx, tx, tenantID, id); err != nil {
			return err
		}
		if version != 0 && a.Version != version {
			return ErrConflict
		}
		if !a.Assignable() {
			return ErrNotAssignable
		}
		before := a.AssignedTo
		a.AssignedTo, a.UpdatedAt = officerID, s.clock.Now()
		if err := s.update(ctx, tx, &a); err != nil {
			return err
		}
		return audit.Append(ctx, tx, c.Actor.Entry(tenantID, "application.assign", "application:"+a.TrackingNumber,
			audit.Say("audit.detail.assign", orNone(string(before)), orNone(string(officerID)))))
	})
	return a, err
}

// ErrNotAssignable: a draft is nobody's work yet and a decided
// application nobody's any more, so neither is assigned.
var ErrNotAssignable = errors.New("application: only sent, undecided applications are assigned")

// Assignable tells whether a is officers' work now: sent and not decided.
func (a Application) Assignable() bool { return a.SubmittedAt != nil && a.DecidedAt == nil }

func orNone(s string) string {
	if s == "" {
		return "~audit.nobody"
	}
	return s
}
