package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/survey"
)

var surveyLinkRe = regexp.MustCompile(`http://[^\s]+(/[a-z0-9-]+/survey/[0-9a-f-]+\.[A-Za-z0-9_-]+)`)

// surveyLinkOf finds the survey link in the decision email of the
// application with trackingNumber in slug.
func surveyLinkOf(t *testing.T, s *site, slug, trackingNumber string) string {
	t.Helper()
	tn, err := s.app.Tenants.BySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := s.app.Outbox.List(t.Context(), tn.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if strings.Contains(m.Subject, trackingNumber) {
			if found := surveyLinkRe.FindStringSubmatch(m.Body); found != nil {
				return found[1]
			}
		}
	}
	t.Fatalf("no decision email with a survey link for %s", trackingNumber)
	return ""
}

// TestSurveyAfterDecidedApplication: the decision email carries a survey
// link; a resident answers the SKM one question per screen with plain
// forms (no JavaScript, no sign-in), changes an answer from the review,
// sends, and the response is counted once. The link then says it was
// answered; a forged link, an answer off the scale and an unknown screen
// are refused in words with nothing changed.
func TestSurveyAfterDecidedApplication(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			s := startSite(t, pg)
			a := approvedIn(t, s, "banyuwangi", "resident@banyuwangi.demo", "officer@banyuwangi.demo")
			got, _ := s.app.Apps.Get(t.Context(), a.TenantID, a.ID)
			link := surveyLinkOf(t, s, "banyuwangi", got.TrackingNumber)

			// The applicant finds the same link on their application's page.
			owner := s.browser(t)
			owner.signin("resident@banyuwangi.demo")
			appPage := "/banyuwangi/applications/" + string(a.ID)
			mustContain(t, owner.get(appPage), `href="`+link+`"`)

			b := s.browser(t) // not signed in: the link is enough
			b.lang = "id"
			first := b.get(link)
			if first.status != http.StatusOK {
				t.Fatalf("survey page: %d", first.status)
			}
			mustContain(t, first, "Pertanyaan 1 dari 12", "kesesuaian persyaratan pelayanan", "Sangat sesuai", `name="answer" value="4"`)
			mustNotContain(t, first, "<script")

			// Off the scale and an unknown screen: refused, nothing kept.
			if r := b.post(link, url.Values{"step": {"0"}, "answer": {"7"}}); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("answer 7: %d", r.status)
			} else {
				mustContain(t, r, "Mohon pilih salah satu jawaban")
			}
			if r := b.post(link, url.Values{"step": {"99"}, "answer": {"3"}}); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("unknown step: %d", r.status)
			}
			// Sending early is refused and shows the first question left.
			if r := b.post(link+"/send", nil); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("send before answering: %d", r.status)
			} else {
				mustContain(t, r, "Mohon jawab pertanyaan ini sebelum mengirim", "Pertanyaan 1 dari 12")
			}

			answers := []int{4, 3, 3, 2, 4, 4, 4, 3, 1}
			for i, v := range answers {
				r := b.post(link, url.Values{"step": {strconv.Itoa(i)}, "answer": {strconv.Itoa(v)}})
				if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "?q="+strconv.Itoa(i+2)) {
					t.Fatalf("answer %d: %d %q", i+1, r.status, r.header.Get("Location"))
				}
			}
			// Full-width digits are read.
			if r := b.post(link, url.Values{"step": {"8"}, "answer": {"２"}}); r.status != http.StatusSeeOther {
				t.Fatalf("a full-width answer: %d", r.status)
			}
			answers[8] = 2
			mustContain(t, b.get(link), "Tentang Anda", "Tidak ingin menjawab") // where they left off
			if r := b.post(link, url.Values{"step": {"profile"}, "sex": {"female"}, "age": {"60plus"}, "education": {""}, "occupation": {"self"}}); r.status != http.StatusSeeOther {
				t.Fatalf("profile: %d", r.status)
			}
			if r := b.post(link, url.Values{"step": {"profile"}, "age": {"120"}}); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("an age not offered: %d", r.status)
			}
			if r := b.post(link, url.Values{"step": {"comment"}, "comment": {"Petugasnya sabar sekali."}}); r.status != http.StatusSeeOther {
				t.Fatalf("comment: %d", r.status)
			}
			review := b.get(link)
			mustContain(t, review, "Periksa jawaban Anda", "Ada tetapi tidak berfungsi", "Perempuan", "60 tahun ke atas", "Wirausaha", "Petugasnya sabar sekali.")
			// Going back to question 3 from the review shows the answer given.
			mustContain(t, b.get(link+"?q=3"), "Pertanyaan 3 dari 12", "(jawaban Anda)")
			// A screen not reached yet cannot be jumped to by a fresh link... but
			// every screen up to the review has been.
			if r := b.post(link+"/send", nil); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "/banyuwangi/survey-thanks") {
				t.Fatalf("send: %d %q", r.status, r.header.Get("Location"))
			}
			mustNotContain(t, owner.get(appPage), link) // answered: no longer offered
			again := b.get(link)
			if again.status != http.StatusConflict {
				t.Fatalf("the link after sending: %d", again.status)
			}
			mustContain(t, again, "Survei ini sudah dijawab")
			if r := b.post(link+"/send", nil); r.status != http.StatusConflict {
				t.Fatalf("sending twice: %d", r.status)
			}
			forged := link[:len(link)-3] + "abc"
			if r := b.get(forged); r.status != http.StatusNotFound {
				t.Fatalf("a forged link: %d", r.status)
			} else {
				mustContain(t, r, "Tautan survei ini tidak berlaku")
			}
			// Fukuoka does not open Banyuwangi's link.
			if r := b.get(strings.Replace(link, "/banyuwangi/", "/fukuoka/", 1)); r.status != http.StatusNotFound {
				t.Fatalf("another government's link: %d", r.status)
			}

			// The demo's history is counted beside it: this service is the
			// test's own.
			rs, err := s.app.Surveys.Rollups(t.Context(), a.TenantID, survey.Filter{ServiceID: got.ServiceID})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Respondents != 1 || rs[0].Channel != survey.Online || rs[0].ServiceID != got.ServiceID || rs[0].Template != survey.SKMCode {
				t.Fatalf("rollups: %+v", rs)
			}
			for i, v := range answers {
				if rs[0].Sum[i] != int64(v) {
					t.Errorf("U%d summed %d, answered %d", i+1, rs[0].Sum[i], v)
				}
			}

			// The admin reads the index: 29/9 = 3.222 → IKM 80.56, B; with
			// 0.11, 29 × 0.11 × 25 = 79.75; one answer of the ten the table
			// asks for one person served.
			admin := s.browser(t)
			admin.signin("admin@banyuwangi.demo")
			admin.lang = "en"
			index := admin.get("/banyuwangi/admin/survey?lang=en&service=" + got.ServiceID)
			if index.status != http.StatusOK {
				t.Fatalf("index: %d", index.status)
			}
			mustContain(t, index, "80.56", "quality B (good)", "79.75", "1 respondent", "minimum sample 10 for 1 people served",
				"Too few answers", "U9 Complaints handling <strong>(among the three weakest)", "Petugasnya sabar sekali.")
			mustContain(t, admin.get("/banyuwangi/admin/survey?period=2020&lang=en"), "No data: nobody answered")
			// Full-width and unknown periods: the first is read, the second
			// falls back to this quarter.
			mustContain(t, admin.get("/banyuwangi/admin/survey?period=２０２０&lang=en"), "No data: nobody answered")
			if r := admin.get("/banyuwangi/admin/survey?period=soon"); r.status != http.StatusOK {
				t.Fatalf("unknown period: %d", r.status)
			}
			// A follow-up action for the weakest element: without an owner
			// it is refused in words and nothing is kept; with one it is
			// listed, then marked done.
			period := survey.PeriodOf(survey.Quarter, time.Now().In(mustLoc(t, "Asia/Jakarta"))).Code()
			noOwner := admin.post("/banyuwangi/admin/survey/actions?lang=en", url.Values{"period": {period}, "element": {"9"},
				"what": {"Open a complaints desk at the MPP"}, "owner": {" "}, "due": {"２０２７－０３－０１"}})
			if noOwner.status != http.StatusUnprocessableEntity {
				t.Fatalf("action without an owner: %d", noOwner.status)
			}
			mustContain(t, noOwner, "an action needs an owner", "Open a complaints desk at the MPP")
			added := admin.post("/banyuwangi/admin/survey/actions", url.Values{"period": {period}, "element": {"9"},
				"what": {"Open a complaints desk at the MPP"}, "owner": {"Head of public services"}, "due": {"２０２７－０３－０１"}})
			if added.status != http.StatusSeeOther || !strings.Contains(added.header.Get("Location"), "done=action_added") {
				t.Fatalf("add an action: %d %q", added.status, added.header.Get("Location"))
			}
			// The demo's own action for this quarter is there too.
			ours := func() survey.Action {
				t.Helper()
				acts, err := s.app.Surveys.Actions(t.Context(), a.TenantID, period)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range acts {
					if x.What == "Open a complaints desk at the MPP" {
						return x
					}
				}
				t.Fatalf("the action is not recorded: %+v", acts)
				return survey.Action{}
			}
			if act := ours(); act.Due != "2027-03-01" || act.Element != 9 || act.Done || act.Owner != "Head of public services" {
				t.Fatalf("action: %+v", act)
			}
			mustContain(t, admin.get("/banyuwangi/admin/survey?lang=en&service="+got.ServiceID+"&period="+period), "Open a complaints desk at the MPP",
				"Who: Head of public services · by 1 March 2027", "Not done yet")
			if r := admin.post("/banyuwangi/admin/survey/actions/"+ours().ID, url.Values{"done": {"yes"}, "period": {period}}); r.status != http.StatusSeeOther {
				t.Fatalf("mark done: %d", r.status)
			}
			if !ours().Done {
				t.Fatal("the action is not done")
			}
			fukAdmin := s.browser(t)
			fukAdmin.signin("admin@fukuoka.demo")
			if r := fukAdmin.post("/fukuoka/admin/survey/actions/"+ours().ID, url.Values{"done": {"no"}}); r.status != http.StatusNotFound {
				t.Fatalf("Fukuoka's admin marked Banyuwangi's action: %d", r.status)
			}
			// The public report, in Japanese, without signing in: the index,
			// its category, the action; CSV and JSON of the same figures.
			anon := s.browser(t)
			report := anon.get("/banyuwangi/survey-report?lang=ja&period=" + period + "&service=" + got.ServiceID)
			if report.status != http.StatusOK {
				t.Fatalf("report: %d", report.status)
			}
			mustContain(t, report, "住民満足度アンケートの報告", "80.56", "B · 良い", "79.75", "Open a complaints desk at the MPP", "完了", "直近4期間の推移",
				`aria-labelledby="trend-title" aria-describedby="trend-desc"`) // the trend drawn over its table
			mustNotContain(t, report, "Petugasnya sabar sekali.") // comments stay with the staff
			csvFile := anon.get("/banyuwangi/survey-report.csv?lang=en&period=" + period + "&service=" + got.ServiceID)
			if !strings.HasPrefix(csvFile.body, "\ufeff") || !strings.Contains(csvFile.body, "Whole government") || !strings.Contains(csvFile.body, "80.56 B · good,1") {
				t.Fatalf("CSV: %q", csvFile.body)
			}
			api := anon.get("/api/v1/t/banyuwangi/survey/index?period=" + period + "&service=" + got.ServiceID)
			mustContain(t, api, `"ikm":80.56`, `"ikm_weight_0_11":79.75`, `"category":"B"`, `"respondents":1`, `"minimum_sample":10`, `"sample_too_small":true`)
			months := anon.get("/api/v1/t/banyuwangi/survey/index?from=2020-01&to=2020-03&channel=online")
			mustContain(t, months, `"no_data":true`, `"respondents":0`, `"from":"2020-01"`)
			for _, bad := range []string{"from=2026-13&to=2026-12", "from=2026-12&to=2026-01", "from=2000-01&to=2026-12", "from=２０２６-01", "channel=fax", "service=nope", "unit=room:1"} {
				if r := anon.get("/api/v1/t/banyuwangi/survey/index?" + bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, "problem") && !strings.Contains(r.body, "detail") {
					t.Errorf("%s: %d %s", bad, r.status, r.body)
				}
			}
			for _, who := range []string{"officer@banyuwangi.demo", "resident@banyuwangi.demo", "admin@fukuoka.demo"} {
				other := s.browser(t)
				other.signin(who)
				if r := other.get("/banyuwangi/admin/survey"); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
					t.Errorf("%s opened Banyuwangi's survey index: %d", who, r.status)
				}
			}
		})
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestSurveyAfterClass: when a class the learner came to has ended, the
// periodic job invites them once (an email with the link, in their
// language) and their home page lists the survey until it is answered;
// a learner who did not come is not asked.
func TestSurveyAfterClass(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ctx := t.Context()
	ten, err := s.app.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.app.Classes.LearnerEnrolments(ctx, ten.ID, res.ID)
	if err != nil || len(mine) == 0 {
		t.Fatalf("the demo resident's classes: %d %v", len(mine), err)
	}
	e := mine[0]
	x, err := s.app.Classes.Session(ctx, ten.ID, e.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	invited := func() (n int) {
		if err := s.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_invitations WHERE tenant_id = ? AND subject = ?`,
			ten.ID, "enrolment:"+string(e.ID)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := s.app.SendReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if n := invited(); n != 0 && x.EndsAt.After(time.Now()) {
		t.Fatalf("invited before coming: %d", n)
	}
	if _, err := s.app.Classes.MarkAttended(ctx, audit.System, ten.ID, e.ID, true); err != nil {
		t.Fatal(err)
	}
	// The class has to be over: move it into the past.
	if _, err := s.app.DB.ExecContext(ctx, `UPDATE class_sessions SET starts_at = ?, ends_at = ? WHERE id = ?`,
		time.Now().Add(-3*time.Hour).UTC(), time.Now().Add(-time.Hour).UTC(), x.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.app.SendReminders(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := invited(); n != 1 {
		t.Fatalf("%d invitations after the class, want 1", n)
	}
	var subject, body string
	if err := s.app.DB.QueryRowContext(ctx, `SELECT subject, body FROM messages WHERE template = ? AND related = ?`,
		"survey_invitation", string(e.ID)).Scan(&subject, &body); err != nil {
		t.Fatalf("the survey email: %v", err)
	}
	found := surveyLinkRe.FindStringSubmatch(body)
	if found == nil || !strings.Contains(subject, "アンケート") {
		t.Fatalf("email %q:\n%s", subject, body)
	}
	b := s.browser(t)
	b.signin("resident@fukuoka.demo")
	home := b.get("/fukuoka/")
	mustContain(t, home, "回答をお待ちしているアンケート", `href="`+found[1]+`"`)
	// Answered: no longer listed.
	for i := range 5 {
		b.post(found[1], url.Values{"step": {strconv.Itoa(i)}, "answer": {"5"}})
	}
	if r := b.post(found[1]+"/send", nil); r.status != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	mustNotContain(t, b.get("/fukuoka/"), found[1])
	rs, err := s.app.Surveys.Rollups(ctx, ten.ID, survey.Filter{Channel: survey.Class})
	if err != nil || len(rs) != 1 || rs[0].UnitKind != survey.UnitClass || rs[0].UnitID != string(x.CourseID) || rs[0].Satisfied[4] != 1 {
		t.Fatalf("class rollups: %+v %v", rs, err)
	}
}

// TestSurveyPoster: the admin prints a counter's poster; its QR code
// leads to a start page whose button makes an invitation about the
// counter; a few an hour per address, then a plain refusal; another
// government's counter is 404.
func TestSurveyPoster(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ctx := t.Context()
	ten, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	cs, err := s.app.Counters.List(ctx, ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("counters: %v", err)
	}
	c := cs[0]
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	mustContain(t, admin.get("/fukuoka/admin/survey"), "/fukuoka/admin/survey/poster?counter="+string(c.ID))
	poster := admin.get("/fukuoka/admin/survey/poster?counter=" + string(c.ID) + "&lang=ja")
	if poster.status != http.StatusOK {
		t.Fatalf("poster: %d", poster.status)
	}
	mustContain(t, poster, "サービスはいかがでしたか", c.Name("ja"), "/fukuoka/survey-poster.png?counter="+string(c.ID), "/fukuoka/survey-start?counter="+string(c.ID))
	anon := s.browser(t)
	if qr := anon.get("/fukuoka/survey-poster.png?counter=" + string(c.ID)); qr.status != http.StatusOK || qr.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: %d %s", qr.status, qr.header.Get("Content-Type"))
	}
	bwi, _ := s.app.Tenants.BySlug(ctx, "banyuwangi")
	other, _ := s.app.Counters.List(ctx, bwi.ID, true)
	if r := anon.get("/fukuoka/survey-start?counter=" + string(other[0].ID)); r.status != http.StatusNotFound {
		t.Fatalf("another government's counter: %d", r.status)
	}
	mustContain(t, anon.get("/fukuoka/survey-start?counter="+string(c.ID)), `name="counter" value="`+string(c.ID)+`"`)
	var first string
	for i := range 5 {
		r := anon.post("/fukuoka/survey-start", url.Values{"counter": {string(c.ID)}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/fukuoka/survey/") {
			t.Fatalf("start %d: %d %q", i, r.status, r.header.Get("Location"))
		}
		if i == 0 {
			first = r.header.Get("Location")
		}
	}
	if r := anon.post("/fukuoka/survey-start", url.Values{"counter": {string(c.ID)}}); r.status != http.StatusTooManyRequests {
		t.Fatalf("sixth start in an hour: %d", r.status)
	}
	counted := func() int {
		rs, err := s.app.Surveys.Rollups(ctx, ten.ID, survey.Filter{UnitKind: survey.UnitCounter, UnitID: string(c.ID), From: time.Now().In(ten.Location()).Format("2006-01")})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rs {
			n += r.Respondents
		}
		return n
	}
	before := counted() // the demo's answers this month so far
	for i := range 5 {
		anon.post(first, url.Values{"step": {strconv.Itoa(i)}, "answer": {"4"}})
	}
	if r := anon.post(first+"/send", nil); r.status != http.StatusSeeOther {
		t.Fatalf("send: %d", r.status)
	}
	if n := counted(); n != before+1 {
		t.Fatalf("this month's answers about the counter: %d, want %d", n, before+1)
	}
}

// TestSurveyOwnQuestions: a government adds its own question after the
// standard ones (its main language required, at most five), turns the
// comment off; a respondent answers it (or could skip it) on the same
// scale, the index shows its mean; removing one asks first.
func TestSurveyOwnQuestions(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ctx := t.Context()
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	admin.lang = "en"
	if r := admin.post("/fukuoka/admin/survey/questions?lang=en", url.Values{"text_en": {"Was the hall easy to reach?"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("without the Japanese wording: %d", r.status)
	} else {
		mustContain(t, r, "Write the question at least in the government")
	}
	if r := admin.post("/fukuoka/admin/survey/questions", url.Values{"text_ja": {"会場への行きやすさはいかがでしたか。"}, "text_en": {"Was the hall easy to reach?"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	if r := admin.post("/fukuoka/admin/survey/comment", url.Values{"ask": {"no"}}); r.status != http.StatusSeeOther {
		t.Fatalf("comment off: %d", r.status)
	}
	ten, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	st, err := s.app.Surveys.Settings(ctx, ten.ID)
	if err != nil || len(st.Questions) != 1 || !st.NoComment {
		t.Fatalf("settings: %+v %v", st, err)
	}
	for i := range survey.MaxOwnQuestions - 1 {
		admin.post("/fukuoka/admin/survey/questions", url.Values{"text_ja": {fmt.Sprintf("質問%d", i)}})
	}
	if r := admin.post("/fukuoka/admin/survey/questions?lang=en", url.Values{"text_ja": {"六問目"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a sixth question: %d", r.status)
	}
	// Removing asks first; then it is gone.
	last := "/fukuoka/admin/survey/questions/" + fmt.Sprint(len(st.Questions)) // not an id: 404 after confirming
	if r := admin.post(last+"/remove", url.Values{"confirm": {"yes"}}); r.status != http.StatusNotFound {
		t.Fatalf("removing an unknown question: %d", r.status)
	}
	st, _ = s.app.Surveys.Settings(ctx, ten.ID)
	ask := admin.post("/fukuoka/admin/survey/questions/"+st.Questions[4].ID+"/remove", nil)
	mustContain(t, ask, "Stop asking this question?")
	if after, _ := s.app.Surveys.Settings(ctx, ten.ID); len(after.Questions) != 5 {
		t.Fatal("removed without asking")
	}
	for _, q := range st.Questions[1:] {
		admin.post("/fukuoka/admin/survey/questions/"+q.ID+"/remove", url.Values{"confirm": {"yes"}})
	}
	if after, _ := s.app.Surveys.Settings(ctx, ten.ID); len(after.Questions) != 1 {
		t.Fatalf("after removing four: %d questions", len(after.Questions))
	}

	// A respondent from a poster: five standard questions, then the own
	// one (in English, its wording in English), no comment screen.
	anon := s.browser(t)
	anon.lang = "en"
	link := anon.post("/fukuoka/survey-start", nil).header.Get("Location")
	for i := range 5 {
		anon.post(link, url.Values{"step": {strconv.Itoa(i)}, "answer": {"3"}})
	}
	own := anon.get(link)
	mustContain(t, own, "Question 6 of 7", "Was the hall easy to reach?", "Skip this question", `value="x:`+st.Questions[0].ID+`"`)
	if r := anon.post(link, url.Values{"step": {"x:" + st.Questions[0].ID}, "answer": {"9"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an own answer off the scale: %d", r.status)
	}
	if r := anon.post(link, url.Values{"step": {"x:" + st.Questions[0].ID}, "answer": {"5"}}); !strings.HasSuffix(r.header.Get("Location"), "?q=7") {
		t.Fatalf("own answer: %d %q", r.status, r.header.Get("Location"))
	}
	review := anon.get(link)
	mustContain(t, review, "Check your answers", "Was the hall easy to reach?", "Satisfied")
	mustNotContain(t, review, "Anything else?")
	if r := anon.post(link+"/send", nil); r.status != http.StatusSeeOther {
		t.Fatalf("send: %d", r.status)
	}
	sums, err := s.app.Surveys.OwnSums(ctx, ten.ID, survey.Filter{})
	if err != nil || sums[st.Questions[0].ID] != (survey.Own{Respondents: 1, Total: 5}) {
		t.Fatalf("own sums: %+v %v", sums, err)
	}
	mustContain(t, admin.get("/fukuoka/admin/survey?lang=en"), "Was the hall easy to reach?", "5.00")
}

var commentRe = regexp.MustCompile(`<li><span class="comment-month">[^<]*</span> (paged comment \d+)</li>`)

// TestSurveyCommentsPaged: an admin reads every comment of a period, 20
// to a page, each once, with where they are in words and links to the
// newer and older pages that keep the period; a page past the last
// shows the last, and the page number may be typed in full-width digits.
func TestSurveyCommentsPaged(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	tn, err := s.app.Tenants.BySlug(t.Context(), "banyuwangi")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 3, 15, 10, 0, 0, 0, tn.Location()) // a month the demo has no answers in
	for i := range 45 {
		d := survey.Draft{Answers: []int{3, 3, 3, 3, 3, 3, 3, 3, 3}, Comment: fmt.Sprintf("paged comment %d", i)}
		if err := s.app.Surveys.Record(t.Context(), survey.Invitation{TenantID: tn.ID, Template: survey.SKMTemplate,
			Channel: survey.Online, Subject: fmt.Sprintf("paged:%d", i)}, d, at, tn.Location()); err != nil {
			t.Fatal(err)
		}
	}
	admin := s.browser(t)
	admin.signin("admin@banyuwangi.demo")
	admin.lang = "en"
	seen := map[string]bool{}
	next := "/banyuwangi/admin/survey?lang=en&period=2020-03"
	for _, want := range []string{"Comments 1–20 of 45", "Comments 21–40 of 45", "Comments 41–45 of 45"} {
		page := admin.get(next)
		mustContain(t, page, want, "March 2020:")
		for _, m := range commentRe.FindAllStringSubmatch(page.body, -1) {
			if seen[m[1]] {
				t.Errorf("%q shown twice", m[1])
			}
			seen[m[1]] = true
		}
		older := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(page.body)
		if want == "Comments 41–45 of 45" {
			if older != nil {
				t.Errorf("the last page links to an older one: %s", older[1])
			}
			mustContain(t, page, `rel="prev"`)
			break
		}
		if older == nil {
			t.Fatalf("%s: no link to older comments", want)
		}
		next = strings.ReplaceAll(older[1], "&amp;", "&")
		if !strings.Contains(next, "period=2020-03") {
			t.Errorf("the older page's link %q forgets the period", next)
		}
	}
	if len(seen) != 45 {
		t.Errorf("read %d comments of 45", len(seen))
	}
	mustContain(t, admin.get("/banyuwangi/admin/survey?lang=en&period=2020-03&comments=99"), "Comments 41–45 of 45")
	mustContain(t, admin.get("/banyuwangi/admin/survey?lang=en&period=2020-03&comments=%EF%BC%92"), "Comments 21–40 of 45") // ２
	mustContain(t, admin.get("/banyuwangi/admin/survey?lang=en&period=2020-03&comments=x"), "Comments 1–20 of 45")
	mustNotContain(t, admin.get("/banyuwangi/admin/survey?lang=en&period=2020-04"), "paged comment")

	// Every comment as a file, from the link on the index; one typed as
	// a formula does not run in a spreadsheet.
	if err := s.app.Surveys.Record(t.Context(), survey.Invitation{TenantID: tn.ID, Template: survey.SKMTemplate,
		Channel: survey.Online, Subject: "paged:formula"}, survey.Draft{Answers: []int{3, 3, 3, 3, 3, 3, 3, 3, 3},
		Comment: `=HYPERLINK("http://evil.example","klik")`}, at, tn.Location()); err != nil {
		t.Fatal(err)
	}
	index := admin.get("/banyuwangi/admin/survey?lang=en&period=2020-03&comments=2")
	mustContain(t, index, "Download all 46 comments as CSV")
	link := regexp.MustCompile(`<a href="([^"]+)" download>Download all`).FindStringSubmatch(index.body)
	if link == nil || strings.Contains(link[1], "comments=") || !strings.Contains(link[1], "period=2020-03") {
		t.Fatalf("CSV link %q: want the index's selection without its page", link)
	}
	rows := csvRows(t, admin.get(strings.ReplaceAll(link[1], "&amp;", "&")))
	if len(rows) != 47 || rows[0][0] != "Month" || rows[0][1] != "Comment" {
		t.Fatalf("comments CSV: %d rows, head %q", len(rows), rows[0])
	}
	formula := 0
	for _, r := range rows[1:] {
		if r[0] != "2020-03" {
			t.Errorf("comment month %q, want 2020-03", r[0])
		}
		if strings.HasPrefix(r[1], "=") {
			t.Errorf("a formula left to run: %q", r[1])
		}
		if r[1] == `'=HYPERLINK("http://evil.example","klik")` {
			formula++
		}
	}
	if formula != 1 {
		t.Errorf("the formula comment appears %d times written as text, want once", formula)
	}
	for _, who := range []string{"officer@banyuwangi.demo", "resident@banyuwangi.demo", "admin@fukuoka.demo"} {
		other := s.browser(t)
		other.signin(who)
		if r := other.get("/banyuwangi/admin/survey/comments.csv?period=2020-03"); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("%s reads Banyuwangi's comments: %d", who, r.status)
		}
	}
	mustNotContain(t, s.browser(t).get("/banyuwangi/admin/survey/comments.csv?period=2020-03"), "paged comment") // anonymous: sign in first
}
