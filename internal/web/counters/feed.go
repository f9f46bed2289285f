package counters

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/ical"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/web"
)

// appointmentICS lets a resident add an appointment to their phone's
// calendar.
func (s *Pages) appointmentICS(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.RequireUser(w, r) {
		return
	}
	a, err := s.Counters.Appointment(r.Context(), t.ID, r.PathValue("id"))
	me := web.UserOf(r)
	if err != nil || (a.ResidentID != me.ID && a.BookedBy != me.ID && !s.IsStaff(r, t)) {
		s.NotFound(w, r)
		return
	}
	s.writeICS(w, r, "appointment.ics", s.icsEvents(r, t.Slug, web.LangOf(r), []counter.Appointment{a}))
}

func (s *Pages) icsEvents(r *http.Request, slug, lang string, apps []counter.Appointment) []ical.Event {
	var out []ical.Event
	names := map[string]string{}
	for _, a := range apps {
		if _, ok := names[string(a.CounterID)]; !ok {
			if c, err := s.Counters.Get(r.Context(), a.TenantID, a.CounterID); err == nil {
				names[string(a.CounterID)] = s.Catalog.T(lang, "counters.title") + ": " + c.Name(lang)
			}
		}
		out = append(out, ical.Event{UID: a.ID + "@serambi", Start: a.Start, End: a.End, Summary: names[string(a.CounterID)],
			URL: s.BaseURL + s.Path("/{tenant}/appointments", slug), Cancelled: a.Status == counter.Cancelled})
	}
	return out
}

func (s *Pages) writeICS(w http.ResponseWriter, r *http.Request, filename string, events []ical.Event) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write([]byte(ical.Calendar("Serambi", events, s.Clock.Now())))
}

// feedToken is the secret part of an officer's private feed URL: the user
// ID and a MAC of it, so the URL can be given to a calendar app without a
// password and cannot be guessed for another officer.
func (s *Pages) feedToken(userID ids.User) string { return feedTokenWith(s.FeedKey, userID) }

func feedTokenWith(key []byte, userID ids.User) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("officer feed\x00" + string(userID)))
	return string(userID) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// feedTokenValid checks a feed URL's token against the current key and,
// for URLs given out before, the earlier one.
func (s *Pages) feedTokenValid(token string, userID ids.User) bool {
	if len(token) > 120 {
		return false
	}
	ok := hmac.Equal([]byte(token), []byte(feedTokenWith(s.FeedKey, userID)))
	if len(s.FeedKeyBefore) > 0 {
		ok = ok || hmac.Equal([]byte(token), []byte(feedTokenWith(s.FeedKeyBefore, userID)))
	}
	return ok
}

// pageFeedURL is the signed-in officer's private calendar feed, on staff
// pages of their tenant ("" for anyone else).
func (s *Pages) pageFeedURL(p *web.Page) string {
	u := p.User()
	if p.Tenant == nil || u == nil || !(p.HasRole(string(identity.Officer)) || p.HasRole(string(identity.Admin))) {
		return ""
	}
	return s.feedURL(u.ID)
}

// feedURL is an officer's private calendar feed for their counters.
func (s *Pages) feedURL(userID ids.User) string {
	return s.BaseURL + "/feeds/officer/" + s.feedToken(userID)
}

func (s *Pages) officerFeed(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	userID, _, _ := strings.Cut(token, ".")
	if !s.feedTokenValid(token, ids.User(userID)) {
		s.NotFound(w, r)
		return
	}
	u, err := s.Identity.ByID(r.Context(), ids.User(userID))
	if err != nil || u.Disabled {
		s.NotFound(w, r)
		return
	}
	ms, err := s.Identity.Memberships(r.Context(), u.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	now := s.Clock.Now()
	var events []ical.Event
	for _, m := range ms {
		if m.Role != "officer" && m.Role != "admin" {
			continue
		}
		t, err := s.Tenants.ByID(r.Context(), m.TenantID)
		if err != nil {
			continue
		}
		apps, err := s.Counters.ForOfficer(r.Context(), t.ID, u.ID, now.Add(-24*time.Hour), now.AddDate(0, 0, 60))
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		events = append(events, s.icsEvents(r, t.Slug, u.Lang, apps)...)
	}
	s.writeICS(w, r, "serambi.ics", events)
}
