package surveys

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const indexPath = "/{tenant}/admin/survey"

// admins read the index: the government's admins (and coordinators).
var admins = web.Staff(identity.Admin)

// option is one choice of a filter.
type option struct {
	Value, Label string
	Selected     bool
}

// elementRow is one SKM element or counter item in the index table.
type elementRow struct {
	Code, Name    string
	Sum           int64
	NRR, Weighted string
	Mean, Share   string
	Weak          bool
}

// serviceRow is one service's index in the period.
type serviceRow struct {
	Name, IKM, Category string
	Respondents         int
	Empty               bool
}

// indexView is the staff's survey page.
type indexView struct {
	Periods, Services, Channels []option
	Period                      string
	Template                    string
	Empty                       bool
	IKM, IKMOld, Unit           string
	Category, CategoryWords     string
	Respondents, Served, Needed int
	TooFew                      bool
	Elements                    []elementRow
	ByService                   []serviceRow
	Comments                    comments
	Actions                     []actionRow
	ElementChoices              []option
	PeriodCode, AddAction       string
	Posters                     []option // Value: the poster's page, Label: where it hangs
	Own                         []ownSum
	Questions                   string
}

// ownSum is one of the government's own questions in the index.
type ownSum struct {
	Text, Lang, Mean string
	Respondents      int
}

// indexPage shows the index of a period, optionally of one service and
// channel: per element the sum and mean, the index exact and with the
// older 0.11 weight, its category, the weakest elements, the sample
// against the minimum the regulation's table asks.
func (s *Pages) indexPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	s.renderIndex(w, r, t, r.URL.Query(), http.StatusOK, nil)
}

func (s *Pages) renderIndex(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, q url.Values, status int, errs validation.Errors) {
	p := s.NewPage(r, "survey.index.title")
	p.Tenant, p.NoIndex, p.Errors, p.Flash = t, true, errs, web.FlashFrom(r)
	if errs != nil {
		p.Form = r.PostForm
	}
	sel, err := s.selectionOf(r.Context(), q, t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := indexView{Period: s.periodLabel(p, sel.period), Template: sel.tpl.Code,
		Periods: periodOptions(p, s, sel.now, sel.period), Services: serviceOptions(p, sel.services, sel.filter.ServiceID),
		Channels: channelOptions(p, sel.filter.Channel)}
	if err := s.fillIndex(r.Context(), p, t, sel, &v); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Comments, err = s.comments(r.Context(), p, t, sel, q); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := s.fillActions(r.Context(), p, t, sel.tpl, sel.period, &v); err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Questions = s.Path(questionsPath, t.Slug)
	if v.Own, err = s.ownSums(r.Context(), p, t, sel); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Posters, err = s.posters(r.Context(), p, t); err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = v
	s.Render(w, status, "survey_index", p)
}

// selection reads the period, service and channel asked for: an unknown
// period is this quarter, an unknown channel any.
func (s *Pages) selection(r *http.Request, t *tenant.Tenant) (selection, error) {
	return s.selectionOf(r.Context(), r.URL.Query(), t)
}

func (s *Pages) selectionOf(ctx context.Context, q url.Values, t *tenant.Tenant) (selection, error) {
	sel := selection{tpl: survey.ForCountry(t.Country), now: s.Clock.Now().In(t.Location())}
	var err error
	if sel.period, err = survey.ParsePeriod(q.Get("period")); err != nil {
		sel.period = survey.PeriodOf(survey.Quarter, sel.now)
	}
	if sel.services, err = s.Services.List(ctx, t.ID, false); err != nil {
		return sel, err
	}
	sel.filter = survey.Filter{Template: sel.tpl.Code, Channel: q.Get("channel")}
	if !slices.Contains(survey.Channels, sel.filter.Channel) {
		sel.filter.Channel = ""
	}
	for _, svc := range sel.services {
		if svc.ID == q.Get("service") {
			sel.filter.ServiceID = svc.ID // another government's service id selects nothing
		}
	}
	sel.filter.From, sel.filter.To = sel.period.Months()
	return sel, nil
}

// fillIndex reads the figures, the comments and the services' figures.
func (s *Pages) fillIndex(ctx context.Context, p *web.Page, t *tenant.Tenant, sel selection, v *indexView) error {
	fg, err := s.Surveys.Figures(ctx, t.ID, sel.tpl, sel.filter, t.Location())
	if err != nil {
		return err
	}
	s.describe(p, fg, v)
	v.ByService, err = s.serviceRows(ctx, p, t, sel)
	return err
}

// periodLabel names a period in the reader's language.
func (s *Pages) periodLabel(p *web.Page, pr survey.Period) string {
	return locale.Months(p.Lang(), pr.Year, pr.From, pr.Year, pr.To)
}

// periodOptions offers the last 12 months, 4 quarters, 2 semesters and
// 2 years, the chosen one included.
func periodOptions(p *web.Page, s *Pages, now time.Time, chosen survey.Period) []option {
	var out []option
	seen := map[string]bool{}
	add := func(pr survey.Period) {
		if seen[pr.Code()] {
			return
		}
		seen[pr.Code()] = true
		label := p.T("survey.period."+pr.Kind, s.periodLabel(p, pr))
		out = append(out, option{Value: pr.Code(), Label: label, Selected: pr.Code() == chosen.Code()})
	}
	add(chosen)
	for _, kind := range []struct {
		kind  string
		count int
		step  int
	}{{survey.Quarter, 4, 3}, {survey.Semester, 2, 6}, {survey.Year, 2, 12}, {survey.Month, 12, 1}} {
		for i := range kind.count {
			add(survey.PeriodOf(kind.kind, now.AddDate(0, -i*kind.step, 0)))
		}
	}
	return out
}

func serviceOptions(p *web.Page, services []catalog.Service, chosen string) []option {
	out := []option{{Value: "", Label: p.T("survey.index.all_services"), Selected: chosen == ""}}
	for _, svc := range services {
		out = append(out, option{Value: svc.ID, Label: svc.Names.In(p.Lang()), Selected: svc.ID == chosen})
	}
	return out
}

func channelOptions(p *web.Page, chosen string) []option {
	out := []option{{Value: "", Label: p.T("survey.index.all_channels"), Selected: chosen == ""}}
	for _, c := range survey.Channels {
		out = append(out, option{Value: c, Label: p.T("survey.channel." + c), Selected: c == chosen})
	}
	return out
}

// posters are the links to print a poster for the whole government and
// for each counter.
func (s *Pages) posters(ctx context.Context, p *web.Page, t *tenant.Tenant) ([]option, error) {
	cs, err := s.Counters.List(ctx, t.ID, true)
	if err != nil {
		return nil, err
	}
	out := []option{{Value: s.Path(posterPath, t.Slug), Label: t.Name(p.Lang())}}
	for _, c := range cs {
		out = append(out, option{Value: s.Path(posterPath, t.Slug) + "?counter=" + string(c.ID), Label: c.Name(p.Lang())})
	}
	return out, nil
}

// ownSums are the means of the government's own questions asked now.
func (s *Pages) ownSums(ctx context.Context, p *web.Page, t *tenant.Tenant, sel selection) ([]ownSum, error) {
	st, err := s.Surveys.Settings(ctx, t.ID)
	if err != nil || len(st.Questions) == 0 {
		return nil, err
	}
	sums, err := s.Surveys.OwnSums(ctx, t.ID, sel.filter)
	if err != nil {
		return nil, err
	}
	var out []ownSum
	for _, q := range st.Questions {
		text, lang := q.In(p.Lang(), t.DefaultLang)
		if lang == p.Lang() {
			lang = ""
		}
		row := ownSum{Text: text, Lang: lang, Respondents: sums[q.ID].Respondents}
		if m, ok := sums[q.ID].Mean(); ok {
			row.Mean = dec(p, "%.2f", m)
		}
		out = append(out, row)
	}
	return out, nil
}
