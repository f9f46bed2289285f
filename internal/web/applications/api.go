package applications

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

type serviceJSON struct {
	Code         string            `json:"code"`
	Category     string            `json:"category"`
	Name         string            `json:"name"`
	Names        map[string]string `json:"names"`
	Description  string            `json:"description"`
	Fee          feeJSON           `json:"fee"`
	SLADays      int               `json:"sla_days"`
	Published    bool              `json:"published"`
	Requirements []reqJSON         `json:"requirements,omitempty"`
	Fields       []fieldJSON       `json:"fields,omitempty"`
}

type feeJSON struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency,omitempty"`
}

type reqJSON struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Required bool     `json:"required"`
	Accept   []string `json:"accept"`
	MaxBytes int64    `json:"max_bytes"`
}

type fieldJSON struct {
	Name     string          `json:"name"`
	Type     string          `json:"type"`
	Required bool            `json:"required"`
	Label    string          `json:"label"`
	Help     string          `json:"help,omitempty"`
	Section  int             `json:"section"`
	ShowIf   *form.Condition `json:"show_if,omitempty"`
	Options  []optionJSON    `json:"options,omitempty"`
}

type optionJSON struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

func toServiceJSON(svc catalog.Service, lang string, full bool) serviceJSON {
	j := serviceJSON{Code: svc.Code, Category: svc.Category, Name: svc.Names.In(lang), Names: svc.Names,
		Description: svc.Descriptions.In(lang), Fee: feeJSON{svc.FeeAmount, svc.FeeCurrency}, SLADays: svc.SLADays, Published: svc.Published}
	if !full {
		return j
	}
	for _, rq := range svc.Requirements {
		j.Requirements = append(j.Requirements, reqJSON{rq.Name, rq.Labels.In(lang), rq.Required, rq.Accept, rq.MaxBytes})
	}
	j.Fields = []fieldJSON{}
	for _, f := range svc.Form.Fields {
		fj := fieldJSON{Name: f.Name, Type: string(f.Type), Required: f.Required, Label: f.Labels.In(lang), Help: f.Help.In(lang),
			Section: f.Section, ShowIf: f.ShowIf}
		for _, o := range f.Options {
			fj.Options = append(fj.Options, optionJSON{o.Value, o.Labels.In(lang)})
		}
		j.Fields = append(j.Fields, fj)
	}
	return j
}

func (s *Pages) apiServices(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	svcs, err := s.Services.List(r.Context(), t.ID, !s.IsStaff(r, t))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[serviceJSON]{Items: []serviceJSON{}}
	for _, svc := range svcs {
		out.Items = append(out.Items, toServiceJSON(svc, web.LangOf(r), false))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Pages) apiService(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	svc, ok := s.loadService(w, r, t, r.PathValue("code"))
	if !ok {
		return
	}
	web.WriteJSON(w, http.StatusOK, toServiceJSON(*svc, web.LangOf(r), true))
}

type applyBody struct {
	Service   string         `json:"service"`
	Answers   map[string]any `json:"answers"`
	Submit    bool           `json:"submit"`
	Documents []string       `json:"documents"`
}

type appJSON struct {
	ID             string       `json:"id"`
	Service        string       `json:"service"`
	TrackingNumber string       `json:"tracking_number"`
	State          string       `json:"state"`
	StateLabel     string       `json:"state_label"`
	Version        int          `json:"version"`
	Answers        form.Answers `json:"answers"`
	DueAt          *time.Time   `json:"due_at"`
	SubmittedAt    *time.Time   `json:"submitted_at"`
	DecidedAt      *time.Time   `json:"decided_at"`
	Timeline       []eventJSON  `json:"timeline"`
	Actions        []actionJSON `json:"actions"`
}

type eventJSON struct {
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Comment string    `json:"comment,omitempty"`
}

type actionJSON struct {
	Action          string `json:"action"`
	Label           string `json:"label"`
	CommentRequired bool   `json:"comment_required"`
}

func (s *Pages) apiApply(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	var b applyBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	svc, err := s.Services.ByCode(r.Context(), t.ID, b.Service)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		s.ServerError(w, r, err)
		return
	}
	if err != nil || (!svc.Published && !s.IsStaff(r, t)) {
		s.Invalid(w, r, validation.Errors{{Field: "service", Code: "error.service.unknown"}})
		return
	}
	answers, errs := svc.Form.FromJSON(b.Answers)
	docs, docErrs := s.documentsFor(r, t.ID, svc, b.Documents)
	errs = append(errs, docErrs...)
	if b.Submit && len(errs) == 0 {
		// Report answers and documents together, so a client fixes all at once.
		_, answerErrs := svc.Form.Check(answers, -1, s.Clock.Now(), s.Regions, t.Location())
		errs = append(answerErrs, missingDocuments(svc, docs)...)
	}
	if len(errs) > 0 {
		s.Invalid(w, r, errs)
		return
	}
	me := web.UserOf(r)
	c := application.Caller{Actor: web.Actor(r), Roles: []string{workflow.Resident}}
	attach := func(ctx context.Context, tx *db.Tx, appID ids.Application) error {
		for _, d := range docs {
			if err := s.Docs.Attach(ctx, tx, t.ID, d.ID, me.ID, appID); err != nil {
				return err
			}
		}
		return nil
	}
	a, err := s.Apps.Create(r.Context(), c, *t, svc, application.Draft{ApplicantID: me.ID, Lang: web.LangOf(r), Answers: answers,
		Submit: b.Submit, Attach: attach})
	if errors.Is(err, workflow.ErrNotAllowed) || errors.Is(err, workflow.ErrForbidden) {
		// A tenant's own workflow may not let residents submit at once.
		s.Problem(w, r, http.StatusConflict, "action_not_allowed", "problem.action_not_allowed")
		return
	}
	if !s.APIResult(w, r, err) {
		return
	}
	s.EnsureResident(r, t)
	w.Header().Set("Location", s.Path("/api/v1/t/{tenant}/applications/{id}", t.Slug, string(a.ID)))
	web.WriteJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "tracking_number": a.TrackingNumber, "state": a.State, "version": a.Version})
}

func (s *Pages) apiApplication(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	s.writeApp(w, r, ac, http.StatusOK)
}

func (s *Pages) writeApp(w http.ResponseWriter, r *http.Request, ac *appContext, status int) {
	lang := web.LangOf(r)
	wf := ac.Svc.Workflow
	st, _ := wf.State(ac.App.State)
	j := appJSON{ID: string(ac.App.ID), Service: ac.Svc.Code, TrackingNumber: ac.App.TrackingNumber, State: ac.App.State,
		StateLabel: st.Labels.In(lang), Version: ac.App.Version, Answers: ac.App.Answers, DueAt: ac.App.DueAt,
		SubmittedAt: ac.App.SubmittedAt, DecidedAt: ac.App.DecidedAt, Timeline: []eventJSON{}, Actions: []actionJSON{}}
	events, err := s.Apps.Timeline(r.Context(), ac.T.ID, ac.App.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, e := range events {
		j.Timeline = append(j.Timeline, eventJSON{e.At.UTC(), e.Action, e.From, e.To, e.Comment})
	}
	for _, a := range wf.Allowed(ac.App.State, ac.Roles) {
		j.Actions = append(j.Actions, actionJSON{a.Name, a.Labels.In(lang), a.CommentRequired})
	}
	web.WriteJSON(w, status, j)
}

type actBody struct {
	Action  string `json:"action"`
	Comment string `json:"comment"`
	Version int    `json:"version"`
}

func (s *Pages) apiAct(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	var b actBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	a, err := s.Apps.Act(r.Context(), ac.caller(r), *ac.T, ac.Svc, ac.App.ID, b.Version, b.Action, b.Comment)
	var errs validation.Errors
	switch {
	case errors.Is(err, workflow.ErrNotAllowed):
		s.Problem(w, r, http.StatusConflict, "action_not_allowed", "problem.action_not_allowed")
	case errors.Is(err, application.ErrConflict):
		s.Problem(w, r, http.StatusConflict, "changed", "problem.changed")
	case errors.Is(err, workflow.ErrForbidden):
		s.Deny(w, r, ac.T)
	case errors.Is(err, workflow.ErrCommentRequired):
		s.Invalid(w, r, validation.Errors{{Field: "comment", Code: "error.comment.required"}})
	case errors.As(err, &errs):
		s.Invalid(w, r, errs)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		ac.App = a
		s.writeApp(w, r, ac, http.StatusOK)
	}
}
