package catalog_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/workflow"
)

func demo(t *testing.T, file string) catalog.Service {
	t.Helper()
	raw, err := os.ReadFile("../app/demodata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := catalog.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	svc.Workflow = workflow.Standard()
	return svc
}

func TestSaveFindExportImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC))
		regions, _ := region.Load()
		tenants := tenant.NewService(d, regions, clk)
		a, _ := tenants.Create(ctx, audit.System, tenant.Input{Slug: "fukuoka", RegionCode: "401307"})
		b, _ := tenants.Create(ctx, audit.System, tenant.Input{Slug: "neyagawa", RegionCode: "272159"})
		st := catalog.NewStore(d, clk)
		saved, err := st.Save(ctx, audit.System, a.ID, demo(t, "japan-juminhyo.json"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.ByCode(ctx, a.ID, "juminhyo")
		if err != nil || got.ID != saved.ID || got.Names["ja"] != "住民票の写し" || len(got.Form.Fields) != 7 || got.FeeAmount != 300 {
			t.Fatalf("ByCode = %+v, %v", got.Code, err)
		}
		if _, err := st.ByCode(ctx, b.ID, "JUMINHYO"); !errors.Is(err, catalog.ErrNotFound) {
			t.Fatalf("another tenant's service found: %v", err)
		}
		// An edit is seen at once (the cache is dropped on save).
		got.SLADays = 5
		if _, err := st.Save(ctx, audit.System, a.ID, got); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.ByID(ctx, a.ID, saved.ID); again.SLADays != 5 || again.ID != saved.ID {
			t.Fatalf("after the edit: sla %d id %s", again.SLADays, again.ID)
		}
		// Export then import into another tenant gives the same definition.
		raw, err := catalog.Export(got)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := catalog.Import(raw)
		if err != nil {
			t.Fatal(err)
		}
		copy, err := st.Save(ctx, audit.System, b.ID, imp)
		if err != nil || copy.ID == saved.ID || len(copy.Form.Fields) != len(got.Form.Fields) {
			t.Fatalf("imported copy: %v", err)
		}
		list, _ := st.List(ctx, b.ID, true)
		if len(list) != 1 {
			t.Fatalf("published list of b: %d", len(list))
		}
		n, p, err := audit.Verify(ctx, d)
		if err != nil || p != nil || n < 3 {
			t.Fatalf("audit: %d %v %v", n, p, err)
		}
	})
}

func TestValidateRefusesBrokenServices(t *testing.T) {
	t.Parallel()
	base := func() catalog.Service { return demo(t, "banyuwangi-kia.json") }
	cases := []struct {
		name   string
		change func(*catalog.Service)
		field  string
	}{
		{"code", func(s *catalog.Service) { s.Code = "a b" }, "code"},
		{"name in no language", func(s *catalog.Service) { s.Names = catalog.Labels{"ja": " "} }, "names"},
		{"sla", func(s *catalog.Service) { s.SLADays = 0 }, "sla_days"},
		{"NUL in an option, as a JSON escape would give", func(s *catalog.Service) { s.Form.Fields[0].Labels["en"] = "Name\x00" }, "names"},
		{"right-to-left override in a state", func(s *catalog.Service) { s.Workflow.States[0].Labels["id"] = "Draf\u202e" }, "names"},
		{"fee currency", func(s *catalog.Service) { s.FeeAmount, s.FeeCurrency = 100, "USD" }, "fee"},
		{"output", func(s *catalog.Service) { s.Output.Kind = "poster" }, "output"},
		{"form", func(s *catalog.Service) { s.Form.Fields[0].Type = "hologram" }, "form"},
		{"workflow", func(s *catalog.Service) { s.Workflow.Actions = nil }, "workflow"},
	}
	for _, c := range cases {
		s := base()
		c.change(&s)
		errs := catalog.Validate(&s)
		if _, ok := errs.For(c.field); !ok {
			t.Errorf("%s: errors %v, want one on %s", c.name, errs, c.field)
		}
	}
	ok := base()
	if errs := catalog.Validate(&ok); len(errs) != 0 {
		t.Fatalf("demo service invalid: %v", errs)
	}
	if _, err := catalog.Import([]byte(`{"code":"X","surprise":1}`)); err == nil {
		t.Fatal("unknown fields imported")
	} else if _, isVal := err.(validation.Errors); !isVal {
		t.Fatalf("import error is %T", err)
	}
}

// TestOneLanguageIsEnough: an admin may write a name or a label in the
// tenant's language only; readers of the others are told it is not translated.
func TestOneLanguageIsEnough(t *testing.T) {
	s := demo(t, "banyuwangi-kia.json")
	s.Names = catalog.Labels{"id": "Kartu Identitas Anak"}
	s.Requirements[0].Labels = catalog.Labels{"id": "Akta kelahiran"}
	if errs := catalog.Validate(&s); len(errs) > 0 {
		t.Fatalf("a service written in Japanese only: %v", errs)
	}
	if !s.Untranslated("en") || !s.Untranslated("ja") {
		t.Error("the English and Japanese readers are not told")
	}
	if got := s.Names.In("ja"); got != "Kartu Identitas Anak" {
		t.Errorf("the Japanese reader sees %q, want the Indonesian name", got)
	}
}
