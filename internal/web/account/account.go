package account

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

type accountData struct {
	Sessions    []identity.Session
	CurrentHash string
	Staff       bool
	Family      []identity.FamilyLink
	Me          ids.User
}

func (s *Pages) accountPage(r *http.Request, errs validation.Errors) (*web.Page, error) {
	st := web.VisitorOf(r)
	ss, err := s.Identity.Sessions(r.Context(), st.User.ID)
	if err != nil {
		return nil, err
	}
	p := s.NewPage(r, "account.title")
	if p.Zone, err = s.homeZone(r, st); err != nil {
		return nil, err
	}
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	p.Form.Set("pref_lang", st.User.Lang)
	p.Form.Set("pref_text_size", st.User.TextSize)
	family, err := s.Identity.FamilyOf(r.Context(), st.User.ID)
	if err != nil {
		return nil, err
	}
	p.Data = accountData{Sessions: ss, CurrentHash: identity.SessionHash(st.Session), Staff: identity.IsStaff(*st.User, st.Memberships),
		Family: family, Me: st.User.ID}
	return p, nil
}

func (s *Pages) account(w http.ResponseWriter, r *http.Request) {
	p, err := s.accountPage(r, nil)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, http.StatusOK, "account", p)
}

// accountFormError re-renders the account page with the form's errors.
func (s *Pages) accountFormError(w http.ResponseWriter, r *http.Request, err error) {
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

func (s *Pages) accountPreferences(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	u := web.VisitorOf(r).User
	lang, size := r.PostForm.Get("pref_lang"), r.PostForm.Get("pref_text_size")
	if err := s.Identity.SetPreferences(r.Context(), web.Actor(r), u.ID, lang, size); err != nil {
		s.accountFormError(w, r, err)
		return
	}
	// The cookies win over the account, so set them to what was chosen.
	http.SetCookie(w, s.Cookie(web.LangCookie, lang, 365*24*3600e9))
	http.SetCookie(w, s.Cookie(web.TextCookie, size, 365*24*3600e9))
	web.Redirect(w, r, "/account?done=saved")
}

func (s *Pages) accountPassword(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	st := web.VisitorOf(r)
	err := s.Identity.ChangePassword(r.Context(), web.Actor(r), st.User.ID, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), st.Session)
	if err != nil {
		s.accountFormError(w, r, err)
		return
	}
	web.Redirect(w, r, "/account?done=password")
}

func (s *Pages) accountEndSession(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	err := s.Identity.EndSessionByHash(r.Context(), web.Actor(r), web.VisitorOf(r).User.ID, r.PostForm.Get("session"))
	if err != nil && !errors.Is(err, identity.ErrNoSession) {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, "/account?done=sessions")
}

// accountEndAll is "sign out everywhere", this browser included.
func (s *Pages) accountEndAll(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Identity.EndAllSessions(r.Context(), web.Actor(r), "", web.VisitorOf(r).User.ID); err != nil {
		s.ServerError(w, r, err)
		return
	}
	http.SetCookie(w, s.Cookie(web.SessionCookie, "", -1))
	web.Redirect(w, r, "/signin?done=signedout")
}

type totpData struct {
	Secret  string
	Enabled bool
}

// totpForm shows the QR code and secret of a new second factor. Staff who
// must enrol land here after sign-in.
func (s *Pages) totpForm(w http.ResponseWriter, r *http.Request) {
	u := web.VisitorOf(r).User
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

func (s *Pages) totpConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	st := web.VisitorOf(r)
	u, err := s.Identity.ByID(r.Context(), st.User.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := s.Identity.ConfirmTOTP(r.Context(), web.Actor(r), u, r.PostForm.Get("code")); err != nil {
		secret, _, _ := s.Identity.PendingTOTP(u)
		p := s.NewPage(r, "totp.title")
		p.Errors = validation.Errors{{Field: "code", Code: "error.otp.bad"}}
		p.Data = totpData{Secret: secret}
		s.Render(w, http.StatusUnprocessableEntity, "totp", p)
		return
	}
	if err := s.Identity.MarkMFA(r.Context(), st.Session); err != nil {
		s.ServerError(w, r, fmt.Errorf("web: mark the session's second factor: %w", err))
		return
	}
	web.Redirect(w, r, "/account?done=totp")
}

// totpQR serves the enrolment QR code as an image, since the CSP allows
// no inline data we did not make ourselves.
func (s *Pages) totpQR(w http.ResponseWriter, r *http.Request) {
	_, uri, ok := s.Identity.PendingTOTP(*web.VisitorOf(r).User)
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

func (s *Pages) familyAsk(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	u := web.VisitorOf(r).User
	_, err := s.Identity.AskFamily(r.Context(), web.Actor(r), u.ID, r.PostForm.Get("family_login"))
	switch {
	case errors.Is(err, identity.ErrFamilyUnknown):
		s.accountFormError(w, r, validation.Errors{{Field: "family_login", Code: "error.family.unknown"}})
	case errors.Is(err, identity.ErrFamilySelf):
		s.accountFormError(w, r, validation.Errors{{Field: "family_login", Code: "error.family.self"}})
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, "/account?done=family_asked#family-h")
	}
}

func (s *Pages) familyChange(w http.ResponseWriter, r *http.Request) {
	u := web.VisitorOf(r).User
	var err error
	switch r.PathValue("action") {
	case "approve":
		err = s.Identity.ApproveFamily(r.Context(), web.Actor(r), u.ID, r.PathValue("id"))
	case "end":
		err = s.Identity.EndFamily(r.Context(), web.Actor(r), u.ID, r.PathValue("id"))
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
	web.Redirect(w, r, "/account?done=saved#family-h")
}

// homeZone is the zone of the signed-in person's first local government,
// for pages that belong to no tenant; UTC for someone with none (a network
// coordinator), which the times then say ("UTC").
func (s *Pages) homeZone(r *http.Request, st web.Visitor) (*time.Location, error) {
	if len(st.Memberships) == 0 {
		return time.UTC, nil
	}
	t, err := s.Tenants.ByID(r.Context(), st.Memberships[0].TenantID)
	if err != nil {
		return nil, fmt.Errorf("web: zone of the account's tenant: %w", err)
	}
	return t.Location(), nil
}
