package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// TestCallOrder plays sequences of takes ("A" regular, "P" priority) and
// calls ("c") and checks which tickets were called, in order.
func TestCallOrder(t *testing.T) {
	cases := []struct {
		name  string
		steps string
		want  string // labels called, in order
	}{
		{"regulars oldest first", "A A A c c c", "A-001 A-002 A-003"},
		{"priority before regulars", "A A P c c c", "P-003 A-001 A-002"},
		{"one regular after two priority", "A A P P P P c c c c c c", "P-003 P-004 A-001 P-005 P-006 A-002"},
		{"only priority waits", "P P P c c c", "P-001 P-002 P-003"},
		{"the streak counts earlier calls", "P P A c c P c c", "P-001 P-002 A-003 P-004"},
		{"a regular call resets the streak", "A P P P c c c A A c c c", "P-002 P-003 A-001 P-004 A-005 A-006"},
		{"no regular to interleave", "P P c c P c A c", "P-001 P-002 P-003 A-004"},
		{"late priority goes ahead of early regulars", "A A c P c c", "A-001 P-003 A-002"},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, tc := range cases {
			c := e.counter(t, "banyuwangi", nil)
			var called []string
			for _, step := range strings.Fields(tc.steps) {
				switch step {
				case "A":
					e.take(t, "banyuwangi", c, Regular)
				case "P":
					e.take(t, "banyuwangi", c, Elderly)
				case "c":
					called = append(called, e.mustCall(t, "banyuwangi", c).Label)
				}
			}
			if got := strings.Join(called, " "); got != tc.want {
				t.Errorf("%s: called %s, want %s", tc.name, got, tc.want)
			}
			// Each sequence calls everyone it takes: then the queue is empty.
			if _, err := e.callNext(t, "banyuwangi", c); !errors.Is(err, ErrEmpty) {
				t.Errorf("%s: call on an empty queue: %v, want ErrEmpty", tc.name, err)
			}
		}
		e.auditIntact(t)
	})
}

func TestCallAgainNoShowStartFinish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug, tn := "fukuoka", e.tenants["fukuoka"].ID
		c := e.counter(t, slug, nil)
		a1, a2, a3 := e.take(t, slug, c, Regular), e.take(t, slug, c, Regular), e.take(t, slug, c, Regular)
		entries := e.auditIntact(t)

		first := e.mustCall(t, slug, c)
		if first.ID != a1.ID || first.Status != Called || first.Calls != 1 || first.CalledBy != "officer-1" ||
			first.CalledAt == nil || !first.CalledAt.Equal(e.clk.Now()) || first.Version != 2 {
			t.Fatalf("called %+v", first)
		}
		if got, _ := e.st.Get(e.ctx, tn, a1.ID); got.Status != Called || got.Version != 2 || !got.CalledAt.Equal(*first.CalledAt) {
			t.Fatalf("stored %+v", got)
		}
		// Calling again announces the same ticket once more; order, call
		// time and the next call are unchanged.
		calledAt := *first.CalledAt
		e.clk.Advance(time.Minute)
		again, err := e.st.CallAgain(e.ctx, officer, tn, a1.ID)
		if err != nil || again.Calls != 2 || again.Status != Called || !again.CalledAt.Equal(calledAt) || again.Version != 3 {
			t.Fatalf("call again = %+v, %v", again, err)
		}
		if w, _ := e.st.Waiting(e.ctx, tn, c.ID); !slices.Equal(labels(w), []string{a2.Label, a3.Label}) {
			t.Errorf("waiting after call again: %v", labels(w))
		}
		if _, err := e.st.CallAgain(e.ctx, officer, tn, a2.ID); !errors.Is(err, ErrNotCalled) {
			t.Errorf("call again a waiting ticket: %v", err)
		}
		second := e.mustCall(t, slug, c)
		if second.ID != a2.ID {
			t.Fatalf("second call %s, want %s", second.Label, a2.Label)
		}

		// A1 never came.
		ns, err := e.st.NoShow(e.ctx, officer, tn, a1.ID)
		if err != nil || ns.Status != NoShow || ns.FinishedAt == nil {
			t.Fatalf("no-show = %+v, %v", ns, err)
		}
		if _, err := e.st.NoShow(e.ctx, officer, tn, a1.ID); !errors.Is(err, ErrNotCalled) {
			t.Errorf("no-show twice: %v", err)
		}
		if _, err := e.st.NoShow(e.ctx, officer, tn, a3.ID); !errors.Is(err, ErrNotCalled) {
			t.Errorf("no-show of a waiting ticket: %v", err)
		}
		// A2 is served.
		if s, err := e.st.Start(e.ctx, officer, tn, a2.ID); err != nil || s.Status != Serving {
			t.Fatalf("start = %+v, %v", s, err)
		}
		if _, err := e.st.Start(e.ctx, officer, tn, a2.ID); !errors.Is(err, ErrNotCalled) {
			t.Errorf("start twice: %v", err)
		}
		if _, err := e.st.NoShow(e.ctx, officer, tn, a2.ID); !errors.Is(err, ErrNotCalled) {
			t.Errorf("no-show while serving: %v", err)
		}
		e.clk.Advance(5 * time.Minute)
		done, err := e.st.Finish(e.ctx, officer, tn, a2.ID)
		if err != nil || done.Status != Done || !done.FinishedAt.Equal(e.clk.Now()) {
			t.Fatalf("finish = %+v, %v", done, err)
		}
		if _, err := e.st.Finish(e.ctx, officer, tn, a2.ID); !errors.Is(err, ErrNotCalled) {
			t.Errorf("finish twice: %v", err)
		}
		// Finish straight from called (the officer skipped Start).
		third := e.mustCall(t, slug, c)
		if f, err := e.st.Finish(e.ctx, officer, tn, third.ID); err != nil || f.Status != Done {
			t.Errorf("finish a called ticket: %+v, %v", f, err)
		}
		if _, err := e.callNext(t, slug, c); !errors.Is(err, ErrEmpty) {
			t.Errorf("empty queue: %v", err)
		}
		// 3 calls, call again, no-show, start, 2 finishes.
		if n := e.auditIntact(t); n != entries+8 {
			t.Errorf("%d audit entries, want %d", n, entries+8)
		}
	})
}

func TestStaleVersionConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil)
		e.take(t, "fukuoka", c, Regular)
		called := e.mustCall(t, "fukuoka", c)
		// A ticket read before a change cannot be written over it.
		stale := called
		if _, err := e.st.CallAgain(e.ctx, officer, called.TenantID, called.ID); err != nil {
			t.Fatal(err)
		}
		err := e.d.InTx(e.ctx, func(tx *db.Tx) error {
			stale.Status = Serving
			return updateTicket(e.ctx, tx, &stale)
		})
		if !errors.Is(err, ErrConflict) {
			t.Errorf("stale write: %v, want ErrConflict", err)
		}
	})
}

func TestTransferKeepsPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		tn := e.tenants[slug]
		from, to := e.counter(t, slug, nil), e.counter(t, slug, nil)
		early := e.take(t, slug, from, Regular)
		e.clk.Advance(time.Minute)
		b1, b2 := e.take(t, slug, to, Regular), e.take(t, slug, to, Regular)

		sub, unsubscribe := e.st.Subscribe(from.ID)
		defer unsubscribe()
		subTo, unsubscribeTo := e.st.Subscribe(to.ID)
		defer unsubscribeTo()

		moved, err := e.st.Transfer(e.ctx, officer, tn, early.ID, to.ID)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ID == early.ID || moved.CounterID != to.ID || moved.Number != 3 || moved.Label != "A-003" ||
			moved.Status != Waiting || !moved.CreatedAt.Equal(early.CreatedAt) || moved.Source != early.Source {
			t.Fatalf("moved %+v", moved)
		}
		if got, _ := e.st.Get(e.ctx, tn.ID, early.ID); got.Status != Transferred || got.FinishedAt == nil {
			t.Errorf("old ticket %+v", got)
		}
		for name, ch := range map[string]<-chan struct{}{"from": sub, "to": subTo} {
			if got, _ := signalled(ch); !got {
				t.Errorf("no signal at the %s counter", name)
			}
		}
		// It joined ahead of those who came after it.
		if w, _ := e.st.Waiting(e.ctx, tn.ID, to.ID); !slices.Equal(labels(w), []string{"A-003", b1.Label, b2.Label}) {
			t.Errorf("waiting at the new counter: %v", labels(w))
		}
		if p, _, _ := e.st.Position(e.ctx, tn.ID, moved.ID); p != 0 {
			t.Errorf("position %d, want 0", p)
		}
		if w, _ := e.st.Waiting(e.ctx, tn.ID, from.ID); len(w) != 0 {
			t.Errorf("still waiting at the old counter: %v", labels(w))
		}
		if _, err := e.st.Transfer(e.ctx, officer, tn, early.ID, from.ID); !errors.Is(err, ErrNotWaiting) {
			t.Errorf("transfer a transferred ticket: %v", err)
		}
		if _, err := e.st.Transfer(e.ctx, officer, tn, moved.ID, to.ID); !errors.Is(err, ErrSameCounter) {
			t.Errorf("transfer to the same counter: %v", err)
		}

		// A called priority ticket moves too, as a priority ticket.
		p := e.take(t, slug, from, Disability)
		if called := e.mustCall(t, slug, from); called.ID != p.ID {
			t.Fatalf("called %s", called.Label)
		}
		moved2, err := e.st.Transfer(e.ctx, officer, tn, p.ID, to.ID)
		if err != nil || moved2.Label != "P-004" || moved2.Priority != Disability || moved2.Calls != 0 || moved2.CalledAt != nil {
			t.Fatalf("transfer a called ticket = %+v, %v", moved2, err)
		}
		if w, _ := e.st.Waiting(e.ctx, tn.ID, to.ID); !slices.Equal(labels(w), []string{"P-004", "A-003", b1.Label, b2.Label}) {
			t.Errorf("waiting: %v", labels(w))
		}

		// Not to a closed counter, nor another tenant's.
		closed := e.counter(t, slug, func(c *counter.Counter) { c.Active = false })
		if _, err := e.st.Transfer(e.ctx, officer, tn, moved.ID, closed.ID); !errors.Is(err, ErrClosed) {
			t.Errorf("transfer to a closed counter: %v", err)
		}
		foreign := e.counter(t, "fukuoka", nil)
		if _, err := e.st.Transfer(e.ctx, officer, tn, moved.ID, foreign.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("transfer to another tenant's counter: %v", err)
		}
		e.auditIntact(t)
	})
}

func TestCancelAndTake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "fukuoka"
		tn := e.tenants[slug]
		c := e.counter(t, slug, nil)
		ani, budi := e.user(t), e.user(t)

		mine, err := e.st.Take(e.ctx, as(ani), tn, c.ID, ani, SourceWeb, Regular)
		if err != nil || mine.Label != "A-001" || mine.ResidentID != ani || mine.Source != SourceWeb || mine.Day != "2026-11-13" {
			t.Fatalf("take = %+v, %v", mine, err)
		}
		// A second take (a double click) gives back the same ticket.
		again, err := e.st.Take(e.ctx, as(ani), tn, c.ID, ani, SourceWeb, Regular)
		if err != nil || again.ID != mine.ID {
			t.Errorf("second take = %+v, %v", again, err)
		}
		if err := e.st.Cancel(e.ctx, as(budi), tn.ID, mine.ID, budi); !errors.Is(err, ErrNotYours) {
			t.Errorf("cancel by someone else: %v", err)
		}
		if err := e.st.Cancel(e.ctx, as(ani), tn.ID, mine.ID, ani); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.st.Get(e.ctx, tn.ID, mine.ID); got.Status != Cancelled || got.FinishedAt == nil {
			t.Errorf("cancelled %+v", got)
		}
		if err := e.st.Cancel(e.ctx, as(ani), tn.ID, mine.ID, ani); err != nil {
			t.Errorf("cancel twice: %v", err)
		}
		if p, w, err := e.st.Position(e.ctx, tn.ID, mine.ID); p != -1 || w != 0 || err != nil {
			t.Errorf("position of a cancelled ticket: %d %d %v", p, w, err)
		}
		// Once cancelled, Ani can take a new ticket.
		fresh, err := e.st.Take(e.ctx, as(ani), tn, c.ID, ani, SourceWeb, Regular)
		if err != nil || fresh.ID == mine.ID || fresh.Number != 2 {
			t.Fatalf("take after cancel = %+v, %v", fresh, err)
		}
		// A called ticket cannot be cancelled any more.
		e.mustCall(t, slug, c)
		if err := e.st.Cancel(e.ctx, as(ani), tn.ID, fresh.ID, ani); !errors.Is(err, ErrNotWaiting) {
			t.Errorf("cancel a called ticket: %v", err)
		}
		// An anonymous ticket is cancelled by whoever holds its slip.
		walkIn := e.take(t, slug, c, Regular)
		if err := e.st.Cancel(e.ctx, audit.System, tn.ID, walkIn.ID, ""); err != nil {
			t.Errorf("cancel an anonymous ticket: %v", err)
		}
		if w, _ := e.st.Waiting(e.ctx, tn.ID, c.ID); len(w) != 0 {
			t.Errorf("still waiting: %v", labels(w))
		}
		e.auditIntact(t)
	})
}

func TestTakeRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.tenants["fukuoka"]
		c := e.counter(t, "fukuoka", nil)
		cases := []struct {
			name                string
			resident, src, prio string
			sentinel            error
			field               string
		}{
			{"unknown priority", "", SourceKiosk, "vip", ErrBadPriority, "priority"},
			{"unknown source", "", "fax", Regular, ErrBadSource, "source"},
			{"malformed resident", "bob", SourceWeb, Regular, ErrBadResident, "resident_id"},
		}
		for _, tc := range cases {
			_, err := e.st.Take(e.ctx, audit.System, tn, c.ID, ids.User(tc.resident), tc.src, tc.prio)
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			ve, ok := errors.AsType[validation.Errors](err)
			if p, found := ve.For(tc.field); !ok || !found || p.Code != Code(tc.sentinel) || !strings.HasPrefix(p.Code, "error.queue.") {
				t.Errorf("%s: problems %v", tc.name, ve)
			}
		}
		closed := e.counter(t, "fukuoka", func(c *counter.Counter) { c.Active = false })
		if _, err := e.st.Take(e.ctx, audit.System, tn, closed.ID, "", SourceKiosk, Regular); !errors.Is(err, ErrClosed) || Code(err) != "error.queue.closed" {
			t.Errorf("closed counter: %v", err)
		}
		var n int
		if err := d.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d tickets written, %v", n, err)
		}
		if Code(errors.New("other")) != "" {
			t.Error("Code of a foreign error")
		}
	})
}

func TestPositionsAndWaits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		tn := e.tenants[slug].ID
		c := e.counter(t, slug, nil) // 10-minute slots, one officer
		var regular []Ticket
		for range 6 {
			regular = append(regular, e.take(t, slug, c, Regular))
		}
		prio := e.take(t, slug, c, Pregnancy)
		check := func(when string, tk Ticket, wantPos, wantWait int) {
			t.Helper()
			p, w, err := e.st.Position(e.ctx, tn, tk.ID)
			if err != nil || p != wantPos || w != wantWait {
				t.Errorf("%s: %s at %d, %d s (%v); want %d, %d s", when, tk.Label, p, w, err, wantPos, wantWait)
			}
		}
		check("start", prio, 0, 0)
		check("start", regular[0], 1, 600)
		check("start", regular[5], 6, 3600)

		// Serve three with 2, 4 and 6 minutes: from then on the average of
		// the day (4 minutes) replaces the 10-minute slot.
		for i, minutes := range []int{2, 4, 6} {
			tk := e.mustCall(t, slug, c)
			if i == 0 && tk.ID != prio.ID {
				t.Fatalf("first call %s, want the priority ticket", tk.Label)
			}
			if i == 1 {
				check("two called", regular[5], 4, 4*600)
			}
			e.clk.Advance(time.Duration(minutes) * time.Minute)
			if _, err := e.st.Finish(e.ctx, officer, tn, tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		check("three served", regular[2], 0, 0)
		check("three served", regular[3], 1, 240)
		check("three served", regular[5], 3, 720)
		check("served", prio, -1, 0)
		if w, _ := e.st.Waiting(e.ctx, tn, c.ID); !slices.Equal(labels(w), labels(regular[2:])) {
			t.Errorf("waiting %v", labels(w))
		}

		// A no-show does not count as a service time.
		noShow := e.mustCall(t, slug, c)
		e.clk.Advance(30 * time.Minute)
		if _, err := e.st.NoShow(e.ctx, officer, tn, noShow.ID); err != nil {
			t.Fatal(err)
		}
		check("after a no-show", regular[5], 2, 480)

		// Two officers halve the wait.
		two := e.counter(t, slug, func(c *counter.Counter) { c.Capacity = 2 })
		e.take(t, slug, two, Regular)
		third := e.take(t, slug, two, Regular)
		check("two officers", third, 1, 300)
	})
}

func TestNumberingRestartsPerLocalDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "fukuoka"
		tn := e.tenants[slug]
		c := e.counter(t, slug, nil)
		// 23:58 on Friday 13 November in Tokyo is 14:58 UTC.
		e.clk.Advance(time.Date(2026, 11, 13, 14, 58, 0, 0, time.UTC).Sub(e.clk.Now()))
		late1, late2 := e.take(t, slug, c, Regular), e.take(t, slug, c, Elderly)
		if late1.Day != "2026-11-13" || late1.Label != "A-001" || late2.Label != "P-002" {
			t.Fatalf("before midnight: %+v %+v", late1, late2)
		}
		// 00:01 on Saturday in Tokyo, still the 13th in UTC.
		e.clk.Advance(3 * time.Minute)
		first := e.take(t, slug, c, Regular)
		if first.Day != "2026-11-14" || first.Number != 1 || first.Label != "A-001" {
			t.Fatalf("after midnight: %+v", first)
		}
		// Yesterday's leftovers are out of today's queue.
		if w, _ := e.st.Waiting(e.ctx, tn.ID, c.ID); len(w) != 1 || w[0].ID != first.ID {
			t.Errorf("waiting after midnight: %v", labels(w))
		}
		if p, _, err := e.st.Position(e.ctx, tn.ID, late2.ID); p != -1 || err != nil {
			t.Errorf("position of yesterday's ticket: %d %v", p, err)
		}
		if called := e.mustCall(t, slug, c); called.ID != first.ID {
			t.Errorf("called %s of %s", called.Label, called.Day)
		}
		if _, err := e.callNext(t, slug, c); !errors.Is(err, ErrEmpty) {
			t.Errorf("yesterday's tickets are called: %v", err)
		}
	})
}

func TestConcurrentTake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.tenants["banyuwangi"]
		c := e.counter(t, "banyuwangi", nil)
		const n = 30
		got := make([]Ticket, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i], errs[i] = e.st.Take(e.ctx, audit.System, tn, c.ID, "", SourceKiosk, Regular)
			})
		}
		wg.Wait()
		var numbers []int
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("take %d: %v", i, errs[i])
			}
			numbers = append(numbers, got[i].Number)
		}
		slices.Sort(numbers)
		for i, num := range numbers {
			if num != i+1 {
				t.Fatalf("numbers %v, want 1..%d", numbers, n)
			}
		}
		// One resident clicking five times at once still holds one ticket.
		ani := e.user(t)
		tickets := make([]string, 5)
		for i := range tickets {
			wg.Go(func() {
				tk, err := e.st.Take(e.ctx, as(ani), tn, c.ID, ani, SourceWeb, Regular)
				if err != nil {
					t.Errorf("take by the same resident: %v", err)
				}
				tickets[i] = string(tk.ID)
			})
		}
		wg.Wait()
		if tickets[0] == "" || slices.IndexFunc(tickets, func(id string) bool { return id != tickets[0] }) >= 0 {
			t.Errorf("one resident got tickets %v", tickets)
		}
		e.auditIntact(t)
	})
}

func TestConcurrentCallNext(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		tn := e.tenants[slug].ID
		c := e.counter(t, slug, nil)
		for i := range 5 {
			e.take(t, slug, c, []string{Regular, Elderly}[i%2])
		}
		const officers = 10
		got := make([]Ticket, officers)
		errs := make([]error, officers)
		var wg sync.WaitGroup
		for i := range officers {
			wg.Go(func() {
				got[i], errs[i] = e.st.CallNext(e.ctx, officer, tn, c.ID, ids.User(db.NewID()))
			})
		}
		wg.Wait()
		seen := map[string]string{}
		empty := 0
		for i := range officers {
			switch {
			case errors.Is(errs[i], ErrEmpty):
				empty++
			case errs[i] != nil:
				t.Fatalf("officer %d: %v", i, errs[i])
			default:
				if by, dup := seen[string(got[i].ID)]; dup {
					t.Fatalf("%s called by %s and %s", got[i].Label, by, got[i].CalledBy)
				}
				seen[string(got[i].ID)] = string(got[i].CalledBy)
			}
		}
		if len(seen) != 5 || empty != 5 {
			t.Fatalf("%d called, %d empty; want 5 and 5", len(seen), empty)
		}
		var n int
		if err := d.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM tickets WHERE status = ? AND calls = 1`, Called).Scan(&n); err != nil || n != 5 {
			t.Errorf("%d called in the database, %v", n, err)
		}
		e.auditIntact(t)
	})
}

// An officer has one number called at a time: a second "call next" (a
// double press, or a forgotten person) is refused until the first is done
// or marked as not come, while other officers go on calling.
func TestOneCalledTicketPerOfficer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "fukuoka"
		tn := e.tenants[slug].ID
		c, other := e.counter(t, slug, nil), e.counter(t, slug, nil)
		for range 6 {
			e.take(t, slug, c, Regular)
		}
		e.take(t, slug, other, Regular)
		call := func(ctr counter.Counter, who string) (Ticket, error) {
			e.clk.Advance(time.Second)
			return e.st.CallNext(e.ctx, officer, tn, ctr.ID, ids.User(who))
		}
		first, err := call(c, "aiko")
		if err != nil {
			t.Fatal(err)
		}
		// Neither at the same counter nor at another of the tenant.
		for _, ctr := range []counter.Counter{c, other} {
			if _, err := call(ctr, "aiko"); !errors.Is(err, ErrBusy) || Code(err) != "error.queue.busy" {
				t.Fatalf("second call by the same officer: %v, want ErrBusy", err)
			}
		}
		if _, err := call(c, "budi"); err != nil {
			t.Fatalf("another officer: %v", err)
		}
		// In service (a video call) still counts; done frees the officer.
		if _, err := e.st.Start(e.ctx, officer, tn, first.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := call(c, "aiko"); !errors.Is(err, ErrBusy) {
			t.Fatalf("call while serving: %v, want ErrBusy", err)
		}
		if _, err := e.st.Finish(e.ctx, officer, tn, first.ID); err != nil {
			t.Fatal(err)
		}
		second, err := call(c, "aiko")
		if err != nil {
			t.Fatalf("call after done: %v", err)
		}
		if _, err := e.st.NoShow(e.ctx, officer, tn, second.ID); err != nil {
			t.Fatal(err)
		}
		// A number left called yesterday does not block today.
		third, err := call(c, "aiko")
		if err != nil {
			t.Fatalf("call after no-show: %v", err)
		}
		e.clk.Advance(24 * time.Hour)
		e.take(t, slug, c, Regular)
		if _, err := call(c, "aiko"); err != nil {
			t.Fatalf("next day, with %s still called from yesterday: %v", third.Label, err)
		}
		// Ten presses at once by one officer call one person.
		e.clk.Advance(24 * time.Hour)
		for range 3 {
			e.take(t, slug, c, Regular)
		}
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Go(func() { _, errs[i] = e.st.CallNext(e.ctx, officer, tn, c.ID, "chie") })
		}
		wg.Wait()
		called := 0
		for _, err := range errs {
			switch {
			case err == nil:
				called++
			case !errors.Is(err, ErrBusy):
				t.Fatalf("double press: %v", err)
			}
		}
		if called != 1 {
			t.Fatalf("%d of 10 presses called someone, want 1", called)
		}
		e.auditIntact(t)
	})
}

func TestTenantIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fuk, bwi := e.tenants["fukuoka"], e.tenants["banyuwangi"]
		c := e.counter(t, "fukuoka", nil)
		theirs := e.counter(t, "banyuwangi", nil)
		tk := e.take(t, "fukuoka", c, Regular)
		e.take(t, "fukuoka", c, Regular)

		checks := map[string]func() error{
			"Get":       func() error { _, err := e.st.Get(e.ctx, bwi.ID, tk.ID); return err },
			"Position":  func() error { _, _, err := e.st.Position(e.ctx, bwi.ID, tk.ID); return err },
			"Take":      func() error { _, err := e.st.Take(e.ctx, audit.System, bwi, c.ID, "", SourceWeb, Regular); return err },
			"Waiting":   func() error { _, err := e.st.Waiting(e.ctx, bwi.ID, c.ID); return err },
			"Board":     func() error { _, _, err := e.st.Board(e.ctx, bwi.ID, c.ID, 3); return err },
			"CallNext":  func() error { _, err := e.st.CallNext(e.ctx, officer, bwi.ID, c.ID, "o"); return err },
			"CallAgain": func() error { _, err := e.st.CallAgain(e.ctx, officer, bwi.ID, tk.ID); return err },
			"Start":     func() error { _, err := e.st.Start(e.ctx, officer, bwi.ID, tk.ID); return err },
			"Finish":    func() error { _, err := e.st.Finish(e.ctx, officer, bwi.ID, tk.ID); return err },
			"NoShow":    func() error { _, err := e.st.NoShow(e.ctx, officer, bwi.ID, tk.ID); return err },
			"Cancel":    func() error { return e.st.Cancel(e.ctx, officer, bwi.ID, tk.ID, "") },
			"Transfer to their own counter": func() error {
				_, err := e.st.Transfer(e.ctx, officer, bwi, tk.ID, theirs.ID)
				return err
			},
			"Transfer to another tenant's counter": func() error {
				_, err := e.st.Transfer(e.ctx, officer, fuk, tk.ID, theirs.ID)
				return err
			},
			"Get of a malformed ID":     func() error { _, err := e.st.Get(e.ctx, fuk.ID, "../etc"); return err },
			"Waiting of a malformed ID": func() error { _, err := e.st.Waiting(e.ctx, fuk.ID, "1 OR 1=1"); return err },
		}
		for name, check := range checks {
			if err := check(); !errors.Is(err, ErrNotFound) || Code(err) != "error.queue.not_found" {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
		if got, _ := e.st.Get(e.ctx, fuk.ID, tk.ID); got.Status != Waiting || got.Version != 1 {
			t.Errorf("ticket changed: %+v", got)
		}
	})
}

func TestBoard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "fukuoka"
		tn := e.tenants[slug].ID
		c := e.counter(t, slug, nil)
		for range 4 {
			e.take(t, slug, c, Regular)
		}
		e.take(t, slug, c, Elderly)
		e.take(t, slug, c, Regular)
		cur, next, err := e.st.Board(e.ctx, tn, c.ID, 3)
		if err != nil || len(cur) != 0 || !slices.Equal(labels(next), []string{"P-005", "A-001", "A-002"}) {
			t.Fatalf("board before calls: %v %v %v", labels(cur), labels(next), err)
		}
		e.mustCall(t, slug, c)
		a1 := e.mustCall(t, slug, c)
		if _, err := e.st.Finish(e.ctx, officer, tn, a1.ID); err != nil {
			t.Fatal(err)
		}
		e.mustCall(t, slug, c)
		cur, next, err = e.st.Board(e.ctx, tn, c.ID, 2)
		if err != nil || !slices.Equal(labels(cur), []string{"A-002", "A-001"}) || !slices.Equal(labels(next), []string{"A-003", "A-004"}) {
			t.Fatalf("board: %v %v %v", labels(cur), labels(next), err)
		}
		if cur[1].Status != Done {
			t.Errorf("board shows status %s", cur[1].Status)
		}
	})
}

func TestSubscribe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		c, other := e.counter(t, slug, nil), e.counter(t, slug, nil)
		ch, unsubscribe := e.st.Subscribe(c.ID)
		chOther, unsubscribeOther := e.st.Subscribe(other.ID)
		defer unsubscribeOther()

		e.take(t, slug, c, Regular)
		if got, _ := signalled(ch); !got {
			t.Error("no signal after Take")
		}
		e.take(t, slug, c, Regular) // two changes before reading fold into one signal
		e.mustCall(t, slug, c)
		if got, _ := signalled(ch); !got {
			t.Error("no signal after CallNext")
		}
		if got, _ := signalled(ch); got {
			t.Error("a second signal was queued")
		}
		if got, _ := signalled(chOther); got {
			t.Error("another counter's subscriber was signalled")
		}
		// A failed change signals nothing.
		if _, err := e.st.Start(e.ctx, officer, e.tenants[slug].ID, ids.Ticket(db.NewID())); !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
		if got, _ := signalled(ch); got {
			t.Error("signal after a failed change")
		}

		unsubscribe()
		unsubscribe() // harmless twice
		e.take(t, slug, c, Regular)
		if _, open := signalled(ch); open {
			t.Error("channel still open after Unsubscribe")
		}
		if len(e.st.hub.subs[string(c.ID)]) != 0 {
			t.Error("subscriber kept after Unsubscribe")
		}
	})
}

// TestPositionAgreesWithWaiting: the counted position of every waiting
// ticket, and the one live pages read, is its index in the full service
// order, and call-next takes that order's first, with priority runs, a
// streak left by earlier calls, and tickets taken within one instant.
func TestPositionAgreesWithWaiting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "fukuoka"
		tn := e.tenants[slug].ID
		c := e.counter(t, slug, nil)
		for i, p := range []string{Regular, Elderly, Regular, Elderly, Elderly, Regular, Disability, Regular, Elderly, Regular, Regular} {
			e.take(t, slug, c, p)
			if i%3 == 0 {
				e.clk.Advance(time.Second) // the rest share their instant with a neighbour
			}
		}
		for calls := range 8 {
			waiting, err := e.st.Waiting(e.ctx, tn, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for want, tk := range waiting {
				got, wait, err := e.st.Position(e.ctx, tn, tk.ID)
				if err != nil || got != want {
					t.Errorf("after %d calls: %s at %d (%v), service order says %d", calls, tk.Label, got, err, want)
				}
				b, live, liveWait, err := e.st.StatusAt(e.ctx, tn, c.ID, tk.ID)
				if err != nil || live != want || liveWait != wait || b != tk.Brief() {
					t.Errorf("after %d calls: live page shows %+v at %d, %d s (%v), want %+v at %d, %d s",
						calls, b, live, liveWait, err, tk.Brief(), want, wait)
				}
			}
			called := e.mustCall(t, slug, c)
			if called.ID != waiting[0].ID {
				t.Errorf("after %d calls: call-next took %s, the service order's first is %s", calls, called.Label, waiting[0].Label)
			}
			// Served in 3, 4, 5 … minutes, some not at all: the estimates
			// follow the served times.
			e.clk.Advance(time.Duration(3+calls) * time.Minute)
			if calls%3 == 2 {
				_, err = e.st.NoShow(e.ctx, officer, tn, called.ID)
			} else {
				_, err = e.st.Finish(e.ctx, officer, tn, called.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if e.st.snaps.derived.Load() == 0 {
			t.Error("every change read the queue again; none was derived")
		}
	})
}

// TestDerivedSnapshotsUnderRace: two officers call and finish at once
// while pages read; whatever order their changes land in, the live
// positions end equal to the full service order.
func TestDerivedSnapshotsUnderRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		tn := e.tenants[slug].ID
		c := e.counter(t, slug, func(c *counter.Counter) { c.Capacity = 2 })
		for i := range 40 {
			p := Regular
			if i%4 == 1 {
				p = Elderly
			}
			e.take(t, slug, c, p)
		}
		// Each reading of the clock is a millisecond later, as on a real
		// one: two calls at one instant would leave the streak to chance.
		e.st = NewStore(d, &ticking{t: start})
		ctx, stop := context.WithCancel(e.ctx)
		var readers sync.WaitGroup
		for range 4 {
			readers.Go(func() {
				for ctx.Err() == nil {
					w, _ := e.st.Waiting(e.ctx, tn, c.ID)
					for _, tk := range w {
						_, _, _, _ = e.st.StatusAt(e.ctx, tn, c.ID, tk.ID)
					}
				}
			})
		}
		var officers sync.WaitGroup
		for o := range 2 {
			officers.Go(func() {
				for range 8 {
					tk, err := e.st.CallNext(e.ctx, officer, tn, c.ID, ids.User(fmt.Sprint("officer-", o)))
					if err != nil {
						t.Error(err)
						return
					}
					if _, err := e.st.Finish(e.ctx, officer, tn, tk.ID); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		officers.Wait()
		stop()
		readers.Wait()
		waiting, err := e.st.Waiting(e.ctx, tn, c.ID)
		if err != nil || len(waiting) != 24 {
			t.Fatalf("%d waiting, %v", len(waiting), err)
		}
		for want, tk := range waiting {
			_, wait, _ := e.st.Position(e.ctx, tn, tk.ID)
			if _, got, gotWait, err := e.st.StatusAt(e.ctx, tn, c.ID, tk.ID); err != nil || got != want || gotWait != wait {
				t.Errorf("%s: live page at %d, %d s (%v); want %d, %d s", tk.Label, got, gotWait, err, want, wait)
			}
		}
	})
}

// ticking is a clock a millisecond later at every reading.
type ticking struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ticking) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}
