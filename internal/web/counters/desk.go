package counters

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// The officer's day at the remote counter: today's appointments at the
// counters they serve, with a "did not come" button after the start.

type deskRow struct {
	ID, Time, Resident, Counter, Status string
	CanNoShow                           bool
}

func (s *Pages) deskPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	me := web.UserOf(r)
	now := s.Clock.Now()
	local := now.In(t.Location())
	from := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location())
	apps, err := s.Counters.ForOfficer(r.Context(), t.ID, me.ID, from, from.AddDate(0, 0, 1))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "desk.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	names := map[string]string{}
	var rows []deskRow
	for _, a := range apps {
		if _, ok := names[string(a.CounterID)]; !ok {
			if c, err := s.Counters.Get(r.Context(), t.ID, a.CounterID); err == nil {
				names[string(a.CounterID)] = c.Name(p.Lang())
			}
		}
		row := deskRow{ID: a.ID, Time: locale.Clock(p.Lang(), a.Start, t.Location()), Counter: names[string(a.CounterID)],
			Status: a.Status, CanNoShow: a.Status == counter.Booked && now.After(a.Start)}
		if u, err := s.Identity.ByID(r.Context(), a.ResidentID); err == nil {
			row.Resident = u.Name
		}
		rows = append(rows, row)
	}
	booked := map[string]time.Time{} // resident -> today's appointment
	for _, a := range apps {
		if a.Status == counter.Booked {
			booked[string(a.CounterID)+"|"+string(a.ResidentID)] = a.Start
		}
	}
	queues, err := s.deskQueues(r, t, me.ID, booked)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = struct {
		Appointments []deskRow
		Queues       []deskQueue
	}{rows, queues}
	s.Render(w, http.StatusOK, "desk", p)
}

func (s *Pages) markNoShow(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	err := s.Counters.MarkNoShow(r.Context(), web.Actor(r), t.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, counter.ErrNotFound):
		s.NotFound(w, r)
	case errors.Is(err, counter.ErrTooEarly), errors.Is(err, counter.ErrNotBooked):
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug))
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/desk", t.Slug)+"?done=saved")
	}
}

// deskQueue is one counter's live queue on the officer's desk.
type deskQueue struct {
	CounterID ids.Counter
	Name      string
	Waiting   int
	Line      []deskTicket // the first deskLineMax waiting, in call order
	More      int          // waiting beyond Line
	Called    []queue.Ticket
	// Busy names the officer's own called ticket: they finish it before
	// calling the next person (the store refuses a second).
	Busy  string
	Calls []deskCall // today's video calls, newest first
}

// deskLineMax is how many waiting people the desk lists per counter; the
// rest are counted. A desk screen shows about that many rows at once.
const deskLineMax = 15

// deskTicket is one waiting person on the desk: who is next, who needs
// priority, who has waited long, and who has an appointment.
type deskTicket struct {
	Label, Priority, Source string
	Minutes                 int       // waited so far, whole minutes
	Appointment             time.Time // zero for a walk-in
}

// deskCall is one video call in the officer's day: open ones can be
// rejoined; ended ones show their length and the resident's answer.
type deskCall struct {
	ID, Time     string
	Open         bool
	Minutes      int
	Satisfaction int
}

func (s *Pages) deskQueues(r *http.Request, t *tenant.Tenant, officerID ids.User, booked map[string]time.Time) ([]deskQueue, error) {
	lang := web.LangOf(r)
	now := s.Clock.Now()
	cs, err := s.Counters.List(r.Context(), t.ID, true)
	if err != nil {
		return nil, err
	}
	var out []deskQueue
	busy := ""
	for _, c := range cs {
		officers, err := s.Counters.Officers(r.Context(), c.ID)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(officers, officerID) && !web.HasRole(r, t.ID, identity.Admin) {
			continue
		}
		waiting, err := s.Queue.Waiting(r.Context(), t.ID, c.ID)
		if err != nil {
			return nil, err
		}
		current, _, err := s.Queue.Board(r.Context(), t.ID, c.ID, 10)
		if err != nil {
			return nil, err
		}
		q := deskQueue{CounterID: c.ID, Name: c.Name(lang), Waiting: len(waiting)}
		for i, tk := range waiting {
			if i == deskLineMax {
				q.More = len(waiting) - i
				break
			}
			q.Line = append(q.Line, deskTicket{Label: tk.Label, Priority: tk.Priority, Source: tk.Source,
				Minutes: int(now.Sub(tk.CreatedAt).Minutes())})
			if tk.ResidentID != "" {
				q.Line[len(q.Line)-1].Appointment = booked[string(c.ID)+"|"+string(tk.ResidentID)]
			}
		}
		if q.Calls, err = s.deskCalls(r, t, c.ID); err != nil {
			return nil, err
		}
		for _, tk := range current {
			if tk.Status == queue.Called || tk.Status == queue.Serving {
				q.Called = append(q.Called, tk)
				if tk.CalledBy == officerID {
					busy = tk.Label
				}
			}
		}
		out = append(out, q)
	}
	// The store refuses a second call at any counter, so every counter's
	// button gives way to the note while one is called.
	for i := range out {
		out[i].Busy = busy
	}
	return out, nil
}

// deskCalls lists the counter's video calls of the tenant's local today.
func (s *Pages) deskCalls(r *http.Request, t *tenant.Tenant, counterID ids.Counter) ([]deskCall, error) {
	calls, err := s.Calls.Recent(r.Context(), t.ID, counterID, 20)
	if err != nil {
		return nil, err
	}
	local := s.Clock.Now().In(t.Location())
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location())
	var out []deskCall
	for _, c := range calls {
		if c.CreatedAt.Before(midnight) {
			break
		}
		out = append(out, deskCall{ID: string(c.ID), Time: locale.Clock(web.LangOf(r), c.CreatedAt, t.Location()), Open: c.Status == call.Open,
			Minutes: int(c.Duration.Minutes() + 0.5), Satisfaction: c.Satisfaction})
	}
	return out, nil
}
