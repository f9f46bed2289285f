package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// statsAnswer is the part of GET /api/v1/t/{tenant}/stats the tests read.
type statsAnswer struct {
	From, To     string
	Applications struct {
		Received, Decided int64
		OnTimePct         *float64 `json:"on_time_pct"`
		MedianHours       *float64 `json:"processing_median_hours"`
	}
	Queue struct {
		Issued        int64
		WaitMedianMin *float64 `json:"wait_median_minutes"`
	}
	Calls  struct{ Held int64 }
	Months []struct {
		Month        string
		Applications struct{ Received, Decided int64 }
	}
	Hours []struct{ Hour int }
}

func readStats(t *testing.T, b *browser, token, query string) statsAnswer {
	t.Helper()
	r := b.get("/api/v1/t/banyuwangi/stats?"+query, "Authorization", "Bearer "+token)
	if r.status != http.StatusOK {
		t.Fatalf("stats %s: %d %s", query, r.status, r.body)
	}
	var out statsAnswer
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// csvRows reads a CSV answer (after its byte-order mark).
func csvRows(t *testing.T, a answer) [][]string {
	t.Helper()
	if a.status != http.StatusOK || !strings.HasPrefix(a.body, "\ufeff") {
		t.Fatalf("CSV: %d, starts %q", a.status, a.body[:min(20, len(a.body))])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestDashboard: the demo's generated months show on a government's
// dashboard (charts with their tables, CSV of each), a decision made now
// counts at once, the API answers the same figures and refuses bad
// selections in words, and only the government's staff may look.
func TestDashboard(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			s := startSite(t, pg)
			admin := s.browser(t)
			admin.signin("admin@banyuwangi.demo")
			admin.lang = "en"
			page := admin.get("/banyuwangi/admin/dashboard?lang=en")
			if page.status != http.StatusOK {
				t.Fatalf("dashboard: %d", page.status)
			}
			mustContain(t, page, "Performance dashboard", "Applications received", "Waiting by hour of day", "Video calls",
				"Satisfaction index (IKM)", `<svg`, `role="img"`, `<caption id="applications-caption" class="visually-hidden">Applications by month`, `<p class="table-title" id="applications-table">Applications by month`,
				"/banyuwangi/admin/dashboard/csv/applications?")
			if n := strings.Count(page.body, "<svg"); n < 6 {
				t.Errorf("%d charts, want one per figure with data (at least 6)", n)
			}

			token := admin.token("admin@banyuwangi.demo")
			before := readStats(t, admin, token, "")
			if before.Applications.Received < 300 || before.Queue.Issued < 1000 || before.Calls.Held < 100 {
				t.Errorf("demo history too thin: %+v %+v %+v", before.Applications, before.Queue, before.Calls)
			}
			if before.Applications.OnTimePct == nil || before.Applications.MedianHours == nil || before.Queue.WaitMedianMin == nil {
				t.Error("rates and medians missing with data")
			}
			// The months table sums to the whole, and its CSV is the table.
			var sum int64
			for _, m := range before.Months {
				sum += m.Applications.Received
			}
			if sum != before.Applications.Received || len(before.Months) != 12 {
				t.Errorf("%d months summing to %d, whole %d", len(before.Months), sum, before.Applications.Received)
			}
			rows := csvRows(t, admin.get("/banyuwangi/admin/dashboard/csv/applications?lang=en"))
			if len(rows) != 13 || rows[0][0] != "Month" || rows[0][1] != "Received" {
				t.Fatalf("CSV head %q, %d rows", rows[0], len(rows))
			}
			var csvSum int64
			for _, r := range rows[1:] {
				n, err := strconv.ParseInt(r[1], 10, 64)
				if err != nil {
					t.Fatalf("CSV cell %q", r[1])
				}
				csvSum += n
			}
			if csvSum != sum {
				t.Errorf("CSV sums to %d, API %d", csvSum, sum)
			}
			if r := admin.get("/banyuwangi/admin/dashboard/csv/nothing"); r.status != http.StatusNotFound {
				t.Errorf("unknown table: %d", r.status)
			}

			// A decision now counts at once (today is counted from the raw rows).
			approvedIn(t, s, "banyuwangi", "resident@banyuwangi.demo", "officer@banyuwangi.demo")
			after := readStats(t, admin, token, "")
			if after.Applications.Received != before.Applications.Received+1 || after.Applications.Decided != before.Applications.Decided+1 {
				t.Errorf("after one decision: received %d→%d, decided %d→%d", before.Applications.Received, after.Applications.Received,
					before.Applications.Decided, after.Applications.Decided)
			}

			for _, bad := range []string{"period=2026-Q9", "from=2026-13&to=2026-12", "from=2026-05&to=2026-01", "from=2016-01&to=2026-01", "to=2026-01", "service=nope", "counter=nope"} {
				r := admin.get("/api/v1/t/banyuwangi/stats?"+bad, "Authorization", "Bearer "+token)
				if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"detail"`) {
					t.Errorf("%s: %d %s", bad, r.status, r.body)
				}
			}
			// Another government's service or counter selects nothing here.
			fk, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
			fkServices, _ := s.app.Catalog.List(t.Context(), fk.ID, true)
			fkCounters, _ := s.app.Counters.List(t.Context(), fk.ID, true)
			for _, q := range []string{"service=" + fkServices[0].ID, "counter=" + string(fkCounters[0].ID)} {
				if r := admin.get("/api/v1/t/banyuwangi/stats?"+q, "Authorization", "Bearer "+token); r.status != http.StatusBadRequest {
					t.Errorf("fukuoka's %s on banyuwangi: %d", q, r.status)
				}
			}
			old := readStats(t, admin, token, "from=2019-01&to=2019-03")
			if old.Applications.Received != 0 || old.Applications.OnTimePct != nil || old.Applications.MedianHours != nil {
				t.Errorf("an empty period says %+v, want no data (null), not 0", old.Applications)
			}

			resident := s.browser(t)
			resident.signin("resident@banyuwangi.demo")
			if r := resident.get("/banyuwangi/admin/dashboard"); r.status != http.StatusForbidden {
				t.Errorf("resident: %d", r.status)
			}
			other := s.browser(t)
			other.signin("admin@fukuoka.demo")
			if r := other.get("/banyuwangi/admin/dashboard"); r.status != http.StatusForbidden {
				t.Errorf("another government's admin: %d", r.status)
			}
			if r := s.browser(t).get("/banyuwangi/admin/dashboard"); r.status != http.StatusSeeOther {
				t.Errorf("anonymous: %d", r.status)
			}
		})
	}
}

// TestNetworkDashboard: the coordinator compares the three demo
// governments, with rankings; a government's admin may not.
func TestNetworkDashboard(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	c := s.browser(t)
	c.signin("coordinator@serambi.demo")
	c.lang = "en"
	page := c.get("/network/dashboard")
	if page.status != http.StatusOK {
		t.Fatalf("network dashboard: %d", page.status)
	}
	mustContain(t, page, "Governments side by side", "Banyuwangi", "Fukuoka", "Neyagawa",
		"Ranking by applications decided on time", "Ranking by satisfaction index (IKM)", "Ranking by overall satisfaction at the counter")
	rows := csvRows(t, c.get("/network/dashboard/csv/governments"))
	if len(rows) != 4 {
		t.Fatalf("governments CSV has %d rows, want a head and 3", len(rows))
	}
	ranking := csvRows(t, c.get("/network/dashboard/csv/rank-on-time"))
	if len(ranking) != 4 || ranking[1][0] != "1" || ranking[0][0] != "Place" {
		t.Errorf("ranking %q", ranking)
	}
	// Figures of a thousand and more are grouped on the page as each
	// language writes them, and never in the CSV (a spreadsheet takes
	// "1.654" for text, or for one point six).
	idRows := csvRows(t, c.get("/network/dashboard/csv/governments?lang=id"))
	idPage := c.get("/network/dashboard?lang=id")
	grouped := 0
	for _, r := range idRows[1:] {
		n, err := strconv.Atoi(r[5]) // queue numbers taken
		if err != nil {
			t.Fatalf("numbers taken in the Indonesian CSV: %q", r[5])
		}
		if n >= 1000 && n < 1_000_000 {
			grouped++
			mustContain(t, idPage, fmt.Sprintf("<td>%d.%03d</td>", n/1000, n%1000))
			mustContain(t, page, fmt.Sprintf("<td>%d,%03d</td>", n/1000, n%1000))
		}
	}
	if grouped == 0 {
		t.Errorf("no government took a thousand numbers; the demo's history takes more (%q)", idRows)
	}
	for i := 2; i < len(ranking); i++ {
		prev, _ := strconv.ParseFloat(ranking[i-1][2], 64)
		cur, _ := strconv.ParseFloat(ranking[i][2], 64)
		if cur > prev {
			t.Errorf("ranking not best first: %q", ranking)
		}
	}
	// Filters: one country's governments, one prefecture's, and a
	// province of the other country left over from an earlier choice.
	reg, ok := s.app.Regions.Get("401307") // Fukuoka City
	if !ok || reg.Parent == "" {
		t.Fatalf("Fukuoka City's prefecture: %+v", reg)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"country=JP", []string{"Fukuoka", "Neyagawa"}},
		{"country=ID", []string{"Banyuwangi"}},
		{"area=" + reg.Parent, []string{"Fukuoka"}},
		{"country=JP&area=35", []string{"Fukuoka", "Neyagawa"}}, // Jawa Timur is not in Japan
		{"country=XX", []string{"Banyuwangi", "Fukuoka", "Neyagawa"}},
	} {
		rows := csvRows(t, c.get("/network/dashboard/csv/governments?"+tc.query))
		if !sameNames(rows[1:], tc.want) {
			t.Errorf("%s: governments %q, want %q", tc.query, rows[1:], tc.want)
		}
	}
	filtered := c.get("/network/dashboard?country=JP&lang=en")
	mustContain(t, filtered, `<option value="JP" selected>Japan</option>`, "/network/dashboard/csv/governments?country=JP&amp;period=")
	mustNotContain(t, filtered, "Banyuwangi</")

	admin := s.browser(t)
	admin.signin("admin@banyuwangi.demo")
	if r := admin.get("/network/dashboard"); r.status != http.StatusForbidden {
		t.Errorf("a government's admin on the network dashboard: %d", r.status)
	}
}

// sameNames tells whether each row's first cell names one of want, in
// want's order.
func sameNames(rows [][]string, want []string) bool {
	if len(rows) != len(want) {
		return false
	}
	for i, r := range rows {
		if !strings.Contains(r[0], want[i]) {
			return false
		}
	}
	return true
}
