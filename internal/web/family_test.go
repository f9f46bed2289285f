package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/identity"
)

var slotRe = regexp.MustCompile(`name="start" value="([^"]+)"`)

// TestFamilyBooksForParent: a daughter asks to help her father, he agrees
// in his account; she books his appointment, both see it, and she joins
// his video call as a helper; once he ends the link she cannot.
func TestFamilyBooksForParent(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ctx := t.Context()
	for _, email := range []string{"daughter@example.jp", "stranger@example.jp"} {
		if _, err := s.app.Identity.EnsureUser(ctx, audit.System, identity.EnsureInput{Email: email, Name: "Hanako",
			Password: app.DemoPassword, Lang: "ja"}); err != nil {
			t.Fatal(err)
		}
	}
	father, _ := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	counterID, _ := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	counterPath := "/fukuoka/counters/" + counterID

	daughter := s.browser(t)
	daughter.signin("daughter@example.jp")
	if a := daughter.post("/account/family", mapForm("family_login", "nobody@example.jp")); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown parent: %d", a.status)
	}
	if a := daughter.post("/account/family", mapForm("family_login", "resident@fukuoka.demo")); a.status != http.StatusSeeOther {
		t.Fatalf("ask: %d", a.status)
	}
	// Not approved yet: no choice, and booking for him is refused.
	if strings.Contains(daughter.get(counterPath).body, `id="family-choice"`) {
		t.Fatal("family choice before approval")
	}
	start := slotRe.FindStringSubmatch(daughter.get(counterPath).body)[1]
	if a := daughter.post(counterPath+"/appointments", mapForm2("start", start, "for", string(father.ID))); a.status != http.StatusBadRequest {
		t.Fatalf("booking before approval: %d", a.status)
	}
	dad := s.browser(t)
	dad.signin("resident@fukuoka.demo")
	approve := regexp.MustCompile(`action="(/account/family/[0-9a-f-]+/approve)"`).FindStringSubmatch(dad.get("/account").body)
	if approve == nil {
		t.Fatal("no approve button for the father")
	}
	if a := daughter.post(approve[1], nil); a.status != http.StatusNotFound {
		t.Fatalf("daughter approved her own request: %d", a.status)
	}
	if a := dad.post(approve[1], nil); a.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", a.status)
	}
	page := daughter.get(counterPath + "?family=" + string(father.ID))
	mustContain(t, page, `id="family-choice"`, `name="for" value="`+string(father.ID)+`"`)
	// (The last free time: the father already holds the first one.)
	all := slotRe.FindAllStringSubmatch(page.body, -1)
	start = all[len(all)-1][1]
	if a := daughter.post(counterPath+"/appointments", mapForm2("start", start, "for", string(father.ID))); a.status != http.StatusSeeOther ||
		!strings.Contains(a.header.Get("Location"), "done=booked") {
		t.Fatalf("book for father: %d %s", a.status, a.header.Get("Location"))
	}
	stranger := s.browser(t)
	stranger.signin("stranger@example.jp")
	if a := stranger.post(counterPath+"/appointments", mapForm2("start", start, "for", string(father.ID))); a.status != http.StatusBadRequest {
		t.Fatalf("stranger booked for him: %d", a.status)
	}
	ten := mustTenant(t, s, "fukuoka")
	mine, _ := s.app.Counters.Mine(ctx, ten, father.ID)
	var apptID string
	for _, a := range mine {
		if a.Start.UTC().Format("2006-01-02T15:04:05Z") == start && a.Status == "booked" {
			apptID = a.ID
		}
	}
	if apptID == "" {
		t.Fatalf("father's appointments lack the booking at %s: %+v", start, mine)
	}
	mustContain(t, daughter.get("/fukuoka/appointments"), "さんの予約")

	// The officer opens the call; she joins as his helper.
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	callPath := officer.post("/fukuoka/appointments/"+apptID+"/video", nil).header.Get("Location")
	mustContain(t, daughter.get("/fukuoka/appointments"), callPath)
	mustContain(t, daughter.get(callPath), `data-role="helper"`)
	if a := stranger.get(callPath); a.status != http.StatusForbidden {
		t.Fatalf("stranger in the call: %d", a.status)
	}
	sock := daughter.socket(callPath + "/socket")
	if w := sock.expect("welcome"); w.You.Role != "helper" {
		t.Fatalf("joined as %q", w.You.Role)
	}
	// He stops the link: she is out.
	end := regexp.MustCompile(`action="(/account/family/[0-9a-f-]+/end)"`).FindStringSubmatch(dad.get("/account").body)
	if a := dad.post(end[1], nil); a.status != http.StatusSeeOther {
		t.Fatalf("end: %d", a.status)
	}
	if a := daughter.get(callPath); a.status != http.StatusForbidden {
		t.Fatalf("after the end: %d", a.status)
	}
}
