package applications

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/web"
)

type inboxPage struct {
	Rows   []web.ListRow
	States []stateOption
}

type stateOption struct{ Value, Label string }

// inbox is the officer's work list: by state, mine or unassigned, due soon
// or overdue, and found by tracking number or name.
func (s *Pages) inbox(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := application.InboxFilter{State: q.Get("state"), Assigned: q.Get("assigned"), Due: q.Get("due"), Tracking: q.Get("q")}
	if name := q.Get("q"); name != "" && !looksLikeTracking(name) {
		f.Tracking = ""
		ids, err := s.Identity.NamesLike(r.Context(), web.TruncateRunes(name, 60), 200)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		f.ApplicantIDs = ids
	}
	apps, err := s.Apps.Inbox(r.Context(), t.ID, string(web.UserOf(r).ID), f)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "inbox.title")
	p.Tenant = t
	for _, k := range []string{"state", "assigned", "due", "q"} {
		p.Form.Set(k, q.Get(k))
	}
	rows, err := s.ListRows(r.Context(), p, t, apps)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for i, a := range apps {
		if u, err := s.Identity.ByID(r.Context(), a.ApplicantID); err == nil {
			rows[i].Applicant = u.Name
		}
	}
	p.Data = inboxPage{Rows: rows, States: s.inboxStates(p)}
	s.Render(w, http.StatusOK, "inbox", p)
}

// inboxStates are the open states of the standard workflow, for the filter.
func (s *Pages) inboxStates(p *web.Page) []stateOption {
	var out []stateOption
	for _, name := range []string{"submitted", "in_review", "sent_back"} {
		out = append(out, stateOption{name, p.T("state." + name)})
	}
	return out
}

func looksLikeTracking(q string) bool {
	digits := 0
	for _, r := range q {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 3
}

// assign gives the application to the caller ("me") or to nobody.
func (s *Pages) assign(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	to := ""
	if r.PostForm.Get("to") == "me" {
		to = string(web.UserOf(r).ID)
	} else if id := r.PostForm.Get("to"); id != "" {
		roles, err := s.Identity.Roles(r.Context(), ac.T.ID, ids.User(id))
		if err != nil || !hasStaffRole(roles) {
			s.ErrorPage(w, r, http.StatusBadRequest, ac.T)
			return
		}
		to = id
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	_, err := s.Apps.Assign(r.Context(), ac.caller(r), ac.T.ID, ac.App.ID, version, ids.User(to))
	if errors.Is(err, application.ErrConflict) || errors.Is(err, application.ErrNotAssignable) {
		web.Redirect(w, r, appURL(ac)+"?changed=1")
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, appURL(ac)+"?done=saved")
}

func hasStaffRole(roles []identity.Role) bool {
	for _, r := range roles {
		if r == identity.Officer || r == identity.Admin {
			return true
		}
	}
	return false
}
