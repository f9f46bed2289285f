package identity

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"sort"
	"strings"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// pendingTOTPURI rebuilds the otpauth URI of a stored secret for its QR code.
func pendingTOTPURI(secret, account string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", "Serambi")
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	return "otpauth://totp/" + url.PathEscape("Serambi:"+account) + "?" + v.Encode()
}

// StaffMember is a user with their roles in one tenant.
type StaffMember struct {
	User  User
	Roles []Role
}

// RolesFrom reads role names as sent by a form or the API; unknown names
// are refused where the roles are set.
func RolesFrom(vals []string) []Role {
	var out []Role
	for _, v := range vals {
		out = append(out, Role(v))
	}
	return out
}

// StaffInput is a tenant admin's new staff account.
type StaffInput struct {
	Name     string
	Email    string
	Password string
	Lang     string
	Roles    []Role
}

func validateStaff(in *StaffInput) validation.Errors {
	var errs validation.Errors
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if !validName(in.Name) {
		errs.Add("name", "error.name")
	}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		errs.Add("email", "error.email")
	}
	if err := ValidatePassword(in.Password); err != nil {
		errs.Add("password", passwordCode(err))
	}
	if in.Lang != "id" && in.Lang != "ja" && in.Lang != "en" {
		errs.Add("lang", "error.lang")
	}
	if len(in.Roles) == 0 {
		errs.Add("roles", "error.roles")
	}
	for _, r := range in.Roles {
		if !ValidStaffRole(r) {
			errs.Add("roles", "error.roles")
			break
		}
	}
	return errs
}

// CreateStaff creates a staff account with roles in one tenant. The new
// member must enrol a second factor at first sign-in.
func (s *Service) CreateStaff(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, in StaffInput) (_ User, err error) {
	defer wrapf(&err, "create a staff account of tenant %s", tenantID)
	if errs := validateStaff(&in); len(errs) > 0 {
		return User{}, errs
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	now := s.clock.Now()
	id := db.NewID()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkUnique(ctx, tx, in.Email, "", nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, lang, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, in.Email, in.Name, hash, in.Lang, now, now); err != nil {
			return err
		}
		for _, r := range in.Roles {
			if err := addMembership(ctx, tx, tenantID, ids.User(id), r, now); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "staff.create", "user:"+id, fmt.Sprintf("%s roles %v", in.Email, in.Roles)))
	})
	if err != nil {
		return User{}, err
	}
	return s.ByID(ctx, ids.User(id))
}

// SetRoles replaces a user's staff roles in a tenant (keeping a resident
// membership). An empty list removes them from the staff.
func (s *Service) SetRoles(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, userID ids.User, roles []Role) (err error) {
	defer wrapf(&err, "set the roles of user %s", userID)
	for _, r := range roles {
		if !ValidStaffRole(r) {
			return validation.Errors{{Field: "roles", Code: "error.roles"}}
		}
	}
	before, err := s.tenantRoles(ctx, tenantID, userID)
	if err != nil {
		return err
	}
	if len(before) == 0 {
		return ErrNotFound
	}
	if actor.ID == userID && hasRole(before, Admin) && !hasRole(roles, Admin) {
		return validation.Errors{{Field: "roles", Code: "error.roles.self_admin"}}
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ? AND role <> ?", tenantID, userID, string(Resident)); err != nil {
			return err
		}
		for _, r := range roles {
			if err := addMembership(ctx, tx, tenantID, userID, r, now); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "staff.roles", "user:"+string(userID), fmt.Sprintf("%v -> %v", before, roles)))
	})
}

func hasRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// tenantRoles is the user's staff roles in a tenant (resident left out).
func (s *Service) tenantRoles(ctx context.Context, tenantID ids.Tenant, userID ids.User) ([]Role, error) {
	all, err := s.Roles(ctx, tenantID, userID)
	var out []Role
	for _, r := range all {
		if r != Resident {
			out = append(out, r)
		}
	}
	return out, err
}

// Roles returns the user's roles in a tenant, resident included.
func (s *Service) Roles(ctx context.Context, tenantID ids.Tenant, userID ids.User) (_ []Role, err error) {
	defer wrapf(&err, "read the roles of user %s", userID)
	rows, err := s.db.QueryContext(ctx, "SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ? ORDER BY role", tenantID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Staff lists a tenant's staff with their roles, by name.
func (s *Service) Staff(ctx context.Context, tenantID ids.Tenant) (_ []StaffMember, err error) {
	defer wrapf(&err, "list the staff of tenant %s", tenantID)
	return s.StaffIn(ctx, s.db, tenantID)
}

// StaffIn is Staff read through q (see ByIDIn).
func (s *Service) StaffIn(ctx context.Context, q db.Querier, tenantID ids.Tenant) (_ []StaffMember, err error) {
	defer wrapf(&err, "list the staff of tenant %s", tenantID)
	rows, err := q.QueryContext(ctx, `SELECT m.user_id, m.role FROM memberships m WHERE m.tenant_id = ? AND m.role <> ?`,
		tenantID, string(Resident))
	if err != nil {
		return nil, err
	}
	byUser := map[string][]Role{}
	for rows.Next() {
		var id string
		var r Role
		if err := rows.Scan(&id, &r); err != nil {
			rows.Close()
			return nil, err
		}
		byUser[id] = append(byUser[id], r)
	}
	rows.Close()
	var out []StaffMember
	for id, roles := range byUser {
		u, err := s.ByIDIn(ctx, q, ids.User(id))
		if err != nil {
			return nil, err
		}
		sort.Slice(roles, func(i, j int) bool { return roles[i] < roles[j] })
		out = append(out, StaffMember{User: u, Roles: roles})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User.Name < out[j].User.Name })
	return out, nil
}

// EnsureUser creates an account if its email is not taken yet and grants
// the given roles; used by demo seeding and `serambi user create`. It is
// idempotent so a restart with --demo changes nothing.
type EnsureInput struct {
	Email       string
	Name        string
	Password    string
	Lang        string
	Coordinator bool
	MFAExempt   bool
	TenantID    ids.Tenant
	Roles       []Role
}

// EnsureUser returns the existing or new user.
func (s *Service) EnsureUser(ctx context.Context, actor audit.Actor, in EnsureInput) (_ User, err error) {
	defer wrapf(&err, "make sure of a user")
	u, err := s.ByLogin(ctx, in.Email)
	if errors.Is(err, ErrNotFound) {
		u, err = s.createPlain(ctx, actor, in)
	}
	if err != nil {
		return User{}, err
	}
	if in.TenantID == "" || len(in.Roles) == 0 {
		return u, nil
	}
	now := s.clock.Now()
	return u, s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, r := range in.Roles {
			if err := addMembership(ctx, tx, in.TenantID, u.ID, r, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) createPlain(ctx context.Context, actor audit.Actor, in EnsureInput) (User, error) {
	if err := ValidatePassword(in.Password); err != nil {
		return User{}, validation.Errors{{Field: "password", Code: passwordCode(err)}}
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	now := s.clock.Now()
	id := db.NewID()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, lang, coordinator, mfa_exempt, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, strings.ToLower(in.Email), in.Name, hash, in.Lang, in.Coordinator, in.MFAExempt, now, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(in.TenantID, "user.create", "user:"+id, strings.ToLower(in.Email)))
	})
	if err != nil {
		return User{}, err
	}
	return s.ByID(ctx, ids.User(id))
}

// JoinAsResident makes a user a resident of a tenant (idempotent), e.g.
// when someone registered elsewhere applies here.
func (s *Service) JoinAsResident(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, userID ids.User) (err error) {
	defer wrapf(&err, "make user %s a resident", userID)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		return addMembership(ctx, tx, tenantID, userID, Resident, s.clock.Now())
	})
}
