package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The online-services journeys: applying (Japanese and Indonesian forms),
// an officer sending an application back and approving it, and public
// tracking. Every page is audited as it loads, at both viewports.

// trackingPattern is a tracking number; other tests may have applied
// first, so the sequence part is never assumed.
var trackingPattern = regexp.MustCompile(`[A-Z]{2,5}-\d{4}-\d{6}`)

// appPathPattern is an application's page, with or without a sub-page.
var appPathPattern = regexp.MustCompile(`^/([a-z0-9-]+)/applications/([^/?#]+)`)

// journey is steps (see resident_test.go) for several pages at once, one
// per person in the story: each step's subtest is the test of all of them.
func journey(t *testing.T, pages []*Page, ss ...step) {
	t.Helper()
	parents := make([]*testing.T, len(pages))
	for i, p := range pages {
		parents[i] = p.t
	}
	defer func() {
		for i, p := range pages {
			p.t = parents[i]
		}
	}()
	for _, s := range ss {
		finished := false
		t.Run(s.name, func(t *testing.T) {
			for _, p := range pages {
				p.t = t
			}
			s.fn()
			finished = true
		})
		if !finished {
			return
		}
	}
}

// secondPerson opens another tab at p's viewport in the same browser but in
// a browser context of its own (its own cookies), for a second person in
// the same story; opts are as for openPage.
func secondPerson(t *testing.T, p *Page, opts ...pageOption) *Page {
	t.Helper()
	var setup pageSetup
	for _, o := range opts {
		o(&setup)
	}
	ctx, cancel := chromedp.NewContext(p.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	q := &Page{t: t, ctx: ctx, vp: p.vp, base: p.base, axe: p.axe, noScript: setup.noScript, seen: map[string]bool{}}
	t.Cleanup(func() {
		if t.Failed() {
			q.screenshot("second-person-at-end")
		}
	})
	if err := chromedp.Do(ctx, q.setupSteps(setup)...); err != nil {
		t.Fatalf("[%s] opening a second browser context: %v", p.vp.name, err)
	}
	return q
}

// signIn signs in at /signin?next=next and checks the browser lands there.
func signIn(p *Page, login, next string) {
	p.t.Helper()
	p.Visit("/signin?next=" + url.QueryEscape(next))
	p.Fill("#login", login)
	p.Fill("#password", demoPassword)
	p.Click("#main button[type=submit]")
	if p.URLPath() != next {
		p.fatalf("after signing in as %s the browser is at %s, want %s; error summary: %q", login, p.Path(), next, short(p.Text(".error-summary")))
	}
	p.Expect("form.signout", "signed in: sign-out form in the header")
}

// choose clicks (taps) a radio button or checkbox, which loads no page.
func choose(p *Page, sel string) {
	p.t.Helper()
	p.mustSee(sel)
	act := chromedp.Click(chromedp.CSS(sel))
	if p.vp.mobile {
		act = chromedp.Tap(chromedp.CSS(sel))
	}
	if err := p.do(act); err != nil {
		p.fatalf("clicking %s: %v", sel, err)
	}
	if !eval[bool](p, `document.querySelector(`+jsString(sel)+`).checked`) {
		p.fatalf("%s is not checked after clicking it", sel)
	}
}

// isChecked reports whether the radio button or checkbox sel is checked.
func isChecked(p *Page, sel string) bool {
	p.t.Helper()
	p.Require(sel, "radio button or checkbox")
	return eval[bool](p, `document.querySelector(`+jsString(sel)+`).checked`)
}

// sectionButton is the submit button of a question page's form.
const sectionButton = "#main form.form button[type=submit]"

// requireSection checks the page is a question page of an application's
// form (section n), with the questions asked.
func requireSection(p *Page, n int, questions ...string) {
	p.t.Helper()
	if !appPathPattern.MatchString(p.URLPath()) || !strings.HasSuffix(p.URLPath(), "/edit") || !strings.HasSuffix(p.Path(), fmt.Sprintf("section=%d", n)) {
		p.fatalf("want question page %d (/{tenant}/applications/{id}/edit?section=%d), the browser is at %s", n, n, p.Path())
	}
	p.Require("#main form.form", "question page: the form")
	for _, q := range questions {
		p.Require(q, "question page: the question")
	}
}

// noErrors fails when the page shows form errors.
func noErrors(p *Page, why string) {
	p.t.Helper()
	if p.Has(".error-summary") || p.Has(".field-error") {
		p.fatalf("%s, but the page shows errors: %q %q", why, short(p.Text(".error-summary")), short(p.Text(".field-error")))
	}
}

// toCheckPage checks the browser is on "check your answers".
func toCheckPage(p *Page) {
	p.t.Helper()
	if !appPathPattern.MatchString(p.URLPath()) || !strings.HasSuffix(p.URLPath(), "/check") {
		p.fatalf("want the check-your-answers page /{tenant}/applications/{id}/check, the browser is at %s; errors: %q", p.Path(), short(p.Text(".error-summary")))
	}
	p.Require("dl.answers", "check page: the answers")
	p.Expect("dl.answers dd.change a", `check page: "change" links`)
}

// answersShow checks the answers list (check page or status page) shows
// each text.
func answersShow(p *Page, texts ...string) {
	p.t.Helper()
	got := p.Text("dl.answers")
	for _, s := range texts {
		if !strings.Contains(got, s) {
			p.errorf("dl.answers does not show %q; it reads %q", s, short(got))
		}
	}
}

// changeLink is the "change" link of the answer labelled label.
func changeLink(p *Page, label string) string {
	p.t.Helper()
	i := eval[int](p, `[...document.querySelectorAll("dl.answers > .answer-row")].findIndex(r => r.querySelector("dt").innerText.trim() === `+jsString(label)+`)`)
	if i < 0 {
		p.fatalf("dl.answers has no row labelled %q", label)
	}
	return fmt.Sprintf("dl.answers > .answer-row:nth-child(%d) dd.change a", i+1)
}

// sendDocuments uploads a small picture, on the check page, for each
// required document (section#doc-NAME) that has none yet, and returns how
// many it sent.
func sendDocuments(p *Page) int {
	p.t.Helper()
	missing := eval[[]string](p, `[...document.querySelectorAll('section[id^="doc-"]')]
		.filter(s => !s.querySelector("h3 .optional") && !s.querySelector("ul.docs li"))
		.map(s => s.id)`)
	if len(missing) == 0 {
		return 0
	}
	file := filepath.Join(p.t.TempDir(), "scan.png")
	if err := os.WriteFile(file, pngScan(p.t), 0o644); err != nil {
		p.fatalf("writing %s: %v", file, err)
	}
	for _, id := range missing {
		input := "#" + id + "-file"
		p.Require(input, "check page: file input of a required document")
		if err := p.do(chromedp.SetUploadFiles(chromedp.CSS(input), []string{file})); err != nil {
			p.fatalf("choosing a file for %s: %v", input, err)
		}
		p.Click("#" + id + ` form[enctype="multipart/form-data"] button[type=submit]`)
		toCheckPage(p)
		if got := p.Text("#" + id + " ul.docs"); !strings.Contains(got, "scan.png") {
			p.errorf("#%s does not list the uploaded scan.png after uploading it (%q); errors: %q", id, short(got), short(p.Text(".error-summary")))
		}
	}
	return len(missing)
}

// pngScan is a small picture, enough for a document upload.
func pngScan(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for x := 8; x < 56; x++ {
		img.SetGray(x, 24, color.Gray{Y: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// submitAnswers presses the check page's submit button, checking the hidden
// action first, and returns the status page's tracking number.
func submitAnswers(p *Page, action string) string {
	p.t.Helper()
	form := `#main form[action$="/actions"]`
	p.Require(form, "check page: the form that sends the application")
	if got := p.Value(form + ` input[name="action"]`); got != action {
		p.errorf("the check page's form has action=%q, want %q", got, action)
	}
	p.Click(form + " button[type=submit]")
	return statusPage(p)
}

// statusPage checks the application's status page and returns its
// tracking number.
func statusPage(p *Page) string {
	p.t.Helper()
	m := appPathPattern.FindStringSubmatch(p.URLPath())
	if m == nil || p.URLPath() != "/"+m[1]+"/applications/"+m[2] {
		p.fatalf("want the status page /{tenant}/applications/{id}, the browser is at %s; errors: %q", p.Path(), short(p.Text(".error-summary")))
	}
	h1 := p.Text("h1")
	number := trackingPattern.FindString(h1)
	if number == "" {
		p.errorf("the status page's h1 %q holds no tracking number", h1)
	}
	p.Expect(".status-value", "status page: the state")
	p.Expect("ol.timeline", "status page: the timeline")
	return number
}

// stateIs checks the state label of the status (or tracking) page.
func stateIs(p *Page, want string) {
	p.t.Helper()
	if got := strings.TrimSpace(p.Text(".status-value")); got != want {
		p.errorf(".status-value is %q, want %q", got, want)
	}
}

// actionButton is the button of the application page's form for a workflow
// action.
func actionButton(name string) string {
	return `form.action-form:has(input[name="action"][value="` + name + `"]) button[type=submit]`
}

// api calls the JSON API outside the browser (for steps a journey needs
// done but other tests cover page by page), sending body as JSON (none when
// nil) and decoding the reply into out; it fails the test unless the
// status is want.
func api(t *testing.T, method, path, token string, body, out any, want int) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	apiSend(t, method, path, token, "application/json", r, out, want)
}

func apiSend(t *testing.T, method, path, token, contentType string, body io.Reader, out any, want int) {
	t.Helper()
	req, err := http.NewRequest(method, serverURL(t)+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, short(string(raw)))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, short(string(raw)), err)
		}
	}
}

// applyByAPI signs in to the API as login, uploads a scan for each document
// the service requires, and sends an application for it at once; it returns
// the application's page and its tracking number.
func applyByAPI(t *testing.T, login, password, tenant, service string, answers map[string]any) (path, number string) {
	t.Helper()
	var tok struct {
		Token string `json:"token"`
	}
	api(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": login, "password": password}, &tok, http.StatusCreated)
	var svc struct {
		Requirements []struct {
			Name     string `json:"name"`
			Required bool   `json:"required"`
		} `json:"requirements"`
	}
	api(t, "GET", "/api/v1/t/"+tenant+"/services/"+service, "", nil, &svc, http.StatusOK)
	body := map[string]any{"service": service, "answers": answers, "submit": true}
	var docs []string
	for _, rq := range svc.Requirements {
		if !rq.Required {
			continue
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("service", service)
		_ = mw.WriteField("requirement", rq.Name)
		fw, _ := mw.CreateFormFile("file", "scan.png")
		_, _ = fw.Write(pngScan(t))
		_ = mw.Close()
		var doc struct {
			ID string `json:"id"`
		}
		apiSend(t, "POST", "/api/v1/t/"+tenant+"/documents", tok.Token, mw.FormDataContentType(), &buf, &doc, http.StatusCreated)
		docs = append(docs, doc.ID)
	}
	if len(docs) > 0 {
		body["documents"] = docs
	}
	var app struct {
		ID             string `json:"id"`
		TrackingNumber string `json:"tracking_number"`
		State          string `json:"state"`
	}
	api(t, "POST", "/api/v1/t/"+tenant+"/applications", tok.Token, body, &app, http.StatusCreated)
	if app.State != "submitted" || !trackingPattern.MatchString(app.TrackingNumber) {
		t.Fatalf("applying for %s through the API gave state %q and tracking number %q, want submitted and a number", service, app.State, app.TrackingNumber)
	}
	return "/" + tenant + "/applications/" + app.ID, app.TrackingNumber
}

// TestApplyJuminhyo applies for 住民票の写し in Japanese: a number out of
// range, a question revealed by an answer, check your answers, submit.
func TestApplyJuminhyo(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		const why = "パスポートの申請に使うため"
		var number string
		steps(t, p,
			step{"sign in", func() {
				signIn(p, "resident@fukuoka.demo", "/fukuoka/services")
				if got := p.Lang(); got != "ja" {
					p.errorf(`<html lang=%q> for a resident whose account language is Japanese, want "ja"`, got)
				}
			}},
			step{"services list", func() {
				// Signing in led to /fukuoka/services.
				link := `#main a[href="/fukuoka/services/JUMINHYO"]`
				p.Require(link, "services list: link to 住民票の写し")
				if got := p.Text(link); !strings.Contains(got, "住民票の写し") {
					p.errorf("the JUMINHYO link reads %q, want 住民票の写し", short(got))
				}
				p.Click(link)
			}},
			step{"service page", func() {
				if p.URLPath() != "/fukuoka/services/JUMINHYO" {
					p.fatalf("the link led to %s", p.Path())
				}
				if h := p.Text("h1"); !strings.Contains(h, "住民票の写し") {
					p.errorf("h1 is %q, want 住民票の写し", h)
				}
				p.Expect("dl.facts", "service page: who may apply, fee, time, result")
				if facts := p.Text("dl.facts"); !strings.Contains(facts, "300円") {
					p.errorf("dl.facts does not show the fee 300円: %q", short(facts))
				}
				p.Expect("ul.checklist li", "service page: documents to bring")
				p.Click(`#main form[action="/fukuoka/services/JUMINHYO/apply"] button`)
				requireSection(p, 0, "#copies", "#household-0", "#household-1", "#mynumber-0", "#purpose-0", "#purpose-2", "#delivery-0")
				if p.Has("#purpose_other") {
					p.errorf("#purpose_other is asked before purpose 'other' was chosen")
				}
			}},
			step{"11 copies", func() {
				p.Fill("#copies", "11")
				choose(p, "#household-0")
				choose(p, "#mynumber-1")
				choose(p, "#purpose-0")
				choose(p, "#delivery-0")
				p.Click(sectionButton)
				requireSection(p, 0, "#copies")
				checkErrorSummary(p, "#copies")
				if n := p.Count(".field-error"); n != 1 {
					p.errorf("%d .field-error messages, want only the one for #copies", n)
				}
				if got := p.Value("#copies"); got != "11" {
					p.errorf("#copies is %q after the error, want the typed 11 kept", got)
				}
				if !isChecked(p, "#household-0") || !isChecked(p, "#mynumber-1") {
					p.errorf("the chosen answers (#household-0, #mynumber-1) were not kept after the error")
				}
			}},
			step{"purpose other reveals a question", func() {
				p.Fill("#copies", "1")
				choose(p, "#purpose-2")
				p.Click(sectionButton)
				requireSection(p, 0, "#purpose_other")
				noErrors(p, "a question revealed by an answer should come back without an error")
				if !isChecked(p, "#purpose-2") {
					p.errorf("#purpose-2 (other) is no longer chosen")
				}
				p.Fill("#purpose_other", why)
				p.Click(sectionButton)
			}},
			step{"check your answers", func() {
				toCheckPage(p)
				answersShow(p, "必要な通数", "その他", why, "窓口で受け取る")
				sendDocuments(p)
				number = submitAnswers(p, "submit")
			}},
			step{"status page", func() {
				stateIs(p, "提出済み")
				if !strings.HasPrefix(number, "FUK-") {
					p.errorf("tracking number %q, want it to start with FUK-", number)
				}
				answersShow(p, why)
				p.Visit("/fukuoka/applications")
				if got := p.Text("main"); !strings.Contains(got, number) {
					p.errorf("my applications do not list %s", number)
				}
			}},
		)
	})
}

// TestOfficerSendsBackAndApproves: a resident applies (through the API; the
// pages are TestApplyJuminhyo's), an officer finds the application in the
// inbox and sends it back (first without the comment it needs), the
// resident reads the comment, changes an answer and sends it again, and
// the officer approves it. Officer and resident have a browser context each.
// The resident then opens the printable result with its QR code, someone
// else (signed out) checks it on the verification page the QR code leads
// to, and the emails the resident got on the way are checked.
func TestOfficerSendsBackAndApproves(t *testing.T) {
	eachViewport(t, func(t *testing.T, resident *Page) {
		officer := secondPerson(t, resident)
		const comment = "通数を2通にしてください。"
		const holder = "田中 一郎" // resident@fukuoka.demo
		var appPath, number string
		var doc paper
		both := []*Page{resident, officer}
		journey(t, both,
			step{"resident applies", func() {
				// TestApplyJuminhyo applies through the pages; here the
				// API does it, to keep the journey short.
				appPath, number = applyByAPI(resident.t, "resident@fukuoka.demo", demoPassword, "fukuoka", "JUMINHYO", map[string]any{
					"copies": 1, "household": false, "mynumber": false, "purpose": "procedure", "delivery": "counter",
				})
			}},
			step{"officer finds it in the inbox", func() {
				signIn(officer, "officer@fukuoka.demo", "/fukuoka/inbox")
				officer.Require("form.filters", "inbox: filters")
				officer.Fill("form.filters #q", number)
				officer.Click("form.filters button[type=submit]")
				href := eval[string](officer, `(() => {
					const a = [...document.querySelectorAll("table.inbox a")].find(a => a.innerText.trim() === `+jsString(number)+`);
					return a ? a.getAttribute("href") : "";
				})()`)
				if href == "" {
					officer.fatalf("table.inbox has no row linking %s", number)
				}
				if href != appPath {
					officer.errorf("the inbox row of %s links %s, want %s", number, href, appPath)
				}
				officer.Click(`table.inbox a[href="` + href + `"]`)
				if officer.URLPath() != appPath {
					officer.fatalf("the inbox row led to %s, want %s", officer.Path(), appPath)
				}
				stateIs(officer, "提出済み")
				officer.Expect(`form[action="`+appPath+`/assign"] button`, `staff: "assign to me" form`)
				officer.Require(actionButton("start_review"), "officer: start review")
				officer.Require(actionButton("send_back"), "officer: send back")
			}},
			step{"send back without a comment", func() {
				officer.Click(actionButton("send_back"))
				if !officer.Has(".error-summary") && !officer.Has(".field-error") {
					officer.fatalf("sending back without a comment shows no error (.error-summary or .field-error); state %q", officer.Text(".status-value"))
				}
				stateIs(officer, "提出済み")
			}},
			step{"send back with a comment", func() {
				officer.Fill(`form.action-form:has(input[value="send_back"]) textarea[name="comment"]`, comment)
				officer.Click(actionButton("send_back"))
				statusPage(officer)
				stateIs(officer, "差し戻し中")
				noErrors(officer, "sent back with a comment")
			}},
			step{"resident reads the comment", func() {
				signIn(resident, "resident@fukuoka.demo", appPath)
				stateIs(resident, "差し戻し中")
				if tl := resident.Text("ol.timeline"); !strings.Contains(tl, comment) {
					resident.errorf("ol.timeline does not show the officer's comment %q: %q", comment, short(tl))
				}
				fix := `#main a[href="` + appPath + `/check"]`
				resident.Require(fix, `"correct and send again" link`)
				if got := resident.Text(fix); !strings.Contains(got, "再提出") {
					resident.errorf("the link to the check page reads %q, want 直して再提出する (correct and send again)", got)
				}
				resident.Click(fix)
				toCheckPage(resident)
			}},
			step{"resident changes the copies", func() {
				resident.Click(changeLink(resident, "必要な通数"))
				requireSection(resident, 0, "#copies")
				if got := resident.Value("#copies"); got != "1" {
					resident.errorf("#copies is %q, want the earlier answer 1", got)
				}
				resident.Fill("#copies", "2")
				resident.Click(sectionButton)
				toCheckPage(resident)
				row := changeLink(resident, "必要な通数")
				if got := resident.Text(strings.TrimSuffix(row, " dd.change a") + " dd"); strings.TrimSpace(got) != "2" {
					resident.errorf("the copies answer reads %q after the change, want 2", got)
				}
			}},
			step{"resident sends it again", func() {
				sendDocuments(resident)
				if got := submitAnswers(resident, "resubmit"); got != number {
					resident.errorf("tracking number %q after sending again, want the same %q", got, number)
				}
				stateIs(resident, "提出済み")
			}},
			step{"officer approves", func() {
				officer.Visit(appPath)
				stateIs(officer, "提出済み")
				officer.Click(actionButton("start_review"))
				statusPage(officer)
				stateIs(officer, "審査中")
				officer.Click(actionButton("approve"))
				statusPage(officer)
				stateIs(officer, "承認")
			}},
			step{"resident sees the approval", func() {
				resident.Visit(appPath)
				stateIs(resident, "承認")
				resident.Expect(".status-box.status-approved", "status box marked approved")
				if resident.Has("form.action-form") {
					resident.errorf("an approved application still offers actions: %q", short(resident.Text("form.action-form")))
				}
			}},
			step{"resident opens the result", func() {
				doc = openResult(resident, appPath, number, holder)
				printedPaper(resident)
			}},
			step{"the QR code", func() {
				qrImage(resident, doc)
			}},
			step{"anyone verifies the paper", func() {
				// Someone the paper is shown to (a bank clerk in Fukuoka,
				// say) scans the QR code: a browser of their own, signed
				// out, in Japanese.
				verifier := secondPerson(resident.t, resident, withAcceptLanguage("ja"))
				verifyGenuine(verifier, doc, number, holder, "田… 一…")
			}},
			step{"emails in Japanese", func() {
				residentEmails(resident, "resident@fukuoka.demo", number, holder, appPath, comment)
			}},
		)
	})
}

// residentEmails checks the resident was told, by email in Japanese, that
// the application was received, sent back (with the officer's comment) and
// decided.
func residentEmails(p *Page, to, number, holder, appPath, comment string) {
	p.t.Helper()
	ofThis := func(m email) bool { return strings.Contains(m.Subject, number) }
	kinds := []struct {
		what  string
		match func(email) bool
	}{
		{"saying application " + number + " was received (受け付けました)", func(m email) bool {
			return ofThis(m) && strings.Contains(m.Subject, "受け付け")
		}},
		{"about " + number + " with the officer's comment " + comment, func(m email) bool {
			return ofThis(m) && strings.Contains(m.Body, comment)
		}},
		{"with the decision on " + number + " (結果)", func(m email) bool {
			return ofThis(m) && strings.Contains(m.Subject, "結果")
		}},
	}
	got := make([]email, len(kinds))
	for i, k := range kinds {
		m := waitForEmail(p.t, to, k.what, k.match)
		got[i] = m
		if m.Problem != "" {
			p.errorf("the email %s: %s", m, m.Problem)
		}
		if m.Lang != "ja" || !japanese(m.Subject) || !japanese(m.Body) {
			p.errorf("the email %s is not in Japanese, the resident's language; body: %q", m, short(m.Body))
		}
		for _, want := range []string{holder, p.base + appPath} {
			if !strings.Contains(m.Body, want) {
				p.errorf("the email %s does not mention %q; body: %q", m, want, short(m.Body))
			}
		}
	}
	if decided := got[2]; !strings.Contains(decided.Body, "承認") {
		p.errorf("the decision email on %s does not say it was approved (承認); body: %q", number, short(decided.Body))
	}
	for _, m := range shared.mail.to(to) {
		if strings.Contains(m.Subject, number) && m.Lang != "ja" {
			p.errorf("an email about %s is not in Japanese: %s", number, m)
		}
	}
}

// TestApplyAktaLahirIndonesian applies for a birth certificate in
// Indonesian: three pages, a date in three boxes, a NIK from an unknown
// region, and a question revealed by "Ya".
func TestApplyAktaLahirIndonesian(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		born := time.Now().AddDate(0, 0, -20)
		steps(t, p,
			step{"start", func() {
				signIn(p, "resident@banyuwangi.demo", "/banyuwangi/services/AKTA-LAHIR")
				if got := p.Lang(); got != "id" {
					p.errorf(`<html lang=%q>, want "id"`, got)
				}
				p.Click(`#main form[action="/banyuwangi/services/AKTA-LAHIR/apply"] button`)
				requireSection(p, 0, "#child_name", "#birth_date-day", "#birth_date-month", "#birth_date-year", "#sex-0")
				order := eval[string](p, `[...document.querySelectorAll("#birth_date input")].map(i => i.id.replace("birth_date-", "")).join(" ")`)
				if order != "day month year" {
					p.errorf("the date boxes come in the order %q, want day month year on an Indonesian page", order)
				}
			}},
			step{"about the child", func() {
				p.Fill("#child_name", "Putri Ayu Lestari")
				p.Fill("#birth_date-day", fmt.Sprint(born.Day()))
				p.Fill("#birth_date-month", fmt.Sprint(int(born.Month())))
				p.Fill("#birth_date-year", fmt.Sprint(born.Year()))
				choose(p, "#sex-1")
				p.Click(sectionButton)
				requireSection(p, 1, "#father_name", "#father_nik", "#mother_name", "#mother_nik")
			}},
			step{"a NIK from an unknown region", func() {
				p.Fill("#mother_name", "Siti Aminah")
				p.Fill("#mother_nik", "3599015505900001")
				p.Click(sectionButton)
				requireSection(p, 1, "#mother_nik")
				checkErrorSummary(p, "#mother_nik")
				if msg := p.Text("#mother_nik-error"); !strings.Contains(msg, "kabupaten") {
					p.errorf("#mother_nik-error reads %q, want the message about the province and regency code", msg)
				}
				if got := p.Value("#mother_name"); got != "Siti Aminah" {
					p.errorf("#mother_name is %q after the error, want it kept", got)
				}
			}},
			step{"the right NIK", func() {
				p.Fill("#mother_nik", "3510015505900001")
				p.Click(sectionButton)
				requireSection(p, 2, "#in_hospital-0", "#in_hospital-1", "#birth_place")
				if p.Has("#hospital_name") {
					p.errorf("#hospital_name is asked before in_hospital was answered")
				}
			}},
			step{"Ya reveals the hospital", func() {
				if got := strings.TrimSpace(p.Text(`label[for="in_hospital-0"]`)); got != "Ya" {
					p.errorf(`label[for="in_hospital-0"] reads %q, want "Ya"`, got)
				}
				choose(p, "#in_hospital-0")
				p.Fill("#birth_place", "Kelurahan Penganjuran")
				p.Click(sectionButton)
				requireSection(p, 2, "#hospital_name")
				noErrors(p, "a question revealed by an answer should come back without an error")
				if got := p.Value("#birth_place"); got != "Kelurahan Penganjuran" {
					p.errorf("#birth_place is %q, want the typed answer kept", got)
				}
				p.Fill("#hospital_name", "RSUD Blambangan")
				p.Click(sectionButton)
			}},
			step{"check and submit", func() {
				toCheckPage(p)
				answersShow(p, "Putri Ayu Lestari", "Perempuan", "Siti Aminah", "3510015505900001", "RSUD Blambangan", "Kelurahan Penganjuran")
				sendDocuments(p)
				number := submitAnswers(p, "submit")
				stateIs(p, "Terkirim")
				if !strings.HasPrefix(number, "BWI-") {
					p.errorf("tracking number %q, want it to start with BWI-", number)
				}
			}},
		)
	})
}

// TestTrackPublicly registers a resident with a mobile number and a NIK,
// applies for a KIA (through the API), forgets the session and follows the application on the public
// /track page: a wrong check first, then the last four digits of the phone
// and the birth date in the NIK.
func TestTrackPublicly(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		stamp := time.Now().UnixNano()
		vp := int64(0)
		if p.vp.mobile {
			vp = 1
		}
		// Unique per run and viewport: phone, e-mail and NIK are each taken
		// only once. The NIK is a man's born 1990-05-15 in regency 35.10.
		phone := fmt.Sprintf("0857%07d%d", stamp/10%10_000_000, vp)
		email := fmt.Sprintf("e2e.track.%d.%d@example.org", stamp, vp)
		nik := fmt.Sprintf("3510011505900%03d", 100+stamp/10%400*2+vp)
		const password = "gandrung-sewu-di-pantai-2026"
		wrong := fmt.Sprintf("%04d", (atoiTail(phone)+1)%10000)
		var number string
		steps(t, p,
			step{"register", func() {
				p.Visit("/banyuwangi/register")
				p.Require("#civil_id", "Banyuwangi registration: NIK field")
				p.Fill("#name", "Bagus Setiawan")
				p.Fill("#email", email)
				p.Fill("#phone", phone)
				p.Fill("#civil_id", nik)
				p.Fill("#password", password)
				p.Select("#lang", "id")
				p.Click("#main button[type=submit]")
				if p.URLPath() != "/banyuwangi/" {
					p.fatalf("after registering the browser is at %s, want /banyuwangi/; errors: %q", p.Path(), short(p.Text(".error-summary")))
				}
			}},
			step{"apply for a KIA through the API", func() {
				_, number = applyByAPI(p.t, email, password, "banyuwangi", "KIA", map[string]any{
					"child_name": "Dewi Setiawan", "child_nik": "3510014101200001", "birth_date": "2020-01-01", "parent_phone": phone,
				})
				if !strings.HasPrefix(number, "BWI-") {
					p.errorf("tracking number %q, want BWI-…", number)
				}
				p.ClearCookies() // signed out: tracking is for anyone
			}},
			step{"wrong check", func() {
				p.Visit("/track")
				p.Require("#number", "track: number field")
				p.Require("#check", "track: check field")
				p.Fill("#number", number)
				p.Fill("#check", wrong)
				p.Click("#main form.form button[type=submit]")
				checkErrorSummary(p, "#number")
				if p.Has(".status-value") {
					p.errorf("a wrong check shows the application's state %q", p.Text(".status-value"))
				}
				if got := p.Value("#number"); got != number {
					p.errorf("#number is %q after the error, want the typed %q kept", got, number)
				}
			}},
			step{"last four digits of the phone", func() {
				p.Fill("#number", number)
				p.Fill("#check", phone[len(phone)-4:])
				p.Click("#main form.form button[type=submit]")
				noErrors(p, "the right check")
				stateIs(p, "Terkirim")
				if got := p.Text(".status-label"); !strings.Contains(got, number) {
					p.errorf(".status-label reads %q, want the tracking number %s", got, number)
				}
				p.Expect("ol.timeline li", "track: the timeline")
				if body := p.Text("main"); strings.Contains(body, "Bagus Setiawan") || strings.Contains(body, "Dewi Setiawan") {
					p.errorf("the public tracking page shows a name")
				}
			}},
			step{"birth date in the NIK", func() {
				p.Fill("#number", number)
				p.Fill("#check", "1990-05-15")
				p.Click("#main form.form button[type=submit]")
				noErrors(p, "the birth date held in the NIK as the check")
				stateIs(p, "Terkirim")
			}},
		)
	}, withAcceptLanguage("id"))
}

// atoiTail is the number formed by the last four digits of s.
func atoiTail(s string) int {
	n := 0
	for _, r := range s[len(s)-4:] {
		n = n*10 + int(r-'0')
	}
	return n
}
