package knowledge

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Refusals of a registration (message keys).
var (
	ErrEventFull       = errors.New("exchange.error.event_full")
	ErrEventRegistered = errors.New("exchange.error.event_registered")
	ErrEventPast       = errors.New("exchange.error.event_past")
)

// Event kinds.
const (
	StudyVisit = "visit"
	Webinar    = "webinar"
)

// Event is a study visit or a webinar a government holds about its
// practice.
type Event struct {
	ID         string
	PracticeID ids.Practice
	TenantID   ids.Tenant // who holds it
	Kind       string
	Title      string
	Start, End time.Time
	Venue      string // a visit's place
	Link       string // a webinar's address
	Capacity   int
	Taken      int
	Slug       string // the practice's
}

// SeatsLeft is how many can still register.
func (e Event) SeatsLeft() int { return max(e.Capacity-e.Taken, 0) }

// check says what is wrong with e, as message keys by form field.
func (e Event) check(now time.Time) validation.Errors {
	var errs validation.Errors
	if e.Kind != StudyVisit && e.Kind != Webinar {
		errs.Add("event_kind", "exchange.error.event_kind")
	}
	if t := strings.TrimSpace(e.Title); t == "" || utf8.RuneCountInString(t) > maxTitle || validation.HasHiddenControls(t) {
		errs.Add("event_title", "exchange.error.event_title")
	}
	switch {
	case e.Start.IsZero():
		errs.Add("event_date", "exchange.error.event_when")
	case !e.Start.After(now):
		errs.Add("event_date", "exchange.error.event_past")
	case !e.End.After(e.Start):
		errs.Add("event_end", "exchange.error.event_end")
	}
	if e.Kind == StudyVisit && (strings.TrimSpace(e.Venue) == "" || utf8.RuneCountInString(e.Venue) > maxShort) {
		errs.Add("event_venue", "exchange.error.event_venue")
	}
	if e.Kind == Webinar {
		if u, err := url.Parse(e.Link); err != nil || u.Scheme != "https" || u.Host == "" {
			errs.Add("event_link", "exchange.error.event_link")
		}
	}
	if e.Capacity < 1 || e.Capacity > 1000 {
		errs.Add("event_capacity", "exchange.error.event_capacity")
	}
	return errs
}

// CreateEvent announces a study visit or webinar of gov about its own
// published practice.
func (s *Store) CreateEvent(ctx context.Context, actor audit.Actor, gov Government, slug string, e Event) (_ Event, err error) {
	defer wrap(&err, "announce an event of %s", slug)
	e.Title, e.Venue, e.Link = strings.TrimSpace(e.Title), strings.TrimSpace(e.Venue), strings.TrimSpace(e.Link)
	if errs := e.check(s.clock.Now()); len(errs) > 0 {
		return e, errs
	}
	err = s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, _, _, err := s.ownedForUpdate(ctx, tx, gov, slug)
		if err != nil {
			return err
		}
		if p.State != Published {
			return ErrNotPublished
		}
		e.ID, e.PracticeID, e.TenantID = db.NewID(), p.ID, gov.TenantID
		if _, err := tx.ExecContext(ctx, `INSERT INTO practice_events (id, practice_id, tenant_id, kind, title, starts_at, ends_at, venue, link, capacity, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.PracticeID, e.TenantID, e.Kind, e.Title, e.Start.UTC(), e.End.UTC(), e.Venue, e.Link, e.Capacity, s.now()); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.event", "practice:"+slug, e.Title))
	})
	return e, err
}

const eventColumns = "e.id, e.practice_id, e.tenant_id, e.kind, e.title, e.starts_at, e.ends_at, e.venue, e.link, e.capacity, e.seats_taken, p.slug"

// Events are a practice's study visits and webinars, soonest first.
func (s *Store) Events(ctx context.Context, id ids.Practice) (_ []Event, err error) {
	defer wrap(&err, "list the events of %s", id)
	return s.events(ctx, "e.practice_id = ?", id)
}

// EventByID loads one event.
func (s *Store) EventByID(ctx context.Context, id string) (_ Event, err error) {
	defer wrap(&err, "load event %s", id)
	list, err := s.events(ctx, "e.id = ?", id)
	if err != nil {
		return Event{}, err
	}
	if len(list) == 0 {
		return Event{}, ErrNotFound
	}
	return list[0], nil
}

func (s *Store) events(ctx context.Context, where string, args ...any) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+eventColumns+" FROM practice_events e JOIN practices p ON p.id = e.practice_id WHERE "+where+" ORDER BY e.starts_at, e.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.PracticeID, &e.TenantID, &e.Kind, &e.Title, &e.Start, &e.End, &e.Venue, &e.Link, &e.Capacity, &e.Taken, &e.Slug); err != nil {
			return nil, err
		}
		e.Start, e.End = e.Start.UTC(), e.End.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Register gives actor (staff of tenantID) a seat at the event, while
// there is one and it has not begun.
func (s *Store) Register(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, eventID string) (err error) {
	defer wrap(&err, "register for event %s", eventID)
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM practice_event_registrations WHERE event_id = ? AND user_id = ?", eventID, actor.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrEventRegistered
		}
		res, err := tx.ExecContext(ctx, "UPDATE practice_events SET seats_taken = seats_taken + 1 WHERE id = ? AND seats_taken < capacity AND starts_at > ?",
			eventID, s.now())
		if err != nil {
			return fmt.Errorf("take a seat: %w", err)
		}
		if taken, _ := res.RowsAffected(); taken == 0 {
			return s.whyNoSeat(ctx, tx, eventID)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO practice_event_registrations (event_id, user_id, user_label, tenant_id, registered_at) VALUES (?, ?, ?, ?, ?)",
			eventID, actor.ID, actor.Label, tenantID, s.now()); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		s.touched(ctx)
		return audit.Append(ctx, tx, actor.Entry(tenantID, "practice.event.register", "event:"+eventID, ""))
	})
}

// whyNoSeat tells a full event from a past or unknown one.
func (s *Store) whyNoSeat(ctx context.Context, tx *db.Tx, eventID string) error {
	var start time.Time
	var capacity, taken int
	err := tx.QueryRowContext(ctx, "SELECT starts_at, capacity, seats_taken FROM practice_events WHERE id = ?", eventID).Scan(&start, &capacity, &taken)
	switch {
	case err != nil:
		return ErrNotFound
	case !start.After(s.clock.Now()):
		return ErrEventPast
	}
	return ErrEventFull
}

// Registration is one person registered for an event.
type Registration struct {
	UserID   ids.User
	Label    string
	TenantID ids.Tenant
	At       time.Time
}

// Registrations lists who registered for an event, first first.
func (s *Store) Registrations(ctx context.Context, eventID string) (_ []Registration, err error) {
	defer wrap(&err, "list the registrations of %s", eventID)
	rows, err := s.db.QueryContext(ctx, "SELECT user_id, user_label, tenant_id, registered_at FROM practice_event_registrations WHERE event_id = ? ORDER BY registered_at, user_id", eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var r Registration
		if err := rows.Scan(&r.UserID, &r.Label, &r.TenantID, &r.At); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
