package knowledge_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/testenv"
)

// The size of the library and of the crowd searching it: a national
// exchange after some years, and the readers of a busy day at once (the
// target: p99 under 50 ms for them). One client alone shows what a
// search costs without waiting for the others.
const benchPractices = 10_000

var benchClients = []int{1, 50}

// BenchmarkSearch10k imports 10,000 practices (variants of the 30 seed
// lines) on each database, then has 1 and then 50 clients run the
// labelled queries round-robin, b.N searches in all, and reports their
// latency (p50_ms, p99_ms), the rate (searches/s), and what building the
// index cost (build_s, heap_MB: the live heap it added). Recorded in
// docs/benchmarks.md; run with
//
//	go test -run X -bench Search10k -benchtime 1000x ./internal/knowledge/
func BenchmarkSearch10k(b *testing.B) {
	queries := benchQueries(b)
	dialects := []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}}
	for _, dialect := range dialects {
		// The import runs in this outer function, which go test calls once
		// because it has a sub-benchmark; the inner one is called again for
		// each b.N it tries.
		b.Run(dialect.name, func(b *testing.B) {
			lib, cost := loadLibrary(b, dialect.open(b))
			for _, clients := range benchClients {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					lat, wall := searchConcurrently(b, lib, queries, clients)
					reportSearches(b, lat, wall, cost)
				})
			}
		})
	}
}

// buildCost is what the first search paid to build the library: the time
// (reading every practice from the database, decoding it, indexing it)
// and the live heap it added.
type buildCost struct{ seconds, heapMB float64 }

// loadLibrary imports benchPractices practices into d in one stream and
// builds the library's index with a first search, measured.
func loadLibrary(b *testing.B, d *db.DB) (*knowledge.Library, buildCost) {
	b.Helper()
	w := testenv.Bare(b, d)
	st := knowledge.NewStore(d, w.Clock, w.Regions)
	st.Library().SetTagWords(tagWords(b))
	start := time.Now()
	rep, err := st.Import(w.Ctx, audit.CLI, bytes.NewReader(manyPractices(b, benchPractices)))
	if err != nil {
		b.Fatalf("import: %v", err)
	}
	if n := rep.Count(knowledge.Added); n != benchPractices {
		b.Fatalf("imported %d of %d practices: %+v", n, benchPractices, firstRefused(rep))
	}
	b.Logf("%s: imported %d practices in %v", d.Dialect(), benchPractices, time.Since(start).Round(time.Millisecond))
	return st.Library(), measureBuild(b, w.Ctx, st.Library())
}

func firstRefused(rep knowledge.Report) knowledge.LineResult {
	for _, l := range rep.Lines {
		if l.Outcome != knowledge.Added {
			return l
		}
	}
	return knowledge.LineResult{}
}

// measureBuild runs the first search, which builds the index, with the
// heap collected before and after so the difference is what stays live.
func measureBuild(b *testing.B, ctx context.Context, lib *knowledge.Library) buildCost {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	if _, err := lib.Find(ctx, knowledge.Search{Text: "loket", Lang: "en", Limit: 20}); err != nil {
		b.Fatalf("first search: %v", err)
	}
	secs := time.Since(start).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return buildCost{secs, float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)}
}

// searchConcurrently runs b.N searches from as many goroutines as
// clients, the queries taken in turn, and returns each search's latency
// (by search number) and the wall time of the whole run.
func searchConcurrently(b *testing.B, lib *knowledge.Library, queries []string, clients int) ([]time.Duration, time.Duration) {
	ctx := context.Background()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < b.N; i = int(next.Add(1)) - 1 {
				t0 := time.Now()
				_, err := lib.Find(ctx, knowledge.Search{Text: queries[i%len(queries)], Lang: "en", Limit: 20})
				lat[i] = time.Since(t0)
				if err != nil {
					b.Error(err) // Fatal may not be called from another goroutine
					return
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	b.StopTimer()
	return lat, wall
}

func reportSearches(b *testing.B, lat []time.Duration, wall time.Duration, cost buildCost) {
	slices.Sort(lat)
	ms := func(q float64) float64 {
		return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50_ms")
	b.ReportMetric(ms(0.99), "p99_ms")
	b.ReportMetric(float64(len(lat))/wall.Seconds(), "searches/s")
	b.ReportMetric(cost.seconds, "build_s")
	b.ReportMetric(cost.heapMB, "heap_MB")
}

// manyPractices writes n practices as one JSON Lines stream: copy i is
// seed line i%30 under the slug "<slug>-<i>", with the results of
// another seed practice (900 combinations) and a sentence in each
// language naming a place and a year, so no two documents are the same
// and the index holds 10,000 distinct ones, not 30 repeated.
func manyPractices(b *testing.B, n int) []byte {
	b.Helper()
	seed := seedLines(b)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range n {
		if err := enc.Encode(practiceVariant(seed, i)); err != nil {
			b.Fatal(err)
		}
	}
	return buf.Bytes()
}

func practiceVariant(seed []map[string]any, i int) map[string]any {
	p := maps.Clone(seed[i%len(seed)])
	other := seed[(i/len(seed))%len(seed)]
	place := seed[(i*7+3)%len(seed)]["government"].(string)
	year := 2010 + i%16
	p["slug"] = fmt.Sprintf("%s-%d", p["slug"], i)
	p["results"] = other["results"]
	summary := maps.Clone(p["summary"].(map[string]any))
	for lang, sentence := range map[string]string{
		"en": fmt.Sprintf(" In %d the same approach was also tried in %s.", year, place),
		"id": fmt.Sprintf(" Pada %d cara yang sama juga dicoba di %s.", year, place),
		"ja": fmt.Sprintf("%d年には%sでも同じ方法が試された。", year, place),
	} {
		if s, ok := summary[lang].(string); ok {
			summary[lang] = s + sentence
		}
	}
	p["summary"] = summary
	return p
}

func seedLines(b *testing.B) []map[string]any {
	b.Helper()
	var out []map[string]any
	for line := range bytes.Lines(knowledge.SeedFile) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			b.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// benchQueries is the query column of the labelled set.
func benchQueries(b *testing.B) []string {
	b.Helper()
	f, err := os.Open("testdata/queries.tsv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if parts := strings.Split(sc.Text(), "\t"); len(parts) == 3 && !strings.HasPrefix(parts[0], "#") {
			out = append(out, parts[1])
		}
	}
	if err := sc.Err(); err != nil || len(out) == 0 {
		b.Fatalf("read the labelled queries: %v (%d read)", err, len(out))
	}
	return out
}

// tagWords names each tag in every language, as the site does, so a
// query for a tag's word finds the practices tagged with it.
func tagWords(b *testing.B) func(tag string) []string {
	b.Helper()
	messages, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	return func(tag string) []string {
		var out []string
		for _, l := range locale.Langs {
			out = append(out, messages.T(l, "exchange.tag."+tag))
		}
		return out
	}
}
