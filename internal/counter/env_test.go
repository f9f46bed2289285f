package counter

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/testenv"
)

// start is "now" in these tests: Friday 13 November 2026, 12:00 in Japan,
// 10:00 in Jakarta, 12:00 in Jayapura.
var start = testenv.Start

// Tenants beyond the shared two, by slug: region code and zone.
var moreTenants = map[string]string{
	"neyagawa": "272159", // Asia/Tokyo
	"jayapura": "91.71",  // Asia/Jayapura (WIT, UTC+9)
}

type env struct {
	*testenv.Env
	ctx     context.Context
	d       *db.DB
	clk     *clock.Fixed
	cal     *calendar.Store
	st      *Store
	tenants map[string]tenant.Tenant
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	w := testenv.New(t, d)
	for slug, code := range moreTenants {
		w.Tenant(t, tenant.Input{Slug: slug, RegionCode: code})
	}
	e := &env{Env: w, ctx: w.Ctx, d: d, clk: w.Clock, cal: calendar.NewStore(d), tenants: w.Tenants}
	e.st = NewStore(d, w.Clock, e.cal)
	return e
}

// setClock moves the test clock to at (backwards too).
func (e *env) setClock(at time.Time) { e.clk.Advance(at.Sub(e.clk.Now())) }

// user inserts a minimal account and returns its ID.
func (e *env) user(t *testing.T) ids.User {
	t.Helper()
	return e.User(t, "user").ID
}

// as is the actor of a user.
func as(userID ids.User) audit.Actor {
	return audit.Actor{ID: userID, Label: string(userID), IP: "192.0.2.1"}
}

// weekdays opens Monday to Friday from start to end (minutes).
func weekdays(start, end int) []Hours {
	var plan []Hours
	for d := time.Monday; d <= time.Friday; d++ {
		plan = append(plan, Hours{Weekday: d, Start: start, End: end})
	}
	return plan
}

func hm(h, m int) int { return h*60 + m }

// counter saves an active counter in slug: 30-minute slots, one seat,
// weekdays 09:00–12:00, changed by mod.
func (e *env) counter(t testing.TB, slug string, mod func(*Counter), plan []Hours) Counter {
	t.Helper()
	c := Counter{Code: fmt.Sprintf("C-%d", e.Next()), Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"},
		SlotMinutes: 30, Capacity: 1, Active: true}
	if mod != nil {
		mod(&c)
	}
	if plan == nil {
		plan = weekdays(hm(9, 0), hm(12, 0))
	}
	saved, err := e.st.Save(e.ctx, audit.System, e.tenants[slug].ID, c, plan, nil)
	if err != nil {
		t.Fatalf("save counter: %v", err)
	}
	return saved
}

// at is a local wall time in slug's zone.
func (e *env) at(slug, day string, h, m int) time.Time {
	loc := e.tenants[slug].Location()
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
}

func (e *env) book(t *testing.T, slug string, c Counter, resident string, at time.Time) (Appointment, error) {
	t.Helper()
	return e.st.Book(e.ctx, as(ids.User(resident)), e.tenants[slug], c.ID, ids.User(resident), at, "")
}

func (e *env) mustBook(t *testing.T, slug string, c Counter, resident string, at time.Time) Appointment {
	t.Helper()
	a, err := e.book(t, slug, c, resident, at)
	if err != nil {
		t.Fatalf("book %s at %v: %v", c.Code, at, err)
	}
	return a
}

// auditIntact fails t unless the audit chain verifies.
func (e *env) auditIntact(t *testing.T) int64 {
	t.Helper()
	n, p, err := audit.Verify(e.ctx, e.d)
	if err != nil || p != nil {
		t.Fatalf("audit chain: %v %v", p, err)
	}
	return n
}
