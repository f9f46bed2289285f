package calls

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/kiosk"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Video calls at the remote counter. An officer opens the call of a ticket
// they called or of an appointment; the resident joins from their ticket
// page or appointment list; a helper joins through a one-time link. The
// page runs call.js (the one page that needs JavaScript), which talks to
// the others through the signalling socket (call_socket.go).

// passCookie holds a helper's pass into one call.
const passCookie = "serambi_call_pass"

// callWho is how the request takes part in a call.
type callWho struct {
	role string // call.RoleOfficer, RoleResident, RoleHelper
	key  string // one per person: a reconnect replaces the old connection
	name string
}

// callAccess tells whether the request may take part in c, and as whom.
// Staff serving the counter join as officers; the resident by account, or
// for an anonymous ticket (a kiosk, a walk-in) by knowing the ticket's
// ID, the same capability that shows the ticket page; a helper by pass.
func (s *Pages) callAccess(r *http.Request, t *tenant.Tenant, c call.Call) (callWho, bool) {
	if u := web.UserOf(r); u != nil {
		if s.ServesCounter(r, t, c, u) {
			return callWho{call.RoleOfficer, string("u:" + u.ID), u.Name}, true
		}
		if c.ResidentID != "" && u.ID == c.ResidentID {
			return callWho{call.RoleResident, string("u:" + u.ID), u.Name}, true
		}
		// A family member the resident allowed joins as their helper.
		if c.ResidentID != "" && s.Identity.ActsFor(r.Context(), u.ID, c.ResidentID) {
			return callWho{call.RoleHelper, string("u:" + u.ID), u.Name}, true
		}
	}
	if tk := r.URL.Query().Get("ticket"); c.TicketID != "" && ids.Ticket(tk) == c.TicketID {
		return callWho{call.RoleResident, "t:" + tk, ""}, true
	}
	if ck, err := r.Cookie(passCookie); err == nil && s.Calls.CheckPass(r.Context(), c.ID, ck.Value) {
		id, _, _ := strings.Cut(ck.Value, ".")
		return callWho{call.RoleHelper, "p:" + id, ""}, true
	}
	return callWho{}, false
}

// loadCall finds the call of the path and checks the request takes part;
// it answers 404, sign-in or 403 itself.
func (s *Pages) loadCall(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, call.Call, callWho, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, call.Call{}, callWho{}, false
	}
	c, err := s.Calls.Get(r.Context(), t.ID, ids.Call(r.PathValue("id")))
	if errors.Is(err, call.ErrNotFound) {
		s.NotFound(w, r)
		return nil, call.Call{}, callWho{}, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, call.Call{}, callWho{}, false
	}
	who, ok := s.callAccess(r, t, c)
	if !ok {
		if web.UserOf(r) == nil {
			s.RequireUser(w, r)
		} else {
			s.Deny(w, r, t)
		}
		return nil, call.Call{}, callWho{}, false
	}
	return t, c, who, true
}

// callPath is the call page's address for who (an anonymous resident
// carries their ticket).
func callPath(t *tenant.Tenant, c call.Call, who callWho) string {
	p := web.PathOf("/{tenant}/calls/{id}", t.Slug, string(c.ID))
	if who.key == "t:"+string(c.TicketID) {
		p += "?ticket=" + string(c.TicketID)
	}
	return p
}

// startTicketCall: the officer opens (or rejoins) the call of a ticket
// they called.
func (s *Pages) startTicketCall(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	tk, err := s.Queue.Get(r.Context(), t.ID, ids.Ticket(r.PathValue("id")))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	if !s.ServesCounter(r, t, call.Call{CounterID: tk.CounterID}, web.UserOf(r)) {
		s.Deny(w, r, t)
		return
	}
	c, err := s.Flows().StartTicketCall(r.Context(), web.Actor(r), t.ID, tk.ID)
	switch {
	case errors.Is(err, queue.ErrNotCalled):
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=call_not_called")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID)))
	}
}

// startAppointmentCall: the officer opens (or rejoins) the call of one of
// today's appointments.
func (s *Pages) startAppointmentCall(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	a, err := s.Counters.Appointment(r.Context(), t.ID, r.PathValue("id"))
	if errors.Is(err, counter.ErrNotFound) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !s.ServesCounter(r, t, call.Call{CounterID: a.CounterID}, web.UserOf(r)) {
		s.Deny(w, r, t)
		return
	}
	c, err := s.Flows().StartAppointmentCall(r.Context(), web.Actor(r), t.ID, a.ID)
	switch {
	case errors.Is(err, flow.ErrNotBooked):
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug))
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID)))
	}
}

// callView is what the call page needs.
type callView struct {
	Call   call.Call
	Role   string
	Socket string // the signalling socket's path
	Self   string // this page's path (keeps the ticket)
	Query  string // Self's query, for the page's other addresses
	// Requirements (JSON) of the application already linked to the call,
	// for the officer's "add this picture" choice.
	Requirements string
	Counter      string
	Resident     string
	// Applications of the resident here, for the officer to look up
	// while they talk (newest first, at most 10).
	Applications []web.ListRow
}

func (s *Pages) callPage(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok {
		return
	}
	if c.Status != call.Open {
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}/done", t.Slug, string(c.ID))+queryOf(callPath(t, c, who)))
		return
	}
	p := s.NewPage(r, "call.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	self := callPath(t, c, who)
	v := callView{Call: c, Role: who.role, Self: self, Query: queryOf(self),
		Socket: s.Path("/{tenant}/calls/{id}/socket", t.Slug, string(c.ID)) + queryOf(self)}
	s.describeCall(r, p, t, c, who, &v)
	p.Kiosk = s.atKiosk(r, t)
	if who.role == call.RoleOfficer && c.ApplicationID != "" {
		if a, err := s.Apps.Get(r.Context(), t.ID, c.ApplicationID); err == nil && a.TrackingNumber == "" {
			if svc, err := s.Services.ByID(r.Context(), t.ID, a.ServiceID); err == nil {
				b, _ := json.Marshal(web.RequirementOptions(svc))
				v.Requirements = string(b)
			}
		}
	}
	p.Data = v
	// The one page that may use the camera and microphone (every other
	// page forbids them); still only for this origin, never for frames.
	w.Header().Set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()")
	s.Render(w, http.StatusOK, "call", p)
}

// sep is what joins another query parameter onto path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// queryOf is path's query with its "?", or "".
func queryOf(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		return path[i:]
	}
	return ""
}

// endCall: the officer ends the call with notes on the session.
func (s *Pages) endCall(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if who.role != call.RoleOfficer {
		s.Deny(w, r, t)
		return
	}
	_, err := s.Flows().EndCall(r.Context(), web.Actor(r), t.ID, c.ID, r.PostForm.Get("notes"))
	switch {
	case errors.Is(err, call.ErrNotes):
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID))+"?done=notes_too_long")
	case err != nil && !errors.Is(err, call.ErrEnded):
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=call_ended")
	}
}

// callDone is the page after the call: the resident answers one question,
// how satisfied they are; the others are thanked.
func (s *Pages) callDone(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok {
		return
	}
	s.renderCallDone(w, r, t, c, who, http.StatusOK, nil)
}

// callDoneView is what the page after a call shows.
type callDoneView struct {
	Call       call.Call
	Ask        bool
	Self, Rate string
	Scores     []int
	Minutes    int
	Survey     string // the satisfaction survey about this call, asked instead of the one question
}

func (s *Pages) renderCallDone(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c call.Call, who callWho,
	status int, errs validation.Errors) {
	p := s.NewPage(r, "call.done.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	p.Errors = errs
	if s.atKiosk(r, t) {
		p.Kiosk, p.KioskIdle = true, web.KioskDoneIdle
	}
	self := callPath(t, c, who)
	p.Data = callDoneView{Call: c, Self: self, Rate: s.Path("/{tenant}/calls/{id}/rating", t.Slug, string(c.ID)) + queryOf(self),
		Ask:    who.role == call.RoleResident && c.Status == call.Ended && c.Satisfaction == 0,
		Scores: []int{4, 3, 2, 1}, Minutes: int(c.Duration.Minutes() + 0.5)}
	// The resident is asked the survey instead of the one question; at a
	// kiosk its pages keep the kiosk's reset, so a visitor who walks away
	// leaves nothing on the screen.
	if who.role == call.RoleResident && c.Status == call.Ended {
		link, err := s.Flows().SurveyLink(r.Context(), *t, c)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		view := p.Data.(callDoneView)
		view.Survey, view.Ask = link, view.Ask && link == ""
		p.Data = view
	}
	s.Render(w, status, "call_done", p)
}

func (s *Pages) rateCall(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if who.role != call.RoleResident {
		s.Deny(w, r, t)
		return
	}
	score, _ := strconv.Atoi(r.PostForm.Get("score"))
	err := s.Calls.Rate(r.Context(), web.Actor(r), t.ID, c.ID, score)
	self := callPath(t, c, who)
	switch {
	case errors.Is(err, call.ErrRating):
		s.renderCallDone(w, r, t, c, who, http.StatusUnprocessableEntity,
			validation.Errors{{Field: "score", Code: "error.call.score"}})
	case errors.Is(err, call.ErrRated), errors.Is(err, call.ErrNotEnded), err == nil:
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}/done", t.Slug, string(c.ID))+queryOf(self)+sep(self)+"done=thanks")
	default:
		s.ServerError(w, r, err)
	}
}

// describeCall adds what the call page says around the video: the
// counter's name and, for the officer, the resident and their latest
// applications. A failed read leaves that part out (the call goes on)
// and is logged.
func (s *Pages) describeCall(r *http.Request, p *web.Page, t *tenant.Tenant, c call.Call, who callWho, v *callView) {
	ctx := r.Context()
	if cn, err := s.Counters.Get(ctx, t.ID, c.CounterID); err != nil {
		s.LogFailure(r, "read the counter of a call", err)
	} else {
		v.Counter = cn.Name(p.Lang())
	}
	if c.ResidentID == "" || who.role != call.RoleOfficer {
		return
	}
	if u, err := s.Identity.ByID(ctx, c.ResidentID); err != nil {
		s.LogFailure(r, "read the resident of a call", err)
	} else {
		v.Resident = u.Name
	}
	apps, err := s.Apps.Mine(ctx, t.ID, c.ResidentID)
	if err == nil {
		v.Applications, err = s.ListRows(ctx, p, t, apps[:min(len(apps), 10)])
	}
	if err != nil {
		s.LogFailure(r, "list the applications of a call's resident", err)
	}
}

// atKiosk tells whether the request comes from a registered kiosk of t
// (its pages then reset themselves); a failed look-up is logged and taken
// as "not a kiosk".
func (s *Pages) atKiosk(r *http.Request, t *tenant.Tenant) bool {
	_, err := s.KioskOf(r, t)
	if err != nil && !errors.Is(err, kiosk.ErrNotFound) {
		s.LogFailure(r, "look up the kiosk of a call page", err)
	}
	return err == nil
}
