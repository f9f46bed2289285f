package exchange

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/fulltext"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/web"
)

// practiceItem is a practice in the API's list: the reader's language
// (lang, else its original) and where the whole of it is.
type practiceItem struct {
	Slug       string          `json:"slug"`
	URL        string          `json:"url"`
	Country    string          `json:"country"`
	RegionCode string          `json:"region_code"`
	Government string          `json:"government"`
	Lang       string          `json:"lang"`
	Title      string          `json:"title"`
	Summary    string          `json:"summary"`
	Passage    string          `json:"passage,omitempty"`
	Status     string          `json:"status"`
	Started    int             `json:"started,omitempty"`
	Tags       []string        `json:"tags"`
	State      knowledge.State `json:"state"`
	Published  time.Time       `json:"published_at"`
	Updated    time.Time       `json:"updated_at"`
}

// practiceJSON is one practice whole: every language's text, how each
// came to be, and the rest of its content.
type practiceJSON struct {
	practiceItem
	Original           string                      `json:"original"`
	Origins            map[string]knowledge.Origin `json:"origins"`
	Content            knowledge.Content           `json:"content"`
	LookingForPartners bool                        `json:"looking_for_partners"`
	Version            int                         `json:"version"`
}

// apiLang is the language the API answers in: ?lang=, else the
// visitor's.
func apiLang(r *http.Request, fallback string) (string, bool) {
	l := r.URL.Query().Get("lang")
	if l == "" {
		return fallback, true
	}
	return l, locale.Supported(l)
}

func (s *Pages) apiList(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "exchange.library.title")
	lang, ok := apiLang(r, p.Lang())
	if !ok {
		s.Problem(w, r, http.StatusBadRequest, "bad_lang", "exchange.problem.lang")
		return
	}
	search, bad, clipped := readSearch(r.URL.Query(), lang)
	switch {
	case clipped:
		s.Problem(w, r, http.StatusBadRequest, "query_too_long", "exchange.problem.too_long", fulltext.MaxQueryRunes)
		return
	case bad != "":
		s.Problem(w, r, http.StatusBadRequest, "bad_"+bad, "exchange.problem.filter", bad)
		return
	}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			s.Problem(w, r, http.StatusBadRequest, "bad_limit", "problem.bad_limit")
			return
		}
		search.Limit = n
	}
	if search.Limit == 0 {
		search.Limit = pageSize
	}
	search.NoFacets = true // the list carries none
	res, err := s.Practices.Library().Find(r.Context(), search)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[practiceItem]{Items: []practiceItem{}}
	for _, f := range res.Found {
		out.Items = append(out.Items, s.itemOf(f.Entry, lang, f.Passage))
	}
	if next := search.Offset + len(res.Found); next < res.Total {
		out.Next = strconv.Itoa(next) // the count already given; pass it back as cursor
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Pages) itemOf(e *knowledge.Entry, lang string, passage []fulltext.Piece) practiceItem {
	c := e.Live
	l, _ := langOf(c, lang)
	summary, _ := c.Summary.In(l, c.Original)
	return practiceItem{
		Slug: e.Slug, URL: s.BaseURL + s.Path(practicePath, e.Slug), Country: string(e.Country), RegionCode: e.RegionCode,
		Government: government(e.Region, lang), Lang: l, Title: c.Title[l], Summary: summary, Passage: plain(passage),
		Status: string(c.Status), Started: c.Started, Tags: c.Tags, State: e.State, Published: e.PublishedAt, Updated: e.UpdatedAt,
	}
}

func (s *Pages) apiPractice(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "exchange.library.title")
	lang, ok := apiLang(r, p.Lang())
	if !ok {
		s.Problem(w, r, http.StatusBadRequest, "bad_lang", "exchange.problem.lang")
		return
	}
	e, err := s.Practices.Library().Get(r.Context(), r.PathValue("slug"))
	if errors.Is(err, knowledge.ErrNotFound) {
		s.Problem(w, r, http.StatusNotFound, "not_found", "exchange.problem.not_found")
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, practiceJSON{
		practiceItem: s.itemOf(e, lang, nil), Original: e.Live.Original, Origins: e.Live.Origins,
		Content: e.Live, LookingForPartners: e.LookingForPartners, Version: e.LiveVersion,
	})
}

// plain is a passage as text, its marks dropped (an API client marks
// what it likes).
func plain(ps []fulltext.Piece) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Text)
	}
	return b.String()
}
