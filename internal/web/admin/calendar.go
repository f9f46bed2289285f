package admin

import (
	"errors"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

type calendarDay struct {
	Date, Weekday, Name, Kind string
	Own                       bool // the tenant's own change, removable
}

// adminCalendar shows the coming year's closed days (national and the
// tenant's own) and lets the admin add regional holidays or open days.
func (s *Pages) adminCalendar(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.AdminTenant(w, r); !ok {
		return
	}
	s.renderCalendar(w, r, nil, http.StatusOK)
}

func (s *Pages) renderCalendar(w http.ResponseWriter, r *http.Request, errs validation.Errors, status int) {
	t, _ := s.Tenants.BySlug(r.Context(), r.PathValue("tenant"))
	changes, err := s.Calendar.Changes(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	cal, err := s.CalendarFor(r.Context(), &t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "calendar.title")
	p.Tenant = &t
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	if errs != nil {
		p.Form = r.PostForm // what was typed comes back with the error
	}
	own := map[string]calendar.Day{}
	for _, c := range changes {
		own[c.Date] = c
	}
	var days []calendarDay
	start := s.Clock.Now().In(t.Location())
	for d := 0; d < 366; d++ {
		day := time.Date(start.Year(), start.Month(), start.Day()+d, 12, 0, 0, 0, t.Location())
		key := day.Format("2006-01-02")
		name, holiday := cal.HolidayName(day)
		c, isOwn := own[key]
		if !holiday && !isOwn {
			continue
		}
		if isOwn && c.Kind == calendar.Workday {
			name = c.Name
		}
		days = append(days, calendarDay{Date: p.Date(day), Weekday: key, Name: name, Kind: map[bool]string{true: c.Kind, false: calendar.Holiday}[isOwn], Own: isOwn})
	}
	missing := 0
	if year, ok := cal.NextYearMissing(s.Clock.Now()); ok {
		missing = year
	}
	p.Data = struct {
		Days     []calendarDay
		Missing  int // next year, when its national list is missing from 1 October
		ThisYear int
	}{days, missing, missing - 1}
	s.Render(w, status, "admin_calendar", p)
}

func (s *Pages) adminCalendarSet(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	d := calendar.Day{Date: web.DateFromForm(f, "date"), Kind: f.Get("kind"), Name: web.TruncateRunes(f.Get("name"), 100)}
	err := s.DB.InTx(r.Context(), func(tx *db.Tx) error {
		if err := s.Calendar.Set(r.Context(), tx, t.ID, d); err != nil {
			return err
		}
		return audit.Append(r.Context(), tx, web.Actor(r).Entry(t.ID, "calendar.set", "day:"+d.Date, audit.Say("audit.detail.calendar.set", "~calendar.kind."+d.Kind, d.Name)))
	})
	s.Calendar.Changed()
	var errs validation.Errors
	if errors.As(err, &errs) {
		s.renderCalendar(w, r, errs, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/calendar", t.Slug)+"?done=saved")
}

func (s *Pages) adminCalendarRemove(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	date := r.PostForm.Get("date")
	if r.PostForm.Get("confirm") != "yes" {
		s.confirmCalendarRemove(w, r, t, date)
		return
	}
	err := s.DB.InTx(r.Context(), func(tx *db.Tx) error {
		if err := s.Calendar.Remove(r.Context(), tx, t.ID, date); err != nil {
			return err
		}
		return audit.Append(r.Context(), tx, web.Actor(r).Entry(t.ID, "calendar.remove", "day:"+web.TruncateRunes(date, 20), ""))
	})
	s.Calendar.Changed()
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/calendar", t.Slug)+"?done=saved")
}

// confirmCalendarRemove asks before a day of the tenant's own goes back to
// the national calendar, since deadlines are counted again from it.
func (s *Pages) confirmCalendarRemove(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, date string) {
	day, err := time.ParseInLocation("2006-01-02", date, t.Location())
	if err != nil {
		web.Redirect(w, r, s.Path("/{tenant}/admin/calendar", t.Slug))
		return
	}
	p := s.NewPage(r, "confirm.calendar.title")
	p.Tenant = t
	p.NoIndex = true
	back := s.Path("/{tenant}/admin/calendar", t.Slug)
	p.Data = web.ConfirmView{Question: p.T("confirm.calendar.title"), Explain: p.T("confirm.calendar.explain", p.Date(day.Add(12*time.Hour))),
		Yes: p.T("confirm.calendar.yes"), No: p.T("confirm.calendar.no"), Action: back + "/remove", Back: back,
		Hidden: [][2]string{{"date", date}}}
	s.Render(w, http.StatusOK, "confirm_action", p)
}
