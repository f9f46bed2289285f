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

// Passage picks the sentence of text (in lang) that holds the most of
// q's words, cut to about max characters around its first match, and
// marks the matches. found is how many matches the passage marks, 0
// when nothing in text matches.
func Passage(text, lang string, q Query, max int) (_ []Piece, found int) {
	marks := matches(text, lang, q)
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

// matches are the merged byte ranges of text whose terms q looks for.
// It reads text as Analyze does but keeps no tokens, and looks pairs of
// characters up without making strings of them: it runs for every text
// of every result shown.
func matches(text, lang string, q Query) []span {
	var out []span
	add := func(start, end int) {
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, end)
			return
		}
		out = append(out, span{start, end})
	}
	var buf [8]byte
	var word []rune
	eachRun(text, func(run []letter) {
		if !run[0].cjk {
			word = word[:0]
			for _, l := range run {
				word = append(word, l.r)
			}
			for _, f := range forms(string(word), lang) {
				if q.terms[f] {
					add(run[0].start, run[len(run)-1].end)
					break
				}
			}
			return
		}
		for i, l := range run {
			n := utf8.EncodeRune(buf[:], l.r)
			if q.terms[string(buf[:n])] {
				add(l.start, l.end)
			}
			if i+1 < len(run) {
				m := utf8.EncodeRune(buf[n:], run[i+1].r)
				if q.terms[string(buf[:n+m])] {
					add(l.start, run[i+1].end)
				}
			}
		}
	})
	return out
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
