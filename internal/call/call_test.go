package call

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/testenv"
)

type env struct {
	ctx     context.Context
	d       *db.DB
	clk     *clock.Fixed
	st      *Store
	tenants map[string]tenant.Tenant
	counter map[string]counter.Counter
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	w := testenv.New(t, d)
	counters := counter.NewStore(d, w.Clock, calendar.NewStore(d))
	e := &env{ctx: w.Ctx, d: d, clk: w.Clock, st: NewStore(d, w.Clock), tenants: w.Tenants,
		counter: map[string]counter.Counter{}}
	for slug, tn := range w.Tenants {
		c, err := counters.Save(w.Ctx, audit.System, tn.ID, counter.Counter{Code: "C1",
			Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"}, SlotMinutes: 30, Capacity: 1, Active: true},
			[]counter.Hours{{Weekday: time.Monday, Start: 540, End: 720}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.counter[slug] = c
	}
	return e
}

func officer() audit.Actor { return audit.Actor{ID: ids.User(db.NewID()), Label: "officer"} }

func (e *env) begin(t *testing.T, slug string, sub Subject) Call {
	t.Helper()
	sub.CounterID = e.counter[slug].ID
	c, err := e.st.Begin(e.ctx, officer(), e.tenants[slug].ID, sub)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	return c
}

func TestBeginEndRate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fk := e.tenants["fukuoka"].ID
		ticket := ids.Ticket(db.NewID())
		c := e.begin(t, "fukuoka", Subject{TicketID: ticket})
		if c.Status != Open || c.TicketID != ticket {
			t.Fatalf("begin = %+v", c)
		}
		// A second officer's click joins the same call.
		again := e.begin(t, "fukuoka", Subject{TicketID: ticket})
		if again.ID != c.ID {
			t.Fatalf("second begin opened another call %s, want %s", again.ID, c.ID)
		}
		// The other tenant cannot see it.
		if _, err := e.st.Get(e.ctx, e.tenants["banyuwangi"].ID, c.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("other tenant get = %v", err)
		}
		if _, err := e.st.Begin(e.ctx, officer(), fk, Subject{CounterID: e.counter["fukuoka"].ID,
			TicketID: ticket, AppointmentID: db.NewID()}); !errors.Is(err, ErrSubject) {
			t.Fatalf("both subjects = %v", err)
		}
		// Rating before the end is refused.
		if err := e.st.Rate(e.ctx, audit.System, fk, c.ID, 4); !errors.Is(err, ErrNotEnded) {
			t.Fatalf("rate open call = %v", err)
		}
		e.clk.Advance(time.Minute)
		if err := e.st.Started(e.ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(7*time.Minute + 30*time.Second)
		ended, err := e.st.End(e.ctx, officer(), fk, c.ID, "  Explained the form.  ")
		if err != nil {
			t.Fatal(err)
		}
		if ended.Duration != 7*time.Minute+30*time.Second || ended.Notes != "Explained the form." {
			t.Fatalf("ended = %v %q", ended.Duration, ended.Notes)
		}
		if _, err := e.st.End(e.ctx, officer(), fk, c.ID, ""); !errors.Is(err, ErrEnded) {
			t.Fatalf("end twice = %v", err)
		}
		got, err := e.st.Get(e.ctx, fk, c.ID)
		if err != nil || got.Duration != ended.Duration || got.EndedAt == nil || got.StartedAt == nil {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		for _, bad := range []int{0, 5, -1} {
			if err := e.st.Rate(e.ctx, audit.System, fk, c.ID, bad); !errors.Is(err, ErrRating) {
				t.Fatalf("rate %d = %v", bad, err)
			}
		}
		if err := e.st.Rate(e.ctx, audit.System, fk, c.ID, 3); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Rate(e.ctx, audit.System, fk, c.ID, 4); !errors.Is(err, ErrRated) {
			t.Fatalf("rate twice = %v", err)
		}
		// After the end, a new call for the same ticket is a new record.
		if next := e.begin(t, "fukuoka", Subject{TicketID: ticket}); next.ID == c.ID {
			t.Fatal("an ended call was reopened")
		}
		if n, p, err := audit.Verify(e.ctx, d); err != nil || p != nil || n == 0 {
			t.Fatalf("audit: %d %v %v", n, p, err)
		}
	})
}

func TestBeginRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		appt := db.NewID()
		ids := make(chan string, 10)
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				c, err := e.st.Begin(e.ctx, officer(), e.tenants["fukuoka"].ID,
					Subject{CounterID: e.counter["fukuoka"].ID, AppointmentID: appt})
				if err != nil {
					t.Error(err)
					return
				}
				ids <- string(c.ID)
			})
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			seen[id] = true
		}
		if len(seen) != 1 {
			t.Fatalf("10 officers opened %d calls, want 1", len(seen))
		}
	})
}

func TestNotesLimit(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	c := e.begin(t, "fukuoka", Subject{TicketID: ids.Ticket(db.NewID())})
	long := make([]rune, MaxNotes+1)
	for i := range long {
		long[i] = 'あ'
	}
	if _, err := e.st.End(e.ctx, officer(), e.tenants["fukuoka"].ID, c.ID, string(long)); !errors.Is(err, ErrNotes) {
		t.Fatalf("long notes = %v", err)
	}
	if got, _ := e.st.Get(e.ctx, e.tenants["fukuoka"].ID, c.ID); got.Status != Open {
		t.Fatal("refused end changed the call")
	}
}

func TestInvites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fk, bw := e.tenants["fukuoka"].ID, e.tenants["banyuwangi"].ID
		c := e.begin(t, "fukuoka", Subject{TicketID: ids.Ticket(db.NewID())})
		token, err := e.st.Invite(e.ctx, officer(), fk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Looking at the link (a chat app's preview) does not spend it.
		for range 2 {
			if got, err := e.st.Invitation(e.ctx, fk, token); err != nil || got.ID != c.ID {
				t.Fatalf("invitation = %v, %v", got.ID, err)
			}
		}
		if _, err := e.st.Invitation(e.ctx, bw, token); !errors.Is(err, ErrInvite) {
			t.Fatalf("invitation at another tenant = %v", err)
		}
		if _, _, err := e.st.Redeem(e.ctx, audit.System, bw, token); !errors.Is(err, ErrInvite) {
			t.Fatalf("redeem at another tenant = %v", err)
		}
		got, pass, err := e.st.Redeem(e.ctx, audit.System, fk, token)
		if err != nil || got.ID != c.ID {
			t.Fatalf("redeem = %v, %v", got.ID, err)
		}
		if !e.st.CheckPass(e.ctx, c.ID, pass) {
			t.Fatal("pass refused")
		}
		for _, bad := range []string{"", pass + "x", "nodot", db.NewID() + "." + "abc"} {
			if e.st.CheckPass(e.ctx, c.ID, bad) {
				t.Fatalf("pass %q accepted", bad)
			}
		}
		other := e.begin(t, "fukuoka", Subject{TicketID: ids.Ticket(db.NewID())})
		if e.st.CheckPass(e.ctx, other.ID, pass) {
			t.Fatal("pass opened another call")
		}
		// One time only.
		if _, _, err := e.st.Redeem(e.ctx, audit.System, fk, token); !errors.Is(err, ErrInvite) {
			t.Fatalf("second redeem = %v", err)
		}
		// Expiry.
		late, err := e.st.Invite(e.ctx, officer(), fk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(InviteTTL)
		if _, _, err := e.st.Redeem(e.ctx, audit.System, fk, late); !errors.Is(err, ErrInvite) {
			t.Fatalf("expired redeem = %v", err)
		}
		// Links are not handed out without end.
		for i := 0; ; i++ {
			if _, err := e.st.Invite(e.ctx, officer(), fk, c.ID); errors.Is(err, ErrTooMany) {
				if i+2 != MaxInvites {
					t.Fatalf("refused after %d more links, want %d", i, MaxInvites-2)
				}
				break
			} else if err != nil || i > MaxInvites {
				t.Fatalf("invite %d: %v", i, err)
			}
		}
		// A link of an ended call opens nothing.
		other2 := e.begin(t, "fukuoka", Subject{TicketID: ids.Ticket(db.NewID())})
		fresh, err := e.st.Invite(e.ctx, officer(), fk, other2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.End(e.ctx, officer(), fk, other2.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.st.Redeem(e.ctx, audit.System, fk, fresh); !errors.Is(err, ErrEnded) {
			t.Fatalf("redeem after end = %v", err)
		}
		if _, err := e.st.Invite(e.ctx, officer(), fk, other2.ID); !errors.Is(err, ErrEnded) {
			t.Fatalf("invite after end = %v", err)
		}
	})
}

func TestRedeemRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fk := e.tenants["fukuoka"].ID
		c := e.begin(t, "fukuoka", Subject{TicketID: ids.Ticket(db.NewID())})
		token, err := e.st.Invite(e.ctx, officer(), fk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		wins := 0
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, _, err := e.st.Redeem(e.ctx, audit.System, fk, token)
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, ErrInvite) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d presses of one link got in, want 1", wins)
		}
	})
}

func TestShownDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fk := e.tenants["fukuoka"].ID
		c := e.begin(t, "fukuoka", Subject{TicketID: ids.Ticket(db.NewID())})
		doc := ids.Document(db.NewID())
		if err := e.st.AddShown(e.ctx, fk, c.ID, doc, "u1"); err != nil {
			t.Fatal(err)
		}
		if !e.st.WasShown(e.ctx, c.ID, doc) || e.st.WasShown(e.ctx, c.ID, ids.Document(db.NewID())) {
			t.Fatal("WasShown wrong")
		}
		if err := e.st.AddShown(e.ctx, e.tenants["banyuwangi"].ID, c.ID, ids.Document(db.NewID()), "u1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("other tenant = %v", err)
		}
		for i := 1; i < MaxShown; i++ {
			if err := e.st.AddShown(e.ctx, fk, c.ID, ids.Document(db.NewID()), "u1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.st.AddShown(e.ctx, fk, c.ID, ids.Document(db.NewID()), "u1"); !errors.Is(err, ErrTooMany) {
			t.Fatalf("over the limit = %v", err)
		}
		list, err := e.st.ShownIn(e.ctx, c.ID)
		if err != nil || len(list) != MaxShown || list[0].DocumentID != doc {
			t.Fatalf("shown = %d, %v", len(list), err)
		}
	})
}
