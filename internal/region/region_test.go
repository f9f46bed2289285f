package region

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// loadOnce shares one directory between the parallel tests; Load's result is
// read-only.
var loadOnce = sync.OnceValues(Load)

func directory(t testing.TB) *Directory {
	t.Helper()
	d, err := loadOnce()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func codes(rs []Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func TestCount(t *testing.T) {
	t.Parallel()
	d := directory(t)
	tests := []struct {
		country Country
		level   Level
		want    int
	}{
		{Indonesia, Province, 38},
		{Indonesia, Regency, 416},
		{Indonesia, City, 98},
		{Indonesia, "", 38 + 514},
		{Japan, Prefecture, 47},
		{Japan, Municipality, 1741},
		{Japan, Ward, 175},
		{"", "", 552 + 1963},
	}
	for _, tt := range tests {
		if got := d.Count(tt.country, tt.level); got != tt.want {
			t.Errorf("Count(%q, %q) = %d, want %d", tt.country, tt.level, got, tt.want)
		}
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	d := directory(t)
	tests := []struct {
		code, name, latin, parent, zone string
		level                           Level
	}{
		{"35.10", "Kabupaten Banyuwangi", "Kabupaten Banyuwangi", "35", wib, Regency},
		{"31.72", "Kota Administrasi Jakarta Utara", "Kota Administrasi Jakarta Utara", "31", wib, City},
		{"51", "Bali", "Bali", "", wita, Province},
		{"94", "Papua Tengah", "Papua Tengah", "", wit, Province},
		{"400009", "福岡県", "Fukuoka", "", tokyo, Prefecture},
		{"401307", "福岡市", "Fukuoka City", "400009", tokyo, Municipality},
		{"272159", "寝屋川市", "Neyagawa City", "270008", tokyo, Municipality},
		{"011011", "札幌市 中央区", "Sapporo City Chuo Ward", "010006", tokyo, Ward},
		{"131016", "千代田区", "Chiyoda City", "130001", tokyo, Municipality},
	}
	for _, tt := range tests {
		got, ok := d.Get(tt.code)
		if !ok {
			t.Errorf("Get(%q) not found", tt.code)
			continue
		}
		if got.Name != tt.name || got.NameLatin != tt.latin || got.Parent != tt.parent ||
			got.TimeZone != tt.zone || got.Level != tt.level {
			t.Errorf("Get(%q) = %+v, want name %q latin %q parent %q zone %q level %q",
				tt.code, got, tt.name, tt.latin, tt.parent, tt.zone, tt.level)
		}
	}
	if _, ok := d.Get("99.99"); ok {
		t.Error("Get of an unknown code succeeded")
	}
}

func TestEveryRegionComplete(t *testing.T) {
	t.Parallel()
	d := directory(t)
	for _, r := range d.regions {
		if r.TimeZone == "" || r.NameLatin == "" || r.Name == "" {
			t.Errorf("%s: incomplete: %+v", r.Code, r)
		}
		if r.Parent != "" {
			if _, ok := d.Get(r.Parent); !ok {
				t.Errorf("%s: parent %q does not exist", r.Code, r.Parent)
			}
		} else if r.Level != Province && r.Level != Prefecture {
			t.Errorf("%s: %s without a parent", r.Code, r.Level)
		}
	}
}

// Every Indonesian province must map to a zone; a new province code would
// fail Load, and this pins down the mapping itself.
func TestIndonesianTimeZones(t *testing.T) {
	t.Parallel()
	d := directory(t)
	zones := map[string]int{}
	for _, p := range d.Search(Query{Country: Indonesia, Level: Province, Limit: maxLimit}) {
		if p.TimeZone != wib && p.TimeZone != wita && p.TimeZone != wit {
			t.Errorf("province %s %s: time zone %q", p.Code, p.Name, p.TimeZone)
		}
		zones[p.TimeZone]++
	}
	want := map[string]int{wib: 18, wita: 12, wit: 8}
	for z, n := range want {
		if zones[z] != n {
			t.Errorf("%d provinces in %s, want %d", zones[z], z, n)
		}
	}
}

// A Japanese name that does not split into stem and suffix falls back to
// whole-kana romaji; none in the data should.
func TestJapaneseLatinSuffix(t *testing.T) {
	t.Parallel()
	d := directory(t)
	for _, r := range d.regions {
		if r.Country != Japan || r.Level == Prefecture {
			continue
		}
		if _, ok := japaneseParts(r); !ok {
			t.Errorf("%s %s (%s): suffix not recognised, latin %q", r.Code, r.Name, r.NameKana, r.NameLatin)
		}
	}
}

func TestJapaneseCheckDigits(t *testing.T) {
	t.Parallel()
	d := directory(t)
	var bad []string
	for _, r := range d.regions {
		if r.Country == Japan && !validJapaneseCode(r.Code) {
			bad = append(bad, r.Code+" "+r.Name)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d codes with a wrong check digit: %v", len(bad), bad)
	}
	for code, want := range map[string]bool{"401307": true, "401308": false, "13101": false, "13101x": false} {
		if got := validJapaneseCode(code); got != want {
			t.Errorf("validJapaneseCode(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestChildren(t *testing.T) {
	t.Parallel()
	d := directory(t)
	tests := []struct {
		parent  string
		n       int
		contain string
	}{
		{"35", 38, "35.10"},      // Jawa Timur: 29 regencies, 9 cities
		{"400009", 74, "401307"}, // Fukuoka: 60 municipalities, 14 wards of Kitakyushu and Fukuoka
		{"401307", 0, ""},        // wards hang under the prefecture, as in the CSV
		{"35.10", 0, ""},
	}
	for _, tt := range tests {
		kids := d.Children(tt.parent)
		if len(kids) != tt.n {
			t.Errorf("Children(%q): %d regions, want %d", tt.parent, len(kids), tt.n)
		}
		got := codes(kids)
		if tt.contain != "" && !slices.Contains(got, tt.contain) {
			t.Errorf("Children(%q) lacks %s", tt.parent, tt.contain)
		}
		if !slices.IsSorted(got) {
			t.Errorf("Children(%q) not in code order", tt.parent)
		}
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	d := directory(t)
	tests := []struct {
		name  string
		q     Query
		first []string // the results must start with these
		also  []string // and contain these anywhere
	}{
		{"latin indonesian", Query{Q: "banyuwangi"}, []string{"35.10"}, nil},
		{"mixed case", Query{Q: "BanyuWangi"}, []string{"35.10"}, nil},
		{"romaji", Query{Q: "fukuoka"}, []string{"400009", "401307"}, []string{"401315", "401374"}},
		{"hiragana", Query{Q: "ふくおか"}, []string{"400009", "401307"}, []string{"401331"}},
		{"katakana", Query{Q: "フクオカ"}, []string{"400009", "401307"}, nil},
		{"kanji", Query{Q: "福岡"}, []string{"400009", "401307"}, []string{"401331"}},
		{"romaji city", Query{Q: "neyagawa"}, []string{"272159"}, nil},
		{"long vowel ou", Query{Q: "chuuou"}, []string{"131024"}, []string{"011011"}},
		{"long vowel short", Query{Q: "chuo"}, []string{"131024"}, []string{"011011"}},
		{"macron", Query{Q: "Ōsaka"}, []string{"270008", "271004"}, nil},
		{"oo spelling", Query{Q: "oosaka"}, []string{"270008", "271004"}, nil},
		{"ou spelling", Query{Q: "toukyou"}, []string{"130001"}, nil},
		{"spaces and hyphens", Query{Q: "fukuoka-city chuo"}, []string{"401331"}, nil},
		{"english suffix", Query{Q: "fukuoka city"}, []string{"401307"}, nil},
		{"kota prefix ranks exact", Query{Q: "bandung"}, []string{"32.04", "32.73", "32.17"}, nil},
		{"full-width", Query{Q: "ｆｕｋｕｏｋａ"}, []string{"400009"}, nil},
		{"country filter", Query{Q: "a", Country: Indonesia, Level: Province, Limit: 1}, []string{"11"}, nil},
		{"parent filter", Query{Parent: "400009", Level: Ward, Limit: 2}, []string{"401013", "401030"}, nil}, // Kitakyushu's first wards
	}
	for _, tt := range tests {
		got := codes(d.Search(tt.q))
		if len(got) < len(tt.first) || !slices.Equal(got[:len(tt.first)], tt.first) {
			t.Errorf("%s: Search(%+v) = %v, want first %v", tt.name, tt.q, got, tt.first)
		}
		for _, c := range tt.also {
			if !slices.Contains(got, c) {
				t.Errorf("%s: Search(%+v) = %v, lacks %s", tt.name, tt.q, got, c)
			}
		}
	}
}

func TestSearchLimits(t *testing.T) {
	t.Parallel()
	d := directory(t)
	tests := []struct {
		limit, want int
	}{
		{0, defaultLimit}, {-3, defaultLimit}, {7, 7}, {10000, maxLimit},
	}
	for _, tt := range tests {
		if got := len(d.Search(Query{Limit: tt.limit})); got != tt.want {
			t.Errorf("Limit %d: %d results, want %d", tt.limit, got, tt.want)
		}
	}
	if got := d.Search(Query{Q: "zzzzqqq"}); len(got) != 0 {
		t.Errorf("nonsense query matched %v", codes(got))
	}
}

// Results are copies: a caller editing them must not change the directory.
func TestResultsAreCopies(t *testing.T) {
	t.Parallel()
	d := directory(t)
	rs := d.Search(Query{Q: "banyuwangi"})
	rs[0].Name = "changed"
	d.Children("35")[0].Name = "changed"
	for _, code := range []string{"35.10", "35.01"} {
		if r, _ := d.Get(code); r.Name == "changed" {
			t.Fatalf("%s modified through a result", code)
		}
	}
}

func TestRomanize(t *testing.T) {
	t.Parallel()
	tests := []struct{ kana, want string }{
		{"ふくおか", "fukuoka"},
		{"さっぽろ", "sapporo"}, // small tsu doubles
		{"まっちゃ", "matcha"},  // before ch it is t
		{"とっとり", "tottori"},
		{"しんおおさか", "shin'oosaka"}, // n before a vowel
		{"かんよう", "kan'you"},       // n before y
		{"しんばし", "shinbashi"},     // n before b stays n
		{"きょうと", "kyouto"},        // digraph, long vowel left as written
		{"ちゅうおう", "chuuou"},
		{"しゃ じゅ ちょ", "sha ju cho"},
		{"ひゃ みゅ りょ ぴゃ", "hya myu ryo pya"},
		{"づ ぢ を", "zu ji o"},
		{"フクオカ", "fukuoka"}, // katakana
		{"ラーメン", "raamen"},  // long mark repeats the vowel
		{"ファイル ティー ウィ シェ", "fairu tii wi she"},
		{"ヴァ", "va"},
		{"ニセコ", "niseko"},
		{"abcっ", "abc"},
	}
	for _, tt := range tests {
		if got := romanize(tt.kana); got != tt.want {
			t.Errorf("romanize(%q) = %q, want %q", tt.kana, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Ōsaka", "osaka"},
		{"oosaka", "osaka"},
		{"Chūō-ku", "chuoku"},
		{"chuuou ku", "chuoku"},
		{"Toukyou", "tokyo"},
		{"フクオカ", "ふくおか"},
		{"福岡市 東区", "福岡市東区"},
		{"Ｆｕｋｕｏｋａ", "fukuoka"},
		{"Kan'onji", "kanonji"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSuffixRendering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, kana string
		level      Level
		want       string
	}{
		{"坂町", "さかちょう", Municipality, "Saka Town"},
		{"大町町", "おおまちちょう", Municipality, "Omachi Town"},
		{"鰺ヶ沢町", "あじがさわまち", Municipality, "Ajigasawa Town"},
		{"原村", "はらむら", Municipality, "Hara Village"},
		{"大和村", "やまとそん", Municipality, "Yamato Village"},
		{"世田谷区", "せたがやく", Municipality, "Setagaya City"},
		{"四日市市", "よっかいちし", Municipality, "Yokkaichi City"},
		{"大阪市 中央区", "おおさかし ちゅうおうく", Ward, "Osaka City Chuo Ward"},
		{"変な名", "へんなな", Municipality, "Hennana"}, // no suffix: romanised whole
	}
	for _, tt := range tests {
		got := japaneseLatin(Region{Name: tt.name, NameKana: tt.kana, Level: tt.level})
		if got != tt.want {
			t.Errorf("japaneseLatin(%s, %s) = %q, want %q", tt.name, tt.kana, got, tt.want)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch scans the whole directory with a query that matches many
// regions in both countries, so sorting is exercised too.
func BenchmarkSearch(b *testing.B) {
	d := directory(b)
	for _, q := range []string{"kawa", "fukuoka", "ふくおか", "kabupaten"} {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				d.Search(Query{Q: q})
			}
		})
	}
}
