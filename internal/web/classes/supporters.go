package classes

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Digital supporters: a resident offers to volunteer and, once approved,
// sees the classes they help in, the list of who needs help there, and
// logs the time they gave; instructors record training and put people on
// sessions; admins approve and see the hours.

const (
	volunteerPath  = "/{tenant}/classes/volunteer"
	supportersPath = "/{tenant}/classes/supporters"
)

// assignmentView is one session a volunteer or instructor is on.
type assignmentView struct {
	SessionID, Course, When, Role string
	Started                       bool
	Minutes                       int
}

// volunteerPage: the application form, or the volunteer's status and
// sessions.
func (s *Pages) volunteerPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	s.renderVolunteer(w, r, t, s.NewPage(r, "supporter.title"), http.StatusOK)
}

func (s *Pages) renderVolunteer(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, p *web.Page, status int) {
	u := web.UserOf(r)
	sup, err := s.Classes.Supporter(r.Context(), t.ID, u.ID)
	var me *class.Supporter
	switch {
	case err == nil:
		me = &sup
	case !errors.Is(err, class.ErrNotFound):
		s.ServerError(w, r, err)
		return
	}
	sessions, err := s.assignmentViews(r, p, t, u.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	p.Data = struct {
		Me       *class.Supporter
		Sessions []assignmentView
	}{me, sessions}
	s.Render(w, status, "class_volunteer", p)
}

// assignmentViews lists the sessions userID is on, soonest first.
func (s *Pages) assignmentViews(r *http.Request, p *web.Page, t *tenant.Tenant, userID ids.User) ([]assignmentView, error) {
	as, err := s.Classes.AssignmentsOf(r.Context(), t.ID, userID)
	if err != nil {
		return nil, err
	}
	var out []assignmentView
	now := s.Clock.Now()
	for _, a := range as {
		x, err := s.Classes.Session(r.Context(), t.ID, a.SessionID)
		if err != nil {
			return nil, err
		}
		c, err := s.Classes.Course(r.Context(), t.ID, x.CourseID)
		if err != nil {
			return nil, err
		}
		out = append(out, assignmentView{SessionID: string(x.ID), Course: c.Title.In(p.Lang()), When: p.DateTime(x.StartsAt),
			Role: a.Role, Started: !now.Before(x.StartsAt), Minutes: a.Minutes})
	}
	slices.SortFunc(out, func(a, b assignmentView) int { return strings.Compare(a.When, b.When) })
	return out, nil
}

// volunteer records the application.
func (s *Pages) volunteer(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	u := web.UserOf(r)
	p := s.NewPage(r, "supporter.title")
	if r.PostForm.Get("agree") != "yes" {
		p.Form, p.Errors = r.PostForm, validation.Errors{{Field: "agree", Code: "supporter.agree.required"}}
		s.renderVolunteer(w, r, t, p, http.StatusUnprocessableEntity)
		return
	}
	err := s.Classes.ApplySupporter(r.Context(), web.Actor(r), t.ID, u.ID, web.TruncateRunes(r.PostForm.Get("motivation"), 2000))
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		p.Form, p.Errors = r.PostForm, errs
		s.renderVolunteer(w, r, t, p, http.StatusUnprocessableEntity)
	case errors.Is(err, class.ErrAlreadyApplied):
		web.Redirect(w, r, s.Path(volunteerPath, t.Slug))
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(volunteerPath, t.Slug)+"?done=volunteer_applied")
	}
}

// logHours records the minutes the signed-in person gave to a session
// they are on.
func (s *Pages) logHours(w http.ResponseWriter, r *http.Request) {
	t, x, _, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	u := web.UserOf(r)
	minutes, convErr := strconv.Atoi(strings.TrimSpace(validation.Narrow(r.PostForm.Get("minutes-" + string(x.ID)))))
	err := s.Classes.LogHours(r.Context(), web.Actor(r), t.ID, x.ID, u.ID, minutes)
	var errs validation.Errors
	p := s.NewPage(r, "supporter.title")
	switch {
	case convErr != nil || errors.As(err, &errs):
		p.Form, p.Errors = r.PostForm, validation.Errors{{Field: "minutes-" + string(x.ID), Code: "error.field.range", Args: []any{"1", "720"}}}
		s.renderVolunteer(w, r, t, p, http.StatusUnprocessableEntity)
	case errors.Is(err, class.ErrNotAssigned):
		s.Deny(w, r, t)
	case errors.Is(err, class.ErrHoursTooEarly):
		p.Form, p.Errors = r.PostForm, validation.Errors{{Field: "minutes-" + string(x.ID), Code: "supporter.hours.too_early"}}
		s.renderVolunteer(w, r, t, p, http.StatusConflict)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(volunteerPath, t.Slug)+"?done=hours_logged")
	}
}

// supporterRow is one volunteer on the staff's list.
type supporterRow struct {
	ID, Name, Status, Motivation, Applied string
	Training                              []string
	Minutes                               int
}

// supportersPage lists the volunteers (those applying first) with their
// training and this month's hours.
func (s *Pages) supportersPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	s.renderSupporters(w, r, t, s.NewPage(r, "supporter.list.title"), http.StatusOK)
}

func (s *Pages) renderSupporters(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, p *web.Page, status int) {
	list, err := s.Classes.Supporters(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	month := s.monthOf(r, t)
	hours, err := s.Classes.HoursIn(r.Context(), t.ID, month, month.AddDate(0, 1, 0))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	minutes := map[ids.User]int{}
	for _, h := range hours {
		minutes[h.UserID] = h.Minutes
	}
	var rows []supporterRow
	for _, x := range list {
		u, err := s.Identity.ByID(r.Context(), x.UserID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		row := supporterRow{ID: string(x.UserID), Name: u.Name, Status: x.Status, Motivation: x.Motivation,
			Applied: p.Date(x.AppliedAt), Minutes: minutes[x.UserID]}
		for _, tr := range x.Training {
			row.Training = append(row.Training, tr.Topic+" ("+p.Date(tr.RecordedAt)+")")
		}
		rows = append(rows, row)
	}
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	p.Data = struct {
		Rows      []supporterRow
		Month     string
		CanDecide bool
	}{rows, p.T("classes.figures.month", month.Year(), int(month.Month())), web.HasRole(r, t.ID, identity.Admin) || web.UserOf(r).Coordinator}
	s.Render(w, status, "class_supporters", p)
}

// decideSupporter approves or declines a volunteer (admins).
func (s *Pages) decideSupporter(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Classes.DecideSupporter(r.Context(), web.Actor(r), t.ID, ids.User(r.PathValue("user")), r.PostForm.Get("approve") == "yes")
	s.afterSupporterChange(w, r, t, err)
}

// recordTraining adds training a volunteer completed.
func (s *Pages) recordTraining(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Classes.RecordTraining(r.Context(), web.Actor(r), t.ID, ids.User(r.PathValue("user")), r.PostForm.Get("topic-"+r.PathValue("user")))
	var errs validation.Errors
	if errors.As(err, &errs) {
		p := s.NewPage(r, "supporter.list.title")
		p.Form, p.Errors = r.PostForm, validation.Errors{{Field: "topic-" + r.PathValue("user"), Code: errs[0].Code, Args: errs[0].Args}}
		s.renderSupporters(w, r, t, p, http.StatusUnprocessableEntity)
		return
	}
	s.afterSupporterChange(w, r, t, err)
}

func (s *Pages) afterSupporterChange(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, err error) {
	switch {
	case errors.Is(err, class.ErrNotFound):
		s.NotFound(w, r)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(supportersPath, t.Slug)+"?done=saved#s-"+r.PathValue("user"))
	}
}

// assign puts an instructor or approved supporter on the session, or
// takes them off.
func (s *Pages) assign(w http.ResponseWriter, r *http.Request) {
	t, x, _, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	who := ids.User(r.PostForm.Get("user"))
	var err error
	if r.PostForm.Get("remove") == "yes" {
		err = s.Classes.Unassign(r.Context(), web.Actor(r), t.ID, x.ID, who)
	} else {
		role := class.AssignedSupporter
		if roles, rerr := s.Identity.Roles(r.Context(), t.ID, who); rerr != nil {
			err = rerr
		} else if slices.Contains(roles, identity.Instructor) || slices.Contains(roles, identity.Admin) {
			role = class.AssignedInstructor
		}
		if err == nil {
			err = s.Classes.Assign(r.Context(), web.Actor(r), t.ID, x.ID, who, role)
		}
	}
	back := s.Path("/{tenant}/classes/sessions/{id}/roster", t.Slug, string(x.ID))
	switch {
	case errors.Is(err, class.ErrNotSupporter), errors.Is(err, class.ErrNotAssigned):
		web.Redirect(w, r, back+"?done=not_assignable#team")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, back+"?done=saved#team")
	}
}

// teamView is who is on a session, and whom one could add.
type teamView struct {
	On        []teamMember
	Available []teamMember
}

type teamMember struct {
	ID, Name, Role string
}

// team reads the session's instructors and supporters, and the
// instructors and approved supporters who could be added.
func (s *Pages) team(r *http.Request, t *tenant.Tenant, sessionID ids.ClassSession) (teamView, error) {
	var v teamView
	on, err := s.Classes.Assigned(r.Context(), t.ID, sessionID)
	if err != nil {
		return v, err
	}
	taken := map[ids.User]bool{}
	for _, a := range on {
		u, err := s.Identity.ByID(r.Context(), a.UserID)
		if err != nil {
			return v, err
		}
		taken[a.UserID] = true
		v.On = append(v.On, teamMember{string(a.UserID), u.Name, a.Role})
	}
	staff, err := s.Identity.Staff(r.Context(), t.ID)
	if err != nil {
		return v, err
	}
	for _, m := range staff {
		if !taken[m.User.ID] && slices.Contains(m.Roles, identity.Instructor) {
			v.Available = append(v.Available, teamMember{string(m.User.ID), m.User.Name, class.AssignedInstructor})
		}
	}
	sups, err := s.Classes.Supporters(r.Context(), t.ID)
	if err != nil {
		return v, err
	}
	for _, x := range sups {
		if x.Status == class.SupporterApproved && !taken[x.UserID] {
			u, err := s.Identity.ByID(r.Context(), x.UserID)
			if err != nil {
				return v, err
			}
			v.Available = append(v.Available, teamMember{string(x.UserID), u.Name, class.AssignedSupporter})
		}
	}
	return v, nil
}

// mayHelp: the session's helpers' list is for the tenant's instructors
// and admins (and the coordinator) and the supporters on the session.
func (s *Pages) mayHelp(r *http.Request, t *tenant.Tenant, sessionID ids.ClassSession) (bool, error) {
	if isTeacher(r, t) {
		return true, nil
	}
	u := web.UserOf(r)
	if u == nil {
		return false, nil
	}
	return s.Classes.IsAssigned(r.Context(), t.ID, sessionID, u.ID)
}
