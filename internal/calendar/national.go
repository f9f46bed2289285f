package calendar

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/validation"
)

// The network coordinator keeps the national holiday lists for the years
// the embedded ones do not cover: each day with its names, then the year
// published. A year counts in calendars only once published, so a list
// half typed in never moves a deadline.

// NationalDay is one national non-working day in the coordinator's list.
type NationalDay struct {
	Date                   string // "2027-01-01"
	NameID, NameEN, NameJA string
	Kind                   string // national, cuti_bersama, or a _tentative of them
}

// Name is the holiday's name for a reader of lang.
func (h NationalDay) Name(lang string) string {
	switch {
	case lang == "ja" && h.NameJA != "":
		return h.NameJA
	case lang == "en" && h.NameEN != "":
		return h.NameEN
	case h.NameID != "":
		return h.NameID
	}
	return h.NameEN
}

// Year is one year of a country's list as the coordinator sees it.
type Year struct {
	Year      int
	Embedded  bool       // built into Serambi; not edited here
	Published *time.Time // when the coordinator published it; nil while a draft
	Days      int
}

// ErrEmbedded: the year's list is built in and not edited here.
var ErrEmbedded = errors.New("calendar: this year's holidays are built in")

func (h *NationalDay) validate(country string) validation.Errors {
	var errs validation.Errors
	h.Date = strings.TrimSpace(validation.Narrow(h.Date))
	h.NameID, h.NameEN, h.NameJA = strings.TrimSpace(h.NameID), strings.TrimSpace(h.NameEN), strings.TrimSpace(h.NameJA)
	if !validDate(h.Date) {
		errs.Add("date", "error.calendar.date")
	}
	if h.NameID == "" && h.NameEN == "" && h.NameJA == "" {
		errs.Add("name", "error.holiday.name")
	}
	if h.Kind == "" {
		h.Kind = "national"
	}
	if !idKinds[h.Kind] || (country == "JP" && h.Kind != "national") {
		errs.Add("kind", "error.holiday.kind")
	}
	return errs
}

// embeddedYear tells whether year is built into the binary for country.
func embeddedYear(country string, year int) bool { return Embedded(country).Years[year] }

// SetHoliday adds or changes a day of country's list, in the caller's
// transaction. Days of a built-in year are refused (ErrEmbedded).
func (s *Store) SetHoliday(ctx context.Context, tx *db.Tx, country string, h NationalDay) (err error) {
	defer wrapf(&err, "set a national holiday")
	if errs := h.validate(country); len(errs) > 0 {
		return errs
	}
	if y, _ := strconv.Atoi(h.Date[:4]); embeddedYear(country, y) {
		return ErrEmbedded
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO national_holidays (country, day, name_id, name_en, name_ja, kind)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (country, day) DO UPDATE SET name_id = excluded.name_id,
		name_en = excluded.name_en, name_ja = excluded.name_ja, kind = excluded.kind`,
		country, h.Date, h.NameID, h.NameEN, h.NameJA, h.Kind)
	if err != nil {
		return fmt.Errorf("calendar: save holiday %s %s: %w", country, h.Date, err)
	}
	return nil
}

// RemoveHoliday drops a day of country's list; a day not listed is no error.
func (s *Store) RemoveHoliday(ctx context.Context, tx *db.Tx, country, date string) (err error) {
	defer wrapf(&err, "remove a national holiday")
	if _, err := tx.ExecContext(ctx, `DELETE FROM national_holidays WHERE country = ? AND day = ?`, country, date); err != nil {
		return fmt.Errorf("calendar: remove holiday %s %s: %w", country, date, err)
	}
	return nil
}

// Publish makes year's list count in every calendar of country.
func (s *Store) Publish(ctx context.Context, tx *db.Tx, country string, year int, by string, at time.Time) (err error) {
	defer wrapf(&err, "publish a national holiday list")
	if embeddedYear(country, year) {
		return ErrEmbedded
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO national_holiday_years (country, year, published_at, published_by)
		VALUES (?, ?, ?, ?) ON CONFLICT (country, year) DO NOTHING`, country, year, at.UTC(), by)
	if err != nil {
		return fmt.Errorf("calendar: publish %s %d: %w", country, year, err)
	}
	return nil
}

// Holidays lists year's days of country: the built-in ones for an
// embedded year, else the coordinator's.
func (s *Store) Holidays(ctx context.Context, country string, year int) (_ []NationalDay, err error) {
	defer wrapf(&err, "list national holidays")
	if embeddedYear(country, year) {
		var out []NationalDay
		prefix := strconv.Itoa(year) + "-"
		for _, d := range sortedKeys(Embedded(country).Days) {
			if strings.HasPrefix(d, prefix) {
				name := national()[country][d]
				out = append(out, NationalDay{Date: d, NameID: name, NameEN: name, NameJA: name, Kind: "national"})
			}
		}
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT day, name_id, name_en, name_ja, kind FROM national_holidays
		WHERE country = ? AND day >= ? AND day <= ? ORDER BY day`, country, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))
	if err != nil {
		return nil, fmt.Errorf("calendar: list holidays %s %d: %w", country, year, err)
	}
	defer rows.Close()
	var out []NationalDay
	for rows.Next() {
		var h NationalDay
		if err := rows.Scan(&h.Date, &h.NameID, &h.NameEN, &h.NameJA, &h.Kind); err != nil {
			return nil, fmt.Errorf("calendar: read holiday: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Years lists the years of country's list around now: every embedded and
// published year, any year with draft days, and this and next year.
func (s *Store) Years(ctx context.Context, country string, now time.Time) (_ []Year, err error) {
	defer wrapf(&err, "list the years of national holidays")
	years := map[int]*Year{}
	get := func(y int) *Year {
		if years[y] == nil {
			years[y] = &Year{Year: y}
		}
		return years[y]
	}
	for d := range Embedded(country).Days {
		y, _ := strconv.Atoi(d[:4])
		get(y).Embedded = true
		get(y).Days++
	}
	get(now.Year())
	get(now.Year() + 1)
	rows, err := s.db.QueryContext(ctx, `SELECT year, published_at FROM national_holiday_years WHERE country = ?`, country)
	if err != nil {
		return nil, fmt.Errorf("calendar: list published years of %s: %w", country, err)
	}
	for rows.Next() {
		var y int
		var at time.Time
		if err := rows.Scan(&y, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("calendar: read published year: %w", err)
		}
		at = at.UTC()
		get(y).Published = &at
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drafts, err := s.db.QueryContext(ctx, `SELECT day FROM national_holidays WHERE country = ?`, country)
	if err != nil {
		return nil, fmt.Errorf("calendar: count holidays of %s: %w", country, err)
	}
	defer drafts.Close()
	for drafts.Next() {
		var d string
		if err := drafts.Scan(&d); err != nil {
			return nil, fmt.Errorf("calendar: read holiday: %w", err)
		}
		y, _ := strconv.Atoi(d[:4])
		get(y).Days++
	}
	if err := drafts.Err(); err != nil {
		return nil, err
	}
	var out []Year
	for _, y := range sortedKeys(years) {
		out = append(out, *years[y])
	}
	return out, nil
}

// National is country's list as calendars use it: the embedded days and
// years, with each published year's days in place of any built in.
func (s *Store) National(ctx context.Context, country string) (_ National, err error) {
	defer wrapf(&err, "read the national calendar")
	n := Embedded(country)
	rows, err := s.db.QueryContext(ctx, `SELECT h.day, h.name_id, h.name_en, y.year FROM national_holidays h
		JOIN national_holiday_years y ON y.country = h.country AND h.day >= `+yearStart(s.db.Dialect())+`
		AND h.day <= `+yearEnd(s.db.Dialect())+` WHERE h.country = ?`, country)
	if err != nil {
		return n, fmt.Errorf("calendar: read published holidays of %s: %w", country, err)
	}
	defer rows.Close()
	byYear := map[int]map[string]string{}
	for rows.Next() {
		var day, nameID, nameEN string
		var y int
		if err := rows.Scan(&day, &nameID, &nameEN, &y); err != nil {
			return n, fmt.Errorf("calendar: read published holiday: %w", err)
		}
		if byYear[y] == nil {
			byYear[y] = map[string]string{}
		}
		byYear[y][day] = cmpOr(nameID, nameEN)
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	years, err := s.publishedYears(ctx, country)
	if err != nil {
		return n, err
	}
	for _, y := range years {
		n.withYear(y, byYear[y]) // a published year without days is a year with none
	}
	return n, nil
}

func (s *Store) publishedYears(ctx context.Context, country string) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT year FROM national_holiday_years WHERE country = ?`, country)
	if err != nil {
		return nil, fmt.Errorf("calendar: list published years of %s: %w", country, err)
	}
	defer rows.Close()
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		years = append(years, y)
	}
	return years, rows.Err()
}

// yearStart and yearEnd are year y's first and last day as text, in SQL.
func yearStart(d db.Dialect) string {
	if d == db.Postgres {
		return `(y.year::text || '-01-01')`
	}
	return `(y.year || '-01-01')`
}

func yearEnd(d db.Dialect) string {
	if d == db.Postgres {
		return `(y.year::text || '-12-31')`
	}
	return `(y.year || '-12-31')`
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func sortedKeys[K int | string, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

// LineError is one line of an imported file that could not be read.
type LineError struct {
	Line int
	Code string // message key
}

// ParseImport reads a list of holidays from a CSV file (date,name_id,
// name_en[,kind], a header line optional) or an iCalendar file (each
// VEVENT's all-day DTSTART and SUMMARY). Every bad line is reported; the
// caller saves nothing unless there are none.
func ParseImport(data []byte, country string) ([]NationalDay, []LineError) {
	if bytes.Contains(data[:min(len(data), 200)], []byte("BEGIN:VCALENDAR")) {
		return parseICS(data, country)
	}
	return parseCSV(data, country)
}

func parseCSV(data []byte, country string) ([]NationalDay, []LineError) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	var out []NationalDay
	var bad []LineError
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			bad = append(bad, LineError{line, "error.holiday.import.csv"})
			continue
		}
		if line == 1 && strings.EqualFold(strings.TrimSpace(row[0]), "date") {
			continue // the header
		}
		if len(row) < 3 || len(row) > 4 {
			bad = append(bad, LineError{line, "error.holiday.import.columns"})
			continue
		}
		h := NationalDay{Date: row[0], NameID: row[1], NameEN: row[2]}
		if len(row) == 4 {
			h.Kind = strings.TrimSpace(row[3])
		}
		if errs := h.validate(country); len(errs) > 0 {
			bad = append(bad, LineError{line, errs[0].Code})
			continue
		}
		out = append(out, h)
	}
	return out, bad
}

// parseICS reads the all-day events of an iCalendar file, as published
// by holiday calendars: DTSTART;VALUE=DATE:20270101 and SUMMARY:….
func parseICS(data []byte, country string) ([]NationalDay, []LineError) {
	var out []NationalDay
	var bad []LineError
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var cur *NationalDay
	start := 0
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r")
		// A folded line continues the one before it.
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			if cur != nil {
				cur.NameID += line[1:]
			}
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		prop, _, _ := strings.Cut(name, ";")
		switch strings.ToUpper(prop) {
		case "BEGIN":
			if strings.EqualFold(value, "VEVENT") {
				cur, start = &NationalDay{}, i+1
			}
		case "DTSTART":
			if cur != nil {
				if t, err := time.Parse("20060102", strings.TrimSpace(value)); err == nil {
					cur.Date = t.Format(dateLayout)
				}
			}
		case "SUMMARY":
			if cur != nil {
				cur.NameID = unescapeICS(value)
			}
		case "END":
			if cur != nil && strings.EqualFold(value, "VEVENT") {
				cur.NameEN = cur.NameID
				if errs := cur.validate(country); len(errs) > 0 {
					bad = append(bad, LineError{start, errs[0].Code})
				} else {
					out = append(out, *cur)
				}
				cur = nil
			}
		}
	}
	return out, bad
}

func unescapeICS(s string) string {
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, " ", `\N`, " ", `\\`, `\`).Replace(strings.TrimSpace(s))
}
