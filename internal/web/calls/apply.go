package calls

import (
	"errors"
	"net/http"
	"slices"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// The assisted application during a call: the officer opens the assisted
// application from the call page (in a new tab, so the call goes on),
// fills it while they talk, and asks for confirmation; the resident's call
// screen then offers one big "confirm" button (or, for a visitor without
// an account signed in, says to read out the emailed code); once sent,
// both screens show the tracking number.

// confirmInCall is the resident's one tap on the call screen. Only the
// applicant, signed in, may confirm this way; a visitor who joined by
// ticket alone reads the emailed code to the officer instead.
func (s *Pages) confirmInCall(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	u := web.UserOf(r)
	if who.role != call.RoleResident || u == nil || c.ApplicationID == "" {
		s.Problem(w, r, http.StatusForbidden, "forbidden", "problem.call_confirm")
		return
	}
	a, err := s.Apps.Get(r.Context(), t.ID, c.ApplicationID)
	if err != nil || a.ApplicantID != u.ID {
		s.Problem(w, r, http.StatusForbidden, "forbidden", "problem.call_confirm")
		return
	}
	svc, err := s.Services.ByID(r.Context(), t.ID, a.ServiceID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	caller := application.Caller{Actor: web.Actor(r), Roles: web.CallerRoles(r, t, a)}
	_, err = s.Apps.Confirm(r.Context(), caller, *t, svc, a.ID, "", true)
	switch {
	case errors.Is(err, application.ErrNotAssisted):
		// Already sent (a second tap): show the number again.
	case err != nil:
		s.Problem(w, r, http.StatusConflict, "not_confirmable", "problem.action_not_allowed")
		return
	}
	s.AnnounceSent(r, t, a.ID)
	web.WriteJSON(w, http.StatusOK, map[string]string{"id": string(a.ID)})
}

// offerAttach: the officer asks the resident whether a photo shown in the
// call may be added to their application, as one of its requirements.
func (s *Pages) offerAttach(w http.ResponseWriter, r *http.Request) {
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
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "attach_offer", Doc: string(d.ID),
		Extra: web.RequirementOptions(catalog.Service{Requirements: []catalog.Requirement{*req}})[0]})
	web.WriteJSON(w, http.StatusAccepted, map[string]string{"doc": string(d.ID)})
}

// attachShown is the resident's "yes, add it".
func (s *Pages) attachShown(w http.ResponseWriter, r *http.Request) {
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
	err := s.Docs.AttachAs(r.Context(), web.Actor(r), t.ID, d.ID, d.OwnerID, c.ResidentID, c.ApplicationID, req.Name)
	switch {
	case errors.Is(err, document.ErrNotFound), errors.Is(err, document.ErrAttached):
		s.Problem(w, r, http.StatusConflict, "not_attachable", "problem.call_attach")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "attached", Doc: string(d.ID),
		Extra: web.RequirementOptions(catalog.Service{Requirements: []catalog.Requirement{*req}})[0]})
	web.WriteJSON(w, http.StatusOK, map[string]string{"doc": string(d.ID), "requirement": req.Name})
}

// attachable checks that the path's document was shown in the call, that
// the call has a draft application of its resident, and that the picture
// fits the named requirement (type and size); it answers refusals itself.
func (s *Pages) attachable(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c call.Call, reqName string) (document.Document, *catalog.Requirement, bool) {
	docID := r.PathValue("doc")
	if !s.Calls.WasShown(r.Context(), c.ID, ids.Document(docID)) || c.Status != call.Open {
		s.NotFound(w, r)
		return document.Document{}, nil, false
	}
	d, err := s.Docs.Get(r.Context(), t.ID, ids.Document(docID))
	if err != nil {
		s.NotFound(w, r)
		return document.Document{}, nil, false
	}
	refuse := func() (document.Document, *catalog.Requirement, bool) {
		s.Problem(w, r, http.StatusConflict, "not_attachable", "problem.call_attach")
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
