package counter

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

func validCounter() Counter {
	return Counter{Code: "ktp-el", Names: map[string]string{"id": " Loket KTP-el ", "ja": "電子KTP窓口", "en": "e-KTP counter"},
		SlotMinutes: 20, BufferAfter: 5, Capacity: 2, Active: true}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*Counter, *[]Hours)
		field  string
		code   string
	}{
		{"bad code", func(c *Counter, _ *[]Hours) { c.Code = "a b" }, "code", "error.counter.code"},
		{"code too short", func(c *Counter, _ *[]Hours) { c.Code = "K" }, "code", "error.counter.code"},
		{"code too long", func(c *Counter, _ *[]Hours) { c.Code = "ABCDEFGHIJKLMNOPQRSTU" }, "code", "error.counter.code"},
		{"missing Japanese name", func(c *Counter, _ *[]Hours) { c.Names["ja"] = "  " }, "name_ja", "error.counter.name"},
		{"names missing", func(c *Counter, _ *[]Hours) { c.Names = nil }, "name_id", "error.counter.name"},
		{"slot too short", func(c *Counter, _ *[]Hours) { c.SlotMinutes = 4 }, "slot_minutes", "error.counter.slot"},
		{"slot too long", func(c *Counter, _ *[]Hours) { c.SlotMinutes = 241 }, "slot_minutes", "error.counter.slot"},
		{"negative buffer", func(c *Counter, _ *[]Hours) { c.BufferBefore = -1 }, "buffer_before", "error.counter.buffer"},
		{"buffer too long", func(c *Counter, _ *[]Hours) { c.BufferAfter = 121 }, "buffer_after", "error.counter.buffer"},
		{"capacity 0", func(c *Counter, _ *[]Hours) { c.Capacity = 0 }, "capacity", "error.counter.capacity"},
		{"capacity 21", func(c *Counter, _ *[]Hours) { c.Capacity = 21 }, "capacity", "error.counter.capacity"},
		{"overlapping hours", func(_ *Counter, p *[]Hours) {
			*p = append(*p, Hours{time.Tuesday, hm(11, 30), hm(13, 0)})
		}, "plan", "error.counter.overlap"},
		{"hours inside other hours", func(_ *Counter, p *[]Hours) {
			*p = []Hours{{time.Monday, hm(8, 0), hm(16, 0)}, {time.Monday, hm(9, 0), hm(10, 0)}, {time.Monday, hm(11, 0), hm(12, 0)}}
		}, "plan", "error.counter.overlap"},
		{"end before start", func(_ *Counter, p *[]Hours) {
			*p = append(*p, Hours{time.Saturday, hm(12, 0), hm(9, 0)})
		}, "plan", "error.counter.hours"},
		{"past midnight", func(_ *Counter, p *[]Hours) {
			*p = append(*p, Hours{time.Saturday, hm(20, 0), hm(24, 1)})
		}, "plan", "error.counter.hours"},
		{"no such weekday", func(_ *Counter, p *[]Hours) {
			*p = append(*p, Hours{time.Weekday(7), hm(9, 0), hm(10, 0)})
		}, "plan", "error.counter.hours"},
	}
	for _, c := range cases {
		ctr, plan := validCounter(), weekdays(hm(9, 0), hm(12, 0))
		c.change(&ctr, &plan)
		errs := Validate(&ctr, plan)
		p, ok := errs.For(c.field)
		if !ok || p.Code != c.code {
			t.Errorf("%s: %v, want %s on %s", c.name, errs, c.code, c.field)
		}
	}
	ok, plan := validCounter(), weekdays(hm(9, 0), hm(12, 0))
	// Hours that touch do not overlap; Saturday may run to midnight.
	plan = append(plan, Hours{time.Monday, hm(12, 0), hm(15, 0)}, Hours{time.Saturday, hm(20, 0), hm(24, 0)})
	if errs := Validate(&ok, plan); len(errs) != 0 {
		t.Fatalf("valid counter refused: %v", errs)
	}
	if ok.Code != "KTP-EL" || ok.Names["id"] != "Loket KTP-el" {
		t.Errorf("not normalised: %q %q", ok.Code, ok.Names["id"])
	}
}

func TestCounterName(t *testing.T) {
	t.Parallel()
	c := Counter{Code: "X1", Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"}}
	for lang, want := range map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter", "fr": "Counter"} {
		if got := c.Name(lang); got != want {
			t.Errorf("Name(%s) = %q, want %q", lang, got, want)
		}
	}
	if got := (Counter{Code: "X1", Names: map[string]string{"ja": "窓口"}}).Name("id"); got != "窓口" {
		t.Errorf("fallback: %q", got)
	}
}

func TestSaveGetListPlanOfficers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.tenants["banyuwangi"].ID
		o1, o2 := e.user(t), e.user(t)
		admin := as(e.user(t))
		plan := []Hours{{time.Friday, hm(13, 0), hm(15, 0)}, {time.Monday, hm(8, 0), hm(12, 0)}}
		c, err := e.st.Save(e.ctx, admin, tn, validCounter(), plan, []ids.User{o1, o2, o1})
		if err != nil {
			t.Fatal(err)
		}
		if !db.ValidID(string(c.ID)) || c.Code != "KTP-EL" || c.TenantID != tn || !c.CreatedAt.Equal(start) {
			t.Fatalf("saved %+v", c)
		}
		got, err := e.st.Get(e.ctx, tn, c.ID)
		if err != nil || got.Names["ja"] != "電子KTP窓口" || got.Names["id"] != "Loket KTP-el" || got.SlotMinutes != 20 ||
			got.BufferAfter != 5 || got.Capacity != 2 || !got.Active || !got.CreatedAt.Equal(start) {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		if p, _ := e.st.Plan(e.ctx, c.ID); !slices.Equal(p, []Hours{plan[1], plan[0]}) {
			t.Errorf("Plan = %v", p)
		}
		want := []ids.User{o1, o2}
		slices.Sort(want)
		if o, _ := e.st.Officers(e.ctx, c.ID); !slices.Equal(o, want) {
			t.Errorf("Officers = %v, want %v (deduplicated)", o, want)
		}

		// Saving the same code again updates that counter and replaces its
		// plan and officers.
		e.clk.Advance(time.Hour)
		again := validCounter()
		again.Capacity, again.Active = 3, false
		updated, err := e.st.Save(e.ctx, admin, tn, again, weekdays(hm(9, 0), hm(11, 0)), []ids.User{o2})
		if err != nil || updated.ID != c.ID || !updated.CreatedAt.Equal(start) || !updated.UpdatedAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("update by code = %+v, %v", updated, err)
		}
		if p, _ := e.st.Plan(e.ctx, c.ID); len(p) != 5 || p[0] != (Hours{time.Monday, hm(9, 0), hm(11, 0)}) {
			t.Errorf("plan not replaced: %v", p)
		}
		if o, _ := e.st.Officers(e.ctx, c.ID); !slices.Equal(o, []ids.User{o2}) {
			t.Errorf("officers not replaced: %v", o)
		}

		// Saving by ID may change the code, but not to another counter's.
		other := e.counter(t, "banyuwangi", func(c *Counter) { c.Code = "BPJS" }, nil)
		renamed := updated
		renamed.Code = "KTP"
		if r, err := e.st.Save(e.ctx, admin, tn, renamed, nil, nil); err != nil || r.ID != c.ID || r.Code != "KTP" {
			t.Fatalf("rename = %+v, %v", r, err)
		}
		renamed.Code = "bpjs"
		_, err = e.st.Save(e.ctx, admin, tn, renamed, nil, nil)
		if ve, ok := errors.AsType[validation.Errors](err); !ok || ve[0].Code != "error.counter.code_taken" {
			t.Errorf("rename onto BPJS: %v", err)
		}
		// Another tenant cannot save over this tenant's counter by ID.
		if _, err := e.st.Save(e.ctx, admin, e.tenants["fukuoka"].ID, renamed, nil, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("save by another tenant: %v", err)
		}
		// Officers must be user IDs.
		_, err = e.st.Save(e.ctx, admin, tn, validCounter(), nil, []ids.User{"bob"})
		if ve, ok := errors.AsType[validation.Errors](err); !ok || ve[0].Code != "error.counter.officer" {
			t.Errorf("bad officer: %v", err)
		}
		// Invalid input reaches the store as validation.Errors too.
		bad := validCounter()
		bad.Capacity = 0
		if _, err := e.st.Save(e.ctx, admin, tn, bad, nil, nil); !isCode(err, "error.counter.capacity") {
			t.Errorf("capacity 0 saved: %v", err)
		}

		all, _ := e.st.List(e.ctx, tn, false)
		active, _ := e.st.List(e.ctx, tn, true)
		if len(all) != 2 || all[0].Code != "BPJS" || all[1].Code != "KTP" || len(active) != 1 || active[0].ID != other.ID {
			t.Errorf("List: all %v, active %v", all, active)
		}
		if n := e.auditIntact(t); n < 4 {
			t.Errorf("audit entries %d", n)
		}
	})
}

func isCode(err error, code string) bool {
	ve, ok := errors.AsType[validation.Errors](err)
	if !ok {
		return false
	}
	return slices.ContainsFunc(ve, func(p validation.Problem) bool { return p.Code == code })
}

func TestExceptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.tenants["fukuoka"].ID
		c := e.counter(t, "fukuoka", nil, nil)
		for _, bad := range []struct {
			ex   Exception
			code string
		}{
			{Exception{Day: "2026-02-30", Closed: true}, "error.counter.day"},
			{Exception{Day: "21/11/2026", Closed: true}, "error.counter.day"},
			{Exception{Day: "2026-11-21", Start: hm(11, 0), End: hm(10, 0)}, "error.counter.hours"},
			{Exception{Day: "2026-11-21"}, "error.counter.hours"},
		} {
			if err := e.st.SetException(e.ctx, audit.System, tn, c.ID, bad.ex); !isCode(err, bad.code) {
				t.Errorf("SetException(%+v) = %v, want %s", bad.ex, err, bad.code)
			}
		}
		exception(t, e, "fukuoka", c, Exception{Day: "2026-12-29", Closed: true, Note: "年末"})
		exception(t, e, "fukuoka", c, Exception{Day: "2026-11-21", Start: hm(10, 0), End: hm(12, 0)})
		exception(t, e, "fukuoka", c, Exception{Day: "2026-11-21", Start: hm(13, 0), End: hm(15, 0), Note: " 土曜開庁 "})
		got, err := e.st.Exceptions(e.ctx, c.ID, "")
		want := []Exception{{"2026-11-21", false, hm(13, 0), hm(15, 0), "土曜開庁"}, {"2026-12-29", true, 0, 0, "年末"}}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("Exceptions = %v, %v; want %v", got, err, want)
		}
		if err := e.st.RemoveException(e.ctx, audit.System, tn, c.ID, "2026-11-21"); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.st.Exceptions(e.ctx, c.ID, "2026-01-01"); len(got) != 1 || got[0].Day != "2026-12-29" {
			t.Errorf("after remove: %v", got)
		}
		if err := e.st.SetException(e.ctx, audit.System, e.tenants["neyagawa"].ID, c.ID,
			Exception{Day: "2026-11-24", Closed: true}); !errors.Is(err, ErrNotFound) {
			t.Errorf("another tenant's counter: %v", err)
		}
		e.auditIntact(t)
	})
}

// TestTenantIsolation: a counter or appointment ID of another tenant is
// unknown, however it is used.
func TestTenantIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mine := e.counter(t, "fukuoka", nil, nil)
		other := e.tenants["neyagawa"]
		resident := e.user(t)
		at := e.at("fukuoka", "2026-11-17", 9, 0)
		a := e.mustBook(t, "fukuoka", mine, string(resident), at)

		for _, id := range []string{string(mine.ID), "not-an-id", "", "00000000-0000-0000-0000-000000000000"} {
			if _, err := e.st.Get(e.ctx, other.ID, ids.Counter(id)); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(%q) from another tenant = %v", id, err)
			}
			if _, err := e.st.Book(e.ctx, as(resident), other, ids.Counter(id), resident, at, ""); !errors.Is(err, ErrNotFound) {
				t.Errorf("Book(%q) from another tenant = %v", id, err)
			}
		}
		if _, err := e.st.Slots(e.ctx, other, mine.ID, at, at); !errors.Is(err, ErrNotFound) {
			t.Errorf("Slots from another tenant = %v", err)
		}
		if _, err := e.st.ForCounterDay(e.ctx, other, mine.ID, at); !errors.Is(err, ErrNotFound) {
			t.Errorf("ForCounterDay from another tenant = %v", err)
		}
		if err := e.st.Cancel(e.ctx, audit.System, other.ID, a.ID, "", true); !errors.Is(err, ErrNotFound) {
			t.Errorf("Cancel from another tenant = %v", err)
		}
		if _, err := e.st.Reschedule(e.ctx, audit.System, other, a.ID, "", true, at.Add(time.Hour)); !errors.Is(err, ErrNotFound) {
			t.Errorf("Reschedule from another tenant = %v", err)
		}
		if err := e.st.MarkNoShow(e.ctx, audit.System, other.ID, a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkNoShow from another tenant = %v", err)
		}
		if got, _ := e.st.Mine(e.ctx, other.ID, resident); len(got) != 0 {
			t.Errorf("Mine in another tenant: %v", got)
		}
		if got, _ := e.st.List(e.ctx, other.ID, false); len(got) != 0 {
			t.Errorf("List of another tenant: %v", got)
		}
		if got, err := e.st.Appointment(e.ctx, e.tenants["fukuoka"].ID, a.ID); err != nil || got.Status != Booked {
			t.Errorf("appointment touched: %+v, %v", got, err)
		}
	})
}
