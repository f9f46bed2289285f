package classes

import (
	"errors"
	"net/http"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/result"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// checkInScreen is for the room's screen: the check-in code as a large
// QR code and in digits, and how many have arrived, renewed every 30
// seconds by live.js (without script, by the "New code" link; a code
// stays valid for a minute).
func (s *Pages) checkInScreen(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	roster, err := s.Classes.Roster(r.Context(), t.ID, x.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	came := 0
	for _, e := range roster {
		if e.AttendedAt != nil {
			came++
		}
	}
	now := s.Clock.Now()
	p := s.NewPage(r, "classes.checkin.title")
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct {
		Session      sessionView
		Code         string
		QR           string
		Came, Seated int
		Here         string
		Every        int
		PracticeCode string
		PracticeURL  string
	}{s.courseSessionView(p, x, c), s.Classes.CheckInCode(x.ID, now),
		s.Path("/{tenant}/classes/sessions/{id}/checkin/qr.png", t.Slug, string(x.ID)) + "?at=" + now.Format("150405"),
		came, x.Enrolled, s.BaseURL + s.Path("/{tenant}/classes/sessions/{id}/here", t.Slug, string(x.ID)), int(class.CodeEvery.Seconds()),
		s.Classes.PracticeCode(x.ID), s.BaseURL + s.Path(web.PracticeEntry, t.Slug)}
	s.Render(w, http.StatusOK, "class_checkin", p)
}

// checkInQR draws the current code's address as a QR code.
func (s *Pages) checkInQR(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	x, _, ok := s.loadSession(w, r, t)
	if !ok {
		return
	}
	url := s.BaseURL + s.Path("/{tenant}/classes/sessions/{id}/here", t.Slug, string(x.ID)) + "?code=" + s.Classes.CheckInCode(x.ID, s.Clock.Now())
	png, err := result.QRCode(url, 480)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(png)
	s.LogFailure(r, "send the check-in QR code", err)
}

// herePage is where the QR code leads: one big button, the code already
// filled in (or a box to type the digits from the screen).
func (s *Pages) herePage(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, false)
	if !ok {
		return
	}
	s.renderHere(w, r, t, x, c, http.StatusOK, "", r.URL.Query().Get("code"))
}

func (s *Pages) renderHere(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, x class.Session, c class.Course,
	status int, refusal, code string) {
	p := s.NewPage(r, "classes.here.title")
	p.Tenant = t
	p.NoIndex = true
	cameraAllowed(w) // the code on the room's screen can be scanned here
	p.Form.Set("code", code)
	p.Data = struct {
		Session sessionView
		Refusal string
	}{s.courseSessionView(p, x, c), refusal}
	s.Render(w, status, "class_here", p)
}

// checkIn records the signed-in learner as arrived.
func (s *Pages) checkIn(w http.ResponseWriter, r *http.Request) {
	t, x, c, ok := s.tenantSession(w, r, true)
	if !ok {
		return
	}
	code := r.PostForm.Get("code")
	_, err := s.Classes.CheckIn(r.Context(), web.Actor(r), t.ID, x.ID, web.UserOf(r).ID, code)
	switch {
	case errors.Is(err, class.ErrCodeWrong):
		s.renderHere(w, r, t, x, c, http.StatusUnprocessableEntity, "classes.here.code_wrong", "")
	case errors.Is(err, class.ErrCheckInClosed):
		s.renderHere(w, r, t, x, c, http.StatusConflict, "classes.here.closed", code)
	case errors.Is(err, class.ErrNotSeated):
		s.renderHere(w, r, t, x, c, http.StatusConflict, "classes.here.not_seated", code)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path("/{tenant}/classes/sessions/{id}", t.Slug, string(x.ID))+"?done=checked_in")
	}
}

// markAttended is the instructor's tick on the roster.
func (s *Pages) markAttended(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	e, ok := s.loadEnrolment(w, r, t, false)
	if !ok {
		return
	}
	_, err := s.Classes.MarkAttended(r.Context(), web.Actor(r), t.ID, e.ID, r.PostForm.Get("came") == "yes")
	if err != nil && !errors.Is(err, class.ErrNotSeated) {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/classes/sessions/{id}/roster", t.Slug, string(e.SessionID))+"#e-"+string(e.ID))
}
