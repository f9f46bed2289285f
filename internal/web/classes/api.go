package classes

import (
	"errors"
	"net/http"
	"time"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// The classes' JSON API (documented in internal/web/api/openapi.json):
// courses and their lessons, sessions in a time range with their seats,
// enrolling and giving a place up.

type courseJSON struct {
	ID      string            `json:"id"`
	Code    string            `json:"code"`
	Level   string            `json:"level"`
	Title   string            `json:"title"`
	Titles  map[string]string `json:"titles"`
	Summary string            `json:"summary"`
	Lessons int               `json:"lessons"`
}

type lessonJSON struct {
	Position int    `json:"position"`
	Title    string `json:"title"`
	Body     string `json:"body"` // Markdown
}

func courseOf(c class.Course, lang string) courseJSON {
	return courseJSON{ID: string(c.ID), Code: c.Code, Level: string(c.Level), Title: c.Title.In(lang), Titles: c.Title,
		Summary: c.Summary.In(lang), Lessons: len(c.Lessons)}
}

func (s *Pages) apiCourses(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	cs, err := s.Classes.Courses(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[courseJSON]{Items: []courseJSON{}}
	for _, c := range cs {
		full, err := s.Classes.Course(r.Context(), t.ID, c.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		out.Items = append(out.Items, courseOf(full, web.LangOf(r)))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Pages) apiCourse(w http.ResponseWriter, r *http.Request) {
	_, c, ok := s.tenantCourse(w, r, false)
	if !ok {
		return
	}
	lang := web.LangOf(r)
	lessons := []lessonJSON{}
	for _, l := range c.Lessons {
		lessons = append(lessons, lessonJSON{l.Position, l.Title.In(lang), l.Body.In(lang)})
	}
	web.WriteJSON(w, http.StatusOK, struct {
		courseJSON
		LessonList []lessonJSON `json:"lesson_list"`
	}{courseOf(c, lang), lessons})
}

type venueJSON struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Map     string `json:"map,omitempty"`
}

type sessionJSON struct {
	ID        string     `json:"id"`
	Course    string     `json:"course"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    time.Time  `json:"ends_at"`
	Online    bool       `json:"online"`
	Venue     *venueJSON `json:"venue,omitempty"`
	Capacity  int        `json:"capacity"`
	Enrolled  int        `json:"enrolled"`
	Waitlist  int        `json:"waitlist"`
	Cancelled bool       `json:"cancelled"`
}

// apiSessions lists the sessions starting in [from, to): RFC 3339 times
// or days (YYYY-MM-DD, in the tenant's zone); from now to 90 days ahead
// when not given, at most a year.
func (s *Pages) apiSessions(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	from, to, errs := rangeOf(r, t.Location(), s.Clock.Now())
	if len(errs) > 0 {
		s.Invalid(w, r, errs)
		return
	}
	xs, err := s.Classes.Sessions(r.Context(), t.ID, from, to)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[sessionJSON]{Items: []sessionJSON{}}
	for _, x := range xs {
		j := sessionJSON{ID: string(x.ID), Course: string(x.CourseID), StartsAt: x.StartsAt, EndsAt: x.EndsAt, Online: x.Online,
			Capacity: x.Capacity, Enrolled: x.Enrolled, Waitlist: x.Waitlisted, Cancelled: x.Cancelled}
		if !x.Online {
			j.Venue = &venueJSON{x.VenueName, x.VenueAddress, x.MapURL}
		}
		out.Items = append(out.Items, j)
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// rangeOf reads ?from= and ?to=.
func rangeOf(r *http.Request, loc *time.Location, now time.Time) (from, to time.Time, errs validation.Errors) {
	parse := func(name string, def time.Time) time.Time {
		v := r.URL.Query().Get(name)
		if v == "" {
			return def
		}
		if at, err := time.Parse(time.RFC3339, v); err == nil {
			return at
		}
		if day, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			return day
		}
		errs.Add(name, "error.field.date")
		return def
	}
	from, to = parse("from", now), parse("to", now.Add(upcoming))
	if len(errs) == 0 && (!to.After(from) || to.Sub(from) > 366*24*time.Hour) {
		errs.Add("to", "error.class.range")
	}
	return from, to, errs
}

type enrolBody struct {
	Phone  string `json:"phone"`
	Borrow bool   `json:"borrow"`
	Needs  string `json:"needs"`
	Age    string `json:"age_band"`
	For    string `json:"for"` // a family member who allowed it, or (staff) someone who phoned
}

func (s *Pages) apiEnrol(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	var b enrolBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	me := web.UserOf(r).ID
	learner, ok := s.learnerFor(r, t, b.For)
	if !ok {
		s.Invalid(w, r, validation.Errors{{Field: "for", Code: "error.field.choice"}})
		return
	}
	// Enrol finds the session itself (under its lock), so it is not read
	// first: counting a long waitlist for nothing was most of the cost.
	e, err := s.Classes.Enrol(r.Context(), web.Actor(r), t.ID, ids.ClassSession(r.PathValue("id")), learner,
		class.Questions{Phone: b.Phone, Borrow: b.Borrow, Needs: web.TruncateRunes(b.Needs, 2000), AgeBand: b.Age})
	switch {
	case errors.Is(err, class.ErrNotFound):
		s.Problem(w, r, http.StatusNotFound, "not_found", "problem.not_found")
	case errors.Is(err, class.ErrNoLearner):
		s.Invalid(w, r, validation.Errors{{Field: "for", Code: "error.field.choice"}})
	case errors.Is(err, class.ErrAlreadyEnrolled):
		s.Problem(w, r, http.StatusConflict, "already_enrolled", "classes.refused.already")
	case errors.Is(err, class.ErrSessionPast):
		s.Problem(w, r, http.StatusConflict, "session_past", "classes.refused.past")
	case errors.Is(err, class.ErrSessionCanceled):
		s.Problem(w, r, http.StatusConflict, "session_cancelled", "classes.refused.cancelled")
	case !s.APIResult(w, r, err):
	default:
		if learner == me {
			s.EnsureResident(r, t)
		}
		w.Header().Set("Location", s.Path("/api/v1/t/{tenant}/enrolments/{id}", t.Slug, string(e.ID)))
		web.WriteJSON(w, http.StatusCreated, map[string]any{"id": e.ID, "state": e.State, "seat": e.Seat, "position": e.Position})
	}
}

func (s *Pages) apiCancel(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	e, ok := s.loadEnrolment(w, r, t, true)
	if !ok {
		return
	}
	_, err := s.Classes.Cancel(r.Context(), web.Actor(r), t.ID, e.ID)
	switch {
	case errors.Is(err, class.ErrNotEnrolled):
		s.Problem(w, r, http.StatusConflict, "not_enrolled", "classes.refused.not_enrolled")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
