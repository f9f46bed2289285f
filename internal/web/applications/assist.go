package applications

import (
	"cmp"
	"errors"
	"net/http"
	"slices"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// The assisted application ("no-writing counter"): an officer finds the
// resident, fills the form while they talk, and the resident confirms.

type assistPage struct {
	Services []catalog.Service
	Call     string // the video call the officer fills this in, if any
}

func (s *Pages) assistForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.LoadTenant(w, r); !ok {
		return
	}
	s.renderAssist(w, r, nil, http.StatusOK)
}

func (s *Pages) renderAssist(w http.ResponseWriter, r *http.Request, errs validation.Errors, status int) {
	t, _ := s.Tenants.BySlug(r.Context(), r.PathValue("tenant"))
	svcs, err := s.Services.List(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "assist.title")
	p.Tenant = &t
	p.Errors = errs
	if r.PostForm != nil {
		p.Form.Set("resident", r.PostForm.Get("resident"))
		p.Form.Set("service", r.PostForm.Get("service"))
	}
	callID := r.FormValue("call")
	if p.Form.Get("resident") == "" && callID != "" {
		// From a call with a known resident, the officer need not ask.
		if c, err := s.Calls.Get(r.Context(), t.ID, ids.Call(callID)); err == nil && c.ResidentID != "" {
			if u, err := s.Identity.ByID(r.Context(), c.ResidentID); err == nil {
				p.Form.Set("resident", cmp.Or(u.Email, u.Phone))
			}
		}
	}
	p.Data = assistPage{Services: svcs, Call: callID}
	s.Render(w, status, "assist", p)
}

func (s *Pages) assistStart(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	var errs validation.Errors
	u, err := s.FindResident(r, r.PostForm.Get("resident"))
	if err != nil {
		errs.Add("resident", "error.assist.resident")
	}
	svc, err := s.Services.ByCode(r.Context(), t.ID, r.PostForm.Get("service"))
	if err != nil || !svc.Published {
		errs.Add("service", "error.service.unknown")
	}
	if len(errs) > 0 {
		s.renderAssist(w, r, errs, http.StatusUnprocessableEntity)
		return
	}
	out, err := s.Flows().StartAssisted(r.Context(), flow.Assist{
		Caller: application.Caller{Actor: web.Actor(r), Roles: []string{workflow.Officer}},
		Tenant: *t, Service: svc, ResidentID: u.ID, Lang: u.Lang, CallID: ids.Call(s.ServedCall(r, t, ids.Call(r.PostForm.Get("call"))))})
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if out.Call.ID != "" {
		s.Calls.Rooms().Broadcast(out.Call.ID, call.Message{Type: "application",
			Extra: web.AppEvent{ID: string(out.Application.ID), Requirements: web.RequirementOptions(svc)}})
	}
	web.Redirect(w, r, s.Path("/{tenant}/applications/{id}/edit", t.Slug, string(out.Application.ID))+"?section=0")
}

// requestConfirmation gives the resident a one-time code (shown in their
// account; by email when notifications are on) and keeps the officer on
// the application to enter it.
func (s *Pages) requestConfirmation(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if !ac.assistedByMe(web.UserOf(r)) {
		s.Deny(w, r, ac.T)
		return
	}
	docs, err := s.Docs.ForApplication(r.Context(), ac.T.ID, ac.App.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if _, errs := ac.Svc.Form.Check(ac.App.Answers, -1, s.Clock.Now(), s.Regions, ac.T.Location()); len(errs) > 0 || len(missingDocuments(ac.Svc, docs)) > 0 {
		s.renderCheck(w, r, ac, append(errs, missingDocuments(ac.Svc, docs)...), http.StatusUnprocessableEntity)
		return
	}
	if _, _, err := s.Apps.RequestConfirmation(r.Context(), ac.caller(r), *ac.T, ac.App.ID, s.confirmCodeSender(r, ac)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.AnnounceConfirmation(r, ac.T, ac.App, ac.Svc)
	web.Redirect(w, r, appURL(ac)+"?done=code_sent")
}

// confirm submits an assisted application: by the resident in their own
// account (one tap), or by the officer with the code the resident read out.
func (s *Pages) confirm(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	me := web.UserOf(r)
	byApplicant := me.ID == ac.App.ApplicantID
	if !byApplicant && !ac.assistedByMe(me) {
		s.Deny(w, r, ac.T)
		return
	}
	key := "confirm:" + ac.App.ID
	throttled, err := s.Identity.Throttled(r.Context(), string(key), 5)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !byApplicant && throttled {
		s.renderApplication(w, r, ac, validation.Errors{{Field: "code", Code: "error.signin.throttled"}}, http.StatusTooManyRequests)
		return
	}
	_, err = s.Apps.Confirm(r.Context(), ac.caller(r), *ac.T, ac.Svc, ac.App.ID, r.PostForm.Get("code"), byApplicant)
	switch {
	case errors.Is(err, application.ErrBadCode):
		if err := s.Identity.RecordFailure(r.Context(), string(key)); err != nil {
			s.ServerError(w, r, err)
			return
		}
		s.renderApplication(w, r, ac, validation.Errors{{Field: "code", Code: "error.assist.code"}}, http.StatusUnprocessableEntity)
	case err != nil:
		s.appError(w, r, ac, err)
	default:
		s.AnnounceSent(r, ac.T, ac.App.ID)
		web.Redirect(w, r, appURL(ac)+"?done=confirmed")
	}
}

// assistedByMe: the caller is the officer who filled this draft.
func (ac *appContext) assistedByMe(u *identity.User) bool {
	return u != nil && ac.App.FilledBy == u.ID && ac.App.TrackingNumber == "" &&
		(slices.Contains(ac.Roles, workflow.Officer) || slices.Contains(ac.Roles, workflow.Admin))
}

// confirmCodeSender sends the code to the resident; Deps.SendCode is set
// by the app when notifications are wired.
func (s *Pages) confirmCodeSender(r *http.Request, ac *appContext) application.CodeSender {
	return s.SendCode
}
