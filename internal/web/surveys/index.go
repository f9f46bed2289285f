package surveys

import (
	"context"
	"fmt"
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
	Comments                    []string
	Actions                     []actionRow
	ElementChoices              []option
	PeriodCode, AddAction       string
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
	tpl := survey.ForCountry(t.Country)
	now := s.Clock.Now().In(t.Location())
	period, err := survey.ParsePeriod(q.Get("period"))
	if err != nil {
		period = survey.PeriodOf(survey.Quarter, now)
	}
	services, err := s.Services.List(r.Context(), t.ID, false)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "survey.index.title")
	p.Tenant, p.NoIndex, p.Errors, p.Flash = t, true, errs, web.FlashFrom(r)
	if errs != nil {
		p.Form = r.PostForm
	}
	f := survey.Filter{Template: tpl.Code, ServiceID: q.Get("service"), Channel: q.Get("channel")}
	if !slices.Contains(survey.Channels, f.Channel) {
		f.Channel = ""
	}
	f.From, f.To = period.Months()
	v := indexView{Period: s.periodLabel(p, period), Template: tpl.Code,
		Periods: periodOptions(p, s, now, period), Services: serviceOptions(p, services, f.ServiceID),
		Channels: channelOptions(p, f.Channel)}
	if err := s.fillIndex(r.Context(), p, t, tpl, f, services, &v); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := s.fillActions(r.Context(), p, t, tpl, period, &v); err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = v
	s.Render(w, status, "survey_index", p)
}

// fillIndex reads the sums and works the index out.
func (s *Pages) fillIndex(ctx context.Context, p *web.Page, t *tenant.Tenant, tpl survey.Template, f survey.Filter,
	services []catalog.Service, v *indexView) error {
	rows, err := s.Surveys.Rollups(ctx, t.ID, f)
	if err != nil {
		return err
	}
	if v.Served, err = s.Surveys.Served(ctx, t.ID, f, t.Location()); err != nil {
		return err
	}
	if v.Comments, err = s.Surveys.Comments(ctx, t.ID, f, 20); err != nil {
		return err
	}
	v.Needed = survey.MinimumSample(v.Served)
	if tpl.Code == survey.SKMCode {
		s.fillSKM(p, rows, services, v)
	} else {
		s.fillCounter(p, rows, v)
	}
	v.TooFew = !v.Empty && v.Respondents < v.Needed
	return nil
}

func (s *Pages) fillSKM(p *web.Page, rows []survey.Rollup, services []catalog.Service, v *indexView) {
	var all survey.Tally
	per := map[string]*survey.Tally{}
	for _, r := range rows {
		all.Merge(r.Tally())
		if per[r.ServiceID] == nil {
			per[r.ServiceID] = &survey.Tally{}
		}
		per[r.ServiceID].Merge(r.Tally())
	}
	idx := all.SKM()
	v.Empty, v.Respondents = idx.Empty, idx.Respondents
	if !idx.Empty {
		v.IKM, v.IKMOld, v.Unit = fmt.Sprintf("%.2f", survey.Round2(idx.IKM)), fmt.Sprintf("%.2f", survey.Round2(idx.IKMOld)), fmt.Sprintf("%.3f", idx.Unit)
		v.Category, v.CategoryWords = string(idx.Category), p.T("survey.category."+string(idx.Category))
		for i, item := range survey.SKMTemplate.Items {
			v.Elements = append(v.Elements, elementRow{Code: item, Name: p.T("survey.skm." + item + ".short"), Sum: idx.Sum[i],
				NRR: fmt.Sprintf("%.3f", idx.NRR[i]), Weighted: fmt.Sprintf("%.3f", idx.Weighted[i]), Weak: slices.Contains(idx.Weakest[:], i)})
		}
	}
	for _, svc := range services {
		tl, ok := per[svc.ID]
		if !ok {
			continue
		}
		si := tl.SKM()
		row := serviceRow{Name: svc.Names.In(p.Lang()), Respondents: si.Respondents, Empty: si.Empty}
		if !si.Empty {
			row.IKM, row.Category = fmt.Sprintf("%.2f", survey.Round2(si.IKM)), string(si.Category)+" · "+p.T("survey.category."+string(si.Category))
		}
		v.ByService = append(v.ByService, row)
	}
}

func (s *Pages) fillCounter(p *web.Page, rows []survey.Rollup, v *indexView) {
	var all survey.Tally5
	for _, r := range rows {
		all.Merge(r.Tally5())
	}
	c := all.Counter()
	v.Empty, v.Respondents = c.Empty, c.Respondents
	if c.Empty {
		return
	}
	for i, item := range survey.CounterTemplate.Items {
		v.Elements = append(v.Elements, elementRow{Code: item, Name: p.T("survey.jp5." + item + ".short"),
			Mean: fmt.Sprintf("%.2f", c.Mean[i]), Share: fmt.Sprintf("%.1f", c.SatisfiedPct[i])})
	}
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
