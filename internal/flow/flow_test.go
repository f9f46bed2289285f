package flow_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/testenv"
	"github.com/serambi/serambi/internal/workflow"
)

// world is a tenant with one counter and its KIA service, and the stores
// the flows join.
type world struct {
	*testenv.Env
	d        flow.Deps
	f        *flow.Flows
	tenantID ids.Tenant
	counter  counter.Counter
	svc      catalog.Service
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	e := testenv.New(t, d)
	cal := calendar.NewStore(d)
	cipher, err := identity.NewFieldCipher(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	deps := flow.Deps{DB: d, Queue: queue.NewStore(d, e.Clock), Calls: call.NewStore(d, e.Clock),
		Counters: counter.NewStore(d, e.Clock, cal), Apps: application.NewService(d, e.Clock, cal, e.Regions),
		Identity: identity.NewService(d, e.Clock, cipher, e.Regions, identity.Config{})}
	w := &world{Env: e, d: deps, f: flow.New(deps), tenantID: e.Tenants["banyuwangi"].ID}
	w.counter, err = deps.Counters.Save(e.Ctx, audit.System, w.tenantID, counter.Counter{Code: "C1",
		Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"}, SlotMinutes: 30, Capacity: 1, Active: true},
		[]counter.Hours{{Weekday: time.Friday, Start: 480, End: 900}}, nil)
	if err != nil {
		t.Fatalf("save counter: %v", err)
	}
	w.svc = w.service(t, "../app/demodata/banyuwangi-kia.json")
	return w
}

// service saves the service defined in file into the tenant, with the
// standard workflow.
func (w *world) service(t *testing.T, file string) catalog.Service {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := catalog.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	svc.Workflow = workflow.Standard()
	saved, err := catalog.NewStore(w.DB, w.Clock).Save(w.Ctx, audit.System, w.tenantID, svc)
	if err != nil {
		t.Fatalf("save service %s: %v", file, err)
	}
	return saved
}

// called takes a ticket and has officer call it.
func (w *world) called(t *testing.T, officer audit.Actor) queue.Ticket {
	t.Helper()
	tk, err := w.d.Queue.Take(w.Ctx, audit.System, w.Tenants["banyuwangi"], w.counter.ID, "", queue.SourceKiosk, "")
	if err != nil {
		t.Fatalf("take: %v", err)
	}
	w.Clock.Advance(time.Second)
	got, err := w.d.Queue.CallNext(w.Ctx, officer, w.tenantID, w.counter.ID, officer.ID)
	if err != nil || got.ID != tk.ID {
		t.Fatalf("call next = %v, %v; want ticket %s", got.ID, err, tk.ID)
	}
	return got
}

func (w *world) ticket(t *testing.T, id string) queue.Ticket {
	t.Helper()
	tk, err := w.d.Queue.Get(w.Ctx, w.tenantID, ids.Ticket(id))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestTicketCallStartsAndEndsWithItsTicket: opening the call of a called
// ticket marks it in service; ending the call finishes the ticket; both
// steps are one change each.
func TestTicketCallStartsAndEndsWithItsTicket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		officer := w.User(t, "officer")
		tk := w.called(t, officer)
		changes, stop := w.d.Queue.Subscribe(w.counter.ID)
		defer stop()
		c, err := w.f.StartTicketCall(w.Ctx, officer, w.tenantID, tk.ID)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		if c.TicketID != tk.ID || c.Status != call.Open {
			t.Fatalf("call = %+v, want open for ticket %s", c, tk.ID)
		}
		if got := w.ticket(t, string(tk.ID)).Status; got != queue.Serving {
			t.Fatalf("ticket after start = %s, want serving", got)
		}
		select {
		case <-changes:
		default:
			t.Error("the ticket's pages were not woken after the call opened")
		}
		again, err := w.f.StartTicketCall(w.Ctx, officer, w.tenantID, tk.ID)
		if err != nil || again.ID != c.ID {
			t.Fatalf("second start = %s, %v; want the same call %s", again.ID, err, c.ID)
		}
		ended, err := w.f.EndCall(w.Ctx, officer, w.tenantID, c.ID, "KIA explained")
		if err != nil || ended.Status != call.Ended {
			t.Fatalf("end = %+v, %v", ended, err)
		}
		if got := w.ticket(t, string(tk.ID)).Status; got != queue.Done {
			t.Fatalf("ticket after the call ended = %s, want done", got)
		}
		if _, err := w.f.EndCall(w.Ctx, officer, w.tenantID, c.ID, ""); !errors.Is(err, call.ErrEnded) {
			t.Fatalf("ending twice = %v, want ErrEnded", err)
		}
	})
}

// TestEndCallIsAllOrNothing: when finishing the ticket fails, the call
// stays open (no call ended with its ticket still being served).
func TestEndCallIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		officer := w.User(t, "officer")
		tk := w.called(t, officer)
		c, err := w.f.StartTicketCall(w.Ctx, officer, w.tenantID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The ticket step fails (its table is gone) after the call's own
		// step succeeded inside the transaction.
		if _, err := d.ExecContext(w.Ctx, `ALTER TABLE tickets RENAME TO tickets_gone`); err != nil {
			t.Fatal(err)
		}
		if _, err := w.f.EndCall(w.Ctx, officer, w.tenantID, c.ID, "notes"); err == nil {
			t.Fatal("end with a failing ticket step succeeded")
		}
		if _, err := d.ExecContext(w.Ctx, `ALTER TABLE tickets_gone RENAME TO tickets`); err != nil {
			t.Fatal(err)
		}
		got, gerr := w.d.Calls.Get(w.Ctx, w.tenantID, c.ID)
		if gerr != nil || got.Status != call.Open || got.Notes != "" {
			t.Fatalf("call after a failed end = %+v, %v; want still open without notes", got, gerr)
		}
		if got := w.ticket(t, string(tk.ID)).Status; got != queue.Serving {
			t.Fatalf("ticket = %s, want still serving", got)
		}
	})
}

// TestAppointmentCall: a booked appointment opens its call once; a
// cancelled one opens none.
func TestAppointmentCall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		officer, resident := w.User(t, "officer"), w.User(t, "resident")
		at := time.Date(2026, 11, 13, 7, 0, 0, 0, time.UTC) // 14:00 in Banyuwangi
		a, err := w.d.Counters.Book(w.Ctx, resident, w.Tenants["banyuwangi"], w.counter.ID, resident.ID, at, "")
		if err != nil {
			t.Fatalf("book: %v", err)
		}
		c, err := w.f.StartAppointmentCall(w.Ctx, officer, w.tenantID, a.ID)
		if err != nil || c.AppointmentID != a.ID || c.ResidentID != resident.ID {
			t.Fatalf("start = %+v, %v; want the call of appointment %s with its resident", c, err, a.ID)
		}
		b, err := w.d.Counters.Book(w.Ctx, resident, w.Tenants["banyuwangi"], w.counter.ID, resident.ID, at.Add(30*time.Minute), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.d.Counters.Cancel(w.Ctx, resident, w.tenantID, b.ID, resident.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := w.f.StartAppointmentCall(w.Ctx, officer, w.tenantID, b.ID); !errors.Is(err, flow.ErrNotBooked) {
			t.Fatalf("call of a cancelled appointment: %v, want ErrNotBooked", err)
		}
		if _, err := w.d.Calls.OpenFor(w.Ctx, w.tenantID, call.Subject{AppointmentID: b.ID}); !errors.Is(err, call.ErrNotFound) {
			t.Fatalf("a call opened for the cancelled appointment: %v", err)
		}
	})
}

// TestAssistedInCall: the officer starts an application for the visitor
// of an anonymous ticket's call; the application, the resident's
// membership and the call's link exist together. In an ended call the
// application is made but not linked.
func TestAssistedInCall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		officer, visitor := w.User(t, "officer"), w.User(t, "visitor")
		tk := w.called(t, officer)
		c, err := w.f.StartTicketCall(w.Ctx, officer, w.tenantID, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := flow.Assist{Caller: application.Caller{Actor: officer, Roles: []string{workflow.Officer}},
			Tenant: w.Tenants["banyuwangi"], Service: w.svc, ResidentID: visitor.ID, Lang: "id", CallID: c.ID}
		got, err := w.f.StartAssisted(w.Ctx, in)
		if err != nil {
			t.Fatalf("start assisted: %v", err)
		}
		if got.Application.ApplicantID != visitor.ID || got.Application.FilledBy != officer.ID {
			t.Fatalf("application = %+v, want the visitor's, filled by the officer", got.Application)
		}
		linked, err := w.d.Calls.Get(w.Ctx, w.tenantID, c.ID)
		if err != nil || linked.ApplicationID != got.Application.ID || linked.ResidentID != visitor.ID {
			t.Fatalf("call = %+v, %v; want linked to %s with the visitor", linked, err, got.Application.ID)
		}
		roles, err := w.d.Identity.Roles(w.Ctx, w.tenantID, visitor.ID)
		if err != nil || len(roles) != 1 || roles[0] != identity.Resident {
			t.Fatalf("visitor's roles here = %v, %v; want resident", roles, err)
		}
		if _, err := w.f.EndCall(w.Ctx, officer, w.tenantID, c.ID, ""); err != nil {
			t.Fatal(err)
		}
		after, err := w.f.StartAssisted(w.Ctx, in)
		if err != nil || after.Call.ID != "" || after.Application.ID == "" {
			t.Fatalf("in an ended call: %+v, %v; want an application without a call", after, err)
		}
	})
}
