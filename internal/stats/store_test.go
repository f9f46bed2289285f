package stats_test

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/testenv"
)

// world is a government with two services and two counters whose raw
// rows the tests write by hand.
type world struct {
	*testenv.Env
	st                *stats.Store
	t                 tenant.Tenant
	svcS, svcT        string
	c1, c2, applicant string
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	e := testenv.New(t, d)
	w := &world{Env: e, st: stats.NewStore(d, e.Clock, calendar.NewStore(d)), t: e.Tenants["banyuwangi"]}
	w.applicant = string(e.User(t, "applicant").ID)
	w.svcS, w.svcT = w.service(t, "S", 3), w.service(t, "T", 5)
	w.c1, w.c2 = w.counter(t, "C1"), w.counter(t, "C2")
	return w
}

func (w *world) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := w.DB.ExecContext(w.Ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *world) service(t *testing.T, code string, sla int) string {
	id, now := db.NewID(), w.Clock.Now()
	w.exec(t, `INSERT INTO services (id, tenant_id, code, sla_days, form, workflow, created_at, updated_at)
		VALUES (?, ?, ?, ?, '{}', '{}', ?, ?)`, id, w.t.ID, code, sla, now, now)
	return id
}

func (w *world) counter(t *testing.T, code string) string {
	id, now := db.NewID(), w.Clock.Now()
	w.exec(t, `INSERT INTO counters (id, tenant_id, code, name_id, name_ja, name_en, slot_minutes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 15, ?, ?)`, id, w.t.ID, code, code, code, code, now, now)
	return id
}

// wib is a time in Banyuwangi (UTC+7).
func wib(s string) time.Time {
	at, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("WIB", 7*3600))
	if err != nil {
		panic(err)
	}
	return at.UTC()
}

func (w *world) application(t *testing.T, service string, submitted time.Time, decided *time.Time) string {
	id := db.NewID()
	state := "submitted"
	if decided != nil {
		state = "approved"
	}
	w.exec(t, `INSERT INTO applications (id, tenant_id, service_id, tracking_number, applicant_id, state, lang, state_since,
		submitted_at, decided_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'id', ?, ?, ?, ?, ?)`,
		id, w.t.ID, service, "T-"+id, w.applicant, state, submitted, submitted, decided, submitted, submitted)
	return id
}

func (w *world) escalation(t *testing.T, app string, at time.Time) {
	w.exec(t, `INSERT INTO application_events (id, tenant_id, application_id, at, actor_id, actor_role, action, from_state, to_state)
		VALUES (?, ?, ?, ?, '', 'system', 'escalate', 'submitted', 'submitted')`, db.NewID(), w.t.ID, app, at)
}

func (w *world) ticket(t *testing.T, counter, status string, created time.Time, called *time.Time) {
	n := w.Next()
	w.exec(t, `INSERT INTO tickets (id, tenant_id, counter_id, day, number, label, source, status, created_at, called_at)
		VALUES (?, ?, ?, ?, ?, 'A', 'web', ?, ?, ?)`, db.NewID(), w.t.ID, counter, created.Format("2006-01-02"), n, status, created, called)
}

func (w *world) call(t *testing.T, counter, status string, started, ended *time.Time, seconds int) {
	w.exec(t, `INSERT INTO calls (id, tenant_id, counter_id, officer_id, status, created_at, started_at, ended_at, duration_seconds)
		VALUES (?, ?, ?, 'officer', ?, ?, ?, ?, ?)`, db.NewID(), w.t.ID, counter, status, w.Clock.Now(), started, ended, seconds)
}

func ptr(t time.Time) *time.Time { return &t }

// TestFiguresByHand: a handful of rows whose figures are known, read
// first from the raw tables alone, then from the daily sums after the
// job, the same both times.
func TestFiguresByHand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Applications: on time, late (and escalated), submitted at 01:00 on
		// 1 November in Banyuwangi (still 31 October in UTC), and one today.
		w.application(t, w.svcS, wib("2026-10-05 09:00"), ptr(wib("2026-10-07 10:00")))
		late := w.application(t, w.svcS, wib("2026-10-30 16:00"), ptr(wib("2026-11-10 11:00")))
		w.escalation(t, late, wib("2026-11-04 12:00"))
		w.application(t, w.svcT, wib("2026-11-01 01:00"), nil)
		w.application(t, w.svcT, wib("2026-11-13 08:00"), ptr(wib("2026-11-13 09:30")))
		// Queue: waited 15 min (done), 20 min (no show), a number moved on
		// (counted where it went), one cancelled, one waiting today.
		w.ticket(t, w.c1, "done", wib("2026-10-05 09:10"), ptr(wib("2026-10-05 09:25")))
		w.ticket(t, w.c1, "no_show", wib("2026-10-05 09:40"), ptr(wib("2026-10-05 10:00")))
		w.ticket(t, w.c1, "transferred", wib("2026-10-05 09:41"), nil)
		w.ticket(t, w.c2, "cancelled", wib("2026-10-06 13:00"), nil)
		w.ticket(t, w.c1, "waiting", wib("2026-11-13 08:05"), nil)
		// Calls: one held of 20 minutes; one still open; one nobody joined.
		w.call(t, w.c1, "ended", ptr(wib("2026-10-05 09:30")), ptr(wib("2026-10-05 09:50")), 1200)
		w.call(t, w.c1, "open", ptr(wib("2026-11-13 09:00")), nil, 0)
		w.call(t, w.c2, "ended", nil, ptr(wib("2026-10-07 11:00")), 0)

		f := stats.Filter{From: "2026-10", To: "2026-11"}
		live, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil {
			t.Fatal(err)
		}
		check := func(t *testing.T, fg stats.Figures) {
			t.Helper()
			a := fg.Apps
			if a.Received != 4 || a.Decided != 3 || a.OnTime != 2 || a.Escalations != 1 {
				t.Errorf("applications %+v, want received 4, decided 3, on time 2, escalated 1", a)
			}
			// by month: October received 2 (5th, 30th) and decided 1; November
			// received 2 (the 1st in local time, today) and decided 2.
			if m := fg.AppMonths; m[0].Received != 2 || m[0].Decided != 1 || m[1].Received != 2 || m[1].Decided != 2 {
				t.Errorf("by month %+v", m)
			}
			if s := fg.Services[w.svcS]; s == nil || s.Decided != 2 || s.OnTime != 1 || s.Escalations != 1 {
				t.Errorf("service S %+v", s)
			}
			if r, ok := a.OnTimeRate(); !ok || r < 66.6 || r > 66.7 {
				t.Errorf("on time %v %v, want 66.7 %%", r, ok)
			}
			x := fg.Tickets
			if x.Issued != 4 || x.Done != 1 || x.NoShow != 1 || x.Cancelled != 1 || x.Wait.Count() != 2 {
				t.Errorf("queue %+v, want 4 issued, 1 done, 1 no show, 1 cancelled, 2 waits", x)
			}
			if r, ok := x.NoShowRate(); !ok || r != 50 {
				t.Errorf("no-show rate %v %v", r, ok)
			}
			if h := fg.Hours[9]; h.Issued != 2 || h.Wait.Count() != 2 {
				t.Errorf("09:00 %+v", h)
			}
			if h := fg.Hours[8]; h.Issued != 1 {
				t.Errorf("08:00 %+v (today's number)", h)
			}
			if med, ok := x.Wait.Quantile(0.5); !ok || !near(med, 15*time.Minute) {
				t.Errorf("median wait %v", med)
			}
			if p90, ok := x.Wait.Quantile(0.9); !ok || !near(p90, 20*time.Minute) {
				t.Errorf("p90 wait %v", p90)
			}
			if c := fg.Calls; c.Held != 1 || c.Length.Count() != 1 {
				t.Errorf("calls %+v, want 1 held", c)
			}
			if med, _ := fg.Calls.Length.Quantile(0.5); !near(med, 20*time.Minute) {
				t.Errorf("call length %v", med)
			}
		}
		check(t, live)
		if live.Through != "" {
			t.Fatalf("through %q before the job", live.Through)
		}
		n, err := w.st.CloseDays(w.Ctx, w.t)
		if err != nil {
			t.Fatal(err)
		}
		// 5 October to 12 November (today is the 13th, not over)
		if n != 39 {
			t.Errorf("summed %d days, want 39", n)
		}
		summed, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil {
			t.Fatal(err)
		}
		if summed.Through != "2026-11-12" {
			t.Errorf("through %q", summed.Through)
		}
		check(t, summed)
		summed.Through = ""
		if !reflect.DeepEqual(live, summed) {
			t.Errorf("figures differ:\nraw   %+v\nsums  %+v", live, summed)
		}
		// one service, one counter
		one, err := w.st.Read(w.Ctx, w.t, stats.Filter{From: "2026-10", To: "2026-10", ServiceID: w.svcT, CounterID: w.c2})
		if err != nil {
			t.Fatal(err)
		}
		if one.Apps.Received != 0 || one.Tickets.Issued != 1 || one.Tickets.Cancelled != 1 || one.Calls.Held != 0 {
			t.Errorf("T and C2 in October: %+v %+v %+v", one.Apps, one.Tickets, one.Calls)
		}
		if n, err := w.st.CloseDays(w.Ctx, w.t); err != nil || n != 0 {
			t.Errorf("second run summed %d (%v), want 0", n, err)
		}
		// History loaded with a past date is not in the summed days (read
		// again, from this node's copy) until they are summed again.
		w.application(t, w.svcT, wib("2026-10-06 10:00"), nil)
		again, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil || again.Apps.Received != 4 {
			t.Errorf("after a past row, before the rebuild: received %d (%v), want 4", again.Apps.Received, err)
		}
		if _, err := w.st.Rebuild(w.Ctx, w.t); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil || rebuilt.Apps.Received != 5 || rebuilt.AppMonths[0].Received != 3 {
			t.Errorf("after the rebuild: received %d, in October %d (%v), want 5 and 3", rebuilt.Apps.Received, rebuilt.AppMonths[0].Received, err)
		}
	})
}

// near tells whether got is within the histogram's 2.5 % of want.
func near(got, want time.Duration) bool {
	d := float64(got - want)
	return d <= 0.026*float64(want) && d >= -0.026*float64(want)
}

// TestSumsEqualTheRawRows: three months of random history; the figures
// read from the daily sums equal those counted from the raw rows, and
// the totals equal plain counts of the rows, with four nodes running the
// job at once (each day summed once).
func TestSumsEqualTheRawRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		rng := rand.New(rand.NewPCG(7, 13))
		start := wib("2026-08-01 00:00")
		var waits []time.Duration
		for range 200 {
			sub := start.Add(time.Duration(rng.IntN(104*24*60)) * time.Minute)
			var dec *time.Time
			if rng.IntN(4) > 0 {
				at := sub.Add(time.Duration(rng.IntN(12*24*60)) * time.Minute)
				if at.Before(w.Clock.Now()) {
					dec = &at
				}
			}
			svc := w.svcS
			if rng.IntN(2) == 0 {
				svc = w.svcT
			}
			id := w.application(t, svc, sub, dec)
			if rng.IntN(5) == 0 {
				w.escalation(t, id, sub.Add(time.Duration(4+rng.IntN(100))*time.Hour))
			}
			created := sub.Add(time.Duration(rng.IntN(600)) * time.Second)
			status := []string{"done", "no_show", "cancelled", "waiting", "transferred"}[rng.IntN(5)]
			var called *time.Time
			if status == "done" || status == "no_show" {
				at := created.Add(time.Duration(30+rng.IntN(3600)) * time.Second)
				called = &at
				waits = append(waits, at.Sub(created))
			}
			counter := w.c1
			if rng.IntN(3) == 0 {
				counter = w.c2
			}
			w.ticket(t, counter, status, created, called)
			if rng.IntN(4) == 0 {
				secs := 60 + rng.IntN(1800)
				w.call(t, counter, "ended", ptr(created), ptr(created.Add(time.Duration(secs)*time.Second)), secs)
			}
		}
		f := stats.Filter{From: "2026-08", To: "2026-11"}
		live, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := w.st.CloseDays(w.Ctx, w.t)
					if err != nil {
						errs <- err
					}
					if err != nil || n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		summed, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil {
			t.Fatal(err)
		}
		if summed.Through != "2026-11-12" {
			t.Errorf("through %q", summed.Through)
		}
		summed.Through = ""
		if !reflect.DeepEqual(live, summed) {
			t.Errorf("sums differ from the raw rows:\nraw  %+v\nsums %+v", live.Apps, summed.Apps)
		}
		var received, decided, escalated, issued, held int64
		row := func(q string, dst *int64) {
			if err := d.QueryRowContext(w.Ctx, q, w.t.ID).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		row(`SELECT COUNT(*) FROM applications WHERE tenant_id = ?`, &received)
		row(`SELECT COUNT(*) FROM applications WHERE tenant_id = ? AND decided_at IS NOT NULL`, &decided)
		row(`SELECT COUNT(*) FROM application_events WHERE tenant_id = ? AND action = 'escalate'`, &escalated)
		row(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ? AND status <> 'transferred'`, &issued)
		row(`SELECT COUNT(*) FROM calls WHERE tenant_id = ?`, &held)
		var summedRows int64
		row(`SELECT COALESCE(SUM(received), 0) FROM stats_app_days WHERE tenant_id = ?`, &summedRows)
		if summedRows > received {
			t.Errorf("the daily sums count %d received, more than the %d rows: a day summed twice", summedRows, received)
		}
		if a := summed.Apps; a.Received != received || a.Decided != decided || a.Escalations != escalated {
			t.Errorf("applications %+v, rows: received %d decided %d escalated %d", a, received, decided, escalated)
		}
		if summed.Tickets.Issued != issued || summed.Calls.Held != held {
			t.Errorf("issued %d held %d, rows %d and %d", summed.Tickets.Issued, summed.Calls.Held, issued, held)
		}
		sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
		exact := waits[(len(waits)+1)/2-1] // nearest rank
		if med, ok := summed.Tickets.Wait.Quantile(0.5); !ok || !near(med, exact) {
			t.Errorf("median wait %v, exact %v", med, exact)
		}
		// Rebuild gives the same again.
		if _, err := w.st.Rebuild(w.Ctx, w.t); err != nil {
			t.Fatal(err)
		}
		again, err := w.st.Read(w.Ctx, w.t, f)
		if err != nil {
			t.Fatal(err)
		}
		again.Through = ""
		if !reflect.DeepEqual(summed, again) {
			t.Error("figures after a rebuild differ")
		}
	})
}
