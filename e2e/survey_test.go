package e2e

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/workflow"
)

// The satisfaction survey: the decision email of an application carries a
// one-time link; whoever holds it answers one question per screen with
// plain forms, without signing in and without JavaScript.

// surveyLinkPattern finds the survey link in a decision email and keeps
// its path.
var surveyLinkPattern = regexp.MustCompile(`http://[^\s/]+(/[a-z0-9-]+/survey/[0-9a-f-]+\.[A-Za-z0-9_-]+)`)

// surveyMessages are the app's own words, so that the checks follow the
// message catalogs rather than copies of them.
func surveyMessages(t *testing.T) *locale.Catalog {
	t.Helper()
	c, err := locale.Load()
	if err != nil {
		t.Fatalf("loading the message catalogs: %v", err)
	}
	return c
}

// decidedApplication makes resident's application for a residence
// certificate in slug and has officer approve it, as an officer's
// "start review" and "approve" buttons do; it returns the tenant, the
// service and the application. Banyuwangi has no such service among its
// demo services, so Fukuoka's is copied there first, unpublished, so
// that the catalogue the other tests read does not change under them.
func decidedApplication(t *testing.T, slug, resident, officer string) (tenant.Tenant, catalog.Service, application.Application) {
	t.Helper()
	a, ctx := shared.app, t.Context()
	ten, err := a.Tenants.BySlug(ctx, slug)
	if err != nil {
		t.Fatalf("reading tenant %s: %v", slug, err)
	}
	svc, err := a.Catalog.ByCode(ctx, ten.ID, "JUMINHYO")
	if errors.Is(err, catalog.ErrNotFound) {
		svc, err = copyJuminhyoInto(t, ten)
	}
	if err != nil {
		t.Fatalf("the residence certificate service of %s: %v", slug, err)
	}
	u, err := a.Identity.ByLogin(ctx, resident)
	if err != nil {
		t.Fatalf("reading %s: %v", resident, err)
	}
	off, err := a.Identity.ByLogin(ctx, officer)
	if err != nil {
		t.Fatalf("reading %s: %v", officer, err)
	}
	res := application.Caller{Actor: audit.Actor{ID: u.ID, Label: resident}, Roles: []string{workflow.Resident}}
	app, err := a.Apps.Create(ctx, res, ten, svc, application.Draft{ApplicantID: u.ID, Lang: ten.DefaultLang, Submit: true,
		Answers: form.Answers{"copies": 1.0, "household": false, "mynumber": false, "purpose": "work", "delivery": "counter"}})
	if err != nil {
		t.Fatalf("applying for %s in %s as %s: %v", svc.Code, slug, resident, err)
	}
	clerk := application.Caller{Actor: audit.Actor{ID: off.ID, Label: officer}, Roles: []string{workflow.Officer}}
	for _, action := range []string{"start_review", "approve"} {
		if app, err = a.Apps.Act(ctx, clerk, ten, svc, app.ID, app.Version, action, ""); err != nil {
			t.Fatalf("%s on %s's application %s: %v", action, resident, app.TrackingNumber, err)
		}
	}
	if st, _ := svc.Workflow.State(app.State); !st.End {
		t.Fatalf("after approving, application %s is in state %q, not a decision", app.TrackingNumber, app.State)
	}
	return ten, svc, app
}

// copyJuminhyoInto copies Fukuoka's residence certificate service into
// ten, as a government imports another's service.
func copyJuminhyoInto(t *testing.T, ten tenant.Tenant) (catalog.Service, error) {
	t.Helper()
	a, ctx := shared.app, t.Context()
	fuk, err := a.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		return catalog.Service{}, err
	}
	svc, err := a.Catalog.ByCode(ctx, fuk.ID, "JUMINHYO")
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
	copied.Published = false
	return a.Catalog.Save(ctx, audit.System, ten.ID, copied)
}

// surveyLinkIn is the path of the survey link in the decision email of
// app, from the outbox of its tenant.
func surveyLinkIn(t *testing.T, ten tenant.Tenant, app application.Application) string {
	t.Helper()
	msgs, err := shared.app.Outbox.List(t.Context(), ten.ID, 500)
	if err != nil {
		t.Fatalf("reading the outbox of %s: %v", ten.Slug, err)
	}
	for _, m := range msgs {
		if m.Related != string(app.ID) || m.Template != notify.ApplicationDecided {
			continue
		}
		if !strings.Contains(m.Subject, app.TrackingNumber) {
			t.Errorf("the decision email's subject %q does not name the application %s", m.Subject, app.TrackingNumber)
		}
		found := surveyLinkPattern.FindStringSubmatch(m.Body)
		if found == nil {
			t.Fatalf("the decision email of %s has no survey link:\n%s", app.TrackingNumber, m.Body)
		}
		if !strings.HasPrefix(found[1], "/"+ten.Slug+"/survey/") {
			t.Fatalf("the survey link %s is not %s's", found[1], ten.Slug)
		}
		return found[1]
	}
	t.Fatalf("no decision email for %s in the outbox of %s", app.TrackingNumber, ten.Slug)
	return ""
}

// surveyTally is the sums of a template's answers over the months.
type surveyTally struct {
	respondents int
	sum, count  [survey.Elements]int64
}

// surveyTallyOf adds up the stored monthly sums of the online answers
// about svc in ten.
func surveyTallyOf(t *testing.T, ten tenant.Tenant, svc catalog.Service, template string) surveyTally {
	t.Helper()
	rs, err := shared.app.Surveys.Rollups(t.Context(), ten.ID, survey.Filter{Template: template, ServiceID: svc.ID, Channel: survey.Online})
	if err != nil {
		t.Fatalf("reading the survey sums of %s: %v", ten.Slug, err)
	}
	var out surveyTally
	for _, r := range rs {
		out.respondents += r.Respondents
		for i := range r.Sum {
			out.sum[i] += r.Sum[i]
			out.count[i] += r.Count[i]
		}
	}
	return out
}

// talliedOnce checks that after-before is one respondent who gave answers.
func talliedOnce(t *testing.T, before, after surveyTally, answers []int) {
	t.Helper()
	if got := after.respondents - before.respondents; got != 1 {
		t.Errorf("the stored sums count %d new respondents, want 1", got)
	}
	for i, v := range answers {
		if got := after.sum[i] - before.sum[i]; got != int64(v) {
			t.Errorf("question %d: the stored sum grew by %d, the resident answered %d", i+1, got, v)
		}
		if got := after.count[i] - before.count[i]; got != 1 {
			t.Errorf("question %d: %d new answers counted, want 1", i+1, got)
		}
	}
	for i := len(answers); i < survey.Elements; i++ {
		if after.sum[i] != before.sum[i] {
			t.Errorf("element %d, not asked, grew from %d to %d", i+1, before.sum[i], after.sum[i])
		}
	}
}

// answerChoices are the values of a question's answer buttons, in order.
func answerChoices(p *Page) []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll('#main button[name="answer"]')].map(b => b.value)`)
}

// answerLabel is the label of the answer button with value v, without the
// "your answer" mark.
func answerLabel(p *Page, v int) string {
	p.t.Helper()
	sel := `#main button[name="answer"][value="` + strconv.Itoa(v) + `"]`
	p.Require(sel, "an answer button for each point of the scale")
	return eval[string](p, `[...document.querySelector(`+jsString(sel)+`).childNodes]
		.filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim()`)
}

// answerQuestion checks question n says where it is (progress), presses
// its answer button with value v and checks the next screen follows; it
// returns the answer's label.
func answerQuestion(p *Page, link string, n, v int, progress string) string {
	p.t.Helper()
	if got := p.Text("#main p.caption"); got != progress {
		p.errorf("question %d says %q, want %q", n, got, progress)
	}
	p.Require("#main h1.survey-question", "the question as the page's heading")
	label := answerLabel(p, v)
	p.Click(`#main button[name="answer"][value="` + strconv.Itoa(v) + `"]`)
	if want := link + "?q=" + strconv.Itoa(n+1); p.Path() != want {
		p.fatalf("answering question %d led to %s, want %s; error: %q", n, p.Path(), want, short(p.Text("#main .field-error")))
	}
	return label
}

// reviewRow is one answer on the review screen.
type reviewRow struct {
	Question string `json:"q"`
	Answer   string `json:"a"`
	Change   string `json:"href"`
}

func reviewRows(p *Page) []reviewRow {
	p.t.Helper()
	return eval[[]reviewRow](p, `[...document.querySelectorAll("#main dl.answers .answer-row")].map(r => {
		const dd = r.querySelectorAll("dd"), a = r.querySelector("dd a[href]");
		return {q: r.querySelector("dt").innerText.trim(), a: dd.length ? dd[0].innerText.trim() : "",
			href: a ? a.getAttribute("href") : ""};
	})`)
}

// surveyTargetsJS lists the survey's own controls (in <main>) smaller than
// the 48×48 CSS px the design promises for them; a radio button counts
// with its label.
const surveyTargetsJS = `(() => {
	const out = [];
	for (const el of document.querySelectorAll("#main a[href], #main button, #main input:not([type=hidden]), #main select, #main textarea")) {
		const cs = getComputedStyle(el);
		if (cs.visibility === "hidden" || cs.display === "none" || el.closest(".visually-hidden")) continue;
		const r = el.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1) continue;
		let w = r.width, h = r.height;
		if (el.type === "radio" || el.type === "checkbox") {
			const l = el.labels && el.labels[0];
			if (l) { const lr = l.getBoundingClientRect(); w = Math.max(w, lr.width); h = Math.max(h, lr.height); }
		}
		if (w < 48 || h < 48) {
			let d = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
			for (const a of ["name", "value", "href"]) { const v = el.getAttribute(a); if (v) d += "[" + a + "=" + JSON.stringify(v) + "]"; }
			const text = (el.labels && el.labels[0] ? el.labels[0].innerText : el.innerText || el.value || "");
			d += " " + JSON.stringify(text.trim().replace(/\s+/g, " ").slice(0, 40));
			out.push(Math.round(w) + "x" + Math.round(h) + " " + d);
		}
	}
	return out;
})()`

// surveyTargetsBig checks every control of the survey's screen is at
// least 48×48 CSS px (the harness fails under 44 and only logs under 48).
func surveyTargetsBig(p *Page) {
	p.t.Helper()
	if small := eval[[]string](p, surveyTargetsJS); len(small) > 0 {
		p.errorf("%d of the survey's controls are smaller than 48x48 CSS px:\n\t%s", len(small), strings.Join(small, "\n\t"))
	}
}

// auditScreen loads path in each page (scripts on: axe-core runs, with
// the touch-target and 320 px reflow checks of every visit), expecting
// status want, and checks the survey's controls are big.
func auditScreen(pages []*Page, path string, want int64, what string, check func(p *Page)) {
	for _, p := range pages {
		p.t.Helper()
		visitStatus(p, path, want)
		surveyTargetsBig(p)
		if check != nil {
			check(p)
		}
		p.logf("%s audited", what)
	}
}

// TestSurveyResidentAnswersOnPhoneWithoutJavaScript: a resident of
// Banyuwangi whose application was approved opens the survey link of the
// decision email on a phone (360 px) with JavaScript off and without
// signing in; answers the SKM's nine questions with the big buttons, says
// who they are on the "About you" screen (one question left unsaid),
// writes a comment, changes question 3 from the review, opens the link
// again and is back at the review, and sends. The thanks page follows;
// the stored monthly sums count one respondent with the answers given;
// the link then answers 409 with "already answered". Every screen kind
// (a question, about you, the comment, the review, the thanks, the
// already answered) is audited with axe-core at 360 and 1280 px, must
// fit 320 px with the largest text and have controls of 48 px at least.
func TestSurveyResidentAnswersOnPhoneWithoutJavaScript(t *testing.T) {
	t.Parallel()
	start := time.Now()
	phone, desk := phoneAndDesktop()
	resident := openPage(t, phone, withoutJavaScript(), withAcceptLanguage("id"))
	// axe-core needs scripts: the same screens are loaded at both sizes in
	// browsers with them on (the link is the key, so any browser opens it).
	auditors := []*Page{secondPerson(t, resident, withAcceptLanguage("id")), openPage(t, desk, withAcceptLanguage("id"))}
	msg := surveyMessages(t)
	const lang = "id"

	ten, svc, app := decidedApplication(t, "banyuwangi", "resident@banyuwangi.demo", "officer@banyuwangi.demo")
	before := surveyTallyOf(t, ten, svc, survey.SKMCode)
	link := surveyLinkIn(t, ten, app)
	t.Logf("survey link of %s: %s", app.TrackingNumber, link)

	tpl := survey.SKMTemplate
	screens := len(tpl.Items) + 3 // the questions, about you, the comment, the review
	profileStep, commentStep := len(tpl.Items)+1, len(tpl.Items)+2
	answers := []int{4, 3, 2, 4, 3, 2, 1, 4, 3}
	labels := make([]string, len(answers))
	profile := map[string]string{"sex": "female", "age": "30s", "occupation": "private"} // education left unsaid
	var profileLabels []string
	const comment = "Petugasnya ramah, tapi antrean di loket terlalu lama."
	pages := append([]*Page{resident}, auditors...)

	journey(t, pages,
		step{"the resident opens the link and answers the nine questions", func() {
			p := resident
			p.Visit(link)
			if p.Lang() != lang {
				p.errorf("the survey speaks %q to an Indonesian resident, want %s", p.Lang(), lang)
			}
			if p.Has("form.signout") {
				p.errorf("the resident is signed in; the link alone must open the survey")
			}
			for i, v := range answers {
				if got, want := answerChoices(p), []string{"4", "3", "2", "1"}; !slices.Equal(got, want) {
					p.errorf("question %d offers answers %q, want %q (the best first)", i+1, got, want)
				}
				if got, want := p.Text("#main h1.survey-question"), msg.T(lang, "survey.skm."+tpl.Items[i]+".question"); got != want {
					p.errorf("question %d reads %q, want %q", i+1, got, want)
				}
				labels[i] = answerQuestion(p, link, i+1, v, msg.T(lang, "survey.progress", i+1, screens))
			}
		}},
		step{"they say who they are, leaving education unsaid", func() {
			p := resident
			if got, want := p.Text("#main h1"), msg.T(lang, "survey.profile.title"); got != want {
				p.fatalf("after the last question the screen is headed %q, want %q", got, want)
			}
			for _, q := range survey.ProfileQuestions {
				p.Expect(`#main fieldset#`+q+` legend`, "a group of answers for each question about the resident")
				if !isChecked(p, `#main input[name="`+q+`"][value=""]`) {
					p.errorf(`the %s question does not start at "prefer not to say"`, q)
				}
			}
			for _, q := range survey.ProfileQuestions {
				a, ok := profile[q]
				if !ok {
					continue
				}
				sel := `#main input[type="radio"][name="` + q + `"][value="` + a + `"]`
				choose(p, sel)
				profileLabels = append(profileLabels, msg.T(lang, "survey.profile."+q+"."+a))
			}
			p.Click(`#main form button[type="submit"].big`)
			if want := link + "?q=" + strconv.Itoa(commentStep); p.Path() != want {
				p.fatalf("the about-you screen led to %s, want %s; error: %q", p.Path(), want, short(p.Text("#main .field-error, .error-summary")))
			}
		}},
		step{"they write a comment and reach the review", func() {
			p := resident
			p.Require("#main textarea#comment", "the comment screen's text box")
			p.Fill("#main textarea#comment", comment)
			p.Click(`#main form button[type="submit"].big`)
			if want := link + "?q=" + strconv.Itoa(screens); p.Path() != want {
				p.fatalf("the comment screen led to %s, want %s; error: %q", p.Path(), want, short(p.Text("#main .field-error, .error-summary")))
			}
			rows := reviewRows(p)
			if len(rows) != len(tpl.Items)+2 {
				p.fatalf("the review lists %d answers, want %d (the questions, about you, the comment): %+v", len(rows), len(tpl.Items)+2, rows)
			}
			for i, want := range labels {
				if rows[i].Answer != want {
					p.errorf("the review shows %q for question %d, which was answered %q", rows[i].Answer, i+1, want)
				}
				if want := link + "?q=" + strconv.Itoa(i+1); rows[i].Change != want {
					p.errorf("question %d's change link goes to %q, want %q", i+1, rows[i].Change, want)
				}
			}
			about := rows[len(tpl.Items)]
			for _, l := range profileLabels {
				if !strings.Contains(about.Answer, l) {
					p.errorf("the review's about-you row reads %q, without %q", about.Answer, l)
				}
			}
			if about.Change != link+"?q="+strconv.Itoa(profileStep) {
				p.errorf("the about-you row's change link goes to %q", about.Change)
			}
			if got := rows[len(rows)-1].Answer; got != comment {
				p.errorf("the review shows the comment as %q, want %q", got, comment)
			}
			p.Require(`#main form[method="post"][action="`+link+`/send"] button[type="submit"]`, "the review's send button")
		}},
		step{"a question, about you, the comment and the review pass axe at 360 and 1280 px", func() {
			auditScreen(auditors, link+"?q=1", 200, "a question", func(p *Page) {
				if n := p.Count(`#main button[name="answer"]`); n != tpl.Scale {
					p.errorf("the question has %d answer buttons, want %d", n, tpl.Scale)
				}
				// The answer given is marked, in words.
				p.Expect(`#main button[name="answer"][value="4"] .chosen`, "the answer given, marked on its button")
			})
			auditScreen(auditors, link+"?q="+strconv.Itoa(profileStep), 200, "about you", func(p *Page) {
				for q, a := range profile {
					if !isChecked(p, `#main input[name="`+q+`"][value="`+a+`"]`) {
						p.errorf("the %s answer given (%s) is not checked when the screen is opened again", q, a)
					}
				}
			})
			auditScreen(auditors, link+"?q="+strconv.Itoa(commentStep), 200, "the comment", func(p *Page) {
				if got := p.Value("#main textarea#comment"); got != comment {
					p.errorf("the comment box holds %q when opened again, want %q", got, comment)
				}
			})
			auditScreen(auditors, link, 200, "the review", func(p *Page) {
				p.Expect("#main dl.answers", "the review opens where the resident left off")
			})
		}},
		step{"they change question 3 from the review and come back", func() {
			p := resident
			p.Click(`#main dl.answers a[href="` + link + `?q=3"]`)
			if want := link + "?q=3"; p.Path() != want {
				p.fatalf("the change link led to %s, want %s", p.Path(), want)
			}
			if got, want := p.Text("#main h1.survey-question"), msg.T(lang, "survey.skm."+tpl.Items[2]+".question"); got != want {
				p.errorf("the change link opened %q, want question 3 %q", got, want)
			}
			old := `#main button[name="answer"][value="` + strconv.Itoa(answers[2]) + `"]`
			p.Expect(old+" .chosen", "the answer given, marked on its button")
			if n := p.Count(`#main button[name="answer"] .chosen`); n != 1 {
				p.errorf("%d answers are marked as given, want 1", n)
			}
			answers[2] = 4
			labels[2] = answerQuestion(p, link, 3, answers[2], msg.T(lang, "survey.progress", 3, screens))
			// The link alone (as from the email again) goes back to where
			// they had got to: the review.
			p.Visit(link)
			if !p.Has("#main dl.answers") {
				p.fatalf("opening the link again shows %q, want the review", short(p.Text("#main h1")))
			}
			if got := reviewRows(p)[2].Answer; got != labels[2] {
				p.errorf("the review shows %q for question 3, changed to %q", got, labels[2])
			}
		}},
		step{"they send and are thanked", func() {
			p := resident
			p.Click(`#main form[action="` + link + `/send"] button[type="submit"]`)
			if p.Path() != "/banyuwangi/survey-thanks" {
				p.fatalf("sending led to %s, want /banyuwangi/survey-thanks; the page says %q", p.Path(), short(p.Text("#main")))
			}
			if got, want := p.Text("#main h1"), msg.T(lang, "survey.thanks.title"); got != want {
				p.errorf("the thanks page is headed %q, want %q", got, want)
			}
			talliedOnce(t, before, surveyTallyOf(t, ten, svc, survey.SKMCode), answers)
		}},
		step{"the link then says it was answered", func() {
			p := resident
			visitStatus(p, link, 409)
			if got, want := p.Text("#main"), msg.T(lang, "survey.error.answered"); !strings.Contains(got, want) {
				p.errorf("the answered link says %q, want %q", short(got), want)
			}
			if p.Has(`#main button[name="answer"], #main form[action$="/send"]`) {
				p.errorf("the answered link still offers answers or a send button")
			}
			talliedOnce(t, before, surveyTallyOf(t, ten, svc, survey.SKMCode), answers) // opening it counted nothing
		}},
		step{"the thanks and the already answered pages pass axe at 360 and 1280 px", func() {
			auditScreen(auditors, "/banyuwangi/survey-thanks", 200, "the thanks", nil)
			auditScreen(auditors, link, 409, "already answered", func(p *Page) {
				textHas(p, "#main", msg.T(lang, "survey.error.answered"))
			})
		}},
	)
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}

// TestSurveyFukuokaInJapanese: a resident of Fukuoka, in Japanese at desk
// size, answers Japan's five questions on five points (待ち時間について
// first), goes from the last question to the comment (no questions about
// who they are), and sends; the sums count them once.
func TestSurveyFukuokaInJapanese(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, desk := phoneAndDesktop()
	p := openPage(t, desk, withAcceptLanguage("ja"))
	ten, svc, app := decidedApplication(t, "fukuoka", "resident@fukuoka.demo", "officer@fukuoka.demo")
	before := surveyTallyOf(t, ten, svc, survey.CounterCode)
	link := surveyLinkIn(t, ten, app)
	msg := surveyMessages(t)
	tpl := survey.CounterTemplate
	screens := len(tpl.Items) + 2 // the questions, the comment, the review
	answers := []int{2, 5, 4, 3, 1}
	journey(t, []*Page{p},
		step{"she answers the five questions in Japanese", func() {
			p.Visit(link)
			if p.Lang() != "ja" {
				p.errorf("<html lang=%q>, want ja", p.Lang())
			}
			if q := p.Text("#main h1.survey-question"); !strings.Contains(q, "待ち時間について") {
				p.errorf("the first question reads %q, want it to ask 待ち時間について", q)
			}
			surveyTargetsBig(p)
			for i, v := range answers {
				if got, want := answerChoices(p), []string{"5", "4", "3", "2", "1"}; !slices.Equal(got, want) {
					p.errorf("question %d offers answers %q, want %q", i+1, got, want)
				}
				if got, want := answerLabel(p, 5), msg.T("ja", "survey.jp5."+tpl.Items[i]+".a5"); got != want {
					p.errorf("question %d's best answer reads %q, want %q", i+1, got, want)
				}
				answerQuestion(p, link, i+1, v, msg.T("ja", "survey.progress", i+1, screens))
			}
		}},
		step{"no questions about her, a comment, the review, send", func() {
			if p.Has("#main fieldset#sex") {
				p.errorf("Japan's survey asks who answered")
			}
			p.Require("#main textarea#comment", "the comment follows the last question")
			p.Fill("#main textarea#comment", "職員の方の説明がとても丁寧でした。")
			p.Click(`#main form button[type="submit"].big`)
			rows := reviewRows(p)
			if len(rows) != len(tpl.Items)+1 {
				p.fatalf("the review lists %d answers, want %d: %+v", len(rows), len(tpl.Items)+1, rows)
			}
			if got, want := rows[0].Answer, msg.T("ja", "survey.jp5.wait.a2"); got != want {
				p.errorf("the review shows %q for the waiting time, answered %q", got, want)
			}
			surveyTargetsBig(p)
			p.Click(`#main form[action="` + link + `/send"] button[type="submit"]`)
			if p.Path() != "/fukuoka/survey-thanks" {
				p.fatalf("sending led to %s, want /fukuoka/survey-thanks; the page says %q", p.Path(), short(p.Text("#main")))
			}
			textIs(p, "#main h1", msg.T("ja", "survey.thanks.title"))
			talliedOnce(t, before, surveyTallyOf(t, ten, svc, survey.CounterCode), answers)
			visitStatus(p, link, 409)
			textHas(p, "#main", msg.T("ja", "survey.error.answered"))
		}},
	)
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}
