package app_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/config"
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
