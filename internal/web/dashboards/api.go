package dashboards

import (
	"net/http"

	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// apiApps are applications' figures; a rate or time with no data is
// absent (null), never 0.
type apiApps struct {
	Received    int64    `json:"received"`
	Decided     int64    `json:"decided"`
	OnTime      int64    `json:"decided_on_time"`
	OnTimePct   *float64 `json:"on_time_pct"`
	Escalations int64    `json:"escalations"`
	MedianHours *float64 `json:"processing_median_hours"`
	P90Hours    *float64 `json:"processing_p90_hours"`
}

type apiQueue struct {
	Issued        int64    `json:"issued"`
	Served        int64    `json:"served"`
	NoShow        int64    `json:"no_show"`
	Cancelled     int64    `json:"cancelled"`
	NoShowPct     *float64 `json:"no_show_pct"`
	WaitMedianMin *float64 `json:"wait_median_minutes"`
	WaitP90Min    *float64 `json:"wait_p90_minutes"`
}

type apiCalls struct {
	Held            int64    `json:"held"`
	LengthMedianMin *float64 `json:"length_median_minutes"`
}

type apiMonth struct {
	Month        string   `json:"month"`
	Applications apiApps  `json:"applications"`
	Queue        apiQueue `json:"queue"`
	Calls        apiCalls `json:"calls"`
}

type apiService struct {
	ID           string  `json:"id"`
	Code         string  `json:"code"`
	Applications apiApps `json:"applications"`
}

type apiCounter struct {
	ID    string   `json:"id"`
	Code  string   `json:"code"`
	Queue apiQueue `json:"queue"`
	Calls apiCalls `json:"calls"`
}

type apiHour struct {
	Hour  int      `json:"hour"`
	Queue apiQueue `json:"queue"`
}

// apiStats is GET /api/v1/t/{tenant}/stats.
type apiStats struct {
	Tenant       string       `json:"tenant"`
	From         string       `json:"from"`
	To           string       `json:"to"`
	Service      string       `json:"service,omitempty"`
	Counter      string       `json:"counter,omitempty"`
	SummedTo     string       `json:"summed_through,omitempty"`
	Applications apiApps      `json:"applications"`
	Queue        apiQueue     `json:"queue"`
	Calls        apiCalls     `json:"calls"`
	Months       []apiMonth   `json:"months"`
	Services     []apiService `json:"services"`
	Counters     []apiCounter `json:"counters"`
	Hours        []apiHour    `json:"hours"`
}

// apiStats answers the dashboard's figures for a span of months (from,
// to; or a period; by default the last twelve months), one service and
// one counter.
func (s *Pages) apiStats(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	sel, err := s.selectionOf(r.Context(), q, t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	from, to, given, ok := web.MonthsQuery(q)
	switch {
	case q.Get("period") != "":
		if _, ok := spanOf(validation.Narrow(q.Get("period")), s.Clock.Now()); !ok {
			s.Problem(w, r, http.StatusBadRequest, "bad_period", "dashboard.problem.period")
			return
		}
	case given:
		if !ok {
			s.Problem(w, r, http.StatusBadRequest, "bad_months", "dashboard.problem.months")
			return
		}
		sel.span = span{Code: from + ".." + to, From: from, To: to}
	}
	if q.Get("service") != "" && sel.serviceID == "" {
		s.Problem(w, r, http.StatusBadRequest, "bad_service", "dashboard.problem.service")
		return
	}
	if q.Get("counter") != "" && sel.counterID == "" {
		s.Problem(w, r, http.StatusBadRequest, "bad_counter", "dashboard.problem.counter")
		return
	}
	fg, err := s.Stats.Read(r.Context(), *t, sel.filter())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiOf(t.Slug, sel, fg))
}

func apiOf(slug string, sel selection, fg stats.Figures) apiStats {
	out := apiStats{Tenant: slug, From: sel.span.From, To: sel.span.To, Service: sel.serviceID, Counter: sel.counterID,
		SummedTo: fg.Through, Applications: appsOf(fg.Apps), Queue: queueOf(fg.Tickets), Calls: callsOf(fg.Calls),
		Months: []apiMonth{}, Services: []apiService{}, Counters: []apiCounter{}, Hours: []apiHour{}}
	for i, m := range fg.Months {
		out.Months = append(out.Months, apiMonth{Month: m, Applications: appsOf(fg.AppMonths[i]), Queue: queueOf(fg.TicketMonths[i]),
			Calls: callsOf(fg.CallMonths[i])})
	}
	for _, svc := range sel.services {
		if a := fg.Services[svc.ID]; a != nil {
			out.Services = append(out.Services, apiService{ID: svc.ID, Code: svc.Code, Applications: appsOf(*a)})
		}
	}
	for _, c := range sel.counters {
		x, k := fg.Counters[string(c.ID)], fg.CallCounters[string(c.ID)]
		if x == nil && k == nil {
			continue
		}
		row := apiCounter{ID: string(c.ID), Code: c.Code}
		if x != nil {
			row.Queue = queueOf(*x)
		}
		if k != nil {
			row.Calls = callsOf(*k)
		}
		out.Counters = append(out.Counters, row)
	}
	for h, x := range fg.Hours {
		if x.Issued > 0 {
			out.Hours = append(out.Hours, apiHour{Hour: h, Queue: queueOf(x)})
		}
	}
	return out
}

func rateOf(part, whole int64) *float64 {
	r, ok := stats.Rate(part, whole)
	if !ok {
		return nil
	}
	r = survey.Round2(r)
	return &r
}

// quantile is h's quantile in unit (hours, minutes), rounded to 0.01.
func quantile(h stats.Hist, q float64, inMinutes bool) *float64 {
	d, ok := h.Quantile(q)
	if !ok {
		return nil
	}
	x := d.Hours()
	if inMinutes {
		x = d.Minutes()
	}
	x = survey.Round2(x)
	return &x
}

func appsOf(a stats.AppSums) apiApps {
	return apiApps{Received: a.Received, Decided: a.Decided, OnTime: a.OnTime, OnTimePct: rateOf(a.OnTime, a.Decided),
		Escalations: a.Escalations, MedianHours: quantile(a.Processing, 0.5, false), P90Hours: quantile(a.Processing, 0.9, false)}
}

func queueOf(x stats.TicketSums) apiQueue {
	return apiQueue{Issued: x.Issued, Served: x.Done, NoShow: x.NoShow, Cancelled: x.Cancelled, NoShowPct: rateOf(x.NoShow, x.Done+x.NoShow),
		WaitMedianMin: quantile(x.Wait, 0.5, true), WaitP90Min: quantile(x.Wait, 0.9, true)}
}

func callsOf(c stats.CallSums) apiCalls {
	return apiCalls{Held: c.Held, LengthMedianMin: quantile(c.Length, 0.5, true)}
}
