package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/workflow"
)

// What the application pages and the video-call pages share: an
// application filled by an officer during a call is announced on the
// call's screens, and the call page lists the resident's applications.

// CallerRoles are the workflow roles r's account holds for application a:
// "resident" for the applicant, plus its staff roles in t.
func CallerRoles(r *http.Request, t *tenant.Tenant, a application.Application) []string {
	st := getState(r)
	var roles []string
	if st.user == nil {
		return nil
	}
	if st.user.ID == a.ApplicantID {
		roles = append(roles, workflow.Resident)
	}
	if hasRole(st, t.ID, string(identity.Officer)) {
		roles = append(roles, workflow.Officer)
	}
	if hasRole(st, t.ID, string(identity.Admin)) || st.user.Coordinator {
		roles = append(roles, workflow.Admin)
	}
	return roles
}

// ListRow is one application in a list (mine, the inbox, a call's).
type ListRow struct {
	URL, Tracking, Service, State, Since, Due, Applicant string
	Overdue, Escalated, Draft                            bool
}

// ListRows describes applications for lists, loading each service once.
func (s *Server) ListRows(ctx context.Context, p *Page, t *tenant.Tenant, apps []application.Application) ([]ListRow, error) {
	svcs := map[string]catalog.Service{}
	now := s.Clock.Now()
	var out []ListRow
	for _, a := range apps {
		svc, ok := svcs[a.ServiceID]
		if !ok {
			var err error
			if svc, err = s.Services.ByID(ctx, t.ID, a.ServiceID); err != nil {
				return nil, err
			}
			svcs[a.ServiceID] = svc
		}
		st, _ := svc.Workflow.State(a.State)
		row := ListRow{URL: s.Path("/{tenant}/applications/{id}", t.Slug, string(a.ID)), Tracking: a.TrackingNumber, Service: svc.Names.In(p.Lang()),
			State: st.Labels.In(p.Lang()), Since: p.Date(a.StateSince), Escalated: a.Escalated, Draft: a.TrackingNumber == "" && a.DecidedAt == nil}
		if a.DueAt != nil {
			row.Due, row.Overdue = p.Date(LastMoment(*a.DueAt)), now.After(*a.DueAt)
		}
		out = append(out, row)
	}
	return out, nil
}

// ServesCounter: the tenant's admins, and officers assigned to the
// counter or who opened this call.
// ServesCounter: the tenant's admins, and officers assigned to the
// counter or who opened call c.
func (s *Server) ServesCounter(r *http.Request, t *tenant.Tenant, c call.Call, u *identity.User) bool {
	st := getState(r)
	if hasRole(st, t.ID, string(identity.Admin)) || u.Coordinator {
		return true
	}
	if !hasRole(st, t.ID, string(identity.Officer)) {
		return false
	}
	if c.OfficerID == u.ID {
		return true
	}
	officers, err := s.Counters.Officers(r.Context(), c.CounterID)
	return err == nil && slices.Contains(officers, u.ID)
}

// AppEvent is what the call's screens learn about its application.
type AppEvent struct {
	ID             string `json:"id"`
	Service        string `json:"service,omitempty"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	Confirm        string `json:"confirm,omitempty"` // where the resident's tap goes
	View           string `json:"view,omitempty"`    // the application's page
	// Requirements are the documents the service asks for, so the
	// officer can offer to attach a photo shown in the call.
	Requirements []RequirementOption `json:"requirements,omitempty"`
}

// RequirementOption is one document requirement, labelled in the three
// languages (each screen shows its own).
type RequirementOption struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
}

// RequirementOptions are svc's document requirements for the call screens.
func RequirementOptions(svc catalog.Service) []RequirementOption {
	var out []RequirementOption
	for _, rq := range svc.Requirements {
		out = append(out, RequirementOption{Name: rq.Name, Labels: map[string]string{
			"id": rq.Labels.In("id"), "ja": rq.Labels.In("ja"), "en": rq.Labels.In("en")}})
	}
	return out
}

// ServedCall is callID when it names an open call of t at a counter the
// signed-in officer serves, and "" otherwise (the application is then
// made without the call).
func (s *Server) ServedCall(r *http.Request, t *tenant.Tenant, callID ids.Call) string {
	if callID == "" {
		return ""
	}
	c, err := s.Calls.Get(r.Context(), t.ID, callID)
	if err != nil || c.Status != call.Open || !s.ServesCounter(r, t, c, getState(r).user) {
		if err != nil && !errors.Is(err, call.ErrNotFound) {
			s.LogFailure(r, "look up the call of an assisted application", err)
		}
		return ""
	}
	return string(c.ID)
}

// AnnounceConfirmation puts the "confirm" button on the resident's call
// screen once the officer has asked for confirmation of application a.
func (s *Server) AnnounceConfirmation(r *http.Request, t *tenant.Tenant, a application.Application, svc catalog.Service) {
	c, ok := s.callOf(r, t, a.ID)
	if !ok {
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "confirm", Extra: AppEvent{ID: string(a.ID),
		Service: svc.Names.In(getState(r).lang), Confirm: s.Path("/{tenant}/calls/{id}/confirm", t.Slug, string(c.ID)),
		View: s.Path("/{tenant}/applications/{id}", t.Slug, string(a.ID))}})
}

// AnnounceSent shows the tracking number on every screen of the call.
func (s *Server) AnnounceSent(r *http.Request, t *tenant.Tenant, appID ids.Application) {
	c, ok := s.callOf(r, t, appID)
	if !ok {
		return
	}
	a, err := s.Apps.Get(r.Context(), t.ID, appID)
	if err != nil {
		s.LogFailure(r, "read the application to announce in its call", err)
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "application",
		Extra: AppEvent{ID: string(a.ID), TrackingNumber: a.TrackingNumber}})
}

// callOf is the open call in which application appID is being filled; a
// failed look-up is logged (the application goes on without the call's
// screens hearing of it).
func (s *Server) callOf(r *http.Request, t *tenant.Tenant, appID ids.Application) (call.Call, bool) {
	c, err := s.Calls.ForApplication(r.Context(), t.ID, appID)
	if err != nil && !errors.Is(err, call.ErrNotFound) {
		s.LogFailure(r, "find the call of an application", err)
	}
	return c, err == nil
}

// LastMoment: deadlines are the end of a day (24:00), which as a date would
// read as the next day; this is the moment to show.
func LastMoment(t time.Time) time.Time { return t.Add(-time.Second) }
