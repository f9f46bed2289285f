// Package sandbox is where smartphone-class learners practise the city's
// real online services: applying for a published service and taking a
// queue number, on the very pages they will use later, without anything
// reaching the city.
//
// The practice happens in the tenant's practice twin (tenant.Practice): a
// hidden tenant of its own, so its applications, tracking sequence, queue,
// documents and outbox are apart from the real tenant's by the same
// tenant keys every store already keeps, and it has no staff. Entering
// copies the real tenant's published services and open counters into it;
// what learners leave there is deleted a few hours later, or at once when
// they say they have finished.
package sandbox

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// Keep is how long what a learner did in practice stays: a class and the
// evening after it. The practice banner says so.
const Keep = 6 * time.Hour

// Service opens and empties the practice twins.
type Service struct {
	db       *db.DB
	clock    clock.Clock
	tenants  *tenant.Service
	catalog  *catalog.Store
	counters *counter.Store
	docs     *document.Store
	calendar *calendar.Store
}

// New joins the stores the sandbox copies from and cleans.
func New(d *db.DB, c clock.Clock, tenants *tenant.Service, cat *catalog.Store, counters *counter.Store, docs *document.Store,
	cal *calendar.Store) *Service {
	return &Service{db: d, clock: c, tenants: tenants, catalog: cat, counters: counters, docs: docs, calendar: cal}
}

// Enter returns real's practice twin with the real tenant's published
// services and open counters as they are now, for learner to practise in.
func (s *Service) Enter(ctx context.Context, learner audit.Actor, real tenant.Tenant) (_ tenant.Tenant, err error) {
	defer wrapf(&err, "open practice for tenant %s", real.Slug)
	if real.IsPractice() || !real.IsActive() {
		return tenant.Tenant{}, tenant.ErrNotFound
	}
	twin, err := s.tenants.Practice(ctx, learner, real)
	if err != nil {
		return tenant.Tenant{}, err
	}
	if err := s.copyServices(ctx, real, twin); err != nil {
		return tenant.Tenant{}, err
	}
	if err := s.copyCalendar(ctx, real, twin); err != nil {
		return tenant.Tenant{}, err
	}
	return twin, s.copyCounters(ctx, real, twin)
}

// copyCalendar gives the twin the tenant's own holidays and working days,
// so a practice application is due when a real one would be.
func (s *Service) copyCalendar(ctx context.Context, real, twin tenant.Tenant) error {
	want, err := s.calendar.Changes(ctx, real.ID)
	if err != nil {
		return err
	}
	have, err := s.calendar.Changes(ctx, twin.ID)
	if err != nil {
		return err
	}
	if slices.Equal(want, have) {
		return nil
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, d := range have {
			if err := s.calendar.Remove(ctx, tx, twin.ID, d.Date); err != nil {
				return err
			}
		}
		for _, d := range want {
			if err := s.calendar.Set(ctx, tx, twin.ID, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// copyServices makes the twin's services the real tenant's published
// ones; one the city has withdrawn is withdrawn from practice too. Only a
// service that differs is written, so entering again costs reads only.
func (s *Service) copyServices(ctx context.Context, real, twin tenant.Tenant) error {
	want, err := s.catalog.List(ctx, real.ID, true)
	if err != nil {
		return err
	}
	have, err := s.catalog.List(ctx, twin.ID, false)
	if err != nil {
		return err
	}
	current := map[string]catalog.Service{}
	for _, svc := range have {
		current[svc.Code] = svc
	}
	for _, svc := range want {
		old, ok := current[svc.Code]
		delete(current, svc.Code)
		if ok && sameService(old, svc) {
			continue
		}
		if _, err := s.catalog.Save(ctx, audit.System, twin.ID, svc); err != nil {
			return fmt.Errorf("copy service %s: %w", svc.Code, err)
		}
	}
	for _, gone := range current {
		if !gone.Published {
			continue
		}
		gone.Published = false
		if _, err := s.catalog.Save(ctx, audit.System, twin.ID, gone); err != nil {
			return fmt.Errorf("withdraw service %s: %w", gone.Code, err)
		}
	}
	return nil
}

func sameService(a, b catalog.Service) bool {
	ja, errA := catalog.Export(a)
	jb, errB := catalog.Export(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// copyCounters gives the twin the real tenant's open counters and their
// weekly hours, with no officers: a practice number is never called.
func (s *Service) copyCounters(ctx context.Context, real, twin tenant.Tenant) error {
	want, err := s.counters.List(ctx, real.ID, true)
	if err != nil {
		return err
	}
	have, err := s.counters.List(ctx, twin.ID, false)
	if err != nil {
		return err
	}
	current := map[string]counter.Counter{}
	for _, c := range have {
		current[c.Code] = c
	}
	for _, c := range want {
		plan, err := s.counters.Plan(ctx, c.ID)
		if err != nil {
			return err
		}
		old, ok := current[c.Code]
		delete(current, c.Code)
		if ok && old.Active && sameCounter(old, c) && s.samePlan(ctx, old.ID, plan) {
			continue
		}
		c.ID, c.TenantID = old.ID, twin.ID // "" makes it, by code
		if _, err := s.counters.Save(ctx, audit.System, twin.ID, c, plan, nil); err != nil {
			return fmt.Errorf("copy counter %s: %w", c.Code, err)
		}
	}
	for _, gone := range current {
		if !gone.Active {
			continue
		}
		plan, err := s.counters.Plan(ctx, gone.ID)
		if err != nil {
			return err
		}
		gone.Active = false
		if _, err := s.counters.Save(ctx, audit.System, twin.ID, gone, plan, nil); err != nil {
			return fmt.Errorf("close counter %s: %w", gone.Code, err)
		}
	}
	return nil
}

func sameCounter(a, b counter.Counter) bool {
	return a.Names["id"] == b.Names["id"] && a.Names["ja"] == b.Names["ja"] && a.Names["en"] == b.Names["en"] &&
		a.SlotMinutes == b.SlotMinutes && a.BufferBefore == b.BufferBefore && a.BufferAfter == b.BufferAfter &&
		a.Capacity == b.Capacity
}

func (s *Service) samePlan(ctx context.Context, counterID ids.Counter, want []counter.Hours) bool {
	have, err := s.counters.Plan(ctx, counterID)
	if err != nil || len(have) != len(want) {
		return false
	}
	for i := range have {
		if have[i] != want[i] {
			return false
		}
	}
	return true
}
