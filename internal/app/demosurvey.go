package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// demoSurveyMonths is how much survey history the demo has: enough for a
// trend of quarters and a report of the last half-year.
const demoSurveyMonths = 6

// demoLean is, per demo tenant, how its residents answer each item:
// added to a fair answer, so each government has its own strong and weak
// points (Banyuwangi's complaints handling and completion time are its
// weakest, as the follow-up action in the demo answers).
var demoLean = map[string][]float64{
	"banyuwangi": {0.5, 0.3, -0.4, 0.9, 0.4, 0.3, 0.5, 0.2, -0.6},
	"fukuoka":    {-0.6, 0.5, 0.2, 0.0, 0.3},
	"neyagawa":   {0.2, 0.7, 0.6, 0.3, 0.5},
}

// seedDemoSurveys records the tenant's last six months of survey answers
// and this month's so far
// (and invitations nobody answered), about its services online and its
// first counter, through the same sums as live answers; and, for
// Banyuwangi, a follow-up action for this quarter's weakest element.
// Idempotent: each answer has its own subject.
func seedDemoSurveys(ctx context.Context, a *App, t tenant.Tenant) error {
	services, err := a.Catalog.List(ctx, t.ID, true)
	if err != nil || len(services) == 0 {
		return err
	}
	counters, err := a.Counters.List(ctx, t.ID, true)
	if err != nil {
		return err
	}
	tpl := survey.ForCountry(t.Country)
	rng := rand.New(rand.NewPCG(uint64(len(t.Slug)), 2026))
	now := a.Clock.Now().In(t.Location())
	loc := t.Location()
	first := time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, loc).AddDate(0, -demoSurveyMonths, 0)
	// One transaction for the whole history: hundreds of answers cost one
	// commit, not one each, at every start of the demo.
	err = a.DB.Atomically(ctx, func(ctx context.Context) error {
		return recordDemoMonths(ctx, a, t, tpl, services, counters, first, rng)
	})
	if err != nil {
		return err
	}
	return seedDemoAction(ctx, a, t, tpl, now)
}

// recordDemoMonths records the answers of each month from first.
func recordDemoMonths(ctx context.Context, a *App, t tenant.Tenant, tpl survey.Template, services []catalog.Service,
	counters []counter.Counter, first time.Time, rng *rand.Rand) error {
	lean, loc := demoLean[t.Slug], t.Location()
	now := a.Clock.Now()
	for m := range demoSurveyMonths + 1 { // and this month, up to now
		month := first.AddDate(0, m, 0)
		for i := range 30 + rng.IntN(25) {
			at := month.Add(time.Duration(rng.IntN(27*24)) * time.Hour)
			if at.After(now) {
				continue // not yet: a later start adds it, under the same subject
			}
			inv := survey.Invitation{TenantID: t.ID, Template: tpl, Channel: survey.Online,
				Subject: fmt.Sprintf("demo:%s:%d", month.Format("2006-01"), i)}
			if i%3 == 2 && len(counters) > 0 {
				inv.Channel, inv.UnitKind, inv.UnitID = survey.Remote, survey.UnitCounter, string(counters[0].ID)
			} else {
				inv.ServiceID = services[i%len(services)].ID
			}
			var d survey.Draft
			if rng.IntN(10) < 7 { // seven in ten answer
				d.Answers = demoAnswers(rng, tpl, lean, m)
			}
			if err := a.Surveys.Record(ctx, inv, d, at, loc); err != nil {
				return fmt.Errorf("demo survey history: %w", err)
			}
		}
	}
	return nil
}

// demoAnswers draws one respondent's answers around a fair middle, with
// the tenant's lean and a slow improvement month by month.
func demoAnswers(rng *rand.Rand, tpl survey.Template, lean []float64, month int) []int {
	out := make([]int, len(tpl.Items))
	middle := float64(tpl.Scale+1)/2 + 0.4 + 0.05*float64(month)
	for i := range out {
		v := middle + lean[i] + rng.NormFloat64()*0.8
		out[i] = min(max(int(v+0.5), 1), tpl.Scale)
	}
	return out
}

// seedDemoAction records Banyuwangi's answer to this quarter's weakest
// element (the admin's page opens on this quarter), once.
func seedDemoAction(ctx context.Context, a *App, t tenant.Tenant, tpl survey.Template, now time.Time) error {
	if t.Slug != "banyuwangi" {
		return nil
	}
	last := survey.PeriodOf(survey.Quarter, now)
	have, err := a.Surveys.Actions(ctx, t.ID, last.Code())
	if err != nil || len(have) > 0 {
		return err
	}
	_, err = a.Surveys.AddAction(ctx, audit.System, tpl, survey.Action{TenantID: t.ID, Element: 9, Period: last.Code(),
		What:  "Membuka meja pengaduan di Mal Pelayanan Publik dan menjawab setiap pengaduan daring dalam 3 hari kerja.",
		Owner: "Kepala Bidang Pelayanan Dinas Dukcapil", Due: now.AddDate(0, 2, 0).Format("2006-01-02")})
	return err
}
