package applications

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// appContext is an application with what every page about it needs.
type appContext struct {
	T         *tenant.Tenant
	Svc       catalog.Service
	App       application.Application
	Roles     []string // the caller's workflow roles on it
	officerID ids.User // the caller, when staff
}

// loadApplication resolves {tenant} and {id} for a signed-in caller who is
// the applicant or staff of the tenant; anyone else gets 404, so IDs of
// other people's applications reveal nothing.
func (s *Pages) loadApplication(w http.ResponseWriter, r *http.Request) (*appContext, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.RequireUser(w, r) {
		return nil, false
	}
	a, err := s.Apps.Get(r.Context(), t.ID, ids.Application(r.PathValue("id")))
	roles := web.CallerRoles(r, t, a)
	if errors.Is(err, application.ErrNotFound) || (err == nil && len(roles) == 0) {
		s.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	svc, err := s.Services.ByID(r.Context(), t.ID, a.ServiceID)
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	ac := &appContext{T: t, Svc: svc, App: a, Roles: roles}
	if slices.Contains(roles, workflow.Officer) || slices.Contains(roles, workflow.Admin) {
		ac.officerID = web.UserOf(r).ID
	}
	return ac, true
}

func (ac *appContext) caller(r *http.Request) application.Caller {
	return application.Caller{Actor: web.Actor(r), Roles: ac.Roles}
}

func (ac *appContext) editable() bool {
	st, _ := ac.Svc.Workflow.State(ac.App.State)
	if !st.ResidentEdits {
		return false
	}
	// An assisted draft is filled by its officer until the resident confirms.
	if ac.App.FilledBy != "" && ac.App.TrackingNumber == "" {
		return ac.officerID != "" && ac.officerID == ac.App.FilledBy
	}
	return slices.Contains(ac.Roles, workflow.Resident)
}

type sectionPage struct {
	AC      *appContext
	Section int
	Heading string
	Inputs  []web.InputView
	Shown   string
	Back    string
}

func (s *Pages) editApplication(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	if !ac.editable() {
		web.Redirect(w, r, appURL(ac))
		return
	}
	section, _ := strconv.Atoi(r.URL.Query().Get("section"))
	s.renderSection(w, r, ac, section, ac.App.Answers, nil, http.StatusOK)
}

func appURL(ac *appContext) string {
	return web.PathOf("/{tenant}/applications/{id}", ac.T.Slug, string(ac.App.ID))
}

func (s *Pages) renderSection(w http.ResponseWriter, r *http.Request, ac *appContext, section int, a form.Answers, errs validation.Errors, status int) {
	if section < 0 || section >= len(ac.Svc.Form.Sections) {
		s.NotFound(w, r)
		return
	}
	p := s.NewPage(r, "apply.title")
	p.Tenant = ac.T
	p.Errors = errs
	p.Untranslated = ac.Svc.Untranslated(p.Lang())
	fields := ac.Svc.Form.SectionFields(section, a)
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	back := appURL(ac) + "/edit?section=" + strconv.Itoa(ac.Svc.Form.PreviousSection(section, a))
	if prev := ac.Svc.Form.PreviousSection(section, a); prev < 0 {
		back = s.Path("/{tenant}/services/{code}", ac.T.Slug, ac.Svc.Code)
	}
	p.Title = ac.Svc.Form.Sections[section].Labels.In(p.Lang())
	p.Data = sectionPage{AC: ac, Section: section, Heading: ac.Svc.Names.In(p.Lang()), Inputs: web.FormInputs(p, fields, a, errs),
		Shown: strings.Join(names, ","), Back: back}
	s.Render(w, status, "apply_section", p)
}

// saveSection stores one page of answers. A question revealed by an answer
// on the same page (no JavaScript to reveal it) is shown again with the
// page, without an error, before the resident moves on.
func (s *Pages) saveSection(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if !ac.editable() {
		web.Redirect(w, r, appURL(ac))
		return
	}
	section, _ := strconv.Atoi(r.URL.Query().Get("section"))
	if section < 0 || section >= len(ac.Svc.Form.Sections) {
		s.NotFound(w, r)
		return
	}
	f := ac.Svc.Form
	merged := f.Merge(ac.App.Answers, f.FromForm(r.PostForm, section), section)
	if newlyShown(f.SectionFields(section, merged), r.PostForm.Get("shown")) {
		s.renderSection(w, r, ac, section, merged, nil, http.StatusOK)
		return
	}
	clean, errs := f.Check(merged, section, s.Clock.Now(), s.Regions, ac.T.Location())
	if len(errs) > 0 {
		s.renderSection(w, r, ac, section, merged, errs, http.StatusUnprocessableEntity)
		return
	}
	for k, v := range clean {
		merged[k] = v
	}
	if _, err := s.Apps.SaveAnswers(r.Context(), ac.caller(r), *ac.T, ac.Svc, ac.App.ID, ac.App.Version, merged); err != nil {
		s.appError(w, r, ac, err)
		return
	}
	if next := f.NextSection(section, merged); next >= 0 {
		web.Redirect(w, r, appURL(ac)+"/edit?section="+strconv.Itoa(next))
		return
	}
	web.Redirect(w, r, appURL(ac)+"/check")
}

func newlyShown(fields []form.Field, shown string) bool {
	was := strings.Split(shown, ",")
	for _, f := range fields {
		if !slices.Contains(was, f.Name) {
			return true
		}
	}
	return false
}

type checkRow struct {
	Label, Value, Change string
}

type checkPage struct {
	Assisted     bool
	AC           *appContext
	Heading      string
	Rows         []checkRow
	Requirements []requirementView
}

// checkAnswers is GOV.UK's "check your answers": every answer with a link
// to change it, then one button that submits.
func (s *Pages) checkAnswers(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	if !ac.editable() {
		web.Redirect(w, r, appURL(ac))
		return
	}
	s.renderCheck(w, r, ac, nil, http.StatusOK)
}

func (s *Pages) renderCheck(w http.ResponseWriter, r *http.Request, ac *appContext, errs validation.Errors, status int) {
	p := s.NewPage(r, "check.title")
	p.Tenant = ac.T
	p.Errors = errs
	p.Untranslated = ac.Svc.Untranslated(p.Lang())
	f := ac.Svc.Form
	var rows []checkRow
	for _, fd := range f.Visible(ac.App.Answers) {
		rows = append(rows, checkRow{Label: fd.Labels.In(p.Lang()), Value: f.Display(fd, ac.App.Answers, p.Lang()),
			Change: appURL(ac) + "/edit?section=" + strconv.Itoa(fd.Section)})
	}
	docs, err := s.Docs.ForApplication(r.Context(), ac.T.ID, ac.App.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = checkPage{AC: ac, Assisted: ac.App.FilledBy != "", Heading: ac.Svc.Names.In(p.Lang()), Rows: rows,
		Requirements: requirementViews(p, ac.Svc, docs, ac.T.Slug)}
	s.Render(w, status, "apply_check", p)
}

// appError turns the domain's refusals into answers a person understands.
func (s *Pages) appError(w http.ResponseWriter, r *http.Request, ac *appContext, err error) {
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		if _, onComment := errs.For("comment"); onComment {
			s.renderApplication(w, r, ac, errs, http.StatusUnprocessableEntity)
			return
		}
		s.renderCheck(w, r, ac, errs, http.StatusUnprocessableEntity)
	case errors.Is(err, application.ErrConflict), errors.Is(err, workflow.ErrNotAllowed), errors.Is(err, application.ErrNotEditable):
		web.Redirect(w, r, appURL(ac)+"?changed=1")
	case errors.Is(err, workflow.ErrForbidden):
		s.Deny(w, r, ac.T)
	case errors.Is(err, application.ErrNotAssisted):
		// Nothing to confirm: the resident filled it in themselves.
		s.renderApplication(w, r, ac, validation.Errors{{Field: "code", Code: "error.confirm.not_assisted"}}, http.StatusConflict)
	case errors.Is(err, workflow.ErrCommentRequired):
		s.renderApplication(w, r, ac, validation.Errors{{Field: "comment", Code: "error.comment.required"}}, http.StatusUnprocessableEntity)
	default:
		s.ServerError(w, r, err)
	}
}
