package counter

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

func TestStartMinutes(t *testing.T) {
	t.Parallel()
	morning := []Hours{{time.Tuesday, hm(9, 0), hm(12, 0)}}
	cases := []struct {
		name         string
		slot, before int
		after        int
		hours        []Hours
		want         []int
	}{
		{"30 min, no buffers", 30, 0, 0, morning,
			[]int{hm(9, 0), hm(9, 30), hm(10, 0), hm(10, 30), hm(11, 0), hm(11, 30)}},
		// Each slot occupies 40 minutes: 09:00–09:40 holds the meeting 09:05–09:35.
		{"5 min buffers before and after", 30, 5, 5, morning,
			[]int{hm(9, 5), hm(9, 45), hm(10, 25), hm(11, 5)}},
		{"buffer after only", 20, 0, 5, morning,
			[]int{hm(9, 0), hm(9, 25), hm(9, 50), hm(10, 15), hm(10, 40), hm(11, 5), hm(11, 30)}},
		{"a slot that would run past closing is left out", 45, 0, 0, morning,
			[]int{hm(9, 0), hm(9, 45), hm(10, 30), hm(11, 15)}},
		{"two stretches", 60, 0, 0, []Hours{{time.Monday, hm(8, 0), hm(10, 0)}, {time.Monday, hm(13, 0), hm(14, 30)}},
			[]int{hm(8, 0), hm(9, 0), hm(13, 0)}},
		{"hours shorter than one slot", 30, 0, 0, []Hours{{time.Monday, hm(9, 0), hm(9, 20)}}, nil},
		{"closed", 30, 0, 0, nil, nil},
	}
	for _, c := range cases {
		got := startMinutes(Counter{SlotMinutes: c.slot, BufferBefore: c.before, BufferAfter: c.after}, c.hours)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSlots runs the slot computation through the store on each database:
// plan, buffers, bookings, national and tenant holidays, exceptions, zones
// and lead time.
func TestSlots(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cases := []struct {
			name    string
			tenant  string
			counter func(*Counter)
			setup   func(t *testing.T, c Counter)
			now     time.Time // zero: start
			day     string
			want    []string // local starts, HH:MM
			free    []int    // nil: all Capacity
			firstAt string   // first start in UTC, RFC 3339, when set
		}{
			{name: "weekday 09:00-12:00, 30 min slots, no buffers", tenant: "fukuoka", day: "2026-11-17",
				want: []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"}},
			{name: "5 min buffers before and after", tenant: "fukuoka", day: "2026-11-17",
				counter: func(c *Counter) { c.BufferBefore, c.BufferAfter = 5, 5 },
				want:    []string{"09:05", "09:45", "10:25", "11:05"}},
			{name: "capacity 2 with one booking", tenant: "fukuoka", day: "2026-11-17",
				counter: func(c *Counter) { c.Capacity = 2 },
				setup: func(t *testing.T, c Counter) {
					e.mustBook(t, "fukuoka", c, string(e.user(t)), e.at("fukuoka", "2026-11-17", 10, 0))
				},
				want: []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"},
				free: []int{2, 2, 1, 2, 2, 2}},
			{name: "a full slot is shown with Free 0, a cancelled booking frees it", tenant: "fukuoka", day: "2026-11-17",
				counter: func(c *Counter) { c.SlotMinutes = 60 },
				setup: func(t *testing.T, c Counter) {
					e.mustBook(t, "fukuoka", c, string(e.user(t)), e.at("fukuoka", "2026-11-17", 9, 0))
					u := e.user(t)
					a := e.mustBook(t, "fukuoka", c, string(u), e.at("fukuoka", "2026-11-17", 10, 0))
					if err := e.st.Cancel(e.ctx, as(u), e.tenants["fukuoka"].ID, a.ID, u, false); err != nil {
						t.Fatal(err)
					}
				},
				want: []string{"09:00", "10:00", "11:00"}, free: []int{0, 1, 1}},
			{name: "Japanese national holiday (勤労感謝の日) is closed", tenant: "fukuoka", day: "2026-11-23"},
			{name: "Indonesian national holiday (Natal) is closed", tenant: "banyuwangi", day: "2026-12-25"},
			{name: "weekend is closed", tenant: "fukuoka", day: "2026-11-21"},
			{name: "tenant holiday is closed", tenant: "neyagawa", day: "2026-11-18",
				setup: func(t *testing.T, c Counter) {
					err := e.d.InTx(e.ctx, func(tx *db.Tx) error {
						return e.cal.Set(e.ctx, tx, e.tenants["neyagawa"].ID,
							calendar.Day{Date: "2026-11-18", Kind: calendar.Holiday, Name: "臨時休業"})
					})
					if err != nil {
						t.Fatal(err)
					}
					e.cal.Changed()
				}},
			{name: "exception opens a Saturday with special hours", tenant: "fukuoka", day: "2026-11-21",
				setup: func(t *testing.T, c Counter) {
					exception(t, e, "fukuoka", c, Exception{Day: "2026-11-21", Start: hm(10, 0), End: hm(11, 0), Note: "土曜開庁"})
				},
				want: []string{"10:00", "10:30"}},
			{name: "exception opens a national holiday", tenant: "fukuoka", day: "2026-11-23",
				setup: func(t *testing.T, c Counter) {
					exception(t, e, "fukuoka", c, Exception{Day: "2026-11-23", Start: hm(13, 0), End: hm(14, 0)})
				},
				want: []string{"13:00", "13:30"}},
			{name: "exception closes a weekday", tenant: "fukuoka", day: "2026-11-19",
				setup: func(t *testing.T, c Counter) {
					exception(t, e, "fukuoka", c, Exception{Day: "2026-11-19", Closed: true, Note: "研修"})
				}},
			{name: "exception replaces a weekday's hours, the last one saved wins", tenant: "fukuoka", day: "2026-11-20",
				setup: func(t *testing.T, c Counter) {
					exception(t, e, "fukuoka", c, Exception{Day: "2026-11-20", Closed: true})
					exception(t, e, "fukuoka", c, Exception{Day: "2026-11-20", Start: hm(15, 0), End: hm(16, 0)})
				},
				want: []string{"15:00", "15:30"}},
			{name: "Jakarta (WIB, UTC+7): 09:00 is 02:00 UTC", tenant: "banyuwangi", day: "2026-11-17",
				want:    []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"},
				firstAt: "2026-11-17T02:00:00Z"},
			{name: "Jayapura (WIT, UTC+9): 09:00 is 00:00 UTC", tenant: "jayapura", day: "2026-11-17",
				want:    []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"},
				firstAt: "2026-11-17T00:00:00Z"},
			{name: "slots starting within 30 minutes of now are not offered", tenant: "fukuoka", day: "2026-11-17",
				now:  time.Date(2026, 11, 17, 0, 10, 0, 0, time.UTC), // 09:10 in Japan
				want: []string{"10:00", "10:30", "11:00", "11:30"}},
			{name: "a slot exactly 30 minutes ahead is offered", tenant: "fukuoka", day: "2026-11-17",
				now:  time.Date(2026, 11, 17, 1, 0, 0, 0, time.UTC), // 10:00 in Japan
				want: []string{"10:30", "11:00", "11:30"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.setClock(start)
				c := e.counter(t, tc.tenant, tc.counter, nil)
				if tc.setup != nil {
					tc.setup(t, c)
				}
				if !tc.now.IsZero() {
					e.setClock(tc.now)
				}
				tn := e.tenants[tc.tenant]
				day := e.at(tc.tenant, tc.day, 0, 0)
				slots, err := e.st.Slots(e.ctx, tn, c.ID, day, day)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				var free []int
				for _, s := range slots {
					got = append(got, s.Start.In(tn.Location()).Format("15:04"))
					free = append(free, s.Free)
					if s.Start.Location() != time.UTC || s.End.Sub(s.Start) != time.Duration(c.SlotMinutes)*time.Minute ||
						s.Capacity != c.Capacity {
						t.Errorf("slot %+v: want UTC, %d minutes long, capacity %d", s, c.SlotMinutes, c.Capacity)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("starts %v, want %v", got, tc.want)
				}
				wantFree := tc.free
				if wantFree == nil {
					for range tc.want {
						wantFree = append(wantFree, c.Capacity)
					}
				}
				if len(got) > 0 && !slices.Equal(free, wantFree) {
					t.Errorf("free %v, want %v", free, wantFree)
				}
				if tc.firstAt != "" && (len(slots) == 0 || slots[0].Start.Format(time.RFC3339) != tc.firstAt) {
					t.Errorf("first slot %v, want %s", slots, tc.firstAt)
				}
			})
		}
	})
}

func exception(t *testing.T, e *env, slug string, c Counter, ex Exception) {
	t.Helper()
	if err := e.st.SetException(e.ctx, audit.System, e.tenants[slug].ID, c.ID, ex); err != nil {
		t.Fatalf("SetException %+v: %v", ex, err)
	}
}

func TestSlotsRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil, nil)
		tn := e.tenants["fukuoka"]
		from := e.at("fukuoka", "2026-11-16", 0, 0)
		// 31 days inclusive, given as any times of those local days.
		slots, err := e.st.Slots(e.ctx, tn, c.ID, from.Add(15*time.Hour), e.at("fukuoka", "2026-12-16", 23, 59))
		if err != nil {
			t.Fatalf("31 days: %v", err)
		}
		// 23 weekdays, less 23 November: 22 days of 6 slots.
		if len(slots) != 22*6 {
			t.Errorf("31 days: %d slots, want %d", len(slots), 22*6)
		}
		for i := 1; i < len(slots); i++ {
			if !slots[i-1].Start.Before(slots[i].Start) {
				t.Fatalf("slots out of order at %d", i)
			}
		}
		for _, bad := range [][2]time.Time{
			{from, e.at("fukuoka", "2026-12-17", 0, 0)}, // 32 days
			{from, from.AddDate(0, 0, -1)},              // backwards
		} {
			if _, err := e.st.Slots(e.ctx, tn, c.ID, bad[0], bad[1]); !errors.Is(err, ErrRange) {
				t.Errorf("Slots(%v, %v) = %v, want ErrRange", bad[0], bad[1], err)
			}
		}
		// The local date counts, not the UTC one: 2026-11-17 08:00 JST is
		// still 16 November in UTC.
		jst := e.at("fukuoka", "2026-11-17", 8, 0)
		slots, err = e.st.Slots(e.ctx, tn, c.ID, jst, jst)
		if err != nil || len(slots) != 6 || slots[0].Start.In(tn.Location()).Day() != 17 {
			t.Errorf("one local day: %d slots, %v", len(slots), err)
		}
		// An inactive counter offers nothing.
		c.Active = false
		if _, err := e.st.Save(e.ctx, audit.System, tn.ID, c, weekdays(hm(9, 0), hm(12, 0)), nil); err != nil {
			t.Fatal(err)
		}
		if slots, err := e.st.Slots(e.ctx, tn, c.ID, from, from.AddDate(0, 0, 6)); err != nil || len(slots) != 0 {
			t.Errorf("inactive counter: %d slots, %v", len(slots), err)
		}
	})
}
