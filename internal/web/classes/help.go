package classes

import (
	"errors"
	"net/http"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// Help in the room: the learner's page with one big "help me" button
// (and, once pressed, how many wait before them), and the instructors'
// list of who asked, oldest first, where each takes the next one. Both
// renew themselves with live.js; without script, a link does.

const (
	helpPath    = "/{tenant}/classes/sessions/{id}/help"
	helpersPath = "/{tenant}/classes/sessions/{id}/helpers"
)

// helpEvery is how often the help pages renew themselves, in seconds.
const helpEvery = 5

// helpPage is the learner's "help me" page.
func (s *Pages) helpPage(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	s.renderHelp(w, r, t, x, c, http.StatusOK, "")
}

func (s *Pages) renderHelp(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, x class.Session, c class.Course, status int, refusal string) {
	mine, err := s.Classes.MyHelp(r.Context(), t.ID, x.ID, web.PractiserOf(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "help.title")
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct {
		Session sessionView
		Mine    *class.HelpRequest
		Refusal string
		Every   int
	}{s.courseSessionView(p, x, c), mine, refusal, helpEvery}
	s.Render(w, status, "class_help", p)
}

// askHelp asks for help, or says it is no longer needed.
func (s *Pages) askHelp(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	me := web.PractiserOf(r)
	if r.PostForm.Get("action") == "cancel" {
		mine, err := s.Classes.MyHelp(r.Context(), t.ID, x.ID, me)
		if err == nil && mine != nil {
			err = s.Classes.CloseHelp(r.Context(), t.ID, x.ID, mine.ID)
		}
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		web.Redirect(w, r, s.Path(helpPath, t.Slug, string(x.ID)))
		return
	}
	_, err := s.Classes.AskHelp(r.Context(), t.ID, x.ID, me, s.helpName(r))
	switch {
	case errors.Is(err, class.ErrHelpNotNow):
		s.renderHelp(w, r, t, x, c, http.StatusConflict, "help.refused.not_now")
	case errors.Is(err, class.ErrNotInClass):
		s.renderHelp(w, r, t, x, c, http.StatusForbidden, "help.refused.not_in_class")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(helpPath, t.Slug, string(x.ID)))
	}
}

// helpName is how the helpers will know who asked: the account's name,
// or the name a guest gave.
func (s *Pages) helpName(r *http.Request) string {
	if u := web.UserOf(r); u != nil {
		return u.Name
	}
	if g := web.GuestOf(r); g != nil {
		return g.Name
	}
	return ""
}

// helpRow is one request as the helpers see it.
type helpRow struct {
	ID, Name, Asked string
	Seat            int
	Guest, Taken    bool
	TakenBy         string
}

// helpersSession loads the session of a helpers' page and lets on only
// those who may help there (the route's rule: teachers, or a supporter on
// the session).
func (s *Pages) helpersSession(w http.ResponseWriter, r *http.Request, form bool) (*tenant.Tenant, class.Session, class.Course, bool) {
	t, x, c, ok := s.tenantSession(w, r, form)
	if !ok {
		return nil, x, c, false
	}
	may, err := s.mayHelp(r, t, x.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return nil, x, c, false
	}
	if !may {
		s.Deny(w, r, t)
		return nil, x, c, false
	}
	return t, x, c, true
}

// helpersPage lists who asked for help, oldest first.
func (s *Pages) helpersPage(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.helpersSession(w, r, false)
	if !ok {
		return
	}
	queue, err := s.Classes.HelpQueue(r.Context(), t.ID, x.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "help.helpers.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	var rows []helpRow
	waiting := 0
	for _, h := range queue {
		row := helpRow{ID: h.ID, Name: h.Name, Asked: p.Clock(h.AskedAt), Seat: h.Seat, Guest: h.GuestID != "", Taken: h.TakenAt != nil}
		if h.TakenAt != nil {
			helper, err := s.Identity.ByID(r.Context(), h.TakenBy)
			s.LogFailure(r, "read who is helping", err)
			row.TakenBy = helper.Name
		} else {
			waiting++
		}
		rows = append(rows, row)
	}
	p.Data = struct {
		Session sessionView
		Rows    []helpRow
		Waiting int
		Every   int
	}{s.courseSessionView(p, x, c), rows, waiting, helpEvery}
	s.Render(w, http.StatusOK, "class_helpers", p)
}

// helpersAct takes the next request, or closes one that was helped.
func (s *Pages) helpersAct(w http.ResponseWriter, r *http.Request) {
	t, x, _, ok := s.helpersSession(w, r, true)
	if !ok {
		return
	}
	back := s.Path(helpersPath, t.Slug, string(x.ID))
	var err error
	if id := r.PostForm.Get("done"); id != "" {
		err = s.Classes.CloseHelp(r.Context(), t.ID, x.ID, id)
	} else {
		_, err = s.Classes.TakeNextHelp(r.Context(), t.ID, x.ID, web.UserOf(r).ID)
		if errors.Is(err, class.ErrNoHelpWanted) {
			back, err = back+"?done=no_help_waiting", nil
		}
	}
	switch {
	case errors.Is(err, class.ErrNotFound):
		s.NotFound(w, r)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, back)
	}
}
