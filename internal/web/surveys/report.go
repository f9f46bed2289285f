package surveys

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/chart"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

const (
	reportPath    = "/{tenant}/survey-report"
	reportCSVPath = "/{tenant}/survey-report.csv"
	apiIndexPath  = "/api/v1/t/{tenant}/survey/index"
)

// headline is a selection's main figure in words: the IKM and its
// category for the SKM, the overall mean and share satisfied for the
// counter survey; "" when nobody answered.
func headline(p *web.Page, fg survey.Figures) (value, category string) {
	switch {
	case fg.Empty:
		return "", ""
	case fg.Template == survey.SKMCode:
		return dec(p, "%.2f", survey.Round2(fg.SKM.IKM)), string(fg.SKM.Category) + " · " + p.T("survey.category."+string(fg.SKM.Category))
	}
	overall := len(survey.CounterTemplate.Items) - 1
	return dec(p, "%.2f", fg.Counter.Mean[overall]), p.T("survey.report.satisfied", dec(p, "%.1f", fg.Counter.SatisfiedPct[overall]))
}

// trendRow is one period of the trend table.
type trendRow struct {
	Period, Value, Category string
	Respondents             int
	Empty                   bool
}

// reportView is the public report.
type reportView struct {
	indexView
	Value, Label     string
	Trend            []trendRow
	TrendChart       template.HTML // the trend drawn, over its table
	CSV, JSON, Print string
}

// reportPage is the report a government publishes: open to anyone, in
// the reader's language, printable as the report a unit files.
func (s *Pages) reportPage(w http.ResponseWriter, r *http.Request) {
	t, p, sel, fg, ok := s.reportOf(w, r)
	if !ok {
		return
	}
	v := reportView{indexView: indexView{Period: s.periodLabel(p, sel.period), Template: sel.tpl.Code,
		Periods: periodOptions(p, s, sel.now, sel.period), Services: serviceOptions(p, sel.services, sel.filter.ServiceID),
		Channels: channelOptions(p, sel.filter.Channel)}}
	var err error
	s.describe(p, fg, &v.indexView)
	v.Value, v.Label = headline(p, fg)
	if v.ByService, err = s.serviceRows(r.Context(), p, t, sel); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Trend, err = s.trend(r.Context(), p, t, sel); err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.TrendChart = trendChart(p, sel.tpl, v.Trend)
	if err := s.fillActions(r.Context(), p, t, sel.tpl, sel.period, &v.indexView); err != nil {
		s.ServerError(w, r, err)
		return
	}
	query := "?period=" + sel.period.Code() + "&service=" + sel.filter.ServiceID + "&channel=" + sel.filter.Channel
	v.CSV = s.Path(reportCSVPath, t.Slug) + query + "&lang=" + p.Lang()
	v.JSON = s.Path(apiIndexPath, t.Slug) + query
	p.Data = v
	s.Render(w, http.StatusOK, "survey_report", p)
}

// describe fills the per-element rows and the sample of fg.
func (s *Pages) describe(p *web.Page, fg survey.Figures, v *indexView) {
	v.Empty, v.Respondents, v.Served, v.Needed, v.TooFew = fg.Empty, fg.Respondents, fg.Served, fg.Needed, fg.TooFew
	if fg.Empty {
		return
	}
	if fg.Template == survey.SKMCode {
		idx := fg.SKM
		v.IKM, v.IKMOld, v.Unit = dec(p, "%.2f", survey.Round2(idx.IKM)), dec(p, "%.2f", survey.Round2(idx.IKMOld)), dec(p, "%.3f", idx.Unit)
		v.Category, v.CategoryWords = string(idx.Category), p.T("survey.category."+string(idx.Category))
		for i, item := range survey.SKMTemplate.Items {
			v.Elements = append(v.Elements, elementRow{Code: item, Name: p.T("survey.skm." + item + ".short"), Sum: idx.Sum[i],
				NRR: dec(p, "%.3f", idx.NRR[i]), Weighted: dec(p, "%.3f", idx.Weighted[i]), Weak: slices.Contains(idx.Weakest[:], i)})
		}
		return
	}
	for i, item := range survey.CounterTemplate.Items {
		v.Elements = append(v.Elements, elementRow{Code: item, Name: p.T("survey.jp5." + item + ".short"),
			Mean: dec(p, "%.2f", fg.Counter.Mean[i]), Share: dec(p, "%.1f", fg.Counter.SatisfiedPct[i])})
	}
}

// serviceRows are the period's figures per service with answers.
func (s *Pages) serviceRows(ctx context.Context, p *web.Page, t *tenant.Tenant, sel selection) ([]serviceRow, error) {
	f := sel.filter
	f.ServiceID = ""
	per, err := s.Surveys.ByService(ctx, t.ID, sel.tpl, f)
	if err != nil {
		return nil, err
	}
	var out []serviceRow
	for _, svc := range sel.services {
		fg, ok := per[svc.ID]
		if !ok {
			continue
		}
		row := serviceRow{Name: svc.Names.In(p.Lang()), Respondents: fg.Respondents, Empty: fg.Empty}
		row.IKM, row.Category = headline(p, fg)
		out = append(out, row)
	}
	return out, nil
}

// trend is the headline of this period and the three before it.
func (s *Pages) trend(ctx context.Context, p *web.Page, t *tenant.Tenant, sel selection) ([]trendRow, error) {
	var out []trendRow
	pr := sel.period
	for range 4 {
		f := sel.filter
		f.From, f.To = pr.Months()
		fg, err := s.Surveys.Figures(ctx, t.ID, sel.tpl, f, t.Location())
		if err != nil {
			return nil, err
		}
		row := trendRow{Period: s.periodLabel(p, pr), Respondents: fg.Respondents, Empty: fg.Empty}
		row.Value, row.Category = headline(p, fg)
		out = append([]trendRow{row}, out...)
		pr = pr.Previous()
	}
	return out, nil
}

// dec writes x with format ("%.2f") in the reader's language: a decimal
// comma in Indonesian, where the published reports write "82,45".
func dec(p *web.Page, format string, x float64) string {
	return locale.Decimal(p.Lang(), fmt.Sprintf(format, x))
}

// trendChart draws the trend's headline figures on the template's scale
// (IKM 25–100, the counter survey's mean 1–5); periods nobody answered
// are gaps. Nothing is drawn when no period has answers.
func trendChart(p *web.Page, tpl survey.Template, rows []trendRow) template.HTML {
	lang := p.Lang()
	c := chart.Chart{ID: "trend", Title: p.T("survey.report.trend"), Desc: p.T("survey.report.trend_desc"),
		Format: func(v float64) string { return locale.Number(lang, chart.Plain(v)) }} // "82,5" as the table beside it
	lo, hi := 1.0, 5.0
	name := p.T("survey.report.overall")
	if tpl.Code == survey.SKMCode {
		lo, hi, name = 25, 100, p.T("survey.index.ikm")
	}
	c.Min, c.Max = &lo, &hi
	values, answered := make([]float64, len(rows)), false
	for i, row := range rows {
		c.Labels = append(c.Labels, row.Period)
		values[i] = math.NaN()
		if x, err := strconv.ParseFloat(strings.Replace(row.Value, ",", ".", 1), 64); err == nil && !row.Empty {
			values[i], answered = x, true
		}
	}
	if !answered {
		return ""
	}
	c.Series = []chart.Series{{Name: name, Values: values}}
	return chart.Lines(c)
}

// selection is what a report or index is asked for.
type selection struct {
	tpl      survey.Template
	period   survey.Period
	filter   survey.Filter
	services []catalog.Service
	now      time.Time
}

// reportCSV is the report's tables as CSV (UTF-8 with a byte-order mark,
// so spreadsheets read the Japanese and Indonesian names).
func (s *Pages) reportCSV(w http.ResponseWriter, r *http.Request) {
	t, p, sel, fg, ok := s.reportOf(w, r)
	if !ok {
		return
	}
	var v indexView
	s.describe(p, fg, &v)
	rows, err := s.serviceRows(r.Context(), p, t, sel)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	value, category := headline(p, fg)
	out := [][]string{{p.T("survey.csv.section"), p.T("survey.csv.name"), p.T("survey.csv.value"), p.T("survey.index.respondents_col")},
		{p.T("survey.csv.total"), s.periodLabel(p, sel.period), value + " " + category, strconv.Itoa(fg.Respondents)}}
	for _, e := range v.Elements {
		val := e.NRR
		if val == "" {
			val = e.Mean
		}
		out = append(out, []string{p.T("survey.csv.element"), e.Name, val, strconv.Itoa(fg.Respondents)})
	}
	for _, row := range rows {
		out = append(out, []string{p.T("survey.csv.service"), row.Name, row.IKM + " " + row.Category, strconv.Itoa(row.Respondents)})
	}
	if err := web.WriteCSV(w, "survey-"+t.Slug+"-"+sel.period.Code(), out); err != nil {
		s.LogFailure(r, "write the survey CSV", err)
	}
}

// reportOf reads what a report is asked for and its figures, answering
// the request itself when it cannot.
func (s *Pages) reportOf(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, *web.Page, selection, survey.Figures, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, nil, selection{}, survey.Figures{}, false
	}
	p := s.NewPage(r, "survey.report.title")
	p.Tenant = t
	sel, err := s.selection(r, t)
	var fg survey.Figures
	if err == nil {
		fg, err = s.Surveys.Figures(r.Context(), t.ID, sel.tpl, sel.filter, t.Location())
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, nil, sel, fg, false
	}
	return t, p, sel, fg, true
}
