// Package surveys is the satisfaction survey's site: the questionnaire a
// resident answers from an invitation's link (one question per screen,
// huge answer buttons, no sign-in, no JavaScript), and the index the
// government's staff read. It is an area of internal/web.
package surveys

import (
	"embed"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/cache"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the surveys with the server's rendering core.
type Pages struct {
	web.AreaBase
	starts *cache.TTL[string, int] // surveys started from posters, per address
}

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area {
	return &Pages{AreaBase: web.NewAreaBase(s, templates), starts: cache.New[string, int](time.Hour, 100000)}
}

const (
	answerPath = "/{tenant}/survey/{token}"
	sendPath   = "/{tenant}/survey/{token}/send"
	thanksPath = "/{tenant}/survey-thanks"
)

// Routes implements web.Area: the link is the key, so answering needs no
// account (the invitation is for whoever holds it, like a paper form
// handed over the counter).
func (s *Pages) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: answerPath, Policy: web.Public(), Handler: s.questionPage},
		{Method: "POST", Pattern: answerPath, Policy: web.Public(), Handler: s.saveAnswer},
		{Method: "POST", Pattern: sendPath, Policy: web.Public(), Handler: s.send},
		{Method: "GET", Pattern: thanksPath, Policy: web.Public(), Handler: s.thanksPage},
		{Method: "GET", Pattern: reportPath, Policy: web.Public(), Handler: s.reportPage},
		{Method: "GET", Pattern: reportCSVPath, Policy: web.Public(), Handler: s.reportCSV},
		{Method: "GET", Pattern: apiIndexPath, Policy: web.Public(), Handler: s.apiIndexOf},
		{Method: "GET", Pattern: startPath, Policy: web.Public(), Handler: s.startPage},
		{Method: "POST", Pattern: startPath, Policy: web.Public(), Handler: s.start},
		{Method: "GET", Pattern: posterQRPath, Policy: web.Public(), Handler: s.posterQR},
		{Method: "GET", Pattern: posterPath, Policy: admins, Handler: s.posterPage},
		{Method: "GET", Pattern: indexPath, Policy: admins, Handler: s.indexPage},
		{Method: "GET", Pattern: commentsCSVPath, Policy: admins, Handler: s.commentsCSV},
		{Method: "GET", Pattern: questionsPath, Policy: admins, Handler: s.questionsPage},
		{Method: "POST", Pattern: questionsPath, Policy: admins, Handler: s.addQuestion},
		{Method: "POST", Pattern: removePath, Policy: admins, Handler: s.removeQuestion},
		{Method: "POST", Pattern: commentPath, Policy: admins, Handler: s.setComment},
		{Method: "POST", Pattern: actionsPath, Policy: admins, Handler: s.addAction},
		{Method: "POST", Pattern: actionPath, Policy: admins, Handler: s.toggleAction},
	}
}

// Steps after the standard questions.
const (
	stepProfile = "profile"
	stepComment = "comment"
	stepReview  = "review"
)

// ownPrefix starts the step of one of the government's own questions.
const ownPrefix = "x:"

// steps lists an invitation's screens in order: one per standard
// question ("0", "1", …), one per question of the government's own
// ("x:<id>"), then who answered (the SKM), the comment unless the
// government turned it off, the review.
func steps(inv survey.Invitation) []string {
	var out []string
	for i := range inv.Template.Items {
		out = append(out, strconv.Itoa(i))
	}
	for _, q := range inv.Settings.Questions {
		out = append(out, ownPrefix+q.ID)
	}
	if inv.Template.Profile {
		out = append(out, stepProfile)
	}
	if !inv.Settings.NoComment {
		out = append(out, stepComment)
	}
	return append(out, stepReview)
}

// refusalStatus is the status and message of a link that cannot be
// answered.
func refusalStatus(err error) (int, string, bool) {
	switch {
	case errors.Is(err, survey.ErrLink):
		return http.StatusNotFound, "survey.error.link", true
	case errors.Is(err, survey.ErrExpired):
		return http.StatusGone, "survey.error.expired", true
	case errors.Is(err, survey.ErrAnswered):
		return http.StatusConflict, "survey.error.answered", true
	}
	return 0, "", false
}

// open loads the invitation of the request's link, answering the page
// itself when it cannot be answered.
func (s *Pages) open(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, survey.Invitation, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, survey.Invitation{}, false
	}
	inv, err := s.Surveys.Open(r.Context(), t.ID, r.PathValue("token"))
	if status, key, refused := refusalStatus(err); refused {
		s.closed(w, r, t, status, key)
		return nil, inv, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, inv, false
	}
	return t, inv, true
}

// atKiosk shows p in kiosk mode when the request comes from one of t's
// kiosks: no account menu, the "finish" button, and the reset after idle
// seconds without a touch.
func (s *Pages) atKiosk(r *http.Request, p *web.Page, t *tenant.Tenant, idle int) {
	if _, err := s.KioskOf(r, t); err == nil {
		p.Kiosk, p.KioskIdle = true, idle
	}
}

// closed says plainly why a link cannot be answered (and changes
// nothing).
func (s *Pages) closed(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, status int, key string) {
	p := s.NewPage(r, "survey.closed.title")
	p.Tenant, p.NoIndex = t, true
	s.atKiosk(r, p, t, web.KioskDoneIdle)
	p.Data = struct{ Message string }{p.T(key)}
	s.Render(w, status, "survey_closed", p)
}

func (s *Pages) thanksPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "survey.thanks.title")
	p.Tenant, p.NoIndex = t, true
	s.atKiosk(r, p, t, web.KioskDoneIdle)
	s.Render(w, http.StatusOK, "survey_thanks", p)
}
