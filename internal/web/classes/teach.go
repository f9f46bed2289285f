package classes

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// lengths a session may have, in minutes, offered on the form.
var lengths = []int{60, 90, 120, 180}

// managePage is the instructor's start: every course (published or not),
// the sessions coming up with their seats and waitlists, and the form
// that schedules one more.
func (s *Pages) managePage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	s.renderManage(w, r, t, http.StatusOK, nil)
}

func (s *Pages) renderManage(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, status int, errs validation.Errors) {
	courses, err := s.Classes.Courses(r.Context(), t.ID, false)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	now := s.Clock.Now()
	sessions, err := s.Classes.Sessions(r.Context(), t.ID, now.Add(-24*time.Hour), now.Add(upcoming))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "classes.manage.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	p.Errors = errs
	if r.Method == http.MethodPost {
		p.Form = r.PostForm
	}
	titles := titlesOf(p, courses)
	var cv []courseView
	for _, c := range courses {
		cv = append(cv, courseView{ID: string(c.ID), Title: titles[c.ID], Level: string(c.Level), Published: c.Published})
	}
	var sv []sessionView
	for _, x := range sessions {
		sv = append(sv, s.sessionView(p, x, titles))
	}
	p.Data = struct {
		Courses  []courseView
		Sessions []sessionView
		Lengths  []int
		Date     web.InputView
		Admin    bool
	}{cv, sv, lengths, p.DateInput("date", "classes.form.date", "classes.form.date.hint"), isAdmin(r, t)}
	s.Render(w, status, "class_manage", p)
}

// createSession schedules a session from the manage page's form.
func (s *Pages) createSession(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	in, errs := sessionFromForm(r, t)
	if len(errs) == 0 {
		_, err := s.Classes.CreateSession(r.Context(), web.Actor(r), t.ID, in)
		switch {
		case errors.As(err, &errs):
		case errors.Is(err, class.ErrNotFound):
			errs = validation.Errors{{Field: "course", Code: "error.field.choice"}}
		case err != nil:
			s.ServerError(w, r, err)
			return
		default:
			web.Redirect(w, r, s.Path("/{tenant}/classes/manage", t.Slug)+"?done=saved")
			return
		}
	}
	s.renderManage(w, r, t, http.StatusUnprocessableEntity, errs)
}

// sessionFromForm reads the form: a day (day, month, year boxes), a
// start time ("9:30", "09.30", full-width digits too) in the tenant's
// zone, a length, a hall or online, and the seats.
func sessionFromForm(r *http.Request, t *tenant.Tenant) (class.Session, validation.Errors) {
	f := r.PostForm
	var errs validation.Errors
	in := class.Session{CourseID: ids.Course(f.Get("course")), Online: f.Get("online") == "yes",
		VenueName: f.Get("venue_name"), VenueAddress: f.Get("venue_address"), MapURL: f.Get("map_url")}
	day, err := time.ParseInLocation("2006-01-02", web.DateFromForm(f, "date"), t.Location())
	if err != nil {
		errs.Add("date", "error.field.date")
	}
	hour, minute, ok := clockFrom(f.Get("start"))
	if !ok {
		errs.Add("start", "error.class.time")
	}
	length, err := strconv.Atoi(f.Get("length"))
	if err != nil || length <= 0 || length > 8*60 {
		errs.Add("length", "error.field.choice")
	}
	in.Capacity, err = strconv.Atoi(strings.TrimSpace(validation.Narrow(f.Get("capacity"))))
	if err != nil {
		errs.Add("capacity", "error.field.integer")
	}
	if len(errs) > 0 {
		return in, errs
	}
	in.StartsAt = time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, t.Location())
	in.EndsAt = in.StartsAt.Add(time.Duration(length) * time.Minute)
	return in, nil
}

// clockFrom reads a time of day as people write it: "9:30", "09.30",
// "930" or "9" (full-width digits too).
func clockFrom(s string) (hour, minute int, ok bool) {
	s = strings.TrimSpace(validation.Narrow(s))
	h, m, found := strings.Cut(strings.NewReplacer(".", ":", "：", ":").Replace(s), ":")
	if !found && len(s) >= 3 {
		h, m = s[:len(s)-2], s[len(s)-2:]
	}
	if m == "" {
		m = "0"
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// rosterRow is one learner on the roster.
type rosterRow struct {
	ID, Name, Phone, Needs string
	Learner                string // the learner's account, for a practice call
	Came                   bool
	Seat, Place, Practised int
	Borrow                 bool
	Waiting                bool
}

// rosterPage shows who comes, seat by seat, and the waitlist, with what
// each learner said the instructor should know.
func (s *Pages) rosterPage(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	roster, err := s.Classes.Roster(r.Context(), t.ID, x.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	practice, err := s.Classes.PracticeOfSession(r.Context(), t.ID, x, c)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "classes.roster.title")
	p.Tenant = t
	p.NoIndex = true
	var rows []rosterRow
	place := 0
	for _, e := range roster {
		u, err := s.Identity.ByID(r.Context(), e.LearnerID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		row := rosterRow{ID: string(e.ID), Learner: string(e.LearnerID), Came: e.AttendedAt != nil, Name: u.Name, Phone: e.Phone, Needs: e.Needs, Seat: e.Seat,
			Borrow: e.Borrow, Waiting: e.State == class.Waitlisted, Practised: practice.Learners[e.LearnerID]}
		if row.Waiting {
			place++
			row.Place = place
		}
		rows = append(rows, row)
	}
	team, err := s.team(r, t, x.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Flash = web.FlashFrom(r)
	p.Data = struct {
		Session      sessionView
		Rows         []rosterRow
		PracticeCode string
		PracticeURL  string
		Team         teamView
		Practice     class.SessionPractice
	}{s.courseSessionView(p, x, c), rows, s.Classes.PracticeCode(x.ID), s.BaseURL + s.Path(web.PracticeEntry, t.Slug), team, practice}
	s.Render(w, http.StatusOK, "class_roster", p)
}

// copyStarter gives the tenant the starter curriculum of its country.
func (s *Pages) copyStarter(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if _, err := s.Classes.CopyStarter(r.Context(), web.Actor(r), t.ID, string(t.Country)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/classes/manage", t.Slug)+"?done=saved")
}

// isAdmin: the tenant's admins (and the coordinator) may copy the
// starter curriculum.
func isAdmin(r *http.Request, t *tenant.Tenant) bool {
	u := web.UserOf(r)
	return u != nil && (u.Coordinator || web.HasRole(r, t.ID, identity.Admin))
}

// cancelSession calls a class off, after asking; everyone with a place
// is told by email.
func (s *Pages) cancelSession(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	back := s.Path("/{tenant}/classes/sessions/{id}/roster", t.Slug, string(x.ID))
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "confirm.class_session.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = web.ConfirmView{Question: p.T("confirm.class_session.title"),
			Explain: p.T("confirm.class_session.explain", c.Title.In(p.Lang()), p.DateTime(x.StartsAt), x.Enrolled+x.Waitlisted),
			Yes:     p.T("confirm.class_session.yes"), No: p.T("confirm.class_session.no"),
			Action: s.Path("/{tenant}/classes/sessions/{id}/cancel", t.Slug, string(x.ID)), Back: back}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	_, err := s.Classes.CancelSession(r.Context(), web.Actor(r), t.ID, x.ID)
	switch {
	case errors.Is(err, class.ErrSessionCanceled), errors.Is(err, class.ErrSessionPast):
		web.Redirect(w, r, back)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/classes/manage", t.Slug)+"?done=class_called_off")
	}
}

// setCapacity changes a session's seats from its roster: more seats
// seat the first of the waiting list (who are told by email); fewer than
// the learners seated is refused in words.
func (s *Pages) setCapacity(w http.ResponseWriter, r *http.Request) {
	t, x, _, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	back := s.Path("/{tenant}/classes/sessions/{id}/roster", t.Slug, string(x.ID))
	n, convErr := strconv.Atoi(strings.TrimSpace(validation.Narrow(r.PostForm.Get("capacity"))))
	var err error
	if convErr == nil {
		_, err = s.Classes.SetCapacity(r.Context(), web.Actor(r), t.ID, x.ID, n)
	}
	var errs validation.Errors
	switch {
	case convErr != nil, errors.As(err, &errs):
		web.Redirect(w, r, back+"?done=capacity_range#capacity")
	case errors.Is(err, class.ErrCapacityBelowEnrolled):
		web.Redirect(w, r, back+"?done=capacity_below#capacity")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, back+"?done=saved#capacity")
	}
}

// changePage is the form that moves a session to another day, time or
// place, filled with what it is now.
func (s *Pages) changePage(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	p := s.NewPage(r, "classes.change.title")
	start := x.StartsAt.In(t.Location())
	p.Form.Set("date-day", strconv.Itoa(start.Day()))
	p.Form.Set("date-month", strconv.Itoa(int(start.Month())))
	p.Form.Set("date-year", strconv.Itoa(start.Year()))
	p.Form.Set("start", start.Format("15:04"))
	p.Form.Set("length", strconv.Itoa(int(x.EndsAt.Sub(x.StartsAt).Minutes())))
	if x.Online {
		p.Form.Set("online", "yes")
	}
	p.Form.Set("venue_name", x.VenueName)
	p.Form.Set("venue_address", x.VenueAddress)
	p.Form.Set("map_url", x.MapURL)
	s.renderChange(w, t, x, c, p, http.StatusOK)
}

func (s *Pages) renderChange(w http.ResponseWriter, t *tenant.Tenant, x class.Session, c class.Course, p *web.Page, status int) {
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct {
		Session sessionView
		Lengths []int
		Date    web.InputView
		Told    int
	}{s.courseSessionView(p, x, c), lengths, p.DateInput("date", "classes.form.date", "classes.form.date.hint"), x.Enrolled + x.Waitlisted}
	s.Render(w, status, "class_change", p)
}

// changeSession moves the session; its learners are emailed the new time
// and place with a calendar file.
func (s *Pages) changeSession(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	r.PostForm.Set("capacity", strconv.Itoa(x.Capacity)) // not changed here
	in, errs := sessionFromForm(r, t)
	if len(errs) == 0 {
		_, err := s.Classes.ChangeSession(r.Context(), web.Actor(r), t.ID, x.ID, in)
		switch {
		case errors.As(err, &errs):
		case errors.Is(err, class.ErrSessionCanceled), errors.Is(err, class.ErrSessionPast):
			errs = validation.Errors{{Field: "date", Code: "classes.change.too_late"}}
		case err != nil:
			s.ServerError(w, r, err)
			return
		default:
			web.Redirect(w, r, s.Path("/{tenant}/classes/sessions/{id}/roster", t.Slug, string(x.ID))+"?done=class_moved")
			return
		}
	}
	p := s.NewPage(r, "classes.change.title")
	p.Form, p.Errors = r.PostForm, renameField(errs, "starts_at", "start")
	s.renderChange(w, t, x, c, p, http.StatusUnprocessableEntity)
}

// renameField points problems of one field at another form field.
func renameField(errs validation.Errors, from, to string) validation.Errors {
	out := make(validation.Errors, len(errs))
	for i, e := range errs {
		if e.Field == from {
			e.Field = to
		}
		out[i] = e
	}
	return out
}
