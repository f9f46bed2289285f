package identity_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pquerna/otp/totp"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// Store tests for the identity service, run on every dialect by dbtest.Each.

var loadRegions = sync.OnceValues(region.Load)

// regionLookup adapts the directory the way internal/app does.
type regionLookup struct{ d *region.Directory }

func (r regionLookup) Exists(code string) bool {
	_, ok := r.d.Get(code)
	return ok
}

const (
	goodPassword = "kopi tubruk pagi"
	testIP       = "203.0.113.7"
)

var (
	start   = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	testKey = []byte("0123456789abcdef0123456789abcdef-serambi-test")
)

type env struct {
	ctx     context.Context
	d       *db.DB
	clk     *clock.Fixed
	cipher  *identity.FieldCipher
	lookup  regionLookup
	ids     *identity.Service
	tenants *tenant.Service
	tenant  tenant.Tenant // Kabupaten Banyuwangi, asks for a NIK
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	regions, err := loadRegions()
	if err != nil {
		t.Fatal(err)
	}
	cipher, err := identity.NewFieldCipher(testKey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{ctx: context.Background(), d: d, clk: clock.NewFixed(start), cipher: cipher, lookup: regionLookup{regions}}
	e.ids = e.service(identity.Config{Demo: false})
	e.tenants = tenant.NewService(d, regions, e.clk)
	e.tenant, err = e.tenants.Create(e.ctx, audit.CLI, tenant.Input{Slug: "banyuwangi", RegionCode: "35.10", AskCivilID: true})
	if err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return e
}

// service builds another identity service over the same database and clock.
func (e *env) service(cfg identity.Config) *identity.Service {
	return identity.NewService(e.d, e.clk, e.cipher, e.lookup, cfg)
}

func (e *env) register(t *testing.T, in identity.RegisterInput) identity.User {
	t.Helper()
	if in.TenantID == "" {
		in.TenantID = e.tenant.ID
	}
	if in.Name == "" {
		in.Name = "Siti Aminah"
	}
	if in.Password == "" {
		in.Password = goodPassword
	}
	if in.Lang == "" {
		in.Lang = "id"
	}
	u, err := e.ids.Register(e.ctx, in, testIP)
	if err != nil {
		t.Fatalf("Register(%+v): %v", in, err)
	}
	return u
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (e *env) auditCount(t *testing.T, action string) int {
	t.Helper()
	return e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action)
}

// verifyChain checks the audit trail is intact after everything a test did.
func verifyChain(t *testing.T, d *db.DB) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatalf("audit.Verify: %v", err)
	}
	if p != nil {
		t.Fatalf("audit chain broken after %d entries: %v", n, p)
	}
	if n == 0 {
		t.Fatal("audit chain is empty")
	}
}

// problems returns "field:code" for each problem of a validation error, or
// fails when err is something else.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		t.Fatalf("got error %v (%T), want validation.Errors", err, err)
	}
	var out []string
	for _, p := range verrs {
		out = append(out, p.Field+":"+p.Code)
	}
	return out
}

func wantProblem(t *testing.T, err error, want string) {
	t.Helper()
	if got := problems(t, err); !slices.Contains(got, want) {
		t.Fatalf("problems = %v, want %s among them", got, want)
	}
}

func actorOf(u identity.User) audit.Actor { return audit.Actor{ID: u.ID, Label: u.Label(), IP: testIP} }

func TestRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{
			Name: "  Siti Aminah ", Email: " Siti@Example.ID ", Phone: "0812 3456 7890", Lang: "id",
		})
		if u.ID == "" || u.Name != "Siti Aminah" || u.Email != "siti@example.id" || u.Phone != "081234567890" {
			t.Errorf("registered user = %+v, want trimmed name, lower-case email, normalised phone", u)
		}
		if u.Lang != "id" || u.CivilIDKind != "" || u.CivilIDMasked != "" || u.TOTPEnabled || u.Coordinator {
			t.Errorf("registered user = %+v, want a plain resident", u)
		}
		ms, err := e.ids.Memberships(e.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []identity.Membership{{TenantID: e.tenant.ID, Role: identity.Resident}}; !slices.Equal(ms, want) {
			t.Errorf("memberships = %v, want %v", ms, want)
		}
		if e.ids.NeedsTOTPEnrolment(u, ms) {
			t.Error("a resident must not be forced to enrol a second factor")
		}
		for _, login := range []string{"siti@example.id", "081234567890"} {
			if got, err := e.ids.ByLogin(e.ctx, login); err != nil || got.ID != u.ID {
				t.Errorf("ByLogin(%q) = %v, %v; want the new user", login, got.ID, err)
			}
		}
		if n := e.auditCount(t, "user.register"); n != 1 {
			t.Errorf("user.register audit entries = %d, want 1", n)
		}

		// A user with only a phone number, and one with only an email.
		if p := e.register(t, identity.RegisterInput{Phone: "+62 813-1111-2222"}); p.Email != "" || p.Phone != "+6281311112222" {
			t.Errorf("phone-only user = %+v", p)
		}
		if m := e.register(t, identity.RegisterInput{Email: "made@example.id"}); m.Phone != "" {
			t.Errorf("email-only user has phone %q", m.Phone)
		}

		base := identity.RegisterInput{TenantID: e.tenant.ID, Name: "Budi", Password: goodPassword, Lang: "id"}
		tests := []struct {
			name string
			edit func(in *identity.RegisterInput)
			want string
		}{
			{"email taken, other case", func(in *identity.RegisterInput) { in.Email = "SITI@example.id" }, "email:error.email.taken"},
			{"phone taken, other format", func(in *identity.RegisterInput) { in.Email = "budi@example.id"; in.Phone = "0812-3456-7890" }, "phone:error.phone.taken"},
			{"phone taken, no email", func(in *identity.RegisterInput) { in.Phone = "(0812) 3456 7890" }, "phone:error.phone.taken"},
			{"neither email nor phone", func(in *identity.RegisterInput) {}, "email:error.email_or_phone"},
			{"blank email and phone", func(in *identity.RegisterInput) { in.Email = "  "; in.Phone = " " }, "email:error.email_or_phone"},
			{"bad email", func(in *identity.RegisterInput) { in.Email = "budi@" }, "email:error.email"},
			{"email with display name", func(in *identity.RegisterInput) { in.Email = "Budi <budi@example.id>" }, "email:error.email"},
			{"bad phone", func(in *identity.RegisterInput) { in.Phone = "12-34" }, "phone:error.phone"},
			{"common password", func(in *identity.RegisterInput) { in.Email = "budi@example.id"; in.Password = "password123" }, "password:error.password.common"},
			{"common password, capitalised", func(in *identity.RegisterInput) { in.Email = "budi@example.id"; in.Password = "Password123" }, "password:error.password.common"},
			{"short password", func(in *identity.RegisterInput) { in.Email = "budi@example.id"; in.Password = "kopi123" }, "password:error.password.short"},
			{"long password", func(in *identity.RegisterInput) {
				in.Email = "budi@example.id"
				in.Password = strings.Repeat("kopi ", 26)
			}, "password:error.password.long"},
			{"no name", func(in *identity.RegisterInput) { in.Email = "budi@example.id"; in.Name = "   " }, "name:error.name"},
			{"unknown language", func(in *identity.RegisterInput) { in.Email = "budi@example.id"; in.Lang = "fr" }, "lang:error.lang"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users := e.count(t, "SELECT COUNT(*) FROM users")
				members := e.count(t, "SELECT COUNT(*) FROM memberships")
				entries := e.count(t, "SELECT COUNT(*) FROM audit_log")
				in := base
				tc.edit(&in)
				got, err := e.ids.Register(e.ctx, in, testIP)
				if err == nil {
					t.Fatalf("Register succeeded with user %+v, want %s", got, tc.want)
				}
				wantProblem(t, err, tc.want)
				if n := e.count(t, "SELECT COUNT(*) FROM users"); n != users {
					t.Errorf("users %d -> %d after a failed registration", users, n)
				}
				if n := e.count(t, "SELECT COUNT(*) FROM memberships"); n != members {
					t.Errorf("memberships %d -> %d after a failed registration", members, n)
				}
				if n := e.count(t, "SELECT COUNT(*) FROM audit_log"); n != entries {
					t.Errorf("audit entries %d -> %d after a failed registration", entries, n)
				}
			})
		}

		// Registering in a tenant that does not exist fails as a whole.
		users := e.count(t, "SELECT COUNT(*) FROM users")
		if _, err := e.ids.Register(e.ctx, identity.RegisterInput{TenantID: "no-such-tenant", Name: "Budi",
			Email: "budi@example.id", Password: goodPassword, Lang: "id"}, testIP); err == nil {
			t.Error("Register into an unknown tenant succeeded")
		}
		if n := e.count(t, "SELECT COUNT(*) FROM users"); n != users {
			t.Errorf("users %d -> %d after registering into an unknown tenant", users, n)
		}
		verifyChain(t, d)
	})
}

// A phone field holding only blanks means "no phone": it must not be stored
// and must not block the next resident who leaves it blank the same way.
func TestRegisterBlankPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.register(t, identity.RegisterInput{Email: "a@example.id", Phone: "  "})
		if a.Phone != "" {
			t.Errorf("phone = %q, want empty", a.Phone)
		}
		b, err := e.ids.Register(e.ctx, identity.RegisterInput{TenantID: e.tenant.ID, Name: "B", Email: "b@example.id",
			Phone: "  ", Password: goodPassword, Lang: "id"}, testIP)
		if err != nil {
			t.Fatalf("second registration with a blank phone: %v", err)
		}
		if b.Phone != "" {
			t.Errorf("phone = %q, want empty", b.Phone)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM users WHERE phone IS NOT NULL"); n != 0 {
			t.Errorf("%d users have a stored phone, want 0", n)
		}
		verifyChain(t, d)
	})
}

// nik builds a NIK of Kabupaten Banyuwangi's first district.
func nik(regency, ddmmyy, serial string) string { return regency + "01" + ddmmyy + serial }

func TestRegisterNIK(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if !e.tenant.AskCivilID {
			t.Fatal("test tenant should ask for a civil ID")
		}
		number := nik("3510", "570885", "0001") // a woman born 17 August 1985
		u := e.register(t, identity.RegisterInput{Email: "siti@example.id", CivilKind: "nik",
			CivilID: number[:4] + " " + number[4:8] + "-" + number[8:12] + " " + number[12:]})
		if u.CivilIDKind != "nik" {
			t.Errorf("civil ID kind = %q, want nik", u.CivilIDKind)
		}
		if u.CivilIDMasked != "3510••••••••0001" {
			t.Errorf("masked NIK = %q, want 3510••••••••0001", u.CivilIDMasked)
		}
		if strings.Contains(fmt.Sprintf("%+v", u), "570885") {
			t.Errorf("user value reveals the birth date part of the NIK: %+v", u)
		}

		var kind, sealed, hash string
		if err := d.QueryRowContext(e.ctx, "SELECT civil_id_kind, civil_id_sealed, COALESCE(civil_id_hash, '') FROM users WHERE id = ?",
			u.ID).Scan(&kind, &sealed, &hash); err != nil {
			t.Fatal(err)
		}
		if kind != "nik" || sealed == "" || hash == "" {
			t.Fatalf("stored kind %q, sealed %q, hash %q: want all set", kind, sealed, hash)
		}
		for _, col := range []string{sealed, hash} {
			if strings.Contains(col, number) || strings.Contains(col, "570885") {
				t.Errorf("stored value %q contains the NIK digits", col)
			}
		}
		if n := e.count(t, "SELECT COUNT(*) FROM users WHERE civil_id_sealed LIKE ? OR civil_id_hash LIKE ?",
			"%"+number+"%", "%"+number+"%"); n != 0 {
			t.Errorf("%d rows hold the NIK in clear", n)
		}

		for _, q := range []string{number, number[:6] + " " + number[6:]} {
			got, err := e.ids.ByCivilID(e.ctx, "nik", q)
			if err != nil || got.ID != u.ID {
				t.Errorf("ByCivilID(nik, %q) = %q, %v; want %q", q, got.ID, err, u.ID)
			}
		}
		if _, err := e.ids.ByCivilID(e.ctx, "mynumber", number); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("ByCivilID with the wrong kind: err = %v, want ErrNotFound", err)
		}
		if _, err := e.ids.ByCivilID(e.ctx, "nik", nik("3510", "570885", "0002")); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("ByCivilID of another number: err = %v, want ErrNotFound", err)
		}

		// The same NIK cannot open a second account.
		_, err := e.ids.Register(e.ctx, identity.RegisterInput{TenantID: e.tenant.ID, Name: "Other", Email: "other@example.id",
			Password: goodPassword, Lang: "id", CivilKind: "nik", CivilID: number}, testIP)
		if err == nil {
			t.Fatal("a second account with the same NIK was created")
		}
		wantProblem(t, err, "civil_id:error.civil_id.taken")
		verifyChain(t, d)
	})
}

func TestRegisterCivilIDErrors(t *testing.T) {
	validMyNumber := "12345678901" + fmt.Sprint(identity.MyNumberCheckDigit("12345678901"))
	wrongMyNumber := validMyNumber[:11] + fmt.Sprint((int(validMyNumber[11]-'0')+1)%10)
	tests := []struct {
		name, kind, number string
		optional           bool
		want               string // problem, or "" for success
		masked             string
	}{
		{"unknown regency", "nik", nik("3599", "170885", "0001"), false, "civil_id:error.nik.region", ""},
		{"unknown province", "nik", nik("9910", "170885", "0001"), false, "civil_id:error.nik.region", ""},
		{"31 February", "nik", nik("3510", "310290", "0001"), false, "civil_id:error.nik.birthdate", ""},
		{"month 13", "nik", nik("3510", "011390", "0001"), false, "civil_id:error.nik.birthdate", ""},
		{"serial 0000", "nik", nik("3510", "170885", "0000"), false, "civil_id:error.nik.serial", ""},
		{"too short", "nik", "351001170885", false, "civil_id:error.nik.format", ""},
		{"missing but required", "nik", "", false, "civil_id:error.nik.format", ""},
		{"missing and optional", "nik", "", true, "", ""},
		{"male NIK", "nik", nik("3510", "170885", "0042"), false, "", "3510••••••••0042"},
		{"My Number wrong check digit", "mynumber", wrongMyNumber, false, "civil_id:error.mynumber.check", ""},
		{"My Number too short", "mynumber", "1234", false, "civil_id:error.mynumber.format", ""},
		{"My Number valid", "mynumber", validMyNumber[:4] + "-" + validMyNumber[4:8] + "-" + validMyNumber[8:], false, "", "••••••••" + validMyNumber[8:]},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users := e.count(t, "SELECT COUNT(*) FROM users")
				in := identity.RegisterInput{TenantID: e.tenant.ID, Name: "Resident", Email: fmt.Sprintf("r%d@example.id", i),
					Password: goodPassword, Lang: "id", CivilKind: tc.kind, CivilID: tc.number, CivilOptional: tc.optional}
				u, err := e.ids.Register(e.ctx, in, testIP)
				if tc.want != "" {
					if err == nil {
						t.Fatalf("Register succeeded, want %s", tc.want)
					}
					wantProblem(t, err, tc.want)
					if n := e.count(t, "SELECT COUNT(*) FROM users"); n != users {
						t.Errorf("users %d -> %d after a refused civil ID", users, n)
					}
					return
				}
				if err != nil {
					t.Fatalf("Register: %v", err)
				}
				if u.CivilIDMasked != tc.masked {
					t.Errorf("masked civil ID = %q, want %q", u.CivilIDMasked, tc.masked)
				}
				if tc.masked == "" && u.CivilIDKind != "" {
					t.Errorf("civil ID kind = %q for a user without a number", u.CivilIDKind)
				}
			})
		}
		verifyChain(t, d)
	})
}

func TestAuthenticate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id", Phone: "081298765432"})
		tests := []struct {
			name, login, password string
			want                  error
		}{
			{"email", "budi@example.id", goodPassword, nil},
			{"email in capitals with blanks", "  BUDI@Example.ID ", goodPassword, nil},
			{"phone", "081298765432", goodPassword, nil},
			{"phone with spaces", "0812 9876 5432", goodPassword, nil},
			{"phone with dashes", "0812-9876-5432", goodPassword, nil},
			{"wrong password", "budi@example.id", goodPassword + "!", identity.ErrBadLogin},
			{"password with other case", "budi@example.id", strings.ToUpper(goodPassword), identity.ErrBadLogin},
			{"unknown email", "nobody@example.id", goodPassword, identity.ErrBadLogin},
			{"unknown phone", "081200000000", goodPassword, identity.ErrBadLogin},
			{"garbage login", "not a login", goodPassword, identity.ErrBadLogin},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := e.ids.Authenticate(e.ctx, tc.login, tc.password, testIP)
				if !errors.Is(err, tc.want) {
					t.Fatalf("Authenticate(%q) err = %v, want %v", tc.login, err, tc.want)
				}
				if tc.want == nil && got.ID != u.ID {
					t.Errorf("Authenticate(%q) = user %q, want %q", tc.login, got.ID, u.ID)
				}
				if tc.want != nil && got.ID != "" {
					t.Errorf("a failed sign-in returned user %q", got.ID)
				}
			})
		}
		if n := e.auditCount(t, "auth.signin"); n != 5 {
			t.Errorf("auth.signin entries = %d, want 5", n)
		}
		if n := e.auditCount(t, "auth.signin.fail"); n != 5 {
			t.Errorf("auth.signin.fail entries = %d, want 5", n)
		}
		verifyChain(t, d)
	})
}

func TestAuthenticateThrottle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		for i := 1; i <= 5; i++ {
			if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", "wrong password "+fmt.Sprint(i), testIP); !errors.Is(err, identity.ErrBadLogin) {
				t.Fatalf("wrong try %d: err = %v, want ErrBadLogin", i, err)
			}
			if n := e.auditCount(t, "auth.signin.fail"); n != i {
				t.Fatalf("after %d failures, %d auth.signin.fail entries", i, n)
			}
		}
		if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, testIP); !errors.Is(err, identity.ErrThrottled) {
			t.Fatalf("right password after 5 failures: err = %v, want ErrThrottled", err)
		}
		// The lock is per account: another resident on the same address is not affected.
		other := e.register(t, identity.RegisterInput{Email: "ani@example.id"})
		if got, err := e.ids.Authenticate(e.ctx, "ani@example.id", goodPassword, testIP); err != nil || got.ID != other.ID {
			t.Errorf("other account on the same address: %q, %v", got.ID, err)
		}
		e.clk.Advance(14 * time.Minute)
		if _, err := e.ids.Authenticate(e.ctx, "Budi@Example.id", goodPassword, testIP); !errors.Is(err, identity.ErrThrottled) {
			t.Fatalf("14 minutes later: err = %v, want ErrThrottled", err)
		}
		e.clk.Advance(2 * time.Minute)
		got, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, testIP)
		if err != nil || got.ID != u.ID {
			t.Fatalf("16 minutes later: %q, %v; want the user", got.ID, err)
		}
		if n := e.auditCount(t, "auth.signin.fail"); n != 5 {
			t.Errorf("auth.signin.fail entries = %d, want 5", n)
		}
		// Two refusals: the first is audited, the second only counted (the
		// summary entries come at the 10th, 100th... refusal).
		if n := e.auditCount(t, "auth.signin.throttled"); n != 1 {
			t.Errorf("auth.signin.throttled entries = %d, want 1", n)
		}
		verifyChain(t, d)
	})
}

// Writing the same phone number differently must not buy more guesses.
func TestAuthenticateThrottlePhoneFormats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.register(t, identity.RegisterInput{Phone: "081298765432"})
		formats := []string{"081298765432", "0812 9876 5432", "0812-9876-5432", "0812.9876.5432", "(0812) 98765432"}
		for _, login := range formats {
			if _, err := e.ids.Authenticate(e.ctx, login, "wrong password", testIP); !errors.Is(err, identity.ErrBadLogin) {
				t.Fatalf("wrong try as %q: err = %v, want ErrBadLogin", login, err)
			}
		}
		for _, login := range append(formats, "08129876 5432") {
			if _, err := e.ids.Authenticate(e.ctx, login, goodPassword, testIP); !errors.Is(err, identity.ErrThrottled) {
				t.Errorf("right password as %q after 5 failures: err = %v, want ErrThrottled", login, err)
			}
		}
		verifyChain(t, d)
	})
}

func TestSessionRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		raw, err := e.ids.StartSession(e.ctx, u.ID, false, testIP, "Firefox/140")
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) < 40 {
			t.Errorf("session ID %q is too short to be unguessable", raw)
		}
		ss, su, err := e.ids.Session(e.ctx, raw)
		if err != nil {
			t.Fatalf("Session: %v", err)
		}
		if su.ID != u.ID || ss.UserID != u.ID || ss.IP != testIP || ss.UserAgent != "Firefox/140" || ss.MFAOK {
			t.Errorf("session = %+v, user %q", ss, su.ID)
		}
		if !ss.CreatedAt.Equal(start) || !ss.ExpiresAt().Equal(start.Add(identity.SessionIdle)) {
			t.Errorf("created %v expires %v, want %v and %v", ss.CreatedAt, ss.ExpiresAt(), start, start.Add(identity.SessionIdle))
		}

		// Only the hash is stored.
		var stored string
		if err := d.QueryRowContext(e.ctx, "SELECT id_hash FROM sessions WHERE user_id = ?", u.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == raw || strings.Contains(stored, raw) || stored != identity.SessionHash(raw) || ss.IDHash != stored {
			t.Errorf("stored session ID %q for raw %q; want only its hash", stored, raw)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM sessions WHERE id_hash = ?", raw); n != 0 {
			t.Error("the raw session ID is in the database")
		}
		if _, _, err := e.ids.Session(e.ctx, stored); !errors.Is(err, identity.ErrNoSession) {
			t.Errorf("the stored hash opened a session: err = %v", err)
		}

		if err := e.ids.MarkMFA(e.ctx, raw); err != nil {
			t.Fatal(err)
		}
		if ss, _, err := e.ids.Session(e.ctx, raw); err != nil || !ss.MFAOK {
			t.Errorf("after MarkMFA: mfa %v, err %v", ss.MFAOK, err)
		}
		for _, bad := range []string{"", "nonsense", strings.Repeat("x", 500)} {
			if _, _, err := e.ids.Session(e.ctx, bad); !errors.Is(err, identity.ErrNoSession) {
				t.Errorf("Session(%.10q) err = %v, want ErrNoSession", bad, err)
			}
		}
		list, err := e.ids.Sessions(e.ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].IDHash != stored {
			t.Errorf("Sessions = %+v, %v; want the one session", list, err)
		}
		if err := e.ids.EndSession(e.ctx, actorOf(u), raw); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.ids.Session(e.ctx, raw); !errors.Is(err, identity.ErrNoSession) {
			t.Errorf("after EndSession: err = %v, want ErrNoSession", err)
		}
		verifyChain(t, d)
	})
}

// User agents are whatever bytes the client sent, cut to 200 bytes; what is
// stored must still be valid text, which PostgreSQL insists on.
func TestStartSessionUserAgent(t *testing.T) {
	tests := []struct{ name, ua, want string }{
		{"long, cut inside a character", strings.Repeat("a", 199) + "é" + strings.Repeat("日本", 50), strings.Repeat("a", 199)},
		{"long Japanese", strings.Repeat("日本", 50), strings.Repeat("日本", 33)},
		{"invalid bytes", "Mozilla/5.0 \xff\xfe(X11)", "Mozilla/5.0 (X11)"},
		{"plain", "Firefox/140", "Firefox/140"},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				raw, err := e.ids.StartSession(e.ctx, u.ID, false, testIP, tc.ua)
				if err != nil {
					t.Fatalf("StartSession: %v", err)
				}
				ss, _, err := e.ids.Session(e.ctx, raw)
				if err != nil {
					t.Fatal(err)
				}
				if ss.UserAgent != tc.want || !utf8.ValidString(ss.UserAgent) || len(ss.UserAgent) > 200 {
					t.Errorf("stored user agent %q (%d bytes), want %q", ss.UserAgent, len(ss.UserAgent), tc.want)
				}
			})
		}
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		raw, err := e.ids.StartSession(e.ctx, u.ID, false, testIP, "ua")
		if err != nil {
			t.Fatal(err)
		}
		// Just before the idle limit the session lives, and using it restarts the timer.
		e.clk.Advance(identity.SessionIdle - time.Second)
		if _, _, err := e.ids.Session(e.ctx, raw); err != nil {
			t.Fatalf("just before the idle limit: %v", err)
		}
		e.clk.Advance(identity.SessionIdle - time.Second)
		if _, _, err := e.ids.Session(e.ctx, raw); err != nil {
			t.Fatalf("idle timer was not refreshed by use: %v", err)
		}
		e.clk.Advance(identity.SessionIdle)
		if _, _, err := e.ids.Session(e.ctx, raw); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("after %v idle: err = %v, want ErrNoSession", identity.SessionIdle, err)
		}
		if list, _ := e.ids.Sessions(e.ctx, u.ID); len(list) != 0 {
			t.Errorf("expired session still listed: %+v", list)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM sessions"); n != 0 {
			t.Errorf("%d expired sessions left in the table", n)
		}
	})
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		raw, err := e.ids.StartSession(e.ctx, u.ID, false, testIP, "ua")
		if err != nil {
			t.Fatal(err)
		}
		elapsed := time.Duration(0)
		for elapsed+time.Hour < identity.SessionAbsolute {
			e.clk.Advance(time.Hour)
			elapsed += time.Hour
			if _, _, err := e.ids.Session(e.ctx, raw); err != nil {
				t.Fatalf("active session ended after %v: %v", elapsed, err)
			}
		}
		if list, _ := e.ids.Sessions(e.ctx, u.ID); len(list) != 1 || !list[0].ExpiresAt().Equal(start.Add(identity.SessionAbsolute)) {
			t.Errorf("Sessions = %+v, want one ending at %v", list, start.Add(identity.SessionAbsolute))
		}
		e.clk.Advance(identity.SessionAbsolute - elapsed)
		if _, _, err := e.ids.Session(e.ctx, raw); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("after %v of activity: err = %v, want ErrNoSession", identity.SessionAbsolute, err)
		}
	})
}

func TestEndAllSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		other := e.register(t, identity.RegisterInput{Email: "ani@example.id"})
		var raws []string
		for i := 0; i < 3; i++ {
			raw, err := e.ids.StartSession(e.ctx, u.ID, true, testIP, fmt.Sprintf("device %d", i))
			if err != nil {
				t.Fatal(err)
			}
			raws = append(raws, raw)
		}
		otherRaw, err := e.ids.StartSession(e.ctx, other.ID, false, testIP, "ua")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, _, err := e.ids.IssueToken(e.ctx, "budi@example.id", goodPassword, "", testIP)
		if err != nil {
			t.Fatalf("IssueToken for a resident: %v", err)
		}
		otherTok, _, _, err := e.ids.IssueToken(e.ctx, "ani@example.id", goodPassword, "", testIP)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.ids.UserByToken(e.ctx, tok); err != nil || got.ID != u.ID {
			t.Fatalf("UserByToken before: %q, %v", got.ID, err)
		}

		n, err := e.ids.EndAllSessions(e.ctx, actorOf(u), e.tenant.ID, u.ID)
		if err != nil || n != 3 {
			t.Fatalf("EndAllSessions = %d, %v; want 3", n, err)
		}
		for _, raw := range raws {
			if _, _, err := e.ids.Session(e.ctx, raw); !errors.Is(err, identity.ErrNoSession) {
				t.Errorf("session survived EndAllSessions: err = %v", err)
			}
		}
		if _, err := e.ids.UserByToken(e.ctx, tok); !errors.Is(err, identity.ErrNoSession) {
			t.Errorf("API token survived EndAllSessions: err = %v", err)
		}
		if _, _, err := e.ids.Session(e.ctx, otherRaw); err != nil {
			t.Errorf("another user's session ended: %v", err)
		}
		if _, err := e.ids.UserByToken(e.ctx, otherTok); err != nil {
			t.Errorf("another user's token was revoked: %v", err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND tenant_id = ?", "auth.session.end_all", e.tenant.ID); n != 1 {
			t.Errorf("auth.session.end_all entries = %d, want 1", n)
		}
		verifyChain(t, d)
	})
}

func TestChangePassword(t *testing.T) {
	const newPassword = "sate lilit bali"
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		keep, _ := e.ids.StartSession(e.ctx, u.ID, false, testIP, "this device")
		other1, _ := e.ids.StartSession(e.ctx, u.ID, false, testIP, "phone")
		other2, _ := e.ids.StartSession(e.ctx, u.ID, false, testIP, "tablet")
		tok, _, _, err := e.ids.IssueToken(e.ctx, "budi@example.id", goodPassword, "", testIP)
		if err != nil {
			t.Fatal(err)
		}

		refused := []struct {
			name, current, next, want string
		}{
			{"wrong current", "not my password", newPassword, "current_password:error.password.current"},
			{"common new", goodPassword, "password123", "new_password:error.password.common"},
			{"short new", goodPassword, "abc", "new_password:error.password.short"},
		}
		for _, tc := range refused {
			err := e.ids.ChangePassword(e.ctx, actorOf(u), u.ID, tc.current, tc.next, keep)
			if err == nil {
				t.Fatalf("%s: ChangePassword succeeded", tc.name)
			}
			wantProblem(t, err, tc.want)
			if _, _, err := e.ids.Session(e.ctx, other1); err != nil {
				t.Fatalf("%s: a refused change ended a session: %v", tc.name, err)
			}
		}

		if err := e.ids.ChangePassword(e.ctx, actorOf(u), u.ID, goodPassword, newPassword, keep); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		if _, _, err := e.ids.Session(e.ctx, keep); err != nil {
			t.Errorf("current session ended: %v", err)
		}
		for _, raw := range []string{other1, other2} {
			if _, _, err := e.ids.Session(e.ctx, raw); !errors.Is(err, identity.ErrNoSession) {
				t.Errorf("other session survived a password change: err = %v", err)
			}
		}
		if _, err := e.ids.UserByToken(e.ctx, tok); !errors.Is(err, identity.ErrNoSession) {
			t.Errorf("API token survived a password change: err = %v", err)
		}
		if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, testIP); !errors.Is(err, identity.ErrBadLogin) {
			t.Errorf("old password: err = %v, want ErrBadLogin", err)
		}
		if got, err := e.ids.Authenticate(e.ctx, "budi@example.id", newPassword, testIP); err != nil || got.ID != u.ID {
			t.Errorf("new password: %q, %v", got.ID, err)
		}
		if n := e.auditCount(t, "user.password"); n != 1 {
			t.Errorf("user.password entries = %d, want 1", n)
		}
		verifyChain(t, d)
	})
}

func TestNeedsTOTPEnrolment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff, err := e.ids.CreateStaff(e.ctx, audit.CLI, e.tenant.ID, identity.StaffInput{
			Name: "Pak Lurah", Email: "Lurah@Banyuwangi.example", Password: goodPassword, Lang: "id", Roles: []identity.Role{identity.Officer},
		})
		if err != nil {
			t.Fatal(err)
		}
		if staff.Email != "lurah@banyuwangi.example" {
			t.Errorf("staff email = %q", staff.Email)
		}
		resident := e.register(t, identity.RegisterInput{Email: "warga@example.id"})

		tests := []struct {
			name        string
			demo        bool
			exempt      bool
			coordinator bool
			roles       []identity.Role
			want        bool
		}{
			{"officer", false, false, false, []identity.Role{identity.Officer}, true},
			{"officer on a demo", true, false, false, []identity.Role{identity.Officer}, true},
			{"exempt officer on a demo", true, true, false, []identity.Role{identity.Officer}, false},
			{"exempt officer in production", false, true, false, []identity.Role{identity.Officer}, true},
			{"exempt coordinator in production", false, true, true, nil, true},
			{"exempt coordinator on a demo", true, true, true, nil, false},
			{"coordinator", true, false, true, nil, true},
			{"resident", false, false, false, []identity.Role{identity.Resident}, false},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				svc := e.service(identity.Config{Demo: tc.demo})
				u, err := svc.EnsureUser(e.ctx, audit.System, identity.EnsureInput{
					Email: fmt.Sprintf("user%d@example.id", i), Name: "User", Password: goodPassword, Lang: "id",
					Coordinator: tc.coordinator, MFAExempt: tc.exempt, TenantID: e.tenant.ID, Roles: tc.roles,
				})
				if err != nil {
					t.Fatal(err)
				}
				ms, err := svc.Memberships(e.ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got := svc.NeedsTOTPEnrolment(u, ms); got != tc.want {
					t.Errorf("NeedsTOTPEnrolment = %v, want %v (user %+v, memberships %v)", got, tc.want, u, ms)
				}
			})
		}
		for _, c := range []struct {
			u    identity.User
			want bool
		}{{staff, true}, {resident, false}} {
			ms, err := e.ids.Memberships(e.ctx, c.u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.ids.NeedsTOTPEnrolment(c.u, ms); got != c.want {
				t.Errorf("NeedsTOTPEnrolment(%s) = %v, want %v", c.u.Email, got, c.want)
			}
		}
		verifyChain(t, d)
	})
}

func TestTOTPAndTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const email = "admin@banyuwangi.example"
		u, err := e.ids.CreateStaff(e.ctx, audit.CLI, e.tenant.ID, identity.StaffInput{
			Name: "Admin", Email: email, Password: goodPassword, Lang: "id", Roles: []identity.Role{identity.Admin},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := e.ids.IssueToken(e.ctx, email, goodPassword, "", testIP); !errors.Is(err, identity.ErrEnrolFirst) {
			t.Fatalf("token before enrolment: err = %v, want ErrEnrolFirst", err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM api_tokens"); n != 0 {
			t.Fatalf("%d tokens issued to staff without a second factor", n)
		}

		secret, uri, err := e.ids.BeginTOTP(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, secret) {
			t.Errorf("enrolment URI %q", uri)
		}
		var sealed string
		if err := d.QueryRowContext(e.ctx, "SELECT totp_secret_sealed FROM users WHERE id = ?", u.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if sealed == "" || strings.Contains(sealed, secret) {
			t.Errorf("stored TOTP secret %q: want it sealed", sealed)
		}
		if u, err = e.ids.ByID(e.ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if again, _, ok := e.ids.PendingTOTP(u); !ok || again != secret {
			t.Errorf("PendingTOTP = %q, %v; want the secret being enrolled", again, ok)
		}
		code, err := totp.GenerateCode(secret, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ids.ConfirmTOTP(e.ctx, actorOf(u), u, wrongCode(code)); !errors.Is(err, identity.ErrBadOTP) {
			t.Errorf("ConfirmTOTP with a wrong code: err = %v, want ErrBadOTP", err)
		}
		if err := e.ids.ConfirmTOTP(e.ctx, actorOf(u), u, code); err != nil {
			t.Fatalf("ConfirmTOTP: %v", err)
		}
		if u, err = e.ids.ByID(e.ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		ms, _ := e.ids.Memberships(e.ctx, u.ID)
		if !u.TOTPEnabled || e.ids.NeedsTOTPEnrolment(u, ms) {
			t.Errorf("after enrolment: enabled %v, needs enrolment %v", u.TOTPEnabled, e.ids.NeedsTOTPEnrolment(u, ms))
		}
		if _, _, ok := e.ids.PendingTOTP(u); ok {
			t.Error("an enabled secret is still pending")
		}

		e.clk.Advance(5 * time.Minute)
		if _, _, _, err := e.ids.IssueToken(e.ctx, email, goodPassword, "", testIP); !errors.Is(err, identity.ErrOTPRequired) {
			t.Fatalf("token without a code: err = %v, want ErrOTPRequired", err)
		}
		code, _ = totp.GenerateCode(secret, e.clk.Now())
		if _, _, _, err := e.ids.IssueToken(e.ctx, email, goodPassword, wrongCode(code), testIP); !errors.Is(err, identity.ErrBadOTP) {
			t.Fatalf("token with a wrong code: err = %v, want ErrBadOTP", err)
		}
		if _, _, _, err := e.ids.IssueToken(e.ctx, email, "wrong password", code, testIP); !errors.Is(err, identity.ErrBadLogin) {
			t.Fatalf("token with a wrong password: err = %v, want ErrBadLogin", err)
		}
		tok, exp, got, err := e.ids.IssueToken(e.ctx, email, goodPassword, code, testIP)
		if err != nil {
			t.Fatalf("IssueToken with a code: %v", err)
		}
		if tok == "" || got.ID != u.ID || !exp.Equal(e.clk.Now().Add(identity.TokenLifetime)) {
			t.Errorf("IssueToken = %q, %v, %q", tok, exp, got.ID)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", tok); n != 0 {
			t.Error("the raw API token is stored")
		}
		if n := e.auditCount(t, "auth.token"); n != 1 {
			t.Errorf("auth.token entries = %d, want 1", n)
		}

		if byTok, err := e.ids.UserByToken(e.ctx, tok); err != nil || byTok.ID != u.ID {
			t.Fatalf("UserByToken: %q, %v", byTok.ID, err)
		}
		if _, err := e.ids.UserByToken(e.ctx, tok+"x"); !errors.Is(err, identity.ErrNoSession) {
			t.Errorf("UserByToken of a changed token: err = %v", err)
		}
		e.clk.Advance(identity.TokenLifetime - time.Second)
		if _, err := e.ids.UserByToken(e.ctx, tok); err != nil {
			t.Fatalf("token just before its lifetime ends: %v", err)
		}
		e.clk.Advance(time.Second)
		if _, err := e.ids.UserByToken(e.ctx, tok); !errors.Is(err, identity.ErrNoSession) {
			t.Fatalf("token after its lifetime: err = %v, want ErrNoSession", err)
		}
		verifyChain(t, d)
	})
}

// wrongCode changes every digit of a six-digit code.
func wrongCode(code string) string {
	b := []byte(code)
	for i := range b {
		b[i] = '0' + (b[i]-'0'+5)%10
	}
	return string(b)
}

func rolesOf(t *testing.T, e *env, userID ids.User) []identity.Role {
	t.Helper()
	rs, err := e.ids.Roles(e.ctx, e.tenant.ID, userID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rs)
	return rs
}

func TestSetRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := func(email string, roles ...identity.Role) identity.User {
			u, err := e.ids.CreateStaff(e.ctx, audit.CLI, e.tenant.ID, identity.StaffInput{
				Name: email, Email: email, Password: goodPassword, Lang: "id", Roles: roles,
			})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		admin := staff("admin@banyuwangi.example", identity.Admin)
		officer := staff("officer@banyuwangi.example", identity.Officer)
		resident := e.register(t, identity.RegisterInput{Email: "warga@example.id"})
		// The officer also lives there.
		if _, err := e.ids.EnsureUser(e.ctx, audit.CLI, identity.EnsureInput{Email: officer.Email, TenantID: e.tenant.ID,
			Roles: []identity.Role{identity.Resident}}); err != nil {
			t.Fatal(err)
		}
		as := actorOf(admin)

		tests := []struct {
			name   string
			user   identity.User
			roles  []identity.Role
			want   string // problem, "notfound", or "" for success
			result []identity.Role
		}{
			{"admin cannot drop own admin role", admin, []identity.Role{identity.Officer}, "roles:error.roles.self_admin",
				[]identity.Role{identity.Admin}},
			{"admin cannot remove self from staff", admin, nil, "roles:error.roles.self_admin", []identity.Role{identity.Admin}},
			{"admin may add to own roles", admin, []identity.Role{identity.Officer, identity.Admin}, "",
				[]identity.Role{identity.Admin, identity.Officer}},
			{"roles replaced", officer, []identity.Role{identity.Instructor, identity.Admin}, "",
				[]identity.Role{identity.Admin, identity.Instructor, identity.Resident}},
			{"unknown role", officer, []identity.Role{"mayor"}, "roles:error.roles",
				[]identity.Role{identity.Admin, identity.Instructor, identity.Resident}},
			{"resident role cannot be granted", officer, []identity.Role{identity.Resident}, "roles:error.roles",
				[]identity.Role{identity.Admin, identity.Instructor, identity.Resident}},
			{"duplicates collapse", officer, []identity.Role{identity.Officer, identity.Officer}, "",
				[]identity.Role{identity.Officer, identity.Resident}},
			{"removed from staff, stays resident", officer, nil, "", []identity.Role{identity.Resident}},
			{"not staff", resident, []identity.Role{identity.Officer}, "notfound", []identity.Role{identity.Resident}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := e.ids.SetRoles(e.ctx, as, e.tenant.ID, tc.user.ID, tc.roles)
				switch tc.want {
				case "":
					if err != nil {
						t.Fatalf("SetRoles: %v", err)
					}
				case "notfound":
					if !errors.Is(err, identity.ErrNotFound) {
						t.Fatalf("SetRoles err = %v, want ErrNotFound", err)
					}
				default:
					wantProblem(t, err, tc.want)
				}
				if got := rolesOf(t, e, tc.user.ID); !slices.Equal(got, tc.result) {
					t.Errorf("roles = %v, want %v", got, tc.result)
				}
			})
		}
		list, err := e.ids.Staff(e.ctx, e.tenant.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].User.ID != admin.ID {
			t.Errorf("Staff = %+v, want only the admin", list)
		}
		if n := e.auditCount(t, "staff.roles"); n != 4 {
			t.Errorf("staff.roles entries = %d, want 4", n)
		}
		verifyChain(t, d)
	})
}

// EnsureUser is what demo seeding runs at every start: a second run with the
// same input must change nothing and fail nothing.
func TestEnsureUserIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := identity.EnsureInput{Email: "Officer@Banyuwangi.example", Name: "Officer", Password: goodPassword, Lang: "id",
			MFAExempt: true, TenantID: e.tenant.ID, Roles: []identity.Role{identity.Officer, identity.Instructor}}
		first, err := e.ids.EnsureUser(e.ctx, audit.System, in)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			again, err := e.ids.EnsureUser(e.ctx, audit.System, in)
			if err != nil {
				t.Fatalf("EnsureUser run %d: %v", i+2, err)
			}
			if again.ID != first.ID {
				t.Fatalf("EnsureUser made a second account %q (first %q)", again.ID, first.ID)
			}
		}
		if got, want := rolesOf(t, e, first.ID), []identity.Role{identity.Instructor, identity.Officer}; !slices.Equal(got, want) {
			t.Errorf("roles = %v, want %v", got, want)
		}
		if n := e.auditCount(t, "user.create"); n != 1 {
			t.Errorf("user.create entries = %d, want 1", n)
		}
		// The same role listed twice is one role.
		dup, err := e.ids.CreateStaff(e.ctx, audit.CLI, e.tenant.ID, identity.StaffInput{Name: "Dup", Email: "dup@example.id",
			Password: goodPassword, Lang: "id", Roles: []identity.Role{identity.Officer, identity.Officer}})
		if err != nil {
			t.Fatalf("CreateStaff with a repeated role: %v", err)
		}
		if got := rolesOf(t, e, dup.ID); !slices.Equal(got, []identity.Role{identity.Officer}) {
			t.Errorf("roles = %v, want [officer]", got)
		}
		verifyChain(t, d)
	})
}
