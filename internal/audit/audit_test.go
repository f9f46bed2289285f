package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

func seed(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return audit.Append(ctx, tx, audit.Entry{
				ActorID: "u1", ActorLabel: "admin@x.demo", TenantID: "t1",
				Action: "tenant.update", Object: fmt.Sprintf("tenant:%d", i), Summary: "name a -> b", IP: "127.0.0.1",
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// As the server does a moment after each change on PostgreSQL.
	if _, err := audit.Link(ctx, d); err != nil {
		t.Fatal(err)
	}
}

func mustVerify(t *testing.T, d *db.DB) (int64, *audit.Problem) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return n, p
}

func TestChainIntact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d, 5)
		n, p := mustVerify(t, d)
		if p != nil || n != 5 {
			t.Fatalf("verify = %d, %v; want 5 intact", n, p)
		}
	})
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string
		wantSeq int64
		reason  string
	}{
		{"edited", "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 3", 3, "altered"},
		{"edited actor", "UPDATE audit_log SET actor_label = 'someone' WHERE seq = 2", 2, "altered"},
		{"deleted", "DELETE FROM audit_log WHERE seq = 3", 3, "deleted"},
		{"deleted last", "DELETE FROM audit_log WHERE seq = 5", 5, "deleted"},
		{"inserted", "INSERT INTO audit_log (seq, at, actor_id, actor_label, tenant_id, action, object, summary, ip, prev_hash, hash) " +
			"SELECT 6, at, actor_id, actor_label, tenant_id, action, object, summary, ip, 'forged', hash FROM audit_log WHERE seq = 5", 6, "inserted"},
		{"inserted with renumbering", "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3", 3, "deleted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				seed(t, d, 5)
				if _, err := d.ExecContext(context.Background(), c.tamper); err != nil {
					t.Fatal(err)
				}
				_, p := mustVerify(t, d)
				if p == nil {
					t.Fatal("tampering not detected")
				}
				if p.Seq != c.wantSeq || !strings.Contains(p.Reason, c.reason) {
					t.Fatalf("problem = %v; want seq %d %q", p, c.wantSeq, c.reason)
				}
			})
		})
	}
}

// Writers and linkers (every node runs one on PostgreSQL) side by side
// still make one chain with every entry in it once.
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 30)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs <- d.InTx(ctx, func(tx *db.Tx) error {
					return audit.Append(ctx, tx, audit.Entry{ActorLabel: "system", Action: "test", Object: fmt.Sprint(i)})
				})
				if i%2 == 0 {
					_, err := audit.Link(ctx, d)
					errs <- err
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, p := mustVerify(t, d)
		if p != nil || n != 20 {
			t.Fatalf("verify = %d, %v; want 20 intact", n, p)
		}
	})
}

func TestListFiltersByTenant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d, 3)
		ctx := context.Background()
		if err := d.InTx(ctx, func(tx *db.Tx) error { return audit.Append(ctx, tx, audit.Entry{TenantID: "t2", Action: "x"}) }); err != nil {
			t.Fatal(err)
		}
		got, err := audit.List(ctx, d, audit.Filter{TenantID: "t2"})
		if err != nil || len(got) != 1 || got[0].TenantID != "t2" {
			t.Fatalf("List t2 = %v, %v", got, err)
		}
		all, _ := audit.List(ctx, d, audit.Filter{All: true})
		if len(all) != 4 || all[0].Seq != 4 {
			t.Fatalf("List all = %d entries, first seq %d", len(all), all[0].Seq)
		}
	})
}

// TestChainHashedAlikeOnBothDialects: PostgreSQL hashes an entry in SQL
// and Go checks it; entries in Japanese and Indonesian, empty fields and
// more than nine of them (two-digit sequence numbers) verify alike.
func TestChainHashedAlikeOnBothDialects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i, e := range []audit.Entry{
			{ActorLabel: "system", Action: "tenant.create", Object: "tenant:fukuoka", Summary: "福岡市 窓口「住民票」"},
			{ActorID: "u1", ActorLabel: "petugas@banyuwangi.go.id", TenantID: "t1", Action: "ticket.call",
				Object: "ticket:A-001", Summary: "Nomor dipanggil — loket 1 ✓", IP: "2001:db8::1"},
			{Action: "x"},
		} {
			for j := 0; j < 4; j++ {
				e.Object = fmt.Sprintf("%s#%d-%d", e.Object, i, j)
				if err := d.InTx(ctx, func(tx *db.Tx) error { return audit.Append(ctx, tx, e) }); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n, p := mustVerify(t, d); p != nil || n != 12 {
			t.Fatalf("verify = %d, %v; want 12 intact", n, p)
		}
	})
}

// On PostgreSQL entries are linked after their transaction commits, from
// the times the database gives back: the hash must come out as when it was
// written whatever the zone and fraction (a whole second, trailing zeros,
// one microsecond; nanoseconds are cut). Several entries of one
// transaction keep their order, and a rolled-back entry leaves no hole in
// the numbers.
func TestChainHashesTimesAlikeAfterLinking(t *testing.T) {
	jakarta := time.FixedZone("WIB", 7*3600)
	times := []time.Time{
		time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 5, 9, 0, 0, 120_000_000, time.UTC),
		time.Date(2026, 12, 5, 9, 0, 0, 1_000, time.UTC),
		time.Date(2026, 12, 5, 23, 59, 59, 999_999_000, jakarta),
		time.Date(2026, 1, 2, 3, 4, 5, 600_700_800, jakarta), // nanoseconds are cut to microseconds
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i, at := range times {
				if err := audit.Append(ctx, tx, audit.Entry{At: at, Action: "time.check", Object: fmt.Sprint("n:", i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rolledBack := d.InTx(ctx, func(tx *db.Tx) error {
			if err := audit.Append(ctx, tx, audit.Entry{Action: "never"}); err != nil {
				return err
			}
			return fmt.Errorf("change refused")
		})
		if rolledBack == nil {
			t.Fatal("the refused change committed")
		}
		seed(t, d, 1)
		if n, p := mustVerify(t, d); p != nil || n != int64(len(times)+1) {
			t.Fatalf("verify = %d, %v; want %d intact", n, p, len(times)+1)
		}
		entries, err := audit.List(ctx, d, audit.Filter{All: true, Action: "time.check"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, e := range entries {
			got[e.Object] = e.Seq
		}
		for i := range times {
			if got[fmt.Sprint("n:", i)] != int64(i+1) {
				t.Errorf("entry n:%d has number %d, want %d (order of writing)", i, got[fmt.Sprint("n:", i)], i+1)
			}
		}
	})
}
