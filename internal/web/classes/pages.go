package classes

import (
	"errors"
	"html/template"
	"net/http"
	"time"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/ical"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/richtext"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// upcoming is how far ahead the class pages list sessions.
const upcoming = 90 * 24 * time.Hour

// sessionView is a session as the pages show it.
type sessionView struct {
	ID, CourseID, Course  string
	When, Until           string
	Online                bool
	Venue, Address, Map   string
	Capacity, SeatsLeft   int
	Enrolled, Waitlisted  int
	Cancelled, Past, Full bool
}

func (s *Pages) sessionView(p *web.Page, x class.Session, titles map[ids.Course]string) sessionView {
	return sessionView{ID: string(x.ID), CourseID: string(x.CourseID), Course: titles[x.CourseID],
		When: p.DateTime(x.StartsAt), Until: p.Clock(x.EndsAt), Online: x.Online,
		Venue: x.VenueName, Address: x.VenueAddress, Map: x.MapURL,
		Capacity: x.Capacity, SeatsLeft: max(0, x.Capacity-x.Enrolled), Enrolled: x.Enrolled, Waitlisted: x.Waitlisted,
		Cancelled: x.Cancelled, Past: !s.Clock.Now().Before(x.StartsAt), Full: x.Enrolled >= x.Capacity}
}

// courseView is a course in a list.
type courseView struct {
	ID, Title, Summary, Level string
	Lessons                   int
	Published                 bool
}

// titlesOf maps course IDs to their titles in the page's language.
func titlesOf(p *web.Page, cs []class.Course) map[ids.Course]string {
	m := map[ids.Course]string{}
	for _, c := range cs {
		m[c.ID] = c.Title.In(p.Lang())
	}
	return m
}

// isTeacher: instructors and admins of t (and the coordinator).
func isTeacher(r *http.Request, t *tenant.Tenant) bool {
	u := web.UserOf(r)
	return u != nil && (u.Coordinator || web.HasRole(r, t.ID, identity.Instructor) || web.HasRole(r, t.ID, identity.Admin))
}

// classesPage lists the published courses by level and the sessions
// coming up.
func (s *Pages) classesPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	courses, err := s.Classes.Courses(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	now := s.Clock.Now()
	sessions, err := s.Classes.Sessions(r.Context(), t.ID, now, now.Add(upcoming))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "classes.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	titles := titlesOf(p, courses)
	var cv []courseView
	for _, c := range courses {
		cv = append(cv, courseView{ID: string(c.ID), Title: titles[c.ID], Summary: c.Summary.In(p.Lang()), Level: string(c.Level)})
	}
	var sv []sessionView
	for _, x := range sessions {
		if _, published := titles[x.CourseID]; published && !x.Cancelled {
			sv = append(sv, s.sessionView(p, x, titles))
		}
	}
	p.Data = struct {
		Courses  []courseView
		Sessions []sessionView
		Teacher  bool
	}{cv, sv, isTeacher(r, t)}
	p.Cacheable = web.UserOf(r) == nil && p.Flash == ""
	s.Render(w, http.StatusOK, "classes", p)
}

// loadCourse reads the course of the path; one not published is only
// for teachers.
func (s *Pages) loadCourse(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, id ids.Course) (class.Course, bool) {
	c, err := s.Classes.Course(r.Context(), t.ID, id)
	if errors.Is(err, class.ErrNotFound) || (err == nil && !c.Published && !isTeacher(r, t)) {
		s.NotFound(w, r)
		return class.Course{}, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return class.Course{}, false
	}
	return c, true
}

type lessonView struct {
	Position  int
	Title     string
	Body      template.HTML
	Exercises []exerciseLink
}

// coursePage shows a course's lessons, to read before or after a class,
// and its sessions coming up.
func (s *Pages) coursePage(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, false)
	if !ok {
		return
	}
	now := s.Clock.Now()
	sessions, err := s.Classes.Sessions(r.Context(), t.ID, now, now.Add(upcoming))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "classes.title")
	p.Tenant = t
	p.Title = c.Title.In(p.Lang())
	var lessons []lessonView
	for _, l := range c.Lessons {
		lessons = append(lessons, lessonView{l.Position, l.Title.In(p.Lang()), richtext.HTML(l.Body.In(p.Lang())), s.exerciseLinks(t, l, nil)})
	}
	titles := map[ids.Course]string{c.ID: c.Title.In(p.Lang())}
	var sv []sessionView
	for _, x := range sessions {
		if x.CourseID == c.ID && !x.Cancelled {
			sv = append(sv, s.sessionView(p, x, titles))
		}
	}
	p.Data = struct {
		ID, Title, Summary, Level string
		Lessons                   []lessonView
		Sessions                  []sessionView
	}{string(c.ID), c.Title.In(p.Lang()), c.Summary.In(p.Lang()), string(c.Level), lessons, sv}
	p.Cacheable = web.UserOf(r) == nil
	s.Render(w, http.StatusOK, "class_course", p)
}

// loadSession reads the session of the path and its course's title.
func (s *Pages) loadSession(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) (class.Session, class.Course, bool) {
	x, err := s.Classes.Session(r.Context(), t.ID, ids.ClassSession(r.PathValue("id")))
	if errors.Is(err, class.ErrNotFound) {
		s.NotFound(w, r)
		return class.Session{}, class.Course{}, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return class.Session{}, class.Course{}, false
	}
	c, ok := s.loadCourse(w, r, t, x.CourseID)
	return x, c, ok
}

// tenantCourse loads the tenant and the course of the path (and, for a
// form, parses it): the start of every course page.
func (s *Pages) tenantCourse(w http.ResponseWriter, r *http.Request, form bool) (*tenant.Tenant, class.Course, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok || form && !s.ParseForm(w, r) {
		return nil, class.Course{}, false
	}
	c, ok := s.loadCourse(w, r, t, ids.Course(r.PathValue("id")))
	return t, c, ok
}

// tenantSession loads the tenant and the session of the path (and, for a
// form, parses it): the start of every session page.
func (s *Pages) tenantSession(w http.ResponseWriter, r *http.Request, form bool) (*tenant.Tenant, class.Session, class.Course, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok || form && !s.ParseForm(w, r) {
		return nil, class.Session{}, class.Course{}, false
	}
	x, c, ok := s.loadSession(w, r, t)
	return t, x, c, ok
}

// courseSessionView is the view of x, a session of course c.
func (s *Pages) courseSessionView(p *web.Page, x class.Session, c class.Course) sessionView {
	return s.sessionView(p, x, map[ids.Course]string{c.ID: c.Title.In(p.Lang())})
}

// mineIn is the signed-in user's live enrolment in a session, if any.
func (s *Pages) mineIn(r *http.Request, t *tenant.Tenant, x class.Session) (*class.Enrolment, error) {
	u := web.UserOf(r)
	if u == nil {
		return nil, nil
	}
	mine, err := s.Classes.LearnerEnrolments(r.Context(), t.ID, u.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range mine {
		if e.SessionID == x.ID && e.State != class.Cancelled {
			return &e, nil
		}
	}
	return nil, nil
}

// sessionPage shows one session and, to a signed-in person, the form to
// enrol (themselves or a family member who allowed it) or their place.
func (s *Pages) sessionPage(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	s.renderSession(w, r, t, x, c, http.StatusOK, nil, "")
}

func (s *Pages) renderSession(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, x class.Session, c class.Course,
	status int, errs validation.Errors, refusal string) {
	mine, err := s.mineIn(r, t, x)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "classes.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	p.Title = p.T("classes.session.title", c.Title.In(p.Lang()), p.DateTime(x.StartsAt))
	p.Errors = errs
	if r.Method == http.MethodPost {
		p.Form = r.PostForm
	}
	var mv *enrolmentView
	if mine != nil {
		v := s.enrolmentView(r, p, t, *mine, x, c.Title.In(p.Lang()))
		mv = &v
	}
	var family []web.FamilyPerson
	staff := isTeacher(r, t) || s.IsStaff(r, t)
	if u := web.UserOf(r); u != nil && !staff {
		family = s.FamilyToHelp(r, u.ID)
	}
	who := s.whoPhoned(r, p, staff)
	if who != nil {
		mv = nil // the form enrols them, whatever the staff member's own place
	}
	p.Data = struct {
		Session  sessionView
		Mine     *enrolmentView
		Family   []web.FamilyPerson
		Who      *web.FamilyPerson
		Phones   []string
		AgeBands []string
		Refusal  string
		Teacher  bool
		Staff    bool
		SignedIn bool
	}{s.courseSessionView(p, x, c), mv, family, who,
		[]string{class.PhoneAndroid, class.PhoneIPhone, class.PhoneNone}, class.AgeBands, refusal, isTeacher(r, t), staff, web.UserOf(r) != nil}
	s.Render(w, status, "class_session", p)
}

// enrol takes the form of the session page.
func (s *Pages) enrol(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	me := web.UserOf(r).ID
	learner, ok := s.learnerFor(r, t, r.PostForm.Get("for"))
	if !ok {
		s.ErrorPage(w, r, http.StatusBadRequest, t)
		return
	}
	q := class.Questions{Phone: r.PostForm.Get("phone"), Borrow: r.PostForm.Get("borrow") == "yes",
		Needs: web.TruncateRunes(r.PostForm.Get("needs"), 2000), AgeBand: r.PostForm.Get("age")}
	e, err := s.Classes.Enrol(r.Context(), web.Actor(r), t.ID, x.ID, learner, q)
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		s.renderSession(w, r, t, x, c, http.StatusUnprocessableEntity, errs, "")
	case errors.Is(err, class.ErrNoLearner):
		s.ErrorPage(w, r, http.StatusBadRequest, t)
	case errors.Is(err, class.ErrAlreadyEnrolled):
		s.renderSession(w, r, t, x, c, http.StatusConflict, nil, "classes.refused.already")
	case errors.Is(err, class.ErrSessionPast):
		s.renderSession(w, r, t, x, c, http.StatusConflict, nil, "classes.refused.past")
	case errors.Is(err, class.ErrSessionCanceled):
		s.renderSession(w, r, t, x, c, http.StatusConflict, nil, "classes.refused.cancelled")
	case err != nil:
		s.ServerError(w, r, err)
	case learner == me:
		s.EnsureResident(r, t)
		web.Redirect(w, r, s.Path("/{tenant}/classes/mine", t.Slug)+"?done="+e.State)
	case isTeacher(r, t) || s.IsStaff(r, t):
		// Staff go on with the next caller, on the same page.
		web.Redirect(w, r, s.Path("/{tenant}/classes/sessions/{id}", t.Slug, string(x.ID))+"?done="+e.State+"_other")
	default: // a family member sees the parent's place among their own
		web.Redirect(w, r, s.Path("/{tenant}/classes/mine", t.Slug)+"?done="+e.State+"_other")
	}
}

// SeatsText says how full a session is: seats left, or how many wait.
func (v sessionView) SeatsText(p *web.Page) string {
	switch {
	case v.Cancelled:
		return p.T("classes.cancelled")
	case v.Full:
		return p.N("classes.waitlist.n", v.Waitlisted)
	}
	return p.N("classes.seats.left", v.SeatsLeft)
}

// sessionICS is the session as a calendar file, for the phone's calendar.
func (s *Pages) sessionICS(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	ev := s.classEvent(t, x, c, web.LangOf(r))
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="class.ics"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write([]byte(ical.Calendar("Serambi", []ical.Event{ev}, s.Clock.Now())))
	s.LogFailure(r, "send a class's calendar file", err)
}

// whoPhoned is the resident staff enrol (someone who phoned or came to
// the counter): found by ?who= (email, phone, NIK or My Number), or the
// "for" of a refused form.
func (s *Pages) whoPhoned(r *http.Request, p *web.Page, staff bool) *web.FamilyPerson {
	if !staff {
		return nil
	}
	if id := r.PostForm.Get("for"); r.Method == http.MethodPost && id != "" {
		u, err := s.Identity.ByID(r.Context(), ids.User(id))
		if err != nil {
			s.LogFailure(r, "read the resident staff enrol", err)
			return nil
		}
		return &web.FamilyPerson{ID: string(u.ID), Name: u.Name}
	}
	q := r.URL.Query().Get("who")
	if q == "" {
		return nil
	}
	p.Form.Set("who", q)
	u, err := s.FindResident(r, q)
	if err != nil {
		p.Errors = append(p.Errors, validation.Problem{Field: "who", Code: "error.assist.resident"})
		return nil
	}
	return &web.FamilyPerson{ID: string(u.ID), Name: u.Name}
}

// learnerFor is whom an enrolment is for: the caller, or (forID) a family
// member who allowed the caller to act for them, or — for staff — anyone
// of the network who phoned or came to the counter. false: the caller may
// not enrol forID (or there is no such account).
func (s *Pages) learnerFor(r *http.Request, t *tenant.Tenant, forID string) (ids.User, bool) {
	me := web.UserOf(r).ID
	if forID == "" || ids.User(forID) == me {
		return me, true
	}
	id := ids.User(forID)
	// Staff may enrol anyone; enrolling someone who does not exist is
	// refused by the enrolment itself (ErrNoLearner), not read first.
	return id, isTeacher(r, t) || s.IsStaff(r, t) || s.Identity.ActsFor(r.Context(), me, id)
}
