package app

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/tenant"
)

// History is generated past activity for a government: decided
// applications, queue numbers and calls spread over [From, To), written
// straight into their tables in large batches. The demo uses a few
// months of it so every dashboard chart shows something; the benchmarks
// use a million applications. Nothing generated is open (no application
// waits for an officer, no number waits in a queue), so it never reaches
// anyone's work list or sends a notice.
type History struct {
	From, To     time.Time
	Applications int
	Tickets      int
	Calls        int
	Seed         uint64
	// Pace stretches processing times (1 or 0: as usual; 0.8: a fifth
	// faster), so governments differ.
	Pace float64
}

// historyBatch is the rows of one INSERT (well under both databases'
// limits on placeholders), and historyTx the rows of one transaction.
const (
	historyBatch = 400
	historyTx    = 20000
)

// GenerateHistory writes h for t, about its published services and its
// active counters, as an account of its own that cannot sign in.
// Tracking numbers start with "HIST-", which is how the demo knows it
// generated history before.
func GenerateHistory(ctx context.Context, a *App, t tenant.Tenant, h History) error {
	services, err := a.Catalog.List(ctx, t.ID, true)
	if err != nil {
		return fmt.Errorf("history of %s: services: %w", t.Slug, err)
	}
	counters, err := a.Counters.List(ctx, t.ID, true)
	if err != nil {
		return fmt.Errorf("history of %s: counters: %w", t.Slug, err)
	}
	g := &historyGen{a: a, t: t, h: h, rng: rand.New(rand.NewPCG(h.Seed, uint64(len(t.Slug)))),
		loc: t.Location(), services: services, counters: counters}
	if g.applicant, err = historyAccount(ctx, a, t); err != nil {
		return err
	}
	if len(services) > 0 {
		if err := g.run(ctx, h.Applications, g.application); err != nil {
			return fmt.Errorf("history of %s: applications: %w", t.Slug, err)
		}
	}
	if len(counters) > 0 {
		g.numbers = map[string]int{}
		if err := g.run(ctx, h.Tickets, g.ticket); err != nil {
			return fmt.Errorf("history of %s: queue numbers: %w", t.Slug, err)
		}
		if err := g.run(ctx, h.Calls, g.call); err != nil {
			return fmt.Errorf("history of %s: calls: %w", t.Slug, err)
		}
	}
	return nil
}

// historyAccount is the account generated applications are made by.
func historyAccount(ctx context.Context, a *App, t tenant.Tenant) (string, error) {
	email := "history+" + t.Slug + "@serambi.invalid"
	var id string
	err := a.DB.QueryRowContext(ctx, `SELECT id FROM users WHERE email = ?`, email).Scan(&id)
	if err == nil {
		return id, nil
	}
	id, now := db.NewID(), a.Clock.Now()
	if _, err := a.DB.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, '', ?, ?)`, id, email, "Demo history", now, now); err != nil {
		return "", fmt.Errorf("history of %s: account: %w", t.Slug, err)
	}
	return id, nil
}

type historyGen struct {
	a         *App
	t         tenant.Tenant
	h         History
	rng       *rand.Rand
	loc       *time.Location
	services  []catalog.Service
	counters  []counter.Counter
	applicant string
	numbers   map[string]int // last number per counter and day
	seq       int
}

// rows is what one generated thing writes: statements by table, each a
// row's values.
type rows map[string][][]any

// run makes n things with make, writing them in batches.
func (g *historyGen) run(ctx context.Context, n int, one func(rows)) error {
	for done := 0; done < n; {
		chunk := min(historyTx, n-done)
		out := rows{}
		for range chunk {
			one(out)
		}
		if err := g.a.DB.InTx(ctx, func(tx *db.Tx) error { return insertRows(ctx, tx, out) }); err != nil {
			return err
		}
		done += chunk
	}
	return nil
}

// historyColumns are the columns each table is written with.
var historyColumns = map[string]string{
	"applications":       "id, tenant_id, service_id, tracking_number, applicant_id, state, answers, lang, state_since, submitted_at, decided_at, escalated, created_at, updated_at",
	"application_events": "id, tenant_id, application_id, at, actor_id, actor_role, action, from_state, to_state",
	"tickets":            "id, tenant_id, counter_id, day, number, label, source, status, created_at, called_at, finished_at",
	"calls":              "id, tenant_id, counter_id, officer_id, status, created_at, started_at, ended_at, duration_seconds",
}

// historyOrder writes applications before their events.
var historyOrder = []string{"applications", "application_events", "tickets", "calls"}

func insertRows(ctx context.Context, tx *db.Tx, out rows) error {
	for _, table := range historyOrder {
		all := out[table]
		for len(all) > 0 {
			batch := all[:min(historyBatch, len(all))]
			all = all[len(batch):]
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(batch[0])), ", ") + ")"
			q := "INSERT INTO " + table + " (" + historyColumns[table] + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(one+", ", len(batch)), ", ")
			args := make([]any, 0, len(batch)*len(batch[0]))
			for _, r := range batch {
				args = append(args, r...)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("write %s: %w", table, err)
			}
		}
	}
	return nil
}

// moment is a random working moment in the span: a weekday between 08:00
// and 15:00 local, busier in the morning.
func (g *historyGen) moment() time.Time {
	span := g.h.To.Sub(g.h.From)
	for {
		at := g.h.From.Add(time.Duration(g.rng.Int64N(int64(span)))).In(g.loc)
		if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		hour := 8 + int(math.Abs(g.rng.NormFloat64())*2.5)
		if hour > 15 {
			continue
		}
		return time.Date(at.Year(), at.Month(), at.Day(), hour, g.rng.IntN(60), g.rng.IntN(60), 0, g.loc).UTC()
	}
}

// lognormal is a duration around median, spread by sigma.
func (g *historyGen) lognormal(median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(g.rng.NormFloat64()*sigma))
}

func (g *historyGen) application(out rows) {
	svc := g.services[g.rng.IntN(len(g.services))]
	submitted := g.moment()
	// most are decided within the promised working days, some later
	pace := g.h.Pace
	if pace <= 0 {
		pace = 1
	}
	took := g.lognormal(time.Duration(float64(svc.SLADays)*20*pace*float64(time.Hour)), 0.6)
	decided := submitted.Add(max(took, 10*time.Minute))
	if limit := g.a.Clock.Now().Add(-time.Hour); decided.After(limit) {
		decided = submitted.Add(limit.Sub(submitted) / 2)
	}
	state, action := "approved", "approve"
	if g.rng.IntN(10) == 0 {
		state, action = "rejected", "reject"
	}
	g.seq++
	id := db.NewID()
	// The deadline job raises a late one after its promised days, never
	// after the decision (one decided an hour ago may have been moved
	// earlier above), nor in the future.
	escalateAt := submitted.Add(time.Duration(svc.SLADays) * 24 * time.Hour)
	escalated := took > time.Duration(svc.SLADays)*36*time.Hour && escalateAt.Before(decided)
	out["applications"] = append(out["applications"], []any{id, g.t.ID, svc.ID, fmt.Sprintf("HIST-%s-%d-%d", g.t.Slug, g.h.Seed, g.seq),
		g.applicant, state, "{}", string(g.t.DefaultLang), decided, submitted, decided, escalated, submitted, decided})
	ev := func(at time.Time, role, action, from, to string) {
		out["application_events"] = append(out["application_events"], []any{db.NewID(), g.t.ID, id, at, "", role, action, from, to})
	}
	ev(submitted, "resident", "submit", "draft", "submitted")
	if escalated {
		ev(escalateAt, "system", "escalate", "in_review", "in_review")
	}
	ev(decided, "officer", action, "in_review", state)
}

func (g *historyGen) ticket(out rows) {
	c := g.counters[g.rng.IntN(len(g.counters))]
	created := g.moment()
	local := created.In(g.loc)
	day := local.Format("2006-01-02")
	key := string(c.ID) + day
	g.numbers[key]++
	n := g.numbers[key]
	// longer waits in the busy morning hours
	wait := g.lognormal(time.Duration(6+3*max(0, 11-abs(local.Hour()-10)*4))*time.Minute, 0.5)
	called := created.Add(wait)
	finished := called.Add(g.lognormal(8*time.Minute, 0.4))
	status := "done"
	switch r := g.rng.IntN(100); {
	case r < 8:
		status = "no_show"
	case r < 12:
		status, called = "cancelled", time.Time{}
	}
	var calledAt, finishedAt any
	if !called.IsZero() {
		calledAt, finishedAt = called, finished
	}
	// Numbers far above a real day's, apart for each seed, so two histories
	// (the demo's, a benchmark's) over the same days never take the same.
	base := 1_000_000 + int(g.h.Seed%10_000)*100_000
	out["tickets"] = append(out["tickets"], []any{db.NewID(), g.t.ID, c.ID, day, base + n, fmt.Sprintf("H%03d", n%1000),
		"web", status, created, calledAt, finishedAt})
}

func (g *historyGen) call(out rows) {
	c := g.counters[g.rng.IntN(len(g.counters))]
	started := g.moment()
	length := g.lognormal(11*time.Minute, 0.45)
	out["calls"] = append(out["calls"], []any{db.NewID(), g.t.ID, c.ID, "history", "ended", started, started, started.Add(length),
		int(length.Seconds())})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// demoHistoryMonths is how far back the demo's generated activity goes.
const demoHistoryMonths = 6

// demoVolumes make the demo governments differ on the network dashboard:
// a big city, a regency, a smaller city, each at its own pace.
var demoVolumes = map[string]History{
	"banyuwangi": {Applications: 600, Tickets: 1500, Calls: 200, Pace: 1.1},
	"fukuoka":    {Applications: 800, Tickets: 2000, Calls: 260, Pace: 0.8},
	"neyagawa":   {Applications: 400, Tickets: 1000, Calls: 120, Pace: 0.95},
}

// seedDemoHistory gives t six months of past applications, queue numbers
// and calls (once: a restart finds them) and sums them for the
// dashboards.
func seedDemoHistory(ctx context.Context, a *App, t tenant.Tenant) error {
	var n int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE tenant_id = ? AND tracking_number LIKE ?`,
		t.ID, "HIST-"+t.Slug+"-%").Scan(&n); err != nil {
		return fmt.Errorf("demo history of %s: %w", t.Slug, err)
	}
	if n > 0 {
		return nil
	}
	now := a.Clock.Now().In(t.Location())
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, t.Location()).AddDate(0, -demoHistoryMonths, 0)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, t.Location())
	v := demoVolumes[t.Slug]
	if v.Applications == 0 {
		v = History{Applications: 600, Tickets: 1500, Calls: 200, Pace: 1}
	}
	h := History{From: from, To: to, Applications: v.Applications, Tickets: v.Tickets, Calls: v.Calls, Pace: v.Pace, Seed: 2026}
	if err := GenerateHistory(ctx, a, t, h); err != nil {
		return err
	}
	_, err := a.Stats.Rebuild(ctx, t)
	return err
}
