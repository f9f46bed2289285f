package surveys

import (
	"net/http"
	"slices"
	"strings"

	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/web"
)

// apiElement is one SKM element or counter item in the API.
type apiElement struct {
	Code         string   `json:"code"`
	Sum          *int64   `json:"sum,omitempty"`
	NRR          *float64 `json:"nrr,omitempty"`
	Weighted     *float64 `json:"weighted_nrr,omitempty"`
	Mean         *float64 `json:"mean,omitempty"`
	SatisfiedPct *float64 `json:"satisfied_pct,omitempty"`
	Weak         bool     `json:"weak,omitempty"`
}

// apiIndex is GET /api/v1/t/{tenant}/survey/index.
type apiIndex struct {
	Tenant        string       `json:"tenant"`
	Template      string       `json:"template"`
	From          string       `json:"from"`
	To            string       `json:"to"`
	Service       string       `json:"service,omitempty"`
	Unit          string       `json:"unit,omitempty"`
	Channel       string       `json:"channel,omitempty"`
	NoData        bool         `json:"no_data"`
	Respondents   int          `json:"respondents"`
	Served        int          `json:"served"`
	MinimumSample int          `json:"minimum_sample"`
	TooFew        bool         `json:"sample_too_small"`
	IKM           *float64     `json:"ikm,omitempty"`
	IKMOld        *float64     `json:"ikm_weight_0_11,omitempty"`
	UnitValue     *float64     `json:"unit_value,omitempty"`
	Category      string       `json:"category,omitempty"`
	Elements      []apiElement `json:"elements,omitempty"`
}

// apiIndexOf answers the survey's figures for a service, a unit
// ("counter:<id>", "class:<id>" or "tenant"), a channel and a span of
// months (from, to: YYYY-MM; by default this quarter). Open data, as the
// published report.
func (s *Pages) apiIndexOf(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	sel, err := s.selection(r, t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	f := sel.filter
	from, to, given, ok := web.MonthsQuery(q)
	switch {
	case q.Get("period") != "":
		// the period chosen by selection
	case given:
		if !ok {
			s.Problem(w, r, http.StatusBadRequest, "bad_months", "survey.problem.months")
			return
		}
		f.From, f.To = from, to
	}
	if c := q.Get("channel"); c != "" && !slices.Contains(survey.Channels, c) {
		s.Problem(w, r, http.StatusBadRequest, "bad_channel", "survey.problem.channel")
		return
	}
	if svc := q.Get("service"); svc != "" && f.ServiceID == "" {
		s.Problem(w, r, http.StatusBadRequest, "bad_service", "survey.problem.service")
		return
	}
	if unit := q.Get("unit"); unit != "" {
		kind, id, _ := strings.Cut(unit, ":")
		if !slices.Contains([]string{survey.UnitTenant, survey.UnitCounter, survey.UnitClass}, kind) || (kind != survey.UnitTenant && id == "") {
			s.Problem(w, r, http.StatusBadRequest, "bad_unit", "survey.problem.unit")
			return
		}
		f.UnitKind, f.UnitID = kind, id
	}
	fg, err := s.Surveys.Figures(r.Context(), t.ID, sel.tpl, f, t.Location())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiFigures(t.Slug, f, q.Get("unit"), fg))
}

func apiFigures(slug string, f survey.Filter, unit string, fg survey.Figures) apiIndex {
	out := apiIndex{Tenant: slug, Template: fg.Template, From: f.From, To: f.To, Service: f.ServiceID, Unit: unit, Channel: f.Channel,
		NoData: fg.Empty, Respondents: fg.Respondents, Served: fg.Served, MinimumSample: fg.Needed, TooFew: fg.TooFew}
	if fg.Empty {
		return out
	}
	if fg.Template == survey.SKMCode {
		idx := fg.SKM
		ikm, old, unitValue := survey.Round2(idx.IKM), survey.Round2(idx.IKMOld), idx.Unit
		out.IKM, out.IKMOld, out.UnitValue, out.Category = &ikm, &old, &unitValue, string(idx.Category)
		for i, code := range survey.SKMTemplate.Items {
			sum, nrr, wt := idx.Sum[i], idx.NRR[i], idx.Weighted[i]
			out.Elements = append(out.Elements, apiElement{Code: code, Sum: &sum, NRR: &nrr, Weighted: &wt, Weak: slices.Contains(idx.Weakest[:], i)})
		}
		return out
	}
	for i, code := range survey.CounterTemplate.Items {
		mean, pct := fg.Counter.Mean[i], fg.Counter.SatisfiedPct[i]
		out.Elements = append(out.Elements, apiElement{Code: code, Mean: &mean, SatisfiedPct: &pct})
	}
	return out
}
