// Package jobs is Serambi's durable background work (emails, SLA checks),
// kept in the same database as everything else through River: a job
// inserted in a transaction exists exactly when the change that caused it
// commits, and survives a crash until a worker finishes it.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/serambi/serambi/internal/db"
)

// Queue runs jobs; domain packages register their workers on Workers
// before Start.
type Queue struct {
	Workers  *river.Workers
	driver   riverdriver.Driver[*sql.Tx]
	client   *river.Client[*sql.Tx]
	periodic []*river.PeriodicJob
	log      *slog.Logger
}

// New prepares a queue on d; call Migrate, register workers, then Start.
func New(d *db.DB, log *slog.Logger) *Queue {
	q := &Queue{Workers: river.NewWorkers(), log: slog.New(quiet{log.Handler()})}
	if d.Dialect() == db.SQLite {
		q.driver = riversqlite.New(d.Writer())
	} else {
		q.driver = riverdatabasesql.New(d.Writer())
	}
	return q
}

// Migrate creates or updates River's own tables.
func (q *Queue) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(q.driver, &rivermigrate.Config{Logger: q.log})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// Every adds a job that runs every interval (and once at start).
func (q *Queue) Every(interval time.Duration, args func() river.JobArgs) {
	q.periodic = append(q.periodic, river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args(), nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}

// client builds the River client once the workers are known. An inserting
// client (no queues) is built when workers is false, for commands that
// only enqueue.
func (q *Queue) build(work bool) error {
	if q.client != nil {
		return nil
	}
	cfg := &river.Config{Logger: q.log, MaxAttempts: 8, JobTimeout: 2 * time.Minute,
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour}
	if work {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
		cfg.Workers = q.Workers
		cfg.PeriodicJobs = q.periodic
		cfg.FetchPollInterval = 500 * time.Millisecond
	}
	c, err := river.NewClient(q.driver, cfg)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	q.client = c
	return nil
}

// Start begins working jobs until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.build(true); err != nil {
		return err
	}
	return q.client.Start(ctx)
}

// Stop finishes running jobs (up to ctx's deadline) and stops.
func (q *Queue) Stop(ctx context.Context) error {
	if q.client == nil {
		return nil
	}
	return q.client.Stop(ctx)
}

// Insert adds a job inside tx: it will run only if tx commits.
func (q *Queue) Insert(ctx context.Context, tx *db.Tx, args river.JobArgs) error {
	if err := q.build(true); err != nil {
		return err
	}
	_, err := q.client.InsertTx(ctx, tx.SQL(), args, nil)
	return err
}

// quiet passes on only warnings and errors: River reports every start,
// stop and migration at info level, which would bury the app's own log.
type quiet struct{ slog.Handler }

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}

func (q quiet) WithAttrs(a []slog.Attr) slog.Handler { return quiet{q.Handler.WithAttrs(a)} }
func (q quiet) WithGroup(n string) slog.Handler      { return quiet{q.Handler.WithGroup(n)} }
