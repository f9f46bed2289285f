package validation

import "testing"

func TestNarrowReadsWhatWasMeant(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"０９０－１２３４－５６７８":     "090-1234-5678",
		"０９０ー１２３４ー５６７８":     "090-1234-5678",   // katakana long vowel typed for a hyphen
		"ＦＵＫ−２０２６−０００００１":   "FUK-2026-000001", // minus sign
		"ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ": "hanako@example.jp",
		"１２３\u3000４５６":      "123 456", // ideographic space
		"081298765432":      "081298765432",
		"住民票":               "住民票", // kanji untouched
	} {
		if got := Narrow(in); got != want {
			t.Errorf("Narrow(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHasHiddenControls(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"Budi Santoso": false, "山田 花子": false, "line one\nline two\ttab": false,
		"Bu\x00di": true, "x\x1b[31m": true, "abc\u202edcba": true, "\u2066iso": true, "\x85next": true, "bad\xffutf8": true,
	} {
		if got := HasHiddenControls(s); got != want {
			t.Errorf("HasHiddenControls(%q) = %v, want %v", s, got, want)
		}
	}
}
