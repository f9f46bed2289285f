package exchange

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/ical"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const (
	eventsPath   = "/{tenant}/exchange/events"
	registerPath = "/{tenant}/exchange/events/{id}/register"
	rosterPath   = "/{tenant}/exchange/events/{id}"
	eventICSPath = "/exchange/events/{id}/calendar.ics"
)

// eventView is an event as a practice's page lists it, its times in the
// holding government's zone.
type eventView struct {
	ID, Kind, Title, When, Until, Venue, Link string
	SeatsLeft                                 int
	Past                                      bool
}

// createEvent announces a study visit or webinar about one of the
// tenant's practices (from its edit page); times are the tenant's.
func (s *Pages) createEvent(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f, slug := r.PostForm, r.PostForm.Get("practice")
	e := knowledge.Event{Kind: f.Get("event_kind"), Title: f.Get("event_title"), Venue: f.Get("event_venue"), Link: f.Get("event_link")}
	e.Start, e.End = eventTimes(t, f.Get("event_date"), f.Get("event_start"), f.Get("event_end"))
	e.Capacity, _ = strconv.Atoi(validation.Narrow(strings.TrimSpace(f.Get("event_capacity"))))
	_, err := s.Practices.CreateEvent(r.Context(), web.Actor(r), governmentOf(t), slug, e)
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		pr, err := s.Practices.Owned(r.Context(), governmentOf(t), slug)
		if err != nil {
			s.refuse(w, r, t, knowledge.ErrNotYours, s.Path(minePath, t.Slug))
			return
		}
		p := s.NewPage(r, "exchange.events.new")
		p.Tenant, p.Errors = t, errs
		for k, v := range f {
			if strings.HasPrefix(k, "event_") {
				p.Form[k] = v
			}
		}
		s.showEdit(w, r, p, t, pr, "", http.StatusUnprocessableEntity)
	case err != nil:
		s.refuse(w, r, t, err, s.Path(editPath, t.Slug, slug))
	default:
		web.Redirect(w, r, s.Path(practicePath, slug)+"?done=event_created#events")
	}
}

// eventTimes reads a date and two clock times in the tenant's zone; zero
// times when they cannot be read (the check names the field).
func eventTimes(t *tenant.Tenant, date, start, end string) (time.Time, time.Time) {
	parse := func(clock string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", validation.Narrow(strings.TrimSpace(date))+" "+validation.Narrow(strings.TrimSpace(clock)), t.Location())
		if err != nil {
			return time.Time{}
		}
		return v
	}
	return parse(start), parse(end)
}

// loadEvent reads the path's event, answering 404 or 500 itself.
func (s *Pages) loadEvent(w http.ResponseWriter, r *http.Request) (knowledge.Event, bool) {
	e, err := s.Practices.EventByID(r.Context(), r.PathValue("id"))
	if errors.Is(err, knowledge.ErrNotFound) {
		s.NotFound(w, r)
		return e, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return e, false
	}
	return e, true
}

func (s *Pages) register(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	e, ok := s.loadEvent(w, r)
	if !ok {
		return
	}
	slug := e.Slug
	err := s.Practices.Register(r.Context(), web.Actor(r), t.ID, e.ID)
	for _, refusal := range []error{knowledge.ErrEventFull, knowledge.ErrEventRegistered, knowledge.ErrEventPast} {
		if errors.Is(err, refusal) {
			web.Redirect(w, r, s.Path(practicePath, slug)+"?done="+strings.TrimPrefix(refusal.Error(), "exchange.error.")+"#events")
			return
		}
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(practicePath, slug)+"?done=event_registered_now#events")
}

// rosterPage lists who registered, for the holding government's staff.
func (s *Pages) rosterPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	e, ok := s.loadEvent(w, r)
	if !ok {
		return
	}
	if e.TenantID != t.ID {
		s.NotFound(w, r) // another government's event: not theirs to see
		return
	}
	regs, err := s.Practices.Registrations(r.Context(), e.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "exchange.events.roster")
	p.Tenant, p.NoIndex = t, true
	type row struct{ Who, Government, When string }
	var rows []row
	for _, x := range regs {
		gov := ""
		if g, err := s.Tenants.ByID(r.Context(), x.TenantID); err == nil {
			gov = g.Name(p.Lang())
		}
		rows = append(rows, row{x.Label, gov, p.DateTime(x.At)})
	}
	p.Data = struct {
		Event eventView
		Rows  []row
	}{s.eventView(p, t, e), rows}
	s.Render(w, http.StatusOK, "exchange_event_roster", p)
}

// eventICS is the event as a calendar file.
func (s *Pages) eventICS(w http.ResponseWriter, r *http.Request) {
	e, ok := s.loadEvent(w, r)
	if !ok {
		return
	}
	where := e.Venue
	if e.Kind == knowledge.Webinar {
		where = e.Link
	}
	ev := ical.Event{UID: "event-" + e.ID + "@serambi", Start: e.Start, End: e.End, Summary: e.Title, Location: where,
		URL: s.BaseURL + s.Path(practicePath, e.Slug) + "#events"}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="event.ics"`)
	_, err := w.Write([]byte(ical.Calendar("Serambi", []ical.Event{ev}, s.Clock.Now())))
	s.LogFailure(r, "send an event's calendar file", err)
}

// eventView shows e with its times in the holding government's zone
// (where it happens), through the one formatter.
func (s *Pages) eventView(p *web.Page, holder *tenant.Tenant, e knowledge.Event) eventView {
	loc := holder.Location()
	return eventView{ID: e.ID, Kind: p.T("exchange.events.kind." + e.Kind), Title: e.Title, When: locale.DateTime(p.Lang(), e.Start, loc),
		Until: locale.Clock(p.Lang(), e.End, loc), Venue: e.Venue, Link: e.Link, SeatsLeft: e.SeatsLeft(), Past: !e.Start.After(s.Clock.Now())}
}
