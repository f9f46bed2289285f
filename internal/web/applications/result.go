package applications

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/result"
	"github.com/serambi/serambi/internal/web"
)

// resultDocument is the printable certificate or letter of an approved
// application, for the applicant and the tenant's staff.
func (s *Pages) resultDocument(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	res, err := s.Results.ForApplication(r.Context(), ac.T.ID, ac.App.ID)
	if errors.Is(err, result.ErrNotFound) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "result.title")
	p.Title = res.Content.Title.In(p.Lang())
	p.Tenant = ac.T
	p.NoIndex = true
	p.Data = web.ResultPage{Result: res, Sides: s.ResultSides(res, ac.T.Location()), VerifyURL: s.BaseURL + "/verify/" + res.Code,
		QR: "/verify/" + res.Code + "/qr.png", Fingerprint: res.Fingerprint(), Genuine: res.Genuine()}
	s.Render(w, http.StatusOK, "result", p)
}
