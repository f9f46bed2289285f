package app

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/workflow"
)

// DemoPassword is the password of every demo account (README lists them).
const DemoPassword = "serambi-demo"

// DemoTenants are the local governments the demo starts with. They let
// people take a number while a counter is closed, so the queue can be
// tried at any hour; a new tenant refuses by default.
var DemoTenants = []tenant.Input{
	{Slug: "banyuwangi", RegionCode: "35.10", NameID: "Kabupaten Banyuwangi", NameJA: "バニュワンギ県", NameEN: "Banyuwangi Regency",
		DefaultLang: "id", ContactEmail: "layanan@banyuwangi.demo", ContactPhone: "0333 425 001",
		Address: "Jl. Ahmad Yani No. 100, Banyuwangi, Jawa Timur", BrandColor: "#00695c", AskCivilID: true, TrackingPrefix: "BWI", QueueWhileClosed: true},
	{Slug: "fukuoka", RegionCode: "401307", NameID: "Kota Fukuoka", NameJA: "福岡市", NameEN: "Fukuoka City",
		DefaultLang: "ja", ContactEmail: "madoguchi@fukuoka.demo", ContactPhone: "092-711-4111",
		Address: "福岡県福岡市中央区天神1-8-1", BrandColor: "#1a4d8f", AskCivilID: true, TrackingPrefix: "FUK", QueueWhileClosed: true},
	{Slug: "neyagawa", RegionCode: "272159", NameID: "Kota Neyagawa", NameJA: "寝屋川市", NameEN: "Neyagawa City",
		DefaultLang: "ja", ContactEmail: "info@neyagawa.demo", ContactPhone: "072-824-1181",
		Address: "大阪府寝屋川市本町1-1", BrandColor: "#6a1b9a", TrackingPrefix: "NEY", QueueWhileClosed: true},
}

// DemoAccounts lists the demo logins, for the start-up banner.
func DemoAccounts() []string {
	out := []string{"coordinator@serambi.demo"}
	for _, t := range DemoTenants {
		for _, r := range []string{"admin", "officer", "instructor", "editor", "resident"} {
			out = append(out, r+"@"+t.Slug+".demo")
		}
	}
	return out
}

var demoNames = map[string]map[string]string{
	"banyuwangi": {"admin": "Dewi Lestari", "officer": "Agus Santoso", "instructor": "Rina Wulandari", "editor": "Bayu Pratama", "resident": "Ibu Siti Aminah"},
	"fukuoka":    {"admin": "山田 花子", "officer": "佐藤 健", "instructor": "中村 由美", "editor": "小林 誠", "resident": "田中 一郎"},
	"neyagawa":   {"admin": "高橋 恵", "officer": "鈴木 大輔", "instructor": "伊藤 さくら", "editor": "加藤 直子", "resident": "渡辺 和子"},
}

// SeedDemo creates the demo tenants and accounts if they are missing. It
// changes nothing on a second run, so `serve --demo` can restart freely.
func SeedDemo(ctx context.Context, a *App) error {
	_, err := a.Identity.EnsureUser(ctx, audit.System, identity.EnsureInput{
		Email: "coordinator@serambi.demo", Name: "Koordinator Jejaring", Password: DemoPassword, Lang: "en",
		Coordinator: true, MFAExempt: true,
	})
	if err != nil {
		return err
	}
	for _, in := range DemoTenants {
		t, err := a.Tenants.BySlug(ctx, in.Slug)
		if errors.Is(err, tenant.ErrNotFound) {
			t, err = a.Tenants.Create(ctx, audit.System, in)
		}
		if err != nil {
			return err
		}
		if err := seedDemoPeople(ctx, a, t); err != nil {
			return err
		}
		if err := seedDemoServices(ctx, a, t); err != nil {
			return err
		}
		if err := seedDemoCounters(ctx, a, t); err != nil {
			return err
		}
		if err := seedDemoKiosk(ctx, a, t); err != nil {
			return fmt.Errorf("demo kiosk: %w", err)
		}
		if err := seedDemoClasses(ctx, a, t); err != nil {
			return fmt.Errorf("demo classes: %w", err)
		}
		if err := seedDemoSurveys(ctx, a, t); err != nil {
			return err
		}
		if err := seedDemoHistory(ctx, a, t); err != nil {
			return err
		}
		if a.demoVisitors {
			if err := seedDemoVisitors(ctx, a, t); err != nil {
				return fmt.Errorf("demo queue and appointment: %w", err)
			}
		}
	}
	return seedDemoPractices(ctx, a)
}

// demoRuns links seed practices to what their demo tenants run, so an
// adopter can copy it: Neyagawa's smartphone classes (its first course)
// Banyuwangi's online birth-certificate service, and Fukuoka's remote
// counter for residence records.
var demoRuns = map[string][]knowledge.Run{
	"neyagawa-city-app":      {{Kind: "course", Code: "first-steps"}},
	"banyuwangi-mpp-digital": {{Kind: "service", Code: "AKTA-LAHIR"}},
	"fukuoka-remote-counter": {{Kind: "counter", Code: "JUMIN"}},
}

// seedDemoPractices loads the network's 30 seed practices, with the demo
// tenants' runs added to their lines (idempotent: a restart changes
// nothing).
func seedDemoPractices(ctx context.Context, a *App) error {
	var file bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace(knowledge.SeedFile), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			return fmt.Errorf("demo practices: %w", err)
		}
		if runs, ok := demoRuns[fmt.Sprint(m["slug"])]; ok {
			m["runs"] = runs
		}
		out, err := json.Marshal(m)
		if err != nil {
			return err
		}
		file.Write(append(out, '\n'))
	}
	rep, err := a.Practices.Import(ctx, audit.System, &file)
	if err != nil {
		return fmt.Errorf("demo practices: %w", err)
	}
	if n := rep.Count(knowledge.Refused); n > 0 {
		return fmt.Errorf("demo practices: %d seed lines refused: %+v", n, rep.Lines)
	}
	return nil
}

// DemoKioskToken is the setup token of a demo tenant's kiosk: open
// /{slug}/kiosk/setup/{token} on any browser to make it the kiosk. Known
// tokens, and links that work more than once, are for the demo only; real
// kiosks get random links that work once, within a day.
func DemoKioskToken(slug string) string { return "demo-kiosk-" + slug }

func seedDemoKiosk(ctx context.Context, a *App, t tenant.Tenant) error {
	token := DemoKioskToken(t.Slug)
	has, err := a.Kiosks.HasToken(ctx, t.ID, token)
	if err != nil {
		return err
	}
	if has {
		return a.Kiosks.KeepDemoLinkReusable(ctx, t.ID, token)
	}
	name, place := "Kiosk 1", "Community hall"
	switch t.Slug {
	case "fukuoka":
		name, place = "キオスク1", "博多区 公民館 1階"
	case "neyagawa":
		name, place = "キオスク1", "寝屋川市 地域センター"
	case "banyuwangi":
		name, place = "Kios 1", "Balai Desa Kemiren"
	}
	_, err = a.Kiosks.Register(ctx, audit.System, t.ID, name, place, token, true)
	return err
}

func seedDemoPeople(ctx context.Context, a *App, t tenant.Tenant) error {
	for _, role := range []identity.Role{identity.Admin, identity.Officer, identity.Instructor, identity.Editor, identity.Resident} {
		_, err := a.Identity.EnsureUser(ctx, audit.System, identity.EnsureInput{
			Email: string(role) + "@" + t.Slug + ".demo", Name: demoNames[t.Slug][string(role)], Password: DemoPassword,
			Lang: t.DefaultLang, MFAExempt: true, TenantID: t.ID, Roles: []identity.Role{role},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

//go:embed demodata/*.json
var demoServices embed.FS

// seedDemoServices gives each demo tenant its services (Banyuwangi the
// Indonesian ones, the Japanese cities the Japanese ones) unless a service
// with that code exists already: an admin's edits survive a restart.
func seedDemoServices(ctx context.Context, a *App, t tenant.Tenant) error {
	prefix := "japan-"
	if t.Slug == "banyuwangi" {
		prefix = "banyuwangi-"
	}
	files, err := fs.Glob(demoServices, "demodata/"+prefix+"*.json")
	if err != nil {
		return err
	}
	for _, f := range files {
		raw, err := demoServices.ReadFile(f)
		if err != nil {
			return err
		}
		svc, err := catalog.Import(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if len(svc.Workflow.States) == 0 {
			svc.Workflow = workflow.Standard()
		}
		if _, err := a.Catalog.ByCode(ctx, t.ID, svc.Code); err == nil {
			continue
		}
		if _, err := a.Catalog.Save(ctx, audit.System, t.ID, svc); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	return nil
}

// demoCounters are two remote counters per demo tenant, open on working
// days, so `serve --demo` has free times every working day.
var demoCounters = map[string][]counter.Counter{
	"banyuwangi": {
		{Code: "ADMINDUK", Names: map[string]string{"id": "Administrasi Kependudukan", "ja": "住民登録（アドミンドゥク）", "en": "Civil registration"},
			SlotMinutes: 20, BufferAfter: 5, Capacity: 2, Active: true},
		{Code: "BPJS", Names: map[string]string{"id": "Jaminan Kesehatan", "ja": "健康保険（BPJS）", "en": "Health insurance"},
			SlotMinutes: 30, Capacity: 1, Active: true},
	},
	"japan": {
		{Code: "JUMIN", Names: map[string]string{"id": "Catatan penduduk", "ja": "住民記録", "en": "Residence records"},
			SlotMinutes: 20, BufferAfter: 5, Capacity: 2, Active: true},
		{Code: "KOKUHO", Names: map[string]string{"id": "Asuransi Kesehatan Nasional", "ja": "国民健康保険", "en": "National Health Insurance"},
			SlotMinutes: 30, Capacity: 1, Active: true},
	},
}

// weekdayPlan opens Monday to Friday, morning and afternoon.
func weekdayPlan(japan bool) []counter.Hours {
	amStart, pmEnd := 8*60, 15*60 // Indonesian offices start early
	if japan {
		amStart, pmEnd = 9*60, 17*60
	}
	var plan []counter.Hours
	for d := time.Monday; d <= time.Friday; d++ {
		plan = append(plan, counter.Hours{Weekday: d, Start: amStart, End: 12 * 60}, counter.Hours{Weekday: d, Start: 13 * 60, End: pmEnd})
	}
	return plan
}

// seedDemoCounters adds the counters (staffed by the demo officer) unless
// they exist.
func seedDemoCounters(ctx context.Context, a *App, t tenant.Tenant) error {
	key := "japan"
	if t.Slug == "banyuwangi" {
		key = "banyuwangi"
	}
	officer, err := a.Identity.ByLogin(ctx, "officer@"+t.Slug+".demo")
	if err != nil {
		return err
	}
	existing, err := a.Counters.List(ctx, t.ID, false)
	if err != nil {
		return err
	}
	for _, c := range demoCounters[key] {
		if slices.ContainsFunc(existing, func(e counter.Counter) bool { return e.Code == c.Code }) {
			continue
		}
		if _, err := a.Counters.Save(ctx, audit.System, t.ID, c, weekdayPlan(key == "japan"), []ids.User{officer.ID}); err != nil {
			return fmt.Errorf("counter %s: %w", c.Code, err)
		}
	}
	return nil
}

// seedDemoVisitors makes the demo counter look alive: people waiting in
// today's queue at the tenant's first counter (one an older person with
// priority), and the demo resident's next appointment there. A restart on
// a later day adds today's waiting people again.
func seedDemoVisitors(ctx context.Context, a *App, t tenant.Tenant) error {
	cs, err := a.Counters.List(ctx, t.ID, true)
	if err != nil || len(cs) == 0 {
		return err
	}
	c := cs[0]
	waiting, err := a.Queue.Waiting(ctx, t.ID, c.ID)
	if err != nil {
		return err
	}
	if len(waiting) == 0 {
		for _, v := range []struct{ source, priority string }{{"kiosk", ""}, {"qr", "elderly"}, {"web", ""}} {
			if _, err := a.Queue.Take(ctx, audit.System, t, c.ID, "", v.source, v.priority); err != nil {
				return err
			}
		}
	}
	resident, err := a.Identity.ByLogin(ctx, "resident@"+t.Slug+".demo")
	if err != nil {
		return err
	}
	mine, err := a.Counters.Mine(ctx, t.ID, resident.ID)
	if err != nil || slices.ContainsFunc(mine, func(ap counter.Appointment) bool {
		return ap.Status == counter.Booked && ap.Start.After(a.Clock.Now())
	}) {
		return err
	}
	from := a.Clock.Now().In(t.Location())
	slots, err := a.Counters.Slots(ctx, t, c.ID, from, from.AddDate(0, 0, 14))
	if err != nil {
		return err
	}
	for _, sl := range slots {
		if sl.Free > 0 {
			_, err = a.Counters.Book(ctx, audit.System, t, c.ID, resident.ID, sl.Start, "")
			return err
		}
	}
	return nil
}
