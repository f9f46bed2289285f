package web

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/validation"
)

// MostMonths is the longest span of months an API query may ask for: ten
// years, more than any report wants, and a bound on the work one request
// can ask of the server.
const MostMonths = 120

var monthRe = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// MonthsQuery reads the span of months an API query names with from and
// to (YYYY-MM, full-width digits read, both required once either is
// given). given tells whether either was; ok whether they make a span
// from..to of at most MostMonths months.
func MonthsQuery(q url.Values) (from, to string, given, ok bool) {
	from = strings.TrimSpace(validation.Narrow(q.Get("from")))
	to = strings.TrimSpace(validation.Narrow(q.Get("to")))
	if from == "" && to == "" {
		return "", "", false, true
	}
	if !monthRe.MatchString(from) || !monthRe.MatchString(to) || from > to {
		return from, to, true, false
	}
	f, _ := time.Parse("2006-01", from) // both match the pattern
	t, _ := time.Parse("2006-01", to)
	n := (t.Year()-f.Year())*12 + int(t.Month()-f.Month()) + 1
	return from, to, true, n <= MostMonths
}
