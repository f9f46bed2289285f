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
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/testenv"
	"github.com/serambi/serambi/internal/validation"
)

func setup(t *testing.T, d *db.DB) (*Store, *clock.Fixed, map[string]ids.Tenant) {
	t.Helper()
	e := testenv.New(t, d)
	tenants := map[string]ids.Tenant{}
	for slug, tn := range e.Tenants {
		tenants[slug] = tn.ID
	}
	return NewStore(d, e.Clock), e.Clock, tenants
}

func TestRegisterUseRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		st, clk, tenants := setup(t, d)
		ctx := context.Background()
		admin := audit.Actor{ID: ids.User(db.NewID()), Label: "admin"}
		setupToken := NewToken()
		k, err := st.Register(ctx, admin, tenants["fukuoka"], "  博多公民館 1  ", "1階ロビー", setupToken, false)
		if err != nil {
			t.Fatal(err)
		}
		if k.Name != "博多公民館 1" {
			t.Fatalf("name not trimmed: %q", k.Name)
		}
		if _, err := st.ByToken(ctx, tenants["fukuoka"], setupToken); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the setup link's token works as a device token: %v", err)
		}
		token, _, err := st.Setup(ctx, admin, tenants["fukuoka"], setupToken)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.ByToken(ctx, tenants["fukuoka"], token)
		if err != nil || got.ID != k.ID || got.LastSeenAt == nil {
			t.Fatalf("by token: %+v %v", got, err)
		}
		// Another tenant, a wrong or empty token: not found.
		for _, c := range []struct {
			tenant ids.Tenant
			token  string
		}{{tenants["banyuwangi"], token}, {tenants["fukuoka"], NewToken()},
			{tenants["fukuoka"], ""}} {
			if _, err := st.ByToken(ctx, c.tenant, c.token); !errors.Is(err, ErrNotFound) {
				t.Fatalf("by token %+v: %v", c, err)
			}
		}
		if err := st.Revoke(ctx, admin, tenants["banyuwangi"], k.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("revoke from another tenant: %v", err)
		}
		clk.Advance(time.Hour)
		if err := st.Revoke(ctx, admin, tenants["fukuoka"], k.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.Revoke(ctx, admin, tenants["fukuoka"], k.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := st.ByToken(ctx, tenants["fukuoka"], token); !errors.Is(err, ErrRevoked) {
			t.Fatalf("revoked token: %v", err)
		}
		list, err := st.List(ctx, tenants["fukuoka"])
		if err != nil || len(list) != 1 || list[0].Active() {
			t.Fatalf("list: %+v %v", list, err)
		}
		if has, _ := st.HasToken(ctx, tenants["fukuoka"], setupToken); !has {
			t.Fatal("HasToken forgot a revoked kiosk")
		}
		if n, p, err := audit.Verify(ctx, d); err != nil || p != nil || n < 2 {
			t.Fatalf("audit: %d %v %v", n, p, err)
		}
	})
}

func TestValidate(t *testing.T) {
	st, _, tenants := setup(t, dbtest.SQLite(t))
	for _, c := range []struct{ name, place, field string }{
		{"", "", "name"}, {"   ", "", "name"}, {strings.Repeat("あ", MaxName+1), "", "name"},
		{"Kiosk", strings.Repeat("x", MaxPlace+1), "place"},
	} {
		_, err := st.Register(context.Background(), audit.System, tenants["fukuoka"], c.name, c.place, NewToken(), false)
		var errs validation.Errors
		if !errors.As(err, &errs) || errs[0].Field != c.field {
			t.Fatalf("%q/%q: %v", c.name, c.place, err)
		}
	}
	if _, err := st.Register(context.Background(), audit.System, tenants["fukuoka"], "Kiosk", "", "short", false); err == nil {
		t.Fatal("short token accepted")
	}
	if list, _ := st.List(context.Background(), tenants["fukuoka"]); len(list) != 0 {
		t.Fatalf("refused kiosks were saved: %d", len(list))
	}
}

// TestSetupLinkWorksOnceWithinADay: a setup link makes one device the
// kiosk; a second use, a racing use or a day-old link is refused. The
// demo's reusable link works again, each time for a new device.
func TestSetupLinkWorksOnceWithinADay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		st, clk, tenants := setup(t, d)
		ctx := context.Background()
		admin := audit.Actor{ID: ids.User(db.NewID()), Label: "admin"}
		link := NewToken()
		if _, err := st.Register(ctx, admin, tenants["fukuoka"], "Kiosk 1", "", link, false); err != nil {
			t.Fatal(err)
		}
		results := make(chan error, 4)
		for range 4 {
			go func() {
				_, _, err := st.Setup(ctx, admin, tenants["fukuoka"], link)
				results <- err
			}()
		}
		won := 0
		for range 4 {
			switch err := <-results; {
			case err == nil:
				won++
			case !errors.Is(err, ErrSetupUsed):
				t.Errorf("racing setup: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d devices set up with one link, want 1", won)
		}
		if _, err := st.SetupKiosk(ctx, tenants["fukuoka"], link); !errors.Is(err, ErrSetupUsed) {
			t.Fatalf("used link: %v", err)
		}

		old := NewToken()
		if _, err := st.Register(ctx, admin, tenants["fukuoka"], "Kiosk 2", "", old, false); err != nil {
			t.Fatal(err)
		}
		clk.Advance(SetupValid + time.Minute)
		if _, _, err := st.Setup(ctx, admin, tenants["fukuoka"], old); !errors.Is(err, ErrSetupUsed) {
			t.Fatalf("a day-old link: %v", err)
		}

		demo := "demo-kiosk-fukuoka"
		if _, err := st.Register(ctx, admin, tenants["fukuoka"], "Demo", "", demo, true); err != nil {
			t.Fatal(err)
		}
		first, _, err := st.Setup(ctx, admin, tenants["fukuoka"], demo)
		if err != nil {
			t.Fatal(err)
		}
		second, _, err := st.Setup(ctx, admin, tenants["fukuoka"], demo)
		if err != nil || first == second {
			t.Fatalf("the demo link again: %v (same device token: %v)", err, first == second)
		}
	})
}
