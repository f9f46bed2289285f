package counters

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/web"
)

// The virtual queue: take a number from the web (or a QR code in a hall),
// watch the position live, officers call the next one.

func (s *Pages) takeTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	var resident ids.User
	if u := web.UserOf(r); u != nil {
		resident = u.ID
	}
	source := queue.SourceWeb
	if r.PostForm.Get("source") == queue.SourceQR {
		source = queue.SourceQR
	}
	if !s.TakingAllowed(w, r, t, c.ID) {
		return
	}
	tk, err := s.Queue.Take(r.Context(), web.Actor(r), *t, c.ID, resident, source, r.PostForm.Get("priority"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/tickets/{id}", t.Slug, string(tk.ID)))
}

func (s *Pages) ticketPage(w http.ResponseWriter, r *http.Request) {
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
	p.Flash = web.FlashFrom(r)
	v, err := s.TicketView(r, p, t, ts)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = v
	s.Render(w, http.StatusOK, "ticket", p)
}

// cancelTicket lets a visitor give up their number from their own phone
// (the kiosk has its own button): a page asks first, works without
// JavaScript, and the ticket leaves the line only after "yes".
func (s *Pages) cancelTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	tk, err := s.Queue.Get(r.Context(), t.ID, ids.Ticket(r.PathValue("id")))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	back := s.Path("/{tenant}/tickets/{id}", t.Slug, string(tk.ID))
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "confirm.ticket.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = web.ConfirmView{Question: p.T("confirm.ticket.title"), Explain: p.T("confirm.ticket.explain", tk.Label),
			Yes: p.T("confirm.ticket.yes"), No: p.T("confirm.ticket.no"), Action: back + "/cancel", Back: back}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	var resident ids.User
	if u := web.UserOf(r); u != nil {
		resident = u.ID
	}
	if err := s.Queue.Cancel(r.Context(), web.Actor(r), t.ID, tk.ID, resident); err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/counters/{id}", t.Slug, string(tk.CounterID))+"?done=ticket_cancelled")
}

// ticketEvents streams the ticket's status as Server-Sent Events: one at
// once, then one after every change at its counter, with a comment every
// 25 s so proxies keep the line open. The page reconnects by itself.
func (s *Pages) ticketEvents(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	// One read finds the counter; from then on, the first event included,
	// positions come from the counter's shared snapshot (a crowd opening
	// their pages at once orders the queue once, not once each).
	tk, err := s.Queue.Get(r.Context(), t.ID, ids.Ticket(r.PathValue("id")))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	changes, stop := s.Queue.Subscribe(tk.CounterID)
	defer stop()
	streamEvents(w, r, "ticket", changes,
		func() (web.TicketInfo, error) { return s.TicketStatusAt(r, t, tk.CounterID, string(tk.ID)) },
		func(a, b web.TicketInfo) bool { return a == b })
}

// callNext is the officer's button: the next ticket by the rules.
func (s *Pages) callNext(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	tk, err := s.Queue.CallNext(r.Context(), web.Actor(r), t.ID, c.ID, web.UserOf(r).ID)
	if web.IsAPI(r) {
		if err != nil {
			s.QueueError(w, r, t, err)
			return
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"id": tk.ID, "number": tk.Number, "label": tk.Label, "status": tk.Status})
		return
	}
	if errors.Is(err, queue.ErrEmpty) {
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=queue_empty")
		return
	}
	if errors.Is(err, queue.ErrBusy) {
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=finish_first")
		return
	}
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=called")
}

// ticketAction: call again, did not come, done.
func (s *Pages) ticketAction(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var err error
	switch r.PathValue("action") {
	case "call-again":
		_, err = s.Queue.CallAgain(r.Context(), web.Actor(r), t.ID, ids.Ticket(id))
	case "no-show":
		_, err = s.Queue.NoShow(r.Context(), web.Actor(r), t.ID, ids.Ticket(id))
	case "finish":
		_, err = s.Queue.Finish(r.Context(), web.Actor(r), t.ID, ids.Ticket(id))
	default:
		s.NotFound(w, r)
		return
	}
	if err != nil && queue.Code(err) != "" && !errors.Is(err, queue.ErrNotFound) {
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug))
		return
	}
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=saved")
}

// API

type ticketBody struct {
	Priority string `json:"priority"`
}

func (s *Pages) apiTakeTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	var b ticketBody
	if r.ContentLength != 0 && !s.ReadJSON(w, r, &b) {
		return
	}
	var resident ids.User
	if u := web.UserOf(r); u != nil {
		resident = u.ID
	}
	if !s.TakingAllowed(w, r, t, c.ID) {
		return
	}
	tk, err := s.Queue.Take(r.Context(), web.Actor(r), *t, c.ID, resident, queue.SourceWeb, b.Priority)
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	ts, err := s.TicketStatus(r, t, string(tk.ID))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Location", s.Path("/api/v1/t/{tenant}/tickets/{id}", t.Slug, string(tk.ID)))
	web.WriteJSON(w, http.StatusCreated, ts)
}

func (s *Pages) apiTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	ts, err := s.TicketStatus(r, t, r.PathValue("id"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, ts)
}
