// Package dbtest gives every store test a fresh, migrated database of each
// dialect: a SQLite file in t.TempDir() and, when SERAMBI_TEST_POSTGRES_URL is
// set, a PostgreSQL schema of its own that is dropped afterwards. This is the
// conformance suite: a store test written once runs on both.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/testnote"
)

// PostgresEnv names the variable holding the PostgreSQL URL for tests.
const PostgresEnv = "SERAMBI_TEST_POSTGRES_URL"

// RequireEnv, when "1", turns a missing database or browser into a failure
// instead of a skip (CI sets it so nothing is skipped silently).
const RequireEnv = "SERAMBI_TEST_REQUIRE_ALL"

// Required tells whether skipping is forbidden in this run.
// PostgresReason is why PostgreSQL tests skip, said the same way everywhere.
const PostgresReason = "set " + PostgresEnv + " (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)"

func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Each runs fn once per available dialect, as subtests named after it.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Postgres(t))
	})
}

// SQLite opens a fresh migrated SQLite database for t.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return d
}

// Postgres opens a fresh migrated PostgreSQL schema for t, or skips with the
// reason (fails under SERAMBI_TEST_REQUIRE_ALL=1) when none is configured.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	u, ok := NewSchema(t)
	if !ok {
		if Required() {
			t.Fatalf("%s is not set but %s=1: the PostgreSQL suite must run", PostgresEnv, RequireEnv)
		}
		testnote.Skip(t, "PostgreSQL suite", PostgresReason)
	}
	d, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return d
}

// WithSchema returns the URL with search_path set to schema.
func WithSchema(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// NewSchema creates an empty schema, dropped when t ends, and returns the
// URL that uses it; false when no PostgreSQL is configured. An unreachable
// server fails the test: the variable says it should be there.
func NewSchema(t testing.TB) (string, bool) {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return "", false
	}
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres at %s: %v", db.RedactURL(base), err)
	}
	t.Cleanup(func() { dropSchema(base, schema) })
	return WithSchema(base, schema), true
}

func dropSchema(base, schema string) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer admin.Close()
	_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TenantTables lists the tables with a tenant_id column: everything a
// tenant owns, for tests that prove one tenant's rows unchanged or gone.
func TenantTables(t testing.TB, d *db.DB) []string {
	t.Helper()
	q := `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'tenant_id' ORDER BY m.name`
	if d.Dialect() == db.Postgres {
		q = `SELECT table_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name = 'tenant_id' ORDER BY table_name`
	}
	rows, err := d.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("list the tenant tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil || len(out) < 20 {
		t.Fatalf("tenant tables: %v (%d found)", err, len(out))
	}
	return out
}

// TenantRows is every row tenantID holds in each tenant table, written
// out as text (table -> rows in primary order): two snapshots are equal
// exactly when nothing of the tenant changed.
func TenantRows(t testing.TB, d *db.DB, tenantID string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range TenantTables(t, d) {
		rows, err := d.QueryContext(context.Background(), "SELECT * FROM "+table+" WHERE tenant_id = ? ORDER BY 1", tenantID)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				t.Fatalf("read %s: %v", table, err)
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		rows.Close()
		out[table] = b.String()
	}
	return out
}
