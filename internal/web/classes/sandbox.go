package classes

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// Practising the city's real online services: a page says what practice
// is (the same pages, nothing reaches the city, deleted after a few
// hours) and opens it; the learner is then on the tenant's practice twin
// (internal/sandbox), where a banner on every page leads back here and to
// "I have finished", which deletes what they did at once.

const (
	servicesPracticePath = "/{tenant}/classes/practice/services"
	practiceFinishPath   = servicesPracticePath + "/finish"
)

// sandboxPage explains practice and offers to start.
func (s *Pages) sandboxPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "sandbox.title")
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct{ Hours int }{p.PracticeHours()}
	s.Render(w, http.StatusOK, "class_sandbox", p)
}

// enterSandbox brings the twin up to date with the city's published
// services and counters and sends the learner to its services.
func (s *Pages) enterSandbox(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	twin, err := s.Sandbox.Enter(r.Context(), web.Actor(r), *t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/services", twin.Slug))
}

// finishSandbox asks first, then deletes everything the learner did in
// practice and brings them back to the class's exercises.
func (s *Pages) finishSandbox(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if r.Method == http.MethodGet || r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "sandbox.finish.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = web.ConfirmView{Question: p.T("sandbox.finish.title"), Explain: p.T("sandbox.finish.explain"),
			Yes: p.T("sandbox.finish.yes"), No: p.T("sandbox.finish.no"), Action: s.Path(practiceFinishPath, t.Slug),
			Back: s.Path("/{tenant}/services", t.Slug+tenant.PracticeSuffix)}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	twin, err := s.Tenants.BySlug(r.Context(), t.Slug+tenant.PracticeSuffix)
	switch {
	case err == nil:
		_, err = s.Sandbox.Finish(r.Context(), twin, web.UserOf(r).ID)
	case errors.Is(err, tenant.ErrNotFound):
		err = nil // never practised here: nothing to delete
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(exercisesPath, t.Slug)+"?done=practice_finished")
}
