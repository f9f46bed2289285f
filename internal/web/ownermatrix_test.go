package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// owned are real objects of one resident of fukuoka, for the routes whose
// rule names an object.
type owned struct {
	application, document, appointment, call, shown, counter, ticket, enrolment, session string
}

// ownedBy makes an application with a document, an appointment, a
// number taken at a counter and the video call of that number, all of
// resident (an account of fukuoka).
func ownedBy(t *testing.T, s *site, resident identity.User) owned {
	t.Helper()
	ctx := context.Background()
	ten, err := s.app.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := s.app.Catalog.ByCode(ctx, ten.ID, "JUMINHYO")
	if err != nil {
		t.Fatal(err)
	}
	me := audit.Actor{ID: resident.ID, Label: resident.Email}
	a, err := s.app.Apps.Create(ctx, application.Caller{Actor: me, Roles: []string{workflow.Resident}}, ten, svc,
		application.Draft{ApplicantID: resident.ID, Lang: "ja"})
	if err != nil {
		t.Fatalf("application: %v", err)
	}
	d, err := s.app.Docs.Save(ctx, me, document.Upload{TenantID: ten.ID, OwnerID: resident.ID, ApplicationID: a.ID,
		Requirement: "id_card", Filename: "card.png"}, bytes.NewReader(samplePNG(t)))
	if err != nil {
		t.Fatalf("document: %v", err)
	}
	counters, err := s.app.Counters.List(ctx, ten.ID, true)
	if err != nil || len(counters) == 0 {
		t.Fatalf("counters: %v", err)
	}
	c := counters[0]
	from := s.app.Clock.Now().In(ten.Location())
	slots, err := s.app.Counters.Slots(ctx, ten, c.ID, from, from.AddDate(0, 0, 14))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(slots, func(sl counter.Slot) bool { return sl.Free > 0 })
	if i < 0 {
		t.Fatal("no free slot in two weeks")
	}
	ap, err := s.app.Counters.Book(ctx, me, ten, c.ID, resident.ID, slots[i].Start, "")
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	tk, err := s.app.Queue.Take(ctx, me, ten, c.ID, resident.ID, queue.SourceWeb, "")
	if err != nil {
		t.Fatalf("take a number: %v", err)
	}
	officer, err := s.app.Identity.ByLogin(ctx, "officer@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	cl, err := s.app.Calls.Begin(ctx, audit.Actor{ID: officer.ID, Label: "officer"}, ten.ID,
		call.Subject{CounterID: c.ID, TicketID: tk.ID, ResidentID: resident.ID})
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	shown, err := s.app.Docs.Save(ctx, audit.System, document.Upload{TenantID: ten.ID, OwnerID: officer.ID},
		bytes.NewReader(samplePNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.app.Calls.AddShown(ctx, ten.ID, cl.ID, shown.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.app.Calls.LinkApplication(ctx, ten.ID, cl.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	e := enrolmentOf(t, s, ten.ID, me)
	return owned{application: string(a.ID), document: string(d.ID), appointment: ap.ID, call: string(cl.ID), shown: string(shown.ID),
		counter: string(c.ID), enrolment: string(e.ID), session: string(e.SessionID)}
}

// enrolmentOf enrols the resident in a session of a course of their
// tenant, made for the test.
func enrolmentOf(t *testing.T, s *site, tenantID ids.Tenant, me audit.Actor) classes.Enrolment {
	t.Helper()
	ctx := context.Background()
	c, err := s.app.Classes.CreateCourse(ctx, audit.System, tenantID, classes.Course{Code: "owner-matrix", Level: classes.Beginner,
		Title: classes.Text{"en": "Owner matrix"}, Published: true})
	if err != nil {
		t.Fatalf("course: %v", err)
	}
	starts := s.app.Clock.Now().Add(72 * time.Hour)
	x, err := s.app.Classes.CreateSession(ctx, audit.System, tenantID, classes.Session{CourseID: c.ID, StartsAt: starts,
		EndsAt: starts.Add(time.Hour), VenueName: "Hall", Capacity: 10})
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	e, err := s.app.Classes.Enrol(ctx, me, tenantID, x.ID, me.ID, classes.Questions{Phone: classes.PhoneIPhone})
	if err != nil {
		t.Fatalf("enrol: %v", err)
	}
	return e
}

// TestOwnerMatrix calls every route whose rule names an object (the
// applicant's application and documents, the appointment's resident, a
// call's participants, a kiosk by its device) with real objects of one
// resident, as every caller of the same tenant: the owner, another
// resident, officer, instructor, admin, coordinator, a registered kiosk
// and nobody signed in. Each must get exactly what the rule says: a
// caller outside it is refused (sign in first, 401, 403 or 404), a
// caller inside it is not.
func TestOwnerMatrix(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ctx := context.Background()
	ten, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	if _, err := s.app.Identity.Register(ctx, identity.RegisterInput{TenantID: ten.ID, Name: "Other Resident",
		Email: "other@fukuoka.demo", Password: app.DemoPassword, Lang: "ja", CivilOptional: true}, "192.0.2.9"); err != nil {
		t.Fatalf("register another resident: %v", err)
	}
	owner, err := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	o := ownedBy(t, s, owner)
	callers := []string{"", "owner", "other", "officer", "instructor", "admin", "coordinator", "kiosk"}
	logins := map[string]string{"owner": "resident@fukuoka.demo", "other": "other@fukuoka.demo",
		"officer": "officer@fukuoka.demo", "instructor": "instructor@fukuoka.demo", "admin": "admin@fukuoka.demo",
		"coordinator": "coordinator@serambi.demo"}
	browsers, tokens := map[string]*browser{}, map[string]string{}
	for _, c := range callers {
		switch {
		case c == "kiosk":
			browsers[c] = kioskBrowser(t, s)
		case c == "":
			browsers[c] = s.browser(t)
		default:
			b := s.browser(t)
			b.signin(logins[c])
			browsers[c], tokens[c] = b, s.browser(t).token(logins[c])
		}
	}
	// A number taken at the kiosk, which only a kiosk may show.
	taken := browsers["kiosk"].post("/fukuoka/kiosk/tickets", mapForm2("counter", o.counter, "priority", "elderly"))
	m := kioskTicketRe.FindStringSubmatch(taken.header.Get("Location"))
	if m == nil {
		t.Fatalf("kiosk number: %d %s %s", taken.status, taken.header.Get("Location"), taken.body[strings.Index(taken.body, "<main"):])
	}
	o.ticket = m[1]
	// Forms a route acts on only when filled in.
	forms := map[string]url.Values{"/{tenant}/kiosk/tickets": {"counter": {o.counter}, "priority": {"elderly"}}}
	// Routes that answer 404 to their rightful callers while the object
	// is not in the state they serve (no result before a decision; a
	// delete form naming no file): only refusals are checked on them.
	stateBound := map[string]bool{"/{tenant}/applications/{id}/result": true,
		"/{tenant}/applications/{id}/documents/delete": true}
	// An online class's pages serve only a session held online (the
	// session here is at a hall): TestOnlineClassPages checks them.
	for _, p := range []string{"", "/state", "/watch", "/speak", "/hand"} {
		stateBound["/{tenant}/classes/sessions/{id}/online"+p] = true
	}
	fill := strings.NewReplacer("{tenant}", "fukuoka", "{doc}", o.shown)
	checked := 0
	routes := s.app.Web().Routes()
	// What changes the objects for good goes last.
	last := func(p string) bool { return strings.HasSuffix(p, "/cancel") || strings.HasSuffix(p, "/reset") }
	slices.SortStableFunc(routes, func(a, b web.RouteInfo) int {
		switch {
		case last(a.Pattern) == last(b.Pattern) && (a.Method == "DELETE") == (b.Method == "DELETE"):
			return 0
		case last(a.Pattern) || a.Method == "DELETE":
			return 1
		}
		return -1
	})
	for _, rt := range routes {
		admits, ok := ownerRule(rt)
		if !ok {
			continue
		}
		id := objectOf(rt, o)
		path := fill.Replace(strings.Replace(rt.Pattern, "{id}", id, 1))
		for _, c := range callers {
			b, hdr := browsers[c], []string(nil)
			if strings.HasPrefix(rt.Pattern, "/api/") && tokens[c] != "" {
				b, hdr = s.browser(t), []string{"Authorization", "Bearer " + tokens[c]}
			}
			body, ct := strings.NewReader(""), ""
			switch {
			case rt.Method == "GET":
			case strings.HasPrefix(rt.Pattern, "/api/"):
				body, ct = strings.NewReader(`{}`), "application/json"
			default:
				body, ct = strings.NewReader(forms[rt.Pattern].Encode()), "application/x-www-form-urlencoded"
			}
			a := b.do(rt.Method, path, body, ct, hdr...)
			refused := refusedForWho(a) || a.status == http.StatusNotFound
			switch want := admits(c); {
			case !want && !refused:
				t.Errorf("%s %s as %q: status %d %q, want refused (the route is for %v)", rt.Method, path, c, a.status,
					a.header.Get("Location"), rt.Roles)
			case want && refused && !(stateBound[rt.Pattern] && a.status == http.StatusNotFound):
				t.Errorf("%s %s as %q: status %d %q, refused though the route is for %v", rt.Method, path, c, a.status,
					a.header.Get("Location"), rt.Roles)
			}
		}
		checked++
	}
	if checked < 25 {
		t.Fatalf("only %d routes name an object; the table has more", checked)
	}
}

// ownerRule says which callers a route whose rule names an object admits.
func ownerRule(rt web.RouteInfo) (func(caller string) bool, bool) {
	if rt.Object == "" {
		return nil, false
	}
	roles := rt.Roles
	return func(c string) bool {
		switch c {
		case "owner":
			return slices.Contains(roles, "applicant") || slices.Contains(roles, "learner")
		case "kiosk":
			return slices.Contains(roles, "kiosk")
		case "coordinator":
			return slices.Contains(roles, "admin")
		}
		return c != "" && slices.Contains(roles, c)
	}, true
}

// objectOf is the object a route's {id} names, by the object its policy
// declares (a kiosk's routes name a counter or a number taken there).
func objectOf(rt web.RouteInfo, o owned) string {
	switch rt.Object {
	case web.KioskObject:
		if strings.Contains(rt.Pattern, "/kiosk/counters/") {
			return o.counter
		}
		return o.ticket
	case web.DocumentObject:
		return o.document
	case web.AppointmentObject:
		return o.appointment
	case web.CallObject:
		return o.call
	case web.EnrolmentObject:
		return o.enrolment
	case web.ClassSessionObject:
		return o.session
	}
	return o.application
}
