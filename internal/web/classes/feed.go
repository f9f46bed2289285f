package classes

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/ical"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// A person's classes as a calendar their phone subscribes to: the classes
// they have a place in (waiting too) and those they teach or support, in
// every local government, kept up to date — a moved class moves, a
// cancelled one shows as cancelled. The address carries a signed token
// (a phone's calendar sends no cookie), so it works without signing in
// and opens nothing else.

const classesFeedPath = "/feeds/class-calendar/{token}"

func classesFeedToken(key []byte, userID ids.User) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("classes feed\x00" + string(userID)))
	return string(userID) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// classesFeedURL is the signed-in person's private classes calendar.
func (s *Pages) classesFeedURL(userID ids.User) string {
	return s.BaseURL + s.Path(classesFeedPath, classesFeedToken(s.FeedKey, userID))
}

// classesFeedUser checks a feed token against the current key and the
// earlier one.
func (s *Pages) classesFeedUser(token string) (ids.User, bool) {
	userID, _, _ := strings.Cut(token, ".")
	if len(token) > 120 || userID == "" {
		return "", false
	}
	ok := hmac.Equal([]byte(token), []byte(classesFeedToken(s.FeedKey, ids.User(userID))))
	if len(s.FeedKeyBefore) > 0 {
		ok = ok || hmac.Equal([]byte(token), []byte(classesFeedToken(s.FeedKeyBefore, ids.User(userID))))
	}
	return ids.User(userID), ok
}

// classesFeed serves the calendar.
func (s *Pages) classesFeed(w http.ResponseWriter, r *http.Request) {
	userID, ok := s.classesFeedUser(r.PathValue("token"))
	if !ok {
		s.NotFound(w, r)
		return
	}
	u, err := s.Identity.ByID(r.Context(), userID)
	if err != nil || u.Disabled {
		s.NotFound(w, r)
		return
	}
	ms, err := s.Identity.Memberships(r.Context(), u.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	var events []ical.Event
	seen := map[ids.Tenant]bool{}
	for _, m := range ms {
		if seen[m.TenantID] {
			continue
		}
		seen[m.TenantID] = true
		t, err := s.Tenants.ByID(r.Context(), m.TenantID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		more, err := s.feedEvents(r, &t, u.ID, u.Lang)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		events = append(events, more...)
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write([]byte(ical.Calendar(s.Catalog.T(u.Lang, "classes.feed.name"), events, s.Clock.Now())))
	s.LogFailure(r, "send a classes calendar feed", err)
}

// feedEvents are userID's classes in t: places held, classes taught or
// supported.
func (s *Pages) feedEvents(r *http.Request, t *tenant.Tenant, userID ids.User, lang string) ([]ical.Event, error) {
	var sessions []ids.ClassSession
	es, err := s.Classes.LearnerEnrolments(r.Context(), t.ID, userID)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.LearnerID == userID && e.State != class.Cancelled {
			sessions = append(sessions, e.SessionID)
		}
	}
	as, err := s.Classes.AssignmentsOf(r.Context(), t.ID, userID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		sessions = append(sessions, a.SessionID)
	}
	var out []ical.Event
	done := map[ids.ClassSession]bool{}
	for _, id := range sessions {
		if done[id] {
			continue
		}
		done[id] = true
		x, err := s.Classes.Session(r.Context(), t.ID, id)
		if errors.Is(err, class.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		c, err := s.Classes.Course(r.Context(), t.ID, x.CourseID)
		if err != nil {
			return nil, err
		}
		out = append(out, s.classEvent(t, x, c, lang))
	}
	return out, nil
}

// classEvent is one class as a calendar event.
func (s *Pages) classEvent(t *tenant.Tenant, x class.Session, c class.Course, lang string) ical.Event {
	where := x.VenueName
	if x.VenueAddress != "" {
		where += ", " + x.VenueAddress
	}
	if x.Online {
		where = s.Catalog.T(lang, "classes.online")
	}
	return ical.Event{UID: string(x.ID) + "@serambi", Start: x.StartsAt, End: x.EndsAt, Summary: c.Title.In(lang),
		Location: where, URL: s.BaseURL + s.Path("/{tenant}/classes/sessions/{id}", t.Slug, string(x.ID)), Cancelled: x.Cancelled,
		Sequence: x.Revision()}
}
