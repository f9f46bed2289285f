package application_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Jakarta must exist on hosts without tzdata

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/testenv"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/workflow"
)

// Store tests for the application service, run on SQLite and PostgreSQL by
// dbtest.Each. They use the real KIA service of the Banyuwangi demo with the
// standard workflow, and a fixed clock starting on Tuesday 24 November 2026,
// 09:00 in Banyuwangi (WIB, UTC+7).

var t0 = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)

// regionLookup adapts the directory to what NIK validation needs (as the
// app package does).
type regionLookup struct{ d *region.Directory }

func (r regionLookup) Exists(code string) bool {
	_, ok := r.d.Get(code)
	return ok
}

type env struct {
	*testenv.Env
	ctx     context.Context
	d       *db.DB
	clk     *clock.Fixed
	apps    *application.Service
	cal     *calendar.Store
	tenants *tenant.Service
	catalog *catalog.Store
}

// site is one tenant with its KIA service.
type site struct {
	tn  tenant.Tenant
	svc catalog.Service
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	w := testenv.Bare(t, d)
	w.Clock.Advance(t0.Sub(testenv.Start))
	cal := calendar.NewStore(d)
	return &env{
		Env: w, ctx: w.Ctx, d: d, clk: w.Clock, cal: cal,
		apps:    application.NewService(d, w.Clock, cal, regionLookup{w.Regions}),
		tenants: w.TenantStore,
		catalog: catalog.NewStore(d, w.Clock),
	}
}

// site creates a tenant and saves the demo KIA service into it with the
// standard workflow.
func (e *env) site(t *testing.T, slug, regionCode, prefix string) site {
	t.Helper()
	tn, err := e.tenants.Create(e.ctx, audit.System, tenant.Input{Slug: slug, RegionCode: regionCode, TrackingPrefix: prefix})
	if err != nil {
		t.Fatalf("create tenant %s: %v", slug, err)
	}
	if tn.Location().String() != "Asia/Jakarta" {
		t.Fatalf("tenant %s zone = %s, want Asia/Jakarta", slug, tn.Location())
	}
	raw, err := os.ReadFile("../app/demodata/banyuwangi-kia.json")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := catalog.Import(raw)
	if err != nil {
		t.Fatalf("import KIA: %v", err)
	}
	svc.Workflow = workflow.Standard()
	svc, err = e.catalog.Save(e.ctx, audit.System, tn.ID, svc)
	if err != nil {
		t.Fatalf("save KIA: %v", err)
	}
	return site{tn: tn, svc: svc}
}

// user inserts a minimal account and returns it as an audit actor.
func (e *env) user(t *testing.T, name string) audit.Actor {
	t.Helper()
	return e.User(t, name)
}

func residentOf(a audit.Actor) application.Caller {
	return application.Caller{Actor: a, Roles: []string{workflow.Resident}}
}

func officerOf(a audit.Actor) application.Caller {
	return application.Caller{Actor: a, Roles: []string{workflow.Officer}}
}

// complete answers every required field of the KIA form correctly.
func complete() form.Answers {
	return form.Answers{
		"child_name":   "Siti Aminah",
		"child_nik":    "3510015505200003", // Banyuwangi, girl born 15 May 2020
		"birth_date":   "2020-05-15",
		"parent_phone": "0812 3456 7890",
	}
}

func (e *env) setClock(at time.Time) { e.clk.Advance(at.Sub(e.clk.Now())) }

// submit creates and submits a complete application of applicant.
func (e *env) submit(t *testing.T, s site, applicant audit.Actor) application.Application {
	t.Helper()
	a, err := e.apps.Create(e.ctx, residentOf(applicant), s.tn, s.svc,
		application.Draft{ApplicantID: applicant.ID, Lang: "id", Answers: complete(), Submit: true})
	if err != nil {
		t.Fatalf("create+submit: %v", err)
	}
	return a
}

func (e *env) draft(t *testing.T, s site, applicant audit.Actor, answers form.Answers) application.Application {
	t.Helper()
	a, err := e.apps.Create(e.ctx, residentOf(applicant), s.tn, s.svc,
		application.Draft{ApplicantID: applicant.ID, Lang: "id", Answers: answers})
	if err != nil {
		t.Fatalf("create draft: %v", err)
	}
	return a
}

// act takes an action that must succeed, at the application's version.
func (e *env) act(t *testing.T, s site, c application.Caller, a application.Application, action, comment string) application.Application {
	t.Helper()
	got, err := e.apps.Act(e.ctx, c, s.tn, s.svc, a.ID, a.Version, action, comment)
	if err != nil {
		t.Fatalf("%s by %v: %v", action, c.Roles, err)
	}
	if got.Version != a.Version+1 {
		t.Fatalf("%s: version %d -> %d, want +1", action, a.Version, got.Version)
	}
	return got
}

func (e *env) get(t *testing.T, s site, id string) application.Application {
	t.Helper()
	a, err := e.apps.Get(e.ctx, s.tn.ID, ids.Application(id))
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return a
}

func (e *env) verifyAudit(t *testing.T) {
	t.Helper()
	n, problem, err := audit.Verify(e.ctx, e.d)
	if err != nil || problem != nil {
		t.Fatalf("audit chain after %d entries: problem %v, err %v", n, problem, err)
	}
}

func validationErrors(t *testing.T, err error) validation.Errors {
	t.Helper()
	var errs validation.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want validation.Errors", err)
	}
	return errs
}

func fields(errs validation.Errors) []string {
	var out []string
	for _, p := range errs {
		out = append(out, p.Field+":"+p.Code)
	}
	sort.Strings(out)
	return out
}

func numbersOf(apps []application.Application) []string {
	out := make([]string, len(apps))
	for i, a := range apps {
		out[i] = a.TrackingNumber
		if out[i] == "" {
			out[i] = string(a.ID)
		}
	}
	return out
}

func sameTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s = nil, want %s", what, want)
	}
	if !got.Equal(want) {
		t.Fatalf("%s = %s, want %s", what, got.UTC(), want.UTC())
	}
}

func TestDraftThenSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")

		// A draft may be incomplete...
		a := e.draft(t, s, siti, form.Answers{"child_name": "  Siti Aminah "})
		if a.State != "draft" || a.TrackingNumber != "" || a.Version != 1 || a.DueAt != nil || a.SubmittedAt != nil {
			t.Fatalf("draft = %+v", a)
		}
		if a.Answers["child_name"] != "Siti Aminah" {
			t.Fatalf("draft answers not cleaned: %#v", a.Answers)
		}
		stored := e.get(t, s, string(a.ID))
		if stored.State != "draft" || stored.TrackingNumber != "" || stored.ApplicantID != siti.ID || stored.Lang != "id" ||
			stored.Answers["child_name"] != "Siti Aminah" {
			t.Fatalf("stored draft = %+v", stored)
		}

		// ...but never malformed.
		_, err := e.apps.Create(e.ctx, residentOf(siti), s.tn, s.svc,
			application.Draft{ApplicantID: siti.ID, Lang: "id", Answers: form.Answers{"child_nik": "123"}})
		if got := fields(validationErrors(t, err)); !slices.Equal(got, []string{"child_nik:error.nik.format"}) {
			t.Fatalf("malformed draft problems = %v", got)
		}
		if mine, _ := e.apps.Mine(e.ctx, s.tn.ID, siti.ID); len(mine) != 1 {
			t.Fatalf("a refused draft was stored: %d applications", len(mine))
		}
		// SaveAnswers in a draft checks the shape too.
		if _, err := e.apps.SaveAnswers(e.ctx, residentOf(siti), s.tn, s.svc, a.ID, a.Version,
			form.Answers{"parent_phone": "12"}); len(validationErrors(t, err)) != 1 {
			t.Fatalf("malformed phone saved: %v", err)
		}

		// Submitting the incomplete draft is refused and changes nothing.
		_, err = e.apps.Act(e.ctx, residentOf(siti), s.tn, s.svc, a.ID, a.Version, "submit", "")
		want := []string{"birth_date:error.field.required", "child_nik:error.field.required", "parent_phone:error.field.required"}
		if got := fields(validationErrors(t, err)); !slices.Equal(got, want) {
			t.Fatalf("incomplete submit problems = %v, want %v", got, want)
		}
		if got := e.get(t, s, string(a.ID)); got.State != "draft" || got.Version != 1 || got.TrackingNumber != "" {
			t.Fatalf("after refused submit: %+v", got)
		}

		e.clk.Advance(time.Hour) // 10:00 WIB
		a, err = e.apps.SaveAnswers(e.ctx, residentOf(siti), s.tn, s.svc, a.ID, a.Version, complete())
		if err != nil || a.Version != 2 {
			t.Fatalf("SaveAnswers: version %d, %v", a.Version, err)
		}
		// A stale version is refused.
		if _, err := e.apps.Act(e.ctx, residentOf(siti), s.tn, s.svc, a.ID, 1, "submit", ""); !errors.Is(err, application.ErrConflict) {
			t.Fatalf("submit at stale version: %v, want ErrConflict", err)
		}

		e.clk.Advance(time.Hour) // 11:00 WIB
		submittedAt := e.clk.Now()
		a = e.act(t, s, residentOf(siti), a, "submit", "")
		if a.State != "submitted" || a.TrackingNumber != "BWI-2026-000001" {
			t.Fatalf("submitted = %s %q", a.State, a.TrackingNumber)
		}
		// 1 working day from Tuesday: the end of Wednesday 25 Nov in WIB.
		wantDue := time.Date(2026, 11, 26, 0, 0, 0, 0, s.tn.Location())
		if cal, err := e.cal.For(e.ctx, s.tn.ID, "ID", s.tn.Location()); err != nil || !cal.Due(submittedAt, 1).Equal(wantDue) {
			t.Fatalf("calendar disagrees on the due date: %v", err)
		}
		sameTime(t, "DueAt", a.DueAt, wantDue)
		sameTime(t, "SubmittedAt", a.SubmittedAt, submittedAt)
		if a.DecidedAt != nil || !a.StateSince.Equal(submittedAt) {
			t.Fatalf("submitted: decided %v, state since %s", a.DecidedAt, a.StateSince)
		}

		stored = e.get(t, s, string(a.ID))
		sameTime(t, "stored DueAt", stored.DueAt, wantDue)
		sameTime(t, "stored SubmittedAt", stored.SubmittedAt, submittedAt)
		if stored.State != "submitted" || stored.TrackingNumber != "BWI-2026-000001" || stored.Version != 3 ||
			stored.Answers["parent_phone"] != "081234567890" || stored.Answers["child_nik"] != "3510015505200003" {
			t.Fatalf("stored submitted = %+v", stored)
		}
		if got, err := e.apps.ByTrackingNumber(e.ctx, " bwi-2026-000001 "); err != nil || got.ID != a.ID {
			t.Fatalf("ByTrackingNumber: %v %v", got.ID, err)
		}

		events, err := e.apps.Timeline(e.ctx, s.tn.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 {
			t.Fatalf("timeline = %+v", events)
		}
		if ev := events[0]; ev.Action != "create" || ev.From != "" || ev.To != "draft" || ev.ActorID != siti.ID || !ev.At.Equal(t0) {
			t.Fatalf("event 0 = %+v", ev)
		}
		if ev := events[1]; ev.Action != "submit" || ev.From != "draft" || ev.To != "submitted" || ev.ActorID != siti.ID ||
			ev.ActorRole != workflow.Resident || !ev.At.Equal(submittedAt) {
			t.Fatalf("event 1 = %+v", ev)
		}

		e.verifyAudit(t)
		entries, err := audit.List(e.ctx, e.d, audit.Filter{TenantID: s.tn.ID, Action: "application."})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action+" "+en.Object)
			if en.ActorID != siti.ID {
				t.Fatalf("audit entry by %q, want %q", en.ActorID, siti.ID)
			}
		}
		wantActions := []string{"application.submit application:BWI-2026-000001", string("application.create application:" + a.ID)}
		if !slices.Equal(actions, wantActions) {
			t.Fatalf("audit = %v, want %v", actions, wantActions)
		}
	})
}

func TestTrackingNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")

		var got []string
		for range 3 {
			got = append(got, e.submit(t, s, siti).TrackingNumber)
			e.clk.Advance(time.Minute)
		}
		if want := []string{"BWI-2026-000001", "BWI-2026-000002", "BWI-2026-000003"}; !slices.Equal(got, want) {
			t.Fatalf("numbers = %v, want %v", got, want)
		}

		// Failed submissions use no number and leave nothing behind.
		bad := complete()
		bad["child_nik"] = "3510010000200003" // no such birth date
		if _, err := e.apps.Create(e.ctx, residentOf(siti), s.tn, s.svc,
			application.Draft{ApplicantID: siti.ID, Lang: "id", Answers: bad, Submit: true}); len(validationErrors(t, err)) == 0 {
			t.Fatal("invalid submission accepted")
		}
		if _, err := e.apps.Create(e.ctx, application.Caller{Actor: siti}, s.tn, s.svc,
			application.Draft{ApplicantID: siti.ID, Lang: "id", Answers: complete(), Submit: true}); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("submission without a role: %v, want ErrForbidden", err)
		}
		incomplete := e.draft(t, s, siti, form.Answers{"child_name": "Budi"})
		if _, err := e.apps.Act(e.ctx, residentOf(siti), s.tn, s.svc, incomplete.ID, incomplete.Version, "submit", ""); err == nil {
			t.Fatal("incomplete submission accepted")
		}
		if mine, _ := e.apps.Mine(e.ctx, s.tn.ID, siti.ID); len(mine) != 4 {
			t.Fatalf("after failed submissions: %d applications, want 3 + 1 draft", len(mine))
		}
		if n := e.submit(t, s, siti).TrackingNumber; n != "BWI-2026-000004" {
			t.Fatalf("after failed submissions: %s, want BWI-2026-000004", n)
		}

		// A new year starts again at 1.
		e.setClock(time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC))
		if n := e.submit(t, s, siti).TrackingNumber; n != "BWI-2027-000001" {
			t.Fatalf("in 2027: %s", n)
		}
		if n := e.submit(t, s, siti).TrackingNumber; n != "BWI-2027-000002" {
			t.Fatalf("in 2027: %s", n)
		}

		// The year is the tenant's: 31 Dec 2026 17:30 UTC is already 2027 in WIB.
		j := e.site(t, "jember", "35.09", "JMR")
		e.setClock(time.Date(2027, 12, 31, 16, 30, 0, 0, time.UTC)) // 23:30 WIB
		if n := e.submit(t, j, siti).TrackingNumber; n != "JMR-2027-000001" {
			t.Fatalf("31 Dec 23:30 WIB: %s", n)
		}
		e.setClock(time.Date(2027, 12, 31, 17, 30, 0, 0, time.UTC)) // 00:30 WIB on 1 Jan 2028
		if n := e.submit(t, j, siti).TrackingNumber; n != "JMR-2028-000001" {
			t.Fatalf("1 Jan 00:30 WIB: %s", n)
		}
		e.verifyAudit(t)
	})
}

// A submission that fails inside its transaction (here: its documents
// cannot be attached) leaves nothing behind. On PostgreSQL its number was
// taken just before the transaction, so that submissions do not queue on
// the tenant's counter, and the year's numbers show a gap there; SQLite
// takes it inside and stays gapless. Either way no number is used twice.
func TestSubmissionFailingInItsTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")
		if n := e.submit(t, s, siti).TrackingNumber; n != "BWI-2026-000001" {
			t.Fatalf("first: %s", n)
		}
		refused := errors.New("the upload store is full")
		_, err := e.apps.Create(e.ctx, residentOf(siti), s.tn, s.svc, application.Draft{ApplicantID: siti.ID, Lang: "id",
			Answers: complete(), Submit: true,
			Attach: func(context.Context, *db.Tx, ids.Application) error { return refused }})
		if !errors.Is(err, refused) {
			t.Fatalf("failing submission: %v", err)
		}
		if mine, _ := e.apps.Mine(e.ctx, s.tn.ID, siti.ID); len(mine) != 1 {
			t.Fatalf("%d applications after the failed submission, want 1", len(mine))
		}
		want := map[db.Dialect]string{db.SQLite: "BWI-2026-000002", db.Postgres: "BWI-2026-000003"}[d.Dialect()]
		if n := e.submit(t, s, siti).TrackingNumber; n != want {
			t.Fatalf("next number on %s: %s, want %s", d.Dialect(), n, want)
		}
		e.verifyAudit(t)
	})
}

// expectNumbers checks that got is exactly prefix-from..to, in any order.
func expectNumbers(t *testing.T, got []string, prefix string, from, to int) {
	t.Helper()
	sort.Strings(got)
	var want []string
	for n := from; n <= to; n++ {
		want = append(want, fmt.Sprintf("%s%06d", prefix, n))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("numbers = %v, want %v", got, want)
	}
}

func TestConcurrentSubmissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")

		run := func(n int, fn func(i int) (application.Application, error)) []string {
			start := make(chan struct{})
			numbers := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					a, err := fn(i)
					numbers[i], errs[i] = a.TrackingNumber, err
				})
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("concurrent submissions: %v", err)
			}
			return numbers
		}

		// 30 residents submitting new applications at once.
		got := run(30, func(int) (application.Application, error) {
			return e.apps.Create(e.ctx, residentOf(siti), s.tn, s.svc,
				application.Draft{ApplicantID: siti.ID, Lang: "id", Answers: complete(), Submit: true})
		})
		expectNumbers(t, got, "BWI-2026-", 1, 30)

		// Drafts submitted at the same time as new applications.
		var drafts []application.Application
		for range 10 {
			drafts = append(drafts, e.draft(t, s, siti, complete()))
		}
		got = run(20, func(i int) (application.Application, error) {
			if i%2 == 0 {
				a := drafts[i/2]
				return e.apps.Act(e.ctx, residentOf(siti), s.tn, s.svc, a.ID, a.Version, "submit", "")
			}
			return e.apps.Create(e.ctx, residentOf(siti), s.tn, s.svc,
				application.Draft{ApplicantID: siti.ID, Lang: "id", Answers: complete(), Submit: true})
		})
		expectNumbers(t, got, "BWI-2026-", 31, 50)
		e.verifyAudit(t)
	})
}

func TestWorkflowRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti, ani := e.user(t, "siti"), e.user(t, "ani")
		resident, officer := residentOf(siti), officerOf(ani)

		refuse := func(c application.Caller, a application.Application, action, comment string, want error) {
			t.Helper()
			if _, err := e.apps.Act(e.ctx, c, s.tn, s.svc, a.ID, a.Version, action, comment); !errors.Is(err, want) {
				t.Fatalf("%s by %v in %s: %v, want %v", action, c.Roles, a.State, err, want)
			}
			if got := e.get(t, s, string(a.ID)); got.Version != a.Version || got.State != a.State {
				t.Fatalf("refused %s changed the application: %+v", action, got)
			}
		}

		a := e.submit(t, s, siti)
		submittedAt := e.clk.Now()
		refuse(resident, a, "start_review", "", workflow.ErrForbidden)
		refuse(officer, a, "approve", "", workflow.ErrNotAllowed)
		refuse(officer, a, "no_such_action", "", workflow.ErrNotAllowed)
		refuse(officer, a, "send_back", " \n\t ", workflow.ErrCommentRequired)

		type step struct{ action, from, to, actor, role, comment string }
		var steps []step
		do := func(c application.Caller, action, comment string) {
			t.Helper()
			e.clk.Advance(time.Hour)
			from := a.State
			a = e.act(t, s, c, a, action, comment)
			if !a.StateSince.Equal(e.clk.Now()) {
				t.Fatalf("%s: state since %s, want now", action, a.StateSince)
			}
			steps = append(steps, step{action, from, a.State, string(c.Actor.ID), c.Roles[0], comment})
		}

		do(officer, "start_review", "") // Tue 10:00 WIB
		if a.State != "in_review" {
			t.Fatalf("state = %s", a.State)
		}
		// 3 working days from Tuesday: the end of Friday 27 Nov.
		sameTime(t, "in_review DueAt", a.DueAt, time.Date(2026, 11, 28, 0, 0, 0, 0, s.tn.Location()))
		if _, err := e.apps.SaveAnswers(e.ctx, resident, s.tn, s.svc, a.ID, a.Version, complete()); !errors.Is(err, application.ErrNotEditable) {
			t.Fatalf("SaveAnswers in in_review: %v, want ErrNotEditable", err)
		}

		do(officer, "send_back", "Foto KK kurang jelas")
		if a.State != "sent_back" || a.DueAt != nil {
			t.Fatalf("sent back: %s, due %v (no clock while the resident has it)", a.State, a.DueAt)
		}
		refuse(officer, a, "resubmit", "", workflow.ErrForbidden)
		refuse(officer, a, "approve", "ok", workflow.ErrNotAllowed)

		fixed := complete()
		fixed["child_name"] = "Siti Aminah Putri"
		saved, err := e.apps.SaveAnswers(e.ctx, resident, s.tn, s.svc, a.ID, a.Version, fixed)
		if err != nil || saved.Version != a.Version+1 || saved.Answers["child_name"] != "Siti Aminah Putri" {
			t.Fatalf("SaveAnswers in sent_back: %+v, %v", saved, err)
		}
		a = saved

		do(resident, "resubmit", "Sudah diperbaiki")
		if a.State != "submitted" || a.TrackingNumber != "BWI-2026-000001" {
			t.Fatalf("resubmitted: %s %s", a.State, a.TrackingNumber)
		}
		sameTime(t, "SubmittedAt after resubmit", a.SubmittedAt, submittedAt)
		sameTime(t, "resubmitted DueAt", a.DueAt, time.Date(2026, 11, 26, 0, 0, 0, 0, s.tn.Location()))

		do(officer, "start_review", "")
		refuse(resident, a, "approve", "", workflow.ErrForbidden)
		do(officer, "approve", "Lengkap")
		decided := e.clk.Now()
		for _, got := range []application.Application{a, e.get(t, s, string(a.ID))} {
			if got.State != "approved" || got.DueAt != nil {
				t.Fatalf("approved: %s, due %v", got.State, got.DueAt)
			}
			sameTime(t, "DecidedAt", got.DecidedAt, decided)
			if got.Answers["child_name"] != "Siti Aminah Putri" {
				t.Fatalf("answers after approval: %#v", got.Answers)
			}
		}
		refuse(resident, a, "withdraw", "", workflow.ErrNotAllowed)

		events, err := e.apps.Timeline(e.ctx, s.tn.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]step{{"create", "", "draft", string(siti.ID), workflow.Resident, ""}, {"submit", "draft", "submitted", string(siti.ID), workflow.Resident, ""}}, steps...)
		var got []step
		for i, ev := range events {
			got = append(got, step{ev.Action, ev.From, ev.To, string(ev.ActorID), ev.ActorRole, ev.Comment})
			if i > 0 && ev.At.Before(events[i-1].At) {
				t.Fatalf("timeline out of order at %d", i)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("timeline =\n%v\nwant\n%v", got, want)
		}
		e.verifyAudit(t)
	})
}

func TestWithdrawnDraftGetsNoNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")

		a := e.draft(t, s, siti, form.Answers{"child_name": "Siti"})
		a = e.act(t, s, residentOf(siti), a, "withdraw", "")
		if a.State != "withdrawn" || a.DecidedAt == nil {
			t.Fatalf("withdrawn draft: %+v", a)
		}
		if a.TrackingNumber != "" || a.SubmittedAt != nil {
			t.Fatalf("a draft that was never submitted got number %q, submitted at %v", a.TrackingNumber, a.SubmittedAt)
		}
		if n := e.submit(t, s, siti).TrackingNumber; n != "BWI-2026-000001" {
			t.Fatalf("first submission: %s", n)
		}
		all, err := e.apps.Inbox(e.ctx, s.tn.ID, "", application.InboxFilter{State: "withdrawn"})
		if err != nil || len(all) != 0 {
			t.Fatalf("withdrawn draft in the inbox: %v %v", numbersOf(all), err)
		}

		// Withdrawing after submission keeps the number.
		b := e.submit(t, s, siti)
		b = e.act(t, s, residentOf(siti), b, "withdraw", "")
		if b.State != "withdrawn" || b.TrackingNumber != "BWI-2026-000002" || b.DueAt != nil || b.DecidedAt == nil {
			t.Fatalf("withdrawn submission: %+v", b)
		}
		e.verifyAudit(t)
	})
}

func TestTwoOfficersAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")
		officers := []application.Caller{officerOf(e.user(t, "ani")), officerOf(e.user(t, "budi"))}

		for round := range 5 {
			a := e.submit(t, s, siti)
			v := a.Version
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, c := range officers {
				wg.Go(func() {
					<-start
					_, errs[i] = e.apps.Act(e.ctx, c, s.tn, s.svc, a.ID, v, "start_review", "")
				})
			}
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case errors.Is(err, application.ErrConflict), errors.Is(err, workflow.ErrNotAllowed):
				default:
					t.Fatalf("round %d: loser got %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d officers won (%v)", round, wins, errs)
			}
			got := e.get(t, s, string(a.ID))
			if got.State != "in_review" || got.Version != v+1 {
				t.Fatalf("round %d: %s v%d, want in_review v%d", round, got.State, got.Version, v+1)
			}
			events, err := e.apps.Timeline(e.ctx, s.tn.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 3 || events[2].Action != "start_review" {
				t.Fatalf("round %d: timeline %+v", round, events)
			}

			// Assigning with the version read before the review started is refused.
			if _, err := e.apps.Assign(e.ctx, officers[0], s.tn.ID, a.ID, v, officers[0].Actor.ID); !errors.Is(err, application.ErrConflict) {
				t.Fatalf("Assign at stale version: %v, want ErrConflict", err)
			}
			if got := e.get(t, s, string(a.ID)); got.AssignedTo != "" || got.Version != v+1 {
				t.Fatalf("stale Assign changed it: %+v", got)
			}
			as, err := e.apps.Assign(e.ctx, officers[0], s.tn.ID, a.ID, v+1, officers[1].Actor.ID)
			if err != nil || as.AssignedTo != officers[1].Actor.ID || as.Version != v+2 {
				t.Fatalf("Assign: %+v, %v", as, err)
			}
			if got := e.get(t, s, string(a.ID)); got.AssignedTo != officers[1].Actor.ID || got.State != "in_review" {
				t.Fatalf("stored assignment: %+v", got)
			}
		}
		entries, err := audit.List(e.ctx, e.d, audit.Filter{TenantID: s.tn.ID, Action: "application.assign"})
		if err != nil || len(entries) != 5 {
			t.Fatalf("assign audit entries: %d, %v", len(entries), err)
		}
		e.verifyAudit(t)
	})
}

func TestInbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		other := e.site(t, "jember", "35.09", "JMR")
		siti, rina := e.user(t, "siti"), e.user(t, "rina")
		ani, budi := officerOf(e.user(t, "ani")), officerOf(e.user(t, "budi"))

		// Another tenant's application, numbered 000001 and 000002 like ours.
		theirs := e.submit(t, other, siti)
		e.submit(t, other, siti)

		// Tuesday 09:00 WIB onwards, a minute apart.
		a1 := e.submit(t, s, siti) // due end of Wed
		e.clk.Advance(time.Minute)
		a2 := e.submit(t, s, rina) // due end of Wed
		e.clk.Advance(time.Minute)
		a3 := e.submit(t, s, siti)
		e.clk.Advance(time.Minute)
		a3 = e.act(t, s, ani, a3, "start_review", "") // due end of Fri
		a4 := e.submit(t, s, rina)
		a4 = e.act(t, s, ani, a4, "start_review", "")
		a4 = e.act(t, s, ani, a4, "approve", "")
		draft := e.draft(t, s, siti, complete())
		a2, err := e.apps.Assign(e.ctx, ani, s.tn.ID, a2.ID, a2.Version, ani.Actor.ID)
		if err != nil {
			t.Fatal(err)
		}

		// Thursday 09:00 WIB: a1 and a2 are overdue, a3 is due within two days.
		e.setClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
		check := func(me string, f application.InboxFilter, want ...application.Application) {
			t.Helper()
			got, err := e.apps.Inbox(e.ctx, s.tn.ID, me, f)
			if err != nil {
				t.Fatalf("Inbox(%+v): %v", f, err)
			}
			if !slices.Equal(numbersOf(got), numbersOf(want)) {
				t.Fatalf("Inbox(%+v) = %v, want %v", f, numbersOf(got), numbersOf(want))
			}
		}
		me := ani.Actor.ID
		check(string(me), application.InboxFilter{}, a1, a2, a3)
		check(string(me), application.InboxFilter{Limit: 2}, a1, a2)
		check(string(me), application.InboxFilter{State: "submitted"}, a1, a2)
		check(string(me), application.InboxFilter{State: "in_review"}, a3)
		check(string(me), application.InboxFilter{State: "approved"}, a4)
		check(string(me), application.InboxFilter{State: "draft"})
		check(string(me), application.InboxFilter{Assigned: "me"}, a2)
		check(string(budi.Actor.ID), application.InboxFilter{Assigned: "me"})
		check(string(me), application.InboxFilter{Assigned: "unassigned"}, a1, a3)
		check(string(me), application.InboxFilter{Due: "overdue"}, a1, a2)
		check(string(me), application.InboxFilter{Due: "soon"}, a3)
		check(string(me), application.InboxFilter{Due: "overdue", Assigned: "unassigned"}, a1)
		check(string(me), application.InboxFilter{Tracking: "000002"}, a2)
		check(string(me), application.InboxFilter{Tracking: " bwi-2026-000003 "}, a3)
		check(string(me), application.InboxFilter{Tracking: "000001"}, a1)
		check(string(me), application.InboxFilter{Tracking: "2026-0000"}) // an end, not a middle
		check(string(me), application.InboxFilter{Tracking: "00000_"})
		check(string(me), application.InboxFilter{Tracking: `00\`})
		check(string(me), application.InboxFilter{Tracking: `000\1`}, a1) // characters LIKE would read are dropped, like % and _
		check(string(me), application.InboxFilter{ApplicantIDs: []string{}})
		check(string(me), application.InboxFilter{ApplicantIDs: nil}, a1, a2, a3)
		check(string(me), application.InboxFilter{ApplicantIDs: []string{string(rina.ID)}}, a2)
		check(string(me), application.InboxFilter{ApplicantIDs: []string{string(rina.ID), string(siti.ID)}}, a1, a2, a3)
		check(string(me), application.InboxFilter{ApplicantIDs: []string{string(rina.ID)}, State: "approved"}, a4)
		_ = draft

		// Friday 09:00 WIB: a3 is due tonight, still "soon", not yet overdue.
		e.setClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
		check(string(me), application.InboxFilter{Due: "soon"}, a3)
		// Saturday 00:01 WIB: now it is overdue too.
		e.setClock(time.Date(2026, 11, 27, 17, 1, 0, 0, time.UTC))
		check(string(me), application.InboxFilter{Due: "overdue"}, a1, a2, a3)
		check(string(me), application.InboxFilter{Due: "soon"})

		// The other tenant sees only its own.
		got, err := e.apps.Inbox(e.ctx, other.tn.ID, string(me), application.InboxFilter{Tracking: "000001"})
		if err != nil || !slices.Equal(numbersOf(got), []string{theirs.TrackingNumber}) {
			t.Fatalf("other tenant's inbox = %v, %v", numbersOf(got), err)
		}
	})
}

func TestMineAndGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		other := e.site(t, "jember", "35.09", "JMR")
		siti, rina := e.user(t, "siti"), e.user(t, "rina")

		first := e.submit(t, s, siti)
		e.clk.Advance(time.Minute)
		e.submit(t, s, rina)
		e.clk.Advance(time.Minute)
		draft := e.draft(t, s, siti, nil)
		e.clk.Advance(time.Minute)
		elsewhere := e.submit(t, other, siti)
		e.clk.Advance(time.Minute)
		last := e.submit(t, s, siti)

		mine, err := e.apps.Mine(e.ctx, s.tn.ID, siti.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := numbersOf(mine), numbersOf([]application.Application{last, draft, first}); !slices.Equal(got, want) {
			t.Fatalf("Mine = %v, want %v (newest first)", got, want)
		}
		mine, err = e.apps.Mine(e.ctx, other.tn.ID, siti.ID)
		if err != nil || !slices.Equal(numbersOf(mine), []string{"JMR-2026-000001"}) {
			t.Fatalf("Mine in the other tenant = %v, %v", numbersOf(mine), err)
		}
		if mine, err := e.apps.Mine(e.ctx, other.tn.ID, rina.ID); err != nil || len(mine) != 0 {
			t.Fatalf("Mine of someone without applications = %v, %v", numbersOf(mine), err)
		}

		for _, id := range []string{string(elsewhere.ID), db.NewID(), "", "42", "not-an-id", string(first.ID + "'"), strings.ToUpper(string(first.ID)) + "0"} {
			if _, err := e.apps.Get(e.ctx, s.tn.ID, ids.Application(id)); !errors.Is(err, application.ErrNotFound) {
				t.Fatalf("Get(%q): %v, want ErrNotFound", id, err)
			}
		}
		if got := e.get(t, s, string(first.ID)); got.TrackingNumber != "BWI-2026-000001" || got.ApplicantID != siti.ID {
			t.Fatalf("Get = %+v", got)
		}
		// Nothing acts across tenants either.
		if _, err := e.apps.Act(e.ctx, officerOf(e.user(t, "ani")), s.tn, s.svc, elsewhere.ID, elsewhere.Version, "start_review", ""); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("Act on another tenant's application: %v", err)
		}
		if _, err := e.apps.Assign(e.ctx, officerOf(e.user(t, "budi")), s.tn.ID, elsewhere.ID, elsewhere.Version, ""); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("Assign on another tenant's application: %v", err)
		}
		if _, err := e.apps.SaveAnswers(e.ctx, residentOf(siti), s.tn, s.svc, ids.Application(string(draft.ID+"x")), 0, complete()); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("SaveAnswers with a bad id: %v", err)
		}
		if got := e.get(t, other, string(elsewhere.ID)); got.State != "submitted" || got.Version != elsewhere.Version {
			t.Fatalf("the other tenant's application changed: %+v", got)
		}
		if _, err := e.apps.ByTrackingNumber(e.ctx, "BWI-2026-999999"); !errors.Is(err, application.ErrNotFound) {
			t.Fatalf("unknown tracking number: %v", err)
		}
	})
}

func TestSLAAcrossHoliday(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		siti := e.user(t, "siti")
		wib := s.tn.Location()

		// Thursday 24 Dec, 10:00 WIB. Friday is Christmas, then the weekend:
		// the one working day is Monday 28 Dec, due at its end.
		e.setClock(time.Date(2026, 12, 24, 3, 0, 0, 0, time.UTC))
		a := e.submit(t, s, siti)
		want := time.Date(2026, 12, 28, 17, 0, 0, 0, time.UTC)
		if !want.Equal(time.Date(2026, 12, 29, 0, 0, 0, 0, wib)) {
			t.Fatal("test bug: 29 Dec 00:00 WIB is 28 Dec 17:00 UTC")
		}
		sameTime(t, "DueAt", a.DueAt, want)
		if a.DueAt.Location() != time.UTC {
			t.Fatalf("DueAt zone = %s, want UTC", a.DueAt.Location())
		}
		sameTime(t, "stored DueAt", e.get(t, s, string(a.ID)).DueAt, want)

		// Days are the tenant's, not UTC's: 23:59 WIB is still Thursday, and
		// Wednesday 23 Dec 23:30 UTC is already Thursday 06:30 WIB.
		e.setClock(time.Date(2026, 12, 24, 16, 59, 0, 0, time.UTC))
		sameTime(t, "DueAt at 23:59 WIB", e.submit(t, s, siti).DueAt, want)
		e.setClock(time.Date(2026, 12, 23, 23, 30, 0, 0, time.UTC))
		sameTime(t, "DueAt at 06:30 WIB", e.submit(t, s, siti).DueAt, want)
		// Tuesday 24 Nov 18:00 UTC is Wednesday 01:00 WIB: due at the end of
		// Thursday 26 Nov, not of Wednesday as the UTC date would give.
		e.setClock(time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC))
		sameTime(t, "DueAt at 01:00 WIB", e.submit(t, s, siti).DueAt, time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC))

		// The tenant's own closing day is counted too.
		if err := e.d.InTx(e.ctx, func(tx *db.Tx) error {
			return e.cal.Set(e.ctx, tx, s.tn.ID, calendar.Day{Date: "2026-12-28", Kind: calendar.Holiday, Name: "Libur daerah"})
		}); err != nil {
			t.Fatal(err)
		}
		e.setClock(time.Date(2026, 12, 24, 3, 0, 0, 0, time.UTC))
		b := e.submit(t, s, siti)
		sameTime(t, "DueAt with the tenant's holiday", b.DueAt, time.Date(2026, 12, 30, 0, 0, 0, 0, wib))
		// 3 working days in review from Thursday: 29, 30, 31 Dec.
		b = e.act(t, s, officerOf(e.user(t, "ani")), b, "start_review", "")
		sameTime(t, "in_review DueAt", b.DueAt, time.Date(2027, 1, 1, 0, 0, 0, 0, wib))
	})
}
