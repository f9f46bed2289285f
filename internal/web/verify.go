package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/result"
)

// ResultSide is the document in one language (a bilingual paper has two).
type ResultSide struct {
	Lang, Title, Tenant, Service, Holder, Decided string
	Labels                                        map[string]string
	Lines                                         [][2]string
}

// ResultPage is a result's printable page (the holder's copy) or its
// public verification.
type ResultPage struct {
	Result      result.Result
	Sides       []ResultSide
	VerifyURL   string
	QR          string
	Fingerprint string
	Genuine     bool
	HolderShort string
}

// ResultSides writes the result in each of its languages; dates in the tenant's
// zone (a Fukuoka approval at 08:59 JST on 5 December is dated 5 December).
func (s *Server) ResultSides(res result.Result, loc *time.Location) []ResultSide {
	var out []ResultSide
	for _, l := range res.Content.Langs {
		side := ResultSide{Lang: l, Title: res.Content.Title.In(l), Tenant: res.Content.Tenant.In(l),
			Service: res.Content.Service.In(l), Holder: res.Content.Holder, Decided: locale.Date(l, res.Content.DecidedAt, loc),
			Labels: map[string]string{}}
		for _, k := range resultLabels {
			side.Labels[k] = s.Catalog.T(l, k)
		}
		for _, line := range res.Content.Lines {
			side.Lines = append(side.Lines, [2]string{line.Label.In(l), line.Value.In(l)})
		}
		out = append(out, side)
	}
	return out
}

// verifyDispatch serves /verify/{code} and /verify/{code}/qr.png. They cannot
// be ServeMux patterns: a two-segment pattern under a literal would clash
// with the tenant routes (/verify/register matches both).
func (s *Server) verifyDispatch(w http.ResponseWriter, r *http.Request) bool {
	if !dispatched(r.URL.Path) {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/verify/")
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
		h.pattern = "GET /verify/{code}"
	}
	if code, ok := strings.CutSuffix(rest, "/qr.png"); ok {
		s.verifyQR(w, r, code)
		return true
	}
	if strings.Contains(rest, "/") {
		return false
	}
	s.verifyPage(w, r, rest)
	return true
}

// dispatched tells whether a path (or pattern) is served by verifyDispatch
// rather than the mux.
func dispatched(path string) bool { return strings.HasPrefix(path, "/verify/") }

// verifyRoute is the table's entry for the verification pages; the
// dispatcher serves them before the mux is asked.
func (s *Server) verifyRoute(w http.ResponseWriter, r *http.Request) {
	if !s.verifyDispatch(w, r) {
		s.NotFound(w, r)
	}
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, code string) {
	res, err := s.Results.ByCode(r.Context(), code)
	genuine := res.Genuine()
	if errors.Is(err, result.ErrNotFound) {
		res, genuine, err = s.certificateResult(r, code)
	}
	p := s.NewPage(r, "verify.title")
	p.NoIndex = true
	if err != nil {
		if !errors.Is(err, result.ErrNotFound) {
			s.ServerError(w, r, err)
			return
		}
		p.Data = nil
		s.Render(w, http.StatusNotFound, "verify", p)
		return
	}
	t, err := s.Tenants.ByID(r.Context(), res.TenantID)
	if err != nil {
		s.ServerError(w, r, fmt.Errorf("web: verify %s: read its tenant: %w", res.Code, err))
		return
	}
	p.Tenant = &t
	if st := getState(r); !st.langExplicit {
		st.lang = t.DefaultLang
	}
	p.Data = ResultPage{Result: res, Sides: s.ResultSides(res, t.Location())[:1], Fingerprint: res.Fingerprint(), Genuine: genuine,
		HolderShort: shortName(res.Content.Holder)}
	s.Render(w, http.StatusOK, "verify", p)
}

// shortName shows enough of the holder's name to compare with the paper,
// not enough to learn it: "Putri Ayu" -> "P… A…".
func shortName(name string) string {
	var parts []string
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		parts = append(parts, string(r[0])+"…")
	}
	return strings.Join(parts, " ")
}

func (s *Server) verifyQR(w http.ResponseWriter, r *http.Request, code string) {
	res, err := s.Results.ByCode(r.Context(), code)
	if errors.Is(err, result.ErrNotFound) {
		res, _, err = s.certificateResult(r, code)
	}
	if err != nil {
		s.NotFound(w, r)
		return
	}
	png, err := result.QRCode(s.BaseURL+"/verify/"+res.Code, 240)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(png)
}

// resultLabels are printed in each language of the paper.
var resultLabels = []string{"result.number", "result.holder", "result.decided", "result.service", "result.issued_by", "cert.completed"}

// certificateResult finds a class certificate by its code and writes it
// as a result, so the one verification page checks both kinds of paper;
// genuine is the certificate's own check. An unknown code is
// result.ErrNotFound.
func (s *Server) certificateResult(r *http.Request, code string) (result.Result, bool, error) {
	cert, err := s.Classes.CertificateByCode(r.Context(), code)
	if errors.Is(err, classes.ErrNotFound) {
		return result.Result{}, false, result.ErrNotFound
	}
	if err != nil {
		return result.Result{}, false, err
	}
	return CertificateAsResult(s.Catalog, cert), cert.Genuine(), nil
}

// CertificateAsResult writes a class certificate as a result: its title
// and lines in each of its languages, its code as its number.
func CertificateAsResult(cat *locale.Catalog, cert classes.Certificate) result.Result {
	c := cert.Content
	title, level, came, exercises := form.Labels{}, form.Labels{}, form.Labels{}, form.Labels{}
	for _, l := range c.Langs {
		title[l] = cat.T(l, "cert.title")
		level[l] = cat.T(l, "classes.level."+string(c.Level))
		came[l] = fmt.Sprint(c.Attended)
		exercises[l] = fmt.Sprint(c.Exercises)
	}
	lines := []result.Line{
		{Label: catLabels(cat, c.Langs, "cert.level"), Value: level},
		{Label: catLabels(cat, c.Langs, "cert.attended"), Value: came},
		{Label: catLabels(cat, c.Langs, "cert.exercises"), Value: exercises},
	}
	return result.Result{Code: cert.Code, TenantID: cert.TenantID, Digest: cert.Digest, IssuedAt: cert.IssuedAt, RevokedAt: cert.RevokedAt,
		Content: result.Content{Kind: c.Kind, Title: title, Tenant: form.Labels(c.Tenant), Service: form.Labels(c.Course),
			TrackingNumber: cert.Code, Holder: c.Holder, DecidedAt: c.CompletedAt, Langs: c.Langs, Lines: lines}}
}

// catLabels is one message in each of langs.
func catLabels(cat *locale.Catalog, langs []string, key string) form.Labels {
	out := form.Labels{}
	for _, l := range langs {
		out[l] = cat.T(l, key)
	}
	return out
}
