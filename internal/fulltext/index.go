package fulltext

import (
	"math"
	"sort"
	"sync"
	"unicode/utf8"
)

// Field is one part of a document (a title, a summary, a place name) in
// one language, with how much a match in it counts.
type Field struct {
	Text   string
	Lang   string
	Weight float64
}

// term is a term's postings and the languages it was written in (bits of
// langBits), in one map so the index adds no second one for the garbage
// collector to walk.
type term struct {
	list  []posting
	langs uint8
}

// posting says that a document holds a term, and how much (the weighted
// count over its fields).
type posting struct {
	doc int32
	tf  float32
}

// Index is a read-only inverted index: build it with a Builder, then
// search it from any number of goroutines.
type Index struct {
	postings map[string]term
	lengths  []float32
	avg      float64
	pool     sync.Pool // of *scratch
}

// Builder collects documents for an Index.
type Builder struct{ ix *Index }

// NewBuilder starts an empty index.
func NewBuilder() *Builder {
	return &Builder{ix: &Index{postings: map[string]term{}}}
}

// langBits numbers the languages a field may be written in.
var langBits = map[string]uint8{Indonesian: 1, Japanese: 2, English: 4}

// QueryLangs are the languages, of Indonesian, Japanese and English in
// that order, in which some document holds one of q's terms: where a
// passage that matches is to be looked for first.
func (ix *Index) QueryLangs(q Query) []string {
	var mask uint8
	for t := range q.terms {
		mask |= ix.postings[t].langs
	}
	var out []string
	for _, l := range []string{Indonesian, Japanese, English} {
		if mask&langBits[l] != 0 {
			out = append(out, l)
		}
	}
	return out
}

// Add indexes a document made of fields and returns its number (0, 1,
// … in the order added).
func (b *Builder) Add(fields ...Field) int {
	doc := int32(len(b.ix.lengths))
	counts := map[string]float32{}
	langs := map[string]uint8{}
	var length float32
	for _, f := range fields {
		seen := -1
		bit := langBits[f.Lang]
		for _, t := range Analyze(f.Text, f.Lang) {
			counts[t.Term] += float32(f.Weight)
			langs[t.Term] |= bit
			if t.Start != seen { // a word's stems are one word long
				length += float32(f.Weight)
				seen = t.Start
			}
		}
	}
	for t, tf := range counts {
		e := b.ix.postings[t]
		e.list = append(e.list, posting{doc: doc, tf: tf})
		e.langs |= langs[t]
		b.ix.postings[t] = e
	}
	b.ix.lengths = append(b.ix.lengths, length)
	return int(doc)
}

// Build returns the index; the builder must not be used again.
func (b *Builder) Build() *Index {
	ix := b.ix
	var sum float64
	for _, l := range ix.lengths {
		sum += float64(l)
	}
	if len(ix.lengths) > 0 {
		ix.avg = sum / float64(len(ix.lengths))
	}
	b.ix = nil
	return ix
}

// Len is the number of documents.
func (ix *Index) Len() int { return len(ix.lengths) }

// BM25's usual constants: how fast a repeated term stops adding (k1) and
// how much a long document is discounted (b).
const (
	k1 = 1.2
	b  = 0.75
)

// Hit is a document that matched, with its score.
type Hit struct {
	Doc     int
	Score   float64
	Matched int // how many of the query's words it holds
}

// Search scores the documents keep allows (all, when keep is nil) that
// match at least one of q's words, in no order (SortTop ranks them): BM25 summed over the words (a word's
// forms count once, by the best), times the share of the query's words
// the document holds, so one that has them all comes first. A Japanese
// run of characters counts as one word, held when most of its pairs are
// there (so バニュワンギ is not found by ワン alone).
func (ix *Index) Search(q Query, keep func(doc int) bool) []Hit {
	return ix.SearchInto(nil, q, keep)
}

// SearchInto is Search with the hits appended to dst[:0], so a caller
// that searches often can reuse one slice (a search may match every
// document).
func (ix *Index) SearchInto(dst []Hit, q Query, keep func(doc int) bool) []Hit {
	hits := dst[:0]
	if len(q.words) == 0 || len(ix.lengths) == 0 {
		return hits
	}
	sc := ix.scratch()
	defer ix.pool.Put(sc)
	touched := sc.touched[:0] // documents that hold at least one word
	for _, w := range q.words {
		docs := sc.docs[:0] // documents that hold a pair or form of this word
		for _, group := range w.groups {
			docs = ix.addBest(sc, group, keep, docs)
		}
		sc.docs = docs
		for _, doc := range docs {
			if sc.held[doc] >= int32(w.need) {
				if sc.matched[doc] == 0 {
					touched = append(touched, doc)
				}
				sc.scores[doc] += sc.sum[doc]
				sc.matched[doc]++
			}
			sc.sum[doc], sc.held[doc] = 0, 0
		}
	}
	sc.touched = touched
	total := float64(len(q.words))
	for _, doc := range touched {
		hits = append(hits, Hit{Doc: int(doc), Score: sc.scores[doc] * float64(sc.matched[doc]) / total, Matched: int(sc.matched[doc])})
		sc.scores[doc], sc.matched[doc] = 0, 0
	}
	return hits
}

// before orders hits: the higher score first, and on equal scores the
// earlier document, so the order is the same on every run.
func before(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Doc < b.Doc
}

// SortTop puts the best k of hits first, in order; the rest stay in no
// order. A page shows twenty of thousands of matches: only they need
// sorting.
func SortTop(hits []Hit, k int) {
	if k >= len(hits) {
		sort.Slice(hits, func(i, j int) bool { return before(hits[i], hits[j]) })
		return
	}
	lo, hi := 0, len(hits)-1
	for lo < hi { // quickselect: the k best before index k
		p := partition(hits, lo, hi)
		switch {
		case p == k:
			lo = hi
		case p < k:
			lo = p + 1
		default:
			hi = p - 1
		}
	}
	top := hits[:k]
	sort.Slice(top, func(i, j int) bool { return before(top[i], top[j]) })
}

// partition puts the hits before the middle one's value to its left.
func partition(h []Hit, lo, hi int) int {
	mid := lo + (hi-lo)/2
	h[mid], h[hi] = h[hi], h[mid]
	pivot, store := h[hi], lo
	for i := lo; i < hi; i++ {
		if before(h[i], pivot) {
			h[i], h[store] = h[store], h[i]
			store++
		}
	}
	h[store], h[hi] = h[hi], h[store]
	return store
}

// scratch is a search's working space, one number per document, kept
// in a pool and left all zero after use: a search allocates no maps, so
// fifty at once do not keep the garbage collector busy.
type scratch struct {
	scores, sum, best      []float64
	matched, held          []int32
	reached, docs, touched []int32 // lists of documents, reused
}

func (ix *Index) scratch() *scratch {
	if sc, ok := ix.pool.Get().(*scratch); ok {
		return sc
	}
	n := len(ix.lengths)
	return &scratch{scores: make([]float64, n), sum: make([]float64, n), best: make([]float64, n),
		matched: make([]int32, n), held: make([]int32, n)}
}

// addBest adds to each document's sum its BM25 score for the best of a
// group's forms, counts the group as held, and returns docs with the
// documents the word reached for the first time appended.
func (ix *Index) addBest(sc *scratch, forms []string, keep func(doc int) bool, docs []int32) []int32 {
	n := float64(len(ix.lengths))
	reached := sc.reached[:0]
	for _, form := range forms {
		list := ix.postings[form].list
		if len(list) == 0 {
			continue
		}
		df := float64(len(list))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range list {
			if keep != nil && !keep(int(p.doc)) {
				continue
			}
			tf := float64(p.tf)
			norm := 1 - b + b*float64(ix.lengths[p.doc])/ix.avg
			s := idf * tf * (k1 + 1) / (tf + k1*norm)
			if sc.best[p.doc] == 0 {
				reached = append(reached, p.doc)
			}
			if s > sc.best[p.doc] {
				sc.best[p.doc] = s
			}
		}
	}
	for _, doc := range reached {
		if sc.held[doc] == 0 {
			docs = append(docs, doc)
		}
		sc.sum[doc] += sc.best[doc]
		sc.held[doc]++
		sc.best[doc] = 0
	}
	sc.reached = reached
	return docs
}

// Query is a parsed search: its words, each with the forms that count as
// it. Nothing in it is an operator: quotes, stars, OR, NEAR and colons
// are read as the text they are.
type Query struct {
	words []word
	size  int // groups in all words
	terms map[string]bool
}

// word is one word of a query: a Latin word (one group: its forms) or a
// run of Japanese (a group per pair of characters), held by a document
// that has need of its groups.
type word struct {
	groups [][]string
	need   int
}

// Limits on what a query may hold, so a pasted page costs no more than a
// sentence.
const (
	MaxQueryRunes = 200
	MaxQueryWords = 24
)

// ParseQuery reads what a person typed: Latin words (with their
// Indonesian and English stems), Japanese as one character alone or as
// its pairs of neighbours. Input beyond MaxQueryRunes, or groups beyond
// MaxQueryWords, is ignored; invalid UTF-8 is skipped.
func ParseQuery(s string) Query {
	s = clip(s, MaxQueryRunes)
	q := Query{terms: map[string]bool{}}
	eachRun(s, func(run []letter) {
		if run[0].cjk {
			for _, seg := range segments(run) {
				q.addWord(cjkWord(seg))
			}
			return
		}
		rs := make([]rune, len(run))
		for i, l := range run {
			rs[i] = l.r
		}
		if f := forms(string(rs), ""); len(f) > 0 {
			q.addWord(word{groups: [][]string{f}})
		}
	})
	return q
}

// segments splits a run of Japanese where the script changes (kanji,
// hiragana, katakana), as words mostly do in a query: 路線バスの移動 →
// 路線, バス, の, 移動. Short hiragana between them (particles such as の,
// を, で) is dropped, unless it is all the run holds.
func segments(run []letter) [][]letter {
	var out [][]letter
	start := 0
	for i := 1; i <= len(run); i++ {
		if i < len(run) && (run[i].script == run[i-1].script || run[i].r == 'ー') {
			continue
		}
		out = append(out, run[start:i])
		start = i
	}
	if len(out) == 1 {
		return out
	}
	kept := out[:0]
	for _, seg := range out {
		if seg[0].script != 'h' || len(seg) > 2 {
			kept = append(kept, seg)
		}
	}
	return kept
}

// cjkWord is one Japanese word of a query: a character alone, or its
// pairs of neighbours.
func cjkWord(seg []letter) word {
	if len(seg) == 1 {
		return word{groups: [][]string{{string(seg[0].r)}}}
	}
	var w word
	for i := 0; i+1 < len(seg); i++ {
		w.groups = append(w.groups, []string{string([]rune{seg[i].r, seg[i+1].r})})
	}
	return w
}

// addWord adds w to q, within MaxQueryWords.
func (q *Query) addWord(w word) {
	if room := MaxQueryWords - q.size; len(w.groups) > room {
		w.groups = w.groups[:max(room, 0)]
	}
	if len(w.groups) == 0 {
		return
	}
	w.need = (len(w.groups)*3 + 4) / 5 // three in five pairs, rounded up
	q.size += len(w.groups)
	for _, g := range w.groups {
		for _, t := range g {
			q.terms[t] = true
		}
	}
	q.words = append(q.words, w)
}

// clip keeps the first max runes of s.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// Empty tells whether the query has nothing to search for (only stop
// words or punctuation).
func (q Query) Empty() bool { return len(q.words) == 0 }

// Units is the number of words the query holds (a run of Japanese
// between scripts is one): a passage that marks this many can be bettered
// by no other.
func (q Query) Units() int { return len(q.words) }

// Words is the number of terms the query searches for (a Latin word is
// one, a run of Japanese one per pair of characters).
func (q Query) Words() int { return q.size }

// Japanese tells whether the query holds Japanese (its words may be
// found in a practice's Japanese text before any other).
func (q Query) Japanese() bool {
	for t := range q.terms {
		if r, _ := utf8.DecodeRuneInString(t); r >= 0x3000 {
			return true
		}
	}
	return false
}

// Has tells whether term is one the query looks for.
func (q Query) Has(term string) bool { return q.terms[term] }
