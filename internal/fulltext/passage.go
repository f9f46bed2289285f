package fulltext

import (
	"strings"
	"unicode/utf8"
)

// Piece is part of a passage: text to show, marked when the query
// matched it. Pieces are plain text; the page escapes them.
type Piece struct {
	Text string
	Mark bool
}

// span is a byte range of a text.
type span struct{ start, end int }

// Marker marks a query's words in the texts of one search's results.
// It remembers which words matched, so the words those texts share
// (most of them) are stemmed and looked up once per search, not once per
// text. A Marker is for one goroutine.
type Marker struct {
	q    Query
	seen map[string]map[string]bool // by language: normalised word → matches q
	word []byte
	out  []span
	run  []letter
}

// Marker returns a marker of q's words.
func (q Query) Marker() *Marker {
	return &Marker{q: q, seen: map[string]map[string]bool{}}
}

// Passage picks the sentence of text (in lang) that holds the most of
// q's words, cut to about max characters around its first match, and
// marks the matches. found is how many matches the passage marks, 0
// when nothing in text matches.
func Passage(text, lang string, q Query, max int) (_ []Piece, found int) {
	return q.Marker().Passage(text, lang, max)
}

// Passage is Passage of the marker's query.
func (m *Marker) Passage(text, lang string, max int) (_ []Piece, found int) {
	marks := m.matches(text, lang)
	if len(marks) == 0 {
		return nil, 0
	}
	best, bestCount := span{}, -1
	for _, s := range sentences(text) {
		if n := countIn(marks, s); n > bestCount {
			best, bestCount = s, n
		}
	}
	from, to := window(text, best, marks, max)
	ps := pieces(text, from, to, marks)
	for _, p := range ps {
		if p.Mark {
			found++
		}
	}
	return ps, found
}

// matches are the merged byte ranges of text whose terms the query
// looks for. It reads text as Analyze does but keeps no tokens, and
// looks pairs of characters up without making strings of them: it runs
// for every text of every result shown. The ranges are valid until the
// next call.
func (m *Marker) matches(text, lang string) []span {
	out := m.out[:0]
	add := func(start, end int) {
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, end)
			return
		}
		out = append(out, span{start, end})
	}
	seen := m.seen[lang]
	if seen == nil {
		seen = map[string]bool{}
		m.seen[lang] = seen
	}
	var buf [8]byte
	m.run = eachRunIn(text, m.run, func(run []letter) {
		if !run[0].cjk {
			if m.latinMatches(run, lang, seen) {
				add(run[0].start, run[len(run)-1].end)
			}
			return
		}
		for i, l := range run {
			n := utf8.EncodeRune(buf[:], l.r)
			if m.q.terms[string(buf[:n])] {
				add(l.start, l.end)
			}
			if i+1 < len(run) {
				k := utf8.EncodeRune(buf[n:], run[i+1].r)
				if m.q.terms[string(buf[:n+k])] {
					add(l.start, run[i+1].end)
				}
			}
		}
	})
	m.out = out
	return out
}

// latinMatches says whether one of the forms of the Latin word run is a
// term of the query, from seen when the word was met before.
func (m *Marker) latinMatches(run []letter, lang string, seen map[string]bool) bool {
	m.word = m.word[:0]
	for _, l := range run {
		m.word = utf8.AppendRune(m.word, l.r)
	}
	if hit, ok := seen[string(m.word)]; ok { // no string is made to look up
		return hit
	}
	w, hit := string(m.word), false
	for _, f := range forms(w, lang) {
		if m.q.terms[f] {
			hit = true
			break
		}
	}
	seen[w] = hit
	return hit
}

// sentences splits text after each full stop (Latin or Japanese) and
// line break.
func sentences(text string) []span {
	var out []span
	start := 0
	for i, r := range text {
		end := i + utf8.RuneLen(r)
		if r == '。' || r == '\n' || r == '！' || r == '？' || ((r == '.' || r == '!' || r == '?') && (end == len(text) || text[end] == ' ')) {
			out = append(out, span{start, end})
			start = end
		}
	}
	if start < len(text) {
		out = append(out, span{start, len(text)})
	}
	return out
}

func countIn(marks []span, s span) int {
	n := 0
	for _, m := range marks {
		if m.start >= s.start && m.end <= s.end {
			n++
		}
	}
	return n
}

// window narrows the sentence s to about max runes, starting a little
// before its first match.
func window(text string, s span, marks []span, max int) (int, int) {
	first := s.start
	for _, m := range marks {
		if m.start >= s.start {
			first = m.start
			break
		}
	}
	from := s.start
	if utf8.RuneCountInString(text[s.start:first]) > max/3 {
		from = back(text, first, max/4)
	}
	to := from
	for n := 0; to < s.end && n < max; n++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	return from, to
}

// back moves n runes back from i, to the start of a word where there is
// one near.
func back(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	if sp := strings.IndexByte(text[i:], ' '); sp >= 0 && sp < 20 {
		i += sp + 1
	}
	return i
}

// pieces cuts text[from:to] into plain and marked pieces, with "…"
// where the sentence was cut.
func pieces(text string, from, to int, marks []span) []Piece {
	var out []Piece
	if from > 0 && !strings.HasSuffix(strings.TrimSpace(text[:from]), "。") && !strings.HasSuffix(strings.TrimSpace(text[:from]), ".") {
		out = append(out, Piece{Text: "…"})
	}
	at := from
	for _, m := range marks {
		if m.end <= from || m.start >= to {
			continue
		}
		s, e := max(m.start, from), min(m.end, to)
		if s > at {
			out = append(out, Piece{Text: text[at:s]})
		}
		out = append(out, Piece{Text: text[s:e], Mark: true})
		at = e
	}
	if at < to {
		out = append(out, Piece{Text: text[at:to]})
	}
	if last, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(text[from:to])); to < len(text) && !strings.ContainsRune(".。!?！？", last) {
		out = append(out, Piece{Text: "…"})
	}
	return out
}

// Units is Units of the marker's query.
func (m *Marker) Units() int { return m.q.Units() }
