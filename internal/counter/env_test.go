package counter

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
)

// start is "now" in these tests: Friday 13 November 2026, 12:00 in Japan,
// 10:00 in Jakarta, 12:00 in Jayapura.
var start = time.Date(2026, 11, 13, 3, 0, 0, 0, time.UTC)

var regions = sync.OnceValues(region.Load)

// Tenants of the tests, by slug: region code and zone.
var tenantRegions = map[string]string{
	"fukuoka":    "401307", // Asia/Tokyo
	"neyagawa":   "272159", // Asia/Tokyo
	"banyuwangi": "35.10",  // Asia/Jakarta (WIB, UTC+7)
	"jayapura":   "91.71",  // Asia/Jayapura (WIT, UTC+9)
}

type env struct {
	ctx     context.Context
	d       *db.DB
	clk     *clock.Fixed
	cal     *calendar.Store
	st      *Store
	tenants map[string]tenant.Tenant
	users   int
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	dir, err := regions()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(start)
	svc := tenant.NewService(d, dir, clk)
	e := &env{ctx: ctx, d: d, clk: clk, cal: calendar.NewStore(d), tenants: map[string]tenant.Tenant{}}
	e.st = NewStore(d, clk, e.cal)
	for slug, code := range tenantRegions {
		tn, err := svc.Create(ctx, audit.System, tenant.Input{Slug: slug, RegionCode: code})
		if err != nil {
			t.Fatalf("tenant %s: %v", slug, err)
		}
		e.tenants[slug] = tn
	}
	return e
}

// setClock moves the test clock to at (backwards too).
func (e *env) setClock(at time.Time) { e.clk.Advance(at.Sub(e.clk.Now())) }

// user inserts a minimal account and returns its ID.
func (e *env) user(t *testing.T) string {
	t.Helper()
	e.users++
	id := db.NewID()
	now := e.clk.Now()
	if _, err := e.d.ExecContext(e.ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, '', ?, ?)`, id, fmt.Sprintf("user-%d@example.id", e.users), "User", now, now); err != nil {
		t.Fatalf("insert user: %v", err)
	}
	return id
}

// as is the actor of a user.
func as(userID string) audit.Actor { return audit.Actor{ID: userID, Label: userID, IP: "192.0.2.1"} }

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
	e.users++
	c := Counter{Code: fmt.Sprintf("C-%d", e.users), Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"},
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
	return e.st.Book(e.ctx, as(resident), e.tenants[slug], c.ID, resident, at, "")
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
