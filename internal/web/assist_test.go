package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/ids"
)

// TestNoWritingCounter: the officer fills the application for a resident
// found by email, the resident confirms with one tap in their account.
func TestNoWritingCounter(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	mustContain(t, off.get("/fukuoka/assist"), `name="resident"`, `value="JUMINHYO"`)
	if a := off.post("/fukuoka/assist", url.Values{"resident": {"nobody@example.jp"}, "service": {"JUMINHYO"}}); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown resident: %d", a.status)
	}
	a := off.post("/fukuoka/assist", url.Values{"resident": {"resident@fukuoka.demo"}, "service": {"JUMINHYO"}})
	loc := a.header.Get("Location")
	if a.status != http.StatusSeeOther || !strings.HasSuffix(loc, "/edit?section=0") {
		t.Fatalf("assist: %d %q", a.status, loc)
	}
	app := strings.TrimSuffix(loc, "/edit?section=0")
	page := url.Values{"shown": {"copies,household,mynumber,purpose,delivery"}, "copies": {"1"}, "household": {"no"},
		"mynumber": {"no"}, "purpose": {"procedure"}, "delivery": {"counter"}}
	if r := off.post(loc, page); r.status != http.StatusSeeOther {
		t.Fatalf("officer fills: %d", r.status)
	}
	if r := multipartPost(off, app+"/documents", map[string]string{"requirement": "id_card"}, "card.pdf", tinyPDF); r.status != http.StatusSeeOther {
		t.Fatalf("officer uploads the document shown to the camera: %d", r.status)
	}
	check := off.get(app + "/check")
	mustContain(t, check, app+"/confirmation")
	if strings.Contains(check.body, `name="action" value="submit"`) {
		t.Fatal("the officer must not submit on the resident's behalf")
	}
	if r := off.post(app+"/confirmation", nil); r.status != http.StatusSeeOther {
		t.Fatalf("request confirmation: %d", r.status)
	}
	if r := off.post(app+"/confirm", url.Values{"code": {"123456"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("guessed code: %d", r.status)
	}
	// The resident cannot change it, only confirm.
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	view := res.get(app)
	mustContain(t, view, "佐藤 健", app+"/confirm")
	if r := res.get(app + "/edit?section=0"); r.status != http.StatusSeeOther {
		t.Fatalf("resident edits an assisted draft: %d", r.status)
	}
	if r := res.post(app+"/confirm", nil); r.status != http.StatusSeeOther {
		t.Fatalf("resident confirms: %d", r.status)
	}
	mustContain(t, res.get(app), "FUK-2026-", "提出済み")
	// Another officer of the same tenant who did not fill it cannot confirm others' drafts.
	ten, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	got, _ := s.app.Apps.Get(t.Context(), ten.ID, ids.Application(strings.TrimPrefix(app, "/fukuoka/applications/")))
	if got.FilledBy == "" || got.ConfirmedBy != got.ApplicantID {
		t.Fatalf("record: filled %q confirmed %q", got.FilledBy, got.ConfirmedBy)
	}
}
