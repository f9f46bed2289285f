package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/classes"
)

// TestClassPages: the smartphone-class pages pass the page audit (axe-core,
// targets, reflow at the largest text) on a phone and at a desk: the list
// of classes, a course with its lessons, a session with its enrolment form
// (and the same form refused for a missing answer), the learner's own
// classes, the instructor's planning page (refused form too), roster and
// check-in screen, and the page the check-in QR code leads to.
func TestClassPages(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		p.Visit("/neyagawa/classes")
		p.Require(`#main a[href^="/neyagawa/classes/sessions/"]`, "classes: the sessions coming")
		session := eval[string](p, `document.querySelector('#main a[href^="/neyagawa/classes/sessions/"]').getAttribute("href")`)
		p.Click(`#main a[href^="/neyagawa/classes/courses/"]`)
		p.Require("#main .richtext ol li", "course: the lesson's steps as a list")
		p.Visit("/neyagawa/classes/practice")
		p.Require("#code", "practice: the class code box for guests")

		signIn(p, "learner3@neyagawa.demo", "/neyagawa/classes/mine")
		p.Require(`#main a[href^="/neyagawa/classes/sessions/"]`, "my classes: the class the learner is in")
		p.Visit("/neyagawa/classes")
		course := eval[string](p, `document.querySelector('#main a[href^="/neyagawa/classes/courses/"]').getAttribute("href")`)
		p.Visit(course + "/certificate")
		p.Require("#main ul.checklist", "my certificate: what is left to do")
		p.Visit("/neyagawa/classes/volunteer")
		p.Require("#motivation", "volunteer: the offer form")
		p.Visit("/neyagawa/classes")
		// The learner's own class shows their place; another one the form.
		for _, href := range allHrefs(p, `#main a[href^="/neyagawa/classes/sessions/"]`) {
			p.Visit(href)
			if p.Has("#phone") {
				if status := p.Click(`#main form[action$="/enrol"] button[type=submit]`); status != 422 {
					p.errorf("enrolling without saying which phone: status %d, want 422", status)
				}
				p.Require(`.error-summary a[href="#phone"]`, "the missing answer in the error summary")
				break
			}
		}

		p.ClearCookies()
		signIn(p, "instructor@neyagawa.demo", "/neyagawa/classes/manage")
		p.Fill("#start", "25:00")
		if status := p.Click(`#main form[action="/neyagawa/classes/sessions"] button[type=submit]`); status != 422 {
			p.errorf("planning a class at 25:00: status %d, want 422", status)
		}
		p.Require(`.error-summary a[href="#start"]`, "the impossible time in the error summary")
		p.Visit(strings.TrimSuffix(session, "/") + "/roster")
		p.Require("#main table", "roster: the table of learners")
		p.Visit(strings.TrimSuffix(session, "/") + "/change")
		p.Require("#venue_name", "move a class: the hall")
		p.Visit(strings.TrimSuffix(session, "/") + "/checkin")
		p.Require("#main img.checkin-qr", "check-in screen: the QR code")
		p.Visit(strings.TrimSuffix(session, "/") + "/here?code=123456")
		p.Require("#code", "check-in page: the code box")
		p.Visit("/neyagawa/classes/manage")
		p.Click(`#main a[href$="/edit"]`)
		p.Require("#title_ja", "course editor: the titles")
		p.Click(`#main a[href*="/lessons?lesson="]`)
		p.Require("#body_ja", "lesson editor: the text")
		p.Visit("/neyagawa/classes/library")
		p.Require("#main h1", "the library of shared courses")
		p.Visit("/neyagawa/classes/supporters")
		p.Require("#main section.card h2", "supporters: the demo supporter")
		p.Visit("/neyagawa/classes/figures")
		p.Require("#ages-caption", "figures: learners by age")
		p.Visit(strings.TrimSuffix(session, "/") + "/helpers")
		p.Require("#helpers-live", "who needs help: the live list")
		p.Visit(strings.TrimSuffix(session, "/") + "/help")
		p.Require("#help-live button", "help me: the button")

		// Today's online class, as its instructor and as a learner in it;
		// a practice call; the QR and call exercises; practice of the
		// city's services.
		online := onlineToday(p, "neyagawa")
		p.Visit(online)
		p.Require("#online-start", "online class: the instructor's start button")
		p.Visit(strings.TrimSuffix(online, "/online") + "/roster")
		p.Click(`#main a[href^="/neyagawa/classes/calls/"]`)
		p.Require("#online-start", "practice call: the instructor's call button")
		p.ClearCookies()
		signIn(p, "resident@neyagawa.demo", "/neyagawa/classes/practice/exercises")
		p.Click(`a.exercise-link[href$="/practice/qr"]`)
		p.Require(".scan .scan-start", "QR practice: the camera button")
		p.Visit("/neyagawa/classes/practice/exercises")
		p.Click(`a.exercise-link[href$="/practice/call"]`)
		p.Require(`#online[data-role="answerer"]`, "call practice: waiting for the call")
		p.Visit("/neyagawa/classes/practice/services")
		p.Require("#sandbox-diff", "practice of the services: what is different")
		p.Visit(online)
		p.Require(`#online-people form[action$="/hand"] button`, "online class: the learner's raise-hand button")
	})
}

// onlineToday is the address of slug's demo online class today.
func onlineToday(p *Page, slug string) string {
	p.t.Helper()
	ctx := context.Background()
	ten, err := shared.app.Tenants.BySlug(ctx, slug)
	if err != nil {
		p.t.Fatal(err)
	}
	now := shared.app.Clock.Now()
	// From before now: a long suite may pass the class's start (the demo
	// puts it a quarter of an hour after the app starts); still on is enough.
	xs, err := shared.app.Classes.Sessions(ctx, ten.ID, now.Add(-90*time.Minute), now.Add(time.Hour))
	if err != nil {
		p.t.Fatal(err)
	}
	xs = slices.DeleteFunc(xs, func(x classes.Session) bool { return !x.EndsAt.After(now) })
	for _, x := range xs {
		if x.Online {
			return "/" + slug + "/classes/sessions/" + string(x.ID) + "/online"
		}
	}
	p.t.Fatalf("%s has no online class today", slug)
	return ""
}

// allHrefs lists the href of every element matching sel.
func allHrefs(p *Page, sel string) []string {
	return eval[[]string](p, `Array.from(document.querySelectorAll('`+sel+`')).map(a => a.getAttribute("href"))`)
}
