package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/validation"
)

type accountData struct {
	Sessions    []identity.Session
	CurrentHash string
	Staff       bool
	Family      []identity.FamilyLink
	Me          string
}

func (s *Server) accountPage(r *http.Request, errs validation.Errors) (*Page, error) {
	st := getState(r)
	ss, err := s.Identity.Sessions(r.Context(), st.user.ID)
	if err != nil {
		return nil, err
	}
	p := s.NewPage(r, "account.title")
	if p.Zone, err = s.homeZone(r, st); err != nil {
		return nil, err
	}
	p.Errors = errs
	p.Flash = FlashFrom(r)
	p.Form.Set("pref_lang", st.user.Lang)
	p.Form.Set("pref_text_size", st.user.TextSize)
	family, err := s.Identity.FamilyOf(r.Context(), st.user.ID)
	if err != nil {
		return nil, err
	}
	p.Data = accountData{Sessions: ss, CurrentHash: identity.SessionHash(st.sessionRaw), Staff: identity.IsStaff(*st.user, st.memberships),
		Family: family, Me: st.user.ID}
	return p, nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	p, err := s.accountPage(r, nil)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, http.StatusOK, "account", p)
}

// accountFormError re-renders the account page with the form's errors.
func (s *Server) accountFormError(w http.ResponseWriter, r *http.Request, err error) {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		s.ServerError(w, r, err)
		return
	}
	p, err := s.accountPage(r, errs)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, http.StatusUnprocessableEntity, "account", p)
}

func (s *Server) accountPreferences(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	u := getState(r).user
	lang, size := r.PostForm.Get("pref_lang"), r.PostForm.Get("pref_text_size")
	if err := s.Identity.SetPreferences(r.Context(), Actor(r), u.ID, lang, size); err != nil {
		s.accountFormError(w, r, err)
		return
	}
	// The cookies win over the account, so set them to what was chosen.
	http.SetCookie(w, s.cookie(langCookie, lang, 365*24*3600e9))
	http.SetCookie(w, s.cookie(textCookie, size, 365*24*3600e9))
	Redirect(w, r, "/account?done=saved")
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	st := getState(r)
	err := s.Identity.ChangePassword(r.Context(), Actor(r), st.user.ID, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), st.sessionRaw)
	if err != nil {
		s.accountFormError(w, r, err)
		return
	}
	Redirect(w, r, "/account?done=password")
}

func (s *Server) accountEndSession(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	err := s.Identity.EndSessionByHash(r.Context(), Actor(r), getState(r).user.ID, r.PostForm.Get("session"))
	if err != nil && !errors.Is(err, identity.ErrNoSession) {
		s.ServerError(w, r, err)
		return
	}
	Redirect(w, r, "/account?done=sessions")
}

// accountEndAll is "sign out everywhere", this browser included.
func (s *Server) accountEndAll(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Identity.EndAllSessions(r.Context(), Actor(r), "", getState(r).user.ID); err != nil {
		s.ServerError(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	Redirect(w, r, "/signin?done=signedout")
}

type totpData struct {
	Secret  string
	Enabled bool
}

// totpForm shows the QR code and secret of a new second factor. Staff who
// must enrol land here after sign-in.
func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) {
	u := getState(r).user
	p := s.NewPage(r, "totp.title")
	if u.TOTPEnabled {
		p.Data = totpData{Enabled: true}
		s.Render(w, http.StatusOK, "totp", p)
		return
	}
	secret, _, ok := s.Identity.PendingTOTP(*u)
	if !ok {
		var err error
		if secret, _, err = s.Identity.BeginTOTP(r.Context(), *u); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	p.Data = totpData{Secret: secret}
	s.Render(w, http.StatusOK, "totp", p)
}

func (s *Server) totpConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	st := getState(r)
	u, err := s.Identity.ByID(r.Context(), st.user.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := s.Identity.ConfirmTOTP(r.Context(), Actor(r), u, r.PostForm.Get("code")); err != nil {
		secret, _, _ := s.Identity.PendingTOTP(u)
		p := s.NewPage(r, "totp.title")
		p.Errors = validation.Errors{{Field: "code", Code: "error.otp.bad"}}
		p.Data = totpData{Secret: secret}
		s.Render(w, http.StatusUnprocessableEntity, "totp", p)
		return
	}
	if err := s.Identity.MarkMFA(r.Context(), st.sessionRaw); err != nil {
		s.ServerError(w, r, fmt.Errorf("web: mark the session's second factor: %w", err))
		return
	}
	Redirect(w, r, "/account?done=totp")
}

// totpQR serves the enrolment QR code as an image, since the CSP allows
// no inline data we did not make ourselves.
func (s *Server) totpQR(w http.ResponseWriter, r *http.Request) {
	_, uri, ok := s.Identity.PendingTOTP(*getState(r).user)
	if !ok {
		s.NotFound(w, r)
		return
	}
	png, err := identity.TOTPQRCodePNG(uri)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
}

// Family links (see identity/family.go): ask to act for a parent, the
// parent approves, either ends.

func (s *Server) familyAsk(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	u := getState(r).user
	_, err := s.Identity.AskFamily(r.Context(), Actor(r), u.ID, r.PostForm.Get("family_login"))
	switch {
	case errors.Is(err, identity.ErrFamilyUnknown):
		s.accountFormError(w, r, validation.Errors{{Field: "family_login", Code: "error.family.unknown"}})
	case errors.Is(err, identity.ErrFamilySelf):
		s.accountFormError(w, r, validation.Errors{{Field: "family_login", Code: "error.family.self"}})
	case err != nil:
		s.ServerError(w, r, err)
	default:
		Redirect(w, r, "/account?done=family_asked#family-h")
	}
}

func (s *Server) familyChange(w http.ResponseWriter, r *http.Request) {
	u := getState(r).user
	var err error
	switch r.PathValue("action") {
	case "approve":
		err = s.Identity.ApproveFamily(r.Context(), Actor(r), u.ID, r.PathValue("id"))
	case "end":
		err = s.Identity.EndFamily(r.Context(), Actor(r), u.ID, r.PathValue("id"))
	default:
		s.NotFound(w, r)
		return
	}
	if errors.Is(err, identity.ErrFamilyNotYour) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	Redirect(w, r, "/account?done=saved#family-h")
}

// homeZone is the zone of the signed-in person's first local government,
// for pages that belong to no tenant; UTC for someone with none (a network
// coordinator), which the times then say ("UTC").
func (s *Server) homeZone(r *http.Request, st *state) (*time.Location, error) {
	if len(st.memberships) == 0 {
		return time.UTC, nil
	}
	t, err := s.Tenants.ByID(r.Context(), st.memberships[0].TenantID)
	if err != nil {
		return nil, fmt.Errorf("web: zone of the account's tenant: %w", err)
	}
	return t.Location(), nil
}
