package counters

import (
	"net/http"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/result"
)

// QR posters for community halls and counters: a printable page with a
// large QR code that opens the counter's "take a number" page on a
// resident's phone (Toyohashi's queue tickets, without the ticket
// machine). The poster speaks the three languages at once, the tenant's
// first.

type posterLine struct {
	Lang, Name, Take, Steps string
}

func (s *Pages) posterURL(slug string, counterID ids.Counter) string {
	return s.BaseURL + s.Path("/{tenant}/counters/{id}", slug, string(counterID)) + "?from=qr"
}

func (s *Pages) counterPoster(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	p := s.NewPage(r, "poster.title")
	p.Tenant = t
	p.NoIndex = true
	var lines []posterLine
	for _, l := range locale.FirstOf(t.DefaultLang) {
		lines = append(lines, posterLine{Lang: l, Name: c.Name(l), Take: s.Catalog.T(l, "poster.take"),
			Steps: s.Catalog.T(l, "poster.steps")})
	}
	p.Data = struct {
		Lines     []posterLine
		URL, QR   string
		CounterID ids.Counter
	}{lines, s.posterURL(t.Slug, c.ID), s.Path("/{tenant}/counters/{id}/poster.png", t.Slug, string(c.ID)), c.ID}
	s.Render(w, http.StatusOK, "poster", p)
}

// counterPosterQR is the poster's QR code (of a public address, so anyone
// may fetch it).
func (s *Pages) counterPosterQR(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	png, err := result.QRCode(s.posterURL(t.Slug, c.ID), 800)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(png)
}
