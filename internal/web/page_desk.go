package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/identity"
)

// The officer's day at the remote counter: today's appointments at the
// counters they serve, with a "did not come" button after the start.

type deskRow struct {
	ID, Time, Resident, Counter, Status string
	CanNoShow                           bool
}

func (s *Server) deskPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTenant(w, r)
	if !ok || !s.requireRole(w, r, t, identity.Officer, identity.Admin) {
		return
	}
	st := getState(r)
	now := s.Clock.Now()
	local := now.In(t.Location())
	from := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location())
	apps, err := s.Counters.ForOfficer(r.Context(), t.ID, st.user.ID, from, from.AddDate(0, 0, 1))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "desk.title")
	p.Tenant = t
	p.Flash = flashFrom(r)
	names := map[string]string{}
	var rows []deskRow
	for _, a := range apps {
		if _, ok := names[a.CounterID]; !ok {
			if c, err := s.Counters.Get(r.Context(), t.ID, a.CounterID); err == nil {
				names[a.CounterID] = c.Name(p.Lang())
			}
		}
		row := deskRow{ID: a.ID, Time: a.Start.In(t.Location()).Format("15:04"), Counter: names[a.CounterID],
			Status: a.Status, CanNoShow: a.Status == counter.Booked && now.After(a.Start)}
		if u, err := s.Identity.ByID(r.Context(), a.ResidentID); err == nil {
			row.Resident = u.Name
		}
		rows = append(rows, row)
	}
	p.Data = rows
	s.render(w, http.StatusOK, "desk", p)
}

func (s *Server) markNoShow(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTenant(w, r)
	if !ok || !s.requireRole(w, r, t, identity.Officer, identity.Admin) {
		return
	}
	err := s.Counters.MarkNoShow(r.Context(), actor(r), t.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, counter.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, counter.ErrTooEarly), errors.Is(err, counter.ErrNotBooked):
		redirect(w, r, "/"+t.Slug+"/desk")
	case err != nil:
		s.serverError(w, r, err)
	default:
		redirect(w, r, "/"+t.Slug+"/desk?done=saved")
	}
}
