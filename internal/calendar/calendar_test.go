package calendar

import (
	"testing"
	"time"
	_ "time/tzdata" // the test zones must exist on hosts without tzdata
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2026-12-24 10:00" as a wall-clock time in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func utc(t testing.TB, s string) time.Time { return at(t, time.UTC, s) }

func TestEmbeddedHolidays(t *testing.T) {
	t.Parallel()
	// Row counts of the CSVs (minus header): a parse that silently drops rows fails here.
	for country, want := range map[string]int{"ID": 25, "JP": 129} {
		if got := len(national()[country]); got != want {
			t.Errorf("%s: %d holidays, want %d", country, got, want)
		}
	}
}

func TestParseHolidaysRejects(t *testing.T) {
	t.Parallel()
	id := []string{"date", "name", "kind"}
	tests := map[string]string{
		"header":    "day,name,kind\n2026-01-01,Tahun Baru,national\n",
		"date":      "date,name,kind\n2026-02-30,X,national\n",
		"kind":      "date,name,kind\n2026-01-01,X,regional\n",
		"twice":     "date,name,kind\n2026-01-01,X,national\n2026-01-01,Y,national\n",
		"columns":   "date,name,kind\n2026-01-01,X\n",
		"empty":     "",
		"loose day": "date,name,kind\n2026-1-1,X,national\n",
	}
	for name, data := range tests {
		if _, err := parseHolidays([]byte(data), id); err == nil {
			t.Errorf("%s: accepted %q", name, data)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	wib, jst := zone(t, "Asia/Jakarta"), zone(t, "Asia/Tokyo")
	id, jp := New("ID", wib, nil), New("JP", jst, nil)
	tests := []struct {
		cal  *Calendar
		loc  *time.Location
		day  string
		want bool
		name string // holiday name expected, "" for none
	}{
		{id, wib, "2026-12-23", true, ""},                                  // Wednesday
		{id, wib, "2026-12-24", false, "Cuti Bersama Natal (Malam Natal)"}, // collective leave closes offices
		{id, wib, "2026-12-25", false, "Hari Raya Natal"},
		{id, wib, "2026-12-26", false, ""}, // Saturday
		{id, wib, "2026-12-27", false, ""}, // Sunday
		{id, wib, "2026-12-28", true, ""},
		{id, wib, "2026-01-16", false, "Isra Mikraj Nabi Muhammad"}, // tentative still counts
		{id, wib, "2026-03-23", false, "Cuti Bersama Idul Fitri"},
		{id, wib, "2026-03-25", true, ""},
		{id, wib, "2026-03-21", false, "Hari Idul Fitri"}, // a holiday on a Saturday keeps its name
		{jp, jst, "2026-01-12", false, "成人の日"},
		{jp, jst, "2026-01-13", true, ""},
		{jp, jst, "2026-05-06", false, "こどもの日 振替休日"},
		{jp, jst, "2026-09-22", false, "休日"},
		{jp, jst, "2026-12-29", true, ""}, // year-end break is custom, not national
		{jp, jst, "2026-12-25", true, ""}, // Christmas is not a holiday in Japan
		{New("XX", nil, nil), time.UTC, "2026-12-25", true, ""},
	}
	for _, tt := range tests {
		d := at(t, tt.loc, tt.day+" 12:00")
		if got := tt.cal.IsWorkingDay(d); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
		}
		name, ok := tt.cal.HolidayName(d)
		if name != tt.name || ok != (tt.name != "") {
			t.Errorf("HolidayName(%s) = %q, %v, want %q", tt.day, name, ok, tt.name)
		}
	}
}

func TestDue(t *testing.T) {
	t.Parallel()
	wib, wita, jst := zone(t, "Asia/Jakarta"), zone(t, "Asia/Makassar"), zone(t, "Asia/Tokyo")
	tests := []struct {
		name    string
		country string
		loc     *time.Location
		from    string // local wall clock
		days    int
		want    string // UTC
	}{
		// Thu 24 Dec: 25 Christmas, 26-27 weekend; Mon 28, Tue 29, Wed 30 -> end of Wed 30 WIB.
		{"christmas", "ID", wib, "2026-12-24 10:00", 3, "2026-12-30 17:00"},
		// Submitted one minute before the cuti bersama: the 24th still does not count.
		{"eve of cuti bersama", "ID", wib, "2026-12-23 23:59", 1, "2026-12-28 17:00"},
		// Tue 17 Mar: 18 cuti, 19 Nyepi, 20 cuti, 21-22 weekend (Idul Fitri), 23-24 cuti -> Wed 25.
		{"nyepi and lebaran", "ID", wib, "2026-03-17 09:00", 1, "2026-03-25 17:00"},
		{"submitted on a holiday", "ID", wib, "2026-03-19 09:00", 2, "2026-03-26 17:00"},
		// Fri 27 Nov WITA (UTC+8) -> Mon 30 Nov.
		{"weekend in WITA", "ID", wita, "2026-11-27 09:00", 1, "2026-11-30 16:00"},
		{"same week", "ID", wib, "2026-06-08 08:00", 3, "2026-06-11 17:00"},
		// Fri 25 Dec JST: Mon 28, Tue 29, Wed 30 (no custom break yet) -> end of Wed 30 JST.
		{"year end without break", "JP", jst, "2026-12-25 15:00", 3, "2026-12-30 15:00"},
		// Thu 7 Jan: Fri 8, then weekend and Mon 11 (成人の日) -> Tue 12.
		{"coming of age day", "JP", jst, "2027-01-07 10:00", 2, "2027-01-12 15:00"},
		{"zero days", "ID", wib, "2026-12-24 10:00", 0, ""},
		{"negative days", "ID", wib, "2026-12-24 10:00", -2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(tt.country, tt.loc, nil).Due(at(t, tt.loc, tt.from), tt.days)
			var want time.Time
			if tt.want != "" {
				want = utc(t, tt.want)
			}
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("Due = %v, want %v UTC", got, want)
			}
		})
	}
}

// Japanese offices close 12/29–1/3 by custom; the CSV only has national
// holidays, so a tenant adds the break itself.
func yearEndBreak() []Day {
	var days []Day
	for _, d := range []string{"2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"} {
		days = append(days, Day{Date: d, Kind: Holiday, Name: "年末年始休業"})
	}
	return days
}

func TestTenantChanges(t *testing.T) {
	t.Parallel()
	jst := zone(t, "Asia/Tokyo")
	saturdayOpen := Day{Date: "2027-01-09", Kind: Workday, Name: "土曜開庁"}
	tests := []struct {
		name    string
		changes []Day
		from    string
		days    int
		want    string // UTC
	}{
		{"national only", nil, "2026-12-25 15:00", 3, "2026-12-30 15:00"},
		// Mon 28 counts, 29 Dec–3 Jan closed -> Mon 4, Tue 5 Jan.
		{"year-end break", yearEndBreak(), "2026-12-25 15:00", 3, "2027-01-05 15:00"},
		// Fri 8, then the office opens on Saturday 9.
		{"open saturday", []Day{saturdayOpen}, "2027-01-07 10:00", 2, "2027-01-09 15:00"},
		{"open on a national holiday", []Day{{Date: "2027-01-11", Kind: Workday}}, "2027-01-08 10:00", 1, "2027-01-11 15:00"},
		{"unknown kind ignored", []Day{{Date: "2027-01-08", Kind: "closed"}}, "2027-01-07 10:00", 1, "2027-01-08 15:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New("JP", jst, tt.changes).Due(at(t, jst, tt.from), tt.days)
			if want := utc(t, tt.want); !got.Equal(want) {
				t.Errorf("Due = %v, want %v", got, want)
			}
		})
	}
}

func TestTenantChangeNames(t *testing.T) {
	t.Parallel()
	jst := zone(t, "Asia/Tokyo")
	c := New("JP", jst, append(yearEndBreak(),
		Day{Date: "2027-01-09", Kind: Workday, Name: "土曜開庁"},
		Day{Date: "2027-01-11", Kind: Workday},
		Day{Date: "2027-01-12", Kind: Holiday}))
	tests := []struct {
		day  string
		name string
		ok   bool
	}{
		{"2026-12-30", "年末年始休業", true},
		{"2027-01-01", "年末年始休業", true}, // the tenant's name wins over 元日
		{"2027-01-09", "", false},      // open Saturday
		{"2027-01-11", "", false},      // open although 成人の日
		{"2027-01-12", "", true},       // closed, unnamed
	}
	for _, tt := range tests {
		if name, ok := c.HolidayName(at(t, jst, tt.day+" 09:00")); name != tt.name || ok != tt.ok {
			t.Errorf("HolidayName(%s) = %q, %v, want %q, %v", tt.day, name, ok, tt.name, tt.ok)
		}
	}
}

func TestTimeZone(t *testing.T) {
	t.Parallel()
	// 20:00 UTC on Friday 27 Nov is 05:00 on Saturday 28 Nov in Tokyo.
	instant := utc(t, "2026-11-27 20:00")
	if New("JP", zone(t, "Asia/Tokyo"), nil).IsWorkingDay(instant) {
		t.Error("Tokyo: Saturday counted as a working day")
	}
	if !New("JP", time.UTC, nil).IsWorkingDay(instant) {
		t.Error("UTC: Friday not counted as a working day")
	}
	// Saturday's submission waits for Monday 30; due at the end of it, JST.
	if got, want := New("JP", zone(t, "Asia/Tokyo"), nil).Due(instant, 1), utc(t, "2026-11-30 15:00"); !got.Equal(want) {
		t.Errorf("Due = %v, want %v", got, want)
	}
}

func TestWorkingDaysLeft(t *testing.T) {
	t.Parallel()
	wib := zone(t, "Asia/Jakarta")
	c := New("ID", wib, nil)
	christmas := c.Due(at(t, wib, "2026-12-24 10:00"), 3) // end of Wed 30 Dec
	friday := c.Due(at(t, wib, "2026-11-24 10:00"), 3)    // Wed 25, Thu 26, Fri 27: end of Fri 27 Nov
	tests := []struct {
		name string
		now  string // WIB
		due  time.Time
		want int
	}{
		{"day of submission", "2026-12-24 10:00", christmas, 3},
		{"over the holiday", "2026-12-26 10:00", christmas, 3},
		{"monday", "2026-12-28 09:00", christmas, 2},
		{"due today", "2026-12-30 16:00", christmas, 0},
		{"last minute", "2026-12-30 23:59", christmas, 0},
		{"at the deadline", "2026-12-31 00:00", christmas, -1},
		{"a day late", "2026-12-31 10:00", christmas, -1},
		{"weekend after a friday deadline", "2026-11-28 10:00", friday, -1},
		{"monday after a friday deadline", "2026-11-30 10:00", friday, -1},
		{"tuesday after a friday deadline", "2026-12-01 10:00", friday, -2},
		{"no deadline", "2026-12-01 10:00", time.Time{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkingDaysLeft(at(t, wib, tt.now), tt.due); got != tt.want {
				t.Errorf("WorkingDaysLeft = %d, want %d", got, tt.want)
			}
		})
	}
}

// The hand-written key must be the layout's, or holidays stop matching.
func TestDateKey(t *testing.T) {
	loc := zone(t, "Asia/Jakarta")
	for d := time.Date(1999, 12, 25, 0, 0, 0, 0, loc); d.Year() < 2031; d = d.AddDate(0, 0, 3) {
		if k := dateKey(d); string(k[:]) != d.Format(dateLayout) {
			t.Fatalf("%v: %q", d, k)
		}
	}
	for _, d := range []time.Time{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(205, 1, 9, 0, 0, 0, 0, time.UTC)} {
		if k := dateKey(d); string(k[:]) != d.Format(dateLayout) {
			t.Errorf("%v: %q", d, k)
		}
	}
}

// BenchmarkDue is one deadline of ten working days, as a dashboard counts
// for every decision of the day.
func BenchmarkDue(b *testing.B) {
	c := New("ID", zone(b, "Asia/Jakarta"), []Day{{Date: "2026-12-24", Kind: Holiday}})
	from := at(b, zone(b, "Asia/Jakarta"), "2026-12-10 09:00")
	b.ReportAllocs()
	for b.Loop() {
		c.Due(from, 10)
	}
}
