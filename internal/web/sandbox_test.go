package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// practiceIDs are the objects a learner made in practice, by the name a
// route's {id} takes.
type practiceIDs struct {
	application, document, counter, ticket, appointment string
}

// TestSandboxNeverReachesTheCity: a learner practises the city's real
// services through the pages (apply with a file, submit, take a number,
// book, the API), then every route a practice twin serves is called on it
// as the learner and as a stranger. The real tenant's rows — every table
// with a tenant_id: applications, the tracking sequence, queue, documents,
// outbox, audit — are the same before and after, no email is queued
// anywhere, the officer's inbox never shows a practice number, and every
// other route of the twin (officers', admins', kiosks', calls') does not
// exist there, whoever asks.
func TestSandboxNeverReachesTheCity(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := startSite(t, pg)
			ctx := context.Background()
			learner := s.browser(t)
			learner.signin("resident@fukuoka.demo")
			mustContain(t, learner.get("/fukuoka/classes/practice/exercises"), `href="/fukuoka/classes/practice/services"`)
			intro := learner.get("/fukuoka/classes/practice/services")
			mustContain(t, intro, jaText(t)("sandbox.different"))
			if a := learner.post("/fukuoka/classes/practice/services", nil); a.status != http.StatusSeeOther ||
				a.header.Get("Location") != "/fukuoka-practice/services" {
				t.Fatalf("enter practice: %d %q", a.status, a.header.Get("Location"))
			}
			real, err := s.app.Tenants.BySlug(ctx, "fukuoka")
			if err != nil {
				t.Fatal(err)
			}
			before := dbtest.TenantRows(t, s.app.DB, string(real.ID))
			mail := countMessages(t, s)

			made := practiseThroughPages(t, s, learner)
			callEveryPracticeRoute(t, s, made, learner, s.browser(t))

			if after := dbtest.TenantRows(t, s.app.DB, string(real.ID)); !sameRows(before, after) {
				for table := range before {
					if before[table] != after[table] {
						t.Errorf("practice changed the real tenant's %s", table)
					}
				}
			}
			if n := countMessages(t, s); n != mail {
				t.Errorf("practice queued %d emails", n-mail)
			}
			officer := s.browser(t)
			officer.signin("officer@fukuoka.demo")
			mustNotContain(t, officer.get("/fukuoka/inbox"), "RENSHU")
			refuseOutsidePractice(t, s, made, learner, officer)
		})
	}
}

func countMessages(t *testing.T, s *site) int {
	t.Helper()
	var n int
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM messages").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sameRows(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// practiseThroughPages applies for a residence certificate with a file,
// takes a number and books a time in the practice twin, as a learner
// would, checking each step shows practice for what it is.
func practiseThroughPages(t *testing.T, s *site, learner *browser) practiceIDs {
	t.Helper()
	const twin = "/fukuoka-practice"
	ja := jaText(t)
	services := learner.get(twin + "/services")
	mustContain(t, services, `class="practice-banner"`, ja("sandbox.banner.title"), `href="/fukuoka/classes/practice/exercises"`,
		`href="/fukuoka/classes/practice/services/finish"`)
	a := learner.post(twin+"/services/JUMINHYO/apply", nil)
	edit := a.header.Get("Location")
	if a.status != http.StatusSeeOther || !strings.HasPrefix(edit, twin+"/applications/") {
		t.Fatalf("apply in practice: %d %q", a.status, edit)
	}
	app := strings.TrimSuffix(edit, "/edit?section=0")
	page := url.Values{"shown": {"copies,household,mynumber,purpose,delivery"}, "copies": {"１"}, "household": {"yes"},
		"mynumber": {"no"}, "purpose": {"work"}, "delivery": {"counter"}}
	if a := learner.post(edit, page); a.status != http.StatusSeeOther {
		t.Fatalf("fill in practice: %d", a.status)
	}
	if a := multipartPost(learner, app+"/documents", map[string]string{"requirement": "id_card"}, "card.pdf", tinyPDF); a.status != http.StatusSeeOther {
		t.Fatalf("upload in practice: %d", a.status)
	}
	check := learner.get(app + "/check")
	doc := regexp.MustCompile(`href="` + twin + `/documents/([0-9a-f-]+)"`).FindStringSubmatch(check.body)
	if doc == nil {
		t.Fatal("the practice file is not listed")
	}
	if a := learner.post(app+"/actions", url.Values{"action": {"submit"}, "version": {version(t, check.body)}}); a.status != http.StatusSeeOther {
		t.Fatalf("submit in practice: %d", a.status)
	}
	year := time.Now().In(time.FixedZone("JST", 9*3600)).Format("2006")
	mustContain(t, learner.get(app), "FUK-RENSHU-"+year+"-000001", ja("sandbox.banner.title"))

	twinTenant, err := s.app.Tenants.BySlug(context.Background(), "fukuoka-practice")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.app.Counters.List(context.Background(), twinTenant.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("practice counters: %v", err)
	}
	counter := string(cs[0].ID)
	ticket := learner.post(twin+"/counters/"+counter+"/tickets", nil).header.Get("Location")
	if !strings.HasPrefix(ticket, twin+"/tickets/") {
		t.Fatalf("practice number: %q", ticket)
	}
	mustContain(t, learner.get(ticket), ja("sandbox.banner.title"))
	from := time.Now().In(twinTenant.Location())
	slots, err := s.app.Counters.Slots(context.Background(), twinTenant, cs[0].ID, from, from.AddDate(0, 0, 14))
	if err != nil || len(slots) == 0 {
		t.Fatalf("practice slots: %d %v", len(slots), err)
	}
	if a := learner.post(twin+"/counters/"+counter+"/appointments", url.Values{"start": {slots[0].Start.Format(time.RFC3339)}}); a.status != http.StatusSeeOther {
		t.Fatalf("book in practice: %d", a.status)
	}
	appts, err := s.app.Counters.Mine(context.Background(), twinTenant.ID, userID(t, s, "resident@fukuoka.demo"))
	if err != nil || len(appts) != 1 {
		t.Fatalf("practice appointment: %d %v", len(appts), err)
	}
	return practiceIDs{application: strings.TrimPrefix(app, twin+"/applications/"), document: doc[1], counter: counter,
		ticket: strings.TrimPrefix(ticket, twin+"/tickets/"), appointment: appts[0].ID}
}

func userID(t *testing.T, s *site, login string) ids.User {
	t.Helper()
	u, err := s.app.Identity.ByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// practicePath fills a route's pattern for the practice twin.
func practicePath(pattern string, made practiceIDs) string {
	id := made.application
	switch {
	case strings.Contains(pattern, "/counters/"):
		id = made.counter
	case strings.Contains(pattern, "/tickets/"), strings.Contains(pattern, "/board/"):
		id = made.ticket
		if strings.Contains(pattern, "/board/") {
			id = made.counter
		}
	case strings.Contains(pattern, "/appointments/"):
		id = made.appointment
	case strings.Contains(pattern, "/documents/{id}"):
		id = made.document
	}
	return strings.NewReplacer("{tenant}", "fukuoka-practice", "{$}", "", "{id}", id, "{code}", "JUMINHYO",
		"{action}", "finish").Replace(pattern)
}

// callEveryPracticeRoute calls each route the twin serves, as the learner
// and as a stranger, with an empty form: whatever each answers, none may
// fail inside.
func callEveryPracticeRoute(t *testing.T, s *site, made practiceIDs, who ...*browser) {
	t.Helper()
	served := 0
	for _, rt := range s.app.Web().Routes() {
		if !strings.Contains(rt.Pattern, "{tenant}") || !web.ServesPractice(rt.Pattern, rt.Roles) {
			continue
		}
		served++
		path := practicePath(rt.Pattern, made)
		for _, b := range who {
			var a answer
			switch {
			case strings.HasSuffix(rt.Pattern, "/events"):
				continue // a stream that stays open; its first event is the ticket page's
			case rt.Method == "GET":
				a = b.get(path)
			default:
				a = b.do(rt.Method, path, strings.NewReader(""), "application/x-www-form-urlencoded")
			}
			if a.status >= 500 {
				t.Errorf("%s %s in practice: %d", rt.Method, path, a.status)
			}
		}
	}
	if served < 25 {
		t.Fatalf("only %d routes are served in practice", served)
	}
}

// refuseOutsidePractice: every other route with a tenant is not there in
// the twin, for the learner, the city's officer and a coordinator alike.
func refuseOutsidePractice(t *testing.T, s *site, made practiceIDs, learner, officer *browser) {
	t.Helper()
	coordinator := s.browser(t)
	coordinator.signin("coordinator@serambi.demo")
	refused := 0
	for _, rt := range s.app.Web().Routes() {
		if !strings.Contains(rt.Pattern, "{tenant}") || web.ServesPractice(rt.Pattern, rt.Roles) {
			continue
		}
		refused++
		path := strings.NewReplacer("{user}", "u", "{name}", "n", "{doc}", made.document, "{token}", "x",
			"{exercise}", "tap", "{message}", "prize").Replace(practicePath(rt.Pattern, made))
		for _, b := range []*browser{learner, officer, coordinator} {
			a := b.do(rt.Method, path, strings.NewReader(""), "application/x-www-form-urlencoded")
			if a.status != http.StatusNotFound {
				t.Errorf("%s %s answers %d in practice, want 404", rt.Method, path, a.status)
			}
		}
	}
	if refused < 60 {
		t.Fatalf("only %d routes checked outside practice", refused)
	}
}

// "I have finished" asks first, then deletes the learner's practice at
// once and brings them back to the exercises; the real tenant has no
// twin of its own to finish in a twin.
func TestSandboxFinish(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	learner := s.browser(t)
	learner.signin("resident@fukuoka.demo")
	learner.post("/fukuoka/classes/practice/services", nil)
	made := practiseThroughPages(t, s, learner)
	ask := learner.get("/fukuoka/classes/practice/services/finish")
	mustContain(t, ask, jaText(t)("sandbox.finish.explain"), `name="confirm" value="yes"`)
	if a := learner.post("/fukuoka/classes/practice/services/finish", url.Values{"confirm": {"yes"}}); a.status != http.StatusSeeOther ||
		a.header.Get("Location") != "/fukuoka/classes/practice/exercises?done=practice_finished" {
		t.Fatalf("finish: %d %q", a.status, a.header.Get("Location"))
	}
	twin, _ := s.app.Tenants.BySlug(context.Background(), "fukuoka"+tenant.PracticeSuffix)
	if _, err := s.app.Apps.Get(context.Background(), twin.ID, ids.Application(made.application)); err == nil {
		t.Fatal("the practice application is still there")
	}
	if a := learner.get("/fukuoka-practice/applications/" + made.application); a.status != http.StatusNotFound {
		t.Fatalf("finished practice still shown: %d", a.status)
	}
	// Without an account there is nothing to practise with: sign in first.
	if a := s.browser(t).post("/fukuoka/classes/practice/services", nil); a.status != http.StatusSeeOther ||
		!strings.HasPrefix(a.header.Get("Location"), "/signin") {
		t.Fatalf("anonymous enter: %d %q", a.status, a.header.Get("Location"))
	}
	// There is no practice inside practice.
	if a := learner.get("/fukuoka-practice/classes/practice/services"); a.status != http.StatusNotFound {
		t.Fatalf("practice of practice: %d", a.status)
	}
}
