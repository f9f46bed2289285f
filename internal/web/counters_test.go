package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestBookThroughPagesAndAPI: a resident books a time by pressing it,
// sees it, cancels it; the API answers 201, then 409 when the slot fills.
func TestBookThroughPagesAndAPI(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	res := s.browser(t)
	res.signin("resident@banyuwangi.demo")
	list := res.get("/banyuwangi/counters")
	mustContain(t, list, "Administrasi Kependudukan", "Jaminan Kesehatan")
	link := regexp.MustCompile(`href="(/banyuwangi/counters/[0-9a-f-]+)"`).FindAllStringSubmatch(list.body, -1)
	if len(link) != 2 {
		t.Fatalf("counter links: %v", link)
	}
	// The second counter (BPJS) takes one person per slot.
	var counterPath string
	for _, l := range link {
		if strings.Contains(res.get(l[1]).body, "Jaminan Kesehatan") {
			counterPath = l[1]
		}
	}
	page := res.get(counterPath)
	start := regexp.MustCompile(`name="start" value="([^"]+)"`).FindStringSubmatch(page.body)
	if start == nil {
		t.Fatal("no free times on the counter page")
	}
	if r := res.post(counterPath+"/appointments", url.Values{"start": {start[1]}}); r.status != http.StatusSeeOther ||
		!strings.Contains(r.header.Get("Location"), "done=booked") {
		t.Fatalf("book: %d %q", r.status, r.header.Get("Location"))
	}
	mine := res.get("/banyuwangi/appointments")
	mustContain(t, mine, "Jaminan Kesehatan", "Terjadwal")
	// The slot is gone for everyone else: the API answers 409.
	other := s.browser(t)
	tok := other.token("officer@banyuwangi.demo")
	counterID := strings.TrimPrefix(counterPath, "/banyuwangi/counters/")
	body := `{"counter":"` + counterID + `","start":"` + start[1] + `"}`
	if r := other.do("POST", "/api/v1/t/banyuwangi/appointments", strings.NewReader(body), "application/json", "Authorization", "Bearer "+tok); r.status != http.StatusConflict {
		t.Fatalf("full slot through the API: %d %s", r.status, r.body)
	}
	// The resident cancels; the same time is free again.
	cancel := regexp.MustCompile(`action="(/banyuwangi/appointments/[0-9a-f-]+/cancel)"`).FindStringSubmatch(mine.body)
	if cancel == nil {
		t.Fatal("no cancel button")
	}
	res.post(cancel[1], nil)
	mustContain(t, res.get("/banyuwangi/appointments"), "Dibatalkan")
	r := other.do("POST", "/api/v1/t/banyuwangi/appointments", strings.NewReader(body), "application/json", "Authorization", "Bearer "+tok)
	if r.status != http.StatusCreated {
		t.Fatalf("book the freed slot: %d %s", r.status, r.body)
	}
	var booked struct{ ID string }
	_ = json.Unmarshal([]byte(r.body), &booked)
	// Slots API and cancel through the API.
	day := start[1][:10]
	slots := other.get("/api/v1/t/banyuwangi/counters/" + counterID + "/slots?from=" + day + "&to=" + day)
	mustContain(t, slots, `"free":0`)
	if r := other.get("/api/v1/t/banyuwangi/counters/" + counterID + "/slots?from=2026-01-01&to=2026-12-31"); r.status != http.StatusBadRequest {
		t.Fatalf("a year of slots: %d", r.status)
	}
	if r := other.do("DELETE", "/api/v1/t/banyuwangi/appointments/"+booked.ID, nil, "", "Authorization", "Bearer "+tok); r.status != http.StatusNoContent {
		t.Fatalf("cancel through the API: %d", r.status)
	}
	// A resident cannot cancel someone else's appointment.
	_, theirs := appointmentIn(t, s, "banyuwangi", "admin@banyuwangi.demo")
	if r := res.post("/banyuwangi/appointments/"+theirs+"/cancel", nil); r.status != http.StatusNotFound {
		t.Fatalf("cancel another's: %d", r.status)
	}
}

func TestStaffBooksForAResidentWhoPhoned(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	list := off.get("/fukuoka/counters")
	path := regexp.MustCompile(`href="(/fukuoka/counters/[0-9a-f-]+)"`).FindStringSubmatch(list.body)[1]
	page := off.get(path + "?for=resident@fukuoka.demo")
	mustContain(t, page, "田中 一郎", `name="for" value="`)
	forID := regexp.MustCompile(`name="for" value="([0-9a-f-]{36})"`).FindStringSubmatch(page.body)[1]
	start := regexp.MustCompile(`name="start" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
	if r := off.post(path+"/appointments", url.Values{"start": {start}, "for": {forID}}); r.status != http.StatusSeeOther {
		t.Fatalf("staff booking: %d", r.status)
	}
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	mustContain(t, res.get("/fukuoka/appointments"), "予約済み")
	// A resident cannot book in someone else's name.
	other := s.browser(t)
	other.signin("resident@neyagawa.demo")
	if r := other.post(path+"/appointments", url.Values{"start": {start}, "for": {forID}}); r.status != http.StatusBadRequest {
		t.Fatalf("a resident booking for another: %d", r.status)
	}
	mustContain(t, off.get(path+"?for=nobody@example.jp"), "error-summary")
}

func TestCalendarFiles(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	_, appt := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	ics := res.get("/fukuoka/appointments/" + appt + "/calendar.ics")
	if ics.status != 200 || !strings.HasPrefix(ics.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("ics: %d %s", ics.status, ics.header.Get("Content-Type"))
	}
	mustContain(t, ics, "BEGIN:VEVENT", "UID:"+appt+"@serambi")
	if r := s.browser(t).get("/fukuoka/appointments/" + appt + "/calendar.ics"); r.status != http.StatusSeeOther {
		t.Fatalf("anonymous ics: %d", r.status)
	}
	// The officer's private feed lists it; a forged token does not work.
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	page := off.get("/fukuoka/counters")
	feed := regexp.MustCompile(`(/feeds/officer/[A-Za-z0-9._-]+)`).FindStringSubmatch(page.body)
	if feed == nil {
		t.Fatal("no feed URL shown to the officer")
	}
	anon := s.browser(t)
	mustContain(t, anon.get(feed[1]), "UID:"+appt+"@serambi")
	forged := feed[1][:len(feed[1])-3] + "abc"
	if r := anon.get(forged); r.status != http.StatusNotFound {
		t.Fatalf("forged feed: %d", r.status)
	}
	if strings.Contains(s.browser(t).get("/fukuoka/counters").body, "/feeds/officer/") {
		t.Fatal("feed URL shown to an anonymous visitor")
	}
	// A URL given out before the key was derived with HKDF still works.
	officer, _ := s.app.Identity.ByLogin(t.Context(), "officer@fukuoka.demo")
	sum := sha256.Sum256(append([]byte("serambi calendar feeds\x00"), s.app.Config.SecretKey...))
	m := hmac.New(sha256.New, sum[:])
	m.Write([]byte("officer feed\x00" + officer.ID))
	before := "/feeds/officer/" + string(officer.ID) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
	if before == feed[1] {
		t.Fatal("the feed key is still derived the old way")
	}
	mustContain(t, anon.get(before), "UID:"+appt+"@serambi")
}

func TestOfficerDesk(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	mustContain(t, off.get("/fukuoka/desk"), "本日の予約", "/feeds/officer/")
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	if r := res.get("/fukuoka/desk"); r.status != http.StatusForbidden {
		t.Fatalf("resident on the desk: %d", r.status)
	}
	// An appointment that has not started cannot be marked as missed.
	_, appt := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	off.post("/fukuoka/desk/"+appt+"/no-show", nil)
	ten, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	if a, _ := s.app.Counters.Appointment(t.Context(), ten.ID, appt); a.Status != "booked" {
		t.Fatalf("future appointment marked %s", a.Status)
	}
}
