package classes

import (
	"errors"
	"net/http"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// A course's certificate: the learner sees how far they are (classes
// come to, exercises done, each linked), asks for the certificate once
// the course is complete, and prints it; its QR code leads to the public
// verification page.

const certificatePath = "/{tenant}/classes/courses/{id}/certificate"

// needView is one exercise the course asks for.
type needView struct {
	Lesson, Kind, Href string
	Done               bool
}

// certificatePage shows the learner's certificate of the course, or what
// is still to do before it.
func (s *Pages) certificatePage(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, false)
	if !ok {
		return
	}
	cert, err := s.Classes.CertificateOf(r.Context(), t.ID, c.ID, web.UserOf(r).ID)
	switch {
	case err == nil:
		s.renderCertificate(w, r, t, cert)
	case errors.Is(err, class.ErrNotFound):
		s.renderProgress(w, r, t, c, http.StatusOK, "")
	default:
		s.ServerError(w, r, err)
	}
}

// renderProgress shows how far the learner is through course c.
func (s *Pages) renderProgress(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c class.Course, status int, refusal string) {
	done, err := s.Classes.CourseCompletion(r.Context(), t.ID, c, web.UserOf(r).ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "cert.progress.title")
	p.Tenant = t
	p.NoIndex = true
	var needs []needView
	for _, n := range done.Needs {
		needs = append(needs, needView{Lesson: n.Lesson.In(p.Lang()), Kind: string(n.Exercise),
			Href: s.Path(exercisePath, t.Slug, n.LessonID, string(n.Exercise)), Done: n.Done})
	}
	p.Data = struct {
		CourseID, Course   string
		Attended           int
		Needs              []needView
		DoneCount, AllNeed int
		Complete           bool
		Refusal            string
	}{string(c.ID), c.Title.In(p.Lang()), done.Attended, needs, done.DoneCount(), len(done.Needs), done.Complete(), refusal}
	s.Render(w, status, "class_progress", p)
}

// issueCertificate gives the learner the certificate of a completed
// course; an unfinished one is refused with what is left to do.
func (s *Pages) issueCertificate(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, true)
	if !ok {
		return
	}
	u := web.UserOf(r)
	langs := []string{u.Lang}
	if t.DefaultLang != u.Lang {
		langs = append(langs, t.DefaultLang)
	}
	_, err := s.Classes.IssueCertificate(r.Context(), web.Actor(r), t.ID, c, u.ID, u.Name,
		class.Text{"id": t.NameID, "ja": t.NameJA, "en": t.NameEN}, langs)
	switch {
	case errors.Is(err, class.ErrNotComplete):
		s.renderProgress(w, r, t, c, http.StatusConflict, "cert.refused.not_complete")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(certificatePath, t.Slug, string(c.ID)))
	}
}

// renderCertificate is the printable certificate, in the learner's and
// the tenant's language, with its QR code.
func (s *Pages) renderCertificate(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, cert class.Certificate) {
	res := web.CertificateAsResult(s.Catalog, cert)
	p := s.NewPage(r, "cert.title")
	p.Tenant = t
	p.NoIndex = true
	verify := s.BaseURL + "/verify/" + cert.Code
	p.Data = web.ResultPage{Result: res, Sides: s.ResultSides(res, t.Location()), VerifyURL: verify,
		QR: "/verify/" + cert.Code + "/qr.png", Fingerprint: cert.Fingerprint(), Genuine: cert.Genuine()}
	s.Render(w, http.StatusOK, "class_certificate", p)
}
