package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
)

// ErrOTPRequired tells an API client to send its second-factor code.
var ErrOTPRequired = errors.New("one-time code required")

// ErrEnrolFirst tells a staff API client to enrol a second factor in the
// browser before it may have tokens.
var ErrEnrolFirst = errors.New("second factor must be enrolled first")

// IssueToken signs an API client in and returns a bearer token. Staff with a
// second factor must send its code; staff without one must enrol first.
func (s *Service) IssueToken(ctx context.Context, login, password, otp, ip string) (_ string, _ time.Time, _ User, err error) {
	defer wrapf(&err, "issue an API token")
	u, err := s.Authenticate(ctx, login, password, ip)
	if err != nil {
		return "", time.Time{}, User{}, err
	}
	ms, err := s.Memberships(ctx, u.ID)
	if err != nil {
		return "", time.Time{}, User{}, err
	}
	if s.NeedsTOTPEnrolment(u, ms) {
		return "", time.Time{}, User{}, ErrEnrolFirst
	}
	if u.TOTPEnabled {
		if otp == "" {
			return "", time.Time{}, User{}, ErrOTPRequired
		}
		if err := s.VerifyTOTP(ctx, u, otp, ip); err != nil {
			return "", time.Time{}, User{}, err
		}
	}
	raw := newToken()
	now := s.clock.Now()
	exp := now.Add(TokenLifetime)
	if _, err := s.db.ExecContext(ctx, "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		hashToken(raw), u.ID, now, exp); err != nil {
		return "", time.Time{}, User{}, err
	}
	if err := s.record(ctx, audit.Entry{ActorID: u.ID, ActorLabel: u.Label(), IP: ip, Action: "auth.token", Object: "user:" + string(u.ID), Summary: audit.Say("audit.detail.token.issue")}); err != nil {
		return "", time.Time{}, User{}, err
	}
	return raw, exp, u, nil
}

// RevokeToken ends the bearer token raw (signing out with it), audited.
func (s *Service) RevokeToken(ctx context.Context, actor audit.Actor, raw string) (err error) {
	defer wrapf(&err, "revoke an API token")
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE token_hash = ?", hashToken(raw)); err != nil {
			return fmt.Errorf("identity: revoke API token: %w", err)
		}
		return audit.Append(ctx, tx, actor.Entry("", "auth.token.revoke", "user:"+string(actor.ID), audit.Say("audit.detail.token.revoke")))
	})
}

// UserByToken resolves a bearer token.
func (s *Service) UserByToken(ctx context.Context, raw string) (_ User, err error) {
	defer wrapf(&err, "resolve an API token")
	if raw == "" || len(raw) > 100 {
		return User{}, ErrNoSession
	}
	// The token and its user in one read: every API request asks.
	var exp time.Time
	u, err := s.scanUser(withMore{s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, t.expires_at FROM users,
		(SELECT user_id, expires_at FROM api_tokens WHERE token_hash = ?) t WHERE users.id = t.user_id`,
		hashToken(raw)), []any{&exp}})
	if errors.Is(err, ErrNotFound) || (err == nil && (!s.clock.Now().Before(exp) || u.Disabled)) {
		return User{}, ErrNoSession
	}
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// withMore scans a row that has more columns after the ones its reader
// knows, into more.
type withMore struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (w withMore) Scan(dest ...any) error { return w.row.Scan(append(dest, w.more...)...) }
