package exchange

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/fulltext"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// pageSize is how many practices a page of the library lists.
const pageSize = 20

// Kinds are the kinds of government the facet offers.
var kinds = []string{"province", "regency", "city", "prefecture", "town", "village", "ward"}

// readSearch reads the library's query string. Values no form offers
// are refused by name (bad) so the API can say which; the page drops
// them. clipped says the text was longer than a query may be.
func readSearch(q url.Values, lang string) (s knowledge.Search, bad string, clipped bool) {
	s.Text = strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(s.Text) > fulltext.MaxQueryRunes {
		s.Text, clipped = web.TruncateRunes(s.Text, fulltext.MaxQueryRunes), true
	}
	s.Lang = lang
	pick := func(name string, allowed []string) string {
		v := strings.TrimSpace(q.Get(name))
		if v != "" && !slices.Contains(allowed, v) {
			bad = name
			return ""
		}
		return v
	}
	s.Country = pick("country", []string{"ID", "JP"})
	s.Tag = pick("tag", knowledge.Tags)
	s.Status = pick("status", []string{string(knowledge.Continuing), string(knowledge.Stopped), string(knowledge.Unknown)})
	s.Kind = pick("kind", kinds)
	s.Population = pick("population", knowledge.PopulationBands)
	if y := validation.Narrow(strings.TrimSpace(q.Get("year"))); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2200 {
			bad = "year"
		} else {
			s.Year = n
		}
	}
	if c := validation.Narrow(strings.TrimSpace(q.Get("cursor"))); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > 1_000_000 {
			bad = "cursor"
		} else {
			s.Offset = n
		}
	}
	return s, bad, clipped
}

// resultView is one practice in the list.
type resultView struct {
	Slug, Title, TitleLang string
	Government, Country    string
	Status                 string
	Started                int
	Tags                   []string
	Summary, SummaryLang   string
	Passage                []fulltext.Piece
	PassageLang            string
}

// facetView is one facet's choice on the search form.
type facetView struct {
	Name, Label string
	Options     []optionView
}

type optionView struct {
	Value, Label string
	Count        int
	Selected     bool
}

func (s *Pages) libraryPage(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "exchange.library.title")
	search, _, clipped := readSearch(r.URL.Query(), p.Lang())
	search.Limit = pageSize
	res, err := s.Practices.Library().Find(r.Context(), search)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	var found []resultView
	for _, f := range res.Found {
		found = append(found, s.resultOf(p, f))
	}
	p.Form.Set("q", search.Text)
	p.Data = struct {
		Query       string
		Searched    bool
		NoWords     bool
		Clipped     bool
		MaxRunes    int
		Total       int
		Found       []resultView
		Facets      []facetView
		Next, Prev  string
		First, Last int
		CSV         string
	}{
		CSV:   csvPath + "?" + r.URL.Query().Encode(),
		Query: search.Text, Searched: search.Text != "", NoWords: search.Text != "" && res.Query.Empty(), Clipped: clipped, MaxRunes: fulltext.MaxQueryRunes,
		Total: res.Total, Found: found, Facets: facetsOf(p, res, search),
		Next:  pageLink(r, search.Offset+pageSize, search.Offset+pageSize < res.Total),
		Prev:  pageLink(r, max(search.Offset-pageSize, 0), search.Offset > 0),
		First: search.Offset + 1, Last: search.Offset + len(found),
	}
	s.Render(w, http.StatusOK, "exchange_library", p)
}

// pageLink is the library's address with the same search at offset.
func pageLink(r *http.Request, offset int, ok bool) string {
	if !ok {
		return ""
	}
	q := r.URL.Query()
	q.Del("cursor")
	if offset > 0 {
		q.Set("cursor", strconv.Itoa(offset))
	}
	if len(q) == 0 {
		return libraryPath
	}
	return libraryPath + "?" + q.Encode()
}

func (s *Pages) resultOf(p *web.Page, f knowledge.Found) resultView {
	c := f.Live
	lang, _ := langOf(c, p.Lang())
	v := resultView{
		Slug: f.Slug, Title: c.Title[lang], TitleLang: lang, Government: government(f.Region, p.Lang()),
		Country: p.T("exchange.country." + string(f.Country)), Status: p.T("exchange.status." + string(c.Status)),
		Started: c.Started, Passage: f.Passage, PassageLang: f.PassageLang,
	}
	for _, t := range c.Tags {
		v.Tags = append(v.Tags, p.T("exchange.tag."+t))
	}
	if f.Passage == nil {
		v.Summary, v.SummaryLang = c.Summary.In(p.Lang(), c.Original)
	}
	return v
}

// facetsOf builds the search form's choices, each with how many of the
// matches have it.
func facetsOf(p *web.Page, res knowledge.Results, q knowledge.Search) []facetView {
	chosen := map[string]string{"country": q.Country, "tag": q.Tag, "status": q.Status, "kind": q.Kind, "population": q.Population}
	if q.Year != 0 {
		chosen["year"] = strconv.Itoa(q.Year)
	}
	var out []facetView
	for _, name := range knowledge.Facets {
		f := facetView{Name: name, Label: p.T("exchange.facet." + name)}
		counts := res.Facets[name]
		if name == "year" {
			slices.SortFunc(counts, func(a, b knowledge.FacetCount) int { return strings.Compare(b.Value, a.Value) })
		}
		seen := false
		for _, c := range counts {
			selected := c.Value == chosen[name]
			seen = seen || selected
			f.Options = append(f.Options, optionView{Value: c.Value, Label: optionLabel(p, name, c.Value), Count: c.Count, Selected: selected})
		}
		if v := chosen[name]; v != "" && !seen {
			f.Options = append(f.Options, optionView{Value: v, Label: optionLabel(p, name, v), Selected: true})
		}
		out = append(out, f)
	}
	return out
}

func optionLabel(p *web.Page, facet, value string) string {
	if facet == "year" {
		return value
	}
	return p.T("exchange." + facet + "." + value)
}
