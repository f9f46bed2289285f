package admin

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Tenant admin pages: staff accounts and roles, and the tenant's audit.

func (s *Pages) staffList(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	staff, err := s.Identity.Staff(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "staff.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	p.Data = struct {
		Staff []identity.StaffMember
		Roles []identity.Role
	}{staff, identity.StaffRoles}
	s.Render(w, http.StatusOK, "staff", p)
}

func (s *Pages) staffNew(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "staff.new.title")
	p.Tenant = t
	p.Form.Set("lang", t.DefaultLang)
	p.Data = identity.StaffRoles
	s.Render(w, http.StatusOK, "staff_new", p)
}

func (s *Pages) staffCreate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	_, err := s.Identity.CreateStaff(r.Context(), web.Actor(r), t.ID, identity.StaffInput{
		Name: f.Get("name"), Email: f.Get("email"), Password: f.Get("password"), Lang: f.Get("lang"), Roles: identity.RolesFrom(f["roles"]),
	})
	var errs validation.Errors
	if errors.As(err, &errs) {
		p := s.NewPage(r, "staff.new.title")
		p.Tenant = t
		p.Errors = errs
		for _, k := range []string{"name", "email", "lang"} {
			p.Form.Set(k, f.Get(k))
		}
		p.Form["roles"] = f["roles"]
		p.Data = identity.StaffRoles
		s.Render(w, http.StatusUnprocessableEntity, "staff_new", p)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/staff", t.Slug)+"?done=saved")
}

// staffMember checks that {user} is staff of this tenant, so an admin of
// one tenant can never touch another tenant's people.
func (s *Pages) staffMember(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) (string, bool) {
	id := r.PathValue("user")
	if !db.ValidID(id) {
		s.NotFound(w, r)
		return "", false
	}
	roles, err := s.Identity.Roles(r.Context(), t.ID, ids.User(id))
	if err != nil {
		s.ServerError(w, r, err)
		return "", false
	}
	for _, role := range roles {
		if role != identity.Resident {
			return id, true
		}
	}
	s.NotFound(w, r)
	return "", false
}

func (s *Pages) staffRoles(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	id, ok := s.staffMember(w, r, t)
	if !ok {
		return
	}
	err := s.Identity.SetRoles(r.Context(), web.Actor(r), t.ID, ids.User(id), identity.RolesFrom(r.PostForm["roles"]))
	var errs validation.Errors
	if errors.As(err, &errs) {
		s.ErrorPage(w, r, http.StatusBadRequest, t)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/staff", t.Slug)+"?done=saved")
}

func (s *Pages) staffEndSessions(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	id, ok := s.staffMember(w, r, t)
	if !ok {
		return
	}
	if _, err := s.Identity.EndAllSessions(r.Context(), web.Actor(r), t.ID, ids.User(id)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/staff", t.Slug)+"?done=sessions")
}

func (s *Pages) tenantAudit(w http.ResponseWriter, r *http.Request) {
	t, ok := s.AdminTenant(w, r)
	if !ok {
		return
	}
	s.AuditPage(w, r, t, audit.Filter{TenantID: t.ID})
}
