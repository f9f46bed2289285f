package region

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// Query filters and ranks regions. Zero fields do not filter.
type Query struct {
	Country Country
	Level   Level
	Parent  string
	Q       string // free text: any script, any romaji spelling
	Limit   int    // 0 means defaultLimit; capped at maxLimit
	Offset  int    // how many matches to pass over (the API's cursor)
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

// searchEntry is a region's precomputed, folded names, built in Load so a
// search only does substring tests.
type searchEntry struct {
	key   string   // every folded form joined by \x00, for one Contains per region
	names []string // the same forms, for exact and prefix ranking
	level int      // position of the level in result order
}

// newSearchEntry folds every form a user might type for reg: the name, its
// Latin and kana forms, the romaji of the kana and the bare stems
// ("Banyuwangi", "福岡", "ふくおか", "fukuoka") so that typing the place name
// alone ranks as an exact match.
func newSearchEntry(reg Region) searchEntry {
	forms := placeForms(reg)
	names := make([]string, 0, len(forms))
	for _, f := range forms {
		if f = fold(f); f != "" && !slices.Contains(names, f) {
			names = append(names, f)
		}
	}
	return searchEntry{key: strings.Join(names, "\x00"), names: names, level: levelOrder(reg.Level)}
}

// rank orders matches: 0 if a name equals the query, 1 if one starts with
// it, 2 if the query is found inside.
func (e *searchEntry) rank(needle string) int {
	best := 2
	for _, n := range e.names {
		if n == needle {
			return 0
		}
		if strings.HasPrefix(n, needle) {
			best = 1
		}
	}
	return best
}

// levelOrder puts the top tier first, then the municipal tier, then wards.
func levelOrder(l Level) int {
	switch l {
	case Province, Prefecture:
		return 0
	case Ward:
		return 2
	}
	return 1
}

type hit struct{ idx, rank int }

// Search returns the regions that pass q's filters and whose names contain
// q.Q, best matches first: exact or prefix matches of a name, then by level,
// then by code.
func (d *Directory) Search(q Query) []Region {
	items, _ := d.Page(q)
	return items
}

// Page is Search from q.Offset on, and whether more matches follow, so a
// client can walk all 416 regencies or 1,741 municipalities page by page.
// The order is total (rank, level, code), so pages neither repeat nor skip.
func (d *Directory) Page(q Query) ([]Region, bool) {
	needle := fold(q.Q)
	var hits []hit
	for i := range d.regions {
		if !q.filters(&d.regions[i]) {
			continue
		}
		e := &d.index[i]
		if needle == "" {
			hits = append(hits, hit{i, 0})
		} else if strings.Contains(e.key, needle) {
			hits = append(hits, hit{i, e.rank(needle)})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(
			cmp.Compare(a.rank, b.rank),
			cmp.Compare(d.index[a.idx].level, d.index[b.idx].level),
			strings.Compare(d.regions[a.idx].Code, d.regions[b.idx].Code),
		)
	})
	from := min(max(q.Offset, 0), len(hits))
	idx := make([]int, min(len(hits)-from, q.limit()))
	for i := range idx {
		idx[i] = hits[from+i].idx
	}
	return d.collect(idx), from+len(idx) < len(hits)
}

func (q Query) filters(reg *Region) bool {
	return (q.Country == "" || reg.Country == q.Country) &&
		(q.Level == "" || reg.Level == q.Level) &&
		(q.Parent == "" || reg.Parent == q.Parent)
}

func (q Query) limit() int {
	switch {
	case q.Limit <= 0:
		return defaultLimit
	case q.Limit > maxLimit:
		return maxLimit
	}
	return q.Limit
}

// fold normalises text for matching, applied alike to names and queries:
// lower case, full-width ASCII to ASCII, katakana to hiragana, macrons and
// circumflexes dropped, spaces and punctuation removed, and romaji long
// vowels collapsed, so "Ōsaka", "oosaka", "Osaka-shi" and "オオサカ" all meet.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r = foldRune(r); r >= 0 {
			b.WriteRune(r)
		}
	}
	return foldLongVowels(b.String())
}

// foldRune maps one rune for fold, or returns -1 to drop it.
func foldRune(r rune) rune {
	if r >= '！' && r <= '～' { // full-width ASCII, as Japanese IMEs type it
		r -= '！' - '!'
	}
	r = unicode.ToLower(r)
	switch {
	case r >= 'ァ' && r <= 'ヶ':
		return r - ('ァ' - 'ぁ')
	case unicode.IsSpace(r), unicode.IsControl(r), strings.ContainsRune(ignored, r):
		return -1
	}
	if plain, ok := plainVowels[r]; ok {
		return plain
	}
	return r
}

// ignored is punctuation that varies between spellings of the same name.
const ignored = "-‐‑–—'’.・"

// plainVowels strips the long-vowel marks of Hepburn (macron) and
// Nihon-shiki (circumflex) spellings.
var plainVowels = map[rune]rune{
	'ā': 'a', 'ī': 'i', 'ū': 'u', 'ē': 'e', 'ō': 'o',
	'â': 'a', 'î': 'i', 'û': 'u', 'ê': 'e', 'ô': 'o',
}
