package counter

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
)

func TestBookRefusesTimesNotOffered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil, nil)
		inactive := e.counter(t, "fukuoka", func(c *Counter) { c.Active = false }, nil)
		r := e.user(t)
		cases := []struct {
			name string
			c    Counter
			at   time.Time
		}{
			{"a past slot", c, e.at("fukuoka", "2026-11-12", 9, 0)},
			{"today's slot already begun", c, e.at("fukuoka", "2026-11-13", 11, 30)},
			{"a slot within 30 minutes", c, start.Add(20 * time.Minute)},
			{"not a slot of the plan (09:10)", c, e.at("fukuoka", "2026-11-17", 9, 10)},
			{"after closing", c, e.at("fukuoka", "2026-11-17", 12, 0)},
			{"a weekend", c, e.at("fukuoka", "2026-11-21", 9, 0)},
			{"a national holiday", c, e.at("fukuoka", "2026-11-23", 9, 0)},
			{"an inactive counter", inactive, e.at("fukuoka", "2026-11-17", 9, 0)},
		}
		for _, tc := range cases {
			if _, err := e.book(t, "fukuoka", tc.c, string(r), tc.at); !errors.Is(err, ErrNotBookable) {
				t.Errorf("%s: %v, want ErrNotBookable", tc.name, err)
			}
		}
		// An exception that closes the day makes its slots unbookable.
		exception(t, e, "fukuoka", c, Exception{Day: "2026-11-18", Closed: true})
		if _, err := e.book(t, "fukuoka", c, string(r), e.at("fukuoka", "2026-11-18", 9, 0)); !errors.Is(err, ErrNotBookable) {
			t.Errorf("closed by exception: %v", err)
		}
		var n int
		if err := d.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM appointments`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d appointments written, %v", n, err)
		}
	})
}

func TestBookCancelReschedule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "banyuwangi"
		tn := e.tenants[slug]
		c := e.counter(t, slug, nil, nil)
		ani, budi, family, officer := e.user(t), e.user(t), e.user(t), e.user(t)
		nine, ten := e.at(slug, "2026-11-17", 9, 0), e.at(slug, "2026-11-17", 10, 0)

		// A family member books for Ani.
		a, err := e.st.Book(e.ctx, as(family), tn, c.ID, ani, nine.In(time.FixedZone("x", 3600)), "bring KK")
		if err != nil {
			t.Fatal(err)
		}
		if a.ResidentID != ani || a.BookedBy != family || a.Seat != 1 || a.Status != Booked || a.Note != "bring KK" ||
			!a.Start.Equal(nine) || a.Start.Location() != time.UTC || !a.End.Equal(nine.Add(30*time.Minute)) {
			t.Fatalf("booked %+v", a)
		}
		stored, err := e.st.Appointment(e.ctx, tn.ID, a.ID)
		if err != nil || stored != a {
			t.Fatalf("stored %+v, %v; want %+v", stored, err, a)
		}
		if _, err := e.book(t, slug, c, string(budi), nine); !errors.Is(err, ErrSlotFull) {
			t.Fatalf("second booking of a one-seat slot: %v", err)
		}
		if _, err := e.book(t, slug, c, string(ani), nine); !errors.Is(err, ErrAlreadyBooked) {
			t.Fatalf("Ani twice: %v", err)
		}

		// Budi cannot cancel Ani's appointment; Ani can (and so could the
		// family member who booked it, or staff).
		if err := e.st.Cancel(e.ctx, as(budi), tn.ID, a.ID, budi, false); !errors.Is(err, ErrNotYours) {
			t.Fatalf("Budi cancels Ani's: %v", err)
		}
		if err := e.st.Cancel(e.ctx, as(budi), tn.ID, a.ID, "", false); !errors.Is(err, ErrNotYours) {
			t.Fatalf("anonymous cancel: %v", err)
		}
		if err := e.st.Cancel(e.ctx, as(ani), tn.ID, a.ID, ani, false); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Cancel(e.ctx, as(ani), tn.ID, a.ID, ani, false); err != nil {
			t.Fatalf("cancelling twice: %v", err)
		}
		if got, _ := e.st.Appointment(e.ctx, tn.ID, a.ID); got.Status != Cancelled {
			t.Fatalf("status %s", got.Status)
		}
		// The seat is free again.
		b := e.mustBook(t, slug, c, string(budi), nine)
		if b.Seat != 1 {
			t.Errorf("seat %d after the cancellation, want 1", b.Seat)
		}

		// Reschedule Budi from 09:00 to 10:00: the 09:00 seat is free again.
		if _, err := e.st.Reschedule(e.ctx, as(ani), tn, b.ID, ani, false, ten); !errors.Is(err, ErrNotYours) {
			t.Fatalf("Ani moves Budi's: %v", err)
		}
		moved, err := e.st.Reschedule(e.ctx, as(budi), tn, b.ID, budi, false, ten)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ID == b.ID || !moved.Start.Equal(ten) || moved.ResidentID != budi || moved.Status != Booked {
			t.Fatalf("moved %+v", moved)
		}
		if old, _ := e.st.Appointment(e.ctx, tn.ID, b.ID); old.Status != Cancelled {
			t.Fatalf("old appointment %s", old.Status)
		}
		ani9 := e.mustBook(t, slug, c, string(ani), nine)
		// Moving to a full slot changes nothing.
		if _, err := e.st.Reschedule(e.ctx, as(budi), tn, moved.ID, budi, false, nine); !errors.Is(err, ErrSlotFull) {
			t.Fatalf("move to a full slot: %v", err)
		}
		if got, _ := e.st.Appointment(e.ctx, tn.ID, moved.ID); got.Status != Booked {
			t.Fatalf("failed move cancelled the appointment: %s", got.Status)
		}
		for _, bad := range []time.Time{e.at(slug, "2026-11-17", 10, 10), e.at(slug, "2026-11-12", 9, 0)} {
			if _, err := e.st.Reschedule(e.ctx, as(budi), tn, moved.ID, budi, false, bad); !errors.Is(err, ErrNotBookable) {
				t.Errorf("move to %v: %v", bad, err)
			}
		}
		// Staff may move anyone's; moving a cancelled one is refused.
		if _, err := e.st.Reschedule(e.ctx, as(officer), tn, ani9.ID, officer, true, e.at(slug, "2026-11-18", 9, 0)); err != nil {
			t.Fatalf("staff reschedule: %v", err)
		}
		if _, err := e.st.Reschedule(e.ctx, as(officer), tn, ani9.ID, officer, true, nine); !errors.Is(err, ErrNotBooked) {
			t.Fatalf("reschedule a cancelled appointment: %v", err)
		}

		// No-show: not before the start; then once.
		if err := e.st.MarkNoShow(e.ctx, as(officer), tn.ID, moved.ID); !errors.Is(err, ErrTooEarly) {
			t.Fatalf("no-show before start: %v", err)
		}
		e.setClock(ten.Add(10 * time.Minute))
		if err := e.st.MarkNoShow(e.ctx, as(officer), tn.ID, moved.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.st.MarkNoShow(e.ctx, as(officer), tn.ID, moved.ID); !errors.Is(err, ErrNotBooked) {
			t.Fatalf("no-show twice: %v", err)
		}
		if err := e.st.Cancel(e.ctx, as(officer), tn.ID, moved.ID, officer, true); !errors.Is(err, ErrNotBooked) {
			t.Fatalf("cancel a no-show: %v", err)
		}
		if got, _ := e.st.Appointment(e.ctx, tn.ID, moved.ID); got.Status != NoShow || !got.UpdatedAt.Equal(e.clk.Now()) {
			t.Fatalf("after no-show: %+v", got)
		}
		e.auditIntact(t)
	})
}

func TestMineAndCounterDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "jayapura"
		tn := e.tenants[slug]
		c := e.counter(t, slug, func(c *Counter) { c.Capacity = 2 }, nil)
		c2 := e.counter(t, slug, func(c *Counter) { c.SlotMinutes = 60 }, nil)
		ani, budi := e.user(t), e.user(t)
		// Monday and Tuesday, booked out of order, at two counters.
		early := e.mustBook(t, slug, c, string(ani), e.at(slug, "2026-11-16", 9, 0))
		late := e.mustBook(t, slug, c2, string(ani), e.at(slug, "2026-11-17", 11, 0))
		mid := e.mustBook(t, slug, c, string(ani), e.at(slug, "2026-11-16", 11, 30))
		b1 := e.mustBook(t, slug, c, string(budi), e.at(slug, "2026-11-16", 9, 0))
		b2 := e.mustBook(t, slug, c, string(budi), e.at(slug, "2026-11-16", 10, 0))
		if err := e.st.Cancel(e.ctx, as(budi), tn.ID, b2.ID, budi, false); err != nil {
			t.Fatal(err)
		}
		idsOf := func(as []Appointment) []string {
			var out []string
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		same := func(got []Appointment, want ...Appointment) bool {
			g, w := idsOf(got), idsOf(want)
			if len(g) != len(w) {
				return false
			}
			for i := range g {
				if g[i] != w[i] {
					return false
				}
			}
			return true
		}
		if got, err := e.st.Mine(e.ctx, tn.ID, ani); err != nil || !same(got, early, mid, late) {
			t.Errorf("Mine before: %v %v", idsOf(got), err)
		}
		// Monday noon: early and mid are over; upcoming first, then the
		// past ones latest first.
		e.setClock(e.at(slug, "2026-11-16", 12, 0))
		if got, _ := e.st.Mine(e.ctx, tn.ID, ani); !same(got, late, mid, early) {
			t.Errorf("Mine on Monday noon: %v", idsOf(got))
		}
		if got, _ := e.st.Mine(e.ctx, tn.ID, budi); !same(got, b2, b1) {
			t.Errorf("Budi's (cancelled included): %v", idsOf(got))
		}

		// The officer's Monday at counter c, in Jayapura's day (which
		// starts at 15:00 UTC on Sunday): cancelled left out, by start
		// and seat.
		day, err := e.st.ForCounterDay(e.ctx, tn, c.ID, e.at(slug, "2026-11-16", 23, 59))
		if err != nil || !same(day, early, b1, mid) || day[1].Seat != 2 {
			t.Errorf("ForCounterDay: %v %v", idsOf(day), err)
		}
		if day, _ := e.st.ForCounterDay(e.ctx, tn, c.ID, e.at(slug, "2026-11-17", 0, 0)); len(day) != 0 {
			t.Errorf("Tuesday at c: %v", idsOf(day))
		}
		if day, _ := e.st.ForCounterDay(e.ctx, tn, c2.ID, e.at(slug, "2026-11-17", 0, 0)); !same(day, late) {
			t.Errorf("Tuesday at c2: %v", idsOf(day))
		}
	})
}

// race makes n different residents book the same slot at once and returns
// who succeeded, how many found it full and how many held a seat already.
func race(t *testing.T, e *env, slug string, c Counter, at time.Time, residents []string) (ok []Appointment, full, already int) {
	t.Helper()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		gate = make(chan struct{})
	)
	for _, r := range residents {
		wg.Go(func() {
			<-gate
			a, err := e.st.Book(context.Background(), as(ids.User(r)), e.tenants[slug], c.ID, ids.User(r), at, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok = append(ok, a)
			case errors.Is(err, ErrSlotFull):
				full++
			case errors.Is(err, ErrAlreadyBooked):
				already++
			default:
				t.Errorf("Book: %v", err)
			}
		})
	}
	close(gate)
	wg.Wait()
	return ok, full, already
}

// TestBookingRace: the database, not luck, keeps two people off one seat.
func TestBookingRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		slug := "fukuoka"
		residents := make([]string, 50)
		for i := range residents {
			residents[i] = string(e.user(t))
		}
		for _, capacity := range []int{1, 3} {
			c := e.counter(t, slug, func(c *Counter) { c.Capacity = capacity }, nil)
			at := e.at(slug, "2026-11-17", 10, 0)
			ok, full, already := race(t, e, slug, c, at, residents)
			if len(ok) != capacity || full != len(residents)-capacity || already != 0 {
				t.Fatalf("capacity %d: %d booked, %d full, %d already booked", capacity, len(ok), full, already)
			}
			seats := map[int]bool{}
			for _, a := range ok {
				seats[a.Seat] = true
			}
			for s := 1; s <= capacity; s++ {
				if !seats[s] {
					t.Errorf("capacity %d: seats %v, want 1..%d", capacity, seats, capacity)
				}
			}
			var rows int
			if err := d.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM appointments WHERE counter_id = ?`, c.ID).Scan(&rows); err != nil || rows != capacity {
				t.Errorf("capacity %d: %d rows, %v", capacity, rows, err)
			}
			slots, err := e.st.Slots(e.ctx, e.tenants[slug], c.ID, at, at)
			if err != nil || len(slots) != 6 || slots[2].Free != 0 {
				t.Errorf("capacity %d: slots after the race %+v, %v", capacity, slots, err)
			}
		}
		e.auditIntact(t)
	})
}

// TestDoubleClickRace: one resident submitting ten times at once holds
// one seat, even where seats are left.
func TestDoubleClickRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", func(c *Counter) { c.Capacity = 5 }, nil)
		r := e.user(t)
		same := make([]string, 10)
		for i := range same {
			same[i] = string(r)
		}
		ok, full, already := race(t, e, "fukuoka", c, e.at("fukuoka", "2026-11-17", 11, 0), same)
		if len(ok) != 1 || full != 0 || already != 9 {
			t.Fatalf("%d booked, %d full, %d already booked", len(ok), full, already)
		}
		if _, err := e.book(t, "fukuoka", c, string(r), e.at("fukuoka", "2026-11-17", 11, 0)); !errors.Is(err, ErrAlreadyBooked) {
			t.Fatalf("again: %v", err)
		}
	})
}
