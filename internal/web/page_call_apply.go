package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/tenant"
)

// The assisted application during a call: the officer opens the assisted
// application from the call page (in a new tab, so the call goes on),
// fills it while they talk, and asks for confirmation; the resident's call
// screen then offers one big "confirm" button (or, for a visitor without
// an account signed in, says to read out the emailed code); once sent,
// both screens show the tracking number.

// appEvent is what the call's screens learn about its application.
type appEvent struct {
	ID             string `json:"id"`
	Service        string `json:"service,omitempty"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	Confirm        string `json:"confirm,omitempty"` // where the resident's tap goes
	View           string `json:"view,omitempty"`    // the application's page
	// Requirements are the documents the service asks for, so the
	// officer can offer to attach a photo shown in the call.
	Requirements []requirementOption `json:"requirements,omitempty"`
}

// requirementOption is one document requirement, labelled in the three
// languages (each screen shows its own).
type requirementOption struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
}

func requirementOptions(svc catalog.Service) []requirementOption {
	var out []requirementOption
	for _, rq := range svc.Requirements {
		out = append(out, requirementOption{Name: rq.Name, Labels: map[string]string{
			"id": rq.Labels.In("id"), "ja": rq.Labels.In("ja"), "en": rq.Labels.In("en")}})
	}
	return out
}

// servedCall is callID when it names an open call of t at a counter the
// signed-in officer serves, and "" otherwise (the application is then
// made without the call).
func (s *Server) servedCall(r *http.Request, t *tenant.Tenant, callID string) string {
	if callID == "" {
		return ""
	}
	c, err := s.Calls.Get(r.Context(), t.ID, callID)
	if err != nil || c.Status != call.Open || !s.servesCounter(r, t, c, getState(r).user) {
		if err != nil && !errors.Is(err, call.ErrNotFound) {
			s.LogFailure(r, "look up the call of an assisted application", err)
		}
		return ""
	}
	return c.ID
}

// announceConfirmation puts the "confirm" button on the resident's call
// screen once the officer has asked for confirmation.
func (s *Server) announceConfirmation(r *http.Request, ac *appContext) {
	c, err := s.Calls.ForApplication(r.Context(), ac.T.ID, ac.App.ID)
	if err != nil {
		return
	}
	base := "/" + ac.T.Slug
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "confirm", Extra: appEvent{ID: ac.App.ID,
		Service: ac.Svc.Names.In(getState(r).lang), Confirm: base + "/calls/" + c.ID + "/confirm",
		View: base + "/applications/" + ac.App.ID}})
}

// announceSent shows the tracking number on every screen of the call.
func (s *Server) announceSent(r *http.Request, t *tenant.Tenant, appID string) {
	c, err := s.Calls.ForApplication(r.Context(), t.ID, appID)
	if err != nil {
		return
	}
	a, err := s.Apps.Get(r.Context(), t.ID, appID)
	if err != nil {
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "application",
		Extra: appEvent{ID: a.ID, TrackingNumber: a.TrackingNumber}})
}

// confirmInCall is the resident's one tap on the call screen. Only the
// applicant, signed in, may confirm this way; a visitor who joined by
// ticket alone reads the emailed code to the officer instead.
func (s *Server) confirmInCall(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	u := getState(r).user
	if who.role != call.RoleResident || u == nil || c.ApplicationID == "" {
		s.problem(w, r, http.StatusForbidden, "forbidden", "problem.call_confirm")
		return
	}
	a, err := s.Apps.Get(r.Context(), t.ID, c.ApplicationID)
	if err != nil || a.ApplicantID != u.ID {
		s.problem(w, r, http.StatusForbidden, "forbidden", "problem.call_confirm")
		return
	}
	svc, err := s.Services.ByID(r.Context(), t.ID, a.ServiceID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	caller := application.Caller{Actor: Actor(r), Roles: callerRoles(getState(r), t, a)}
	_, err = s.Apps.Confirm(r.Context(), caller, *t, svc, a.ID, "", true)
	switch {
	case errors.Is(err, application.ErrNotAssisted):
		// Already sent (a second tap): show the number again.
	case err != nil:
		s.problem(w, r, http.StatusConflict, "not_confirmable", "problem.action_not_allowed")
		return
	}
	s.announceSent(r, t, a.ID)
	writeJSON(w, http.StatusOK, map[string]string{"id": a.ID})
}

// offerAttach: the officer asks the resident whether a photo shown in the
// call may be added to their application, as one of its requirements.
func (s *Server) offerAttach(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if who.role != call.RoleOfficer {
		s.Deny(w, r, t)
		return
	}
	d, req, ok := s.attachable(w, r, t, c, r.PostForm.Get("requirement"))
	if !ok {
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "attach_offer", Doc: d.ID,
		Extra: requirementOptions(catalog.Service{Requirements: []catalog.Requirement{*req}})[0]})
	writeJSON(w, http.StatusAccepted, map[string]string{"doc": d.ID})
}

// attachShown is the resident's "yes, add it".
func (s *Server) attachShown(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if who.role != call.RoleResident {
		s.Deny(w, r, t)
		return
	}
	d, req, ok := s.attachable(w, r, t, c, r.PostForm.Get("requirement"))
	if !ok {
		return
	}
	err := s.Docs.AttachAs(r.Context(), Actor(r), t.ID, d.ID, d.OwnerID, c.ResidentID, c.ApplicationID, req.Name)
	switch {
	case errors.Is(err, document.ErrNotFound), errors.Is(err, document.ErrAttached):
		s.problem(w, r, http.StatusConflict, "not_attachable", "problem.call_attach")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "attached", Doc: d.ID,
		Extra: requirementOptions(catalog.Service{Requirements: []catalog.Requirement{*req}})[0]})
	writeJSON(w, http.StatusOK, map[string]string{"doc": d.ID, "requirement": req.Name})
}

// attachable checks that the path's document was shown in the call, that
// the call has a draft application of its resident, and that the picture
// fits the named requirement (type and size); it answers refusals itself.
func (s *Server) attachable(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c call.Call, reqName string) (document.Document, *catalog.Requirement, bool) {
	docID := r.PathValue("doc")
	if !s.Calls.WasShown(r.Context(), c.ID, docID) || c.Status != call.Open {
		s.NotFound(w, r)
		return document.Document{}, nil, false
	}
	d, err := s.Docs.Get(r.Context(), t.ID, docID)
	if err != nil {
		s.NotFound(w, r)
		return document.Document{}, nil, false
	}
	refuse := func() (document.Document, *catalog.Requirement, bool) {
		s.problem(w, r, http.StatusConflict, "not_attachable", "problem.call_attach")
		return document.Document{}, nil, false
	}
	// The resident's own photo, or one they showed while still anonymous
	// (held by the officer of the call until the officer found their
	// account); it passes to them when they agree to add it.
	if c.ApplicationID == "" || c.ResidentID == "" || (d.OwnerID != c.ResidentID && d.OwnerID != c.OfficerID) {
		return refuse()
	}
	a, err := s.Apps.Get(r.Context(), t.ID, c.ApplicationID)
	if err != nil || a.TrackingNumber != "" || a.ApplicantID != c.ResidentID {
		return refuse()
	}
	svc, err := s.Services.ByID(r.Context(), t.ID, a.ServiceID)
	if err != nil {
		return refuse()
	}
	req := svc.Requirement(reqName)
	if req == nil || (len(req.Accept) > 0 && !slices.Contains(req.Accept, d.MediaType)) ||
		(req.MaxBytes > 0 && d.Size > req.MaxBytes) {
		return refuse()
	}
	return d, req, true
}
