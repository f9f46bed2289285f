package calendar

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

var (
	//go:embed data/holidays-id.csv
	holidaysID []byte
	//go:embed data/holidays-jp.csv
	holidaysJP []byte
)

// national maps a country code to its non-working national days
// ("2026-12-25" -> name). Parsed on first use and shared read-only by every
// Calendar, since the data is the same for all tenants of a country.
var national = sync.OnceValue(func() map[string]map[string]string {
	return map[string]map[string]string{
		"ID": mustParse("holidays-id.csv", holidaysID, []string{"date", "name", "kind"}),
		"JP": mustParse("holidays-jp.csv", holidaysJP, []string{"date", "name"}),
	}
})

// idKinds are the rows of holidays-id.csv. Collective leave (cuti bersama)
// closes government offices just like a national holiday, and tentative
// rows (moon sighting) are the best date known until they are confirmed.
var idKinds = map[string]bool{
	"national": true, "national_tentative": true,
	"cuti_bersama": true, "cuti_bersama_tentative": true,
}

// mustParse reads one embedded CSV. The files ship inside the binary, so a
// broken one is a build mistake; panicking makes the tests catch it.
func mustParse(file string, data []byte, header []string) map[string]string {
	days, err := parseHolidays(data, header)
	if err != nil {
		panic(fmt.Sprintf("calendar: %s: %v", file, err))
	}
	return days
}

func parseHolidays(data []byte, header []string) (map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(header)
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(header, ",") {
		return nil, fmt.Errorf("header must be %v", header)
	}
	days := make(map[string]string, len(rows)-1)
	for _, row := range rows[1:] {
		if !validDate(row[0]) {
			return nil, fmt.Errorf("bad date %q", row[0])
		}
		if len(row) > 2 && !idKinds[row[2]] {
			return nil, fmt.Errorf("%s: unknown kind %q", row[0], row[2])
		}
		if _, dup := days[row[0]]; dup {
			return nil, fmt.Errorf("%s listed twice", row[0])
		}
		days[row[0]] = row[1]
	}
	return days, nil
}

// National is one country's non-working national days and which years
// the list covers.
type National struct {
	Days  map[string]string // "2027-01-01" -> name
	Years map[int]bool      // years whose holidays are all listed
	// Since is the first year of the embedded list: earlier years are
	// history and count as listed. 0 (a country without a list) means
	// every year counts as listed: such tenants have weekends only.
	Since int
}

// Listed tells whether year's national holidays are known.
func (n National) Listed(year int) bool {
	return n.Since == 0 || year < n.Since || n.Years[year]
}

// Embedded returns a copy of the list built into the binary for country,
// so a caller may add published years to it.
func Embedded(country string) National {
	days := national()[country]
	n := National{Days: make(map[string]string, len(days)), Years: map[int]bool{}}
	for d, name := range days {
		n.Days[d] = name
		y, _ := strconv.Atoi(d[:4])
		n.Years[y] = true
		if n.Since == 0 || y < n.Since {
			n.Since = y
		}
	}
	return n
}

// withYear replaces year's days in n by days and marks the year listed.
func (n National) withYear(year int, days map[string]string) {
	prefix := strconv.Itoa(year) + "-"
	for d := range n.Days {
		if strings.HasPrefix(d, prefix) {
			delete(n.Days, d)
		}
	}
	for d, name := range days {
		n.Days[d] = name
	}
	n.Years[year] = true
}
