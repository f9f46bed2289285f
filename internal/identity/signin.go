package identity

import (
	"context"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
)

// Throttle limits: an account locks after accountLimit failures within the
// window, an address after addressLimit (one address may be a shared hall).
const (
	throttleWindow = 15 * time.Minute
	accountLimit   = 5
	addressLimit   = 30
)

// dummyHash is checked when no account matches, so a wrong email costs as
// much time as a wrong password and does not reveal who is registered.
var dummyHash, _ = HashPassword("serambi dummy password for timing")

// Authenticate checks a login and password, with throttling, and records the
// outcome in the audit trail.
func (s *Service) Authenticate(ctx context.Context, login, password, ip string) (User, error) {
	acctKey := "acct:" + throttleLogin(login)
	ipKey := "ip:" + ip
	if s.failures(ctx, acctKey) >= accountLimit || s.failures(ctx, ipKey) >= addressLimit {
		s.record(ctx, audit.Entry{ActorLabel: login, IP: ip, Action: "auth.signin.throttled", Object: "login:" + login})
		return User{}, ErrThrottled
	}
	u, err := s.ByLogin(ctx, login)
	if err != nil {
		_, _ = CheckPassword(dummyHash, password)
		s.fail(ctx, login, ip, acctKey, ipKey, "", "")
		return User{}, ErrBadLogin
	}
	if ok, _ := CheckPassword(u.passwordHash, password); !ok || u.Disabled {
		s.fail(ctx, login, ip, acctKey, ipKey, u.ID, "")
		return User{}, ErrBadLogin
	}
	_, _ = s.db.ExecContext(ctx, "DELETE FROM signin_failures WHERE key = ?", acctKey)
	s.record(ctx, audit.Entry{ActorID: u.ID, ActorLabel: u.Label(), IP: ip, Action: "auth.signin", Object: "user:" + u.ID, Summary: "password ok"})
	return u, nil
}

// throttleLogin is the login in the form ByLogin looks it up, so spelling
// the same email or phone number differently does not buy more guesses.
func throttleLogin(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	if !strings.Contains(login, "@") {
		if p, ok := NormalizePhone(login); ok {
			return p
		}
	}
	return login
}

func (s *Service) failures(ctx context.Context, key string) int {
	var n int
	_ = s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM signin_failures WHERE key = ? AND at > ?",
		key, s.clock.Now().Add(-throttleWindow)).Scan(&n)
	return n
}

func (s *Service) fail(ctx context.Context, login, ip, acctKey, ipKey, userID, _ string) {
	now := s.clock.Now()
	_ = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, k := range []string{acctKey, ipKey} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO signin_failures (id, key, at) VALUES (?, ?, ?)", db.NewID(), k, now); err != nil {
				return err
			}
		}
		// Old failures are dead weight: drop them as we go.
		if _, err := tx.ExecContext(ctx, "DELETE FROM signin_failures WHERE at < ?", now.Add(-24*time.Hour)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: userID, ActorLabel: login, IP: ip, Action: "auth.signin.fail", Object: "login:" + login, Summary: "wrong login or password"})
	})
}

func (s *Service) record(ctx context.Context, e audit.Entry) {
	_ = audit.Record(ctx, s.db, e)
}

// VerifyTOTP checks a second-factor code for an enrolled user, counting
// failures like password failures.
func (s *Service) VerifyTOTP(ctx context.Context, u User, code, ip string) error {
	key := "otp:" + u.ID
	if s.failures(ctx, key) >= accountLimit {
		return ErrThrottled
	}
	secret, err := s.cipher.Open(u.totpSealed, "user.totp:"+u.ID)
	if err != nil || !CheckTOTP(secret, code, s.clock.Now()) {
		s.fail(ctx, u.Label(), ip, key, "ip:"+ip, u.ID, "")
		return ErrBadOTP
	}
	_, _ = s.db.ExecContext(ctx, "DELETE FROM signin_failures WHERE key = ?", key)
	s.record(ctx, audit.Entry{ActorID: u.ID, ActorLabel: u.Label(), IP: ip, Action: "auth.otp", Object: "user:" + u.ID, Summary: "second factor ok"})
	return nil
}

// BeginTOTP creates a new secret for the user (not yet active) and returns
// it with its otpauth URI for the QR code.
func (s *Service) BeginTOTP(ctx context.Context, u User) (secret, uri string, err error) {
	secret, uri, err = NewTOTPSecret("Serambi", u.Label())
	if err != nil {
		return "", "", err
	}
	sealed, err := s.cipher.Seal(secret, "user.totp:"+u.ID)
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
	secret, err := s.cipher.Open(u.totpSealed, "user.totp:"+u.ID)
	if err != nil {
		return "", "", false
	}
	return secret, pendingTOTPURI(secret, u.Label()), true
}

// ConfirmTOTP activates the pending secret once the user proves their app
// produces its codes.
func (s *Service) ConfirmTOTP(ctx context.Context, actor audit.Actor, u User, code string) error {
	secret, _, ok := s.PendingTOTP(u)
	if !ok || !CheckTOTP(secret, code, s.clock.Now()) {
		return ErrBadOTP
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET totp_enabled = ?, updated_at = ? WHERE id = ?", true, s.clock.Now(), u.ID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "user.totp.enable", "user:"+u.ID, "second factor enrolled"))
	})
}

// Throttled tells whether key has had limit or more failures in the last
// 15 minutes; pages that check guessable secrets (public tracking) use it.
func (s *Service) Throttled(ctx context.Context, key string, limit int) bool {
	return s.failures(ctx, key) >= limit
}

// RecordFailure counts one failed guess against key.
func (s *Service) RecordFailure(ctx context.Context, key string) {
	_, _ = s.db.ExecContext(ctx, "INSERT INTO signin_failures (id, key, at) VALUES (?, ?, ?)", db.NewID(), key, s.clock.Now())
}
