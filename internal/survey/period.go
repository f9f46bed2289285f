package survey

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/validation"
)

// ErrPeriod: a period that is not written as one.
var ErrPeriod = errors.New("survey.error.period")

// Period kinds the regulation reports by.
const (
	Month    = "month"
	Quarter  = "quarter"
	Semester = "semester"
	Year     = "year"
)

// Period is a span of whole months: "2026-11", "2026-Q4", "2026-S2",
// "2026".
type Period struct {
	Kind     string
	Year     int
	From, To time.Month
}

// Code is how the period is written in addresses.
func (p Period) Code() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%d-%02d", p.Year, p.From)
	case Quarter:
		return fmt.Sprintf("%d-Q%d", p.Year, (p.From-1)/3+1)
	case Semester:
		return fmt.Sprintf("%d-S%d", p.Year, (p.From-1)/6+1)
	}
	return strconv.Itoa(p.Year)
}

// Months are the first and last month as the rollups write them.
func (p Period) Months() (from, to string) {
	return fmt.Sprintf("%d-%02d", p.Year, p.From), fmt.Sprintf("%d-%02d", p.Year, p.To)
}

// Previous is the period of the same kind before p.
func (p Period) Previous() Period {
	n := int(p.To-p.From) + 1
	from := time.Date(p.Year, p.From, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -n, 0)
	return Period{Kind: p.Kind, Year: from.Year(), From: from.Month(), To: from.Month() + time.Month(n-1)}
}

// ParsePeriod reads a period's code (full-width digits too, as typed).
func ParsePeriod(code string) (Period, error) {
	code = strings.ToUpper(strings.TrimSpace(validation.Narrow(code)))
	year, rest, _ := strings.Cut(code, "-")
	y, err := strconv.Atoi(year)
	if err != nil || y < 2000 || y > 2100 {
		return Period{}, ErrPeriod
	}
	switch {
	case rest == "":
		return Period{Kind: Year, Year: y, From: 1, To: 12}, nil
	case strings.HasPrefix(rest, "Q"):
		if q, err := strconv.Atoi(rest[1:]); err == nil && q >= 1 && q <= 4 {
			return Period{Kind: Quarter, Year: y, From: time.Month(3*q - 2), To: time.Month(3 * q)}, nil
		}
	case strings.HasPrefix(rest, "S"):
		if s, err := strconv.Atoi(rest[1:]); err == nil && s >= 1 && s <= 2 {
			return Period{Kind: Semester, Year: y, From: time.Month(6*s - 5), To: time.Month(6 * s)}, nil
		}
	default:
		if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
			return Period{Kind: Month, Year: y, From: time.Month(m), To: time.Month(m)}, nil
		}
	}
	return Period{}, ErrPeriod
}

// PeriodOf is the period of kind holding t.
func PeriodOf(kind string, t time.Time) Period {
	m := t.Month()
	switch kind {
	case Month:
		return Period{Kind: Month, Year: t.Year(), From: m, To: m}
	case Quarter:
		q := (m-1)/3*3 + 1
		return Period{Kind: Quarter, Year: t.Year(), From: q, To: q + 2}
	case Semester:
		s := (m-1)/6*6 + 1
		return Period{Kind: Semester, Year: t.Year(), From: s, To: s + 5}
	}
	return Period{Kind: Year, Year: t.Year(), From: 1, To: 12}
}
