package locale

import (
	"testing"
	"time"
)

// TestMonths: report periods in the three languages, one month, a span
// within a year and across years.
func TestMonths(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		fy   int
		from time.Month
		ty   int
		to   time.Month
		want string
	}{
		{"en", 2026, 11, 2026, 11, "November 2026"},
		{"id", 2026, 11, 2026, 11, "November 2026"},
		{"id", 2026, 8, 2026, 8, "Agustus 2026"},
		{"ja", 2026, 11, 2026, 11, "2026年11月"},
		{"en", 2026, 10, 2026, 12, "October – December 2026"},
		{"id", 2026, 1, 2026, 6, "Januari – Juni 2026"},
		{"ja", 2026, 10, 2026, 12, "2026年10月〜12月"},
		{"en", 2025, 12, 2026, 2, "December 2025 – February 2026"},
		{"ja", 2025, 12, 2026, 2, "2025年12月〜2026年2月"},
	} {
		if got := Months(c.lang, c.fy, c.from, c.ty, c.to); got != c.want {
			t.Errorf("Months(%s, %d-%d … %d-%d) = %q, want %q", c.lang, c.fy, c.from, c.ty, c.to, got, c.want)
		}
	}
}

func TestMonthShort(t *testing.T) {
	for _, tc := range []struct {
		lang     Lang
		m        time.Month
		withYear bool
		want     string
	}{
		{"en", time.November, false, "Nov"}, {"en", time.January, true, "Jan 2027"},
		{"id", time.August, false, "Agu"}, {"id", time.May, true, "Mei 2027"},
		{"ja", time.November, false, "11月"}, {"ja", time.January, true, "2027年1月"},
	} {
		if got := MonthShort(tc.lang, 2027, tc.m, tc.withYear); got != tc.want {
			t.Errorf("%s %v %v: %q, want %q", tc.lang, tc.m, tc.withYear, got, tc.want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		lang     Lang
		in, want string
	}{{"id", "82.5", "82,5"}, {"en", "82.5", "82.5"}, {"ja", "79.92", "79.92"}, {"id", "2403", "2403"}} {
		if got := Decimal(tc.lang, tc.in); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		lang     Lang
		in, want string
	}{
		{"id", "1234567.5", "1.234.567,5"}, {"en", "1234567.5", "1,234,567.5"}, {"ja", "1234567", "1,234,567"},
		{"id", "999", "999"}, {"id", "1000", "1.000"}, {"en", "100000", "100,000"}, {"id", "82.5", "82,5"},
		{"en", "-12345.25", "-12,345.25"}, {"id", "0", "0"}, {"id", "0.5", "0,5"},
		// not numbers: left as they are
		{"id", "no data", "no data"}, {"en", "", ""}, {"en", "12.", "12."}, {"en", ".5", ".5"}, {"en", "1e6", "1e6"},
		{"id", "08:00", "08:00"}, {"en", "-", "-"}, {"en", "1.2.3", "1.2.3"}, {"ja", "１２３", "１２３"},
	} {
		if got := Number(tc.lang, tc.in); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}
