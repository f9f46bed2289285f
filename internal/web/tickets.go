package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// A number in the virtual queue as its pages show it: the phone's ticket
// page (the counters area) and the kiosk's (the kiosks area) share these.

// TicketInfo is a number's place in its line, as pages and the API show it.
type TicketInfo struct {
	ID       string `json:"id"`
	Number   int    `json:"number"`
	Label    string `json:"label"`
	Status   string `json:"status"`
	Position int    `json:"position"`
	Wait     int    `json:"estimated_wait_seconds"`
	Counter  string `json:"counter"`
	// Call is the address of the video call an officer opened for the
	// ticket, while it is open.
	Call string `json:"call,omitempty"`
}

func (s *Server) TicketStatus(r *http.Request, t *tenant.Tenant, id string) (TicketInfo, error) {
	tk, err := s.Queue.Get(r.Context(), t.ID, ids.Ticket(id))
	if err != nil {
		return TicketInfo{}, err
	}
	pos, wait, err := s.Queue.Position(r.Context(), t.ID, ids.Ticket(id))
	if err != nil {
		return TicketInfo{}, err
	}
	return s.describeTicket(r, t, tk.Brief(), pos, wait), nil
}

// TicketStatusAt is TicketInfo for a live page that knows the counter:
// it reads the counter's shared queue snapshot, so thousands of watchers
// cost one ordering of the queue per change, not one each.
func (s *Server) TicketStatusAt(r *http.Request, t *tenant.Tenant, counterID ids.Counter, id string) (TicketInfo, error) {
	tk, pos, wait, err := s.Queue.StatusAt(r.Context(), t.ID, counterID, ids.Ticket(id))
	if err != nil {
		return TicketInfo{}, err
	}
	return s.describeTicket(r, t, tk, pos, wait), nil
}

func (s *Server) describeTicket(r *http.Request, t *tenant.Tenant, tk queue.Brief, pos, wait int) TicketInfo {
	ts := TicketInfo{ID: string(tk.ID), Number: tk.Number, Label: tk.Label, Status: tk.Status, Position: pos, Wait: wait, Counter: string(tk.CounterID)}
	if tk.Status == queue.Called || tk.Status == queue.Serving {
		c, err := s.Calls.OpenFor(r.Context(), t.ID, call.Subject{TicketID: tk.ID})
		switch {
		case err == nil:
			ts.Call = s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID)) + "?ticket=" + string(tk.ID)
		case !errors.Is(err, call.ErrNotFound):
			// The number's place still shows; only the call's link is
			// missing until the next update.
			s.LogFailure(r, "find the video call of a ticket", err)
		}
	}
	return ts
}

// TakingAllowed refuses a number while the counter is closed, saying when
// it opens, unless the tenant lets people queue for the next opening
// (tenant.QueueWhileClosed). A number never served that day, shown as
// "about 10 minutes", was the trial's Saturday surprise.
func (s *Server) TakingAllowed(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, counterID ids.Counter) bool {
	if t.QueueWhileClosed {
		return true
	}
	open, next, err := s.Counters.OpenAt(r.Context(), *t, counterID, s.Clock.Now())
	if err != nil {
		s.ServerError(w, r, err)
		return false
	}
	if open {
		return true
	}
	p := s.NewPage(r, "ticket.title")
	p.Tenant = t
	msg := ClosedRefusal(p, next)
	if IsAPI(r) {
		s.Problem(w, r, http.StatusConflict, "closed_now", "error.queue.closed_now", msg)
		return false
	}
	p.Errors = validation.Errors{{Field: "queue", Code: "error.queue.closed_now", Args: []any{msg}}}
	s.Render(w, http.StatusConflict, "ticket", p)
	return false
}

// ClosedRefusal says a closed counter gives no numbers now, and when it
// opens again.
func ClosedRefusal(p *Page, next time.Time) string {
	if next.IsZero() {
		return p.T("ticket.closed")
	}
	return p.T("counter.closed_refuse", p.DateTime(next))
}

// QueueError answers a refusal of the queue in the user's language.
func (s *Server) QueueError(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, err error) {
	code := queue.Code(err)
	switch {
	case code == "":
		s.ServerError(w, r, err)
	case errors.Is(err, queue.ErrNotFound):
		s.NotFound(w, r)
	case IsAPI(r):
		status := http.StatusConflict
		if errors.Is(err, queue.ErrBadPriority) || errors.Is(err, queue.ErrBadSource) {
			s.Invalid(w, r, validation.Errors{{Field: "priority", Code: code}})
			return
		}
		s.Problem(w, r, status, code[len("error.queue."):], code)
	default:
		p := s.NewPage(r, "ticket.title")
		p.Tenant = t
		p.Errors = validation.Errors{{Field: "queue", Code: code}}
		s.Render(w, http.StatusConflict, "ticket", p)
	}
}

// TicketPageView is what a ticket page (phone or kiosk) shows.
type TicketPageView struct {
	Ticket TicketInfo
	Events string
	Ahead  string // "2 people ahead of you." / "You are next."
	Wait   string // the estimate, "in a moment", or when the closed counter opens
	Cancel string // where a visitor gives up the number
}

// TicketView words the ticket's place in the line for people: plural
// forms, no "about 0 minutes", and, while the counter is closed, when it
// opens instead of a wait that would never end.
func (s *Server) TicketView(r *http.Request, p *Page, t *tenant.Tenant, ts TicketInfo) (TicketPageView, error) {
	counterID := ts.Counter
	c, err := s.Counters.Get(r.Context(), t.ID, ids.Counter(counterID))
	if err != nil {
		return TicketPageView{}, fmt.Errorf("web: ticket %s: read its counter: %w", ts.ID, err)
	}
	ts.Counter = c.Name(p.Lang())
	v := TicketPageView{Ticket: ts, Events: s.Path("/{tenant}/tickets/{id}/events", t.Slug, ts.ID), Cancel: s.Path("/{tenant}/tickets/{id}/cancel", t.Slug, ts.ID)}
	if ts.Status != queue.Waiting {
		return v, nil
	}
	v.Ahead = p.T("ticket.next")
	if ts.Position > 0 {
		v.Ahead = p.N("ticket.ahead", ts.Position)
	}
	open, next, err := s.Counters.OpenAt(r.Context(), *t, ids.Counter(counterID), s.Clock.Now())
	if err != nil {
		return v, err
	}
	minutes := (ts.Wait + 59) / 60
	switch {
	case !open && next.IsZero():
		v.Wait = p.T("ticket.closed")
	case !open:
		v.Wait = p.T("ticket.closed_until", p.DateTime(next))
	case ts.Position == 0 || minutes <= 1:
		v.Wait = p.T("ticket.wait.soon")
	default:
		v.Wait = p.N("ticket.wait", minutes)
	}
	return v, nil
}

// LoadCounter resolves {id} in t.
func (s *Server) LoadCounter(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) (*counter.Counter, bool) {
	c, err := s.Counters.Get(r.Context(), t.ID, ids.Counter(r.PathValue("id")))
	if errors.Is(err, counter.ErrNotFound) || (err == nil && !c.Active && !s.IsStaff(r, t)) {
		s.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	return &c, true
}
