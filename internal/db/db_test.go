package db_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/testnote"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT '?' , ?", "SELECT '?' , $1"},
	}
	for _, c := range cases {
		if got := db.Rebind(db.Postgres, c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := db.Rebind(db.SQLite, c.in); got != c.in {
			t.Errorf("sqlite Rebind changed %q", c.in)
		}
	}
}

func TestTransactionIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = ? WHERE id = 1", 42); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		var seq int64
		if err := d.QueryRowContext(ctx, "SELECT seq FROM audit_head WHERE id = ?", 1).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		if seq != 0 {
			t.Fatalf("rolled-back write is visible: seq = %d", seq)
		}
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if err := d.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

func TestOpenRejectsUnknownScheme(t *testing.T) {
	t.Parallel()
	if _, err := db.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("want error for mysql URL")
	}
}

func TestSQLiteBackupIsConsistentCopy(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, "UPDATE audit_head SET seq = 7 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := d.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	c, err := db.Open(ctx, "sqlite:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var seq int
	if err := c.QueryRowContext(ctx, "SELECT seq FROM audit_head").Scan(&seq); err != nil || seq != 7 {
		t.Fatalf("backup seq = %d, %v; want 7", seq, err)
	}
	if err := d.Backup(ctx, out); err == nil {
		t.Fatal("backup over an existing file must be refused")
	}
}

func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	url, ok := dbtest.NewSchema(t)
	if !ok {
		if dbtest.Required() {
			t.Fatal("PostgreSQL required")
		}
		testnote.Skip(t, "PostgreSQL suite", dbtest.PostgresReason)
	}
	ctx := context.Background()
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			d, err := db.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer d.Close()
			errs <- d.Migrate(ctx)
		}()
	}
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
}

// TestIsUniqueViolation: a duplicate key is recognised by the driver's
// code on both databases, wrapped or not; other failures, and an error
// that merely quotes the words, are not.
func TestIsUniqueViolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, `CREATE TABLE uv (k TEXT PRIMARY KEY, u TEXT NOT NULL UNIQUE)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO uv (k, u) VALUES ('a', 'x')`); err != nil {
			t.Fatal(err)
		}
		_, dupKey := d.ExecContext(ctx, `INSERT INTO uv (k, u) VALUES ('a', 'y')`)
		_, dupUnique := d.ExecContext(ctx, `INSERT INTO uv (k, u) VALUES ('b', 'x')`)
		_, notNull := d.ExecContext(ctx, `INSERT INTO uv (k, u) VALUES ('c', NULL)`)
		for name, tt := range map[string]struct {
			err  error
			want bool
		}{
			"duplicate primary key":   {dupKey, true},
			"duplicate unique column": {dupUnique, true},
			"wrapped":                 {fmt.Errorf("save: %w", dupUnique), true},
			"not null":                {notNull, false},
			"words only":              {errors.New("UNIQUE constraint failed: SQLSTATE 23505"), false},
			"nil":                     {nil, false},
		} {
			if got := db.IsUniqueViolation(tt.err); got != tt.want {
				t.Errorf("%s: IsUniqueViolation(%v) = %v, want %v", name, tt.err, got, tt.want)
			}
		}
	})
}

// TestAtomicallyJoins: InTx and plain writes inside Atomically join its
// transaction, see its own writes, and roll back with it; AfterCommit
// waits for the commit and never runs after a rollback.
func TestAtomicallyJoins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seq := func() (n int64) {
			t.Helper()
			if err := d.QueryRowContext(ctx, "SELECT seq FROM audit_head WHERE id = 1").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		boom := errors.New("boom")
		ran := 0
		err := d.Atomically(ctx, func(ctx context.Context) error {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = 7 WHERE id = 1")
				return err
			}); err != nil {
				return err
			}
			var inside int64
			if err := d.QueryRowContext(ctx, "SELECT seq FROM audit_head WHERE id = 1").Scan(&inside); err != nil {
				return err
			}
			if inside != 7 {
				t.Errorf("a read inside the flow sees %d, want its own write 7", inside)
			}
			db.AfterCommit(ctx, func() { ran++ })
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Atomically error = %v, want boom", err)
		}
		if got := seq(); got != 0 || ran != 0 {
			t.Fatalf("after rollback: seq = %d, after-commit ran %d times; want 0 and 0", got, ran)
		}
		err = d.Atomically(ctx, func(ctx context.Context) error {
			if _, err := d.ExecContext(ctx, "UPDATE audit_head SET seq = 9 WHERE id = 1"); err != nil {
				return err
			}
			db.AfterCommit(ctx, func() {
				if seq() != 9 {
					t.Error("after-commit ran before the commit")
				}
				ran++
			})
			return nil
		})
		if err != nil || seq() != 9 || ran != 1 {
			t.Fatalf("commit: err %v, seq %d, after-commit ran %d times; want nil, 9, 1", err, seq(), ran)
		}
		db.AfterCommit(ctx, func() { ran++ })
		if ran != 2 {
			t.Fatal("AfterCommit without a transaction did not run at once")
		}
	})
}
