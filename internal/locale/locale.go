// Package locale holds Serambi's message catalogs (Bahasa Indonesia,
// Japanese, English) and formats dates the way each language writes them.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a supported language code.
type Lang = string

// Langs are the supported languages, in the order the switch shows them.
var Langs = []Lang{"id", "ja", "en"}

// Supported tells whether l is one of Langs.
func Supported(l string) bool { return l == "id" || l == "ja" || l == "en" }

// Each language's messages live in messages/{lang}/*.json, one file per
// area of the product, so work on one area does not touch the others'
// files. A key may be defined in only one file of a language.
//
//go:embed messages
var files embed.FS

// Catalog maps language -> key -> message.
type Catalog struct {
	msgs map[Lang]map[string]string
}

// Load parses the embedded catalogs.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		m, err := loadLang(l)
		if err != nil {
			return nil, err
		}
		c.msgs[l] = m
	}
	return c, nil
}

// loadLang merges every file of one language, refusing a key defined twice
// (a silent override would make one area's wording win at random).
func loadLang(l Lang) (map[string]string, error) {
	dir := "messages/" + l
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("locale %s: list catalogs: %w", l, err)
	}
	merged := map[string]string{}
	from := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := files.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("locale %s: read %s: %w", l, e.Name(), err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locale %s: parse %s: %w", l, e.Name(), err)
		}
		for k, v := range m {
			if prev, dup := from[k]; dup {
				return nil, fmt.Errorf("locale %s: key %q is in both %s and %s", l, k, prev, e.Name())
			}
			from[k] = e.Name()
			merged[k] = v
		}
	}
	return merged, nil
}

// T translates key into lang; args fill %[1]s-style verbs so each language
// can order them as its grammar wants. A missing key shows the key itself
// (and the catalog test fails), never an empty string.
func (c *Catalog) T(lang Lang, key string, args ...any) string {
	m, ok := c.msgs[lang][""+key]
	if !ok {
		if m, ok = c.msgs["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(m, "%") {
		return m // a message may ignore its arguments (a subject it need not name)
	}
	return fmt.Sprintf(m, args...)
}

// N translates a message about a count n: the key's form for n's plural
// category in lang (key+".one" or key+".other", CLDR's names), with n as
// the first argument. Indonesian and Japanese do not inflect for number,
// so they use ".other" always; English says "1 person", "2 people".
func (c *Catalog) N(lang Lang, key string, n int, args ...any) string {
	return c.T(lang, key+"."+PluralCategory(lang, n), append([]any{n}, args...)...)
}

// PluralCategory is n's CLDR plural category in lang, for the languages
// Serambi speaks: only English has "one".
func PluralCategory(lang Lang, n int) string {
	if lang == "en" && n == 1 {
		return "one"
	}
	return "other"
}

// Has tells whether key exists in lang.
func (c *Catalog) Has(lang Lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys lists every key of lang, sorted.
func (c *Catalog) Keys(lang Lang) []string {
	var ks []string
	for k := range c.msgs[lang] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

var matcher = language.NewMatcher([]language.Tag{language.Indonesian, language.Japanese, language.English})

// FromAcceptLanguage picks the best supported language for an
// Accept-Language header, or "" when the header names none of ours.
func FromAcceptLanguage(header string) Lang {
	if strings.TrimSpace(header) == "" {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return ""
	}
	return Langs[idx]
}

// FirstOf lists Langs with first at the front, for what speaks every
// language at once (a poster: its government's language first).
func FirstOf(first Lang) []Lang {
	out := []Lang{first}
	for _, l := range Langs {
		if l != first {
			out = append(out, l)
		}
	}
	return out
}
