package exchange

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const (
	adoptPath       = "/{tenant}/exchange/replications"
	replicationPath = "/{tenant}/exchange/replications/{slug}"
	mentoringPath   = "/{tenant}/exchange/mentoring/{id}"
	partnersPath    = "/{tenant}/exchange/practices/{slug}/partners"
)

// adopt opens the tenant's replication of the practice named in the form.
func (s *Pages) adopt(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	slug := r.PostForm.Get("practice")
	_, err := s.Practices.Adopt(r.Context(), web.Actor(r), governmentOf(t), slug)
	switch {
	case errors.Is(err, knowledge.ErrReplicating), err == nil:
		web.Redirect(w, r, s.Path(replicationPath, t.Slug, slug))
	case errors.Is(err, knowledge.ErrNotFound):
		s.NotFound(w, r)
	default:
		s.refuse(w, r, t, err, s.Path(practicePath, slug))
	}
}

// refuse answers a refused step in words on the error page, or 500.
func (s *Pages) refuse(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, err error, back string) {
	key, ok := knowledge.Refusal(err)
	if !ok {
		key, ok = flow.CopyRefusal(err)
	}
	if !ok {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "exchange.refused.title")
	p.Tenant, p.NoIndex = t, true
	p.Data = struct{ Key, Back string }{key, back}
	s.Render(w, http.StatusUnprocessableEntity, "exchange_refused", p)
}

// resultRow is one of the origin's measures beside the adopter's figure.
type resultRow struct {
	Index                   int
	Name, NameLang, Unit    string
	Before, After, OriginAt string
	Ours, OursMeasured      string
}

type noteView struct {
	Government, Author, Stage, Body, When string
	Shared, Own                           bool
}

type runView struct {
	Kind, Code, Label string
	Copied            bool
}

func (s *Pages) replicationPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "exchange.replication.title")
	p.Tenant, p.Flash = t, web.FlashFrom(r)
	s.renderReplication(w, r, p, t, http.StatusOK)
}

func (s *Pages) renderReplication(w http.ResponseWriter, r *http.Request, p *web.Page, t *tenant.Tenant, status int) {
	slug := r.PathValue("slug")
	rep, err := s.Practices.ReplicationOf(r.Context(), t.ID, slug)
	if errors.Is(err, knowledge.ErrNoRepl) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	e, err := s.Practices.Library().Get(r.Context(), slug)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	notes, err := s.Practices.Notes(r.Context(), rep)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	c := e.Live
	title, lang := c.Title.In(p.Lang(), c.Original)
	v := struct {
		Slug, Title, TitleLang, Origin, Stage, StopReason string
		Mentor, MentorLabel                               string
		OriginOnSerambi                                   bool
		Steps                                             []string
		Milestones                                        []knowledge.Milestone
		Results                                           []resultRow
		Notes                                             []noteView
		Runs                                              []runView
	}{Slug: slug, Title: title, TitleLang: lang, Origin: government(e.Region, p.Lang()), Stage: string(rep.Stage),
		StopReason: rep.StopReason, Mentor: rep.MentorState, MentorLabel: rep.MentorLabel, Milestones: rep.Milestones}
	_, err = s.Tenants.ByRegion(r.Context(), e.RegionCode)
	v.OriginOnSerambi = err == nil
	for _, st := range knowledge.Steps {
		v.Steps = append(v.Steps, string(st))
	}
	for i, m := range c.Metrics {
		name, l := m.Name.In(p.Lang(), c.Original)
		row := resultRow{Index: i, Name: name, NameLang: l, Unit: m.Unit, Before: figure(m.Before), After: figure(m.After), OriginAt: m.Measured}
		if res, ok := rep.Results[i]; ok {
			val := res.Value
			row.Ours, row.OursMeasured = figure(&val), res.Measured
			p.Form.Set("result_"+strconv.Itoa(i), row.Ours)
			p.Form.Set("result_measured_"+strconv.Itoa(i), res.Measured)
		}
		v.Results = append(v.Results, row)
	}
	v.Notes = s.noteViews(r, p, rep, notes)
	v.Runs = s.runViews(r, p, t, e.RegionCode, c.Runs)
	p.Data = v
	p.NoIndex = true
	s.Render(w, status, "exchange_replication", p)
}

func (s *Pages) noteViews(r *http.Request, p *web.Page, rep knowledge.Replication, notes []knowledge.Note) []noteView {
	names := map[ids.Tenant]string{}
	var out []noteView
	for _, n := range notes {
		if _, ok := names[n.TenantID]; !ok {
			if nt, err := s.Tenants.ByID(r.Context(), n.TenantID); err == nil {
				names[n.TenantID] = nt.Name(p.Lang())
			}
		}
		out = append(out, noteView{Government: names[n.TenantID], Author: n.AuthorLabel, Stage: p.T("exchange.step." + string(n.Stage)),
			Body: n.Body, When: p.DateTime(n.CreatedAt), Shared: n.Shared, Own: n.ReplicationID == rep.ID})
	}
	return out
}

// runViews are what the practice runs on Serambi, each with whether the
// adopter has a copy already.
func (s *Pages) runViews(r *http.Request, p *web.Page, t *tenant.Tenant, originRegion string, runs []knowledge.Run) []runView {
	var out []runView
	for _, run := range runs {
		v := runView{Kind: run.Kind, Code: run.Code, Label: p.T("exchange.run." + run.Kind)}
		switch run.Kind {
		case "service":
			_, err := s.Services.ByCode(r.Context(), t.ID, run.Code)
			v.Copied = err == nil
		case "course":
			v.Copied = s.hasCourseCopy(r, t, originRegion, run.Code)
		case "counter":
			ours, err := s.Counters.List(r.Context(), t.ID, false)
			v.Copied = err == nil && slices.ContainsFunc(ours, func(c counter.Counter) bool { return c.Code == run.Code })
		}
		out = append(out, v)
	}
	return out
}

// hasCourseCopy tells whether the tenant has copied the origin's course
// (its own course of the same code, from the starter set, is not one).
func (s *Pages) hasCourseCopy(r *http.Request, t *tenant.Tenant, originRegion, code string) bool {
	origin, err := s.Tenants.ByRegion(r.Context(), originRegion)
	if err != nil {
		return false
	}
	theirs, err := s.Classes.Courses(r.Context(), origin.ID, false)
	if err != nil {
		return false
	}
	ours, err := s.Classes.Courses(r.Context(), t.ID, false)
	if err != nil {
		return false
	}
	for _, c := range theirs {
		if c.Code != code {
			continue
		}
		for _, o := range ours {
			if o.CopiedFrom == c.ID {
				return true
			}
		}
	}
	return false
}

// replicationAction records one step: the stage, a note, a milestone, a
// figure, a request for a mentor, or a copy of what the practice runs.
func (s *Pages) replicationAction(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	slug, f, actor, ctx := r.PathValue("slug"), r.PostForm, web.Actor(r), r.Context()
	done := "saved"
	var err error
	switch f.Get("action") {
	case "stage":
		err = s.Practices.SetStage(ctx, actor, t.ID, slug, knowledge.Step(f.Get("stage")), f.Get("stage_note"))
	case "note":
		err = s.Practices.AddNote(ctx, actor, t.ID, slug, f.Get("note"), f.Get("shared") == "yes")
	case "milestone":
		err = s.Practices.AddMilestone(ctx, actor, t.ID, slug, f.Get("milestone_title"), f.Get("milestone_due"))
	case "done", "undone":
		err = s.Practices.MarkMilestone(ctx, actor, t.ID, slug, f.Get("milestone"), f.Get("action") == "done")
	case "result":
		err = s.saveResult(r, t, slug)
	case "mentor":
		err = s.Practices.AskMentor(ctx, actor, t.ID, slug)
	case "copy":
		_, err = s.Flows().CopyFromPractice(ctx, actor, t, slug, knowledge.Run{Kind: f.Get("kind"), Code: f.Get("code")})
		done = "copied"
	default:
		s.ErrorPage(w, r, http.StatusBadRequest, t)
		return
	}
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		p := s.NewPage(r, "exchange.replication.title")
		p.Tenant, p.Form, p.Errors = t, f, errs
		s.renderReplication(w, r, p, t, http.StatusUnprocessableEntity)
	case errors.Is(err, knowledge.ErrStopReason), errors.Is(err, knowledge.ErrNoteEmpty):
		p := s.NewPage(r, "exchange.replication.title")
		field, key := "stage_note", knowledge.ErrStopReason.Error()
		if errors.Is(err, knowledge.ErrNoteEmpty) {
			field, key = "note", knowledge.ErrNoteEmpty.Error()
		}
		p.Tenant, p.Form, p.Errors = t, f, validation.Errors{{Field: field, Code: key}}
		s.renderReplication(w, r, p, t, http.StatusUnprocessableEntity)
	case err != nil:
		s.refuse(w, r, t, err, s.Path(replicationPath, t.Slug, slug))
	default:
		web.Redirect(w, r, s.Path(replicationPath, t.Slug, slug)+"?done="+done)
	}
}

func (s *Pages) saveResult(r *http.Request, t *tenant.Tenant, slug string) error {
	i, err := strconv.Atoi(r.PostForm.Get("metric"))
	if err != nil {
		return validation.Errors{{Field: "metric", Code: "exchange.error.metric"}}
	}
	n := strconv.Itoa(i)
	v, ok := number(r.PostForm.Get("result_" + n))
	if !ok {
		return validation.Errors{{Field: "result_" + n, Code: "exchange.error.metric_number"}}
	}
	return s.Practices.SetResult(r.Context(), web.Actor(r), t.ID, slug, i, v, r.PostForm.Get("result_measured_"+n))
}

// answerMentor is the origin's staff accepting to mentor a replication
// (or declining).
func (s *Pages) answerMentor(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Practices.AnswerMentor(r.Context(), web.Actor(r), governmentOf(t), r.PathValue("id"), r.PostForm.Get("answer") == "accept")
	if err != nil {
		s.refuse(w, r, t, err, s.Path(minePath, t.Slug))
		return
	}
	web.Redirect(w, r, s.Path(minePath, t.Slug)+"?done=saved")
}

// setPartners is the origin saying whether it looks for governments to
// replicate the practice with its help.
func (s *Pages) setPartners(w http.ResponseWriter, r *http.Request) {
	t, pr, ok := s.owned(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Practices.SetLookingForPartners(r.Context(), web.Actor(r), governmentOf(t), pr.Slug, r.PostForm.Get("partners") == "yes")
	if err != nil {
		s.refuse(w, r, t, err, s.Path(editPath, t.Slug, pr.Slug))
		return
	}
	web.Redirect(w, r, s.Path(editPath, t.Slug, pr.Slug)+"?done=saved")
}
