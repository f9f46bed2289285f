package dashboards

import (
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/web"
)

// periodOptions offers the last twelve months (the default), this year
// and the last, the last four quarters and the last twelve months one by
// one, the chosen one included.
func periodOptions(p *web.Page, now time.Time, chosen string) []option {
	out := []option{{Value: last12, Label: p.T("dashboard.period.last12"), Selected: chosen == last12}}
	seen := map[string]bool{last12: true}
	add := func(pr survey.Period) {
		if seen[pr.Code()] {
			return
		}
		seen[pr.Code()] = true
		label := p.T("survey.period."+pr.Kind, locale.Months(p.Lang(), pr.Year, pr.From, pr.Year, pr.To))
		out = append(out, option{Value: pr.Code(), Label: label, Selected: pr.Code() == chosen})
	}
	if pr, err := survey.ParsePeriod(chosen); err == nil {
		add(pr)
	}
	for _, kind := range []struct {
		kind        string
		count, step int
	}{{survey.Year, 2, 12}, {survey.Quarter, 4, 3}, {survey.Month, 12, 1}} {
		for i := range kind.count {
			add(survey.PeriodOf(kind.kind, now.AddDate(0, -i*kind.step, 0)))
		}
	}
	return out
}

func (s *Pages) serviceOptions(p *web.Page, sel selection) []option {
	out := []option{{Value: "", Label: p.T("dashboard.all_services"), Selected: sel.serviceID == ""}}
	for _, svc := range sel.services {
		out = append(out, option{Value: svc.ID, Label: svc.Names.In(p.Lang()), Selected: svc.ID == sel.serviceID})
	}
	return out
}

func counterOptions(p *web.Page, sel selection) []option {
	out := []option{{Value: "", Label: p.T("dashboard.all_counters"), Selected: sel.counterID == ""}}
	for _, c := range sel.counters {
		out = append(out, option{Value: string(c.ID), Label: c.Name(p.Lang()), Selected: string(c.ID) == sel.counterID})
	}
	return out
}

// writeCSV answers the section the path names as CSV (web.WriteCSV),
// 404 for a table there is not.
func (s *Pages) writeCSV(w http.ResponseWriter, r *http.Request, sections []section, name string) {
	id := r.PathValue("table")
	for _, sec := range sections {
		if sec.ID != id {
			continue
		}
		if err := web.WriteCSV(w, name+"-"+id, append([][]string{sec.Table.Head}, sec.Table.Rows...)); err != nil {
			s.LogFailure(r, "write the dashboard CSV", err)
		}
		return
	}
	s.NotFound(w, r)
}
