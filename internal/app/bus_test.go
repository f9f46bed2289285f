package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/testnote"
)

// TestQueueSignalsCrossNodes: two nodes on one PostgreSQL database; a
// number taken on node A wakes the live pages watching that counter on
// node B (LISTEN/NOTIFY), and a reconnect does not lose the way.
func TestQueueSignalsCrossNodes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b, name := twoNodes(t, ctx, "cross-node queue signals")
	listening(t, ctx, b, "B")
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
	listening(t, ctx, a, "A")
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
		WHERE query LIKE 'LISTEN %' AND application_name = ? AND pid <> pg_backend_pid()`, name); err != nil {
		t.Fatal(err)
	}
	select {
	case <-other:
	case <-time.After(10 * time.Second):
		t.Fatal("after the listener reconnected, the pages were not woken")
	}
}

// twoNodes starts two apps on one fresh PostgreSQL schema, as two nodes of
// one site; without PostgreSQL the test is skipped (what names it). Their
// connections carry an application_name of their own (returned), so a
// test can cut its nodes' connections without touching other tests'.
func twoNodes(t *testing.T, ctx context.Context, what string) (*app.App, *app.App, string) {
	t.Helper()
	url, ok := dbtest.NewSchema(t)
	if !ok {
		if dbtest.Required() {
			t.Fatalf("%s not set but required", dbtest.PostgresEnv)
		}
		testnote.Skip(t, what, dbtest.PostgresReason)
	}
	name := "serambi-test-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	url += sep + "application_name=" + name
	node := func() *app.App {
		a, err := app.New(ctx, &config.Config{DataDir: t.TempDir(), Database: url, Demo: true, BaseURL: "http://127.0.0.1",
			TURNAddr: "off", SecretKey: []byte("0123456789abcdef0123456789abcdef")}, app.WithoutDemoVisitors())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	return node(), node(), name
}

// listening starts a node's bus listeners and waits until they are in place.
func listening(t *testing.T, ctx context.Context, a *app.App, name string) {
	t.Helper()
	select {
	case <-a.ListenBus(ctx):
	case <-time.After(10 * time.Second):
		t.Fatalf("node %s's listeners did not start", name)
	}
}

// TestCallEventsCrossNodes: a call's room is on node A (where its sockets
// are); a server event raised on node B (an application started from the
// officer's desk there) and the end of the call reach the people in it,
// exactly once.
func TestCallEventsCrossNodes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b, _ := twoNodes(t, ctx, "cross-node call events")
	listening(t, ctx, a, "A")
	listening(t, ctx, b, "B")
	const callID = "0123456789abcdef0123456789abcdef"
	officer, err := a.Calls.Rooms().Join(callID, "officer-key", call.RoleOfficer, "Officer")
	if err != nil {
		t.Fatal(err)
	}
	resident, err := a.Calls.Rooms().Join(callID, "resident-key", call.RoleResident, "")
	if err != nil {
		t.Fatal(err)
	}
	next := func(m *call.Member, typ string) call.Message {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case msg, open := <-m.Out():
				if !open {
					t.Fatalf("%s: socket closed while waiting for %q", m.Role, typ)
				}
				if msg.Type == typ {
					return msg
				}
			case <-deadline:
				t.Fatalf("%s: no %q within 5 s", m.Role, typ)
			}
		}
	}
	b.Calls.Rooms().Broadcast(callID, call.Message{Type: "application", Extra: map[string]string{"tracking_number": "FUK-2026-000042"}})
	for _, m := range []*call.Member{officer, resident} {
		if got := next(m, "application"); !strings.Contains(fmt.Sprint(got.Extra), "FUK-2026-000042") {
			t.Fatalf("%s got %+v", m.Role, got)
		}
	}
	// A's own events reach its room once, not again over the bus.
	a.Calls.Rooms().Broadcast(callID, call.Message{Type: "show", Doc: "fedcba9876543210fedcba9876543210"})
	next(resident, "show")
	select {
	case msg := <-resident.Out():
		if msg.Type == "show" {
			t.Fatal("node A's own event came back over the bus")
		}
	case <-time.After(300 * time.Millisecond):
	}
	// The call ends on node B: everyone on node A is told and let go.
	b.Calls.Rooms().Close(callID)
	for _, m := range []*call.Member{officer, resident} {
		next(m, "ended")
		select {
		case _, open := <-m.Out():
			if open {
				for range m.Out() {
				}
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s's socket stayed open after the call ended", m.Role)
		}
	}
	if people := a.Calls.Rooms().People(callID); len(people) != 0 {
		t.Fatalf("room still holds %+v", people)
	}
}
