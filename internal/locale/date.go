package locale

import (
	"fmt"
	"strings"
	"time"
)

var monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// era is a Japanese imperial era, from its first day.
type era struct {
	name  string
	start time.Time
}

var eras = []era{
	{"令和", time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)},
	{"平成", time.Date(1989, 1, 8, 0, 0, 0, 0, time.UTC)},
	{"昭和", time.Date(1926, 12, 25, 0, 0, 0, 0, time.UTC)},
	{"大正", time.Date(1912, 7, 30, 0, 0, 0, 0, time.UTC)},
	{"明治", time.Date(1868, 1, 25, 0, 0, 0, 0, time.UTC)},
}

// JapaneseEra writes the era year of a date: "令和8年", "令和元年".
func JapaneseEra(t time.Time) string {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for _, e := range eras {
		if !day.Before(e.start) {
			y := t.Year() - e.start.Year() + 1
			if y == 1 {
				return e.name + "元年"
			}
			return fmt.Sprintf("%s%d年", e.name, y)
		}
	}
	return ""
}

// Date writes a calendar date in lang, in the given zone:
// "27 November 2026", "2026年11月27日（令和8年）", "27 November 2026".
func Date(lang Lang, t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	switch lang {
	case "ja":
		return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), t.Month(), t.Day(), JapaneseEra(t))
	case "id":
		return fmt.Sprintf("%d %s %d", t.Day(), monthsID[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
}

// DateTime writes a date and a 24-hour time with the zone's abbreviation
// (WIB, WITA, WIT, JST), which residents know from television.
func DateTime(lang Lang, t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	zone, _ := t.Zone()
	if lang == "ja" {
		return fmt.Sprintf("%s %s %s", Date(lang, t, nil), Clock(lang, t, nil), zone)
	}
	return fmt.Sprintf("%s, %s %s", Date(lang, t, nil), Clock(lang, t, nil), zone)
}

// Clock writes the 24-hour time of day alone, for lists of one day such
// as the officer's desk: "09.30" in Indonesian (as printed there), "9:30"
// in Japanese, "09:30" in English.
func Clock(lang Lang, t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	switch lang {
	case "id":
		return fmt.Sprintf("%02d.%02d", t.Hour(), t.Minute())
	case "ja":
		return fmt.Sprintf("%d:%02d", t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute())
}

// Months writes a span of calendar months, for reports by period: one
// month "November 2026" / "2026年11月"; several "Oktober – Desember 2026"
// / "2026年10月〜12月"; across years with both years.
func Months(lang Lang, fromYear int, from time.Month, toYear int, to time.Month) string {
	one := func(y int, m time.Month, withYear bool) string {
		switch {
		case lang == "ja" && withYear:
			return fmt.Sprintf("%d年%d月", y, m)
		case lang == "ja":
			return fmt.Sprintf("%d月", m)
		}
		name := m.String()
		if lang == "id" {
			name = monthsID[m-1]
		}
		if withYear {
			return fmt.Sprintf("%s %d", name, y)
		}
		return name
	}
	switch {
	case fromYear == toYear && from == to:
		return one(fromYear, from, true)
	case lang == "ja":
		return one(fromYear, from, true) + "〜" + one(toYear, to, fromYear != toYear)
	}
	return one(fromYear, from, fromYear != toYear) + " – " + one(toYear, to, true)
}

var shortMonthsID = [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

// MonthShort writes a month briefly, for a chart's axis where full names
// would not fit: "Nov" / "Nov 2026", "11月" / "2026年11月"; withYear for
// the first label and each January.
func MonthShort(lang Lang, year int, m time.Month, withYear bool) string {
	var name string
	switch lang {
	case "ja":
		if withYear {
			return fmt.Sprintf("%d年%d月", year, m)
		}
		return fmt.Sprintf("%d月", m)
	case "id":
		name = shortMonthsID[m-1]
	default:
		name = m.String()[:3]
	}
	if withYear {
		return fmt.Sprintf("%s %d", name, year)
	}
	return name
}

// Decimal writes a number formatted with a decimal point ("82.5") the
// way lang writes it: Indonesian uses a comma ("82,5"), where a point
// groups thousands and "2.403" would read as two thousand.
func Decimal(lang Lang, s string) string {
	if lang == "id" {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Number writes a number formatted as strconv writes it ("-1234567.5")
// the way a reader of lang reads it on a page: thousands grouped and the
// language's decimal mark — "1.234.567,5" in Indonesian, "1,234,567.5"
// in English and Japanese — so a government's yearly counts are not a
// row of digits to count. Anything that is not such a number is returned
// as it is. Files for spreadsheets keep Decimal: grouped digits are text
// to a spreadsheet.
func Number(lang Lang, s string) string {
	sign, digits := "", s
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	whole, frac, hasFrac := strings.Cut(digits, ".")
	if whole == "" || !allDigits(whole) || hasFrac && (frac == "" || !allDigits(frac)) {
		return s
	}
	group, point := ",", "."
	if lang == "id" {
		group, point = ".", ","
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString(point + frac)
	}
	return b.String()
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
