// Package identity keeps accounts, roles, sessions and API tokens, and the
// rules for passwords, second factors and national identity numbers.
package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Role is what a user may do in one tenant.
type Role string

const (
	Resident   Role = "resident"
	Admin      Role = "admin"
	Officer    Role = "officer"
	Instructor Role = "instructor"
	// Editor writes the government's good practices for the knowledge
	// exchange (and answers translation requests).
	Editor Role = "editor"
)

// StaffRoles are the roles a tenant admin can grant.
var StaffRoles = []Role{Admin, Officer, Instructor, Editor}

// ValidStaffRole tells whether r is one of StaffRoles.
func ValidStaffRole(r Role) bool {
	for _, s := range StaffRoles {
		if r == s {
			return true
		}
	}
	return false
}

// User is an account. Civil IDs are never held in clear here: only their
// kind and masked form.
type User struct {
	ID            ids.User
	Email         string
	Phone         string
	Name          string
	Lang          string
	TextSize      string
	Coordinator   bool
	CivilIDKind   string // "nik", "mynumber" or ""
	CivilIDMasked string
	TOTPEnabled   bool
	MFAExempt     bool
	Disabled      bool
	CreatedAt     time.Time
	passwordHash  string
	civilSealed   string
	totpSealed    string
}

// Label is how the user appears in the audit trail.
func (u User) Label() string {
	if u.Email != "" {
		return u.Email
	}
	return u.Phone
}

// Membership is one role of a user in one tenant.
type Membership struct {
	TenantID ids.Tenant
	Role     Role
}

// Errors callers act on.
var (
	ErrNotFound    = errors.New("user not found")
	ErrBadLogin    = errors.New("wrong email, phone or password")
	ErrThrottled   = errors.New("too many attempts")
	ErrBadOTP      = errors.New("wrong one-time code")
	ErrBadPassword = errors.New("current password is wrong")
)

// Config holds the identity rules that differ by deployment.
type Config struct {
	Demo bool // honour mfa_exempt on demo accounts; never in production
}

// Service manages accounts.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	cipher  *FieldCipher
	regions RegionLookup
	cfg     Config
}

// NewService returns an identity service.
func NewService(d *db.DB, c clock.Clock, cipher *FieldCipher, regions RegionLookup, cfg Config) *Service {
	return &Service{db: d, clock: c, cipher: cipher, regions: regions, cfg: cfg}
}

const userColumns = `id, COALESCE(email, ''), COALESCE(phone, ''), name, password_hash, lang, text_size, coordinator,
	civil_id_kind, civil_id_sealed, totp_secret_sealed, totp_enabled, mfa_exempt, disabled, created_at`

func (s *Service) scanUser(r interface{ Scan(...any) error }) (User, error) {
	var u User
	err := r.Scan(&u.ID, &u.Email, &u.Phone, &u.Name, &u.passwordHash, &u.Lang, &u.TextSize, &u.Coordinator,
		&u.CivilIDKind, &u.civilSealed, &u.totpSealed, &u.TOTPEnabled, &u.MFAExempt, &u.Disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, err
	}
	u.CivilIDMasked = s.maskedCivilID(u)
	return u, nil
}

func (s *Service) maskedCivilID(u User) string {
	if u.civilSealed == "" {
		return ""
	}
	plain, err := s.cipher.Open(u.civilSealed, "user.civil_id:"+string(u.ID))
	if err != nil {
		return "?"
	}
	if u.CivilIDKind == "nik" {
		return MaskNIK(plain)
	}
	return MaskMyNumber(plain)
}

// ByID loads a user.
func (s *Service) ByID(ctx context.Context, id ids.User) (User, error) {
	return s.ByIDIn(ctx, s.db, id)
}

// ByIDIn loads a user through q: code running inside a transaction must
// read through it, or a busy PostgreSQL pool can run out of connections
// while every holder waits for a second one.
func (s *Service) ByIDIn(ctx context.Context, q db.Querier, id ids.User) (_ User, err error) {
	defer wrapf(&err, "read user %s", id)
	return s.scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
}

// ByLogin finds a user by email or mobile number, as typed at sign-in.
func (s *Service) ByLogin(ctx context.Context, login string) (_ User, err error) {
	defer wrapf(&err, "find a user by login")
	login = strings.TrimSpace(validation.Narrow(login))
	if strings.Contains(login, "@") {
		return s.scanUser(s.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", strings.ToLower(login)))
	}
	phone, ok := NormalizePhone(login)
	if !ok {
		return User{}, ErrNotFound
	}
	return s.scanUser(s.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE phone = ?", phone))
}

// ByCivilID finds a user by NIK or My Number through the keyed hash, so
// officers can find a resident without the numbers being stored in clear.
func (s *Service) ByCivilID(ctx context.Context, kind, number string) (_ User, err error) {
	defer wrapf(&err, "find a user by civil ID")
	h := s.cipher.LookupHash(kind, normalizeCivilID(number))
	return s.scanUser(s.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE civil_id_hash = ?", h))
}

func normalizeCivilID(s string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(validation.Narrow(s)))
}

var phonePattern = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// NormalizePhone strips spaces, dots, dashes and brackets from a mobile
// number and checks what is left looks like one.
func NormalizePhone(s string) (string, bool) {
	p := strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "").Replace(strings.TrimSpace(validation.Narrow(s)))
	return p, phonePattern.MatchString(p)
}

// Memberships lists a user's roles in every tenant.
func (s *Service) Memberships(ctx context.Context, userID ids.User) (_ []Membership, err error) {
	defer wrapf(&err, "read the memberships of user %s", userID)
	rows, err := s.db.QueryContext(ctx, "SELECT tenant_id, role FROM memberships WHERE user_id = ? ORDER BY tenant_id, role", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.TenantID, &m.Role); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// IsStaff tells whether the user works for any tenant or the network, which
// makes a second factor mandatory.
func IsStaff(u User, ms []Membership) bool {
	if u.Coordinator {
		return true
	}
	for _, m := range ms {
		if m.Role != Resident {
			return true
		}
	}
	return false
}

// NeedsTOTPEnrolment tells whether the user must set up a second factor
// before doing anything else.
func (s *Service) NeedsTOTPEnrolment(u User, ms []Membership) bool {
	if u.TOTPEnabled || !IsStaff(u, ms) {
		return false
	}
	return !(u.MFAExempt && s.cfg.Demo)
}

// RegisterInput is a resident's self-registration.
type RegisterInput struct {
	TenantID      ids.Tenant
	Name          string
	Email         string
	Phone         string
	Password      string
	Lang          string
	CivilKind     string // "nik", "mynumber" or "" when the tenant does not ask
	CivilID       string
	CivilOptional bool
}

func validName(name string) bool {
	n := utf8.RuneCountInString(name)
	return n >= 1 && n <= 100
}

func (s *Service) validateRegistration(in *RegisterInput) validation.Errors {
	var errs validation.Errors
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(validation.Narrow(in.Email)))
	in.Phone = strings.TrimSpace(validation.Narrow(in.Phone)) // blanks mean "no phone", not a phone of blanks
	if !validName(in.Name) {
		errs.Add("name", "error.name")
	}
	if in.Email == "" && in.Phone == "" {
		errs.Add("email", "error.email_or_phone")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			errs.Add("email", "error.email")
		}
	}
	if in.Phone != "" {
		p, ok := NormalizePhone(in.Phone)
		if !ok {
			errs.Add("phone", "error.phone")
		}
		in.Phone = p
	}
	if err := ValidatePassword(in.Password); err != nil {
		errs.Add("password", passwordCode(err))
	}
	if in.Lang != "id" && in.Lang != "ja" && in.Lang != "en" {
		errs.Add("lang", "error.lang")
	}
	s.validateCivilID(in, &errs)
	return errs
}

func passwordCode(err error) string {
	switch {
	case errors.Is(err, ErrPasswordTooShort):
		return "error.password.short"
	case errors.Is(err, ErrPasswordTooLong):
		return "error.password.long"
	case errors.Is(err, ErrPasswordCommon):
		return "error.password.common"
	}
	return "error.password.invalid"
}

func (s *Service) validateCivilID(in *RegisterInput, errs *validation.Errors) {
	in.CivilID = normalizeCivilID(in.CivilID)
	if in.CivilKind == "" || (in.CivilID == "" && in.CivilOptional) {
		in.CivilKind = ""
		return
	}
	var err error
	if in.CivilKind == "nik" {
		_, err = ValidateNIK(in.CivilID, s.regions, s.clock.Now())
	} else {
		err = ValidateMyNumber(in.CivilID)
	}
	if err != nil {
		errs.Add("civil_id", civilIDCode(err))
	}
}

func civilIDCode(err error) string {
	switch {
	case errors.Is(err, ErrNIKRegion):
		return "error.nik.region"
	case errors.Is(err, ErrNIKBirthDate):
		return "error.nik.birthdate"
	case errors.Is(err, ErrNIKSerial):
		return "error.nik.serial"
	case errors.Is(err, ErrNIKFormat):
		return "error.nik.format"
	case errors.Is(err, ErrMyNumberCheckDigit):
		return "error.mynumber.check"
	}
	return "error.mynumber.format"
}

// Register creates a resident account in a tenant. All checks run before
// anything is written; the account, its membership and the audit entry
// commit together.
func (s *Service) Register(ctx context.Context, in RegisterInput, ip string) (_ User, err error) {
	defer wrapf(&err, "register an account")
	errs := s.validateRegistration(&in)
	if len(errs) > 0 {
		return User{}, errs
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	now := s.clock.Now()
	u := User{ID: ids.User(db.NewID()), Email: in.Email, Phone: in.Phone, Name: in.Name, Lang: in.Lang, TextSize: "normal", CreatedAt: now, CivilIDKind: in.CivilKind}
	var sealed, lookup any
	if in.CivilKind != "" {
		str, err := s.cipher.Seal(in.CivilID, "user.civil_id:"+string(u.ID))
		if err != nil {
			return User{}, err
		}
		sealed, lookup = str, s.cipher.LookupHash(in.CivilKind, in.CivilID)
	} else {
		sealed = ""
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkUnique(ctx, tx, u.Email, u.Phone, lookup); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, phone, name, password_hash, lang, text_size,
			civil_id_kind, civil_id_sealed, civil_id_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, nullable(u.Email), nullable(u.Phone), u.Name, hash, u.Lang, u.TextSize, u.CivilIDKind, sealed, lookup, now, now); err != nil {
			return err
		}
		if err := addMembership(ctx, tx, in.TenantID, u.ID, Resident, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorLabel: u.Label(), IP: ip, TenantID: in.TenantID,
			Action: "user.register", Object: "user:" + string(u.ID), Summary: audit.Say("audit.detail.register")})
	})
	if err != nil {
		return User{}, err
	}
	return s.ByID(ctx, u.ID)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkUnique answers "already registered" per field instead of letting the
// unique index fail the insert with a 500.
func (s *Service) checkUnique(ctx context.Context, q db.Querier, email, phone string, civilHash any) error {
	var errs validation.Errors
	var readErr error
	exists := func(col string, v any) bool {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE "+col+" = ?", v).Scan(&n); err != nil {
			readErr = errors.Join(readErr, fmt.Errorf("identity: is the %s taken: %w", col, err))
		}
		return n > 0
	}
	if email != "" && exists("email", email) {
		errs.Add("email", "error.email.taken")
	}
	if phone != "" && exists("phone", phone) {
		errs.Add("phone", "error.phone.taken")
	}
	if civilHash != nil && exists("civil_id_hash", civilHash) {
		errs.Add("civil_id", "error.civil_id.taken")
	}
	if readErr != nil {
		return readErr // not "free": the database could not say
	}
	return errs.Err()
}

// addMembership grants a role, doing nothing if the user already has it. ON
// CONFLICT rather than catching the unique violation: on PostgreSQL a failed
// statement aborts the whole transaction.
func addMembership(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, userID ids.User, r Role, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id, role) DO NOTHING`, tenantID, userID, string(r), now)
	return err
}

// Preferences are the user's language and text size.
func (s *Service) SetPreferences(ctx context.Context, actor audit.Actor, userID ids.User, lang, textSize string) (err error) {
	defer wrapf(&err, "set the preferences of user %s", userID)
	var errs validation.Errors
	if lang != "id" && lang != "ja" && lang != "en" {
		errs.Add("lang", "error.lang")
	}
	if !ValidTextSize(textSize) {
		errs.Add("text_size", "error.text_size")
	}
	if len(errs) > 0 {
		return errs
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET lang = ?, text_size = ?, updated_at = ? WHERE id = ?",
			lang, textSize, s.clock.Now(), userID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "user.preferences", "user:"+string(userID), audit.Say("audit.detail.preferences", lang, textSize)))
	})
}

// ValidTextSize tells whether s is one of the offered text sizes.
func ValidTextSize(s string) bool { return s == "normal" || s == "large" || s == "larger" }

// ChangePassword replaces the password after checking the current one, and
// ends every other session (a stolen session must not outlive the change).
func (s *Service) ChangePassword(ctx context.Context, actor audit.Actor, userID ids.User, current, next, keepSessionRaw string) (err error) {
	defer wrapf(&err, "change the password of user %s", userID)
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return err
	}
	// Someone who found a signed-in browser must not get unlimited guesses
	// at the password through this form.
	key := "password:" + userID
	throttled, err := s.Throttled(ctx, string(key), pairLimit)
	if err != nil {
		return err
	}
	if throttled {
		return validation.Errors{{Field: "current_password", Code: "error.signin.throttled"}}
	}
	if ok, _ := CheckPassword(u.passwordHash, current); !ok {
		if err := s.RecordFailure(ctx, string(key)); err != nil {
			return err
		}
		return validation.Errors{{Field: "current_password", Code: "error.password.current"}}
	}
	if err := ValidatePassword(next); err != nil {
		return validation.Errors{{Field: "new_password", Code: passwordCode(err)}}
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.clock.Now(), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", userID, hashToken(keepSessionRaw)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE user_id = ?", userID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "user.password", "user:"+string(userID), audit.Say("audit.detail.password")))
	})
}
