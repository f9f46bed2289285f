package sandbox_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/sandbox"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/testenv"
	"github.com/serambi/serambi/internal/workflow"
)

// world is a real tenant with one published and one draft service and an
// open counter, and the stores the sandbox works with.
type world struct {
	env      *testenv.Env
	real     tenant.Tenant
	catalog  *catalog.Store
	counters *counter.Store
	docs     *document.Store
	apps     *application.Service
	queue    *queue.Store
	sandbox  *sandbox.Service
	cal      *calendar.Store
	officer  audit.Actor
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	env := testenv.New(t, d)
	storage, err := document.NewLocalStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.NewStore(d)
	w := &world{env: env, real: env.Tenants["fukuoka"], catalog: catalog.NewStore(d, env.Clock),
		counters: counter.NewStore(d, env.Clock, cal), docs: document.NewStore(d, storage, env.Clock),
		apps: application.NewService(d, env.Clock, cal, env.Regions), queue: queue.NewStore(d, env.Clock)}
	w.cal = cal
	w.sandbox = sandbox.New(d, env.Clock, env.TenantStore, w.catalog, w.counters, w.docs, cal)
	w.officer = env.User(t, "officer")
	for _, s := range []struct {
		file      string
		published bool
	}{{"japan-juminhyo.json", true}, {"japan-inkan.json", false}} {
		svc := demoService(t, s.file)
		svc.Published = s.published
		if _, err := w.catalog.Save(env.Ctx, audit.System, w.real.ID, svc); err != nil {
			t.Fatal(err)
		}
	}
	c := counter.Counter{Code: "MADO", Names: map[string]string{"id": "Loket", "ja": "窓口", "en": "Counter"},
		SlotMinutes: 20, Capacity: 1, Active: true}
	plan := []counter.Hours{{Weekday: time.Monday, Start: 540, End: 720}, {Weekday: time.Thursday, Start: 780, End: 1020}}
	if _, err := w.counters.Save(env.Ctx, audit.System, w.real.ID, c, plan, []ids.User{w.officer.ID}); err != nil {
		t.Fatal(err)
	}
	return w
}

func demoService(t *testing.T, file string) catalog.Service {
	t.Helper()
	raw, err := os.ReadFile("../app/demodata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := catalog.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	svc.Workflow = workflow.Standard()
	return svc
}

// practise does in tenant t what a learner does: a submitted application
// with a file, a ticket at the first counter; it returns the file.
func (w *world) practise(t *testing.T, tn tenant.Tenant, learner audit.Actor) (application.Application, document.Document) {
	t.Helper()
	ctx := w.env.Ctx
	svc, err := w.catalog.ByCode(ctx, tn.ID, "JUMINHYO")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := w.docs.Save(ctx, learner, document.Upload{TenantID: tn.ID, OwnerID: learner.ID, Requirement: "id_card",
		Filename: "card.pdf"}, strings.NewReader("%PDF-1.4\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.apps.Create(ctx, application.Caller{Actor: learner, Roles: []string{"resident"}}, tn, svc, application.Draft{
		ApplicantID: learner.ID, Lang: "ja", Submit: true,
		Answers: form.Answers{"copies": 1.0, "household": false, "mynumber": false, "purpose": "work", "delivery": "counter"},
		Attach: func(ctx context.Context, tx *db.Tx, id ids.Application) error {
			return w.docs.Attach(ctx, tx, tn.ID, doc.ID, learner.ID, id)
		}})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := w.counters.List(ctx, tn.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("counters of %s: %v", tn.Slug, err)
	}
	if _, err := w.queue.Take(ctx, learner, tn, cs[0].ID, learner.ID, "web", ""); err != nil {
		t.Fatal(err)
	}
	return a, doc
}

// Entering practice makes a hidden twin with the published services and
// open counters (no officers), keeps it in step with the real tenant
// without rewriting what did not change, and gives it numbers of its own.
func TestEnterCopiesWhatResidentsSee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := w.env.Ctx
		learner := w.env.User(t, "learner")
		closed := calendar.Day{Date: "2026-12-29", Kind: calendar.Holiday, Name: "年末年始休業"}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return w.cal.Set(ctx, tx, w.real.ID, closed) }); err != nil {
			t.Fatal(err)
		}
		twin, err := w.sandbox.Enter(ctx, learner, w.real)
		if err != nil {
			t.Fatal(err)
		}
		if days, err := w.cal.Changes(ctx, twin.ID); err != nil || len(days) != 1 || days[0] != closed {
			t.Fatalf("the twin's calendar (the city's own closed days): %+v %v", days, err)
		}
		if !twin.IsPractice() || twin.PracticeOf != w.real.ID || twin.Slug != "fukuoka-practice" || twin.RealSlug() != "fukuoka" ||
			twin.NameJA != w.real.NameJA || twin.TimeZone != w.real.TimeZone || !twin.QueueWhileClosed {
			t.Fatalf("twin: %+v", twin)
		}
		svcs, err := w.catalog.List(ctx, twin.ID, false)
		if err != nil || len(svcs) != 1 || svcs[0].Code != "JUMINHYO" || !svcs[0].Published {
			t.Fatalf("twin services (only the published one): %+v %v", svcs, err)
		}
		cs, err := w.counters.List(ctx, twin.ID, false)
		if err != nil || len(cs) != 1 || cs[0].Code != "MADO" || cs[0].Names["ja"] != "窓口" {
			t.Fatalf("twin counters: %+v %v", cs, err)
		}
		if plan, _ := w.counters.Plan(ctx, cs[0].ID); len(plan) != 2 || plan[1].Start != 780 {
			t.Fatalf("twin plan: %+v", plan)
		}
		if officers, _ := w.counters.Officers(ctx, cs[0].ID); len(officers) != 0 {
			t.Fatalf("a practice counter has officers: %v", officers)
		}
		// Never listed, never found by a search, never edited.
		listed, _ := w.env.TenantStore.List(ctx, false)
		found, _ := w.env.TenantStore.Search(ctx, "fukuoka")
		for _, tn := range append(listed, found...) {
			if tn.IsPractice() {
				t.Fatalf("a twin is listed: %s", tn.Slug)
			}
		}
		if _, err := w.env.TenantStore.Update(ctx, audit.System, twin.Slug, tenant.Input{}); !errors.Is(err, tenant.ErrNotFound) {
			t.Fatalf("twin edited: %v", err)
		}
		if _, err := w.env.TenantStore.Create(ctx, audit.System, tenant.Input{Slug: "kyoto-practice", RegionCode: "261009"}); err == nil {
			t.Fatal("a real tenant took a practice slug")
		}
		// Entering again changes nothing; a service the city withdraws
		// leaves practice too, and a new name reaches the twin.
		before := auditCount(t, d, twin.ID)
		if again, err := w.sandbox.Enter(ctx, learner, w.real); err != nil || again.ID != twin.ID {
			t.Fatalf("enter again: %v", err)
		}
		if n := auditCount(t, d, twin.ID); n != before {
			t.Fatalf("entering again wrote %d audit entries", n-before)
		}
		svc, _ := w.catalog.ByCode(ctx, w.real.ID, "JUMINHYO")
		svc.Published = false
		if _, err := w.catalog.Save(ctx, audit.System, w.real.ID, svc); err != nil {
			t.Fatal(err)
		}
		if _, err := w.env.TenantStore.Update(ctx, audit.System, w.real.Slug, tenant.Input{NameJA: "新しい福岡市", NameEN: w.real.NameEN,
			NameID: w.real.NameID, TrackingPrefix: w.real.TrackingPrefix}); err != nil {
			t.Fatal(err)
		}
		real, _ := w.env.TenantStore.BySlug(ctx, w.real.Slug)
		twin, err = w.sandbox.Enter(ctx, learner, real)
		if err != nil || twin.NameJA != "新しい福岡市" {
			t.Fatalf("renamed twin: %q %v", twin.NameJA, err)
		}
		if published, _ := w.catalog.List(ctx, twin.ID, true); len(published) != 0 {
			t.Fatalf("a withdrawn service is still practised: %d", len(published))
		}
		// A suspended tenant's twin is suspended with it, and practice
		// cannot be opened.
		if _, err := w.env.TenantStore.SetStatus(ctx, audit.System, real.Slug, tenant.Suspended); err != nil {
			t.Fatal(err)
		}
		if tw, _ := w.env.TenantStore.BySlug(ctx, twin.Slug); tw.IsActive() {
			t.Fatal("the twin of a suspended tenant is active")
		}
		real, _ = w.env.TenantStore.BySlug(ctx, w.real.Slug)
		if _, err := w.sandbox.Enter(ctx, learner, real); !errors.Is(err, tenant.ErrNotFound) {
			t.Fatalf("practice opened in a suspended tenant: %v", err)
		}
	})
}

func auditCount(t *testing.T, d *db.DB, tenantID ids.Tenant) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?", tenantID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Practice numbers come from the twin's own sequence and can never be a
// real number; the real tenant's first number is still its first.
func TestPracticeNumbersAreApart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		learner := w.env.User(t, "learner")
		twin, err := w.sandbox.Enter(w.env.Ctx, learner, w.real)
		if err != nil {
			t.Fatal(err)
		}
		practice, _ := w.practise(t, twin, learner)
		real, _ := w.practise(t, w.real, learner)
		year := w.env.Clock.Now().In(w.real.Location()).Format("2006")
		if practice.TrackingNumber != "FUK-RENSHU-"+year+"-000001" || real.TrackingNumber != "FUK-"+year+"-000001" {
			t.Fatalf("numbers: practice %q, real %q", practice.TrackingNumber, real.TrackingNumber)
		}
	})
}

// The sweep leaves nothing a learner made in a twin after sandbox.Keep
// (files with their bytes), keeps what is younger, and does not touch
// the real tenant. Every table with a tenant_id is checked, so a table
// added later that practice can fill fails here until it is swept.
func TestSweepEmptiesTwins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := w.env.Ctx
		learner := w.env.User(t, "learner")
		twin, err := w.sandbox.Enter(ctx, learner, w.real)
		if err != nil {
			t.Fatal(err)
		}
		w.practise(t, w.real, learner)
		_, oldDoc := w.practise(t, twin, learner)
		realRows := dbtest.TenantRows(t, d, string(w.real.ID))

		w.env.Clock.Advance(sandbox.Keep - time.Minute)
		if n, err := w.sandbox.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("swept before its time: %d %v", n, err)
		}
		w.env.Clock.Advance(2 * time.Minute)
		young, _ := w.practise(t, twin, learner) // made just now: stays
		n, err := w.sandbox.Sweep(ctx)
		if err != nil || n != 3 { // the old file, application and ticket
			t.Fatalf("sweep: %d %v", n, err)
		}
		if _, err := w.docs.Open(ctx, oldDoc); err == nil {
			t.Fatal("a swept file's bytes are still stored")
		}
		if _, err := w.apps.Get(ctx, twin.ID, young.ID); err != nil {
			t.Fatalf("a young practice application went: %v", err)
		}
		w.env.Clock.Advance(sandbox.Keep + time.Minute)
		if _, err := w.sandbox.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		stays := []string{"audit_log", "services", "counters", "tracking_sequences", "tenant_calendar"}
		for table, rows := range dbtest.TenantRows(t, d, string(twin.ID)) {
			if rows != "" && !slices.Contains(stays, table) {
				t.Errorf("after the sweep the twin still has rows in %s:\n%s", table, rows)
			}
		}
		if after := dbtest.TenantRows(t, d, string(w.real.ID)); !equalRows(realRows, after) {
			t.Error("the sweep changed the real tenant")
		}
	})
}

func equalRows(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// "I have finished" deletes that learner's practice only, at once; it
// never works on a real tenant.
func TestFinishDeletesOnlyTheLearnersPractice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := w.env.Ctx
		one, two := w.env.User(t, "learner"), w.env.User(t, "learner")
		twin, err := w.sandbox.Enter(ctx, one, w.real)
		if err != nil {
			t.Fatal(err)
		}
		mine, _ := w.practise(t, twin, one)
		theirs, _ := w.practise(t, twin, two)
		if n, err := w.sandbox.Finish(ctx, twin, one.ID); err != nil || n != 3 {
			t.Fatalf("finish: %d %v", n, err)
		}
		if _, err := w.apps.Get(ctx, twin.ID, mine.ID); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("the learner's practice stayed: %v", err)
		}
		if _, err := w.apps.Get(ctx, twin.ID, theirs.ID); err != nil {
			t.Fatalf("another learner's practice went: %v", err)
		}
		if _, err := w.sandbox.Finish(ctx, w.real, one.ID); !errors.Is(err, tenant.ErrNotFound) {
			t.Fatalf("finish on a real tenant: %v", err)
		}
	})
}
