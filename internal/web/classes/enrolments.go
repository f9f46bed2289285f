package classes

import (
	"errors"
	"net/http"
	"slices"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// enrolmentView is one place in a class, as its learner (or the family
// member who enrolled them) sees it.
type enrolmentView struct {
	ID, SessionID, Course, When, Venue string
	Online                             bool
	State                              string
	Seat, Ahead                        int
	For                                string // the learner's name when enrolled for someone else
	Upcoming                           bool
	Cancelled                          bool // the class was called off
}

func (s *Pages) enrolmentView(r *http.Request, p *web.Page, t *tenant.Tenant, e class.Enrolment, x class.Session, course string) enrolmentView {
	v := enrolmentView{ID: string(e.ID), SessionID: string(x.ID), Course: course, When: p.DateTime(x.StartsAt),
		Venue: x.VenueName, Online: x.Online, State: e.State, Seat: e.Seat,
		Upcoming: s.Clock.Now().Before(x.StartsAt) && !x.Cancelled, Cancelled: x.Cancelled}
	if e.State == class.Waitlisted {
		v.Ahead = s.ahead(r, t, e)
	}
	if u := p.User(); u != nil && e.LearnerID != u.ID {
		l, err := s.Identity.ByID(r.Context(), e.LearnerID)
		s.LogFailure(r, "read the learner enrolled by someone else", err)
		v.For = l.Name
	}
	return v
}

// ahead counts who waits before e on its session's list.
func (s *Pages) ahead(r *http.Request, t *tenant.Tenant, e class.Enrolment) int {
	roster, err := s.Classes.Roster(r.Context(), t.ID, e.SessionID)
	if err != nil {
		s.LogFailure(r, "count who waits before a learner", err)
		return 0
	}
	n := 0
	for _, o := range roster {
		if o.State == class.Waitlisted && o.Position < e.Position {
			n++
		}
	}
	return n
}

// myClasses lists the user's places in classes (and those they took for
// a parent): upcoming first.
func (s *Pages) myClasses(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	es, err := s.Classes.LearnerEnrolments(r.Context(), t.ID, web.UserOf(r).ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "classes.mine.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	titles := map[ids.Course]string{}
	var list []enrolmentView
	for _, e := range es {
		if e.State == class.Cancelled {
			continue
		}
		x, err := s.Classes.Session(r.Context(), t.ID, e.SessionID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if _, ok := titles[x.CourseID]; !ok {
			c, err := s.Classes.Course(r.Context(), t.ID, x.CourseID)
			if err != nil {
				s.ServerError(w, r, err)
				return
			}
			titles[x.CourseID] = c.Title.In(p.Lang())
		}
		list = append(list, s.enrolmentView(r, p, t, e, x, titles[x.CourseID]))
	}
	slices.SortStableFunc(list, func(a, b enrolmentView) int {
		switch {
		case a.Upcoming == b.Upcoming:
			return 0
		case a.Upcoming:
			return -1
		}
		return 1
	})
	p.Data = struct {
		List []enrolmentView
		Feed string
	}{list, s.classesFeedURL(web.UserOf(r).ID)}
	s.Render(w, http.StatusOK, "class_mine", p)
}

// loadEnrolment reads the enrolment of the path for one of the parties
// its route declares: a teacher, and (learners) the learner or whoever
// enrolled them. Anyone else is told it does not exist.
func (s *Pages) loadEnrolment(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, learners bool) (class.Enrolment, bool) {
	e, err := s.Classes.Enrolment(r.Context(), t.ID, ids.Enrolment(r.PathValue("id")))
	u := web.UserOf(r)
	party := u != nil && (isTeacher(r, t) || learners && (e.LearnerID == u.ID || e.EnrolledBy == u.ID))
	if errors.Is(err, class.ErrNotFound) || (err == nil && !party) {
		s.NotFound(w, r)
		return class.Enrolment{}, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return class.Enrolment{}, false
	}
	return e, true
}

// cancel gives a place up, after asking; a freed seat goes to the first
// on the waitlist.
func (s *Pages) cancel(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	e, ok := s.loadEnrolment(w, r, t, true)
	if !ok {
		return
	}
	back := s.Path("/{tenant}/classes/mine", t.Slug)
	if e.State == class.Cancelled {
		web.Redirect(w, r, back)
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		x, err := s.Classes.Session(r.Context(), t.ID, e.SessionID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		p := s.NewPage(r, "confirm.class.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = web.ConfirmView{Question: p.T("confirm.class.title"), Explain: p.T("confirm.class.explain", p.DateTime(x.StartsAt)),
			Yes: p.T("confirm.class.yes"), No: p.T("confirm.class.no"),
			Action: s.Path("/{tenant}/classes/enrolments/{id}/cancel", t.Slug, string(e.ID)), Back: back}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	_, err := s.Classes.Cancel(r.Context(), web.Actor(r), t.ID, e.ID)
	switch {
	case errors.Is(err, class.ErrNotEnrolled):
		web.Redirect(w, r, back)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, back+"?done=class_cancelled")
	}
}
