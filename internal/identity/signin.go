package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Throttle limits. Guesses are counted per account (whatever login names
// it: its email and its phone share one budget), per address, and per
// account and address together. One address guessing one account locks only
// itself (pairLimit). When guesses from many addresses pass accountLimit the
// account is under attack: from then on a password is checked at most once
// per slowLane for the whole account, so a distributed guesser gets a few
// tries an hour while the owner, from any address, still gets in after a
// short wait (and still needs their second factor if they have one),
// instead of anyone being able to lock any account with five requests.
const (
	throttleWindow = 15 * time.Minute
	pairLimit      = 5
	accountLimit   = 10
	addressLimit   = 30 // one address may be a shared community hall
	slowLane       = 30 * time.Second
)

// dummyHash is checked when no account matches, so a wrong email costs as
// much time as a wrong password and does not reveal who is registered.
var dummyHash, _ = HashPassword("serambi dummy password for timing")

// signinKeys are the throttle's counters for one attempt.
type signinKeys struct {
	account, pair, address string
}

func keysFor(login, ip string, u User, known bool) signinKeys {
	acct := "acct:" + throttleLogin(login)
	if known {
		acct = "user:" + string(u.ID)
	}
	return signinKeys{account: acct, pair: acct + "|ip:" + ip, address: "ip:" + ip}
}

// Authenticate checks a login and password, with throttling, and records the
// outcome in the audit trail. A throttle that cannot be read refuses (the
// error is returned, wrapped), never lets the guess through.
func (s *Service) Authenticate(ctx context.Context, login, password, ip string) (_ User, err error) {
	defer wrapf(&err, "sign in")
	u, err := s.ByLogin(ctx, login)
	known := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, fmt.Errorf("identity: sign in: look up login: %w", err)
	}
	keys := keysFor(login, ip, u, known)
	if err := s.checkThrottle(ctx, login, ip, keys); err != nil {
		return User{}, err
	}
	if !known {
		_, _ = CheckPassword(dummyHash, password) // only for its time; the answer is no anyway
		return User{}, s.fail(ctx, login, ip, keys, "")
	}
	if ok, _ := CheckPassword(u.passwordHash, password); !ok || u.Disabled {
		return User{}, s.fail(ctx, login, ip, keys, u.ID)
	}
	if _, err := s.db.ExecContext(ctx, "DELETE FROM signin_failures WHERE key = ?", keys.pair); err != nil {
		return User{}, fmt.Errorf("identity: sign in: clear failures: %w", err)
	}
	if err := s.record(ctx, audit.Entry{ActorID: u.ID, ActorLabel: u.Label(), IP: ip, Action: "auth.signin", Object: "user:" + string(u.ID), Summary: audit.Say("audit.detail.signin")}); err != nil {
		return User{}, err
	}
	return u, nil
}

// checkThrottle returns ErrThrottled when this attempt may not be checked.
func (s *Service) checkThrottle(ctx context.Context, login, ip string, k signinKeys) error {
	now := s.clock.Now()
	for _, c := range []struct {
		key   string
		limit int
	}{{k.address, addressLimit}, {k.pair, pairLimit}} {
		n, _, err := s.failureCount(ctx, c.key)
		if err != nil {
			return err
		}
		if n >= c.limit {
			return s.refuse(ctx, login, ip, c.key)
		}
	}
	n, last, err := s.failureCount(ctx, k.account)
	if err != nil {
		return err
	}
	if n >= accountLimit && now.Sub(last) < slowLane {
		return s.refuse(ctx, login, ip, k.account)
	}
	return nil
}

// throttleLogin is the login in the form ByLogin looks it up, so spelling
// the same email or phone number differently does not buy more guesses.
func throttleLogin(login string) string {
	login = strings.ToLower(strings.TrimSpace(validation.Narrow(login)))
	if !strings.Contains(login, "@") {
		if p, ok := NormalizePhone(login); ok {
			return p
		}
	}
	return login
}

// failureCount counts key's failures in the window and gives the latest
// (zero when there is none).
func (s *Service) failureCount(ctx context.Context, key string) (int, time.Time, error) {
	var n int
	since := s.clock.Now().Add(-throttleWindow)
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM signin_failures WHERE key = ? AND at > ?", key, since).Scan(&n); err != nil {
		return 0, time.Time{}, fmt.Errorf("identity: read sign-in throttle %s: %w", key, err)
	}
	var last time.Time
	if n > 0 {
		err := s.db.QueryRowContext(ctx, "SELECT at FROM signin_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1", key, since).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			// A successful sign-in cleared the failures between the two
			// reads: none count now.
			return 0, time.Time{}, nil
		}
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("identity: read sign-in throttle %s: %w", key, err)
		}
	}
	return n, last, nil
}

// fail counts a wrong guess against every key and audits it; it returns
// ErrBadLogin, or the error that kept the guess from being counted (an
// uncounted guess would be a free one).
func (s *Service) fail(ctx context.Context, login, ip string, k signinKeys, userID ids.User) error {
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, key := range []string{k.account, k.pair, k.address} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO signin_failures (id, key, at) VALUES (?, ?, ?)", db.NewID(), key, now); err != nil {
				return err
			}
		}
		// Old failures are dead weight: drop them as we go.
		if _, err := tx.ExecContext(ctx, "DELETE FROM signin_failures WHERE at < ?", now.Add(-24*time.Hour)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: userID, ActorLabel: login, IP: ip, Action: "auth.signin.fail", Object: "login:" + login, Summary: audit.Say("audit.detail.signin.fail")})
	})
	if err != nil {
		return fmt.Errorf("identity: count failed sign-in: %w", err)
	}
	return ErrBadLogin
}

// refuse counts a refused attempt and audits it in summary: an entry for the
// 1st, 10th, 100th... refusal of key within the window, each saying how many
// so far, so a flood of refused guesses costs a handful of audit entries
// (each a write to the hash chain) instead of one per guess. It returns
// ErrThrottled, or the error that kept it from counting.
func (s *Service) refuse(ctx context.Context, login, ip, key string) error {
	counter := "refused:" + key
	if _, err := s.db.ExecContext(ctx, "INSERT INTO signin_failures (id, key, at) VALUES (?, ?, ?)", db.NewID(), counter, s.clock.Now()); err != nil {
		return fmt.Errorf("identity: count refused sign-in: %w", err)
	}
	n, _, err := s.failureCount(ctx, counter)
	if err != nil {
		return err
	}
	if isPowerOfTen(n) {
		e := audit.Entry{ActorLabel: login, IP: ip, Action: "auth.signin.throttled", Object: "login:" + login,
			Summary: audit.Say("audit.detail.throttle", strconv.Itoa(n), strconv.Itoa(int(throttleWindow/time.Minute)), key)}
		if err := s.record(ctx, e); err != nil {
			return err
		}
	}
	return ErrThrottled
}

func isPowerOfTen(n int) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if err := audit.Record(ctx, s.db, e); err != nil {
		return fmt.Errorf("identity: audit %s: %w", e.Action, err)
	}
	return nil
}

// VerifyTOTP checks a second-factor code for an enrolled user, counting
// failures like password failures. A code is accepted once: the step it
// belongs to is stored, and that step and earlier ones are refused after
// (the update is conditional, so of two sign-ins racing with one code only
// one wins).
func (s *Service) VerifyTOTP(ctx context.Context, u User, code, ip string) (err error) {
	defer wrapf(&err, "verify a two-step code")
	k := signinKeys{account: "otp:" + string(u.ID), pair: "otp:" + string(u.ID) + "|ip:" + ip, address: "ip:" + ip}
	n, _, err := s.failureCount(ctx, k.account)
	if err != nil {
		return err
	}
	if n >= pairLimit {
		return ErrThrottled
	}
	secret, err := s.cipher.Open(u.totpSealed, "user.totp:"+string(u.ID))
	if err != nil {
		return fmt.Errorf("identity: open second-factor secret: %w", err)
	}
	step, ok := TOTPStep(secret, code, s.clock.Now())
	if ok {
		ok, err = s.claimStep(ctx, u.ID, step)
		if err != nil {
			return err
		}
	}
	if !ok {
		if err := s.fail(ctx, u.Label(), ip, k, u.ID); !errors.Is(err, ErrBadLogin) {
			return err
		}
		return ErrBadOTP
	}
	if _, err := s.db.ExecContext(ctx, "DELETE FROM signin_failures WHERE key = ?", k.account); err != nil {
		return fmt.Errorf("identity: clear second-factor failures: %w", err)
	}
	return s.record(ctx, audit.Entry{ActorID: u.ID, ActorLabel: u.Label(), IP: ip, Action: "auth.otp", Object: "user:" + string(u.ID), Summary: audit.Say("audit.detail.otp")})
}

// claimStep stores step as the account's last used one, if it is newer.
func (s *Service) claimStep(ctx context.Context, userID ids.User, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userID, step)
	if err != nil {
		return false, fmt.Errorf("identity: remember second-factor step: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("identity: remember second-factor step: %w", err)
	}
	return n == 1, nil
}

// BeginTOTP creates a new secret for the user (not yet active) and returns
// it with its otpauth URI for the QR code.
func (s *Service) BeginTOTP(ctx context.Context, u User) (secret, uri string, err error) {
	secret, uri, err = NewTOTPSecret("Serambi", u.Label())
	if err != nil {
		return "", "", err
	}
	sealed, err := s.cipher.Seal(secret, "user.totp:"+string(u.ID))
	if err != nil {
		return "", "", err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE users SET totp_secret_sealed = ?, totp_enabled = ? WHERE id = ?", sealed, false, u.ID)
	return secret, uri, err
}

// PendingTOTP returns the secret being enrolled, to show it again.
func (s *Service) PendingTOTP(u User) (secret, uri string, ok bool) {
	if u.totpSealed == "" || u.TOTPEnabled {
		return "", "", false
	}
	secret, err := s.cipher.Open(u.totpSealed, "user.totp:"+string(u.ID))
	if err != nil {
		return "", "", false
	}
	return secret, pendingTOTPURI(secret, u.Label()), true
}

// ConfirmTOTP activates the pending secret once the user proves their app
// produces its codes.
func (s *Service) ConfirmTOTP(ctx context.Context, actor audit.Actor, u User, code string) (err error) {
	defer wrapf(&err, "confirm two-step sign-in")
	secret, _, ok := s.PendingTOTP(u)
	if !ok {
		return ErrBadOTP
	}
	step, ok := TOTPStep(secret, code, s.clock.Now())
	if !ok {
		return ErrBadOTP
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// The enrolment code's step counts as used: it cannot sign in next.
		if _, err := tx.ExecContext(ctx, "UPDATE users SET totp_enabled = ?, totp_last_step = ?, updated_at = ? WHERE id = ?", true, step, s.clock.Now(), u.ID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "user.totp.enable", "user:"+string(u.ID), audit.Say("audit.detail.totp.enable")))
	})
}

// Throttled tells whether key has had limit or more failures in the last
// 15 minutes; pages that check guessable secrets (public tracking) use it.
// When the count cannot be read it returns the error: callers refuse.
func (s *Service) Throttled(ctx context.Context, key string, limit int) (_ bool, err error) {
	defer wrapf(&err, "read the sign-in throttle")
	n, _, err := s.failureCount(ctx, key)
	return n >= limit, err
}

// RecordFailure counts one event against key: a failed guess, or an
// account created from an address.
func (s *Service) RecordFailure(ctx context.Context, key string) (err error) {
	defer wrapf(&err, "record a failed attempt")
	if _, err := s.db.ExecContext(ctx, "INSERT INTO signin_failures (id, key, at) VALUES (?, ?, ?)", db.NewID(), key, s.clock.Now()); err != nil {
		return fmt.Errorf("identity: count failed guess %s: %w", key, err)
	}
	return nil
}
