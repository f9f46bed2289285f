package counters

import (
	"errors"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Remote counter, first part: counters and appointments.

func (s *Pages) countersPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	cs, err := s.Counters.List(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "counters.title")
	p.Tenant = t
	p.Data = cs
	s.Render(w, http.StatusOK, "counters", p)
}

type slotDay struct {
	Date  string
	Slots []slotView
}

type slotView struct {
	Start, Time string
	Free        int
}

type counterPage struct {
	Counter counter.Counter
	Days    []slotDay
	Next    string
	Staff   bool
	ForID   string // staff booking for a resident (who phoned in), or family for a parent
	ForName string
	Family  []web.FamilyPerson // people the user may book for
	// ClosedNote says, while the counter is closed, when it opens: a
	// number taken now is called only then, or (NoTaking) none is given.
	ClosedNote string
	NoTaking   bool
}

// counterPage shows a week of free times, each a button that books it:
// no calendar widget, no JavaScript, large targets.
func (s *Pages) counterPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	from := s.Clock.Now().In(t.Location())
	if d, err := time.ParseInLocation("2006-01-02", r.URL.Query().Get("from"), t.Location()); err == nil && d.After(from) {
		from = d
	}
	to := from.AddDate(0, 0, 6)
	slots, err := s.Counters.Slots(r.Context(), *t, c.ID, from, to)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "counter.title")
	p.Title = c.Name(p.Lang())
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	data := counterPage{Counter: *c, Days: slotDays(p, slots, t), Next: to.AddDate(0, 0, 1).Format("2006-01-02"), Staff: s.IsStaff(r, t)}
	open, next, err := s.Counters.OpenAt(r.Context(), *t, c.ID, s.Clock.Now())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	switch {
	case !open && !t.QueueWhileClosed:
		data.NoTaking = true
		data.ClosedNote = web.ClosedRefusal(p, next)
	case !open && !next.IsZero():
		data.ClosedNote = p.T("counter.closed_now", p.DateTime(next))
	}
	if q := r.URL.Query().Get("for"); q != "" && data.Staff {
		p.Form.Set("for", q)
		if u, err := s.FindResident(r, q); err == nil {
			data.ForID, data.ForName = string(u.ID), u.Name
		} else {
			p.Errors = validation.Errors{{Field: "for", Code: "error.assist.resident"}}
		}
	}
	if u := web.UserOf(r); u != nil && !data.Staff {
		data.Family = s.FamilyToHelp(r, u.ID)
		if id := r.URL.Query().Get("family"); id != "" {
			for _, f := range data.Family {
				if f.ID == id {
					data.ForID, data.ForName = f.ID, f.Name
					p.Form.Set("family", id)
				}
			}
		}
	}
	p.Data = data
	s.Render(w, http.StatusOK, "counter", p)
}

func slotDays(p *web.Page, slots []counter.Slot, t *tenant.Tenant) []slotDay {
	var days []slotDay
	for _, sl := range slots {
		if sl.Free <= 0 {
			continue
		}
		local := sl.Start.In(t.Location())
		date := p.Date(local)
		if len(days) == 0 || days[len(days)-1].Date != date {
			days = append(days, slotDay{Date: date})
		}
		d := &days[len(days)-1]
		d.Slots = append(d.Slots, slotView{Start: sl.Start.UTC().Format(time.RFC3339), Time: local.Format("15:04"), Free: sl.Free})
	}
	return days
}

func (s *Pages) book(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	start, err := time.Parse(time.RFC3339, r.PostForm.Get("start"))
	if err != nil {
		s.ErrorPage(w, r, http.StatusBadRequest, t)
		return
	}
	residentID := web.UserOf(r).ID
	if id := r.PostForm.Get("for"); id != "" {
		// Staff booking for a resident who phoned in, or a family member
		// booking for the parent who allowed it.
		if _, err := s.Identity.ByID(r.Context(), ids.User(id)); err != nil ||
			!(s.IsStaff(r, t) || s.Identity.ActsFor(r.Context(), web.UserOf(r).ID, ids.User(id))) {
			s.ErrorPage(w, r, http.StatusBadRequest, t)
			return
		}
		residentID = ids.User(id)
	}
	_, err = s.Counters.Book(r.Context(), web.Actor(r), *t, c.ID, residentID, start, web.TruncateRunes(r.PostForm.Get("note"), 500))
	if err == nil && residentID != web.UserOf(r).ID {
		web.Redirect(w, r, s.Path("/{tenant}/counters/{id}", t.Slug, string(c.ID))+"?done=booked")
		return
	}
	switch {
	case errors.Is(err, counter.ErrAlreadyBooked):
		web.Redirect(w, r, s.Path("/{tenant}/appointments", t.Slug)+"?done=already_booked")
	case errors.Is(err, counter.ErrSlotFull), errors.Is(err, counter.ErrNotBookable):
		web.Redirect(w, r, s.Path("/{tenant}/counters/{id}", t.Slug, string(c.ID))+"?done=slot_taken")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		s.EnsureResident(r, t)
		web.Redirect(w, r, s.Path("/{tenant}/appointments", t.Slug)+"?done=booked")
	}
}

type appointmentView struct {
	ID, Counter, When string
	Status            string
	Upcoming          bool
	Call              string // the open video call's address, when the officer has opened it
	For               string // the family member it was booked for ("" for oneself)
}

func (s *Pages) myAppointments(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	apps, err := s.Counters.Mine(r.Context(), t.ID, web.UserOf(r).ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "appointments.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	names := map[string]string{}
	var views []appointmentView
	for _, a := range apps {
		views = append(views, s.appointmentView(r, p, t, a, names))
	}
	// Appointments booked for family members follow, labelled, with
	// their call once it opens (the family member joins as a helper).
	others, err := s.Counters.BookedForOthers(r.Context(), t.ID, string(web.UserOf(r).ID))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, a := range others {
		u, err := s.Identity.ByID(r.Context(), a.ResidentID)
		if err != nil || !s.Identity.ActsFor(r.Context(), web.UserOf(r).ID, a.ResidentID) {
			continue // staff bookings for callers, or a link since ended
		}
		v := s.appointmentView(r, p, t, a, names)
		v.For = u.Name
		views = append(views, v)
	}
	p.Data = views
	s.Render(w, http.StatusOK, "appointments", p)
}

func (s *Pages) cancelAppointment(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.RequireUser(w, r) {
		return
	}
	err := s.Counters.Cancel(r.Context(), web.Actor(r), t.ID, r.PathValue("id"), web.UserOf(r).ID, s.IsStaff(r, t))
	switch {
	case errors.Is(err, counter.ErrNotFound), errors.Is(err, counter.ErrNotYours):
		s.NotFound(w, r)
	case errors.Is(err, counter.ErrNotBooked):
		web.Redirect(w, r, s.Path("/{tenant}/appointments", t.Slug))
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/appointments", t.Slug)+"?done=cancelled")
	}
}

// API

type slotJSON struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Capacity int       `json:"capacity"`
	Free     int       `json:"free"`
}

type counterJSON struct {
	ID          string            `json:"id"`
	Code        string            `json:"code"`
	Name        string            `json:"name"`
	Names       map[string]string `json:"names"`
	SlotMinutes int               `json:"slot_minutes"`
	Capacity    int               `json:"capacity"`
}

func (s *Pages) apiCounters(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	cs, err := s.Counters.List(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[counterJSON]{Items: []counterJSON{}}
	for _, c := range cs {
		out.Items = append(out.Items, counterJSON{string(c.ID), c.Code, c.Name(web.LangOf(r)), c.Names, c.SlotMinutes, c.Capacity})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Pages) apiSlots(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	q := r.URL.Query()
	from, err1 := time.ParseInLocation("2006-01-02", q.Get("from"), t.Location())
	to, err2 := time.ParseInLocation("2006-01-02", q.Get("to"), t.Location())
	if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) >= counter.MaxDays*24*time.Hour {
		s.Problem(w, r, http.StatusBadRequest, "bad_range", "problem.bad_range")
		return
	}
	slots, err := s.Counters.Slots(r.Context(), *t, c.ID, from, to)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[slotJSON]{Items: []slotJSON{}}
	for _, sl := range slots {
		out.Items = append(out.Items, slotJSON{sl.Start.UTC(), sl.End.UTC(), sl.Capacity, sl.Free})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

type bookBody struct {
	Counter string    `json:"counter"`
	Start   time.Time `json:"start"`
	Note    string    `json:"note"`
}

func (s *Pages) apiBook(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	var b bookBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	a, err := s.Counters.Book(r.Context(), web.Actor(r), *t, ids.Counter(b.Counter), web.UserOf(r).ID, b.Start, web.TruncateRunes(b.Note, 500))
	switch {
	case errors.Is(err, counter.ErrSlotFull):
		s.Problem(w, r, http.StatusConflict, "slot_full", "problem.slot_full")
	case errors.Is(err, counter.ErrAlreadyBooked):
		s.Problem(w, r, http.StatusConflict, "already_booked", "flash.already_booked")
	case errors.Is(err, counter.ErrNotFound):
		s.Invalid(w, r, validation.Errors{{Field: "counter", Code: "error.counter.unknown"}})
	case errors.Is(err, counter.ErrNotBookable):
		s.Invalid(w, r, validation.Errors{{Field: "start", Code: "error.counter.not_bookable"}})
	case err != nil:
		s.ServerError(w, r, err)
	default:
		s.EnsureResident(r, t)
		w.Header().Set("Location", "/api/v1/t/"+t.Slug+"/appointments/"+a.ID)
		web.WriteJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "counter": a.CounterID, "start": a.Start.UTC(),
			"end": a.End.UTC(), "status": a.Status})
	}
}

func (s *Pages) apiCancel(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.RequireUser(w, r) {
		return
	}
	err := s.Counters.Cancel(r.Context(), web.Actor(r), t.ID, r.PathValue("id"), web.UserOf(r).ID, s.IsStaff(r, t))
	switch {
	case errors.Is(err, counter.ErrNotFound), errors.Is(err, counter.ErrNotYours):
		s.Problem(w, r, http.StatusNotFound, "not_found", "problem.not_found")
	case errors.Is(err, counter.ErrNotBooked):
		s.Problem(w, r, http.StatusConflict, "not_booked", "problem.not_booked")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// appointmentView describes one appointment for the list, with its open
// call; names caches counter names.
func (s *Pages) appointmentView(r *http.Request, p *web.Page, t *tenant.Tenant, a counter.Appointment, names map[string]string) appointmentView {
	if _, ok := names[string(a.CounterID)]; !ok {
		if c, err := s.Counters.Get(r.Context(), t.ID, a.CounterID); err == nil {
			names[string(a.CounterID)] = c.Name(p.Lang())
		}
	}
	v := appointmentView{ID: a.ID, Counter: names[string(a.CounterID)], When: p.DateTime(a.Start),
		Status: a.Status, Upcoming: a.Status == counter.Booked && a.Start.After(s.Clock.Now())}
	if a.Status == counter.Booked {
		if c, err := s.Calls.OpenFor(r.Context(), t.ID, call.Subject{AppointmentID: a.ID}); err == nil {
			v.Call = s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID))
		}
	}
	return v
}
