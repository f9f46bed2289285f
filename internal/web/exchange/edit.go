package exchange

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const (
	minePath = "/{tenant}/exchange"
	newPath  = "/{tenant}/exchange/new"
	editPath = "/{tenant}/exchange/practices/{slug}"
)

// governmentOf is the tenant as the owner of practices.
func governmentOf(t *tenant.Tenant) knowledge.Government {
	return knowledge.Government{TenantID: t.ID, RegionCode: t.RegionCode, Country: t.Country, Slug: t.Slug}
}

// mineView is a government's list of its practices.
type mineRow struct {
	Slug, Title, TitleLang string
	State, Working         string
	Public                 bool
}

func (s *Pages) minePage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	list, err := s.Practices.OfGovernment(r.Context(), t.RegionCode)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "exchange.mine.title")
	p.Tenant, p.Flash = t, web.FlashFrom(r)
	var rows []mineRow
	for _, x := range list {
		title, lang := x.Title.In(p.Lang())
		row := mineRow{Slug: x.Slug, Title: title, TitleLang: lang, State: p.T("exchange.state." + string(x.State)), Public: x.State != knowledge.Unpublished}
		if x.Working != "" {
			row.Working = p.T("exchange.working." + string(x.Working))
		}
		rows = append(rows, row)
	}
	reps, asks, err := s.replicationLists(r, p, t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	wanted, err := s.Practices.TranslationRequests(r.Context(), t.RegionCode)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	open, err := s.Practices.OpenQuestions(r.Context(), t.RegionCode)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = struct {
		Practices    []mineRow
		Replications []repRow
		Requests     []repRow
		Translations []wantedView
		Questions    []questionView
	}{rows, reps, asks, wantedViews(p, wanted), s.questionViews(r, p, open)}
	s.Render(w, http.StatusOK, "exchange_mine", p)
}

// repRow is a replication in the tenant's lists: one it runs, or one of
// its practices whose adopter asked for a mentor.
type repRow struct {
	ID, Slug, Title, TitleLang, Government, Stage, Mentor string
}

func (s *Pages) replicationLists(r *http.Request, p *web.Page, t *tenant.Tenant) (reps, asks []repRow, err error) {
	own, err := s.Practices.ReplicationsBy(r.Context(), t.ID)
	if err != nil {
		return nil, nil, err
	}
	requests, err := s.Practices.MentorRequests(r.Context(), t.RegionCode)
	if err != nil {
		return nil, nil, err
	}
	row := func(rep knowledge.Replication) repRow {
		v := repRow{ID: rep.ID, Slug: rep.Slug, Stage: p.T("exchange.step." + string(rep.Stage)), Mentor: rep.MentorState}
		if e, err := s.Practices.Library().Get(r.Context(), rep.Slug); err == nil {
			v.Title, v.TitleLang = e.Live.Title.In(p.Lang(), e.Live.Original)
		}
		if by, err := s.Tenants.ByID(r.Context(), rep.TenantID); err == nil {
			v.Government = by.Name(p.Lang())
		}
		return v
	}
	for _, rep := range own {
		reps = append(reps, row(rep))
	}
	for _, rep := range requests {
		asks = append(asks, row(rep))
	}
	return reps, asks, nil
}

// editView is the practice form: the facts, and the texts of one
// language at a time (Lang), with links to write the others.
type editView struct {
	Slug        string // "" for a new practice
	Lang        string
	Langs       []langTab
	Tags        []tagChoice
	Runs        []tagChoice // what the tenant runs on Serambi, to link
	Statuses    []string
	Files       []fileView
	Metrics     []int // row numbers of the metric boxes
	Stages      []int
	Returned    string // the coordinator's comment when the draft came back
	Submitted   bool
	Public      bool
	Partners    bool // looking for governments to replicate it
	CanRetire   bool
	PublicState string
}

type langTab struct {
	Code, Name, Status string
	Current            bool
}

type tagChoice struct {
	Value, Label string
	Checked      bool
}

func (s *Pages) newPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "exchange.new.title")
	p.Tenant = t
	c := knowledge.Content{Original: t.DefaultLang, Licence: knowledge.DefaultLicence, Status: knowledge.Continuing}
	lang := c.Original
	fillForm(p.Form, c, lang)
	s.renderForm(r.Context(), w, p, editView{}, c, lang, http.StatusOK)
}

func (s *Pages) create(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	lang := formLang(r.PostForm)
	c, errs := readForm(r.PostForm, knowledge.Content{Original: t.DefaultLang}, lang)
	var p knowledge.Practice
	err := errs.Err()
	if err == nil {
		p, err = s.Practices.Create(r.Context(), web.Actor(r), governmentOf(t), c, r.PostForm.Get("note"))
	}
	if errors.As(err, &errs) {
		page := s.NewPage(r, "exchange.new.title")
		page.Tenant, page.Form, page.Errors = t, r.PostForm, errs
		s.renderForm(r.Context(), w, page, editView{}, c, lang, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if r.PostForm.Get("action") == "submit" {
		s.submit(w, r, t, p.Slug, lang)
		return
	}
	web.Redirect(w, r, s.Path(editPath, t.Slug, p.Slug)+"?lang="+lang+"&done=practice_saved")
}

// owned loads the path's practice for its own government's staff, and
// answers for a practice of another government.
func (s *Pages) owned(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, knowledge.Practice, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, knowledge.Practice{}, false
	}
	p, err := s.Practices.Owned(r.Context(), governmentOf(t), r.PathValue("slug"))
	switch {
	case errors.Is(err, knowledge.ErrNotFound):
		s.NotFound(w, r)
	case errors.Is(err, knowledge.ErrNotYours):
		page := s.NewPage(r, "exchange.not_yours.title")
		page.Tenant, page.NoIndex = t, true
		page.Data = struct {
			Status int
			Key    string
		}{http.StatusForbidden, "exchange.not_yours"}
		s.Render(w, http.StatusForbidden, "error", page)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		return t, p, true
	}
	return nil, p, false
}

func (s *Pages) editPage(w http.ResponseWriter, r *http.Request) {
	t, pr, ok := s.owned(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "exchange.edit.title")
	p.Tenant, p.Flash = t, web.FlashFrom(r)
	s.showEdit(w, r, p, t, pr, r.URL.Query().Get("lang"), http.StatusOK)
}

// showEdit renders the practice's form with its working version (or the
// published one) in lang's texts; what p.Form holds already (another
// form's values) stays.
func (s *Pages) showEdit(w http.ResponseWriter, r *http.Request, p *web.Page, t *tenant.Tenant, pr knowledge.Practice, lang string, status int) {
	wv, has, err := s.Practices.Working(r.Context(), pr.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	c := pr.Live
	if has {
		c = wv.Body
	}
	if !locale.Supported(lang) {
		lang = c.Original
	}
	fillForm(p.Form, c, lang)
	v := editView{Slug: pr.Slug, Public: pr.State != knowledge.Unpublished, CanRetire: pr.State == knowledge.Published, Partners: pr.LookingForPartners,
		PublicState: p.T("exchange.state." + string(pr.State))}
	if has {
		v.Submitted = wv.State == knowledge.Submitted
		if wv.State == knowledge.Returned {
			v.Returned = wv.Comment
		}
	}
	s.renderForm(r.Context(), w, p, v, c, lang, status)
}

func (s *Pages) save(w http.ResponseWriter, r *http.Request) {
	t, pr, ok := s.owned(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	wv, has, err := s.Practices.Working(r.Context(), pr.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	base := pr.Live
	if has {
		base = wv.Body
	}
	lang := formLang(r.PostForm)
	c, errs := readForm(r.PostForm, base, lang)
	err = errs.Err()
	if err == nil {
		err = s.Practices.SaveDraft(r.Context(), web.Actor(r), governmentOf(t), pr.Slug, c, r.PostForm.Get("note"))
	}
	if errors.As(err, &errs) {
		p := s.NewPage(r, "exchange.edit.title")
		p.Tenant, p.Form, p.Errors = t, r.PostForm, errs
		s.renderForm(r.Context(), w, p, editView{Slug: pr.Slug, Public: pr.State != knowledge.Unpublished}, c, lang, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if r.PostForm.Get("action") == "submit" {
		s.submit(w, r, t, pr.Slug, lang)
		return
	}
	web.Redirect(w, r, s.Path(editPath, t.Slug, pr.Slug)+"?lang="+lang+"&done=practice_saved")
}

// submit sends the saved draft for review; what it still lacks is shown
// on the form of the language that lacks it.
func (s *Pages) submit(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, slug, lang string) {
	err := s.Practices.Submit(r.Context(), web.Actor(r), governmentOf(t), slug)
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		to := s.Path(editPath, t.Slug, slug) + "?lang=" + lang + "&done=practice_incomplete"
		for _, e := range errs {
			if strings.HasPrefix(e.Field, "title_") {
				to = s.Path(editPath, t.Slug, slug) + "?lang=" + strings.TrimPrefix(e.Field, "title_") + "&done=practice_incomplete"
			}
		}
		web.Redirect(w, r, to+"&missing="+url.QueryEscape(errs[0].Code))
	case err != nil:
		if key, ok := knowledge.Refusal(err); ok {
			web.Redirect(w, r, s.Path(editPath, t.Slug, slug)+"?lang="+lang+"&missing="+url.QueryEscape(key))
			return
		}
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(minePath, t.Slug)+"?done=practice_submitted")
	}
}

func (s *Pages) renderForm(ctx context.Context, w http.ResponseWriter, p *web.Page, v editView, c knowledge.Content, lang string, status int) {
	v.Lang = lang
	for _, st := range knowledge.Statuses {
		v.Statuses = append(v.Statuses, string(st))
	}
	for _, l := range knowledge.Langs {
		st := "exchange.lang_status.missing"
		if o := c.Origin(l); o != "" {
			st = "exchange.lang_status." + string(o)
		}
		v.Langs = append(v.Langs, langTab{Code: l, Name: p.T("exchange.lang." + l), Status: p.T(st), Current: l == lang})
	}
	tags := p.Form["tags"]
	for _, t := range knowledge.Tags {
		v.Tags = append(v.Tags, tagChoice{Value: t, Label: p.T("exchange.tag." + t), Checked: slices.Contains(tags, t)})
	}
	v.Runs = s.runChoices(ctx, p, p.Form["runs"])
	v.Files = s.fileViews(p, c)
	v.Metrics = rows(p.Form, "metric_name_", len(c.Metrics))
	v.Stages = rows(p.Form, "stage_name_", len(c.Stages))
	if key := p.Query("missing"); strings.HasPrefix(key, "exchange.error.") && p.Errors == nil {
		p.Errors = validation.Errors{{Field: "title_" + lang, Code: key, Args: []any{5}}}
	}
	p.Data = v
	p.NoIndex = true
	s.Render(w, status, "exchange_edit", p)
}

// rows numbers the boxes of a repeated group: the rows there are, and
// two empty ones for more.
func rows(form url.Values, prefix string, n int) []int {
	for form.Get(prefix+strconv.Itoa(n)) != "" {
		n++
	}
	out := make([]int, n+2)
	for i := range out {
		out[i] = i
	}
	return out
}

// formLang is the language whose texts the form carries.
func formLang(f url.Values) string {
	if l := f.Get("lang"); locale.Supported(l) {
		return l
	}
	return "en"
}

// runChoices offers the tenant's courses and services to link to the
// practice (an adopter may copy them).
func (s *Pages) runChoices(ctx context.Context, p *web.Page, checked []string) []tagChoice {
	var out []tagChoice
	if p.Tenant == nil {
		return nil
	}
	if courses, err := s.Classes.Courses(ctx, p.Tenant.ID, false); err == nil {
		for _, c := range courses {
			v := "course:" + c.Code
			out = append(out, tagChoice{Value: v, Label: p.T("exchange.run.course") + ": " + c.Title.In(p.Lang()), Checked: slices.Contains(checked, v)})
		}
	}
	if counters, err := s.Counters.List(ctx, p.Tenant.ID, false); err == nil {
		for _, c := range counters {
			v := "counter:" + c.Code
			out = append(out, tagChoice{Value: v, Label: p.T("exchange.run.counter") + ": " + c.Name(p.Lang()), Checked: slices.Contains(checked, v)})
		}
	}
	if services, err := s.Services.List(ctx, p.Tenant.ID, false); err == nil {
		for _, svc := range services {
			v := "service:" + svc.Code
			out = append(out, tagChoice{Value: v, Label: p.T("exchange.run.service") + ": " + svc.Names.In(p.Lang()), Checked: slices.Contains(checked, v)})
		}
	}
	return out
}

// wantedView is a request for a practice in a language it lacks.
type wantedView struct {
	Slug, Title, TitleLang, Lang, LangName string
	Readers                                int
}

func wantedViews(p *web.Page, list []knowledge.TranslationRequest) []wantedView {
	var out []wantedView
	for _, w := range list {
		if w.Readers == 0 {
			continue
		}
		title, lang := w.Title.In(p.Lang())
		out = append(out, wantedView{Slug: w.Slug, Title: title, TitleLang: lang, Lang: w.Lang, LangName: p.T("exchange.lang." + w.Lang), Readers: w.Readers})
	}
	return out
}
