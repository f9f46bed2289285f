package knowledge_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/knowledge"
)

// BenchmarkFTS5TrigramBaseline measures what SQLite's own full-text
// search (FTS5 with the trigram tokenizer, the one that reads Japanese
// without spaces) would give on the labelled query set, ranked by its
// bm25(), so the choice of our own engine rests on figures: it reports
// recall@5 and MRR beside misses (queries that found nothing). Each
// query's words are ORed as phrases; words shorter than three
// characters (窓口, 介護) cannot be asked of a trigram index at all.
func BenchmarkFTS5TrigramBaseline(b *testing.B) {
	d, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "fts.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, "CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, body, tokenize = 'trigram')"); err != nil {
		b.Skipf("this SQLite has no FTS5 trigram tokenizer: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(knowledge.SeedFile)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			b.Fatal(err)
		}
		var body strings.Builder
		for _, k := range []string{"title", "summary", "problem", "solution", "results"} {
			for _, l := range []string{"id", "ja", "en"} {
				if w, ok := m[k].(map[string]any); ok {
					body.WriteString(w[l].(string) + "\n")
				}
			}
		}
		body.WriteString(m["government"].(string))
		if _, err := d.ExecContext(ctx, "INSERT INTO docs (slug, body) VALUES (?, ?)", m["slug"], body.String()); err != nil {
			b.Fatal(err)
		}
	}
	set := querySet(b)
	for b.Loop() {
		var recall, rr float64
		misses := 0
		for _, q := range set {
			top := fts5Top(ctx, b, d, q.query)
			if len(top) == 0 {
				misses++
			}
			r, m := score(top, q.want)
			recall, rr = recall+r, rr+m
		}
		n := float64(len(set))
		b.ReportMetric(recall/n, "recall@5")
		b.ReportMetric(rr/n, "MRR")
		b.ReportMetric(float64(misses), "empty")
	}
}

// fts5Top is the five best slugs for q, none when q has no word of
// three characters or more.
func fts5Top(ctx context.Context, b *testing.B, d *sql.DB, q string) []string {
	var phrases []string
	for _, w := range strings.Fields(q) {
		if len([]rune(w)) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	if len(phrases) == 0 {
		return nil
	}
	rows, err := d.QueryContext(ctx, "SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 5", strings.Join(phrases, " OR "))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
