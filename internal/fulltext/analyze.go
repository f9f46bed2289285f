// Package fulltext is the search engine of the knowledge exchange: it
// breaks text in Indonesian, Japanese and English into terms, keeps an
// inverted index in memory, ranks with BM25, and marks the words of a
// passage that a query matched.
//
// Why its own, and not the databases' full-text search: the same query
// must give the same results on SQLite and PostgreSQL, and Japanese
// queries of one or two characters (窓口, 介護, 市) must find something.
// SQLite's FTS5 trigram tokenizer matches nothing shorter than three
// characters and PostgreSQL's parsers do not split Japanese at all;
// ranking and stemming also differ between the two. Here terms are
// words for Latin text (stemmed: Indonesian affixes by the rules in
// stem.go, English by Snowball) and, for Japanese, every character and
// every pair of adjacent characters (bigrams), with katakana folded to
// hiragana and full-width letters to ASCII, so a query finds the
// practice whatever script or width it was typed in.
package fulltext

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/width"
)

// Token is one term found in a text, with where its letters are in the
// original (byte offsets), so a passage can be marked.
type Token struct {
	Term       string
	Start, End int
}

// Languages a text can be analysed as; "" (a query's) tries every
// language's stemming.
const (
	Indonesian = "id"
	Japanese   = "ja"
	English    = "en"
)

// letter is one normalised rune of a text and where it was.
type letter struct {
	r          rune
	start, end int
	cjk        bool
	script     byte // for Japanese: 'c' kanji, 'h' hiragana, 'k' katakana (before folding)
}

// Analyze breaks text into its terms: for each Latin word the word and its
// stems in lang (every language's when lang is ""), for each run of
// Japanese characters each character and each pair of neighbours. Stop
// words are dropped.
func Analyze(text, lang string) []Token {
	var out []Token
	eachRun(text, func(run []letter) {
		if run[0].cjk {
			out = appendCJK(out, run)
			return
		}
		out = appendWord(out, run, lang)
	})
	return out
}

// eachRun calls fn with each run of word letters or of Japanese
// characters, normalised, in order.
func eachRun(text string, fn func([]letter)) {
	eachRunIn(text, nil, fn)
}

// eachRunIn is eachRun with the letters of each run kept in buf (which
// it returns, grown), so a caller reading many texts allocates once.
func eachRunIn(text string, buf []letter, fn func([]letter)) []letter {
	run := buf[:0]
	flush := func() {
		if len(run) > 0 {
			fn(run)
			run = run[:0]
		}
	}
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
		}
		n, cjk, ok := normalise(r)
		if !ok {
			flush()
			continue
		}
		if len(run) > 0 && run[0].cjk != cjk {
			flush()
		}
		run = append(run, letter{r: n, start: i, end: i + size, cjk: cjk, script: scriptOf(r)})
	}
	flush()
	return run
}

// normalise folds r for matching: full-width and half-width forms to
// their usual width, lower case, katakana to hiragana, accents dropped.
// ok is false for a rune that separates words.
func normalise(r rune) (n rune, cjk, ok bool) {
	if r < 0x80 { // ASCII, most of every Latin text: no table to look up
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r, false, true
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A'), false, true
		}
		return 0, false, false
	}
	if f := width.LookupRune(r).Folded(); f != 0 {
		r = f
	}
	switch {
	case r >= 'ァ' && r <= 'ヶ':
		return r - ('ァ' - 'ぁ'), true, true
	case r == 'ー' || r == '々' || r == 'ヽ' || r == 'ヾ' || r == 'ゝ' || r == 'ゞ':
		return r, true, true
	case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r):
		return r, true, true
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		if plain, ok := plainLetters[r]; ok {
			r = plain
		}
		return unicode.ToLower(r), false, true
	}
	return 0, false, false
}

// plainLetters drops the accents a query typed without them should still
// meet ("Ōita" and "Oita", "café").
var plainLetters = map[rune]rune{
	'ā': 'a', 'Ā': 'a', 'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a',
	'ē': 'e', 'Ē': 'e', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'ī': 'i', 'Ī': 'i', 'í': 'i', 'î': 'i', 'ï': 'i',
	'ō': 'o', 'Ō': 'o', 'ó': 'o', 'ô': 'o', 'ö': 'o',
	'ū': 'u', 'Ū': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u',
}

// scriptOf is the Japanese script of r: katakana (with the long vowel
// mark, full or half width), hiragana, or kanji.
func scriptOf(r rune) byte {
	switch {
	case (r >= 'ァ' && r <= 'ヺ') || r == 'ー' || (r >= 'ｦ' && r <= 'ﾟ'):
		return 'k'
	case unicode.Is(unicode.Hiragana, r):
		return 'h'
	}
	return 'c'
}

// appendCJK adds each character and each pair of neighbours of run.
func appendCJK(out []Token, run []letter) []Token {
	for i, l := range run {
		out = append(out, Token{Term: string(l.r), Start: l.start, End: l.end})
		if i+1 < len(run) {
			out = append(out, Token{Term: string([]rune{l.r, run[i+1].r}), Start: l.start, End: run[i+1].end})
		}
	}
	return out
}

// appendWord adds a word and its stems, unless it is a stop word.
func appendWord(out []Token, run []letter, lang string) []Token {
	rs := make([]rune, len(run))
	for i, l := range run {
		rs[i] = l.r
	}
	w := string(rs)
	start, end := run[0].start, run[len(run)-1].end
	for _, form := range forms(w, lang) {
		out = append(out, Token{Term: form, Start: start, End: end})
	}
	return out
}

// formCache remembers each word's forms: stemming is most of the cost of
// reading text, and a library's vocabulary is small beside its text.
// Past maxCached words it stops growing (a pasted novel cannot fill the
// memory); those words are simply stemmed each time.
var (
	formCache  sync.Map // lang + "\x00" + word → []string
	formCached atomic.Int64
)

const maxCached = 500_000

// forms is a word and its stems in lang ("" for every language), without
// repeats; none for a stop word. Callers must not change the slice.
func forms(w, lang string) []string {
	key := lang + "\x00" + w
	if f, ok := formCache.Load(key); ok {
		return f.([]string)
	}
	f := stemForms(w, lang)
	if formCached.Load() < maxCached {
		if _, loaded := formCache.LoadOrStore(key, f); !loaded {
			formCached.Add(1)
		}
	}
	return f
}

func stemForms(w, lang string) []string {
	if stopWord(w, lang) {
		return nil
	}
	out := []string{w}
	add := func(s string) {
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	if lang == Indonesian || lang == "" {
		for _, s := range stemIndonesian(w) {
			add(s)
		}
	}
	if lang == English || lang == "" {
		add(english.Stem(w, false))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stopWord tells whether w says too little to search for in lang: the
// commonest function words (a query's OR, AND and NOT are words here,
// not operators).
func stopWord(w, lang string) bool {
	switch lang {
	case English:
		return english.IsStopWord(w)
	case Indonesian:
		return indonesianStop[w]
	}
	return english.IsStopWord(w) || indonesianStop[w]
}

var indonesianStop = setOf("dan yang di ke dari untuk dengan pada ini itu atau juga dalam tidak akan ada oleh sebagai bisa agar karena serta para tersebut lebih sudah telah masih saat hingga antara setiap bagi")

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
