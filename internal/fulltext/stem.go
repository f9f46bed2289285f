package fulltext

import "strings"

// stemIndonesian strips a word's Indonesian affixes — particles (-lah,
// -kah, -pun), possessives (-ku, -mu, -nya), suffixes (-kan, -an, -i) and
// prefixes (di-, ke-, se-, ter-, ber-, me-, pe- with their nasal forms) —
// so "pelayanan", "layanan" and "melayani" meet at "layan". There is no
// root dictionary (no Go library for Indonesian is served here), so where
// a nasal prefix hides the root's first letter ("mengirim": kirim or
// irim?) every candidate is returned; the index holds them all, and the
// same word in a query gives the same candidates. A remainder shorter
// than four letters is never stripped further, which keeps short roots
// ("makan", "data", "dinas") whole.
func stemIndonesian(w string) []string {
	if !latinWord(w) {
		return nil
	}
	var out []string
	for _, base := range stripSuffixes(w) {
		for _, root := range stripPrefixes(base) {
			if !contains(out, root) {
				out = append(out, root)
			}
		}
	}
	return out
}

// minRoot is the shortest remainder an affix may leave.
const minRoot = 4

func latinWord(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return len(w) > minRoot
}

// cut removes suffix from w when what is left is long enough.
func cut(w, suffix string) (string, bool) {
	if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= minRoot {
		return w[:len(w)-len(suffix)], true
	}
	return w, false
}

// stripSuffixes returns w without its particle and possessive, and then
// each way a derivational suffix may come off ("perbaikan": -kan or -an).
func stripSuffixes(w string) []string {
	for _, s := range []string{"lah", "kah", "tah", "pun"} {
		if c, ok := cut(w, s); ok {
			w = c
			break
		}
	}
	for _, s := range []string{"nya", "ku", "mu"} {
		if c, ok := cut(w, s); ok {
			w = c
			break
		}
	}
	var out []string
	for _, s := range []string{"kan", "an", "i"} {
		if c, ok := cut(w, s); ok {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out = append(out, w)
	}
	return out
}

// nasal are the forms me- and pe- take before a root, longest first,
// with the letter the root may have started with when a vowel follows
// ("" keeps the remainder as it is).
var nasal = []struct {
	prefix string
	roots  []string
}{
	{"menge", []string{""}}, {"penge", []string{""}},
	{"meng", []string{"", "k"}}, {"peng", []string{"", "k"}},
	{"meny", []string{"s"}}, {"peny", []string{"s"}},
	{"mem", []string{"", "p"}}, {"pem", []string{"", "p"}},
	{"men", []string{"", "t"}}, {"pen", []string{"", "t"}},
	{"me", []string{""}}, {"pe", []string{""}},
}

// stripPrefixes returns the roots w may have under at most two prefixes
// ("diperbaiki" → "baik").
func stripPrefixes(w string) []string {
	var out []string
	var walk func(w string, depth int)
	walk = func(w string, depth int) {
		next := prefixed(w)
		if depth == 2 || len(next) == 0 {
			if !contains(out, w) {
				out = append(out, w)
			}
			return
		}
		for _, n := range next {
			walk(n, depth+1)
		}
	}
	walk(w, 0)
	return out
}

// prefixed is what w may be without its first prefix; none when it has
// no prefix that leaves a long enough root (three letters after a nasal
// prefix, as in "pengaduan" → "adu"; four after the others, so "dinas"
// stays whole).
func prefixed(w string) []string {
	for _, p := range []string{"ber", "ter", "per", "di", "ke", "se", "be"} {
		if strings.HasPrefix(w, p) && len(w)-len(p) >= minRoot {
			return []string{w[len(p):]}
		}
	}
	for _, n := range nasal {
		if !strings.HasPrefix(w, n.prefix) || len(w)-len(n.prefix) < 3 {
			continue
		}
		rest := w[len(n.prefix):]
		var out []string
		for _, r := range n.roots {
			switch {
			case r == "":
				out = append(out, rest)
			case isVowel(rest[0]):
				out = append(out, r+rest)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
