package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/ids"
)

var (
	kioskTopicRe  = regexp.MustCompile(`href="(/fukuoka/kiosk/counters/[0-9a-f-]+)"`)
	kioskLinkRe   = regexp.MustCompile(`(/fukuoka/kiosk/setup/[A-Za-z0-9_-]+)`)
	kioskTicketRe = regexp.MustCompile(`^/fukuoka/kiosk/tickets/([0-9a-f-]+)$`)
)

// kioskBrowser sets a browser up as the demo kiosk of fukuoka.
func kioskBrowser(t *testing.T, s *site) *browser {
	t.Helper()
	k := s.browser(t)
	setup := "/fukuoka/kiosk/setup/" + app.DemoKioskToken("fukuoka")
	mustContain(t, k.get(setup), `<form method="post">`)
	if a := k.post(setup, nil); a.status != http.StatusSeeOther || a.header.Get("Location") != "/fukuoka/kiosk" {
		t.Fatalf("setup: %d %s", a.status, a.header.Get("Location"))
	}
	return k
}

// TestKioskVisit: a kiosk in a hall takes a priority number for an older
// visitor, the officer calls it and opens the video call, the kiosk's
// call page is in kiosk mode, and the privacy reset clears everything.
func TestKioskVisit(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	// Any other browser is told this is not a kiosk.
	plain := s.browser(t)
	off := plain.get("/fukuoka/kiosk")
	if off.status != http.StatusForbidden {
		t.Fatalf("kiosk page without a kiosk: %d", off.status)
	}
	mustContain(t, off, "キオスクではありません")
	// Another tenant's kiosk token does not open this tenant's kiosk.
	if a := plain.get("/fukuoka/kiosk", "Cookie", "serambi_kiosk="+app.DemoKioskToken("banyuwangi")); a.status != http.StatusForbidden {
		t.Fatalf("banyuwangi's kiosk at fukuoka: %d", a.status)
	}
	if a := plain.get("/fukuoka/kiosk/setup/not-a-real-token-at-all"); a.status != http.StatusNotFound {
		t.Fatalf("bad setup link: %d", a.status)
	}

	k := kioskBrowser(t, s)
	home := k.get("/fukuoka/kiosk")
	mustContain(t, home, "住民記録", "/static/v/kiosk.", `id="kiosk-reset"`)
	if strings.Contains(home.body, `href="/signin`) || strings.Contains(home.body, `href="/"`) {
		t.Fatal("the kiosk start screen leads away from the kiosk")
	}
	topic := kioskTopicRe.FindStringSubmatch(home.body)
	if topic == nil {
		t.Fatal("no topic buttons")
	}
	counterID := strings.TrimPrefix(topic[1], "/fukuoka/kiosk/counters/")
	mustContain(t, k.get(topic[1]), `name="priority" value="elderly"`, `data-kiosk-idle="90"`)
	a := k.post("/fukuoka/kiosk/tickets", mapForm2("counter", counterID, "priority", "elderly"))
	m := kioskTicketRe.FindStringSubmatch(a.header.Get("Location"))
	if a.status != http.StatusSeeOther || m == nil {
		t.Fatalf("take: %d %s", a.status, a.header.Get("Location"))
	}
	ticketID := m[1]
	mustContain(t, k.get(a.header.Get("Location")), "P-00", `/fukuoka/tickets/`+ticketID+`/events`)
	tk, _ := s.app.Queue.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Ticket(ticketID))
	if tk.Source != "kiosk" || tk.Priority != "elderly" || tk.ResidentID != "" {
		t.Fatalf("ticket: %+v", tk)
	}
	if a := k.post("/fukuoka/kiosk/tickets", mapForm2("counter", counterID, "priority", "vip")); a.status != http.StatusConflict {
		t.Fatalf("bad priority: %d", a.status)
	}
	// A web ticket is not shown on the kiosk.
	web := plain.post("/fukuoka/counters/"+counterID+"/tickets", nil).header.Get("Location")
	if a := k.get("/fukuoka/kiosk/tickets/" + strings.TrimPrefix(web, "/fukuoka/tickets/")); a.status != http.StatusNotFound {
		t.Fatalf("web ticket on the kiosk: %d", a.status)
	}

	// The officer calls it and opens the call; the kiosk's call page is in
	// kiosk mode (kiosk.js would have gone there by itself).
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	officer.post("/fukuoka/counters/"+counterID+"/call-next", nil)
	callPath := officer.post("/fukuoka/tickets/"+ticketID+"/video", nil).header.Get("Location")
	mustContain(t, k.get("/api/v1/t/fukuoka/tickets/"+ticketID), `"call":"`+callPath+`?ticket=`+ticketID)
	mustContain(t, k.get(callPath+"?ticket="+ticketID), `data-role="resident"`, `id="kiosk-reset"`, "/static/v/kiosk.")

	// Privacy reset: a waiting number is cancelled, any sign-in ended,
	// the browser told to forget; the kiosk stays a kiosk.
	second := kioskTicketRe.FindStringSubmatch(k.post("/fukuoka/kiosk/tickets", mapForm2("counter", counterID, "priority", "")).header.Get("Location"))[1]
	k.signin("resident@fukuoka.demo")
	r := k.post("/fukuoka/kiosk/reset", mapForm2("ticket", second, "", ""))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/fukuoka/kiosk" || !strings.Contains(r.header.Get("Clear-Site-Data"), "storage") {
		t.Fatalf("reset: %d %v", r.status, r.header)
	}
	if got, _ := s.app.Queue.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Ticket(second)); got.Status != "cancelled" {
		t.Fatalf("waiting number after reset: %s", got.Status)
	}
	if a := k.get("/account"); a.status != http.StatusSeeOther {
		t.Fatalf("still signed in after the reset: %d", a.status)
	}
	if a := k.get("/fukuoka/kiosk"); a.status != http.StatusOK {
		t.Fatalf("kiosk after reset: %d", a.status)
	}
	// The called ticket is not cancelled by a reset.
	k.post("/fukuoka/kiosk/reset", mapForm2("ticket", ticketID, "", ""))
	if got, _ := s.app.Queue.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Ticket(ticketID)); got.Status == "cancelled" {
		t.Fatal("reset cancelled a number already being served")
	}
}

// TestKioskAdmin: admins add and switch off kiosks; a switched-off kiosk
// says so at once; officers cannot manage kiosks.
func TestKioskAdmin(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	k := kioskBrowser(t, s)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	list := admin.get("/fukuoka/admin/kiosks")
	mustContain(t, list, "キオスク1", "博多区 公民館 1階")
	if a := admin.post("/fukuoka/admin/kiosks", mapForm2("name", "  ", "place", "")); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d", a.status)
	}
	added := admin.post("/fukuoka/admin/kiosks", mapForm2("name", "キオスク2", "place", "中央区"))
	link := kioskLinkRe.FindString(added.body)
	if added.status != http.StatusCreated || link == "" {
		t.Fatalf("add: %d", added.status)
	}
	// The new kiosk's link sets up a second device.
	second := s.browser(t)
	second.post(link, nil)
	if a := second.get("/fukuoka/kiosk"); a.status != http.StatusOK {
		t.Fatalf("new kiosk: %d", a.status)
	}
	// The link is spent: a second device (someone who copied it) is told
	// plainly, and is no kiosk.
	third := s.browser(t)
	if a := third.get(link); a.status != http.StatusGone || !strings.Contains(a.body, "1回だけ") {
		t.Fatalf("the used link's page: %d", a.status)
	}
	if a := third.post(link, nil); a.status != http.StatusGone {
		t.Fatalf("setting up with a used link: %d", a.status)
	}
	if a := third.get("/fukuoka/kiosk"); a.status == http.StatusOK {
		t.Fatal("a used link made a second device the kiosk")
	}
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	if a := officer.get("/fukuoka/admin/kiosks"); a.status != http.StatusForbidden {
		t.Fatalf("officer manages kiosks: %d", a.status)
	}
	// Switch the demo kiosk off.
	ids := regexp.MustCompile(`action="(/fukuoka/admin/kiosks/[0-9a-f-]+/revoke)"`).FindAllStringSubmatch(admin.get("/fukuoka/admin/kiosks").body, -1)
	if len(ids) != 2 {
		t.Fatalf("revoke buttons: %d", len(ids))
	}
	for _, id := range ids {
		if a := admin.post(id[1], nil); a.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", a.status)
		}
	}
	off := k.get("/fukuoka/kiosk")
	if off.status != http.StatusForbidden {
		t.Fatalf("revoked kiosk: %d", off.status)
	}
	mustContain(t, off, "停止されました")
	if a := k.post("/fukuoka/kiosk/tickets", mapForm2("counter", "x", "", "")); a.status != http.StatusForbidden {
		t.Fatalf("revoked kiosk takes a number: %d", a.status)
	}
	if a := s.browser(t).post(link, nil); a.status != http.StatusNotFound {
		t.Fatalf("setup link of a revoked kiosk: %d", a.status)
	}
}

func mapForm2(k1, v1, k2, v2 string) map[string][]string {
	m := map[string][]string{k1: {v1}}
	if k2 != "" {
		m[k2] = []string{v2}
	}
	return m
}
