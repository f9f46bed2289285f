package app

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/serambi/serambi/internal/application"
)

// slaCheck is the periodic job that escalates overdue applications.
type slaCheck struct{}

func (slaCheck) Kind() string { return "sla_check" }

type slaWorker struct {
	river.WorkerDefaults[slaCheck]
	a *App
}

func (w *slaWorker) Work(ctx context.Context, _ *river.Job[slaCheck]) error {
	n, err := w.a.Apps.Escalate(ctx, w.a.lookup())
	if n > 0 {
		w.a.Log.Info("escalated overdue applications", "count", n)
	}
	return err
}

// lookup lets escalation find tenants and services across tenants.
func (a *App) lookup() application.Lookup {
	return application.Lookup{
		Tenant: a.Tenants.ByID, Service: a.Catalog.ByID,
	}
}

// uploadCleanup is the hourly job that removes uploads attached to
// nothing for a day (document.Store.RemoveUnattached).
type uploadCleanup struct{}

func (uploadCleanup) Kind() string { return "upload_cleanup" }

// sweeper is the worker of a periodic clean-up: it runs sweep and logs
// how much went.
type sweeper[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	a     *App
	sweep func(context.Context) (int, error)
	what  string // the log line when something went
}

func (w *sweeper[T]) Work(ctx context.Context, _ *river.Job[T]) error {
	n, err := w.sweep(ctx)
	if n > 0 {
		w.a.Log.Info(w.what, "count", n)
	}
	return err
}

// guestCleanup is the hourly job that removes practice guests whose
// token has expired, with what they left (classes.Store.RemoveExpiredGuests).
type guestCleanup struct{}

func (guestCleanup) Kind() string { return "practice_guest_cleanup" }

// practiceCleanup is the hourly job that empties the practice twins of
// what learners did there more than sandbox.Keep ago.
type practiceCleanup struct{}

func (practiceCleanup) Kind() string { return "practice_twin_cleanup" }

// registerJobs adds Serambi's workers and periodic jobs to the queue.
func (a *App) registerJobs() {
	river.AddWorker(a.Jobs.Workers, &slaWorker{a: a})
	a.Jobs.Every(time.Minute, func() river.JobArgs { return slaCheck{} })
	river.AddWorker(a.Jobs.Workers, &sweeper[uploadCleanup]{a: a, sweep: a.Docs.RemoveUnattached,
		what: "removed uploads attached to nothing for a day"})
	a.Jobs.Every(time.Hour, func() river.JobArgs { return uploadCleanup{} })
	river.AddWorker(a.Jobs.Workers, &sweeper[guestCleanup]{a: a, sweep: a.Classes.RemoveExpiredGuests,
		what: "removed expired practice guests"})
	a.Jobs.Every(time.Hour, func() river.JobArgs { return guestCleanup{} })
	river.AddWorker(a.Jobs.Workers, &sweeper[practiceCleanup]{a: a, sweep: a.Sandbox.Sweep,
		what: "removed what learners practised in the city's services"})
	a.Jobs.Every(time.Hour, func() river.JobArgs { return practiceCleanup{} })
}
