// Package locale holds Serambi's message catalogs (Bahasa Indonesia,
// Japanese, English) and formats dates the way each language writes them.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
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

//go:embed id.json ja.json en.json
var files embed.FS

// Catalog maps language -> key -> message.
type Catalog struct {
	msgs map[Lang]map[string]string
}

// Load parses the embedded catalogs.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		b, err := files.ReadFile(l + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locale %s: %w", l, err)
		}
		c.msgs[l] = m
	}
	return c, nil
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
