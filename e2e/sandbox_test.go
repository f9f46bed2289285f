package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPracticeApplicationNeverReachesTheOfficer: a learner on a phone (and
// at a desk) goes from the class's exercises to practising the city's real
// services: the same service pages with a practice sign on each, applies
// for 住民票の写し with a file and gets a practice number, takes a practice
// queue number, and finishes (asked first), which deletes it all. The
// city's officer, signed in meanwhile, never sees the application in the
// inbox, the practice twin has no inbox at all, and no email is sent.
// Every page is audited on the way.
func TestPracticeApplicationNeverReachesTheOfficer(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		learner := "learner4@fukuoka.demo"
		if !p.vp.mobile {
			learner = "learner5@fukuoka.demo"
		}
		officer := secondPerson(t, p)
		both := []*Page{p, officer}
		var number string
		mails := len(shared.mail.to(learner))
		journey(t, both,
			step{"from the class to practice", func() {
				signIn(p, learner, "/fukuoka/classes/practice/exercises")
				p.Click(`#main a[href="/fukuoka/classes/practice/services"]`)
				p.Require("#sandbox-diff", "practice: what is different")
				p.Click(`#main form[action="/fukuoka/classes/practice/services"] button[type=submit]`)
				if p.URLPath() != "/fukuoka-practice/services" {
					p.fatalf("starting practice led to %s", p.Path())
				}
				p.Require(".practice-banner", "practice: the sign on the page")
			}},
			step{"apply in practice", func() {
				p.Click(`#main a[href="/fukuoka-practice/services/JUMINHYO"]`)
				p.Require(".practice-banner", "practice: the sign on the service page")
				p.Click(`#main form[action="/fukuoka-practice/services/JUMINHYO/apply"] button`)
				requireSection(p, 0, "#copies")
				p.Fill("#copies", "1")
				choose(p, "#household-0")
				choose(p, "#mynumber-1")
				choose(p, "#purpose-0")
				choose(p, "#delivery-0")
				p.Click(sectionButton)
				toCheckPage(p)
				sendDocuments(p)
				p.Click(`#main form[action$="/actions"] button[type=submit]`)
				number = p.Text("h1")
				if !strings.Contains(number, "FUK-RENSHU-") {
					p.errorf("the practice status page's h1 %q holds no practice number FUK-RENSHU-…", number)
				}
				number = number[strings.Index(number, "FUK-RENSHU-"):]
				p.Require(".practice-banner", "practice: the sign on the status page")
			}},
			step{"take a practice number", func() {
				p.Visit("/fukuoka-practice/counters")
				p.Click(`#main a[href^="/fukuoka-practice/counters/"]`)
				p.Click(`#main form[action$="/tickets"] button[type=submit]`)
				if !strings.HasPrefix(p.URLPath(), "/fukuoka-practice/tickets/") {
					p.fatalf("taking a practice number led to %s", p.Path())
				}
				p.Require(".practice-banner", "practice: the sign on the ticket")
			}},
			step{"the officer never sees it", func() {
				signIn(officer, "officer@fukuoka.demo", "/fukuoka/inbox")
				if got := officer.Text("main"); strings.Contains(got, "RENSHU") {
					officer.errorf("the officer's inbox shows a practice application: %q", short(got))
				}
				resp, err := run(officer, chromedp.NavigateResponse(officer.base+"/fukuoka-practice/inbox"))
				if err != nil || resp.Status != 404 {
					officer.errorf("the practice twin's inbox: %v status %v, want 404", err, resp)
				}
			}},
			step{"finish deletes the practice", func() {
				p.Visit("/fukuoka-practice/applications")
				if got := p.Text("main"); !strings.Contains(got, number) {
					p.errorf("my practice applications do not list %s", number)
				}
				p.Click(`.practice-banner a[href="/fukuoka/classes/practice/services/finish"]`)
				p.Require(`#main form input[name="confirm"][value="yes"]`, "finish: asked first")
				p.Click(`#main form button.danger`)
				if p.URLPath() != "/fukuoka/classes/practice/exercises" {
					p.fatalf("finishing led to %s", p.Path())
				}
				p.Require(".notice", "finish: it says the practice was deleted")
				p.Visit("/fukuoka-practice/applications")
				if got := p.Text("main"); strings.Contains(got, number) {
					p.errorf("finished practice still lists %s", number)
				}
				if n := len(shared.mail.to(learner)); n != mails {
					p.errorf("practice sent the learner %d emails", n-mails)
				}
			}},
		)
	})
}
