package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
)

// sessionsOf lists the demo tenant's classes coming in the next month
// after today's (todaySession has that one).
func sessionsOf(t *testing.T, s *site, slug string) (ids.Tenant, []classes.Session) {
	t.Helper()
	ten, err := s.app.Tenants.BySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	now := s.app.Clock.Now()
	xs, err := s.app.Classes.Sessions(context.Background(), ten.ID, now.Add(24*time.Hour), now.AddDate(0, 1, 0))
	if err != nil || len(xs) < 3 {
		t.Fatalf("demo sessions: %d, %v", len(xs), err)
	}
	return ten.ID, xs
}

// A resident finds a class from the home page, enrols in the last seat,
// a second person joins the waiting list, the resident cancels (after
// being asked) and the second person moves up — all without JavaScript,
// every refusal worded in the reader's language.
func TestClassEnrolWaitlistAndCancel(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	nearlyFull := xs[0]
	session := "/fukuoka/classes/sessions/" + string(nearlyFull.ID)

	anon := s.browser(t)
	anon.lang = "en"
	mustContain(t, anon.get("/fukuoka/"), `href="/fukuoka/classes"`)
	list := anon.get("/fukuoka/classes")
	mustContain(t, list, `href="`+session+`"`, "1 seat left", "Full · 2 people waiting")
	if a := anon.get(session); a.status != http.StatusOK || !strings.Contains(a.body, "Sign in to enrol") {
		t.Fatalf("session page, signed out: %d", a.status)
	}
	ics := anon.get(session + "/calendar.ics")
	if ct := ics.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") || !strings.Contains(ics.body, "LOCATION:") {
		t.Errorf("the class's calendar file: %q\n%s", ct, ics.body)
	}
	course := anon.get("/fukuoka/classes/courses/" + string(nearlyFull.CourseID))
	mustContain(t, course, "<strong>Power off</strong>", "<ol>")
	if strings.Contains(course.body, "**") {
		t.Error("the lesson's Markdown is shown raw")
	}

	resident := s.browser(t)
	resident.lang = "en"
	resident.signin("resident@fukuoka.demo")
	noPhone := resident.post(session+"/enrol", url.Values{})
	if noPhone.status != http.StatusUnprocessableEntity {
		t.Fatalf("enrol without saying which phone: %d", noPhone.status)
	}
	ja := jaText(t)
	mustContain(t, noPhone, `class="error-summary"`, ja("error.field.required"))
	done := resident.post(session+"/enrol", url.Values{"phone": {"android"}, "needs": {"I hear badly"}})
	if loc := done.header.Get("Location"); done.status != http.StatusSeeOther || loc != "/fukuoka/classes/mine?done=enrolled" {
		t.Fatalf("enrol: %d %q", done.status, loc)
	}
	mine := resident.get("/fukuoka/classes/mine?done=enrolled")
	mustContain(t, mine, ja("flash.enrolled"), strings.Split(ja("classes.state.enrolled", 0), "0")[0])
	again := resident.post(session+"/enrol", url.Values{"phone": {"android"}})
	if again.status != http.StatusConflict || !strings.Contains(again.body, ja("classes.refused.already")) {
		t.Fatalf("second enrolment: %d", again.status)
	}

	other := s.browser(t)
	other.lang = "en"
	other.signin("learner6@fukuoka.demo")
	if w := other.post(session+"/enrol", url.Values{"phone": {"none"}, "borrow": {"yes"}}); w.header.Get("Location") != "/fukuoka/classes/mine?done=waitlisted" {
		t.Fatalf("enrol in a full class: %d %q", w.status, w.header.Get("Location"))
	}
	mustContain(t, other.get("/fukuoka/classes/mine"), ja("classes.state.waitlisted.other", 0))

	// Cancelling asks first, then gives the seat to the first waiting.
	mineList, err := s.app.Classes.LearnerEnrolments(context.Background(), tenantID, learnerID(t, s, "resident@fukuoka.demo"))
	if err != nil {
		t.Fatal(err)
	}
	var place classes.Enrolment
	for _, e := range mineList {
		if e.SessionID == nearlyFull.ID {
			place = e
		}
	}
	cancel := "/fukuoka/classes/enrolments/" + string(place.ID) + "/cancel"
	ask := resident.post(cancel, url.Values{})
	mustContain(t, ask, ja("confirm.class.title"), `name="confirm" value="yes"`)
	if e, _ := s.app.Classes.Enrolment(context.Background(), tenantID, place.ID); e.State != classes.Enrolled {
		t.Fatalf("asking cancelled already: %s", e.State)
	}
	if c := resident.post(cancel, url.Values{"confirm": {"yes"}}); c.header.Get("Location") != "/fukuoka/classes/mine?done=class_cancelled" {
		t.Fatalf("cancel: %d %q", c.status, c.header.Get("Location"))
	}
	mustContain(t, other.get("/fukuoka/classes/mine"), strings.Split(ja("classes.state.enrolled", 0), "0")[0])
	// Someone else's place is not theirs to cancel.
	stranger := s.browser(t)
	stranger.signin("learner1@fukuoka.demo")
	if a := stranger.post(cancel, url.Values{"confirm": {"yes"}}); a.status != http.StatusNotFound {
		t.Fatalf("a stranger cancels: %d", a.status)
	}
}

func learnerID(t *testing.T, s *site, login string) ids.User {
	t.Helper()
	u, err := s.app.Identity.ByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// An instructor plans a class typing the day and time as people do
// (full-width digits, "10.30"); a time that does not exist is refused in
// words; residents cannot open the planning page.
func TestInstructorPlansAClass(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	b := s.browser(t)
	b.lang = "en"
	b.signin("instructor@fukuoka.demo")
	page := b.get("/fukuoka/classes/manage")
	ja := jaText(t)
	mustContain(t, page, ja("classes.manage.new"), `name="date-day"`)
	day := s.app.Clock.Now().AddDate(0, 0, 20).In(time.FixedZone("JST", 9*3600))
	form := url.Values{"course": {string(xs[0].CourseID)}, "date-day": {toWide(day.Format("2"))}, "date-month": {toWide(day.Format("1"))},
		"date-year": {day.Format("2006")}, "start": {"１０.３０"}, "length": {"90"}, "capacity": {"１２"}, "venue_name": {"中央区 公民館"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("start", "25:00")
	if a := b.post("/fukuoka/classes/sessions", bad); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, ja("error.class.time")) {
		t.Fatalf("a time that does not exist: %d", a.status)
	}
	if a := b.post("/fukuoka/classes/sessions", form); a.status != http.StatusSeeOther {
		t.Fatalf("plan a class: %d %s", a.status, a.body[strings.Index(a.body, "<main"):])
	}
	now := s.app.Clock.Now()
	after, _ := s.app.Classes.Sessions(context.Background(), tenantID, now, now.AddDate(0, 1, 0))
	found := false
	for _, x := range after {
		local := x.StartsAt.In(time.FixedZone("JST", 9*3600))
		if x.Capacity == 12 && local.Hour() == 10 && local.Minute() == 30 && local.Day() == day.Day() && x.EndsAt.Sub(x.StartsAt) == 90*time.Minute {
			found = true
		}
	}
	if !found {
		t.Fatalf("the planned class is not there: %+v", after)
	}
	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	if a := resident.get("/fukuoka/classes/manage"); a.status != http.StatusForbidden {
		t.Fatalf("resident opens the planning page: %d", a.status)
	}
	roster := b.get("/fukuoka/classes/sessions/" + string(xs[1].ID) + "/roster")
	mustContain(t, roster, ja("classes.roster.waiting", 1), ja("classes.roster.waiting", 2), ja("classes.roster.borrow"))
}

// toWide writes ASCII digits as full-width ones, as a Japanese keyboard
// types them.
func toWide(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

// jaText words a message as a Japanese user (the demo accounts of
// fukuoka read Japanese) sees it.
func jaText(t *testing.T) func(key string, args ...any) string {
	t.Helper()
	c, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(key string, args ...any) string { return html.EscapeString(c.T("ja", key, args...)) }
}

// The classes' API: courses and lessons, sessions with their seats,
// enrolling (waitlisted when full) and giving a place up, with the
// refusals the OpenAPI document names.
func TestClassesAPI(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	_, xs := sessionsOf(t, s, "fukuoka")
	anon := s.browser(t)
	var courses struct {
		Items []struct{ ID, Level, Title string }
	}
	getJSON(t, anon, "/api/v1/t/fukuoka/courses?lang=en", &courses)
	if len(courses.Items) != 3 || courses.Items[0].Level != "beginner" || courses.Items[0].Title != "First steps with a smartphone" {
		t.Fatalf("courses: %+v", courses)
	}
	var course struct {
		LessonList []struct {
			Position    int
			Title, Body string
		} `json:"lesson_list"`
	}
	getJSON(t, anon, "/api/v1/t/fukuoka/courses/"+courses.Items[0].ID+"?lang=ja", &course)
	if len(course.LessonList) != 5 || course.LessonList[0].Position != 1 || !strings.Contains(course.LessonList[0].Body, "**") {
		t.Fatalf("lessons: %+v", course.LessonList)
	}
	var sessions struct {
		Items []struct {
			ID                           string
			Capacity, Enrolled, Waitlist int
			Venue                        *struct{ Name string }
		}
	}
	getJSON(t, anon, "/api/v1/t/fukuoka/sessions", &sessions)
	// Today's two classes (at a hall, then online) come first, then xs.
	if len(sessions.Items) != len(xs)+2 || sessions.Items[3].Waitlist != 2 || sessions.Items[2].Venue == nil ||
		sessions.Items[0].Venue == nil || sessions.Items[1].Venue != nil {
		t.Fatalf("sessions: %+v", sessions.Items)
	}
	if a := anon.get("/api/v1/t/fukuoka/sessions?from=tomorrow"); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("a from that is not a time: %d", a.status)
	}

	token := anon.token("resident@fukuoka.demo")
	auth := []string{"Authorization", "Bearer " + token}
	full := "/api/v1/t/fukuoka/sessions/" + string(xs[1].ID) + "/enrolments"
	post := func(path, body string) answer {
		return anon.do("POST", path, strings.NewReader(body), "application/json", auth...)
	}
	if a := post(full, `{"phone":"flip"}`); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown phone: %d %s", a.status, a.body)
	}
	a := post(full, `{"phone":"iphone","needs":"大きな文字"}`)
	if a.status != http.StatusCreated || !strings.Contains(a.body, `"state":"waitlisted"`) {
		t.Fatalf("enrol in a full session: %d %s", a.status, a.body)
	}
	var made struct{ ID string }
	if err := json.Unmarshal([]byte(a.body), &made); err != nil {
		t.Fatal(err)
	}
	if a := post(full, `{"phone":"iphone"}`); a.status != http.StatusConflict || !strings.Contains(a.body, "already_enrolled") {
		t.Fatalf("a second enrolment: %d %s", a.status, a.body)
	}
	place := "/api/v1/t/fukuoka/enrolments/" + made.ID
	other := []string{"Authorization", "Bearer " + anon.token("learner1@fukuoka.demo")}
	if a := anon.do("DELETE", place, nil, "", other...); a.status != http.StatusNotFound {
		t.Fatalf("someone else gives the place up: %d", a.status)
	}
	if a := anon.do("DELETE", place, nil, "", auth...); a.status != http.StatusNoContent {
		t.Fatalf("give the place up: %d %s", a.status, a.body)
	}
	if a := anon.do("DELETE", place, nil, "", auth...); a.status != http.StatusConflict {
		t.Fatalf("give it up twice: %d", a.status)
	}
}

func getJSON(t *testing.T, b *browser, path string, v any) {
	t.Helper()
	a := b.get(path)
	if a.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, a.status, a.body)
	}
	if err := json.Unmarshal([]byte(a.body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// Check-in in the room: the instructor's screen shows the code (digits
// and QR code) and renews itself without script; a seated learner's code
// checks them in, a wrong one is refused in words, a learner without a
// seat is told so; the instructor ticks someone on the roster.
func TestClassCheckIn(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Date(2026, 11, 13, 3, 0, 0, 0, time.UTC))
	s := startSiteWith(t, false, []app.Option{app.WithClock(clk)})
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	x := xs[0] // learner1…learner5 have seats
	clk.Advance(x.StartsAt.Add(-10 * time.Minute).Sub(clk.Now()))
	base := "/fukuoka/classes/sessions/" + string(x.ID)
	ja := jaText(t)

	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	code := s.app.Classes.CheckInCode(x.ID, clk.Now())
	mustContain(t, teacher.get(base+"/checkin"), `data-every="30"`, `src="/static/v/live`, "</span>"+code+"</p>", base+"/checkin/qr.png")
	if qr := teacher.get(base + "/checkin/qr.png"); qr.status != http.StatusOK || qr.header.Get("Content-Type") != "image/png" {
		t.Fatalf("the QR code: %d %s", qr.status, qr.header.Get("Content-Type"))
	}

	learner := s.browser(t)
	learner.signin("learner1@fukuoka.demo")
	mustContain(t, learner.get(base+"/here?code="+code), `value="`+code+`"`)
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	if a := learner.post(base+"/here", url.Values{"code": {wrong}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, ja("classes.here.code_wrong")) {
		t.Fatalf("a wrong code: %d", a.status)
	}
	if a := learner.post(base+"/here", url.Values{"code": {code}}); a.header.Get("Location") != base+"?done=checked_in" {
		t.Fatalf("check in: %d %q", a.status, a.header.Get("Location"))
	}
	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	if a := resident.post(base+"/here", url.Values{"code": {code}}); a.status != http.StatusConflict || !strings.Contains(a.body, ja("classes.here.not_seated")) {
		t.Fatalf("a learner without a seat: %d", a.status)
	}

	roster, err := s.app.Classes.Roster(context.Background(), tenantID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tick classes.Enrolment
	for _, e := range roster {
		if e.AttendedAt == nil && e.State == classes.Enrolled {
			tick = e
		}
	}
	if a := teacher.post("/fukuoka/classes/enrolments/"+string(tick.ID)+"/attended", url.Values{"came": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("tick: %d", a.status)
	}
	if e, _ := s.app.Classes.Enrolment(context.Background(), tenantID, tick.ID); e.AttendedAt == nil {
		t.Fatal("the tick did not count")
	}
	if a := learner.post("/fukuoka/classes/enrolments/"+string(tick.ID)+"/attended", url.Values{"came": {"no"}}); a.status != http.StatusNotFound {
		t.Fatalf("a learner unticks someone: %d", a.status)
	}
	mustContain(t, teacher.get(base+"/checkin"), ja("classes.checkin.came", 2, 5))
}

// An instructor enrols a resident who phoned: found by their email, the
// form enrols them (not the instructor), and the page says so.
func TestStaffEnrolSomeoneWhoPhoned(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	base := "/fukuoka/classes/sessions/" + string(xs[0].ID)
	ja := jaText(t)
	b := s.browser(t)
	b.signin("instructor@fukuoka.demo")
	mustContain(t, b.get(base+"?who=nobody@example.jp"), `class="field-error" id="who-error"`)
	page := b.get(base + "?who=resident@fukuoka.demo")
	resident := learnerID(t, s, "resident@fukuoka.demo")
	mustContain(t, page, `name="for" value="`+string(resident)+`"`, ja("classes.enrolling_for", "田中 一郎"))
	a := b.post(base+"/enrol", url.Values{"for": {string(resident)}, "phone": {"none"}, "borrow": {"yes"}})
	if a.header.Get("Location") != base+"?done=enrolled_other" {
		t.Fatalf("enrol someone who phoned: %d %q", a.status, a.header.Get("Location"))
	}
	es, _ := s.app.Classes.LearnerEnrolments(context.Background(), tenantID, resident)
	found := false
	for _, e := range es {
		found = found || e.SessionID == xs[0].ID && e.State == classes.Enrolled && e.Borrow
	}
	if !found {
		t.Fatalf("the resident's enrolments: %+v", es)
	}
	// A resident cannot enrol someone else who did not allow it.
	other := s.browser(t)
	other.signin("learner1@fukuoka.demo")
	if a := other.post(base+"/enrol", url.Values{"for": {string(learnerID(t, s, "learner6@fukuoka.demo"))}, "phone": {"none"}}); a.status != http.StatusBadRequest {
		t.Fatalf("enrolling a stranger: %d", a.status)
	}
}

// An instructor calls a class off after being asked; its learners see it
// in their classes and no one can enrol any more.
func TestCallAClassOff(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	_, xs := sessionsOf(t, s, "fukuoka")
	online := xs[2] // the demo resident's
	base := "/fukuoka/classes/sessions/" + string(online.ID)
	ja := jaText(t)
	b := s.browser(t)
	b.signin("instructor@fukuoka.demo")
	mustContain(t, b.post(base+"/cancel", url.Values{}), ja("confirm.class_session.title"), `name="confirm" value="yes"`)
	if a := b.post(base+"/cancel", url.Values{"confirm": {"yes"}}); a.header.Get("Location") != "/fukuoka/classes/manage?done=class_called_off" {
		t.Fatalf("call off: %d %q", a.status, a.header.Get("Location"))
	}
	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	mustContain(t, resident.get("/fukuoka/classes/mine"), ja("classes.state.called_off"))
	learner := s.browser(t)
	learner.signin("learner1@fukuoka.demo")
	if a := learner.post(base+"/enrol", url.Values{"phone": {"android"}}); a.status != http.StatusConflict || !strings.Contains(a.body, ja("classes.refused.cancelled")) {
		t.Fatalf("enrolling in a class called off: %d", a.status)
	}
}

// Staff enrolling someone who does not exist are told which field is
// wrong, through the API and the page, and nothing is enrolled.
func TestEnrolNobody(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	_, xs := sessionsOf(t, s, "fukuoka")
	teacher := s.browser(t)
	token := teacher.token("instructor@fukuoka.demo")
	nobody := "01a00000-0000-7000-8000-000000000000"
	a := teacher.do("POST", "/api/v1/t/fukuoka/sessions/"+string(xs[0].ID)+"/enrolments",
		strings.NewReader(`{"phone":"android","for":"`+nobody+`"}`), "application/json", "Authorization", "Bearer "+token)
	if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `"for"`) {
		t.Errorf("enrolling nobody through the API: %d %s", a.status, a.body)
	}
	teacher.signin("instructor@fukuoka.demo")
	page := teacher.post("/fukuoka/classes/sessions/"+string(xs[0].ID)+"/enrol", url.Values{"phone": {"android"}, "for": {nobody}})
	if page.status != http.StatusBadRequest {
		t.Errorf("enrolling nobody through the page: %d", page.status)
	}
	after, _ := s.app.Classes.Session(context.Background(), xs[0].TenantID, xs[0].ID)
	if after.Enrolled != xs[0].Enrolled || after.Waitlisted != xs[0].Waitlisted {
		t.Errorf("enrolling nobody changed the counts: %+v", after)
	}
}
