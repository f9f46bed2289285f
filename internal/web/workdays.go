package web

import (
	"context"

	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/tenant"
)

// CalendarFor is the tenant's working-day calendar.
func (s *Server) CalendarFor(ctx context.Context, t *tenant.Tenant) (*calendar.Calendar, error) {
	return s.Calendar.For(ctx, t.ID, string(t.Country), t.Location())
}
