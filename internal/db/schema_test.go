package db_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

// TestSchemasMatch: the SQLite and PostgreSQL migrations are written by
// hand side by side; after all of them both databases must have the same
// tables, columns, nullability, primary keys and indexes (names, columns,
// uniqueness). Column types differ by dialect on purpose and are not
// compared.
func TestSchemasMatch(t *testing.T) {
	lite := describe(t, dbtest.SQLite(t))
	pg := describe(t, dbtest.Postgres(t))
	for _, k := range union(lite, pg) {
		l, lok := lite[k]
		p, pok := pg[k]
		switch {
		case !lok:
			t.Errorf("only in PostgreSQL: %s = %s", k, p)
		case !pok:
			t.Errorf("only in SQLite: %s = %s", k, l)
		case l != p:
			t.Errorf("%s: SQLite %s, PostgreSQL %s", k, l, p)
		}
	}
	if len(lite) < 50 {
		t.Fatalf("only %d facts read from SQLite: the description is broken", len(lite))
	}
}

func union(a, b map[string]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// describe reads a database's schema as facts "table.column" -> "null" /
// "not null", "table PK" -> columns, "index NAME" -> "table(cols) unique".
// The migration tool's own table is left out.
func describe(t *testing.T, d *db.DB) map[string]string {
	t.Helper()
	if d.Dialect() == db.Postgres {
		return describePostgres(t, d)
	}
	return describeSQLite(t, d)
}

func query(t *testing.T, d *db.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func skipTable(name string) bool {
	return name == "goose_db_version" || strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "sqlite_")
}

func nullness(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

func describeSQLite(t *testing.T, d *db.DB) map[string]string {
	facts := map[string]string{}
	for _, tr := range query(t, d, `SELECT name FROM sqlite_master WHERE type = 'table'`) {
		table := tr[0]
		if skipTable(table) {
			continue
		}
		var pk []string
		for _, c := range query(t, d, `SELECT name, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, table) {
			// A primary key column is NOT NULL in PostgreSQL whether said
			// or not; SQLite lets it be NULL unless said.
			facts[table+"."+c[0]] = nullness(c[1] == "1" || c[2] != "0")
			if c[2] != "0" {
				pk = append(pk, c[2]+":"+c[0])
			}
		}
		slices.Sort(pk)
		for i := range pk {
			_, pk[i], _ = strings.Cut(pk[i], ":")
		}
		facts[table+" PK"] = strings.Join(pk, ",")
		for _, ix := range query(t, d, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, table) {
			if ix[2] == "pk" {
				continue // compared as the primary key
			}
			var cols []string
			for _, c := range query(t, d, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
				cols = append(cols, c[0])
			}
			if ix[2] == "u" {
				// A UNIQUE clause: its index is named by each dialect.
				facts["unique "+table+"("+strings.Join(cols, ",")+")"] = "constraint"
				continue
			}
			facts["index "+ix[0]] = fmt.Sprintf("%s(%s) unique=%v partial=%v", table, strings.Join(cols, ","), ix[1] == "1", ix[3] == "1")
		}
	}
	return facts
}

var indexCols = regexp.MustCompile(`ON \S+ USING \w+ \(([^)]*)\)`)

func describePostgres(t *testing.T, d *db.DB) map[string]string {
	facts := map[string]string{}
	for _, c := range query(t, d, `SELECT table_name, column_name, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema()`) {
		if skipTable(c[0]) {
			continue
		}
		facts[c[0]+"."+c[1]] = nullness(c[2] == "NO")
	}
	pks := map[string][]string{}
	for _, k := range query(t, d, `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
		WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position`) {
		pks[k[0]] = append(pks[k[0]], k[1])
	}
	for _, tr := range query(t, d, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`) {
		if !skipTable(tr[0]) {
			facts[tr[0]+" PK"] = strings.Join(pks[tr[0]], ",")
		}
	}
	constraints := map[string]bool{}
	for _, c := range query(t, d, `SELECT conname FROM pg_constraint WHERE contype = 'u'
		AND connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`) {
		constraints[c[0]] = true
	}
	for _, ix := range query(t, d, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()`) {
		if skipTable(ix[0]) || strings.HasSuffix(ix[1], "_pkey") {
			continue
		}
		m := indexCols.FindStringSubmatch(ix[2])
		if m == nil {
			t.Fatalf("cannot read index %s: %s", ix[1], ix[2])
		}
		cols := strings.Split(m[1], ", ")
		for i, c := range cols {
			cols[i] = strings.Trim(strings.Fields(c)[0], `"`)
		}
		if constraints[ix[1]] {
			facts["unique "+ix[0]+"("+strings.Join(cols, ",")+")"] = "constraint"
			continue
		}
		unique := strings.HasPrefix(ix[2], "CREATE UNIQUE")
		facts["index "+ix[1]] = fmt.Sprintf("%s(%s) unique=%v partial=%v", ix[0], strings.Join(cols, ","), unique, strings.Contains(ix[2], " WHERE "))
	}
	return facts
}
