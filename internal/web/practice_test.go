package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
)

// lessonWith finds the lesson of the demo tenant's courses that offers e.
func lessonWith(t *testing.T, s *site, slug string, e classes.Exercise) (ids.Tenant, classes.Lesson) {
	t.Helper()
	ten, err := s.app.Tenants.BySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.app.Classes.Courses(context.Background(), ten.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, brief := range cs {
		c, err := s.app.Classes.Course(context.Background(), ten.ID, brief.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.Lessons {
			for _, k := range l.Exercises {
				if k == e {
					return ten.ID, l
				}
			}
		}
	}
	t.Fatalf("no demo lesson of %s offers %s", slug, e)
	return "", classes.Lesson{}
}

// todaySession is the demo class starting within the half hour.
func todaySession(t *testing.T, s *site, slug string) classes.Session {
	t.Helper()
	ten, err := s.app.Tenants.BySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	now := s.app.Clock.Now()
	xs, err := s.app.Classes.Sessions(context.Background(), ten.ID, now, now.Add(time.Hour))
	xs = atHall(xs)
	if err != nil || len(xs) != 1 {
		t.Fatalf("today's demo class: %d, %v", len(xs), err)
	}
	return xs[0]
}

// A learner practises as themselves: the list shows each lesson's
// exercises, an exercise page holds its stage, a result is saved (misses
// typed in full-width digits read), and a result naming someone else,
// a nonsense one and an exercise the lesson does not offer are refused
// with nothing saved.
func TestPracticeAsLearner(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, lesson := lessonWith(t, s, "fukuoka", classes.Swipe)
	learner := s.browser(t)
	learner.signin("learner1@fukuoka.demo") // reads Japanese, the account's language
	ja := jaText(t)
	page := "/fukuoka/classes/lessons/" + lesson.ID + "/practice/swipe"

	list := learner.get("/fukuoka/classes/practice/exercises")
	mustContain(t, list, `href="`+page+`"`, ja("practice.ex.swipe.title"), ja("practice.state.new"))
	ex := learner.get(page)
	mustContain(t, ex, `data-kind="swipe"`, `data-save="`+page+`"`, "/practice.", ja("practice.ex.swipe.how"))
	json := []string{"Accept", "application/json"}
	save := func(form url.Values) answer {
		return learner.do("POST", page, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", json...)
	}
	if a := save(url.Values{"done": {"1"}, "misses": {"２"}}); a.status != http.StatusOK || !strings.Contains(a.body, `"saved":true`) {
		t.Fatalf("saving a finished swipe: %d %s", a.status, a.body)
	}
	me, err := s.app.Identity.ByLogin(context.Background(), "learner1@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.app.Identity.ByLogin(context.Background(), "learner2@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	if a := save(url.Values{"done": {"1"}, "learner": {string(other.ID)}}); a.status != http.StatusForbidden || !strings.Contains(a.body, ja("practice.not_yours")) {
		t.Errorf("a result for another learner: %d %s", a.status, a.body)
	}
	if a := save(url.Values{"done": {"1"}, "misses": {"many"}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("misses=many: %d", a.status)
	}
	if a := save(url.Values{"done": {"1"}, "misses": {"-3"}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("misses=-3: %d", a.status)
	}
	if a := learner.post("/fukuoka/classes/lessons/"+lesson.ID+"/practice/typing", url.Values{"done": {"1"}}); a.status != http.StatusNotFound {
		t.Errorf("an exercise the lesson does not offer: %d", a.status)
	}
	// Without script, a plain form goes back to the exercise.
	if a := learner.post(page, url.Values{"misses": {"1"}}); a.status != http.StatusSeeOther || a.header.Get("Location") != page {
		t.Errorf("a plain form: %d %q", a.status, a.header.Get("Location"))
	}
	got, err := s.app.Classes.ProgressOf(context.Background(), tenantID, classes.Practiser{LearnerID: me.ID})
	if err != nil {
		t.Fatal(err)
	}
	if p := got[lesson.ID][classes.Swipe]; p.DoneAt == nil || p.Tries != 2 || p.Misses != 3 {
		t.Errorf("progress = %+v, want done, 2 tries, 3 misses", p)
	}
	if theirs, _ := s.app.Classes.ProgressOf(context.Background(), tenantID, classes.Practiser{LearnerID: other.ID}); len(theirs) != 0 {
		t.Errorf("the other learner's progress = %+v, want none", theirs)
	}
	mustContain(t, learner.get("/fukuoka/classes/practice/exercises"), `class="exercise-link done" href="`+page+`"`)
	mustContain(t, learner.get(page), ja("practice.done_before"))
}

// Someone without an account types the class code (in full-width digits)
// and practises as a guest; anyone else is sent to type it; a wrong code
// is refused in their language; the guest's cookie opens nothing at
// another tenant.
func TestPracticeGuestStaysInItsTenant(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, lesson := lessonWith(t, s, "fukuoka", classes.Tap)
	today := todaySession(t, s, "fukuoka")
	page := "/fukuoka/classes/lessons/" + lesson.ID + "/practice/tap"

	guest := s.browser(t)
	guest.lang = "ja"
	a := guest.get(page)
	entry := "/fukuoka/classes/practice?next=" + url.QueryEscape(page)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != entry {
		t.Fatalf("a practice page, unknown: %d %q, want to %q", a.status, a.header.Get("Location"), entry)
	}
	mustContain(t, guest.get(entry), `name="code"`, `value="`+page+`"`)
	ja := jaText(t)
	code := s.app.Classes.PracticeCode(today.ID)
	// The instructor shows the code on the roster and the room's screen;
	// the classes page and each lesson lead to the practice.
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	for _, page := range []string{"/roster", "/checkin"} {
		mustContain(t, teacher.get("/fukuoka/classes/sessions/"+string(today.ID)+page), ja("practice.code.for_guests", code, s.srv.URL+"/fukuoka/classes/practice"))
	}
	mustContain(t, guest.get("/fukuoka/classes"), `href="/fukuoka/classes/practice"`)
	wrong := guest.post("/fukuoka/classes/practice", url.Values{"code": {"000000"}, "next": {page}})
	if code == "000000" {
		wrong = guest.post("/fukuoka/classes/practice", url.Values{"code": {"111111"}, "next": {page}})
	}
	if wrong.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong code: %d", wrong.status)
	}
	mustContain(t, wrong, ja("practice.entry.code_wrong"), `class="error-summary"`)
	in := guest.post("/fukuoka/classes/practice", url.Values{"code": {toWide(code)}, "name": {"佐藤"}, "next": {page}})
	if in.status != http.StatusSeeOther || in.header.Get("Location") != page {
		t.Fatalf("the right code: %d %q", in.status, in.header.Get("Location"))
	}
	mustContain(t, guest.get(page), `data-kind="tap"`)
	mustContain(t, guest.get("/fukuoka/classes/practice/exercises"), ja("practice.entry.as_guest", "佐藤"))
	if a := guest.post(page, url.Values{"done": {"1"}}); a.status != http.StatusSeeOther {
		t.Fatalf("the guest saves a tap: %d", a.status)
	}
	if a := guest.post("/fukuoka/classes/lessons/"+lesson.ID+"/practice/tap", url.Values{"done": {"1"}, "learner": {"someone-else"}}); a.status != http.StatusForbidden {
		t.Errorf("the guest saves for someone else: %d", a.status)
	}
	// The guest's cookie is for fukuoka only.
	if a := guest.get("/neyagawa/classes/practice/exercises"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/neyagawa/classes/practice?next=") {
		t.Errorf("the guest at another tenant: %d %q", a.status, a.header.Get("Location"))
	}
	// The guest's progress is theirs; nothing was recorded for an account.
	var guestID string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT id FROM practice_guests WHERE session_id = ?", today.ID).Scan(&guestID); err != nil {
		t.Fatal(err)
	}
	p, err := s.app.Classes.ProgressOf(context.Background(), tenantID, classes.Practiser{GuestID: guestID})
	if err != nil || p[lesson.ID][classes.Tap].DoneAt == nil || p[lesson.ID][classes.Tap].Tries != 1 {
		t.Errorf("guest progress = %+v, %v", p, err)
	}
	// The instructor sees the guest's progress, and the demo resident's
	// (one exercise done), on the roster.
	c, _ := s.app.Classes.Course(context.Background(), tenantID, today.CourseID)
	all := 0
	for _, l := range c.Lessons {
		all += len(l.Exercises)
	}
	roster := teacher.get("/fukuoka/classes/sessions/" + string(today.ID) + "/roster")
	mustContain(t, roster, ja("classes.roster.guests"), "佐藤 · "+ja("classes.roster.practised_of", 1, all), "<td>"+ja("classes.roster.practised_of", 1, all)+"</td>")
}

// The practice mailbox works as plain pages: messages arrive unread, a
// message opens (and is read), the photo opens, a reply is kept, each
// verdict is answered with the signs, and the exercise is done when every
// message is judged rightly. Replying to a scam is not offered and is
// refused.
func TestPracticeMailbox(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, lesson := lessonWith(t, s, "banyuwangi", classes.Mailbox)
	b := s.browser(t)
	b.lang = "id"
	b.signin("learner2@banyuwangi.demo")
	box := "/banyuwangi/classes/lessons/" + lesson.ID + "/practice/mailbox"
	msg := func(key string) string { return "/banyuwangi/classes/lessons/" + lesson.ID + "/mailbox/" + key }

	list := b.get(box)
	mustContain(t, list, `class="mail-row unread" href="`+msg("prize")+`"`, "SELAMAT! Anda memenangkan hadiah!", "0 dari 5")
	family := b.get(msg("family"))
	mustContain(t, family, "Foto hari Minggu", `href="`+msg("family")+`/photo"`, `name="reply"`)
	mustContain(t, b.get(msg("family")+"/photo"), "<svg", "Nenek bersama dua cucu")
	if a := b.post(msg("family"), url.Values{"reply": {"  "}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("an empty reply: %d", a.status)
	}
	if a := b.post(msg("family"), url.Values{"reply": {"Terima kasih, cantik sekali!"}}); a.status != http.StatusSeeOther {
		t.Fatalf("reply: %d", a.status)
	}
	mustContain(t, b.get(msg("family")), "Terima kasih, cantik sekali!", "Sudah dibuka")
	prize := b.get(msg("prize"))
	mustNotContain(t, prize, `name="reply"`)
	if a := b.post(msg("prize"), url.Values{"reply": {"nomor rekening saya 123"}}); a.status != http.StatusNotFound {
		t.Errorf("a reply to the scam: %d", a.status)
	}
	// A posted "done" does not finish the mailbox: only judging does.
	b.post(box, url.Values{"done": {"1"}})
	if p, _ := s.app.Classes.ProgressOf(context.Background(), tenantID, classes.Practiser{LearnerID: mustUser(t, s, "learner2@banyuwangi.demo").ID}); p[lesson.ID][classes.Mailbox].Tries != 0 {
		t.Errorf("a posted result counted on the mailbox: %+v", p[lesson.ID][classes.Mailbox])
	}
	b.post(msg("prize"), url.Values{"verdict": {"safe"}})
	mustContain(t, b.get(msg("prize")), "Belum tepat.", "Pesan ini penipuan.", "Anda tidak pernah ikut undian")
	for _, m := range classes.Mails {
		v := "safe"
		if m.Scam {
			v = "scam"
		}
		if a := b.post(msg(m.Key), url.Values{"verdict": {v}}); a.status != http.StatusSeeOther {
			t.Fatalf("verdict on %s: %d", m.Key, a.status)
		}
	}
	mustContain(t, b.get(box), "5 dari 5", "Anda sudah mengenali semua penipuan")
	me, _ := s.app.Identity.ByLogin(context.Background(), "learner2@banyuwangi.demo")
	p, err := s.app.Classes.ProgressOf(context.Background(), tenantID, classes.Practiser{LearnerID: me.ID})
	if got := p[lesson.ID][classes.Mailbox]; err != nil || got.DoneAt == nil || got.Misses != 1 || got.Tries != 6 {
		t.Errorf("mailbox progress = %+v, %v; want done with 1 miss in 6 tries", got, err)
	}
	if a := b.get("/banyuwangi/classes/lessons/" + lesson.ID + "/mailbox/lottery"); a.status != http.StatusNotFound {
		t.Errorf("a message that is not there: %d", a.status)
	}
	// Practising again: the messages come back unread and unjudged.
	if a := b.post(box, url.Values{"action": {"reset"}}); a.status != http.StatusSeeOther {
		t.Fatalf("start the mailbox again: %d", a.status)
	}
	mustContain(t, b.get(box), `class="mail-row unread" href="`+msg("family")+`"`, "0 dari 5")
}

// Help in the room, without script: the seated resident and a guest with
// the class code press "help me" and see their place; the instructor sees
// both oldest first, takes the next, and marks them helped; someone not in
// the class is refused in their language.
func TestHelpInTheRoomPages(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	today := todaySession(t, s, "fukuoka")
	help := "/fukuoka/classes/sessions/" + string(today.ID) + "/help"
	helpers := "/fukuoka/classes/sessions/" + string(today.ID) + "/helpers"
	ja := jaText(t)

	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	mustContain(t, resident.get("/fukuoka/classes/sessions/"+string(today.ID)), `href="`+help+`"`)
	mustContain(t, resident.get(help), ja("help.ask"))
	if a := resident.post(help, url.Values{}); a.status != http.StatusSeeOther {
		t.Fatalf("help me: %d", a.status)
	}
	mustContain(t, resident.get(help), ja("help.next"), ja("help.fine_now"))

	guest := s.browser(t)
	if a := guest.post("/fukuoka/classes/practice", url.Values{"code": {s.app.Classes.PracticeCode(today.ID)}, "name": {"佐藤"}}); a.status != http.StatusSeeOther {
		t.Fatalf("guest in: %d", a.status)
	}
	mustContain(t, guest.get("/fukuoka/classes/practice/exercises"), `href="`+help+`"`)
	guest.post(help, url.Values{})
	mustContain(t, guest.get(help), ja("help.ahead.other", 1))

	stranger := s.browser(t)
	stranger.signin("learner1@fukuoka.demo") // has no seat today
	if a := stranger.post(help, url.Values{}); a.status != http.StatusForbidden || !strings.Contains(a.body, ja("help.refused.not_in_class")) {
		t.Errorf("someone not in the class: %d", a.status)
	}

	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	list := teacher.get(helpers)
	me, _ := s.app.Identity.ByLogin(context.Background(), "resident@fukuoka.demo")
	mustContain(t, list, ja("help.helpers.waiting.other", 2), me.Name, "佐藤", ja("help.helpers.take"))
	if strings.Index(list.body, me.Name) > strings.Index(list.body, "佐藤") {
		t.Error("the resident asked first but is listed after the guest")
	}
	if a := teacher.post(helpers, url.Values{}); a.status != http.StatusSeeOther {
		t.Fatalf("take the next: %d", a.status)
	}
	mustContain(t, resident.get(help), ja("help.coming"))
	mustContain(t, guest.get(help), ja("help.next"))
	queue, err := s.app.Classes.HelpQueue(context.Background(), today.TenantID, today.ID)
	if err != nil || len(queue) != 2 || queue[0].TakenAt == nil || queue[1].TakenAt != nil {
		t.Fatalf("queue after taking one: %+v, %v", queue, err)
	}
	teacher.post(helpers, url.Values{"done": {queue[0].ID}})
	guest.post(help, url.Values{"action": {"cancel"}})
	if q, _ := s.app.Classes.HelpQueue(context.Background(), today.TenantID, today.ID); len(q) != 0 {
		t.Errorf("after helping one and the other being fine: %+v", q)
	}
	if a := teacher.post(helpers, url.Values{}); a.header.Get("Location") != helpers+"?done=no_help_waiting" {
		t.Errorf("taking when no one waits: %d %q", a.status, a.header.Get("Location"))
	}
	if a := teacher.post(helpers, url.Values{"done": {"01a2453e-0000-7000-8000-000000000000"}}); a.status != http.StatusNotFound {
		t.Errorf("closing a request that is not there: %d", a.status)
	}
	// A learner of this class cannot open the helpers' list.
	if a := resident.get(helpers); a.status != http.StatusForbidden {
		t.Errorf("the helpers' list as a learner: %d", a.status)
	}
}

// A certificate, without script: refused (with what is left) until the
// resident came to a class and did every exercise of the course; then
// printed with a QR code, and the public verification page says it is
// genuine. Another learner sees their own progress, not the certificate.
func TestCertificatePages(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	today := todaySession(t, s, "fukuoka")
	ja := jaText(t)
	course := "/fukuoka/classes/courses/" + string(today.CourseID)
	cert := course + "/certificate"

	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	mustContain(t, resident.get(course), `href="`+cert+`"`)
	mustContain(t, resident.get(cert), ja("cert.progress.not_came"))
	if a := resident.post(cert, url.Values{}); a.status != http.StatusConflict || !strings.Contains(a.body, ja("cert.refused.not_complete")) {
		t.Fatalf("a certificate before finishing: %d", a.status)
	}
	here := "/fukuoka/classes/sessions/" + string(today.ID) + "/here"
	if a := resident.post(here, url.Values{"code": {s.app.Classes.CheckInCode(today.ID, s.app.Clock.Now())}}); a.status != http.StatusSeeOther {
		t.Fatalf("check in: %d", a.status)
	}
	c, err := s.app.Classes.Course(context.Background(), today.TenantID, today.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons {
		for _, e := range l.Exercises {
			page := "/fukuoka/classes/lessons/" + l.ID + "/practice/" + string(e)
			if e == classes.Mailbox {
				for _, m := range classes.Mails {
					v := "safe"
					if m.Scam {
						v = "scam"
					}
					resident.post("/fukuoka/classes/lessons/"+l.ID+"/mailbox/"+m.Key, url.Values{"verdict": {v}})
				}
				continue
			}
			if a := resident.post(page, url.Values{"done": {"1"}}); a.status != http.StatusSeeOther {
				t.Fatalf("%s: %d", page, a.status)
			}
		}
	}
	if a := resident.post(cert, url.Values{}); a.status != http.StatusSeeOther || a.header.Get("Location") != cert {
		t.Fatalf("the certificate of a finished course: %d %q", a.status, a.header.Get("Location"))
	}
	paper := resident.get(cert)
	me, _ := s.app.Identity.ByLogin(context.Background(), "resident@fukuoka.demo")
	mustContain(t, paper, me.Name, ja("cert.title"), c.Title.In("ja"), `/qr.png"`, `class="fingerprint"`)
	code := regexp.MustCompile(`/verify/([A-Z2-7]{16})/qr\.png`).FindStringSubmatch(paper.body)
	if code == nil {
		t.Fatal("no verification QR code on the certificate")
	}
	anon := s.browser(t)
	check := anon.get("/verify/" + code[1])
	mustContain(t, check, ja("verify.genuine"), ja("cert.title"))
	mustNotContain(t, check, me.Name) // the public page shows initials only
	if qr := anon.get("/verify/" + code[1] + "/qr.png"); qr.header.Get("Content-Type") != "image/png" {
		t.Errorf("the certificate's QR code: %q", qr.header.Get("Content-Type"))
	}
	other := s.browser(t)
	other.signin("learner1@fukuoka.demo")
	mine := other.get(cert)
	mustContain(t, mine, ja("cert.progress.not_came"))
	mustNotContain(t, mine, code[1])
	if a := other.get("/neyagawa/classes/courses/" + string(today.CourseID) + "/certificate"); a.status != http.StatusNotFound {
		t.Errorf("the course through another tenant: %d", a.status)
	}
}

// The month's figures for staff: per course the certificates and the
// learners by age, the exercises where learners struggle (the demo
// resident's practice is there), and the same in the CSV, whose columns
// are named in the reader's language; a month typed in full-width digits
// is read.
func TestClassFiguresPage(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ja := jaText(t)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	month := s.app.Clock.Now().In(time.FixedZone("JST", 9*3600)).Format("2006-01")
	page := admin.get("/fukuoka/classes/figures?month=" + toWide(month))
	if page.status != http.StatusOK {
		t.Fatalf("figures: %d", page.status)
	}
	mustContain(t, page, ja("classes.figures.completed"), ja("classes.figures.ages"), ja("classes.q.age.70s"),
		ja("classes.figures.struggles"), ja("practice.ex.tap.title"))
	mustNotContain(t, page, ja("classes.figures.struggles.none"))
	csv := admin.get("/fukuoka/classes/figures.csv?month=" + month)
	if !strings.HasPrefix(csv.body, "\ufeff") {
		t.Error("the CSV has no byte-order mark")
	}
	header := strings.SplitN(strings.TrimPrefix(csv.body, "\ufeff"), "\n", 2)[0]
	for _, want := range []string{ja("classes.figures.completed"), ja("classes.q.age") + ": " + ja("classes.q.age.80plus")} {
		if !strings.Contains(header, want) {
			t.Errorf("CSV header %q lacks %q", header, want)
		}
	}
}

// The age question at enrolment is optional; an answer not on the list is
// refused at the field, a listed one is kept for the figures.
func TestEnrolAgeBand(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	online := "/fukuoka/classes/sessions/" + string(xs[2].ID)
	b := s.browser(t)
	b.signin("learner5@fukuoka.demo")
	mustContain(t, b.get(online), `name="age" value="80plus"`)
	if a := b.post(online+"/enrol", url.Values{"phone": {"iphone"}, "age": {"90s"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `href="#age"`) {
		t.Fatalf("an age band not on the list: %d", a.status)
	}
	if a := b.post(online+"/enrol", url.Values{"phone": {"iphone"}, "age": {"80plus"}}); a.status != http.StatusSeeOther {
		t.Fatalf("enrol with an age band: %d", a.status)
	}
	me, _ := s.app.Identity.ByLogin(context.Background(), "learner5@fukuoka.demo")
	es, err := s.app.Classes.LearnerEnrolments(context.Background(), tenantID, me.ID)
	found := false
	for _, e := range es {
		found = found || e.SessionID == xs[2].ID && e.AgeBand == "80plus"
	}
	if err != nil || !found {
		t.Errorf("the enrolment with its age band: %+v, %v", es, err)
	}
}

// Digital supporters, without script: a resident offers to help (the
// promise ticked first), an admin approves (an instructor may not), an
// instructor records training and puts them on today's class, and then —
// not before — they see who needs help there and log their time once the
// class has begun; the month's figures and the supporters' list count it.
func TestSupporterPages(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Date(2026, 11, 13, 3, 0, 0, 0, time.UTC))
	s := startSiteWith(t, false, []app.Option{app.WithClock(clk)})
	today := todaySession(t, s, "fukuoka")
	ja := jaText(t)
	vol := s.browser(t)
	vol.signin("learner6@fukuoka.demo")
	me, _ := s.app.Identity.ByLogin(context.Background(), "learner6@fukuoka.demo")
	if a := vol.post("/fukuoka/classes/volunteer", url.Values{"motivation": {"孫に教えています"}}); a.status != http.StatusUnprocessableEntity ||
		!strings.Contains(a.body, ja("supporter.agree.required")) {
		t.Fatalf("offering without the promise: %d", a.status)
	}
	if a := vol.post("/fukuoka/classes/volunteer", url.Values{"motivation": {"孫に教えています"}, "agree": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("offering: %d", a.status)
	}
	mustContain(t, vol.get("/fukuoka/classes/volunteer"), ja("supporter.status.applied"))

	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	mustContain(t, teacher.get("/fukuoka/classes/supporters"), me.Name, "孫に教えています", ja("supporter.state.applied"))
	decide := "/fukuoka/classes/supporters/" + string(me.ID) + "/decide"
	if a := teacher.post(decide, url.Values{"approve": {"yes"}}); a.status != http.StatusForbidden {
		t.Errorf("an instructor approving: %d", a.status)
	}
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	if a := admin.post(decide, url.Values{"approve": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", a.status)
	}
	training := "/fukuoka/classes/supporters/" + string(me.ID) + "/training"
	if a := teacher.post(training, url.Values{"topic-" + string(me.ID): {" "}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("training without a topic: %d", a.status)
	}
	teacher.post(training, url.Values{"topic-" + string(me.ID): {"支援員基礎研修"}})
	mustContain(t, vol.get("/fukuoka/classes/volunteer"), ja("supporter.status.approved"), "支援員基礎研修")

	helpers := "/fukuoka/classes/sessions/" + string(today.ID) + "/helpers"
	if a := vol.get(helpers); a.status != http.StatusForbidden {
		t.Errorf("the helpers' list before being put on the class: %d", a.status)
	}
	team := "/fukuoka/classes/sessions/" + string(today.ID) + "/team"
	if a := teacher.post(team, url.Values{"user": {string(me.ID)}}); a.status != http.StatusSeeOther || !strings.HasSuffix(a.header.Get("Location"), "done=saved#team") {
		t.Fatalf("put on the class: %d %q", a.status, a.header.Get("Location"))
	}
	resident, _ := s.app.Identity.ByLogin(context.Background(), "resident@fukuoka.demo")
	if a := teacher.post(team, url.Values{"user": {string(resident.ID)}}); !strings.Contains(a.header.Get("Location"), "done=not_assignable") {
		t.Errorf("putting a resident who is no supporter on the class: %q", a.header.Get("Location"))
	}
	mustContain(t, teacher.get("/fukuoka/classes/sessions/"+string(today.ID)+"/roster"), me.Name+" · "+ja("supporter.role.supporter"))
	if a := vol.get(helpers); a.status != http.StatusOK {
		t.Errorf("the helpers' list as the class's supporter: %d", a.status)
	}
	hours := "/fukuoka/classes/sessions/" + string(today.ID) + "/hours"
	field := "minutes-" + string(today.ID)
	if a := vol.post(hours, url.Values{field: {"60"}}); a.status != http.StatusConflict {
		t.Errorf("logging time before the class: %d", a.status)
	}
	clk.Advance(today.StartsAt.Add(time.Hour).Sub(clk.Now()))
	if a := vol.post(hours, url.Values{field: {"１２０"}}); a.status != http.StatusSeeOther {
		t.Fatalf("logging 120 minutes in full-width digits: %d", a.status)
	}
	stranger := s.browser(t)
	stranger.signin("learner1@fukuoka.demo")
	if a := stranger.post(hours, url.Values{field: {"60"}}); a.status != http.StatusForbidden {
		t.Errorf("logging time for a class one is not on: %d", a.status)
	}
	month := today.StartsAt.In(time.FixedZone("JST", 9*3600)).Format("2006-01")
	mustContain(t, admin.get("/fukuoka/classes/figures?month="+month), ja("classes.figures.hours.text", 1, 120))
	mustContain(t, admin.get("/fukuoka/classes/supporters?month="+month), ja("supporter.month_minutes", 120))
}

// The course editor, without script: an instructor changes a copied
// course's title and hides it, adds a lesson with an exercise, moves it to
// the top, and deletes it after being asked; a lesson without a title is
// refused at its field; a lesson learners practised stays. The
// coordinator shares a course; another tenant's instructor copies it from
// the library, unpublished.
func TestCourseEditor(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ja := jaText(t)
	today := todaySession(t, s, "fukuoka")
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	edit := "/fukuoka/classes/courses/" + string(today.CourseID) + "/edit"
	lessons := "/fukuoka/classes/courses/" + string(today.CourseID) + "/lessons"
	mustContain(t, teacher.get("/fukuoka/classes/manage"), `href="`+edit+`"`)
	form := teacher.get(edit)
	mustContain(t, form, `name="title_ja"`, `name="published" value="yes" checked`)
	if a := teacher.post(edit, url.Values{"level": {"beginner"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `href="#title_id"`) {
		t.Errorf("a course without a title: %d", a.status)
	}
	if a := teacher.post(edit, url.Values{"level": {"beginner"}, "title_ja": {"はじめてのスマホ（改）"}}); a.status != http.StatusSeeOther {
		t.Fatalf("save the course: %d", a.status)
	}
	c, _ := s.app.Classes.Course(context.Background(), today.TenantID, today.CourseID)
	if c.Title["ja"] != "はじめてのスマホ（改）" || c.Published {
		t.Errorf("after saving: %q published=%v", c.Title["ja"], c.Published)
	}
	n := len(c.Lessons)
	if a := teacher.post(lessons, url.Values{"body_ja": {"本文"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `href="#title_id"`) {
		t.Errorf("a lesson without a title: %d", a.status)
	}
	if a := teacher.post(lessons, url.Values{"title_ja": {"QRコード"}, "body_ja": {"1. カメラを 開きます。"}, "exercises": {"tap", "swipe"}}); a.status != http.StatusSeeOther {
		t.Fatalf("add a lesson: %d", a.status)
	}
	c, _ = s.app.Classes.Course(context.Background(), today.TenantID, today.CourseID)
	added := c.Lessons[n]
	if added.Title["ja"] != "QRコード" || len(added.Exercises) != 2 {
		t.Fatalf("the added lesson: %+v", added)
	}
	mustContain(t, teacher.get(lessons+"?lesson="+added.ID), `value="swipe" checked`, "QRコード")
	for range n {
		teacher.post(lessons, url.Values{"lesson": {added.ID}, "action": {"up"}})
	}
	c, _ = s.app.Classes.Course(context.Background(), today.TenantID, today.CourseID)
	if c.Lessons[0].ID != added.ID {
		t.Errorf("moved up %d times, the lesson is at %d", n, slices.IndexFunc(c.Lessons, func(l classes.Lesson) bool { return l.ID == added.ID }))
	}
	ask := teacher.post(lessons, url.Values{"lesson": {added.ID}, "action": {"delete"}})
	mustContain(t, ask, ja("edit.lesson.delete.title"), `name="confirm" value="yes"`)
	teacher.post(lessons, url.Values{"lesson": {added.ID}, "action": {"delete"}, "confirm": {"yes"}})
	c, _ = s.app.Classes.Course(context.Background(), today.TenantID, today.CourseID)
	if len(c.Lessons) != n || c.Lessons[0].Position != 1 {
		t.Errorf("after deleting: %d lessons", len(c.Lessons))
	}
	// The demo resident practised the first lesson with exercises.
	practised := c.Lessons[slices.IndexFunc(c.Lessons, func(l classes.Lesson) bool { return len(l.Exercises) > 0 })]
	if a := teacher.post(lessons, url.Values{"lesson": {practised.ID}, "action": {"delete"}, "confirm": {"yes"}}); !strings.Contains(a.header.Get("Location"), "done=lesson_practised") {
		t.Errorf("deleting a practised lesson: %d %q", a.status, a.header.Get("Location"))
	}

	share := "/fukuoka/classes/courses/" + string(c.ID) + "/share"
	if a := teacher.post(share, url.Values{"shared": {"yes"}}); a.status != http.StatusForbidden {
		t.Errorf("an instructor sharing with the network: %d", a.status)
	}
	coord := s.browser(t)
	coord.signin("coordinator@serambi.demo")
	if a := coord.post(share, url.Values{"shared": {"yes"}}); a.status != http.StatusSeeOther {
		t.Fatalf("the coordinator shares: %d", a.status)
	}
	other := s.browser(t)
	other.signin("instructor@neyagawa.demo")
	library := other.get("/neyagawa/classes/library")
	mustContain(t, library, "はじめてのスマホ（改）", `name="from" value="fukuoka"`)
	copied := other.post("/neyagawa/classes/library/"+string(c.ID)+"/copy", url.Values{"from": {"fukuoka"}})
	if copied.status != http.StatusSeeOther || !strings.Contains(copied.header.Get("Location"), "done=copied") {
		t.Fatalf("copy: %d %q", copied.status, copied.header.Get("Location"))
	}
	if a := other.post("/neyagawa/classes/library/"+string(today.CourseID)+"/copy", url.Values{"from": {"banyuwangi"}}); a.status != http.StatusNotFound {
		t.Errorf("copying with the wrong tenant named: %d", a.status)
	}
}

// Seats changed from the roster: one more seat in the full class seats
// the first waiting learner, who is emailed; fewer seats than learners
// seated, and a number that is none, are refused in words.
func TestCapacityFromRoster(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	full := xs[1] // 4 seats, 2 waiting
	capacity := "/fukuoka/classes/sessions/" + string(full.ID) + "/capacity"
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	for v, want := range map[string]string{"three": "capacity_range", "２": "capacity_below", "5": "saved"} {
		if a := teacher.post(capacity, url.Values{"capacity": {v}}); !strings.Contains(a.header.Get("Location"), "done="+want) {
			t.Errorf("capacity %q: %d %q, want %s", v, a.status, a.header.Get("Location"), want)
		}
	}
	x, err := s.app.Classes.Session(context.Background(), tenantID, full.ID)
	if err != nil || x.Capacity != 5 || x.Enrolled != 5 || x.Waitlisted != 1 {
		t.Errorf("after one more seat: %+v, %v", x, err)
	}
	var told int
	if err := s.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND template = ?`,
		tenantID, "class_promoted").Scan(&told); err != nil || told != 1 {
		t.Errorf("emails telling of a seat: %d, %v; want 1", told, err)
	}
	mustContain(t, teacher.get("/fukuoka/classes/sessions/"+string(full.ID)+"/roster?done=saved"), `name="capacity"`, `value="5"`)
}

// A lesson picture: an instructor adds a PNG with its description to a
// lesson; the lesson shows it (with the description as its text) on the
// public course page, and anyone may fetch it; a picture without a
// description, and a file that is no picture, are refused; another
// document of the tenant is not served as a picture.
func TestLessonPicture(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	today := todaySession(t, s, "fukuoka")
	c, err := s.app.Classes.Course(context.Background(), today.TenantID, today.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	lesson := c.Lessons[0]
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	upload := "/fukuoka/classes/courses/" + string(c.ID) + "/documents"
	send := func(alt string, content []byte) answer {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("lesson", lesson.ID)
		mw.WriteField("alt", alt)
		fw, _ := mw.CreateFormFile("picture", "screen.png")
		fw.Write(content)
		mw.Close()
		return teacher.do("POST", upload, &body, mw.FormDataContentType())
	}
	if a := send("", samplePNG(t)); !strings.Contains(a.header.Get("Location"), "done=picture_alt") {
		t.Errorf("a picture without a description: %d %q", a.status, a.header.Get("Location"))
	}
	if a := send("a note", []byte("not a picture at all")); !strings.Contains(a.header.Get("Location"), "done=picture_refused") {
		t.Errorf("a file that is no picture: %d %q", a.status, a.header.Get("Location"))
	}
	if a := send("電源ボタンの 場所", samplePNG(t)); !strings.Contains(a.header.Get("Location"), "done=saved") {
		t.Fatalf("add a picture: %d %q", a.status, a.header.Get("Location"))
	}
	anon := s.browser(t)
	page := anon.get("/fukuoka/classes/courses/" + string(c.ID))
	m := regexp.MustCompile(`<img src="(/fukuoka/classes/pictures/[0-9a-f-]+)" alt="電源ボタンの 場所"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("the course page does not show the picture")
	}
	if pic := anon.get(m[1]); pic.status != http.StatusOK || pic.header.Get("Content-Type") != "image/png" || !bytes.Equal([]byte(pic.body), samplePNG(t)) {
		t.Errorf("the picture: %d %q, %d bytes", pic.status, pic.header.Get("Content-Type"), len(pic.body))
	}
	// A resident's document is not a lesson picture.
	o := ownedBy(t, s, mustUser(t, s, "resident@fukuoka.demo"))
	if a := anon.get("/fukuoka/classes/pictures/" + o.document); a.status != http.StatusNotFound {
		t.Errorf("a resident's document through the pictures route: %d", a.status)
	}
}

func mustUser(t *testing.T, s *site, login string) identity.User {
	t.Helper()
	u, err := s.app.Identity.ByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Moving a class from its roster: the form is filled with the class as
// it is; a new day and hall move it and every learner with a place gets
// an email; a time in the past is refused at its field.
func TestMoveClass(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tenantID, xs := sessionsOf(t, s, "fukuoka")
	full := xs[1] // 4 seated, 2 waiting
	change := "/fukuoka/classes/sessions/" + string(full.ID) + "/change"
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	ja := jaText(t)
	jst := time.FixedZone("JST", 9*3600)
	start := full.StartsAt.In(jst)
	form := teacher.get(change)
	mustContain(t, form, `value="`+start.Format("15:04")+`"`, `value="`+full.VenueName+`"`)
	to := start.AddDate(0, 0, 1)
	values := url.Values{"date-day": {strconv.Itoa(to.Day())}, "date-month": {strconv.Itoa(int(to.Month()))}, "date-year": {strconv.Itoa(to.Year())},
		"start": {"１３：３０"}, "length": {"90"}, "venue_name": {"東区 公民館"}}
	if a := teacher.post(change, values); a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Location"), "done=class_moved") {
		t.Fatalf("move: %d %q", a.status, a.header.Get("Location"))
	}
	x, _ := s.app.Classes.Session(context.Background(), tenantID, full.ID)
	if got := x.StartsAt.In(jst); got.Day() != to.Day() || got.Hour() != 13 || got.Minute() != 30 || x.VenueName != "東区 公民館" {
		t.Errorf("after moving: %s at %q", got, x.VenueName)
	}
	var told int
	if err := s.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND template = ?`,
		tenantID, "class_changed").Scan(&told); err != nil || told != 6 {
		t.Errorf("emails of the move: %d, %v; want 6 (4 seated, 2 waiting)", told, err)
	}
	past := s.app.Clock.Now().In(jst).AddDate(0, 0, -1)
	values.Set("date-day", strconv.Itoa(past.Day()))
	values.Set("date-month", strconv.Itoa(int(past.Month())))
	values.Set("date-year", strconv.Itoa(past.Year()))
	if a := teacher.post(change, values); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, ja("error.class.in_the_past")) {
		t.Errorf("a day in the past: %d", a.status)
	}
}

// A person's classes calendar: the address on "my classes" serves, without
// signing in, their classes (a place held, the class taught) and nothing
// of anyone else's; a forged or altered token is not found.
func TestClassesCalendarFeed(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	today := todaySession(t, s, "fukuoka")
	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	mine := resident.get("/fukuoka/classes/mine")
	m := regexp.MustCompile(`href="https?://[^/]+(/feeds/class-calendar/[^"]+)"`).FindStringSubmatch(mine.body)
	if m == nil {
		t.Fatalf("no calendar address on my classes")
	}
	anon := s.browser(t)
	feed := anon.get(m[1])
	if ct := feed.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("the feed: %d %q", feed.status, ct)
	}
	if n := strings.Count(feed.body, "BEGIN:VEVENT"); n != 3 || !strings.Contains(feed.body, "UID:"+string(today.ID)+"@serambi") {
		t.Errorf("the resident's feed has %d events, want today's two classes and the online one later:\n%s", n, feed.body)
	}
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	tm := regexp.MustCompile(`href="https?://[^/]+(/feeds/class-calendar/[^"]+)"`).FindStringSubmatch(teacher.get("/fukuoka/classes/mine").body)
	if tm == nil || strings.Count(anon.get(tm[1]).body, "BEGIN:VEVENT") != 5 {
		t.Errorf("the instructor's feed should hold the 5 demo classes they teach")
	}
	forged := m[1][:len(m[1])-2] + "xx"
	if a := anon.get(forged); a.status != http.StatusNotFound {
		t.Errorf("an altered token: %d", a.status)
	}
	other := mustUser(t, s, "learner1@fukuoka.demo")
	swapped := "/feeds/class-calendar/" + string(other.ID) + m[1][strings.Index(m[1], "."):]
	if a := anon.get(swapped); a.status != http.StatusNotFound {
		t.Errorf("someone else's ID with the resident's signature: %d", a.status)
	}
}

// atHall leaves out the online classes (the demo has one today too).
func atHall(xs []classes.Session) []classes.Session {
	return slices.DeleteFunc(xs, func(x classes.Session) bool { return x.Online })
}
