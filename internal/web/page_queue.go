package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// The virtual queue: take a number from the web (or a QR code in a hall),
// watch the position live, officers call the next one.

type ticketStatus struct {
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

func (s *Server) TicketStatus(r *http.Request, t *tenant.Tenant, id string) (ticketStatus, error) {
	tk, err := s.Queue.Get(r.Context(), t.ID, id)
	if err != nil {
		return ticketStatus{}, err
	}
	pos, wait, err := s.Queue.Position(r.Context(), t.ID, id)
	if err != nil {
		return ticketStatus{}, err
	}
	return s.describeTicket(r, t, tk.Brief(), pos, wait), nil
}

// ticketStatusAt is ticketStatus for a live page that knows the counter:
// it reads the counter's shared queue snapshot, so thousands of watchers
// cost one ordering of the queue per change, not one each.
func (s *Server) ticketStatusAt(r *http.Request, t *tenant.Tenant, counterID, id string) (ticketStatus, error) {
	tk, pos, wait, err := s.Queue.StatusAt(r.Context(), t.ID, counterID, id)
	if err != nil {
		return ticketStatus{}, err
	}
	return s.describeTicket(r, t, tk, pos, wait), nil
}

func (s *Server) describeTicket(r *http.Request, t *tenant.Tenant, tk queue.Brief, pos, wait int) ticketStatus {
	ts := ticketStatus{ID: tk.ID, Number: tk.Number, Label: tk.Label, Status: tk.Status, Position: pos, Wait: wait, Counter: tk.CounterID}
	if tk.Status == queue.Called || tk.Status == queue.Serving {
		if c, err := s.Calls.OpenFor(r.Context(), t.ID, call.Subject{TicketID: tk.ID}); err == nil {
			ts.Call = s.Path("/{tenant}/calls/{id}", t.Slug, c.ID) + "?ticket=" + tk.ID
		}
	}
	return ts
}

func (s *Server) takeTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	resident := ""
	if u := getState(r).user; u != nil {
		resident = u.ID
	}
	source := queue.SourceWeb
	if r.PostForm.Get("source") == queue.SourceQR {
		source = queue.SourceQR
	}
	if !s.TakingAllowed(w, r, t, c.ID) {
		return
	}
	tk, err := s.Queue.Take(r.Context(), Actor(r), *t, c.ID, resident, source, r.PostForm.Get("priority"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	Redirect(w, r, s.Path("/{tenant}/tickets/{id}", t.Slug, tk.ID))
}

// TakingAllowed refuses a number while the counter is closed, saying when
// it opens, unless the tenant lets people queue for the next opening
// (tenant.QueueWhileClosed). A number never served that day, shown as
// "about 10 minutes", was the trial's Saturday surprise.
func (s *Server) TakingAllowed(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, counterID string) bool {
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
	msg := closedRefusal(p, next)
	if IsAPI(r) {
		s.Problem(w, r, http.StatusConflict, "closed_now", "error.queue.closed_now", msg)
		return false
	}
	p.Errors = validation.Errors{{Field: "queue", Code: "error.queue.closed_now", Args: []any{msg}}}
	s.Render(w, http.StatusConflict, "ticket", p)
	return false
}

// closedRefusal says a closed counter gives no numbers now, and when it
// opens again.
func closedRefusal(p *Page, next time.Time) string {
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
			s.invalid(w, r, validation.Errors{{Field: "priority", Code: code}})
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

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	ts, err := s.TicketStatus(r, t, r.PathValue("id"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	p := s.NewPage(r, "ticket.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = FlashFrom(r)
	v, err := s.TicketView(r, p, t, ts)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = v
	s.Render(w, http.StatusOK, "ticket", p)
}

// ticketPageView is what a ticket page (phone or kiosk) shows.
type ticketPageView struct {
	Ticket ticketStatus
	Events string
	Ahead  string // "2 people ahead of you." / "You are next."
	Wait   string // the estimate, "in a moment", or when the closed counter opens
	Cancel string // where a visitor gives up the number
}

// TicketView words the ticket's place in the line for people: plural
// forms, no "about 0 minutes", and, while the counter is closed, when it
// opens instead of a wait that would never end.
func (s *Server) TicketView(r *http.Request, p *Page, t *tenant.Tenant, ts ticketStatus) (ticketPageView, error) {
	counterID := ts.Counter
	c, err := s.Counters.Get(r.Context(), t.ID, counterID)
	if err != nil {
		return ticketPageView{}, fmt.Errorf("web: ticket %s: read its counter: %w", ts.ID, err)
	}
	ts.Counter = c.Name(p.Lang())
	v := ticketPageView{Ticket: ts, Events: s.Path("/{tenant}/tickets/{id}/events", t.Slug, ts.ID), Cancel: s.Path("/{tenant}/tickets/{id}/cancel", t.Slug, ts.ID)}
	if ts.Status != queue.Waiting {
		return v, nil
	}
	v.Ahead = p.T("ticket.next")
	if ts.Position > 0 {
		v.Ahead = p.N("ticket.ahead", ts.Position)
	}
	open, next, err := s.Counters.OpenAt(r.Context(), *t, counterID, s.Clock.Now())
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

// cancelTicket lets a visitor give up their number from their own phone
// (the kiosk has its own button): a page asks first, works without
// JavaScript, and the ticket leaves the line only after "yes".
func (s *Server) cancelTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	tk, err := s.Queue.Get(r.Context(), t.ID, r.PathValue("id"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	back := s.Path("/{tenant}/tickets/{id}", t.Slug, tk.ID)
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "confirm.ticket.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = ConfirmView{Question: p.T("confirm.ticket.title"), Explain: p.T("confirm.ticket.explain", tk.Label),
			Yes: p.T("confirm.ticket.yes"), No: p.T("confirm.ticket.no"), Action: back + "/cancel", Back: back}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	resident := ""
	if u := getState(r).user; u != nil {
		resident = u.ID
	}
	if err := s.Queue.Cancel(r.Context(), Actor(r), t.ID, tk.ID, resident); err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	Redirect(w, r, s.Path("/{tenant}/counters/{id}", t.Slug, tk.CounterID)+"?done=ticket_cancelled")
}

// ticketEvents streams the ticket's status as Server-Sent Events: one at
// once, then one after every change at its counter, with a comment every
// 25 s so proxies keep the line open. The page reconnects by itself.
func (s *Server) ticketEvents(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	// One read finds the counter; from then on, the first event included,
	// positions come from the counter's shared snapshot (a crowd opening
	// their pages at once orders the queue once, not once each).
	tk, err := s.Queue.Get(r.Context(), t.ID, r.PathValue("id"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	changes, stop := s.Queue.Subscribe(tk.CounterID)
	defer stop()
	streamEvents(w, r, "ticket", changes,
		func() (ticketStatus, error) { return s.ticketStatusAt(r, t, tk.CounterID, tk.ID) },
		func(a, b ticketStatus) bool { return a == b })
}

// callNext is the officer's button: the next ticket by the rules.
func (s *Server) callNext(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	tk, err := s.Queue.CallNext(r.Context(), Actor(r), t.ID, c.ID, getState(r).user.ID)
	if IsAPI(r) {
		if err != nil {
			s.QueueError(w, r, t, err)
			return
		}
		WriteJSON(w, http.StatusOK, map[string]any{"id": tk.ID, "number": tk.Number, "label": tk.Label, "status": tk.Status})
		return
	}
	if errors.Is(err, queue.ErrEmpty) {
		Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=queue_empty")
		return
	}
	if errors.Is(err, queue.ErrBusy) {
		Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=finish_first")
		return
	}
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=called")
}

// ticketAction: call again, did not come, done.
func (s *Server) ticketAction(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var err error
	switch r.PathValue("action") {
	case "call-again":
		_, err = s.Queue.CallAgain(r.Context(), Actor(r), t.ID, id)
	case "no-show":
		_, err = s.Queue.NoShow(r.Context(), Actor(r), t.ID, id)
	case "finish":
		_, err = s.Queue.Finish(r.Context(), Actor(r), t.ID, id)
	default:
		s.NotFound(w, r)
		return
	}
	if err != nil && queue.Code(err) != "" && !errors.Is(err, queue.ErrNotFound) {
		Redirect(w, r, s.Path("/{tenant}/desk", t.Slug))
		return
	}
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=saved")
}

// API

type ticketBody struct {
	Priority string `json:"priority"`
}

func (s *Server) apiTakeTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	var b ticketBody
	if r.ContentLength != 0 && !s.readJSON(w, r, &b) {
		return
	}
	resident := ""
	if u := getState(r).user; u != nil {
		resident = u.ID
	}
	if !s.TakingAllowed(w, r, t, c.ID) {
		return
	}
	tk, err := s.Queue.Take(r.Context(), Actor(r), *t, c.ID, resident, queue.SourceWeb, b.Priority)
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	ts, err := s.TicketStatus(r, t, tk.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/t/"+t.Slug+"/tickets/"+tk.ID)
	WriteJSON(w, http.StatusCreated, ts)
}

func (s *Server) apiTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	ts, err := s.TicketStatus(r, t, r.PathValue("id"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	WriteJSON(w, http.StatusOK, ts)
}
