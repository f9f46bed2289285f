package exchange

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/web"
)

const (
	csvPath  = "/exchange/practices.csv"
	feedPath = "/exchange/feed.atom"
)

// csvExport is the library (or one search of it: the same q and
// filters) as a spreadsheet file, in the reader's language with the
// original as fallback; UTF-8 with a byte-order mark, so spreadsheet
// programs read Japanese right.
func (s *Pages) csvExport(w http.ResponseWriter, r *http.Request) {
	lang := web.LangOf(r)
	search, _, _ := readSearch(r.URL.Query(), lang)
	search.Limit, search.NoFacets = 100, true
	var rows [][]string
	tr := func(k string) string { return s.Catalog.T(lang, k) }
	rows = append(rows, []string{"slug", tr("exchange.facet.country"), "region_code", tr("exchange.csv.government"), tr("exchange.csv.lang"),
		tr("exchange.field.title"), tr("exchange.field.summary"), tr("exchange.fact.status"), tr("exchange.fact.started"),
		tr("exchange.fact.tags"), "url", tr("exchange.csv.published"), tr("exchange.fact.updated")})
	for {
		res, err := s.Practices.Library().Find(r.Context(), search)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for _, f := range res.Found {
			it := s.itemOf(f.Entry, lang, nil)
			rows = append(rows, []string{it.Slug, it.Country, it.RegionCode, it.Government, it.Lang, it.Title, it.Summary, it.Status,
				year(it.Started), strings.Join(it.Tags, " "), it.URL, it.Published.Format(time.RFC3339), it.Updated.Format(time.RFC3339)})
		}
		search.Offset += len(res.Found)
		if len(res.Found) == 0 || search.Offset >= res.Total {
			break
		}
	}
	if err := web.WriteCSV(w, "practices-"+lang, rows); err != nil {
		s.LogFailure(r, "send the practices as CSV", err)
	}
}

// The Atom feed's parts (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     atomText   `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Link      atomLink   `xml:"link"`
	Author    atomPerson `xml:"author"`
	Summary   atomText   `xml:"summary"`
	Category  []atomCat  `xml:"category"`
}

type atomText struct {
	Lang string `xml:"xml:lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

// feed is the newest and last updated practices as an Atom feed, for
// feed readers and other networks' sites.
func (s *Pages) feed(w http.ResponseWriter, r *http.Request) {
	lang := web.LangOf(r)
	if l := r.URL.Query().Get("lang"); l != "" {
		lang = l
	}
	list, err := s.Practices.Library().Recent(r.Context(), 50)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	f := atomFeed{Lang: lang, ID: s.BaseURL + feedPath, Title: s.Catalog.T(lang, "exchange.feed.title"),
		Links:  []atomLink{{Rel: "self", Href: s.BaseURL + feedPath}, {Rel: "alternate", Href: s.BaseURL + libraryPath}},
		Author: atomPerson{Name: "Serambi"}, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	if len(list) > 0 {
		f.Updated = list[0].UpdatedAt.Format(time.RFC3339)
	}
	for _, e := range list {
		it := s.itemOf(e, lang, nil)
		entry := atomEntry{ID: it.URL + "#v" + strconv.Itoa(e.LiveVersion), Title: atomText{it.Lang, it.Title},
			Updated: it.Updated.Format(time.RFC3339), Published: it.Published.Format(time.RFC3339),
			Link: atomLink{Rel: "alternate", Href: it.URL}, Author: atomPerson{Name: it.Government}, Summary: atomText{it.Lang, it.Summary}}
		for _, t := range e.Live.Tags {
			entry.Category = append(entry.Category, atomCat{Term: t})
		}
		f.Entries = append(f.Entries, entry)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write([]byte(xml.Header))
	if err == nil {
		enc := xml.NewEncoder(w)
		err = enc.Encode(f)
	}
	s.LogFailure(r, "send the practices' feed", err)
}
