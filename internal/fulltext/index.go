package fulltext

import (
	"math"
	"sort"
	"unicode/utf8"
)

// Field is one part of a document (a title, a summary, a place name) in
// one language, with how much a match in it counts.
type Field struct {
	Text   string
	Lang   string
	Weight float64
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
	postings map[string][]posting
	lengths  []float32
	avg      float64
}

// Builder collects documents for an Index.
type Builder struct{ ix *Index }

// NewBuilder starts an empty index.
func NewBuilder() *Builder {
	return &Builder{ix: &Index{postings: map[string][]posting{}}}
}

// Add indexes a document made of fields and returns its number (0, 1,
// … in the order added).
func (b *Builder) Add(fields ...Field) int {
	doc := int32(len(b.ix.lengths))
	counts := map[string]float32{}
	var length float32
	for _, f := range fields {
		seen := -1
		for _, t := range Analyze(f.Text, f.Lang) {
			counts[t.Term] += float32(f.Weight)
			if t.Start != seen { // a word's stems are one word long
				length += float32(f.Weight)
				seen = t.Start
			}
		}
	}
	for term, tf := range counts {
		b.ix.postings[term] = append(b.ix.postings[term], posting{doc: doc, tf: tf})
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

// Search ranks the documents keep allows (all, when keep is nil) that
// match at least one of q's words: BM25 summed over the words (a word's
// forms count once, by the best), times the share of the query's words
// the document holds, so one that has them all comes first. Equal scores
// keep document order, so the result is the same on every run.
func (ix *Index) Search(q Query, keep func(doc int) bool) []Hit {
	if len(q.groups) == 0 || len(ix.lengths) == 0 {
		return nil
	}
	scores := map[int32]float64{}
	matched := map[int32]int{}
	n := float64(len(ix.lengths))
	for _, group := range q.groups {
		best := map[int32]float64{}
		for _, term := range group {
			list := ix.postings[term]
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
				if s := idf * tf * (k1 + 1) / (tf + k1*norm); s > best[p.doc] {
					best[p.doc] = s
				}
			}
		}
		for doc, s := range best {
			scores[doc] += s
			matched[doc]++
		}
	}
	hits := make([]Hit, 0, len(scores))
	total := float64(len(q.groups))
	for doc, s := range scores {
		hits = append(hits, Hit{Doc: int(doc), Score: s * float64(matched[doc]) / total, Matched: matched[doc]})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Doc < hits[j].Doc
	})
	return hits
}

// Query is a parsed search: its words, each with the forms that count as
// it. Nothing in it is an operator: quotes, stars, OR, NEAR and colons
// are read as the text they are.
type Query struct {
	groups [][]string
	terms  map[string]bool
}

// Limits on what a query may hold, so a pasted page costs no more than a
// sentence.
const (
	MaxQueryRunes = 200
	MaxQueryWords = 24
)

// ParseQuery reads what a person typed: Latin words (with their
// Indonesian and English stems), Japanese as one character alone or as
// its pairs of neighbours. Input beyond MaxQueryRunes or MaxQueryWords
// is ignored; invalid UTF-8 is skipped.
func ParseQuery(s string) Query {
	s = clip(s, MaxQueryRunes)
	q := Query{terms: map[string]bool{}}
	add := func(group []string) {
		if len(group) == 0 || len(q.groups) >= MaxQueryWords {
			return
		}
		for _, t := range group {
			q.terms[t] = true
		}
		q.groups = append(q.groups, group)
	}
	eachRun(s, func(run []letter) {
		if !run[0].cjk {
			rs := make([]rune, len(run))
			for i, l := range run {
				rs[i] = l.r
			}
			add(forms(string(rs), ""))
			return
		}
		if len(run) == 1 {
			add([]string{string(run[0].r)})
			return
		}
		for i := 0; i+1 < len(run); i++ {
			add([]string{string([]rune{run[i].r, run[i+1].r})})
		}
	})
	return q
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
func (q Query) Empty() bool { return len(q.groups) == 0 }

// Words is the number of words the query searches for.
func (q Query) Words() int { return len(q.groups) }

// Has tells whether term is one the query looks for.
func (q Query) Has(term string) bool { return q.terms[term] }
