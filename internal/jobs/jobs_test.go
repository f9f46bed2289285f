package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/jobs"
)

type note struct {
	Text string `json:"text"`
}

func (note) Kind() string { return "test_note" }

type noteWorker struct {
	river.WorkerDefaults[note]
	mu   sync.Mutex
	seen []string
	fail int // fail this many times first, to test retries
}

func (w *noteWorker) Work(_ context.Context, j *river.Job[note]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail > 0 {
		w.fail--
		return errors.New("temporary")
	}
	w.seen = append(w.seen, j.Args.Text)
	return nil
}

func (w *noteWorker) NextRetry(*river.Job[note]) time.Time {
	return time.Now().Add(100 * time.Millisecond)
}

func (w *noteWorker) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

// TestJobsFollowTheirTransaction: a job inserted in a transaction that
// rolls back never runs; one that commits runs, after retries if it fails.
func TestJobsFollowTheirTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := jobs.New(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := q.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		w := &noteWorker{fail: 2}
		river.AddWorker(q.Workers, w)
		_ = d.InTx(ctx, func(tx *db.Tx) error {
			if err := q.Insert(ctx, tx, note{"rolled back"}); err != nil {
				t.Fatal(err)
			}
			return errors.New("roll back")
		})
		if err := d.InTx(ctx, func(tx *db.Tx) error { return q.Insert(ctx, tx, note{"committed"}) }); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			stop, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_ = q.Stop(stop)
		}()
		deadline := time.Now().Add(20 * time.Second)
		for len(w.got()) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if got := w.got(); len(got) != 1 || got[0] != "committed" {
			t.Fatalf("worked %v, want only the committed job (after 2 retries)", got)
		}
	})
}
