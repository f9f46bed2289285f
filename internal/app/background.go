package app

import (
	"context"
	"fmt"
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
	river.AddWorker(a.Jobs.Workers, &sweeper[statsClose]{a: a, sweep: a.CloseStatsDays,
		what: "summed the days that are over for the dashboards"})
	a.Jobs.Every(10*time.Minute, func() river.JobArgs { return statsClose{} })
}

// statsClose is the periodic job that sums the days that are over for
// the dashboards (stats.Store.CloseDays).
type statsClose struct{}

func (statsClose) Kind() string { return "stats_close_days" }

// CloseStatsDays sums, for every government, the days that are over and
// not yet summed, batch after batch until caught up or a minute has gone
// (a first run over years of history goes on at the next run); it returns
// how many days it summed. One government's failure does not hold up the
// others: it is logged and returned last.
func (a *App) CloseStatsDays(ctx context.Context) (int, error) {
	tenants, err := a.Tenants.List(ctx, false)
	if err != nil {
		return 0, fmt.Errorf("sum the days: list the governments: %w", err)
	}
	until := time.Now().Add(time.Minute)
	total, failed := 0, error(nil)
	for _, t := range tenants {
		if t.IsPractice() {
			continue // a practice twin's figures are nobody's
		}
		for time.Now().Before(until) {
			n, err := a.Stats.CloseDays(ctx, t)
			total += n
			if err != nil {
				a.Log.Error("sum the days", "tenant", t.Slug, "err", err)
				failed = err
			}
			if err != nil || n == 0 {
				break
			}
		}
	}
	return total, failed
}
