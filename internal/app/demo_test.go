package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/ids"
)

// TestDemoCounterIsAlive: the demo seeds, per tenant, people waiting at
// the first counter (one with priority), the demo resident's next
// appointment and a kiosk; a restart adds nothing twice.
func TestDemoCounterIsAlive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true,
		BaseURL: "http://127.0.0.1", TURNAddr: "off"}
	ctx := context.Background()
	for round := range 2 {
		a, err := app.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"banyuwangi", "fukuoka", "neyagawa"} {
			ten, _ := a.Tenants.BySlug(ctx, slug)
			cs, err := a.Counters.List(ctx, ten.ID, true)
			if err != nil || len(cs) < 2 {
				t.Fatalf("%s counters: %d %v", slug, len(cs), err)
			}
			waiting, err := a.Queue.Waiting(ctx, ten.ID, cs[0].ID)
			if err != nil || len(waiting) != 3 {
				t.Fatalf("round %d, %s: %d waiting (%v), want 3", round, slug, len(waiting), err)
			}
			priority := 0
			for _, tk := range waiting {
				if tk.Priority != "" {
					priority++
				}
			}
			if priority != 1 {
				t.Errorf("%s: %d priority tickets, want 1", slug, priority)
			}
			resident, _ := a.Identity.ByLogin(ctx, "resident@"+slug+".demo")
			mine, err := a.Counters.Mine(ctx, ten.ID, resident.ID)
			if err != nil || len(mine) != 1 || mine[0].Status != "booked" {
				t.Fatalf("round %d, %s: appointments %+v %v", round, slug, mine, err)
			}
			if has, _ := a.Kiosks.HasToken(ctx, ten.ID, app.DemoKioskToken(slug)); !has {
				t.Errorf("%s has no demo kiosk", slug)
			}
			if ks, _ := a.Kiosks.List(ctx, ten.ID); len(ks) != 1 {
				t.Errorf("%s: %d kiosks after round %d, want 1", slug, len(ks), round)
			}
		}
		a.Close()
	}
}

// TestDemoClasses: each demo tenant has the starter curriculum of its
// country, a class today (check-in and practice open, the resident has a
// seat) and three coming (one nearly full, one with a waiting list, an
// online one the demo resident is enrolled in), and the resident has done
// an exercise; a restart adds nothing twice.
func TestDemoClasses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true,
		BaseURL: "http://127.0.0.1", TURNAddr: "off"}
	ctx := context.Background()
	for round := range 2 {
		a, err := app.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"banyuwangi", "fukuoka", "neyagawa"} {
			ten, _ := a.Tenants.BySlug(ctx, slug)
			courses, err := a.Classes.Courses(ctx, ten.ID, true)
			if err != nil || len(courses) != 3 {
				t.Fatalf("round %d, %s: %d courses, %v", round, slug, len(courses), err)
			}
			now := a.Clock.Now()
			sessions, err := a.Classes.Sessions(ctx, ten.ID, now, now.AddDate(0, 1, 0))
			if err != nil || len(sessions) != 5 {
				t.Fatalf("round %d, %s: %d sessions, %v", round, slug, len(sessions), err)
			}
			today := sessions[0]
			if !today.StartsAt.Before(now.Add(30*time.Minute)) || today.VenueName == "" {
				t.Errorf("%s: today's class %+v, want it within the half hour at a hall", slug, today)
			}
			if s := sessions[1]; !s.Online || !s.StartsAt.Before(now.Add(time.Hour)) {
				t.Errorf("%s: the online class today %+v, want it online within the hour", slug, s)
			}
			onlineToday := sessions[1]
			sessions = sessions[2:]
			if s := sessions[0]; s.Capacity-s.Enrolled != 1 || s.VenueName == "" {
				t.Errorf("%s: first session %+v, want one seat left at a hall", slug, s)
			}
			if s := sessions[1]; s.Enrolled != s.Capacity || s.Waitlisted != 2 {
				t.Errorf("%s: second session %+v, want full with 2 waiting", slug, s)
			}
			resident, _ := a.Identity.ByLogin(ctx, "resident@"+slug+".demo")
			mine, err := a.Classes.LearnerEnrolments(ctx, ten.ID, resident.ID)
			in := map[ids.ClassSession]bool{}
			for _, e := range mine {
				in[e.SessionID] = e.State == classes.Enrolled
			}
			if err != nil || len(mine) != 3 || !in[today.ID] || !in[onlineToday.ID] || !in[sessions[2].ID] || !sessions[2].Online {
				t.Errorf("%s: the resident's enrolments %+v (%v), want today's two and the online session", slug, mine, err)
			}
			done, err := a.Classes.ProgressOf(ctx, ten.ID, classes.Practiser{LearnerID: resident.ID})
			if err != nil || len(done) != 1 {
				t.Errorf("%s: the resident's practice %+v (%v), want one lesson's", slug, done, err)
			}
		}
		a.Close()
	}
}

// TestDemoHistory: each demo government has six months of generated
// applications, numbers and calls, summed for the dashboards; a restart
// generates nothing twice, and the job then has no day left to sum.
func TestDemoHistory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true,
		BaseURL: "http://127.0.0.1", TURNAddr: "off"}
	ctx := context.Background()
	counts := map[string]int{}
	for round := range 2 {
		a, err := app.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"banyuwangi", "fukuoka", "neyagawa"} {
			ten, _ := a.Tenants.BySlug(ctx, slug)
			var n int
			if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE tenant_id = ?`, ten.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if round == 1 && n != counts[slug] {
				t.Errorf("%s: %d applications after a restart, %d before", slug, n, counts[slug])
			}
			counts[slug] = n
			// History is past: nothing happens after now, and no late
			// application is raised after it was decided.
			var ahead, late int
			if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_events WHERE tenant_id = ? AND at > ?`,
				ten.ID, a.Clock.Now().UTC()).Scan(&ahead); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_events e JOIN applications x ON x.id = e.application_id
				WHERE e.tenant_id = ? AND e.action = 'escalate' AND e.at > x.decided_at`, ten.ID).Scan(&late); err != nil {
				t.Fatal(err)
			}
			if ahead != 0 || late != 0 {
				t.Errorf("%s: %d events in the future, %d escalations after the decision", slug, ahead, late)
			}
			through, err := a.Stats.Closed(ctx, ten.ID)
			if err != nil || through == "" {
				t.Fatalf("%s: nothing summed (%q, %v)", slug, through, err)
			}
		}
		if n, err := a.CloseStatsDays(ctx); err != nil || n != 0 {
			t.Errorf("round %d: the job summed %d more days (%v), want none", round, n, err)
		}
		a.Close()
	}
	if counts["fukuoka"] < 500 || counts["neyagawa"] < 300 || counts["fukuoka"] == counts["neyagawa"] {
		t.Errorf("demo volumes %v", counts)
	}
}
