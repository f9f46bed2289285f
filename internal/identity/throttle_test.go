package identity_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/identity"
)

// The same account's email and phone share one budget of guesses.
func TestThrottleCountsTheAccountWhateverLoginNamesIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.register(t, identity.RegisterInput{Email: "budi@example.id", Phone: "081298765432"})
		for i, login := range []string{"budi@example.id", "081298765432", "budi@example.id", "0812 9876 5432", "BUDI@example.id"} {
			if _, err := e.ids.Authenticate(e.ctx, login, "wrong "+fmt.Sprint(i), testIP); !errors.Is(err, identity.ErrBadLogin) {
				t.Fatalf("wrong try %d: %v", i, err)
			}
		}
		for _, login := range []string{"budi@example.id", "081298765432"} {
			if _, err := e.ids.Authenticate(e.ctx, login, goodPassword, testIP); !errors.Is(err, identity.ErrThrottled) {
				t.Errorf("as %s after five wrong tries by email and phone: %v, want ErrThrottled", login, err)
			}
		}
	})
}

// Five requests from one address no longer lock the owner out: the lock
// holds that address only, and under a spread-out attack the owner gets in
// after a short wait.
func TestThrottleDoesNotLockTheOwnerOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		for i := 0; i < 5; i++ {
			if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", "wrong", "198.51.100.66"); !errors.Is(err, identity.ErrBadLogin) {
				t.Fatalf("wrong try %d: %v", i, err)
			}
		}
		if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, "198.51.100.66"); !errors.Is(err, identity.ErrThrottled) {
			t.Fatalf("the guessing address with the right password: %v, want ErrThrottled", err)
		}
		if got, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, testIP); err != nil || got.ID != u.ID {
			t.Fatalf("the owner from their own address: %q, %v", got.ID, err)
		}

		// Ten more addresses guess: the account is under attack.
		for i := 0; i < 10; i++ {
			if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", "wrong", fmt.Sprintf("192.0.2.%d", i)); !errors.Is(err, identity.ErrBadLogin) && !errors.Is(err, identity.ErrThrottled) {
				t.Fatalf("attacker %d: %v", i, err)
			}
		}
		if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", "wrong", "192.0.2.200"); !errors.Is(err, identity.ErrThrottled) {
			t.Fatalf("an eleventh address guessing at once: %v, want ErrThrottled", err)
		}
		e.clk.Advance(31 * time.Second)
		if got, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, "203.0.113.99"); err != nil || got.ID != u.ID {
			t.Fatalf("the owner from a new address, half a minute later: %q, %v", got.ID, err)
		}
	})
}

// A flood of refused attempts writes a handful of audit entries that say
// how many there were, not one entry each.
func TestThrottledAttemptsAreAuditedInSummary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.register(t, identity.RegisterInput{Email: "budi@example.id"})
		for i := 0; i < 5; i++ {
			_, _ = e.ids.Authenticate(e.ctx, "budi@example.id", "wrong", testIP)
		}
		for i := 0; i < 100; i++ {
			if _, err := e.ids.Authenticate(e.ctx, "budi@example.id", "wrong", testIP); !errors.Is(err, identity.ErrThrottled) {
				t.Fatalf("refusal %d: %v", i, err)
			}
		}
		if n := e.auditCount(t, "auth.signin.throttled"); n != 3 {
			t.Errorf("%d audit entries for 100 refusals, want 3 (the 1st, 10th and 100th)", n)
		}
		// The trail's own reader: on PostgreSQL it links new entries first,
		// so the newest is first.
		last, err := audit.List(e.ctx, d, audit.Filter{All: true, Action: "auth.signin.throttled", Limit: 1})
		if err != nil || len(last) != 1 {
			t.Fatalf("newest throttled entry: %v, %v", last, err)
		}
		summary := last[0].Summary
		if !strings.HasPrefix(summary, `{"say":"audit.detail.throttle","args":["100","15",`) {
			t.Errorf("last summary %q does not give the count", summary)
		}
		verifyChain(t, d)
	})
}

// A throttle that cannot be read refuses instead of letting guesses through.
func TestThrottleFailsClosed(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	e := newEnv(t, d)
	e.register(t, identity.RegisterInput{Email: "budi@example.id"})
	if _, err := d.ExecContext(e.ctx, "DROP TABLE signin_failures"); err != nil {
		t.Fatal(err)
	}
	_, err := e.ids.Authenticate(e.ctx, "budi@example.id", goodPassword, testIP)
	if err == nil || errors.Is(err, identity.ErrBadLogin) || !strings.Contains(err.Error(), "throttle") {
		t.Fatalf("sign-in with an unreadable throttle: %v; want a wrapped throttle error", err)
	}
}

// A second-factor code signs in once; the same code again (or a racing
// second use) is refused.
func TestTOTPCodeIsAcceptedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u, err := e.ids.CreateStaff(e.ctx, audit.CLI, e.tenant.ID, identity.StaffInput{
			Name: "Admin", Email: "admin@banyuwangi.example", Password: goodPassword, Lang: "id", Roles: []identity.Role{identity.Admin},
		})
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := e.ids.BeginTOTP(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(secret, e.clk.Now())
		if u, err = e.ids.ByID(e.ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.ids.ConfirmTOTP(e.ctx, actorOf(u), u, code); err != nil {
			t.Fatal(err)
		}
		if u, err = e.ids.ByID(e.ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.ids.VerifyTOTP(e.ctx, u, code, testIP); !errors.Is(err, identity.ErrBadOTP) {
			t.Fatalf("the enrolment code used to sign in: %v, want ErrBadOTP", err)
		}
		e.clk.Advance(time.Minute)
		code, _ = totp.GenerateCode(secret, e.clk.Now())
		fullWidth := strings.Map(func(r rune) rune { return r - '0' + '０' }, code)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.ids.VerifyTOTP(e.ctx, u, fullWidth, testIP)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, identity.ErrBadOTP):
				t.Errorf("racing use: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("one code used four times at once: %d accepted, want 1", ok)
		}
		e.clk.Advance(20 * time.Second)
		if err := e.ids.VerifyTOTP(e.ctx, u, code, testIP); !errors.Is(err, identity.ErrBadOTP) {
			t.Fatalf("the same code 20 s later: %v, want ErrBadOTP", err)
		}
		e.clk.Advance(20 * time.Second)
		next, _ := totp.GenerateCode(secret, e.clk.Now())
		if next != code {
			if err := e.ids.VerifyTOTP(e.ctx, u, next, testIP); err != nil {
				t.Fatalf("the next code: %v", err)
			}
		}
	})
}
