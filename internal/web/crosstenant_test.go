package web_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// TestNoRouteCrossesTenants calls every route of the routing table as each
// role of tenant A (and anonymously) against tenant B's objects, and
// expects refusal wherever the route is not public. New routes join the
// test by being in the table: a route with an unknown role fails it.
func TestNoRouteCrossesTenants(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ctx := t.Context()
	b, err := s.app.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		t.Fatal(err)
	}
	bOfficer, err := s.app.Identity.ByLogin(ctx, "officer@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	bApp := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	bCounter, bAppointment := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	fk, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	bTicket, err := s.app.Queue.Take(ctx, audit.System, fk, ids.Counter(bCounter), "", "web", "")
	if err != nil {
		t.Fatal(err)
	}
	bCall, bDoc := callIn(t, s, "fukuoka", ids.Counter(bCounter), bTicket.ID)
	bResident, err := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	bEnrolment := enrolmentOf(t, s, b.ID, audit.Actor{ID: bResident.ID, Label: bResident.Email})
	bAction, bQuestion := surveyThingsOf(t, s, b)
	known := map[string]bool{"anyone": true, "user": true, "admin": true, "coordinator": true, "officer": true,
		"applicant": true, "filler": true, "helper": true, "kiosk": true, "instructor": true, "learner": true, "enroller": true,
		"guest learner": true, "supporter": true, "editor": true} // a guest's token is for one tenant: TestPracticeGuestStaysInItsTenant
	roles := []string{"", "resident", "officer", "instructor", "editor", "admin"}
	for _, rt := range s.app.Web().Routes() {
		for _, r := range rt.Roles {
			if !known[r] {
				t.Fatalf("%s %s: role %q has no cross-tenant rule", rt.Method, rt.Pattern, r)
			}
		}
		if isPublic(rt.Roles) || rt.Roles[0] == "user" {
			continue // public by design, or the caller's own account
		}
		id := bApp.ID
		switch {
		case strings.Contains(rt.Pattern, "/calls/"):
			id = ids.Application(bCall)
		case strings.Contains(rt.Pattern, "/counters/"), strings.Contains(rt.Pattern, "/board/"):
			id = ids.Application(bCounter)
		case strings.Contains(rt.Pattern, "/appointments/"), strings.Contains(rt.Pattern, "/desk/"):
			id = ids.Application(bAppointment)
		case strings.Contains(rt.Pattern, "/tickets/"):
			id = ids.Application(bTicket.ID)
		case strings.Contains(rt.Pattern, "/classes/sessions/"):
			id = ids.Application(bEnrolment.SessionID)
		case strings.Contains(rt.Pattern, "/classes/enrolments/"):
			id = ids.Application(bEnrolment.ID)
		case strings.Contains(rt.Pattern, "/survey/actions/"):
			id = ids.Application(bAction.ID)
		case strings.Contains(rt.Pattern, "/survey/questions/"):
			id = ids.Application(bQuestion)
		}
		slug := b.Slug
		if strings.Contains(rt.Pattern, "/exchange/") {
			slug = "fukuoka-remote-counter" // B's good practice
		}
		path := strings.NewReplacer("{tenant}", b.Slug, "{slug}", slug, "{user}", string(bOfficer.ID), "{$}", "",
			"{id}", string(id), "{action}", "finish", "{code}", "JUMINHYO", "{name}", "copies", "{number}", bApp.TrackingNumber,
			"{doc}", bDoc, "{exercise}", "tap", "{message}", "prize", "{table}", "applications").Replace(rt.Pattern)
		for _, role := range roles {
			br := s.browser(t)
			hdr := []string{}
			if role != "" {
				email := role + "@banyuwangi.demo"
				if strings.HasPrefix(rt.Pattern, "/api/") {
					hdr = []string{"Authorization", "Bearer " + br.token(email)}
				} else {
					br.signin(email)
				}
			}
			var body *strings.Reader
			ct := ""
			switch {
			case rt.Method == "GET":
				body = strings.NewReader("")
			case strings.HasPrefix(rt.Pattern, "/api/"):
				body, ct = strings.NewReader(`{}`), "application/json"
			default:
				body, ct = strings.NewReader(url.Values{"status": {"suspended"}, "roles": {"admin"}}.Encode()), "application/x-www-form-urlencoded"
			}
			a := br.do(rt.Method, path, body, ct, hdr...)
			if !refused(a) {
				t.Errorf("%s %s as %q of banyuwangi: status %d — crossed into fukuoka", rt.Method, path, role, a.status)
			}
			// B's practice, survey action or question on A's own paths: A's
			// staff pass the route's rule there, and the object must still
			// refuse them.
			own := strings.Replace(path, "/"+b.Slug+"/exchange/practices/", "/banyuwangi/exchange/practices/", 1)
			if strings.Contains(rt.Pattern, "/survey/actions/") || strings.Contains(rt.Pattern, "/survey/questions/") {
				own = strings.Replace(path, "/"+b.Slug+"/", "/banyuwangi/", 1)
			}
			if own != path && role != "" {
				if body != nil {
					_, _ = body.Seek(0, 0)
				}
				if a := br.do(rt.Method, own, body, ct, hdr...); !refused(a) {
					t.Errorf("%s %s as %q of banyuwangi: status %d — reached fukuoka's object", rt.Method, own, role, a.status)
				}
			}
		}
	}
	// Nothing was changed in B by all that.
	if after, _ := s.app.Tenants.BySlug(ctx, "fukuoka"); !after.IsActive() {
		t.Fatal("tenant B was suspended by a caller from tenant A")
	}
	if after, _ := s.app.Calls.Get(ctx, b.ID, ids.Call(bCall)); after.Status != "open" || after.Notes != "" {
		t.Fatalf("tenant B's call was changed by callers from tenant A: %+v", after)
	}
	if after, _ := s.app.Classes.Enrolment(ctx, b.ID, bEnrolment.ID); after.State != bEnrolment.State {
		t.Fatalf("tenant B's enrolment was changed by callers from tenant A: %+v", after)
	}
	if pr, err := s.app.Practices.BySlug(ctx, "fukuoka-remote-counter"); err != nil || pr.State != "published" {
		t.Fatalf("tenant B's practice was changed by callers from tenant A: %v %s", err, pr.State)
	} else if _, drafted, _ := s.app.Practices.Working(ctx, pr.ID); drafted {
		t.Fatal("callers from tenant A wrote a draft of tenant B's practice")
	}
	if acts, _ := s.app.Surveys.Actions(ctx, b.ID, bAction.Period); !slices.ContainsFunc(acts, func(a survey.Action) bool { return a.ID == bAction.ID && !a.Done }) {
		t.Fatalf("tenant B's survey action was changed by callers from tenant A: %+v", acts)
	}
	if st, _ := s.app.Surveys.Settings(ctx, b.ID); len(st.Questions) != 1 || st.Questions[0].ID != bQuestion || st.NoComment {
		t.Fatalf("tenant B's survey settings were changed by callers from tenant A: %+v", st)
	}
	if after, _ := s.app.Apps.Get(ctx, b.ID, bApp.ID); after.Version != bApp.Version || after.AssignedTo != "" {
		t.Fatalf("tenant B's application was changed by callers from tenant A: %+v", after)
	}
}

func isPublic(roles []string) bool { return len(roles) == 1 && roles[0] == "anyone" }

// refused: 401, 403, 404, or a redirect to sign in.
func refused(a answer) bool {
	switch a.status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther, http.StatusFound:
		return strings.HasPrefix(a.header.Get("Location"), "/signin")
	}
	return false
}

// TestAdminCannotTouchOtherTenantsStaff: even on its own tenant's path, an
// admin cannot name a user of another tenant.
func TestAdminCannotTouchOtherTenantsStaff(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	other, err := s.app.Identity.ByLogin(t.Context(), "officer@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	admin := s.browser(t)
	admin.signin("admin@banyuwangi.demo")
	if a := admin.post(string("/banyuwangi/admin/staff/"+other.ID+"/roles"), url.Values{"roles": {"admin"}}); a.status != http.StatusNotFound {
		t.Fatalf("roles of another tenant's officer: %d", a.status)
	}
	if a := admin.post("/banyuwangi/admin/staff/not-an-id/end-sessions", nil); a.status != http.StatusNotFound {
		t.Fatalf("malformed user id: %d", a.status)
	}
	roles, _ := s.app.Identity.Memberships(t.Context(), other.ID)
	for _, m := range roles {
		if m.Role == "admin" {
			t.Fatal("other tenant's officer became admin")
		}
	}
	// Positive control: the same admin can manage its own staff.
	own, _ := s.app.Identity.ByLogin(t.Context(), "officer@banyuwangi.demo")
	if a := admin.post(string("/banyuwangi/admin/staff/"+own.ID+"/roles"), url.Values{"roles": {"officer", "instructor"}}); a.status != http.StatusSeeOther {
		t.Fatalf("own officer roles: %d", a.status)
	}
}

// applicationIn submits a complete 住民票 application for a resident of slug.
func applicationIn(t testing.TB, s *site, slug, email string) application.Application {
	t.Helper()
	ctx := context.Background()
	ten, err := s.app.Tenants.BySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.app.Identity.ByLogin(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := s.app.Catalog.ByCode(ctx, ten.ID, "JUMINHYO")
	if errors.Is(err, catalog.ErrNotFound) {
		svc, err = copyJuminhyo(t, s, ten.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	c := application.Caller{Actor: audit.Actor{ID: u.ID, Label: email}, Roles: []string{"resident"}}
	a, err := s.app.Apps.Create(ctx, c, ten, svc, application.Draft{ApplicantID: u.ID, Lang: "ja", Submit: true,
		Answers: form.Answers{"copies": 1.0, "household": false, "mynumber": false, "purpose": "work", "delivery": "counter"}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// appointmentIn books the first free slot of slug's first counter for a
// resident and returns the counter and appointment IDs.
func appointmentIn(t testing.TB, s *site, slug, email string) (string, string) {
	t.Helper()
	ctx := context.Background()
	ten, _ := s.app.Tenants.BySlug(ctx, slug)
	u, _ := s.app.Identity.ByLogin(ctx, email)
	cs, err := s.app.Counters.List(ctx, ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no counters in %s: %v", slug, err)
	}
	from := time.Now().In(ten.Location())
	slots, err := s.app.Counters.Slots(ctx, ten, cs[0].ID, from, from.AddDate(0, 0, 10))
	if err != nil || len(slots) == 0 {
		t.Fatalf("no slots: %v", err)
	}
	a, err := s.app.Counters.Book(ctx, audit.Actor{ID: u.ID, Label: email}, ten, cs[0].ID, u.ID, slots[0].Start, "")
	if err != nil {
		t.Fatal(err)
	}
	return string(cs[0].ID), a.ID
}

// copyJuminhyo publishes Fukuoka's residence certificate service in
// tenantID too, for tests that need a service without required documents
// in a government that has none.
func copyJuminhyo(t testing.TB, s *site, tenantID ids.Tenant) (catalog.Service, error) {
	t.Helper()
	fuk, err := s.app.Tenants.BySlug(context.Background(), "fukuoka")
	if err != nil {
		return catalog.Service{}, err
	}
	svc, err := s.app.Catalog.ByCode(context.Background(), fuk.ID, "JUMINHYO")
	if err != nil {
		return svc, err
	}
	raw, err := catalog.Export(svc)
	if err != nil {
		return svc, err
	}
	copied, err := catalog.Import(raw)
	if err != nil {
		return svc, err
	}
	copied.Published = true
	return s.app.Catalog.Save(context.Background(), audit.System, tenantID, copied)
}

// surveyThingsOf gives tenant t a survey follow-up action and an own
// question, for the harness to aim at.
func surveyThingsOf(t *testing.T, s *site, ten tenant.Tenant) (survey.Action, string) {
	t.Helper()
	ctx := t.Context()
	period := survey.PeriodOf(survey.Quarter, time.Now().In(ten.Location())).Code()
	act, err := s.app.Surveys.AddAction(ctx, audit.System, survey.ForCountry(ten.Country), survey.Action{TenantID: ten.ID,
		Element: 1, Period: period, What: "Shorter waits", Owner: "Ward office", Due: "2027-01-31"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.app.Surveys.AddQuestion(ctx, audit.System, ten.ID, map[string]string{ten.DefaultLang: "会場はいかがでしたか。"}, ten.DefaultLang); err != nil {
		t.Fatal(err)
	}
	st, err := s.app.Surveys.Settings(ctx, ten.ID)
	if err != nil || len(st.Questions) != 1 {
		t.Fatalf("settings: %+v %v", st, err)
	}
	return act, st.Questions[0].ID
}
