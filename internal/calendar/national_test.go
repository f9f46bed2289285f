package calendar

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

var jakarta, _ = time.LoadLocation("Asia/Jakarta")

func TestListedYears(t *testing.T) {
	id, jp := New("ID", jakarta, nil), New("JP", tokyo(t), nil)
	for _, tt := range []struct {
		cal  *Calendar
		year int
		want bool
	}{{id, 2026, true}, {id, 2027, false}, {id, 2019, true}, {jp, 2030, true}, {jp, 2031, false}, {New("XX", nil, nil), 2040, true}} {
		if got := tt.cal.Listed(tt.year); got != tt.want {
			t.Errorf("Listed(%d) = %v, want %v", tt.year, got, tt.want)
		}
	}
	from := time.Date(2026, 12, 20, 9, 0, 0, 0, jakarta)
	if got := id.Unlisted(from, from.AddDate(0, 0, 21)); !slices.Equal(got, []int{2027}) {
		t.Errorf("Unlisted across the new year = %v, want [2027]", got)
	}
	if got := id.Unlisted(from, from.AddDate(0, 0, 5)); len(got) != 0 {
		t.Errorf("Unlisted within 2026 = %v", got)
	}
	// The warning starts on 1 October, in the tenant's zone.
	for _, tt := range []struct {
		cal  *Calendar
		now  time.Time
		want bool
	}{
		{id, time.Date(2026, 9, 30, 16, 59, 0, 0, time.UTC), false}, // 23:59 WIB
		{id, time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC), true},   // 1 Oct 00:00 WIB
		{jp, time.Date(2029, 10, 1, 0, 0, 0, 0, tokyo(t)), false},   // 2030 is listed
		{jp, time.Date(2030, 10, 1, 0, 0, 0, 0, tokyo(t)), true},
	} {
		year, missing := tt.cal.NextYearMissing(tt.now)
		if missing != tt.want || year != tt.now.In(tt.cal.loc).Year()+1 {
			t.Errorf("NextYearMissing(%v) = %d, %v; want %v", tt.now, year, missing, tt.want)
		}
	}
}

func tokyo(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestPublishedYear: days typed in for a year count only once the year is
// published; a built-in year is not edited.
func TestPublishedYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		tenant := newTenant(t, d, "bwi")
		in := func(f func(tx *db.Tx) error) error { return d.InTx(ctx, f) }
		// Made-up days for the test; the real 2027 list is the decree's.
		newYear := NationalDay{Date: "2027-01-01", NameID: "Tahun Baru (uji)", NameEN: "New Year (test)"}
		if err := in(func(tx *db.Tx) error { return s.SetHoliday(ctx, tx, "ID", newYear) }); err != nil {
			t.Fatal(err)
		}
		s.Changed()
		cal, err := s.For(ctx, tenant, "ID", jakarta)
		if err != nil {
			t.Fatal(err)
		}
		day := time.Date(2027, 1, 1, 10, 0, 0, 0, jakarta) // a Friday
		if !cal.IsWorkingDay(day) || cal.Listed(2027) {
			t.Fatal("a draft year already counts")
		}
		if err := in(func(tx *db.Tx) error { return s.Publish(ctx, tx, "ID", 2027, "coordinator", day) }); err != nil {
			t.Fatal(err)
		}
		s.Changed()
		cal, _ = s.For(ctx, tenant, "ID", jakarta)
		if cal.IsWorkingDay(day) || !cal.Listed(2027) {
			t.Fatal("the published day does not count")
		}
		if name, _ := cal.HolidayName(day); name != "Tahun Baru (uji)" {
			t.Errorf("name %q", name)
		}
		// The embedded 2026 stays as it is.
		if !cal.Listed(2026) || cal.IsWorkingDay(time.Date(2026, 12, 25, 10, 0, 0, 0, jakarta)) {
			t.Error("2026 changed")
		}
		err = in(func(tx *db.Tx) error {
			return s.SetHoliday(ctx, tx, "ID", NationalDay{Date: "2026-12-31", NameID: "x"})
		})
		if !errors.Is(err, ErrEmbedded) {
			t.Errorf("editing a built-in year: %v", err)
		}
		years, err := s.Years(ctx, "ID", day)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(years, func(y Year) bool { return y.Year == 2027 })
		if i < 0 || years[i].Published == nil || years[i].Days != 1 || years[i].Embedded {
			t.Errorf("years = %+v", years)
		}
		if list, _ := s.Holidays(ctx, "ID", 2027); len(list) != 1 || list[0].NameEN != "New Year (test)" {
			t.Errorf("Holidays(2027) = %+v", list)
		}
	})
}

func TestParseImport(t *testing.T) {
	csvFile := "date,name_id,name_en,kind\n2027-01-01,Tahun Baru,New Year,national\n2027-02-30,Salah,Wrong\n2027-03-10,Cuti,Leave,cuti_bersama\n2027-04-01,Only two\n"
	days, bad := ParseImport([]byte(csvFile), "ID")
	if len(days) != 2 || days[1].Kind != "cuti_bersama" {
		t.Errorf("days = %+v", days)
	}
	if len(bad) != 2 || bad[0].Line != 3 || bad[0].Code != "error.calendar.date" || bad[1].Line != 5 || bad[1].Code != "error.holiday.import.columns" {
		t.Errorf("bad lines = %+v", bad)
	}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Tahun Baru\\, 2027\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027\r\nSUMMARY:Broken\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	days, bad = ParseImport([]byte(ics), "ID")
	if len(days) != 1 || days[0].Date != "2027-01-01" || days[0].NameID != "Tahun Baru, 2027" {
		t.Errorf("ics days = %+v", days)
	}
	if len(bad) != 1 || bad[0].Line != 7 { // the line of the event's BEGIN
		t.Errorf("ics bad = %+v", bad)
	}
}
