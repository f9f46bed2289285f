package surveys

import (
	"net/http"
	"net/url"

	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/result"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// A poster at a counter or in a hall asks people who have no email or
// account: its QR code opens a start page whose button makes an
// invitation on the spot. One phone could press it again and again, so
// each address may start a few an hour (kept in memory per node).

const (
	posterPath   = "/{tenant}/admin/survey/poster"
	posterQRPath = "/{tenant}/survey-poster.png"
	startPath    = "/{tenant}/survey-start"
	// startsPerHour is how many surveys one address may start from a poster
	// in an hour: a family sharing a phone, not a ballot stuffer.
	startsPerHour = 5
)

// posterUnit reads the counter a poster is for ("" for the whole
// government), answering 404 for one that is not the government's.
func (s *Pages) posterUnit(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) (unitKind, unitID string, c *counter.Counter, ok bool) {
	id := r.URL.Query().Get("counter")
	if id == "" {
		return survey.UnitTenant, "", nil, true
	}
	cs, err := s.Counters.List(r.Context(), t.ID, false)
	if err != nil {
		s.ServerError(w, r, err)
		return "", "", nil, false
	}
	for i := range cs {
		if string(cs[i].ID) == id {
			return survey.UnitCounter, id, &cs[i], true
		}
	}
	s.NotFound(w, r)
	return "", "", nil, false
}

// posterTarget loads the tenant and the poster's counter of the request.
func (s *Pages) posterTarget(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, string, string, *counter.Counter, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, "", "", nil, false
	}
	kind, unitID, c, ok := s.posterUnit(w, r, t)
	return t, kind, unitID, c, ok
}

// unitName is the counter's name in lang, "" for the whole government.
func unitName(c *counter.Counter, lang string) string {
	if c == nil {
		return ""
	}
	return c.Name(lang)
}

// startURL is where a poster's QR code leads.
func (s *Pages) startURL(t *tenant.Tenant, counterID string) string {
	u := s.BaseURL + s.Path(startPath, t.Slug)
	if counterID != "" {
		u += "?" + url.Values{"counter": {counterID}}.Encode()
	}
	return u
}

// posterLine is the poster's words in one language.
type posterLine struct{ Lang, Title, Steps string }

// posterPage is the printable poster, in the three languages, the
// government's first.
func (s *Pages) posterPage(w http.ResponseWriter, r *http.Request) {
	t, _, unitID, c, ok := s.posterTarget(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "survey.poster.title")
	p.Tenant, p.NoIndex = t, true
	name := unitName(c, p.Lang())
	var lines []posterLine
	for _, l := range locale.FirstOf(t.DefaultLang) {
		lines = append(lines, posterLine{Lang: l, Title: s.Catalog.T(l, "survey.poster.ask"), Steps: s.Catalog.T(l, "survey.poster.steps")})
	}
	qr := s.Path(posterQRPath, t.Slug)
	if unitID != "" {
		qr += "?" + url.Values{"counter": {unitID}}.Encode()
	}
	p.Data = struct {
		Lines         []posterLine
		Unit, URL, QR string
	}{lines, name, s.startURL(t, unitID), qr}
	s.Render(w, http.StatusOK, "survey_poster", p)
}

// posterQR is the poster's QR code (of a public address).
func (s *Pages) posterQR(w http.ResponseWriter, r *http.Request) {
	t, _, unitID, _, ok := s.posterTarget(w, r)
	if !ok {
		return
	}
	png, err := result.QRCode(s.startURL(t, unitID), 800)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(png)
}

// startPage is where the QR code leads: what the survey is, and a button.
func (s *Pages) startPage(w http.ResponseWriter, r *http.Request) {
	t, _, unitID, c, ok := s.posterTarget(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "survey.invite.title")
	p.Tenant, p.NoIndex = t, true
	p.Data = struct{ Unit, Counter, Action string }{unitName(c, p.Lang()), unitID, s.Path(startPath, t.Slug)}
	s.Render(w, http.StatusOK, "survey_start", p)
}

// start makes an invitation and opens its first question.
func (s *Pages) start(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	r.URL.RawQuery = url.Values{"counter": {r.PostForm.Get("counter")}}.Encode()
	kind, unitID, _, ok := s.posterUnit(w, r, t)
	if !ok {
		return
	}
	ip := web.Actor(r).IP
	gen := s.starts.Generation()
	n, _ := s.starts.Get(ip)
	if n >= startsPerHour {
		s.closed(w, r, t, http.StatusTooManyRequests, "survey.error.too_many")
		return
	}
	s.starts.Put(ip, n+1, gen)
	inv, err := s.Surveys.AtPoster(r.Context(), t.ID, survey.ForCountry(t.Country), kind, unitID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(answerPath, t.Slug, s.Surveys.Token(inv.ID)))
}
