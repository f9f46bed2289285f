package fulltext

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func terms(text, lang string) []string {
	var out []string
	for _, t := range Analyze(text, lang) {
		out = append(out, t.Term)
	}
	return out
}

func TestIndonesianAffixesMeetAtTheRoot(t *testing.T) {
	for _, c := range []struct{ word, root string }{
		{"pelayanan", "layan"}, {"layanan", "layan"}, {"melayani", "layan"},
		{"pengaduan", "adu"}, {"mengadukan", "adu"}, {"kesehatan", "sehat"},
		{"menulis", "tulis"}, {"mengirim", "kirim"}, {"pengiriman", "kirim"},
		{"perbaikan", "baik"}, {"diperbaiki", "baik"}, {"berbasis", "basis"},
		{"terpadu", "padu"}, {"menyapu", "sapu"}, {"pembayaran", "bayar"},
	} {
		if got := stemIndonesian(c.word); !slices.Contains(got, c.root) {
			t.Errorf("stemIndonesian(%q) = %v, want it to hold %q", c.word, got, c.root)
		}
	}
	for _, whole := range []string{"data", "makan", "jalan", "desa"} {
		if got := terms(whole, Indonesian); !slices.Equal(got, []string{whole}) {
			t.Errorf("terms(%q) = %v, want the word alone", whole, got)
		}
	}
}

func TestJapaneseIsReadAsCharactersAndPairs(t *testing.T) {
	got := terms("リモート窓口", Japanese)
	for _, want := range []string{"り", "りも", "窓", "窓口", "口", "ーと"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms(リモート窓口) = %v, want %q among them", got, want)
		}
	}
	// Half-width katakana and full-width Latin are read as their usual forms.
	if got := terms("ﾏｲﾅﾝﾊﾞｰ ＬＩＮＥ", ""); !slices.Contains(got, "まい") || !slices.Contains(got, "line") {
		t.Errorf("terms of half-width kana and full-width Latin = %v", got)
	}
}

func TestQueryOperatorsAreText(t *testing.T) {
	q := ParseQuery(`"loket" OR jarak* NEAR: jauh`)
	if q.Words() != 4 { // loket, jarak, near, jauh: OR is a stop word
		t.Fatalf("words = %d (%v), want 4", q.Words(), q.words)
	}
	if !ParseQuery(`" * : OR AND`).Empty() {
		t.Error("a query of operators alone has something to search")
	}
	if got := ParseQuery(strings.Repeat("窓口 ", 5000)).Words(); got > MaxQueryWords {
		t.Errorf("a long query searches %d words, more than %d", got, MaxQueryWords)
	}
}

func buildIndex(docs ...[]Field) *Index {
	b := NewBuilder()
	for _, d := range docs {
		b.Add(d...)
	}
	return b.Build()
}

func TestSearchRanksTheDocumentWithEveryWordFirst(t *testing.T) {
	ix := buildIndex(
		[]Field{{Text: "Loket pelayanan kependudukan di kantor kecamatan", Lang: Indonesian, Weight: 1}},
		[]Field{{Text: "Loket jarak jauh lewat video di balai warga", Lang: Indonesian, Weight: 1}},
		[]Field{{Text: "公民館のリモート窓口", Lang: Japanese, Weight: 1}},
		[]Field{{Text: "Remote counter by video call", Lang: English, Weight: 1}},
	)
	cases := []struct {
		query string
		first int
	}{
		{"loket jarak jauh", 1}, {"layanan", 0}, {"窓口", 2}, {"窓", 2}, {"リモート", 2}, {"りもーと", 2},
		{"counters", 3}, {"calling", 3},
	}
	for _, c := range cases {
		hits := ix.Search(ParseQuery(c.query), nil)
		SortTop(hits, 1)
		if len(hits) == 0 || hits[0].Doc != c.first {
			t.Errorf("Search(%q) = %v, want document %d first", c.query, hits, c.first)
		}
	}
	if hits := ix.Search(ParseQuery("介護"), nil); len(hits) != 0 {
		t.Errorf("Search(介護) found %v in documents that do not hold it", hits)
	}
	if hits := ix.Search(ParseQuery("loket"), func(doc int) bool { return doc != 1 }); len(hits) != 1 || hits[0].Doc != 0 {
		SortTop(hits, 1)
		t.Errorf("Search with a filter = %v, want document 0 alone", hits)
	}
}

func TestPassageMarksTheMatchedWords(t *testing.T) {
	text := "Kota Fukuoka membuka loket. Warga bisa bertanya lewat video tanpa datang ke kantor. Semua gratis."
	ps, n := Passage(text, Indonesian, ParseQuery("video kantor"), 160)
	if n != 2 {
		t.Fatal("no passage")
	}
	var marked []string
	var all strings.Builder
	for _, p := range ps {
		all.WriteString(p.Text)
		if p.Mark {
			marked = append(marked, p.Text)
		}
	}
	if !slices.Equal(marked, []string{"video", "kantor"}) || !strings.Contains(all.String(), "Warga bisa bertanya") {
		t.Errorf("passage %q marks %v", all.String(), marked)
	}
	ja := "福岡市は公民館と区役所をビデオ通話で結んでいます。住民は窓口まで行かずに相談できます。"
	ps, _ = Passage(ja, Japanese, ParseQuery("窓口"), 160)
	if got := markedText(ps); got != "窓口" {
		t.Errorf("Japanese passage marks %q", got)
	}
	if _, n := Passage(text, Indonesian, ParseQuery("介護"), 160); n != 0 {
		t.Error("a passage was found for a query the text does not hold")
	}
}

func markedText(ps []Piece) string {
	var b strings.Builder
	for _, p := range ps {
		if p.Mark {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// FuzzParseQuery: no input makes the parser or a search panic, the query
// never holds more than its limits, and every term is valid text.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", `"`, "*", "NEAR(a b)", "OR", "a:b", "窓口", "介", "ｶﾀｶﾅ", "\xff\xfe", strings.Repeat("x", 10000), "pelayanan publik", "'; DROP TABLE practices; --"} {
		f.Add(s)
	}
	ix := buildIndex([]Field{{Text: "Loket jarak jauh 公民館のリモート窓口", Lang: Indonesian, Weight: 1}})
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if q.Words() > MaxQueryWords {
			t.Fatalf("%d words", q.Words())
		}
		for _, w := range q.words {
			if w.need < 1 || w.need > len(w.groups) {
				t.Fatalf("word needs %d of %d groups", w.need, len(w.groups))
			}
			for _, g := range w.groups {
				for _, term := range g {
					if term == "" || !utf8.ValidString(term) {
						t.Fatalf("term %q", term)
					}
				}
			}
		}
		ix.Search(q, nil)
		Passage(s, "", q, 80)
	})
}

// A Japanese word is found by most of its pairs, not by one: ワン alone
// does not make ワンストップ a match for バニュワンギ; particles between
// words are not needed.
func TestJapaneseWordsNeedMostOfTheirPairs(t *testing.T) {
	ix := buildIndex(
		[]Field{{Text: "書かないワンストップ窓口", Lang: Japanese, Weight: 1}},
		[]Field{{Text: "バニュワンギ県のスマートカンプン", Lang: Japanese, Weight: 1}},
		[]Field{{Text: "路線バスを使ったモバイル市役所", Lang: Japanese, Weight: 1}},
	)
	if hits := ix.Search(ParseQuery("バニュワンギ"), nil); len(hits) != 1 || hits[0].Doc != 1 {
		t.Errorf("Search(バニュワンギ) = %v, want document 1 alone", hits)
	}
	hits := ix.Search(ParseQuery("路線バスの移動市役所"), nil)
	SortTop(hits, 1)
	if len(hits) == 0 || hits[0].Doc != 2 {
		t.Errorf("Search(路線バスの移動市役所) = %v, want document 2 first", hits)
	}
	if got := ParseQuery("路線バスの移動"); got.Words() != 3 { // 路線, バス, 移動: の is dropped
		t.Errorf("路線バスの移動 has %d pairs, want 3: %v", got.Words(), got.words)
	}
}

// SortTop gives the same best k as sorting everything, whatever k.
func TestSortTopMatchesAFullSort(t *testing.T) {
	var hits []Hit
	for i := range 500 {
		hits = append(hits, Hit{Doc: i, Score: float64((i * 7919) % 97)})
	}
	want := slices.Clone(hits)
	slices.SortFunc(want, func(a, b Hit) int {
		if before(a, b) {
			return -1
		}
		return 1
	})
	for _, k := range []int{0, 1, 5, 20, 499, 500, 900} {
		got := slices.Clone(hits)
		SortTop(got, k)
		n := min(k, len(got))
		if !slices.Equal(got[:n], want[:n]) {
			t.Errorf("k=%d: the top differs", k)
		}
	}
}
