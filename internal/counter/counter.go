// Package counter runs the remote counter's appointments: the counters a
// tenant opens (each with a weekly plan of opening hours, exceptions for
// single days and the officers who staff it), the slots a resident can
// book, and the bookings themselves, one seat per person per slot.
package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/cache"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/validation"
)

// Counter is one service desk that receives residents by video.
type Counter struct {
	TenantID ids.Tenant
	ID       ids.Counter
	Code     string
	Names    map[string]string // "id", "ja", "en"
	// SlotMinutes is the length of one meeting; the buffers are kept free
	// before and after it (for notes, or for a resident who is late).
	SlotMinutes, BufferBefore, BufferAfter int
	// Capacity is how many residents one slot takes: seats 1..Capacity,
	// one per officer at the desk.
	Capacity             int
	Active               bool
	CreatedAt, UpdatedAt time.Time
}

// Name returns the counter's name in lang, falling back to English,
// Indonesian, Japanese, then the code.
func (c Counter) Name(lang string) string {
	for _, l := range []string{lang, "en", "id", "ja"} {
		if n := c.Names[l]; n != "" {
			return n
		}
	}
	return c.Code
}

// Hours is one stretch of opening time on a weekday, in minutes from local
// midnight: {time.Monday, 540, 720} is Monday 09:00–12:00.
type Hours struct {
	Weekday    time.Weekday
	Start, End int
}

// Exception changes one local day ("2026-12-29"): Closed shuts the counter,
// otherwise Start–End (minutes from local midnight) replace the day's
// hours and open it even on a weekend or holiday.
type Exception struct {
	Day        string
	Closed     bool
	Start, End int
	Note       string
}

// Slot is one bookable time; times are UTC.
type Slot struct {
	Start, End     time.Time
	Capacity, Free int
}

// Appointment statuses.
const (
	Booked    = "booked"
	Cancelled = "cancelled"
	NoShow    = "no_show"
	Done      = "done"
)

// Appointment is one resident's seat at one slot.
type Appointment struct {
	TenantID   ids.Tenant
	ResidentID ids.User
	CounterID  ids.Counter
	ID         string
	// BookedBy is who clicked: the resident, a family member, or an
	// officer who took a phone call.
	BookedBy             ids.User
	Start, End           time.Time // UTC; End is Start plus the slot length, without buffers
	Seat                 int
	Status               string
	Note                 string
	CreatedAt, UpdatedAt time.Time
}

// LeadTime is how far ahead a slot must start to be offered or booked, so
// an officer is not surprised by a meeting booked a minute before.
const LeadTime = 30 * time.Minute

// MaxDays is the longest range Slots computes at once.
const MaxDays = 31

var (
	ErrNotFound = errors.New("counter: not found")
	ErrSlotFull = errors.New("counter: slot is full")
	// ErrNotBookable: not a slot of the plan, in the past or within
	// LeadTime, counter inactive, or a closed day.
	ErrNotBookable = errors.New("counter: time is not bookable")
	// ErrNotYours: a resident tried to change someone else's appointment.
	ErrNotYours = errors.New("counter: not your appointment")
	// ErrAlreadyBooked: this resident already holds a seat at this
	// counter and start.
	ErrAlreadyBooked = errors.New("counter: already booked at this time")
	// ErrNotBooked: the appointment is no longer booked (done, no-show, or
	// cancelled while being rescheduled), so it cannot change.
	ErrNotBooked = errors.New("counter: appointment is not booked")
	// ErrTooEarly: a no-show cannot be recorded before the meeting starts.
	ErrTooEarly = errors.New("counter: the appointment has not started")
	// ErrRange: Slots was asked for to before from, or more than MaxDays days.
	ErrRange = errors.New("counter: date range must be 1 to 31 days")
)

// Store keeps counters and appointments.
type Store struct {
	db    *db.DB
	clock clock.Clock
	cal   *calendar.Store
	// opens keeps OpenAt's answers: every live ticket page asks it on
	// each change of the queue. An answer holds for a span of time (until
	// the counter next opens or closes), and at most openTTL, so a change
	// made on another node, or to the tenant's calendar, is seen within
	// that; this node's own counter changes forget it at once.
	opens *cache.TTL[string, openState]
}

// openTTL bounds how long another node's change to opening hours can go
// unseen by OpenAt.
const openTTL = 30 * time.Second

// NewStore returns a Store; cal gives each tenant's working days.
func NewStore(d *db.DB, c clock.Clock, cal *calendar.Store) *Store {
	return &Store{db: d, clock: c, cal: cal, opens: cache.New[string, openState](openTTL, 10000)}
}

func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

var codePattern = regexp.MustCompile(`^[A-Z0-9-]{2,20}$`)

// Validate checks a counter and its plan, normalising code and names.
func Validate(c *Counter, plan []Hours) validation.Errors {
	var errs validation.Errors
	c.Code = strings.ToUpper(strings.TrimSpace(c.Code))
	if !codePattern.MatchString(c.Code) {
		errs.Add("code", "error.counter.code")
	}
	names := make(map[string]string, 3)
	for _, l := range locale.Langs {
		names[l] = strings.TrimSpace(c.Names[l])
		switch {
		case names[l] == "":
			errs.Add("name_"+l, "error.counter.name")
		case utf8.RuneCountInString(names[l]) > 120:
			errs.Add("name_"+l, "error.too_long")
		}
	}
	c.Names = names
	if c.SlotMinutes < 5 || c.SlotMinutes > 240 {
		errs.Add("slot_minutes", "error.counter.slot")
	}
	if c.BufferBefore < 0 || c.BufferBefore > 120 {
		errs.Add("buffer_before", "error.counter.buffer")
	}
	if c.BufferAfter < 0 || c.BufferAfter > 120 {
		errs.Add("buffer_after", "error.counter.buffer")
	}
	if c.Capacity < 1 || c.Capacity > 20 {
		errs.Add("capacity", "error.counter.capacity")
	}
	validatePlan(&errs, plan)
	return errs
}

func validatePlan(errs *validation.Errors, plan []Hours) {
	sorted := slices.Clone(plan)
	slices.SortFunc(sorted, func(a, b Hours) int {
		if a.Weekday != b.Weekday {
			return int(a.Weekday) - int(b.Weekday)
		}
		return a.Start - b.Start
	})
	// Sorted by start, hours overlap exactly when one starts before the
	// latest end seen so far on its weekday; touching (12:00–12:00) is fine.
	latestEnd := map[time.Weekday]int{}
	bad, overlap := false, false
	for _, h := range sorted {
		if h.Weekday < time.Sunday || h.Weekday > time.Saturday || !validHours(h.Start, h.End) {
			bad = true
			continue
		}
		if end, seen := latestEnd[h.Weekday]; seen && h.Start < end {
			overlap = true
		}
		latestEnd[h.Weekday] = max(latestEnd[h.Weekday], h.End)
	}
	if bad {
		errs.Add("plan", "error.counter.hours")
	}
	if overlap {
		errs.Add("plan", "error.counter.overlap")
	}
}

func validHours(start, end int) bool { return start >= 0 && end <= 24*60 && start < end }

// Save creates the counter c.Code of tenantID, or updates it. When c.ID is
// set, that counter is updated instead (so its code can change) and it must
// belong to tenantID. The plan and officers replace the old ones. Bad input
// comes back as validation.Errors.
func (s *Store) Save(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, c Counter, plan []Hours, officers []ids.User) (_ Counter, err error) {
	defer wrapf(&err, "save a counter of tenant %s", tenantID)
	defer s.opens.Forget() // opening hours may change
	errs := Validate(&c, plan)
	officers = uniqueOfficers(&errs, officers)
	if len(errs) > 0 {
		return Counter{}, errs
	}
	if c.ID != "" && !db.ValidID(string(c.ID)) {
		return Counter{}, ErrNotFound
	}
	now := s.now()
	c.TenantID, c.UpdatedAt = tenantID, now
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		creating, err := resolve(ctx, tx, &c, now)
		if err != nil {
			return err
		}
		if err := writeCounter(ctx, tx, c, creating); err != nil {
			return err
		}
		if err := writePlan(ctx, tx, c.ID, plan); err != nil {
			return err
		}
		if err := writeOfficers(ctx, tx, c.ID, officers); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "counter.save", "counter:"+c.Code,
			audit.Say("audit.detail.counter.save", strconv.Itoa(c.BufferBefore), strconv.Itoa(c.SlotMinutes), strconv.Itoa(c.BufferAfter),
				strconv.Itoa(c.Capacity), yesNo(c.Active), strconv.Itoa(len(plan)), strconv.Itoa(len(officers)))))
	})
	if db.IsUniqueViolation(err) { // created by someone else at the same moment
		return Counter{}, validation.Errors{{Field: "code", Code: "error.counter.code_taken"}}
	}
	if err != nil {
		return Counter{}, err
	}
	return c, nil
}

func uniqueOfficers(errs *validation.Errors, officers []ids.User) []ids.User {
	var out []ids.User
	for _, o := range officers {
		o = ids.User(strings.TrimSpace(string(o)))
		if !db.ValidID(string(o)) {
			errs.Add("officers", "error.counter.officer")
			continue
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// resolve fills c.ID and c.CreatedAt from the counter being updated, or new
// ones, and tells whether the counter is new.
func resolve(ctx context.Context, tx *db.Tx, c *Counter, now time.Time) (bool, error) {
	var id string
	var created time.Time
	var err error
	if c.ID != "" {
		err = tx.QueryRowContext(ctx, `SELECT id, created_at FROM counters WHERE id = ? AND tenant_id = ?`,
			c.ID, c.TenantID).Scan(&id, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return false, ErrNotFound
		}
		if err != nil {
			return false, err
		}
		var other string
		err = tx.QueryRowContext(ctx, `SELECT id FROM counters WHERE tenant_id = ? AND code = ? AND id <> ?`,
			c.TenantID, c.Code, c.ID).Scan(&other)
		if err == nil {
			return false, validation.Errors{{Field: "code", Code: "error.counter.code_taken"}}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		c.CreatedAt = created.UTC()
		return false, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT id, created_at FROM counters WHERE tenant_id = ? AND code = ?`,
		c.TenantID, c.Code).Scan(&id, &created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		c.ID, c.CreatedAt = ids.Counter(db.NewID()), now
		return true, nil
	case err != nil:
		return false, err
	}
	c.ID, c.CreatedAt = ids.Counter(id), created.UTC()
	return false, nil
}

func writeCounter(ctx context.Context, tx *db.Tx, c Counter, creating bool) error {
	if creating {
		_, err := tx.ExecContext(ctx, `INSERT INTO counters (id, tenant_id, code, name_id, name_ja, name_en,
			slot_minutes, buffer_before, buffer_after, capacity, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.Code, c.Names["id"], c.Names["ja"], c.Names["en"], c.SlotMinutes,
			c.BufferBefore, c.BufferAfter, c.Capacity, c.Active, c.CreatedAt, c.UpdatedAt)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE counters SET code = ?, name_id = ?, name_ja = ?, name_en = ?,
		slot_minutes = ?, buffer_before = ?, buffer_after = ?, capacity = ?, active = ?, updated_at = ?
		WHERE id = ? AND tenant_id = ?`,
		c.Code, c.Names["id"], c.Names["ja"], c.Names["en"], c.SlotMinutes, c.BufferBefore, c.BufferAfter,
		c.Capacity, c.Active, c.UpdatedAt, c.ID, c.TenantID)
	return err
}

func writePlan(ctx context.Context, tx *db.Tx, counterID ids.Counter, plan []Hours) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM counter_plans WHERE counter_id = ?`, counterID); err != nil {
		return err
	}
	for _, h := range plan {
		if _, err := tx.ExecContext(ctx, `INSERT INTO counter_plans (id, counter_id, weekday, start_min, end_min)
			VALUES (?, ?, ?, ?, ?)`, db.NewID(), counterID, int(h.Weekday), h.Start, h.End); err != nil {
			return err
		}
	}
	return nil
}

func writeOfficers(ctx context.Context, tx *db.Tx, counterID ids.Counter, officers []ids.User) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM counter_officers WHERE counter_id = ?`, counterID); err != nil {
		return err
	}
	for _, o := range officers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO counter_officers (counter_id, user_id) VALUES (?, ?)`,
			counterID, o); err != nil {
			return fmt.Errorf("officer %s: %w", o, err)
		}
	}
	return nil
}

const counterColumns = `id, tenant_id, code, name_id, name_ja, name_en, slot_minutes, buffer_before, buffer_after,
	capacity, active, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanCounter(r scanner) (Counter, error) {
	var c Counter
	var nid, nja, nen string
	err := r.Scan(&c.ID, &c.TenantID, &c.Code, &nid, &nja, &nen, &c.SlotMinutes, &c.BufferBefore, &c.BufferAfter,
		&c.Capacity, &c.Active, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.Names = map[string]string{"id": nid, "ja": nja, "en": nen}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// List returns a tenant's counters by code; activeOnly leaves out the
// closed ones (what residents see).
func (s *Store) List(ctx context.Context, tenantID ids.Tenant, activeOnly bool) (_ []Counter, err error) {
	defer wrapf(&err, "list the counters of tenant %s", tenantID)
	q := `SELECT ` + counterColumns + ` FROM counters WHERE tenant_id = ?`
	args := []any{tenantID}
	if activeOnly {
		q += ` AND active = ?`
		args = append(args, true)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Counter
	for rows.Next() {
		c, err := scanCounter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Get returns the tenant's counter id; ErrNotFound for an unknown or
// malformed id and for another tenant's counter.
func (s *Store) Get(ctx context.Context, tenantID ids.Tenant, id ids.Counter) (_ Counter, err error) {
	defer wrapf(&err, "get counter %s", id)
	return getCounter(ctx, s.db, tenantID, id)
}

func getCounter(ctx context.Context, q db.Querier, tenantID ids.Tenant, id ids.Counter) (Counter, error) {
	if !db.ValidID(string(id)) {
		return Counter{}, ErrNotFound
	}
	return scanCounter(q.QueryRowContext(ctx,
		`SELECT `+counterColumns+` FROM counters WHERE id = ? AND tenant_id = ?`, id, tenantID))
}

// Plan returns a counter's weekly hours by weekday and start. The caller
// has checked the counter's tenant with Get.
func (s *Store) Plan(ctx context.Context, counterID ids.Counter) (_ []Hours, err error) {
	defer wrapf(&err, "read the opening plan of counter %s", counterID)
	rows, err := s.db.QueryContext(ctx, `SELECT weekday, start_min, end_min FROM counter_plans
		WHERE counter_id = ? ORDER BY weekday, start_min`, counterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Hours
	for rows.Next() {
		var h Hours
		var wd int
		if err := rows.Scan(&wd, &h.Start, &h.End); err != nil {
			return nil, err
		}
		h.Weekday = time.Weekday(wd)
		out = append(out, h)
	}
	return out, rows.Err()
}

// Officers returns the user IDs who staff a counter.
func (s *Store) Officers(ctx context.Context, counterID ids.Counter) (_ []ids.User, err error) {
	defer wrapf(&err, "list the officers of counter %s", counterID)
	rows, err := s.db.QueryContext(ctx, `SELECT user_id FROM counter_officers WHERE counter_id = ? ORDER BY user_id`, counterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ids.User
	for rows.Next() {
		var id ids.User
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const dayLayout = "2006-01-02"

func validDay(s string) bool {
	t, err := time.Parse(dayLayout, s)
	return err == nil && t.Format(dayLayout) == s
}

// SetException adds or replaces the exception of e.Day at a counter of
// tenantID. Bookings already made on that day stay: the officer calls
// those residents.
func (s *Store) SetException(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, counterID ids.Counter, e Exception) (err error) {
	defer wrapf(&err, "set exception counter %s", counterID)
	defer s.opens.Forget() // opening hours may change
	var errs validation.Errors
	e.Day, e.Note = strings.TrimSpace(e.Day), strings.TrimSpace(e.Note)
	if !validDay(e.Day) {
		errs.Add("day", "error.counter.day")
	}
	if e.Closed {
		e.Start, e.End = 0, 0
	} else if !validHours(e.Start, e.End) {
		errs.Add("hours", "error.counter.hours")
	}
	if utf8.RuneCountInString(e.Note) > 200 {
		errs.Add("note", "error.too_long")
	}
	if len(errs) > 0 {
		return errs
	}
	c, err := s.Get(ctx, tenantID, counterID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// The table has no unique key on (counter, day): take a lock so two
		// admins saving the same day at once cannot both insert.
		if err := lock(ctx, tx, "exception|"+string(c.ID)+"|"+e.Day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM counter_exceptions WHERE counter_id = ? AND day = ?`, c.ID, e.Day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO counter_exceptions (id, counter_id, day, closed, start_min, end_min, note)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, db.NewID(), c.ID, e.Day, e.Closed, e.Start, e.End, e.Note); err != nil {
			return err
		}
		summary := audit.Say("audit.detail.counter.closed", e.Day)
		if !e.Closed {
			summary = audit.Say("audit.detail.counter.open", e.Day, clockTime(e.Start), clockTime(e.End))
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "counter.exception", "counter:"+c.Code, summary))
	})
}

// RemoveException drops the exception of day, so the plan and calendar
// apply again. Removing a day without one is not an error.
func (s *Store) RemoveException(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, counterID ids.Counter, day string) (err error) {
	defer wrapf(&err, "remove exception counter %s", counterID)
	defer s.opens.Forget() // opening hours may change
	c, err := s.Get(ctx, tenantID, counterID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM counter_exceptions WHERE counter_id = ? AND day = ?`, c.ID, day)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "counter.exception_remove", "counter:"+c.Code, day))
	})
}

// Exceptions lists a counter's exceptions from day from (YYYY-MM-DD, ""
// for all) in date order.
func (s *Store) Exceptions(ctx context.Context, counterID ids.Counter, from string) (_ []Exception, err error) {
	defer wrapf(&err, "list the exceptions of counter %s", counterID)
	return exceptions(ctx, s.db, counterID, from, "9999-12-31")
}

func exceptions(ctx context.Context, q db.Querier, counterID ids.Counter, from, to string) ([]Exception, error) {
	// Ordered by id (time-ordered) within a day, so were a day ever stored
	// twice, the latest would win below.
	rows, err := q.QueryContext(ctx, `SELECT day, closed, start_min, end_min, note FROM counter_exceptions
		WHERE counter_id = ? AND day >= ? AND day <= ? ORDER BY day, id`, counterID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exception
	for rows.Next() {
		var e Exception
		if err := rows.Scan(&e.Day, &e.Closed, &e.Start, &e.End, &e.Note); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].Day == e.Day {
			out[n-1] = e
			continue
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// lock serialises, on PostgreSQL, the transactions that decide on the same
// key until they end. SQLite needs nothing: it has one writer at a time.
func lock(ctx context.Context, tx *db.Tx, key string) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, key)
	return err
}

func clockTime(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// yesNo is a flag for an audit summary: a message key the page words.
func yesNo(b bool) string {
	if b {
		return "~form.yes"
	}
	return "~form.no"
}
