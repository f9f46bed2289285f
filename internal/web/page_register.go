package web

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// civilKind is the identity number a tenant's residents may give.
func civilKind(t *tenant.Tenant) string {
	if !t.AskCivilID {
		return ""
	}
	if t.Country == region.Japan {
		return "mynumber"
	}
	return "nik"
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "register.title")
	p.Tenant = t
	p.Form.Set("lang", p.Lang())
	p.Data = civilKind(t)
	s.Render(w, http.StatusOK, "register", p)
}

// registrationsPerAddress is how many accounts one address may create in 15
// minutes.
const registrationsPerAddress = 10

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	st := getState(r)
	in := identity.RegisterInput{
		TenantID: t.ID, Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"),
		Password: f.Get("password"), Lang: f.Get("lang"), CivilKind: civilKind(t), CivilID: f.Get("civil_id"),
		CivilOptional: true,
	}
	if !locale.Supported(in.Lang) {
		in.Lang = st.lang
	}
	// Accounts made per address are limited: a script must not fill the
	// database, but a community hall helping a few residents sign up may.
	key := "register:" + st.ip
	throttled, err := s.Identity.Throttled(r.Context(), key, registrationsPerAddress)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	var u identity.User
	if throttled {
		err = validation.Errors{{Field: "name", Code: "error.register.throttled"}}
	} else {
		u, err = s.Identity.Register(r.Context(), in, st.ip)
	}
	if err == nil {
		if err := s.Identity.RecordFailure(r.Context(), key); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	var errs validation.Errors
	if errors.As(err, &errs) {
		p := s.NewPage(r, "register.title")
		p.Tenant = t
		p.Errors = errs
		for _, k := range []string{"name", "email", "phone", "lang", "civil_id"} {
			p.Form.Set(k, f.Get(k))
		}
		p.Data = civilKind(t)
		s.Render(w, http.StatusUnprocessableEntity, "register", p)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	raw, err := s.Identity.StartSession(r.Context(), u.ID, true, st.ip, r.UserAgent())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(SessionCookie, raw, identity.SessionAbsolute))
	http.SetCookie(w, s.cookie(LangCookie, u.Lang, 365*24*3600e9))
	Redirect(w, r, s.Path("/{tenant}/{$}", t.Slug)+"?done=registered")
}
