package kiosk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

func setup(t *testing.T, d *db.DB) (*Store, *clock.Fixed, map[string]string) {
	t.Helper()
	dir, err := region.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 11, 13, 3, 0, 0, 0, time.UTC))
	svc := tenant.NewService(d, dir, clk)
	ids := map[string]string{}
	for slug, code := range map[string]string{"fukuoka": "401307", "banyuwangi": "35.10"} {
		tn, err := svc.Create(context.Background(), audit.System, tenant.Input{Slug: slug, RegionCode: code})
		if err != nil {
			t.Fatal(err)
		}
		ids[slug] = tn.ID
	}
	return NewStore(d, clk), clk, ids
}

func TestRegisterUseRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		st, clk, ids := setup(t, d)
		ctx := context.Background()
		admin := audit.Actor{ID: db.NewID(), Label: "admin"}
		token := NewToken()
		k, err := st.Register(ctx, admin, ids["fukuoka"], "  博多公民館 1  ", "1階ロビー", token)
		if err != nil {
			t.Fatal(err)
		}
		if k.Name != "博多公民館 1" {
			t.Fatalf("name not trimmed: %q", k.Name)
		}
		got, err := st.ByToken(ctx, ids["fukuoka"], token)
		if err != nil || got.ID != k.ID || got.LastSeenAt == nil {
			t.Fatalf("by token: %+v %v", got, err)
		}
		// Another tenant, a wrong or empty token: not found.
		for _, c := range []struct{ tenant, token string }{{ids["banyuwangi"], token}, {ids["fukuoka"], NewToken()},
			{ids["fukuoka"], ""}} {
			if _, err := st.ByToken(ctx, c.tenant, c.token); !errors.Is(err, ErrNotFound) {
				t.Fatalf("by token %+v: %v", c, err)
			}
		}
		if err := st.Revoke(ctx, admin, ids["banyuwangi"], k.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("revoke from another tenant: %v", err)
		}
		clk.Advance(time.Hour)
		if err := st.Revoke(ctx, admin, ids["fukuoka"], k.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.Revoke(ctx, admin, ids["fukuoka"], k.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := st.ByToken(ctx, ids["fukuoka"], token); !errors.Is(err, ErrRevoked) {
			t.Fatalf("revoked token: %v", err)
		}
		list, err := st.List(ctx, ids["fukuoka"])
		if err != nil || len(list) != 1 || list[0].Active() {
			t.Fatalf("list: %+v %v", list, err)
		}
		if has, _ := st.HasToken(ctx, ids["fukuoka"], token); !has {
			t.Fatal("HasToken forgot a revoked kiosk")
		}
		if n, p, err := audit.Verify(ctx, d); err != nil || p != nil || n < 2 {
			t.Fatalf("audit: %d %v %v", n, p, err)
		}
	})
}

func TestValidate(t *testing.T) {
	st, _, ids := setup(t, dbtest.SQLite(t))
	for _, c := range []struct{ name, place, field string }{
		{"", "", "name"}, {"   ", "", "name"}, {strings.Repeat("あ", MaxName+1), "", "name"},
		{"Kiosk", strings.Repeat("x", MaxPlace+1), "place"},
	} {
		_, err := st.Register(context.Background(), audit.System, ids["fukuoka"], c.name, c.place, NewToken())
		var errs validation.Errors
		if !errors.As(err, &errs) || errs[0].Field != c.field {
			t.Fatalf("%q/%q: %v", c.name, c.place, err)
		}
	}
	if _, err := st.Register(context.Background(), audit.System, ids["fukuoka"], "Kiosk", "", "short"); err == nil {
		t.Fatal("short token accepted")
	}
	if list, _ := st.List(context.Background(), ids["fukuoka"]); len(list) != 0 {
		t.Fatalf("refused kiosks were saved: %d", len(list))
	}
}
