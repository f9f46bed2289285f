package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// Lookup finds the tenant and service of an application found across
// tenants (escalation runs for all of them).
type Lookup struct {
	Tenant  func(ctx context.Context, id ids.Tenant) (tenant.Tenant, error)
	Service func(ctx context.Context, tenantID ids.Tenant, id string) (catalog.Service, error)
}

// Escalate marks every open application whose current state is past its
// deadline, records it in the timeline and tells the hooks (which notify
// the admins and the assigned officer). Each one commits on its own, so
// one failure does not hold up the rest. It returns how many it marked.
func (s *Service) Escalate(ctx context.Context, l Lookup) (_ int, err error) {
	defer wrapf(&err, "escalate late applications")
	overdue, err := s.list(ctx, `WHERE decided_at IS NULL AND escalated = ? AND due_at IS NOT NULL AND due_at < ?
		ORDER BY due_at LIMIT 500`, false, s.clock.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range overdue {
		t, err := l.Tenant(ctx, a.TenantID)
		if err != nil {
			return n, err
		}
		svc, err := l.Service(ctx, a.TenantID, a.ServiceID)
		if err != nil {
			return n, err
		}
		err = s.escalateOne(ctx, t, svc, a)
		if errors.Is(err, ErrConflict) {
			continue // changed meanwhile; the next run looks again
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Service) escalateOne(ctx context.Context, t tenant.Tenant, svc catalog.Service, a Application) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.clock.Now()
		a.Escalated, a.UpdatedAt = true, now
		if err := s.update(ctx, tx, &a); err != nil {
			return err
		}
		e := Event{At: now, ActorRole: "system", Action: "escalate", From: a.State, To: a.State}
		if err := addEvents(ctx, tx, a, e); err != nil {
			return err
		}
		if err := s.moved(ctx, tx, t, svc, a, e); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.System.Entry(t.ID, "application.escalate", "application:"+a.TrackingNumber,
			audit.Say("audit.detail.escalate", a.State, a.DueAt.UTC().Format("2006-01-02 15:04 UTC"))))
	})
}

// RecountDeadlines counts again the deadline of every open application of
// country's tenants, after its national holiday list changed: a step that
// was due on what is now a holiday moves to the next working day. The
// version is not bumped (no one changed the application), and a deadline
// moved into the future is no longer marked overdue. It returns how many
// deadlines moved.
func (s *Service) RecountDeadlines(ctx context.Context, country string, l Lookup) (_ int, err error) {
	defer wrapf(&err, "recount deadlines")
	open, err := s.list(ctx, `WHERE decided_at IS NULL AND due_at IS NOT NULL
		AND tenant_id IN (SELECT id FROM tenants WHERE country = ?)`, country)
	if err != nil {
		return 0, fmt.Errorf("application: list open deadlines in %s: %w", country, err)
	}
	moved := 0
	now := s.clock.Now()
	for _, a := range open {
		t, err := l.Tenant(ctx, a.TenantID)
		if err != nil {
			return moved, fmt.Errorf("application: tenant of %s: %w", a.ID, err)
		}
		svc, err := l.Service(ctx, a.TenantID, a.ServiceID)
		if err != nil {
			return moved, fmt.Errorf("application: service of %s: %w", a.ID, err)
		}
		st, ok := svc.Workflow.State(a.State)
		if !ok || st.SLADays <= 0 {
			continue
		}
		cal, err := s.calendarFor(ctx, t)
		if err != nil {
			return moved, err
		}
		due := cal.Due(a.StateSince, st.SLADays)
		if due.Equal(*a.DueAt) {
			continue
		}
		_, err = s.db.ExecContext(ctx, `UPDATE applications SET due_at = ?, escalated = ? WHERE id = ? AND version = ?`,
			due, a.Escalated && !due.After(now), a.ID, a.Version)
		if err != nil {
			return moved, fmt.Errorf("application: move deadline of %s: %w", a.ID, err)
		}
		moved++
	}
	return moved, nil
}
