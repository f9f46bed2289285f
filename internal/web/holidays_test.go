package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/clock"
)

// importHolidays posts a file to the coordinator's import form.
func importHolidays(b *browser, country, name, content string) answer {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("country", country)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	return b.do("POST", "/network/holidays/import", &buf, mw.FormDataContentType())
}

// TestNationalHolidaysWarning: from 1 October, in the tenant's zone, the
// admin and the coordinator are told next year's national list is missing.
func TestNationalHolidaysWarning(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Date(2026, 9, 30, 16, 59, 0, 0, time.UTC)) // 23:59 WIB
	s := startSiteWith(t, false, []app.Option{app.WithClock(clk)})
	admin, coord := s.browser(t), s.browser(t)
	admin.signin("admin@banyuwangi.demo")
	coord.signin("coordinator@serambi.demo")
	const adminWarning = "Hari libur nasional 2027 belum diterbitkan"
	mustNotContain(t, admin.get("/banyuwangi/admin/calendar?lang=id"), adminWarning)
	mustNotContain(t, coord.get("/network/holidays?country=ID&lang=en"), "National holidays for 2027 are not published yet")
	clk.Advance(time.Minute) // 1 October 00:00 WIB
	mustContain(t, admin.get("/banyuwangi/admin/calendar?lang=id"), adminWarning)
	mustContain(t, coord.get("/network/holidays?country=ID&lang=en"), "National holidays for 2027 are not published yet")
	// Japan's list runs to 2030: no warning in 2026.
	mustNotContain(t, coord.get("/network/holidays?country=JP&lang=en"), "are not published yet")
}

// TestNationalHolidaysPublish: the coordinator imports a year's list
// (a bad line saves nothing), publishes it after saying yes, and open
// deadlines that reach into that year move; until then the officer is
// told the deadline counts weekends only. Japan's list ends with 2030, so
// the test runs at the end of 2030 with made-up days for 2031.
func TestNationalHolidaysPublish(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Date(2030, 12, 31, 1, 0, 0, 0, time.UTC)) // Tuesday 10:00 JST
	s := startSiteWith(t, false, []app.Option{app.WithClock(clk)})
	a := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	if a.DueAt == nil || a.DueAt.Year() != 2031 {
		t.Fatalf("the test needs a deadline in 2031, got %v", a.DueAt)
	}
	before := *a.DueAt
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	appPath := "/fukuoka/applications/" + a.ID + "?lang=en"
	mustContain(t, officer.get(string(appPath)), "National holidays of 2031 are not published yet")

	coord := s.browser(t)
	coord.signin("coordinator@serambi.demo")
	var days strings.Builder
	days.WriteString("date,name_id,name_en\n")
	for d := 1; d <= 31; d++ {
		fmt.Fprintf(&days, "2031-01-%02d,Libur uji %d,Test holiday %d\n", d, d, d)
	}
	bad := importHolidays(coord, "JP", "2031.csv", days.String()+"2031-02-30,Salah,Wrong\n2031-03-01,Only two\n")
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("import with bad lines: %d", bad.status)
	}
	mustContain(t, bad, "Line 33:", "Line 34:", "Nothing was saved")
	mustContain(t, coord.get("/network/holidays?country=JP&year=2031&lang=en"), "No days in this year")
	if r := importHolidays(coord, "JP", "2031.csv", days.String()); r.status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	page := coord.get("/network/holidays?country=JP&year=2031&lang=en")
	mustContain(t, page, "Not published yet", "Test holiday 1<", "Publish the holidays of 2031")
	// A draft moves nothing.
	if got, _ := s.app.Apps.Get(t.Context(), a.TenantID, a.ID); !got.DueAt.Equal(before) {
		t.Fatalf("a draft list moved the deadline to %v", got.DueAt)
	}
	ask := coord.post("/network/holidays/publish", url.Values{"country": {"JP"}, "year": {"2031"}})
	mustContain(t, ask, "Publish the holidays of 2031?", "The 31 days listed for 2031", `name="confirm" value="yes"`)
	if r := coord.post("/network/holidays/publish", url.Values{"country": {"JP"}, "year": {"2031"}, "confirm": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	got, _ := s.app.Apps.Get(t.Context(), a.TenantID, a.ID)
	if !got.DueAt.After(before) || got.DueAt.Month() != time.February {
		t.Fatalf("after publishing, the deadline is %v (was %v); want it past the January holidays", got.DueAt, before)
	}
	mustNotContain(t, officer.get(string(appPath)), "are not published yet")
	// Removing a day asks first.
	rm := coord.post("/network/holidays/remove", url.Values{"country": {"JP"}, "date": {"2031-01-31"}})
	mustContain(t, rm, "Remove this holiday?", `name="date" value="2031-01-31"`)
	// A built-in year is not edited here.
	mustContain(t, coord.post("/network/holidays", url.Values{"country": {"JP"}, "date-year": {"2030"}, "date-month": {"12"},
		"date-day": {"31"}, "name_en": {"x"}, "kind": {"national"}}), "built in")
	// Only the coordinator.
	if r := officer.get("/network/holidays"); r.status == http.StatusOK {
		t.Fatal("an officer reads the coordinator's holiday page")
	}
}
