// Package calendar knows when a tenant's offices are open, so service
// deadlines (SLA) count working days, not calendar days. A calendar is the
// country's national holidays (embedded) plus the tenant's own changes:
// extra closing days such as Japan's year-end break (12/29–1/3), or a
// weekend or holiday on which the office opens anyway.
package calendar

import "time"

// Kinds of a tenant's change to its calendar.
const (
	Holiday = "holiday" // the office is closed
	Workday = "workday" // the office is open although it is a weekend or national holiday
)

const dateLayout = "2006-01-02"

// Day is one of a tenant's changes to the national calendar.
type Day struct {
	Date string // "2026-12-25", in the tenant's zone
	Kind string // Holiday or Workday
	Name string // shown to residents, e.g. "年末年始休業"
}

// Calendar answers working-day questions in one tenant's time zone.
// It is read-only once built and safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	national map[string]string
	listed   func(year int) bool
	changes  map[string]Day
}

// New builds the calendar of a tenant in country ("ID" or "JP"; any other
// has weekends only) whose offices keep time in loc (UTC when nil).
// Later changes of the same date win; changes of an unknown kind are
// ignored rather than guessed at.
func New(country string, loc *time.Location, changes []Day) *Calendar {
	return NewFrom(Embedded(country), loc, changes)
}

// NewFrom builds a calendar on a country's national list n (the embedded
// one with the coordinator's published years, see Store.National).
func NewFrom(n National, loc *time.Location, changes []Day) *Calendar {
	if loc == nil {
		loc = time.UTC
	}
	c := &Calendar{loc: loc, national: n.Days, listed: n.Listed, changes: make(map[string]Day, len(changes))}
	for _, d := range changes {
		if d.Kind == Holiday || d.Kind == Workday {
			c.changes[d.Date] = d
		}
	}
	return c
}

// IsWorkingDay tells whether the office is open on the local day of t.
// Saturday and Sunday are off in both Indonesia and Japan.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.open(c.day(t))
}

// HolidayName names the holiday on the local day of t: the tenant's own
// closing day first, then the national holiday. Plain weekends and days the
// tenant opens have no holiday name.
func (c *Calendar) HolidayName(t time.Time) (string, bool) {
	key := c.day(t).Format(dateLayout)
	ch, changed := c.changes[key]
	if changed && ch.Kind == Workday {
		return "", false
	}
	name, ok := c.national[key]
	if changed && ch.Name != "" {
		name = ch.Name
	}
	return name, ok || changed
}

// Due returns the deadline for days working days counted from the day after
// the local day of from: the end (24:00 local) of the days-th working day,
// in UTC. The day of submission never counts, however early it was, so
// every application gets whole days. days <= 0 means no deadline: the zero time.
func (c *Calendar) Due(from time.Time, days int) time.Time {
	if days <= 0 {
		return time.Time{}
	}
	d := c.day(from)
	for n := 0; n < days; {
		d = d.AddDate(0, 0, 1)
		if c.open(d) {
			n++
		}
	}
	return d.AddDate(0, 0, 1).UTC()
}

// WorkingDaysLeft counts the working days between now and due, for "due in
// 2 working days": the working days after today up to the due day, 0 on the
// due day itself. Once due has passed it is negative: minus the working days
// since, and at least -1, so a deadline that passed on a Friday night never
// reads as "due today" over the weekend. A zero due (no deadline) gives 0.
func (c *Calendar) WorkingDaysLeft(now, due time.Time) int {
	if due.IsZero() {
		return 0
	}
	today := c.day(now)
	// due is normally 24:00, which belongs to the day before it.
	dueDay := c.day(due.Add(-time.Nanosecond))
	if now.Before(due) {
		return c.countOpen(today, dueDay)
	}
	return -max(1, c.countOpen(dueDay, today))
}

// Listed tells whether the national holidays of year are known. In a
// year without a list only weekends and the tenant's own days are off, so
// deadlines that reach into it may count a holiday as a working day.
func (c *Calendar) Listed(year int) bool { return c.listed == nil || c.listed(year) }

// Unlisted returns the years of the local days from from to to (both
// included) whose national holidays are not known, in order.
func (c *Calendar) Unlisted(from, to time.Time) []int {
	var years []int
	for y := c.day(from).Year(); y <= c.day(to).Year(); y++ {
		if !c.Listed(y) {
			years = append(years, y)
		}
	}
	return years
}

// NextYearMissing says, from 1 October, that next year's national list is
// not there yet: the months in which it should be published, before the
// first deadline reaches into it. It returns that year.
func (c *Calendar) NextYearMissing(now time.Time) (int, bool) {
	local := now.In(c.loc)
	next := local.Year() + 1
	return next, local.Month() >= time.October && !c.Listed(next)
}

// countOpen counts working days in (after, until].
func (c *Calendar) countOpen(after, until time.Time) int {
	n := 0
	for d := after.AddDate(0, 0, 1); !d.After(until); d = d.AddDate(0, 0, 1) {
		if c.open(d) {
			n++
		}
	}
	return n
}

// day returns local midnight of t's local date; stepping with AddDate from
// there stays on midnights even across daylight-saving changes.
func (c *Calendar) day(t time.Time) time.Time {
	y, m, d := t.In(c.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

func (c *Calendar) open(day time.Time) bool {
	// Deadlines ask this for every day they count, for every application
	// a dashboard counts: the key is written by hand, and the lookups with
	// string(key[:]) do not allocate.
	key := dateKey(day)
	if ch, ok := c.changes[string(key[:])]; ok {
		return ch.Kind == Workday
	}
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := c.national[string(key[:])]
	return !holiday
}

// dateKey writes day's date as dateLayout does ("2006-01-02"; years
// 0–9999).
func dateKey(day time.Time) [10]byte {
	y, m, d := day.Date()
	return [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
}

// validDate tells whether s is a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	t, err := time.Parse(dateLayout, s)
	return err == nil && t.Format(dateLayout) == s
}
