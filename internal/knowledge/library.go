package knowledge

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serambi/serambi/internal/fulltext"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
)

// Library is the published practices held in memory with their search
// index. Every node builds its own from the database and rebuilds it
// when the practices' stamp (count and last change) moves, which it
// asks at most once a second — or at once after a change on this node —
// so a practice published on one node is found on the others within a
// second. Searching never touches the database, so the same query gives
// the same answer on SQLite and PostgreSQL.
type Library struct {
	store    *Store
	snap     atomic.Pointer[snapshot]
	checked  atomic.Int64 // unix nanos of the last stamp check; 0 = check now
	dirty    atomic.Bool  // a change on this node: rebuild whatever the stamp says
	rebuild  sync.Mutex
	tagWords func(tag string) []string
	builds   atomic.Int64
	// turns lets as many searches run as there are processors, the others
	// waiting in arrival order: a search is pure CPU, and fifty run at
	// once would finish in no better time on average while some of them
	// starved behind the rest (a p99 ten times the median).
	turns chan struct{}
	hits  sync.Pool // of *[]fulltext.Hit: a search may match every practice
}

// recheck is how long a library trusts its stamp.
const recheck = time.Second

// Entry is one published practice as the library shows it.
type Entry struct {
	Practice
	Region     region.Region
	Kind       string // region.Region.Kind: city, regency, town…
	Population string // a population band, "" when the directory has no figure
	doc        int
}

// snapshot is one build of the library.
type snapshot struct {
	entries []*Entry // slug order; entries[i].doc == i
	bySlug  map[string]*Entry
	index   *fulltext.Index
	count   int
	last    time.Time
	seq     int64 // which build this is, for caches of pages that show the library
	// values names each facet's values by number (counting by number
	// is what keeps a search's facets cheap over thousands of matches).
	values [][]string
	// rows holds every document's facet values in one array, so a
	// search counting thousands of matches reads one short stretch of
	// memory per match: document doc's row is rows[rowAt[doc]:rowAt[doc+1]],
	// for each facet in order its count of values then their numbers
	// (one, or several for topics).
	rows    []int32
	rowAt   []int32
	allLive bool // no entry is retired: a search needs no filter
}

// valueID is the number of facet f's value v, given one if new.
func (snap *snapshot) valueID(f int, v string, ids map[string]int32) int32 {
	if id, ok := ids[v]; ok {
		return id
	}
	id := int32(len(snap.values[f]))
	snap.values[f] = append(snap.values[f], v)
	ids[v] = id
	return id
}

func newLibrary(s *Store) *Library {
	return &Library{store: s, turns: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// SetTagWords gives the library the words each tag is called in every
// language, so a query for "lansia" or 高齢者 finds practices tagged
// "elderly". Call it before the first search.
func (l *Library) SetTagWords(f func(tag string) []string) { l.tagWords = f }

// invalidate makes the next search rebuild: this node changed the
// practices (the stamp alone would miss a change within the same
// instant as the last).
func (l *Library) invalidate() {
	l.dirty.Store(true)
	l.checked.Store(0)
}

// current returns an up-to-date snapshot. One caller at a time checks
// the stamp (and rebuilds); the others meanwhile search the snapshot
// they have, so a check's round trips or a rebuild never hold searches
// up — only the very first search waits for the first build.
func (l *Library) current(ctx context.Context) (*snapshot, error) {
	snap := l.snap.Load()
	if snap != nil && time.Now().UnixNano()-l.checked.Load() < int64(recheck) {
		return snap, nil
	}
	if snap != nil {
		if !l.rebuild.TryLock() {
			return snap, nil // another caller is checking
		}
	} else {
		l.rebuild.Lock()
	}
	defer l.rebuild.Unlock()
	if snap = l.snap.Load(); snap != nil && time.Now().UnixNano()-l.checked.Load() < int64(recheck) {
		return snap, nil // another caller just checked
	}
	dirty := l.dirty.Swap(false)
	n, last, err := l.store.stamp(ctx)
	if err != nil {
		l.dirty.Store(dirty || l.dirty.Load())
		return nil, err
	}
	l.checked.Store(time.Now().UnixNano())
	if snap != nil && !dirty && snap.count == n && snap.last.Equal(last) {
		return snap, nil
	}
	fresh, err := l.build(ctx, n, last)
	if err != nil {
		l.dirty.Store(true)
		return nil, err
	}
	l.snap.Store(fresh)
	return fresh, nil
}

// Field weights: a word in the title or the place's name says more about
// what the practice is than one in its long texts.
const (
	weightTitle   = 4
	weightPlace   = 3
	weightTag     = 2
	weightSummary = 2
	weightBody    = 1
	weightDetail  = 0.5
)

func (l *Library) build(ctx context.Context, n int, last time.Time) (*snapshot, error) {
	list, err := l.store.Published(ctx)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{bySlug: map[string]*Entry{}, count: n, last: last, values: make([][]string, len(Facets)),
		rowAt: []int32{0}, allLive: true}
	ids := make([]map[string]int32, len(Facets))
	for i := range ids {
		ids[i] = map[string]int32{}
	}
	b := fulltext.NewBuilder()
	for _, p := range list {
		e := &Entry{Practice: p}
		e.Region, _ = l.store.regions.Get(p.RegionCode)
		e.Kind, e.Population = e.Region.Kind(), PopulationBand(e.Region.Population)
		for f, vs := range facetValues(e) {
			at := len(snap.rows)
			snap.rows = append(snap.rows, 0)
			for _, v := range vs {
				if v != "" {
					snap.rows = append(snap.rows, snap.valueID(f, v, ids[f]))
					snap.rows[at]++
				}
			}
		}
		snap.rowAt = append(snap.rowAt, int32(len(snap.rows)))
		snap.allLive = snap.allLive && e.State == Published
		e.doc = b.Add(l.fields(e)...)
		snap.entries = append(snap.entries, e)
		snap.bySlug[p.Slug] = e
	}
	snap.index = b.Build()
	snap.seq = l.builds.Add(1)
	return snap, nil
}

// fields is what the index reads of a practice.
func (l *Library) fields(e *Entry) []fulltext.Field {
	c := e.Live
	var out []fulltext.Field
	for _, lang := range Langs {
		add := func(w Words, weight float64) {
			if w[lang] != "" {
				out = append(out, fulltext.Field{Text: w[lang], Lang: lang, Weight: weight})
			}
		}
		add(c.Title, weightTitle)
		add(c.Summary, weightSummary)
		for _, w := range []Words{c.Problem, c.Solution, c.Results} {
			add(w, weightBody)
		}
		for _, w := range []Words{c.Cost, c.Team} {
			add(w, weightDetail)
		}
		for _, m := range c.Metrics {
			add(m.Name, weightDetail)
		}
		for _, s := range c.Stages {
			add(s.Name, weightDetail)
		}
	}
	places := strings.Join(l.store.regions.PlaceNames(e.RegionCode), " ")
	out = append(out, fulltext.Field{Text: places, Weight: weightPlace})
	if l.tagWords != nil {
		for _, t := range c.Tags {
			out = append(out, fulltext.Field{Text: strings.Join(l.tagWords(t), " "), Weight: weightTag})
		}
	}
	return out
}

// PopulationBands are the bands a government's population falls in, as
// the facet offers them.
var PopulationBands = []string{"under-100k", "100k-500k", "500k-1m", "over-1m"}

// PopulationBand names the band of n people; "" when n is not known.
func PopulationBand(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 100_000:
		return PopulationBands[0]
	case n < 500_000:
		return PopulationBands[1]
	case n < 1_000_000:
		return PopulationBands[2]
	}
	return PopulationBands[3]
}

// Search is what a reader asks of the library.
type Search struct {
	Text       string
	Country    string
	Tag        string
	Status     string
	Kind       string
	Population string
	Year       int
	Lang       string // the reader's language, for the passages
	Offset     int
	Limit      int
	NoFacets   bool // the caller shows no facets (the API): do not count them
}

// Found is one practice found, with the passage that matched (in the
// reader's language when it matched there) marked.
type Found struct {
	*Entry
	Score       float64
	Passage     []fulltext.Piece
	PassageLang string
}

// FacetCount is how many of the matches have one value of a facet.
type FacetCount struct {
	Value string
	Count int
}

// Facets are the names of the facets, in the order they are shown.
var Facets = []string{"country", "tag", "status", "kind", "population", "year"}

// Results is one page of a search.
type Results struct {
	Total  int
	Found  []Found
	Facets map[string][]FacetCount // by facet name, counted as if that facet were not chosen
	Query  fulltext.Query
}

// facetValues are e's values for each of Facets, in order (worked out
// once, when the library is built, not at each search).
func facetValues(e *Entry) [][]string {
	year := ""
	if e.Live.Started != 0 {
		year = strconv.Itoa(e.Live.Started)
	}
	return [][]string{{string(e.Country)}, e.Live.Tags, {string(e.Live.Status)}, {e.Kind}, {e.Population}, {year}}
}

// chosen is the value the search asks for each of Facets ("" for any).
func (q Search) chosen() []string {
	year := ""
	if q.Year != 0 {
		year = strconv.Itoa(q.Year)
	}
	return []string{q.Country, q.Tag, q.Status, q.Kind, q.Population, year}
}

// Find searches the library: the practices that match the text (all of
// them, newest first, when there is none), narrowed by the facets, one
// page of them.
func (l *Library) Find(ctx context.Context, q Search) (Results, error) {
	select {
	case l.turns <- struct{}{}:
	case <-ctx.Done():
		return Results{}, fmt.Errorf("knowledge: wait to search: %w", ctx.Err())
	}
	defer func() { <-l.turns }()
	snap, err := l.current(ctx)
	if err != nil {
		return Results{}, err
	}
	query := fulltext.ParseQuery(q.Text)
	buf, _ := l.hits.Get().(*[]fulltext.Hit)
	if buf == nil {
		buf = new([]fulltext.Hit)
	}
	defer l.hits.Put(buf) // the results copy what they show of the hits
	hits := (*buf)[:0]
	defer func() { *buf = hits[:0] }()
	if query.Empty() {
		// Newest first: the publication time is the score.
		for i, e := range snap.entries {
			if e.State == Published {
				hits = append(hits, fulltext.Hit{Doc: i, Score: float64(e.PublishedAt.UnixNano())})
			}
		}
	} else {
		var live func(doc int) bool // nil: every entry is published
		if !snap.allLive {
			live = func(doc int) bool { return snap.entries[doc].State == Published }
		}
		hits = snap.index.SearchInto(hits, query, live)
	}
	res := Results{Query: query}
	kept := narrow(snap, hits, q.chosen(), !q.NoFacets, &res)
	res.Total = len(kept)
	limit := q.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if q.Offset < 0 || q.Offset >= len(kept) {
		return res, nil
	}
	fulltext.SortTop(kept, q.Offset+limit) // only the page shown needs its order
	hint := snap.index.QueryLangs(query)
	marker := query.Marker()
	for _, h := range kept[q.Offset:min(len(kept), q.Offset+limit)] {
		found := Found{Entry: snap.entries[h.Doc]}
		if !query.Empty() {
			found.Score = h.Score
			found.Passage, found.PassageLang = passage(found.Live, q.Lang, marker, hint)
		}
		res.Found = append(res.Found, found)
	}
	return res, nil
}

// narrow keeps the hits that have every chosen facet value, and counts
// into res each facet's values among the hits that pass every other
// facet, so each choice shows what choosing it would give.
func narrow(snap *snapshot, hits []fulltext.Hit, chosen []string, count bool, res *Results) []fulltext.Hit {
	want := make([]int32, len(Facets)) // -1: any; -2: a value no entry has
	counts := make([][]int, len(Facets))
	for f := range Facets {
		want[f] = -1
		if chosen[f] != "" {
			want[f] = int32(slices.Index(snap.values[f], chosen[f]))
			if want[f] < 0 {
				want[f] = -2
			}
		}
		counts[f] = make([]int, len(snap.values[f]))
	}
	kept := hits[:0]
	for _, h := range hits {
		row := snap.rows[snap.rowAt[h.Doc]:snap.rowAt[h.Doc+1]]
		miss, missed := -1, 0
		for f, at := 0, 0; f < len(want); f++ {
			n := int(row[at])
			if w := want[f]; w != -1 && !slices.Contains(row[at+1:at+1+n], w) {
				miss, missed = f, missed+1
			}
			at += 1 + n
		}
		if count && missed <= 1 {
			for f, at := 0, 0; f < len(want); f++ {
				n := int(row[at])
				if missed == 0 || miss == f {
					for _, v := range row[at+1 : at+1+n] {
						counts[f][v]++
					}
				}
				at += 1 + n
			}
		}
		if missed == 0 {
			kept = append(kept, h)
		}
	}
	res.Facets = map[string][]FacetCount{}
	for f, name := range Facets {
		var list []FacetCount
		for id, n := range counts[f] {
			if n > 0 {
				list = append(list, FacetCount{Value: snap.values[f][id], Count: n})
			}
		}
		if len(list) > 0 {
			res.Facets[name] = sortFacet(list)
		}
	}
	return kept
}

// sortFacet orders a facet's values by how many have them, then by name.
func sortFacet(out []FacetCount) []FacetCount {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// passage finds the sentence of c that matches the most of the query:
// in the reader's language when any of its texts match, else in the
// original, else in another language.
//
// hint are the languages the query's words are written in (the index
// knows): the reader's language is tried first only when it is one of
// them, so an Indonesian query does not read every English text first.
func passage(c Content, lang string, m *fulltext.Marker, hint []string) ([]fulltext.Piece, string) {
	var order []string
	if slices.Contains(hint, lang) {
		order = append(order, lang)
	}
	if slices.Contains(hint, c.Original) {
		order = append(order, c.Original)
	}
	order = append(append(order, hint...), lang, c.Original)
	order = append(order, Langs...)
	tried := map[string]bool{}
	for _, l := range order {
		if tried[l] {
			continue
		}
		tried[l] = true
		var best []fulltext.Piece
		most := 0
		for _, w := range []Words{c.Summary, c.Problem, c.Solution, c.Results, c.Title} {
			if w[l] == "" {
				continue
			}
			if ps, n := m.Passage(w[l], l, 180); n > most {
				best, most = ps, n
			}
			if most >= m.Units() {
				break // every word marked: no later text can do better
			}
		}
		if best != nil {
			return best, l
		}
	}
	return nil, ""
}

// Get returns a published practice from the library.
func (l *Library) Get(ctx context.Context, slug string) (*Entry, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return nil, err
	}
	e, ok := snap.bySlug[slug]
	if !ok {
		return nil, ErrNotFound
	}
	return e, nil
}

// Recent lists the published practices last changed first (new ones and
// updates alike), at most n: the library's feed.
func (l *Library) Recent(ctx context.Context, n int) ([]*Entry, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range snap.entries {
		if e.State == Published {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UpdatedAt.After(out[j].UpdatedAt) })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// Version names the library's current build: a page that shows
// practices is cached under it, so a change shows at once.
func (l *Library) Version(ctx context.Context) (int64, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return 0, err
	}
	return snap.seq, nil
}

// OfRegion lists the published practices of one government, newest
// first.
func (l *Library) OfRegion(ctx context.Context, code string) ([]*Entry, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range snap.entries {
		if e.State == Published && e.RegionCode == code {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PublishedAt.After(out[j].PublishedAt) })
	return out, nil
}

// MostReplicated lists the published practices the most governments
// are replicating (counts as ReplicationCounts gives them), at most n.
func (l *Library) MostReplicated(ctx context.Context, counts map[ids.Practice]int, n int) ([]*Entry, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range snap.entries {
		if e.State == Published && counts[e.ID] > 0 {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return counts[out[i].ID] > counts[out[j].ID] })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// File finds a file a published (or retired) practice shows, with the
// practice; false when none shows it.
func (l *Library) File(ctx context.Context, id ids.Document) (*Entry, File, bool, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return nil, File{}, false, err
	}
	for _, e := range snap.entries {
		for _, f := range e.Live.Files {
			if f.ID == id {
				return e, f, true, nil
			}
		}
	}
	return nil, File{}, false, nil
}
