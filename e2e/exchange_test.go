package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/knowledge"
)

// The knowledge exchange: a city writes down a good practice, the
// network's coordinator reviews it, and another city finds it in its own
// language.

// The practice the Fukuoka editor writes, in Japanese and then in
// Indonesian. The summaries carry the words the searches look for.
const (
	exTitleJA   = "公民館のスマホよろず相談"
	exSummaryJA = "毎週水曜日の午後、公民館でスマホ相談の窓口を開き、高齢の方が地域の大学生にスマートフォンの使い方を気軽に聞けるようにしています。"
	exTitleID   = "Konsultasi ponsel pintar di balai warga"
	exSummaryID = "Setiap Rabu sore balai warga membuka konsultasi ponsel pintar: warga lanjut usia bertanya kepada mahasiswa setempat cara memakai ponsel pintar dan layanan daring kota."
)

// TestExchangeWriteReviewFind: the good-practice editor of Fukuoka writes
// a practice in Japanese on a phone (figures typed with full-width
// digits) and sends it for review, then adds its Indonesian texts, which
// makes it a draft again, and sends it once more; the network's
// coordinator reads what it holds and publishes it; an officer of
// Banyuwangi, in Indonesian, finds it with an Indonesian search and
// reads it in Indonesian. The library's search also finds a seed
// practice by an Indonesian phrase and Banyuwangi's by its name in
// katakana. Each person has a browser of their own at phone size; every
// page is audited there and again at desk size.
func TestExchangeWriteReviewFind(t *testing.T) {
	t.Parallel()
	phone, _ := phoneAndDesktop()
	editor := openPage(t, phone)
	coordinator := secondPerson(t, editor)
	officer := secondPerson(t, editor)
	var slug string // the new practice's, given by the app
	journey(t, []*Page{editor, coordinator, officer},
		step{"the editor writes it in Japanese and sends it", func() {
			p := editor
			signIn(p, "editor@fukuoka.demo", "/fukuoka/exchange")
			atDesk(p)
			p.Click(`#main a[href="/fukuoka/exchange/new"]`)
			atDesk(p)
			// Fukuoka writes in Japanese: the new form opens on its texts.
			if got := p.Value(`input[name="lang"]`); got != "ja" {
				p.errorf(`the new practice's form carries texts in %q, want "ja" (Fukuoka's language)`, got)
			}
			p.Fill("#title_ja", exTitleJA)
			p.Fill("#summary_ja", exSummaryJA)
			choose(p, "#status-continuing")
			p.Fill("#started", "2025")
			choose(p, "#tag-elderly")
			choose(p, "#tag-digital-literacy")
			p.Fill("#metric_name_0", "相談件数")
			p.Fill("#metric_unit_0", "件/月")
			p.Fill("#metric_before_0", "０") // as a Japanese keyboard types them
			p.Fill("#metric_after_0", "４０")
			p.Fill("#metric_measured_0", "2026-11")
			sendForReview(p)
			slug = practiceSlug(p, exTitleJA)
			workingStateIs(t, slug, knowledge.Submitted)
		}},
		step{"the editor adds Indonesian and sends it again", func() {
			p := editor
			p.Click(`#main a[href="/fukuoka/exchange/practices/` + slug + `"]`)
			atDesk(p)
			p.Click(`#main .lang-tabs a[href="?lang=id"]`)
			atDesk(p)
			if got := p.Value(`input[name="lang"]`); got != "id" {
				p.fatalf(`the Indonesian tab's form carries texts in %q, want "id"`, got)
			}
			p.Fill("#title_id", exTitleID)
			p.Fill("#summary_id", exSummaryID)
			p.Click(`#main button[name="action"][value="save"]`)
			if want := "/fukuoka/exchange/practices/" + slug + "?lang=id&done=practice_saved"; p.Path() != want {
				p.fatalf("saving led to %s, want %s; error summary: %q", p.Path(), want, short(p.Text(".error-summary")))
			}
			atDesk(p)
			// A change to a version waiting for review takes it back: it
			// must be sent again.
			workingStateIs(t, slug, knowledge.Draft)
			if got := p.Value("#title_id"); got != exTitleID {
				p.errorf("the saved Indonesian title reads %q, want %q", got, exTitleID)
			}
			sendForReview(p)
			workingStateIs(t, slug, knowledge.Submitted)
		}},
		step{"the coordinator reads it and publishes it", func() {
			p := coordinator
			signIn(p, "coordinator@serambi.demo", "/exchange/review")
			atDesk(p)
			p.Click(`#main a[href="/exchange/review/` + slug + `"]`)
			atDesk(p)
			changes := p.Text("#main table.list")
			for _, want := range []string{exTitleJA, exSummaryJA, exTitleID, exSummaryID, "2025", "elderly, digital-literacy",
				"相談件数: 0 → 40 件/月 2026-11"} {
				if !strings.Contains(changes, want) {
					p.errorf("the table of what the practice holds lacks %q; it reads %q", want, short(changes))
				}
			}
			p.Require("textarea#comment", "review: a comment for the government")
			p.Click(`#main button[name="decision"][value="publish"]`)
			if p.Path() != "/exchange/review?done=practice_published" {
				p.fatalf("publishing led to %s; error summary: %q", p.Path(), short(p.Text(".error-summary")))
			}
			atDesk(p)
			if p.Has(`#main a[href="/exchange/review/` + slug + `"]`) {
				p.errorf("the published practice is still waiting for review")
			}
			publicStateIs(t, slug, knowledge.Published)
		}},
		step{"an officer of Banyuwangi finds it in Indonesian", func() {
			p := officer
			signIn(p, "officer@banyuwangi.demo", "/exchange")
			atDesk(p)
			if p.Lang() != "id" {
				p.errorf("the library speaks %q to an Indonesian officer, want id", p.Lang())
			}
			found := search(p, "konsultasi ponsel pintar balai warga")
			atDesk(p)
			link := "/exchange/practices/" + slug
			if i := slices.Index(found, link); i < 0 || i > 2 {
				p.errorf("%s is not among the first 3 results (at %d, 0 for none): %q", link, i+1, found)
			}
			card := `#main ul.practices li.card:has(h3 a[href="` + link + `"])`
			p.Expect(card+" mark", "the words found, marked in the new practice's passage")
			p.Click(card + " h3 a")
			atDesk(p)
			if got := p.Text("#main h1"); got != exTitleID {
				p.errorf("the practice's page is headed %q, want the Indonesian title %q", got, exTitleID)
			}
			if got := eval[string](p, `document.querySelector("#main h1").getAttribute("lang") || ""`); got != "" {
				p.errorf(`the Indonesian title is marked lang=%q on an Indonesian page`, got)
			}
			// The figure was named in Japanese only: a screen reader must be
			// told so, or it reads 相談件数 with an Indonesian voice.
			metricNameSaysItsLanguage(p, "相談件数", "ja")
		}},
		step{"the library finds by phrase and by place", func() {
			p := officer
			p.Click(`#main a[href="/exchange"]`) // back to the library
			if found := search(p, "loket jarak jauh"); len(found) == 0 || found[0] != "/exchange/practices/fukuoka-remote-counter" {
				p.errorf("the first results for loket jarak jauh are %q, want fukuoka-remote-counter first", first(found, 5))
			}
			atDesk(p)
			found := search(p, "バニュワンギ")
			for _, want := range []string{"banyuwangi-smart-kampung", "banyuwangi-mpp-digital"} {
				if !slices.Contains(found, "/exchange/practices/"+want) {
					p.errorf("the results for バニュワンギ do not list %s: %q", want, found)
				}
			}
			atDesk(p)
		}},
	)
}

// atDesk loads the page the person is on again at desk size (a fresh
// GET, audited as every page is), so that every page of the journey is
// checked at both sizes within one person's session, then goes back to
// the phone, where the journey goes on.
func atDesk(p *Page) {
	p.t.Helper()
	home := p.vp
	_, desk := phoneAndDesktop()
	p.vp = desk
	if err := p.do(p.emulateViewport()); err != nil {
		p.fatalf("widening the viewport to %dpx: %v", desk.width, err)
	}
	p.Visit(p.path)
	p.vp = home
	if err := p.do(p.emulateViewport()); err != nil {
		p.fatalf("narrowing the viewport back to %dpx: %v", home.width, err)
	}
	// Load it again at phone size, so the journey goes on with the page
	// laid out as a phone lays it out from the start.
	if _, err := run(p, chromedp.NavigateResponse(p.base+p.path)); err != nil {
		p.fatalf("loading again at %dpx: %v", home.width, err)
	}
}

// metricNameSaysItsLanguage checks that the figure named name on a
// practice's page, when it is shown in a language other than the page's,
// is marked with its own (WCAG 3.1.2, language of parts).
func metricNameSaysItsLanguage(p *Page, name, lang string) {
	p.t.Helper()
	got := eval[[]string](p, `(() => {
		const th = [...document.querySelectorAll('#main table.list tbody th[scope="row"]')]
			.find(th => th.textContent.trim() === `+jsString(name)+`);
		return th ? [th.closest("[lang]").getAttribute("lang"), th.outerHTML] : [];
	})()`)
	if len(got) == 0 {
		p.errorf("the practice's figures have no row named %q: %q", name, short(p.Text("#main table.list")))
		return
	}
	if got[0] != lang {
		p.errorf("the figure named %q is marked as lang=%q, want %q: %s", name, got[0], lang, got[1])
	}
}

// sendForReview presses "save and send for review" on the practice form
// and checks the editor is back at the list with the practice sent.
func sendForReview(p *Page) {
	p.t.Helper()
	p.Click(`#main button[name="action"][value="submit"]`)
	if p.Path() != "/fukuoka/exchange?done=practice_submitted" {
		p.fatalf("sending for review led to %s; error summary: %q", p.Path(), short(p.Text(".error-summary")))
	}
	atDesk(p)
}

// practiceSlug is the slug of the practice titled title on the
// government's list of its practices (the app chooses it).
func practiceSlug(p *Page, title string) string {
	p.t.Helper()
	href := eval[string](p, `(() => {
		const a = [...document.querySelectorAll('#main table.list a[href^="/fukuoka/exchange/practices/"]')]
			.find(a => a.textContent.trim() === `+jsString(title)+`);
		return a ? a.getAttribute("href") : "";
	})()`)
	if href == "" {
		p.fatalf("the list of Fukuoka's practices has no link titled %q: %q", title, short(p.Text("#main")))
	}
	return strings.TrimPrefix(href, "/fukuoka/exchange/practices/")
}

// search types q into the library's search box, sends it, and returns
// the results' links in order.
func search(p *Page, q string) []string {
	p.t.Helper()
	p.Fill("#q", q)
	p.Click(`#main form.search .search-row button[type=submit]`)
	if p.URLPath() != "/exchange" || !strings.Contains(p.Path(), "q=") {
		p.fatalf("searching for %q led to %s", q, p.Path())
	}
	return allHrefs(p, "#main ul.practices li.card h3 a")
}

// first is at most n of xs, for messages.
func first(xs []string, n int) []string { return xs[:min(n, len(xs))] }

// workingStateIs checks the state of the version the editor works on.
func workingStateIs(t *testing.T, slug string, want knowledge.VersionState) {
	t.Helper()
	ctx := context.Background()
	pr, err := shared.app.Practices.BySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	v, has, err := shared.app.Practices.Working(ctx, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !has || v.State != want {
		t.Errorf("practice %s: the working version is %q (there is one: %v), want %q", slug, v.State, has, want)
	}
}

// publicStateIs checks what the library shows of the practice.
func publicStateIs(t *testing.T, slug string, want knowledge.State) {
	t.Helper()
	pr, err := shared.app.Practices.BySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	if pr.State != want {
		t.Errorf("practice %s is %q, want %q", slug, pr.State, want)
	}
}

// The replication the officer of Banyuwangi opens: of Neyagawa's city
// app, whose practice runs Neyagawa's first smartphone course on Serambi.
const (
	adoptSlug = "neyagawa-city-app"
	adoptRep  = "/banyuwangi/exchange/replications/" + adoptSlug
	adoptNote = "Kursus disesuaikan untuk balai desa."
	adoptStep = "Kelas pertama di Desa Kemiren"
	adoptTalk = "Relawan desa sudah dilatih memakai modul Neyagawa."
)

// TestExchangeAdoptAndCopyCourse: an officer of Banyuwangi, in
// Indonesian on a phone, finds Neyagawa's practice, starts replicating
// it, is asked why when stopping without a word, moves to "adapt", plans
// a step (its date typed with full-width digits) and ticks it off,
// shares a note, copies Neyagawa's course into Banyuwangi's classes
// (where Banyuwangi's instructor finds it, not shown to residents), and
// asks Neyagawa for a mentor; Neyagawa's editor, in Japanese, accepts;
// the officer then sees who mentors them, and anyone reading the
// practice in English sees Banyuwangi adapting it. Every page is audited
// at phone and desk size, a page with errors included.
func TestExchangeAdoptAndCopyCourse(t *testing.T) {
	t.Parallel()
	phone, _ := phoneAndDesktop()
	officer := openPage(t, phone)
	instructor := secondPerson(t, officer)
	mentor := secondPerson(t, officer)
	reader := secondPerson(t, officer, withAcceptLanguage("en"))
	journey(t, []*Page{officer, instructor, mentor, reader},
		step{"the officer finds Neyagawa's practice and adopts it", func() {
			p := officer
			signIn(p, "officer@banyuwangi.demo", "/exchange")
			atDesk(p)
			link := "/exchange/practices/" + adoptSlug
			if found := search(p, "Neyagawa"); !slices.Contains(first(found, 5), link) {
				p.errorf("%s is not among the first 5 results for Neyagawa: %q", link, first(found, 5))
			}
			atDesk(p)
			p.Click(`#main ul.practices li.card h3 a[href="` + link + `"]`)
			atDesk(p)
			adopt := `#main form[action="/banyuwangi/exchange/replications"]:has(input[name="practice"][value="` + adoptSlug + `"]) button[type=submit]`
			textIs(p, adopt, "Replikasi di Kabupaten Banyuwangi")
			p.Click(adopt)
			if p.Path() != adoptRep {
				p.fatalf("adopting led to %s, want %s", p.Path(), adoptRep)
			}
			atDesk(p)
			currentStepIs(p, "Memahami")
		}},
		step{"stopping asks why; the officer moves to adapt", func() {
			p := officer
			stopWithoutReason := func() {
				p.Select("#stage", "stopped")
				if status := p.Click(repForm("stage") + " button[type=submit]"); status != 422 {
					p.errorf("stopping without a reason: status %d, want 422", status)
				}
				p.Require(`.error-summary a[href="#stage_note"]`, "the missing reason in the error summary")
				textHas(p, ".error-summary", "Tuliskan mengapa replikasi berhenti")
				textHas(p, "#stage_note-error", "Tuliskan mengapa replikasi berhenti")
				p.Expect(`#stage_note[aria-invalid="true"]`, "the reason's box marked invalid")
			}
			stopWithoutReason()
			// A GET cannot show the refused form: it is sent again at desk size.
			atDeskToo(p, stopWithoutReason)
			currentStepIs(p, "Memahami") // nothing changed
			p.Select("#stage", "adapt")
			p.Fill("#stage_note", adoptNote)
			p.Click(repForm("stage") + " button[type=submit]")
			savedAs(p, "saved")
			atDesk(p)
			currentStepIs(p, "Menyesuaikan")
			if got := p.Value("#stage"); got != "adapt" {
				p.errorf("the stage list shows %q, want adapt", got)
			}
		}},
		step{"the officer plans a step and ticks it off", func() {
			p := officer
			p.Fill("#milestone_title", adoptStep)
			p.Fill("#milestone_due", "２０２７-０２-０１") // as an IME types it
			p.Click(repForm("milestone") + " button[type=submit]")
			savedAs(p, "saved")
			atDesk(p)
			plan := `#main section[aria-labelledby="plan-h"] ul.plain li`
			textHas(p, plan, adoptStep+" — 2027-02-01")
			tick := plan + ` button[name="action"][value="done"]`
			textHas(p, tick, "Tandai selesai")
			p.Click(tick)
			savedAs(p, "saved")
			atDesk(p)
			textIs(p, plan+" s", adoptStep)
			p.Expect(plan+` button[name="action"][value="undone"]`, "a step done can be undone")
		}},
		step{"the officer shares a note", func() {
			p := officer
			p.Fill("#note", adoptTalk)
			choose(p, "#shared")
			p.Click(repForm("note") + " button[type=submit]")
			savedAs(p, "saved")
			atDesk(p)
			card := `#main section[aria-labelledby="notes-h"] ul.cards li.card:has(p:not(.sub))`
			found := eval[[]string](p, `[...document.querySelectorAll(`+jsString(card)+`)].map(li => li.innerText)`)
			i := slices.IndexFunc(found, func(s string) bool { return strings.Contains(s, adoptTalk) })
			switch {
			case i < 0:
				p.errorf("the notes do not show %q: %q", adoptTalk, found)
			case strings.Contains(found[i], "hanya kami"):
				p.errorf("the shared note is marked as for us only: %q", short(found[i]))
			}
		}},
		step{"the officer copies Neyagawa's course", func() {
			p := officer
			runs := `#main section[aria-labelledby="runs-h"]`
			copyButton := runs + ` form:has(input[name="kind"][value="course"]) button[type=submit]`
			textIs(p, copyButton, "Salin kursus ke kelas kami")
			p.Click(copyButton)
			savedAs(p, "copied")
			atDesk(p)
			textIs(p, runs+" .badge", "Sudah disalin")
			if p.Has(copyButton) {
				p.errorf("the course can still be copied after it was")
			}
		}},
		step{"Banyuwangi's instructor finds the copy, not shown to residents", func() {
			p := instructor
			id, code := copiedCourse(t, "banyuwangi")
			if code != "first-steps-2" {
				t.Errorf("the copied course has code %q, want first-steps-2 (Banyuwangi has a first-steps of its own)", code)
			}
			signIn(p, "instructor@banyuwangi.demo", "/banyuwangi/classes/manage")
			atDesk(p)
			edit := "/banyuwangi/classes/courses/" + id + "/edit"
			entry := `#main ul.tenant-results a[href="` + edit + `"]`
			p.Require(entry, "the copied course among Banyuwangi's courses")
			textIs(p, entry+" .name", "Langkah pertama dengan ponsel")
			textHas(p, entry+" .sub", "tidak tampil untuk warga")
			p.Click(entry)
			atDesk(p)
			if got := p.Value("#title_ja"); got != "はじめてのスマホ" {
				p.errorf("the copy's Japanese title is %q, want Neyagawa's はじめてのスマホ", got)
			}
			if eval[bool](p, `document.querySelector("#published").checked`) {
				p.errorf("the copied course is published; it must wait for Banyuwangi to adapt it")
			}
		}},
		step{"the officer asks Neyagawa for a mentor", func() {
			p := officer
			ask := repForm("mentor") + " button[type=submit]"
			textIs(p, ask, "Minta mentor ke Neyagawa City")
			p.Click(ask)
			savedAs(p, "saved")
			atDesk(p)
			textHas(p, `#main section[aria-labelledby="mentor-h"]`, "Anda sudah meminta mentor")
		}},
		step{"Neyagawa's editor accepts, in Japanese", func() {
			p := mentor
			signIn(p, "editor@neyagawa.demo", "/neyagawa/exchange")
			atDesk(p)
			if p.Lang() != "ja" {
				p.errorf("Neyagawa's list speaks %q to its editor, want ja", p.Lang())
			}
			card := `#main ul.cards li.card:has(form[action^="/neyagawa/exchange/mentoring/"])`
			textHas(p, card, "バニュワンギ")
			accept := card + ` button[name="answer"][value="accept"]`
			textIs(p, accept, "私が助言する")
			p.Click(accept)
			if p.Path() != "/neyagawa/exchange?done=saved" {
				p.fatalf("accepting led to %s", p.Path())
			}
			atDesk(p)
			if p.Has(accept) {
				p.errorf("the request can still be accepted after it was")
			}
		}},
		step{"the officer sees who mentors them", func() {
			p := officer
			p.Visit(adoptRep)
			atDesk(p)
			textHas(p, `#main section[aria-labelledby="mentor-h"]`, "editor@neyagawa.demo mendampingi Anda.")
		}},
		step{"a reader sees Banyuwangi adapting the practice", func() {
			p := reader
			p.Visit("/exchange/practices/" + adoptSlug)
			atDesk(p)
			if p.Lang() != "en" {
				p.errorf("the practice speaks %q to an English reader, want en", p.Lang())
			}
			rep := `#main h2#replicating + ul.cards li.card`
			textHas(p, rep, "Banyuwangi Regency — Adapt")
			textHas(p, rep, "with a mentor from the origin")
		}},
	)
}

// repForm is the replication page's form that sends action.
func repForm(action string) string {
	return `#main form:has(input[name="action"][value="` + action + `"])`
}

// savedAs checks a step on the replication page led back to it with the
// flash done.
func savedAs(p *Page, done string) {
	p.t.Helper()
	if want := adoptRep + "?done=" + done; p.Path() != want {
		p.fatalf("the step led to %s, want %s; error summary: %q", p.Path(), want, short(p.Text(".error-summary")))
	}
}

// currentStepIs checks the replication's stage marked as the current step.
func currentStepIs(p *Page, want string) {
	p.t.Helper()
	current := `#main ol.steps li[aria-current="step"]`
	if n := p.Count(current); n != 1 {
		p.errorf("%d steps are marked current, want 1: %q", n, short(p.Text("#main ol.steps")))
		return
	}
	textIs(p, current, want)
}

// textIs checks the text of the first match of sel.
func textIs(p *Page, sel, want string) {
	p.t.Helper()
	p.Require(sel, "to read "+want)
	if got := strings.TrimSpace(p.Text(sel)); got != want {
		p.errorf("%s reads %q, want %q", sel, got, want)
	}
}

// textHas checks the text of the first match of sel contains want.
func textHas(p *Page, sel, want string) {
	p.t.Helper()
	p.Require(sel, "to read "+want)
	if got := p.Text(sel); !strings.Contains(strings.Join(strings.Fields(got), " "), want) {
		p.errorf("%s does not say %q; it reads %q", sel, want, short(got))
	}
}

// atDeskToo does what the person just did once more at desk size, for a
// page a GET cannot bring back (a refused form), then goes back to the
// phone.
func atDeskToo(p *Page, do func()) {
	p.t.Helper()
	home := p.vp
	_, desk := phoneAndDesktop()
	p.vp = desk
	if err := p.do(p.emulateViewport()); err != nil {
		p.fatalf("widening the viewport to %dpx: %v", desk.width, err)
	}
	do()
	p.vp = home
	if err := p.do(p.emulateViewport()); err != nil {
		p.fatalf("narrowing the viewport back to %dpx: %v", home.width, err)
	}
}

// copiedCourse is the id and code of the one course tenant slug copied
// from another's.
func copiedCourse(t *testing.T, slug string) (id, code string) {
	t.Helper()
	ctx := context.Background()
	ten, err := shared.app.Tenants.BySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	courses, err := shared.app.Classes.Courses(ctx, ten.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range courses {
		if c.CopiedFrom != "" {
			if id != "" {
				t.Errorf("%s has more than one copied course", slug)
			}
			id, code = string(c.ID), c.Code
		}
	}
	if id == "" {
		t.Fatalf("%s has no copied course", slug)
	}
	return id, code
}

// The webinar Fukuoka's editor announces about its remote counter, the
// question Banyuwangi's officer asks about it, and Fukuoka's answer.
const (
	evPractice = "fukuoka-remote-counter"
	evEdit     = "/fukuoka/exchange/practices/" + evPractice
	evPublic   = "/exchange/practices/" + evPractice
	evTitle    = "リモート窓口の導入説明会(オンライン)"
	evLink     = "https://meet.example/x"
	evFileDesc = "公民館のリモート窓口で、職員と画面越しに話す高齢の方"
	evQuestion = "Berapa biayanya?"
	evAnswer   = "年間およそ200万円です(タブレット、通信費、職員研修を含みます)。"
	evProblem  = "Warga lanjut usia sulit datang ke kantor kecamatan untuk mengurus dokumen."
)

// TestExchangeEveryPageAccessible: the pages of the knowledge exchange
// the other journeys leave out, each with what a real day puts on it,
// audited (axe-core, touch targets, reflow) at phone and desk size.
// Fukuoka's editor, in Japanese, opens its remote counter's edit page,
// announces a webinar (first with a date gone by, which the page refuses
// with an error summary), adds a picture, looks for partners, reads the
// history and the (empty) list of who registered. Banyuwangi's officer,
// in Indonesian, registers for the webinar, asks a question, looks for
// governments like theirs and for who solved a problem, and finds no
// offer to replicate Banyuwangi's own practice; Banyuwangi's editor reads
// their government's list. Fukuoka's editor answers the question on her
// list, and a stale tab of that list sending another answer is refused;
// she sees who registered and the answered thread. A resident of
// Banyuwangi reads the practice in Indonesian, the coordinator the empty
// review queue and the network's home, and anyone the library with its
// filters open, a search that finds nothing and one of only signs.
func TestExchangeEveryPageAccessible(t *testing.T) {
	t.Parallel()
	phone, desktop := phoneAndDesktop()
	editor := openPage(t, phone)
	officer := secondPerson(t, editor)
	bwEditor := secondPerson(t, editor)
	resident := secondPerson(t, editor)
	coordinator := secondPerson(t, editor)
	anyone := secondPerson(t, editor)
	soon := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	gone := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	var roster string // the webinar's list of who registered, given by the app
	journey(t, []*Page{editor, officer, bwEditor, resident, coordinator, anyone},
		step{"the editor opens the remote counter's edit page", func() {
			p := editor
			signIn(p, "editor@fukuoka.demo", "/fukuoka/exchange")
			p.Click(`#main table.list a[href="` + evEdit + `"]`)
			atDesk(p)
			p.Expect(`#main section[aria-labelledby="files"] input[type=file]#file`, `the "pictures and documents" form`)
			p.Expect(`#main form[action="`+evEdit+`/partners"] button[type=submit]`, `the "look for partners" form`)
			p.Expect(`#main section[aria-labelledby="event-h"] #event_title`, "the form announcing a study visit or webinar")
		}},
		step{"a webinar with a date gone by is refused, then announced", func() {
			p := editor
			announce := func(date string) int64 {
				choose(p, "#event_kind-webinar")
				p.Fill("#event_title", evTitle)
				p.Fill("#event_date", date)
				p.Fill("#event_start", "14:00")
				p.Fill("#event_end", "15:00")
				p.Fill("#event_link", evLink)
				p.Fill("#event_capacity", "5")
				return p.Click(`#main section[aria-labelledby="event-h"] form button[type=submit]`)
			}
			inThePast := func() {
				if status := announce(gone); status != 422 {
					p.errorf("announcing a webinar on %s: status %d, want 422", gone, status)
				}
				p.Require(`.error-summary a[href="#event_date"]`, "the date gone by in the error summary")
				textHas(p, ".error-summary", "過ぎた日時です")
				textHas(p, "#event_date-error", "過ぎた日時です")
				p.Expect(`#event_date[aria-invalid="true"]`, "the date's box marked invalid")
				if got := p.Value("#event_title"); got != evTitle {
					p.errorf("the refused form lost its title: %q, want %q", got, evTitle)
				}
			}
			inThePast()
			// A GET cannot show the refused form: it is sent again at desk size.
			atDeskToo(p, inThePast)
			announce(soon)
			if want := evPublic + "?done=event_created"; !strings.HasPrefix(p.Path(), want) {
				p.fatalf("announcing the webinar led to %s, want %s; error summary: %q", p.Path(), want, short(p.Text(".error-summary")))
			}
			atDeskWhole(p)
			card := `#main h2#events + ul.cards li.card`
			textIs(p, card+" h3", evTitle)
			textHas(p, card+" .sub", "ウェビナー")
			textHas(p, card, "残り5席")
			roster = eval[string](p, `(() => {
				const a = [...document.querySelectorAll('#main ul.cards li.card a[href^="/fukuoka/exchange/events/"]')]
					.find(a => a.closest("li.card").querySelector("h3")?.textContent.trim() === `+jsString(evTitle)+`);
				return a ? a.getAttribute("href") : "";
			})()`)
			if roster == "" {
				p.fatalf(`the webinar's card has no "who registered" link for its holder: %q`, short(p.Text(card)))
			}
			if p.Has(`#main form[action$="/register"]`) {
				p.errorf("the holder is offered to register for its own webinar")
			}
		}},
		step{"nobody has registered yet", func() {
			p := editor
			p.Click(`#main a[href="` + roster + `"]`)
			atDesk(p)
			textHas(p, "#main .lead", evTitle)
			textIs(p, "#main .empty", "まだ申込はありません。")
		}},
		step{"the editor adds a picture", func() {
			p := editor
			p.Visit(evEdit)
			file := filepath.Join(p.t.TempDir(), "remote-counter.png")
			if err := os.WriteFile(file, pngScan(p.t), 0o644); err != nil {
				p.fatalf("writing %s: %v", file, err)
			}
			if err := p.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file})); err != nil {
				p.fatalf("choosing %s for #file: %v", file, err)
			}
			p.Fill("#description", evFileDesc)
			p.Click(`#main section[aria-labelledby="files"] form.form button[type=submit]`)
			if want := evEdit + "?lang=ja&done=practice_saved"; !strings.HasPrefix(p.Path(), want) {
				p.fatalf("adding the picture led to %s, want %s", p.Path(), want)
			}
			atDeskWhole(p)
			textHas(p, `#main section[aria-labelledby="files"] ul.plain li`, evFileDesc+" (remote-counter.png)")
			p.Expect(`#main section[aria-labelledby="files"] ul.plain li button[name="remove"]`, "a button to remove the picture")
		}},
		step{"the editor looks for partners", func() {
			p := editor
			partners := `#main form[action="` + evEdit + `/partners"] button[type=submit]`
			textIs(p, partners, "募集を始める")
			p.Click(partners)
			if want := evEdit + "?done=saved"; p.Path() != want {
				p.fatalf("looking for partners led to %s, want %s", p.Path(), want)
			}
			atDesk(p)
			textIs(p, partners, "募集をやめる")
		}},
		step{"the editor reads the history", func() {
			p := editor
			p.Click(`#main a[href="` + evEdit + `/history"]`)
			atDesk(p)
			if n := p.Count("#main table.list tbody tr"); n < 2 {
				p.errorf("the history lists %d versions, want the seed's and the draft with the picture: %q", n, short(p.Text("#main table.list")))
			}
		}},
		step{"the officer registers for the webinar", func() {
			p := officer
			signIn(p, "officer@banyuwangi.demo", evPublic)
			atDesk(p)
			register := `#main form[action^="/banyuwangi/exchange/events/"][action$="/register"] button[type=submit]`
			textIs(p, register, "Daftar (Kabupaten Banyuwangi)")
			p.Expect(`#main form[action="/banyuwangi/exchange/questions"] textarea[name="question"]`, "the question form")
			textIs(p, "#main h2#questions + p.empty", "Belum ada pertanyaan.")
			p.Click(register)
			if want := evPublic + "?done=event_registered_now"; !strings.HasPrefix(p.Path(), want) {
				p.fatalf("registering led to %s, want %s", p.Path(), want)
			}
			atDeskWhole(p)
			textHas(p, `#main h2#events + ul.cards li.card`, "Sisa 4 kursi")
		}},
		step{"the officer asks what it costs", func() {
			p := officer
			form := `#main form[action="/banyuwangi/exchange/questions"]`
			p.Fill(form+" textarea", evQuestion)
			p.Click(form + " button[type=submit]")
			if want := evPublic + "?done=question_asked"; !strings.HasPrefix(p.Path(), want) {
				p.fatalf("asking led to %s, want %s", p.Path(), want)
			}
			atDeskWhole(p)
			thread := `#main h2#questions + ul.cards li.card`
			textHas(p, thread, evQuestion)
			textHas(p, thread, "Menunggu jawaban.")
		}},
		step{"the officer looks for governments like theirs and who solved a problem", func() {
			p := officer
			p.Visit("/banyuwangi/exchange/peers")
			atDesk(p)
			p.Expect(`#main section[aria-labelledby="peers-h"] ul.cards li.card`, "governments like Banyuwangi")
			p.Fill("#problem", evProblem)
			p.Click(`#main section[aria-labelledby="solved-h"] form button[type=submit]`)
			if p.URLPath() != "/banyuwangi/exchange/peers" || !strings.Contains(p.Path(), "problem=") {
				p.fatalf("looking for who solved it led to %s", p.Path())
			}
			atDesk(p)
			if n := p.Count(`#main section[aria-labelledby="solved-h"] ul.practices li.card`); n == 0 {
				p.errorf("no practice solves %q: %q", evProblem, short(p.Text(`#main section[aria-labelledby="solved-h"]`)))
			}
		}},
		step{"the officer is offered nothing on Banyuwangi's own practice", func() {
			p := officer
			p.Visit("/exchange/practices/banyuwangi-smart-kampung")
			atDesk(p)
			if p.Has(`#main form[action="/banyuwangi/exchange/replications"]`) {
				p.errorf("Banyuwangi is offered to replicate its own practice")
			}
			if p.Has(`#main form[action="/banyuwangi/exchange/questions"]`) {
				p.errorf("Banyuwangi is offered to ask itself a question")
			}
			// The refusal page (exchange_refused) answers a form the page
			// does not offer; it is seen below, for an answer sent twice.
		}},
		step{"Banyuwangi's editor reads their government's list", func() {
			// The list is for a government's editors and admins: the
			// officer has no way to it.
			p := bwEditor
			signIn(p, "editor@banyuwangi.demo", "/banyuwangi/exchange")
			atDesk(p)
			for _, slug := range []string{"banyuwangi-smart-kampung", "banyuwangi-mpp-digital"} {
				p.Expect(`#main table.list a[href="/banyuwangi/exchange/practices/`+slug+`"]`, "Banyuwangi's practice "+slug)
			}
			p.Click(`#main a[href="/banyuwangi/exchange/peers"]`)
			atDesk(p)
		}},
		step{"the editor answers; a stale tab answering again is refused", func() {
			p := editor
			// Two more tabs of her list, one at each size, opened before
			// she answers and sent after.
			stalePhone := sameSessionTab(p, phone)
			staleDesk := sameSessionTab(p, desktop)
			for _, s := range []*Page{stalePhone, staleDesk} {
				s.Visit("/fukuoka/exchange")
			}
			p.Visit("/fukuoka/exchange")
			atDesk(p)
			card := `#main ul.cards li.card:has(form[action^="/fukuoka/exchange/questions/"])`
			textHas(p, card, evQuestion)
			textHas(p, card, "バニュワンギ")
			p.Fill(card+" textarea", evAnswer)
			p.Click(card + " button[type=submit]")
			if want := "/fukuoka/exchange?done=answer_sent"; p.Path() != want {
				p.fatalf("answering led to %s, want %s", p.Path(), want)
			}
			atDesk(p)
			if p.Has(card) {
				p.errorf("the question still waits for an answer after it was answered")
			}
			for _, s := range []*Page{stalePhone, staleDesk} {
				s.Fill(card+" textarea", "もう一度:"+evAnswer)
				if status := s.Click(card + " button[type=submit]"); status != 422 {
					s.errorf("answering an answered question: status %d, want 422", status)
				}
				textHas(s, "#main", "この質問は回答済みか")
				s.Expect(`#main a.button[href="/fukuoka/exchange"]`, "a way back to the list")
			}
		}},
		step{"the editor sees who registered and the answered thread", func() {
			p := editor
			p.Visit(evPublic)
			atDesk(p)
			thread := `#main h2#questions + ul.cards li.card`
			textHas(p, thread, evQuestion)
			textHas(p, thread, evAnswer)
			p.Click(`#main a[href="` + roster + `"]`)
			atDesk(p)
			if n := p.Count("#main table.list tbody tr"); n != 1 {
				p.errorf("%d people registered, want the officer of Banyuwangi: %q", n, short(p.Text("#main")))
			}
		}},
		step{"a resident reads the practice in Indonesian", func() {
			p := resident
			signIn(p, "resident@banyuwangi.demo", evPublic)
			atDesk(p)
			if p.Lang() != "id" {
				p.errorf("the practice speaks %q to a resident of Banyuwangi, want id", p.Lang())
			}
			if p.Has(`#main form[action="` + evPublic + `/translation"]`) {
				p.errorf("the practice is shown as not translated into Indonesian")
			}
			if p.Has(`#main form[action$="/register"]`) || p.Has("#main h2#questions") {
				p.errorf("a resident is offered the staff's registration or questions")
			}
			if slug := lacking(t, "id"); slug == "" {
				p.logf("every published practice has Indonesian texts: the page that says a practice is not translated is not seen")
			} else {
				p.Visit("/exchange/practices/" + slug)
				atDesk(p)
				p.Expect(`#main form[action="/exchange/practices/`+slug+`/translation"] button[type=submit]`, "asking for a translation")
			}
		}},
		step{"the coordinator finds nothing to review and the network's home", func() {
			p := coordinator
			// The other journey of the exchange sends a practice for
			// review and publishes it; the empty queue is after that.
			if !queueEmpties(t, time.Minute) {
				p.logf("a practice still waits for review after a minute: the queue is audited with it")
			}
			signIn(p, "coordinator@serambi.demo", "/exchange/review")
			atDesk(p)
			if p.Has("#main ul.tenant-results") {
				p.logf("the review queue is not empty: %q", short(p.Text("#main ul.tenant-results")))
			} else {
				textIs(p, "#main .empty", "Nothing is waiting for review.")
			}
			p.Visit("/")
			atDesk(p)
		}},
		step{"anyone opens the library's filters", func() {
			p := anyone
			p.Visit("/exchange")
			openFacets(p)
			atDeskToo(p, func() {
				p.Visit("/exchange")
				openFacets(p)
			})
			p.Visit("/exchange")
			openFacets(p)
			p.Select("#f-country", "ID")
			p.Click(`#main details.facets button[type=submit]`)
			if !strings.Contains(p.Path(), "country=ID") {
				p.fatalf("applying the filters led to %s", p.Path())
			}
			atDesk(p)
			p.Expect("#main details.facets[open]", "the filters shown open while one is chosen")
		}},
		step{"anyone searches for nothing found and for signs only", func() {
			p := anyone
			p.Visit("/exchange")
			if found := search(p, "zzzzqqq"); len(found) != 0 {
				p.errorf("zzzzqqq finds %q, want nothing", found)
			}
			atDesk(p)
			p.Expect("#main p.empty", "the search finding nothing says so")
			search(p, `"*:`)
			if want := "/exchange?q=%22*%3A"; !strings.HasPrefix(p.Path(), want) {
				p.errorf("the search for signs only is at %s, want %s", p.Path(), want)
			}
			atDesk(p)
			p.Expect(`#main p.notice.warn[role="status"]`, "the search of signs only says it has no words")
		}},
	)
}

// atDeskWhole is atDesk on a page the app sent to one of its parts
// (#events): loading the same address with its fragment would only
// scroll, so the page is loaded without it.
func atDeskWhole(p *Page) {
	p.t.Helper()
	if i := strings.IndexByte(p.path, '#'); i >= 0 {
		p.path = p.path[:i]
	}
	atDesk(p)
}

// sameSessionTab opens another tab of p's person (the same cookies) at
// vp, as a person keeps a page open in a second tab; it closes at the
// end of the step.
func sameSessionTab(p *Page, vp viewport) *Page {
	p.t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx) // a new tab in p's browser context
	p.t.Cleanup(cancel)
	q := &Page{t: p.t, ctx: ctx, vp: vp, base: p.base, axe: p.axe, seen: map[string]bool{}}
	if err := chromedp.Do(ctx, q.emulateViewport()); err != nil {
		p.fatalf("opening another tab: %v", err)
	}
	return q
}

// openFacets opens the library's "narrow the list" disclosure the way a
// person does, by its summary, and audits the page with it open.
func openFacets(p *Page) {
	p.t.Helper()
	tap(p, "#main details.facets > summary")
	waitTrue(p, "the filters open", `document.querySelector("#main details.facets").open`)
	p.Audit()
}

// lacking is a published practice with no title in lang, or "".
func lacking(t *testing.T, lang string) string {
	t.Helper()
	res, err := shared.app.Practices.Library().Find(context.Background(), knowledge.Search{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total > len(res.Found) {
		t.Logf("the library holds %d practices; only the first %d are looked at", res.Total, len(res.Found))
	}
	for _, f := range res.Found {
		if f.Live.Title[lang] == "" {
			return f.Slug
		}
	}
	return ""
}

// queueEmpties waits until no practice waits for review, at most within.
func queueEmpties(t *testing.T, within time.Duration) bool {
	t.Helper()
	for end := time.Now().Add(within); ; time.Sleep(500 * time.Millisecond) {
		list, err := shared.app.Practices.AwaitingReview(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}
