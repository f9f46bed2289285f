package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/validation"
)

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	p := s.NewPage(r, "signin.title")
	p.Form.Set("next", safeNext(r.URL.Query().Get("next"), ""))
	p.Flash = FlashFrom(r)
	if r.URL.Query().Get("ended") == "1" {
		p.Flash = "flash.session_ended"
	}
	s.Render(w, http.StatusOK, "signin", p)
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	st := getState(r)
	login, next := r.PostForm.Get("login"), safeNext(r.PostForm.Get("next"), "")
	u, err := s.Identity.Authenticate(r.Context(), login, r.PostForm.Get("password"), st.ip)
	if err != nil {
		p := s.NewPage(r, "signin.title")
		p.Form.Set("login", login)
		p.Form.Set("next", next)
		status, code := http.StatusUnauthorized, "error.signin.bad"
		if errors.Is(err, identity.ErrThrottled) {
			status, code = http.StatusTooManyRequests, "error.signin.throttled"
		} else if !errors.Is(err, identity.ErrBadLogin) {
			s.ServerError(w, r, err)
			return
		}
		p.Errors = validation.Errors{{Field: "login", Code: code}}
		s.Render(w, status, "signin", p)
		return
	}
	raw, err := s.Identity.StartSession(r.Context(), u.ID, !u.TOTPEnabled, st.ip, r.UserAgent())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(SessionCookie, raw, identity.SessionAbsolute))
	if u.TOTPEnabled {
		Redirect(w, r, "/signin/otp?next="+url.QueryEscape(next))
		return
	}
	Redirect(w, r, s.afterSignin(r, u, next))
}

// afterSignin picks where to go: the page asked for, else the user's tenant.
func (s *Server) afterSignin(r *http.Request, u identity.User, next string) string {
	if next != "" {
		return next
	}
	ms, _ := s.Identity.Memberships(r.Context(), u.ID)
	if len(ms) > 0 {
		if t, err := s.Tenants.ByID(r.Context(), ms[0].TenantID); err == nil {
			return s.Path("/{tenant}/{$}", t.Slug) + "?done=signedin"
		}
	}
	if u.Coordinator {
		return "/network/tenants"
	}
	return "/account?done=signedin"
}

func (s *Server) otpForm(w http.ResponseWriter, r *http.Request) {
	if getState(r).pending == nil {
		Redirect(w, r, "/signin")
		return
	}
	p := s.NewPage(r, "otp.title")
	p.Form.Set("next", safeNext(r.URL.Query().Get("next"), ""))
	s.Render(w, http.StatusOK, "otp", p)
}

func (s *Server) otp(w http.ResponseWriter, r *http.Request) {
	st := getState(r)
	if st.pending == nil {
		Redirect(w, r, "/signin")
		return
	}
	if !s.ParseForm(w, r) {
		return
	}
	next := safeNext(r.PostForm.Get("next"), "")
	if err := s.Identity.VerifyTOTP(r.Context(), *st.pending, r.PostForm.Get("code"), st.ip); err != nil {
		if !errors.Is(err, identity.ErrBadOTP) && !errors.Is(err, identity.ErrThrottled) {
			s.ServerError(w, r, err)
			return
		}
		p := s.NewPage(r, "otp.title")
		p.Form.Set("next", next)
		code := "error.otp.bad"
		if errors.Is(err, identity.ErrThrottled) {
			code = "error.signin.throttled"
		}
		p.Errors = validation.Errors{{Field: "code", Code: code}}
		s.Render(w, http.StatusUnauthorized, "otp", p)
		return
	}
	if err := s.Identity.MarkMFA(r.Context(), st.sessionRaw); err != nil {
		s.ServerError(w, r, err)
		return
	}
	Redirect(w, r, s.afterSignin(r, *st.pending, next))
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	st := getState(r)
	if st.viaToken && st.tokenRaw != "" {
		if err := s.Identity.RevokeToken(r.Context(), Actor(r), st.tokenRaw); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	if st.sessionRaw != "" {
		if err := s.Identity.EndSession(r.Context(), Actor(r), st.sessionRaw); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.cookie(SessionCookie, "", -1))
	Redirect(w, r, "/signin?done=signedout")
}

// prefs sets language and text size for anyone, signed in or not, from the
// controls in every page's header; it works without JavaScript.
func (s *Server) prefs(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	if t := r.PostForm.Get("text"); identity.ValidTextSize(t) {
		http.SetCookie(w, s.cookie(TextCookie, t, 365*24*3600e9))
		if u := getState(r).user; u != nil {
			s.LogFailure(r, "keep the text size chosen before signing in", s.Identity.SetPreferences(r.Context(), Actor(r), u.ID, u.Lang, t))
		}
	}
	Redirect(w, r, safeNext(r.PostForm.Get("back"), "/"))
}
