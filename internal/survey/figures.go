package survey

import (
	"context"
	"time"

	"github.com/serambi/serambi/internal/ids"
)

// Figures are the survey's results for one selection: the index of the
// country's template, the people served and the sample the regulation's
// table asks of them.
type Figures struct {
	Template    string
	Respondents int
	SKM         SKM     // for the SKM (Empty when nobody answered)
	Counter     Counter // for the counter survey
	Served      int
	Needed      int
	TooFew      bool
	Empty       bool
}

// Figures reads the sums f selects (f.Template is set from tpl) and
// works the results out; loc is the government's zone.
func (s *Store) Figures(ctx context.Context, tenantID ids.Tenant, tpl Template, f Filter, loc *time.Location) (Figures, error) {
	f.Template = tpl.Code
	rows, err := s.Rollups(ctx, tenantID, f)
	if err != nil {
		return Figures{}, err
	}
	out := Figures{Template: tpl.Code}
	if out.Served, err = s.Served(ctx, tenantID, f, loc); err != nil {
		return out, err
	}
	out.Needed = MinimumSample(out.Served)
	if tpl.Code == SKMCode {
		var t Tally
		for _, r := range rows {
			t.Merge(r.Tally())
		}
		out.SKM = t.SKM()
		out.Respondents, out.Empty = out.SKM.Respondents, out.SKM.Empty
	} else {
		var t Tally5
		for _, r := range rows {
			t.Merge(r.Tally5())
		}
		out.Counter = t.Counter()
		out.Respondents, out.Empty = out.Counter.Respondents, out.Counter.Empty
	}
	out.TooFew = !out.Empty && out.Respondents < out.Needed
	return out, nil
}

// ByService splits the sums f selects by service: each service's
// figures, for those with answers.
func (s *Store) ByService(ctx context.Context, tenantID ids.Tenant, tpl Template, f Filter) (map[string]Figures, error) {
	return s.split(ctx, tenantID, tpl, f, func(r Rollup) string { return r.ServiceID })
}

// ByMonth splits the sums f selects by month ("2006-01"): each month's
// figures, for the months with answers (the dashboards' trend).
func (s *Store) ByMonth(ctx context.Context, tenantID ids.Tenant, tpl Template, f Filter) (map[string]Figures, error) {
	return s.split(ctx, tenantID, tpl, f, func(r Rollup) string { return r.Period })
}

// split works out the figures of the sums f selects, grouped by key.
func (s *Store) split(ctx context.Context, tenantID ids.Tenant, tpl Template, f Filter, key func(Rollup) string) (map[string]Figures, error) {
	f.Template = tpl.Code
	rows, err := s.Rollups(ctx, tenantID, f)
	if err != nil {
		return nil, err
	}
	skm, counter := map[string]*Tally{}, map[string]*Tally5{}
	for _, r := range rows {
		k := key(r)
		if skm[k] == nil {
			skm[k], counter[k] = &Tally{}, &Tally5{}
		}
		skm[k].Merge(r.Tally())
		counter[k].Merge(r.Tally5())
	}
	out := map[string]Figures{}
	for k := range skm {
		fg := Figures{Template: tpl.Code}
		if tpl.Code == SKMCode {
			fg.SKM = skm[k].SKM()
			fg.Respondents, fg.Empty = fg.SKM.Respondents, fg.SKM.Empty
		} else {
			fg.Counter = counter[k].Counter()
			fg.Respondents, fg.Empty = fg.Counter.Respondents, fg.Counter.Empty
		}
		out[k] = fg
	}
	return out, nil
}
