package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/tenant"
)

// PracticeCookie holds a practice guest's token: someone without an
// account who typed a class session's practice code. It opens nothing
// but the practice pages of that tenant.
const PracticeCookie = "serambi_practice"

// PracticeEntry is the page where a guest types the practice code, and
// where a practice page sends anyone who is neither signed in nor a guest.
const PracticeEntry = "/{tenant}/classes/practice"

// requirePractiser lets a signed-in account on (with its second factor, as
// RequireUser wants), or a guest whose token is good for the route's
// tenant; anyone else is sent to type the code, and back after.
func (s *Server) requirePractiser(w http.ResponseWriter, r *http.Request) bool {
	if getState(r).user != nil {
		return s.RequireUser(w, r)
	}
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return false
	}
	g, err := s.GuestFromCookie(r, t)
	if err != nil {
		s.ServerError(w, r, err)
		return false
	}
	if g != nil {
		getState(r).guest = g
		return true
	}
	Redirect(w, r, s.Path(PracticeEntry, t.Slug)+"?next="+url.QueryEscape(r.URL.RequestURI()))
	return false
}

// GuestFromCookie is the practice guest whose token the request's cookie
// holds for t, or nil.
func (s *Server) GuestFromCookie(r *http.Request, t *tenant.Tenant) (*classes.Guest, error) {
	c, err := r.Cookie(PracticeCookie)
	if err != nil {
		return nil, nil // no cookie: not a guest
	}
	g, err := s.Classes.GuestByToken(r.Context(), t.ID, c.Value)
	if errors.Is(err, classes.ErrNotPractiser) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find the practice guest of the cookie: %w", err)
	}
	return &g, nil
}

// PractiserOf is who the request practises as: the signed-in account, or
// the guest the policy let in (none on other routes).
func PractiserOf(r *http.Request) classes.Practiser {
	st := getState(r)
	switch {
	case st.user != nil:
		return classes.Practiser{LearnerID: st.user.ID}
	case st.guest != nil:
		return classes.Practiser{GuestID: st.guest.ID}
	}
	return classes.Practiser{}
}

// GuestOf is the practice guest of the request, if the policy let one in.
func GuestOf(r *http.Request) *classes.Guest { return getState(r).guest }

// SetPracticeGuest keeps a guest's token in their browser for as long as
// it lasts.
func (s *Server) SetPracticeGuest(w http.ResponseWriter, token string, g classes.Guest) {
	http.SetCookie(w, s.cookie(PracticeCookie, token, g.ExpiresAt.Sub(s.Clock.Now())))
}

// SafeNext is next when it is a path on this site, else fallback.
func SafeNext(next, fallback string) string { return safeNext(next, fallback) }
