package network

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// The national holiday lists, kept by the network coordinator: Indonesia's
// list for a year comes from the joint ministerial decree published each
// autumn, and Serambi ships only the years known when it was built. The
// coordinator types in or imports next year's days, then publishes the
// year; from then every tenant of that country counts with it, and open
// deadlines are counted again.

// holidayCountries are the countries with national lists, and the zone
// their year turns in (for "from 1 October").
var holidayCountries = []struct{ Code, Zone string }{{"ID", "Asia/Jakarta"}, {"JP", "Asia/Tokyo"}}

type holidayDayView struct {
	Date, Weekday, Name, Kind string
}

type holidaysView struct {
	Country   string
	Countries []string
	Year      int
	Years     []calendar.Year
	Current   calendar.Year
	Days      []holidayDayView
	Missing   int // next year, when its list is missing from 1 October
	Bad       []string
	Kinds     []string // of an Indonesian day
}

// holidayQuery reads country and year from the query or the form.
func holidayQuery(v url.Values, now time.Time) (string, int) {
	country := v.Get("country")
	if country != "JP" {
		country = "ID"
	}
	year, err := strconv.Atoi(v.Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		year = now.Year() + 1
	}
	return country, year
}

func holidayZone(country string) *time.Location {
	for _, c := range holidayCountries {
		if c.Code == country {
			if loc, err := time.LoadLocation(c.Zone); err == nil {
				return loc
			}
		}
	}
	return time.UTC
}

func (s *Pages) holidays(w http.ResponseWriter, r *http.Request) {
	country, year := holidayQuery(r.URL.Query(), s.Clock.Now())
	s.renderHolidays(w, r, country, year, nil, nil, http.StatusOK)
}

func (s *Pages) renderHolidays(w http.ResponseWriter, r *http.Request, country string, year int, errs validation.Errors, bad []string, status int) {
	ctx := r.Context()
	now := s.Clock.Now()
	years, err := s.Calendar.Years(ctx, country, now.In(holidayZone(country)))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	days, err := s.Calendar.Holidays(ctx, country, year)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	national, err := s.Calendar.National(ctx, country)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "holidays.title")
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	p.Zone = holidayZone(country)
	if errs != nil {
		p.Form = r.PostForm
	}
	v := holidaysView{Country: country, Countries: []string{"ID", "JP"}, Year: year, Years: years, Bad: bad, Current: calendar.Year{Year: year},
		Kinds: []string{"national", "cuti_bersama", "national_tentative", "cuti_bersama_tentative"}}
	for _, y := range years {
		if y.Year == year {
			v.Current = y
		}
	}
	if next, missing := calendar.NewFrom(national, p.Zone, nil).NextYearMissing(now); missing {
		v.Missing = next
	}
	for _, d := range days {
		t, _ := time.ParseInLocation("2006-01-02", d.Date, p.Zone)
		v.Days = append(v.Days, holidayDayView{Date: d.Date, Weekday: p.Date(t.Add(12 * time.Hour)), Name: d.Name(p.Lang()), Kind: d.Kind})
	}
	p.Data = v
	s.Render(w, status, "network_holidays", p)
}

// appLookup finds tenants and services for work across tenants.
func (s *Pages) appLookup() application.Lookup {
	return application.Lookup{Tenant: s.Tenants.ByID, Service: s.Services.ByID}
}

// holidaysBack is the page of a country's year, with a message.
func holidaysBack(country string, year int, done string) string {
	return "/network/holidays?" + url.Values{"country": {country}, "year": {strconv.Itoa(year)}, "done": {done}}.Encode()
}

func (s *Pages) holidaySet(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	country, _ := holidayQuery(f, s.Clock.Now())
	h := calendar.NationalDay{Date: web.DateFromForm(f, "date"), NameID: f.Get("name_id"), NameEN: f.Get("name_en"),
		NameJA: f.Get("name_ja"), Kind: f.Get("kind")}
	year, _ := strconv.Atoi(h.Date[:min(4, len(h.Date))])
	err := s.DB.InTx(r.Context(), func(tx *db.Tx) error {
		if err := s.Calendar.SetHoliday(r.Context(), tx, country, h); err != nil {
			return err
		}
		return audit.Append(r.Context(), tx, web.Actor(r).Entry("", "holiday.set", "holidays:"+country+":"+h.Date,
			audit.Say("audit.detail.holiday", h.Date, h.Name("id"))))
	})
	s.holidaysChanged(w, r, country, year, err)
}

// holidaysChanged answers a change: the page again with the problem, or
// the year with a message after deadlines were counted again.
func (s *Pages) holidaysChanged(w http.ResponseWriter, r *http.Request, country string, year int, err error) {
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		_, y := holidayQuery(r.PostForm, s.Clock.Now())
		s.renderHolidays(w, r, country, y, errs, nil, http.StatusUnprocessableEntity)
		return
	case errors.Is(err, calendar.ErrEmbedded):
		s.renderHolidays(w, r, country, year, validation.Errors{{Field: "date", Code: "error.holiday.embedded"}}, nil, http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	s.Calendar.Changed()
	if _, err := s.Apps.RecountDeadlines(r.Context(), country, s.appLookup()); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, holidaysBack(country, year, "saved"))
}

func (s *Pages) holidayRemove(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	country, _ := holidayQuery(r.PostForm, s.Clock.Now())
	date := r.PostForm.Get("date")
	day, err := time.ParseInLocation("2006-01-02", date, holidayZone(country))
	if err != nil {
		s.ErrorPage(w, r, http.StatusBadRequest, nil)
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "confirm.holiday.title")
		p.NoIndex = true
		p.Zone = holidayZone(country)
		p.Data = web.ConfirmView{Question: p.T("confirm.holiday.title"), Explain: p.T("confirm.holiday.explain", p.Date(day.Add(12*time.Hour))),
			Yes: p.T("confirm.holiday.yes"), No: p.T("confirm.holiday.no"), Action: "/network/holidays/remove",
			Back: holidaysBack(country, day.Year(), ""), Hidden: [][2]string{{"country", country}, {"date", date}}}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	err = s.DB.InTx(r.Context(), func(tx *db.Tx) error {
		if err := s.Calendar.RemoveHoliday(r.Context(), tx, country, date); err != nil {
			return err
		}
		return audit.Append(r.Context(), tx, web.Actor(r).Entry("", "holiday.remove", "holidays:"+country+":"+date, ""))
	})
	s.holidaysChanged(w, r, country, day.Year(), err)
}

// holidayImport takes a CSV or iCalendar file; one bad line and
// nothing is saved, every bad line named.
func (s *Pages) holidayImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.ErrorPage(w, r, http.StatusBadRequest, nil)
		return
	}
	country, year := holidayQuery(r.PostForm, s.Clock.Now())
	file, _, err := r.FormFile("file")
	if err != nil {
		s.renderHolidays(w, r, country, year, validation.Errors{{Field: "file", Code: "error.holiday.import.file"}}, nil, http.StatusUnprocessableEntity)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.ErrorPage(w, r, http.StatusBadRequest, nil)
		return
	}
	days, bad := calendar.ParseImport(data, country)
	if len(bad) > 0 || len(days) == 0 {
		p := s.NewPage(r, "holidays.title")
		var lines []string
		for _, b := range bad {
			lines = append(lines, p.T("holidays.import.line", b.Line, p.T(b.Code)))
		}
		s.renderHolidays(w, r, country, year, validation.Errors{{Field: "file", Code: "error.holiday.import.bad", Args: []any{len(bad)}}}, lines, http.StatusUnprocessableEntity)
		return
	}
	err = s.DB.InTx(r.Context(), func(tx *db.Tx) error {
		for _, d := range days {
			if err := s.Calendar.SetHoliday(r.Context(), tx, country, d); err != nil {
				return err
			}
		}
		return audit.Append(r.Context(), tx, web.Actor(r).Entry("", "holiday.import", "holidays:"+country,
			audit.Say("audit.detail.holiday.import", strconv.Itoa(len(days)), days[0].Date, days[len(days)-1].Date)))
	})
	first, _ := strconv.Atoi(days[0].Date[:4])
	s.holidaysChanged(w, r, country, first, err)
}

func (s *Pages) holidayPublish(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	country, year := holidayQuery(r.PostForm, s.Clock.Now())
	if r.PostForm.Get("confirm") != "yes" {
		days, err := s.Calendar.Holidays(r.Context(), country, year)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		p := s.NewPage(r, "confirm.publish.title")
		p.NoIndex = true
		p.Data = web.ConfirmView{Question: p.T("confirm.publish.title", year), Explain: p.N("confirm.publish.explain", len(days), year),
			Yes: p.T("confirm.publish.yes"), No: p.T("confirm.publish.no"), Action: "/network/holidays/publish",
			Back: holidaysBack(country, year, ""), Hidden: [][2]string{{"country", country}, {"year", strconv.Itoa(year)}}}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	err := s.DB.InTx(r.Context(), func(tx *db.Tx) error {
		if err := s.Calendar.Publish(r.Context(), tx, country, year, string(web.Actor(r).ID), s.Clock.Now()); err != nil {
			return err
		}
		return audit.Append(r.Context(), tx, web.Actor(r).Entry("", "holiday.publish", "holidays:"+country+":"+strconv.Itoa(year), ""))
	})
	s.holidaysChanged(w, r, country, year, err)
}
