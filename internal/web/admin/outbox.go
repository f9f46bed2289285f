package admin

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/notify"
)

// adminOutbox lists the emails Serambi sent or keeps (when no SMTP server
// is configured, as in the demo, messages stay here for admins to read).
func (s *Pages) adminOutbox(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	msgs, err := s.Outbox.List(r.Context(), t.ID, 100)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "outbox.title")
	p.Tenant = t
	p.Data = msgs
	s.Render(w, http.StatusOK, "outbox", p)
}

func (s *Pages) adminMessage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	m, err := s.Outbox.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, notify.ErrNotFound) || (err == nil && m.TenantID != t.ID) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "outbox.message")
	p.Tenant = t
	p.Data = m
	s.Render(w, http.StatusOK, "message", p)
}
