package region

import (
	"fmt"
	"strings"
)

var jpColumns = []string{"code", "level", "name", "name_kana", "name_en", "parent_code"}

const tokyo = "Asia/Tokyo" // Japan has a single time zone

// japaneseRegion converts a regions-jp.csv row.
func japaneseRegion(r row) (Region, error) {
	reg := Region{
		Code:     r.get("code"),
		Country:  Japan,
		Level:    Level(r.get("level")),
		Name:     r.get("name"),
		NameKana: r.get("name_kana"),
		Parent:   r.get("parent_code"),
		TimeZone: tokyo,
	}
	switch reg.Level {
	case Prefecture, Municipality, Ward:
	default:
		return Region{}, fmt.Errorf("%s: unknown level %q", reg.Code, reg.Level)
	}
	// The CSV gives English names for prefectures only; the rest are
	// romanised from their kana reading.
	if reg.NameLatin = r.get("name_en"); reg.NameLatin == "" {
		reg.NameLatin = japaneseLatin(reg)
	}
	return reg, nil
}

// suffix is the administrative word that ends a Japanese name, with its
// possible readings and its English rendering.
type suffix struct {
	kanji   string
	kana    []string
	english string
}

var (
	prefectureSuffixes = []suffix{
		{"県", []string{"けん"}, "Prefecture"},
		{"府", []string{"ふ"}, "Prefecture"},
		{"都", []string{"と"}, "Metropolis"},
		{"道", []string{"どう"}, ""}, // Hokkaido is not "Hokkai Prefecture"
	}
	municipalSuffixes = []suffix{
		{"市", []string{"し"}, "City"},
		{"町", []string{"ちょう", "まち"}, "Town"},
		{"村", []string{"そん", "むら"}, "Village"},
		// Tokyo's special wards style themselves cities in English.
		{"区", []string{"く"}, "City"},
	}
	citySuffixes = municipalSuffixes[:1]
	wardSuffixes = []suffix{{"区", []string{"く"}, "Ward"}}
)

// nameParts is one name split into its stem and administrative suffix:
// 福岡市 → 福岡 / ふくおか / City.
type nameParts struct {
	name     string // "福岡市"
	stem     string // "福岡"
	stemKana string // "ふくおか"
	english  string // "City"
}

// latin renders the parts in English: "Fukuoka City".
func (p nameParts) latin() string {
	stem := capitalize(foldLongVowels(romanize(p.stemKana)))
	if p.english == "" {
		return stem
	}
	return stem + " " + p.english
}

// splitSuffix cuts the suffix off both name and kana. The kana must be cut
// before romanising because the suffix's reading varies (町 is ちょう or まち)
// and is replaced by an English word.
func splitSuffix(name, kana string, table []suffix) (nameParts, bool) {
	for _, s := range table {
		stem, ok := strings.CutSuffix(name, s.kanji)
		if !ok || stem == "" {
			continue
		}
		for _, reading := range s.kana {
			if stemKana, ok := strings.CutSuffix(kana, reading); ok && stemKana != "" {
				return nameParts{name: name, stem: stem, stemKana: stemKana, english: s.english}, true
			}
		}
	}
	return nameParts{}, false
}

// japaneseParts splits a region's name into its parts: one for a prefecture
// or municipality, two (city, ward) for a designated-city ward, whose name
// and kana are "札幌市 中央区" and "さっぽろし ちゅうおうく". The last part
// is the region's own name.
func japaneseParts(reg Region) ([]nameParts, bool) {
	switch reg.Level {
	case Prefecture:
		p, ok := splitSuffix(reg.Name, reg.NameKana, prefectureSuffixes)
		return []nameParts{p}, ok
	case Municipality:
		p, ok := splitSuffix(reg.Name, reg.NameKana, municipalSuffixes)
		return []nameParts{p}, ok
	case Ward:
		cityName, wardName, ok1 := strings.Cut(reg.Name, " ")
		cityKana, wardKana, ok2 := strings.Cut(reg.NameKana, " ")
		city, ok3 := splitSuffix(cityName, cityKana, citySuffixes)
		ward, ok4 := splitSuffix(wardName, wardKana, wardSuffixes)
		return []nameParts{city, ward}, ok1 && ok2 && ok3 && ok4
	}
	return nil, false
}

// japaneseLatin romanises a name: "Fukuoka City", "Sapporo City Chuo Ward".
// A name whose kana does not fit the expected suffix is romanised whole
// rather than rejected, so odd data degrades the display, not start-up.
func japaneseLatin(reg Region) string {
	parts, ok := japaneseParts(reg)
	if !ok {
		return capitalize(foldLongVowels(romanize(reg.NameKana)))
	}
	words := make([]string, len(parts))
	for i, p := range parts {
		words[i] = p.latin()
	}
	return strings.Join(words, " ")
}

// validJapaneseCode reports whether a 全国地方公共団体コード carries the right
// check digit: weights 6..2 over the first five digits, sum mod 11, and the
// check digit is the last digit of 11 minus the remainder.
func validJapaneseCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	sum := 0
	for i := range 5 {
		c := code[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * (6 - i)
	}
	return code[5] == byte('0'+(11-sum%11)%10)
}
