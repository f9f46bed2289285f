package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/testnote"
)

// TestQueueSignalsCrossNodes: two nodes on one PostgreSQL database; a
// number taken on node A wakes the live pages watching that counter on
// node B (LISTEN/NOTIFY), and a reconnect does not lose the way.
func TestQueueSignalsCrossNodes(t *testing.T) {
	t.Parallel()
	url, ok := dbtest.NewSchema(t)
	if !ok {
		if dbtest.Required() {
			t.Fatalf("%s not set but required", dbtest.PostgresEnv)
		}
		testnote.Skipped("cross-node queue signals", dbtest.PostgresEnv+" is not set")
		t.Skipf("cross-node test skipped: %s is not set", dbtest.PostgresEnv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	node := func() *app.App {
		dir := t.TempDir()
		a, err := app.New(ctx, &config.Config{DataDir: dir, Database: url, Demo: true, BaseURL: "http://127.0.0.1",
			TURNAddr: "off", SecretKey: []byte("0123456789abcdef0123456789abcdef")}, app.WithoutDemoVisitors())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	a, b := node(), node()
	select {
	case <-b.ListenBus(ctx):
	case <-time.After(10 * time.Second):
		t.Fatal("node B's listener did not start")
	}
	ten, _ := a.Tenants.BySlug(ctx, "fukuoka")
	cs, _ := a.Counters.List(ctx, ten.ID, true)
	signals, stop := b.Queue.Subscribe(cs[0].ID)
	defer stop()
	other, stopOther := b.Queue.Subscribe(cs[1].ID)
	defer stopOther()
	if _, err := a.Queue.Take(ctx, audit.System, ten, cs[0].ID, "", "web", ""); err != nil {
		t.Fatal(err)
	}
	select {
	case <-signals:
	case <-time.After(5 * time.Second):
		t.Fatal("node B never heard of the number taken on node A")
	}
	select {
	case <-other:
		t.Fatal("a change at one counter woke another counter's pages")
	case <-time.After(300 * time.Millisecond):
	}
	// Node A hears its own changes in-process, not twice over the bus.
	select {
	case <-a.ListenBus(ctx):
	case <-time.After(10 * time.Second):
		t.Fatal("node A's listener did not start")
	}
	own, stopOwn := a.Queue.Subscribe(cs[0].ID)
	defer stopOwn()
	a.Queue.Touch(cs[0].ID)
	<-own
	select {
	case <-own:
		t.Fatal("node A got its own signal back from the bus")
	case <-time.After(300 * time.Millisecond):
	}

	// The listeners' connections drop (a database restart, a network
	// blip): they reconnect and wake every page once, since signals may
	// have been lost meanwhile.
	if _, err := a.DB.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN %' AND datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-other:
	case <-time.After(10 * time.Second):
		t.Fatal("after the listener reconnected, the pages were not woken")
	}
}
