package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Session lifetimes. Idle is generous because older residents read slowly;
// pages warn before it runs out rather than failing silently.
const (
	SessionIdle     = 2 * time.Hour
	SessionAbsolute = 24 * time.Hour
	touchEvery      = time.Minute
	TokenLifetime   = 12 * time.Hour
)

// Session is one signed-in browser.
type Session struct {
	IDHash     string
	UserID     ids.User
	CreatedAt  time.Time
	LastSeenAt time.Time
	MFAOK      bool
	IP         string
	UserAgent  string
}

// ExpiresAt is when the session ends if the user does nothing.
func (s Session) ExpiresAt() time.Time {
	idle := s.LastSeenAt.Add(SessionIdle)
	if abs := s.CreatedAt.Add(SessionAbsolute); abs.Before(idle) {
		return abs
	}
	return idle
}

// ErrNoSession means the cookie names no live session.
var ErrNoSession = errors.New("no session")

// newToken returns 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS has no entropy: nothing safe to do
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps, so a leaked table opens no session.
func hashToken(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

// StartSession creates a session and returns the raw ID for the cookie.
func (s *Service) StartSession(ctx context.Context, userID ids.User, mfaOK bool, ip, ua string) (_ string, err error) {
	defer wrapf(&err, "start a session of user %s", userID)
	raw := newToken()
	now := s.clock.Now()
	// The header may hold any bytes, and PostgreSQL refuses invalid UTF-8.
	ua = strings.ToValidUTF8(ua, "")
	if len(ua) > 200 {
		ua = strings.ToValidUTF8(ua[:200], "") // drop a character cut in half
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, mfa_ok, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hashToken(raw), userID, now, now, mfaOK, ip, ua)
	return raw, err
}

// Session loads a live session and its user, ending it if it has expired
// and refreshing its idle timer now and then.
func (s *Service) Session(ctx context.Context, raw string) (_ Session, _ User, err error) {
	defer wrapf(&err, "read a session")
	if raw == "" || len(raw) > 100 {
		return Session{}, User{}, ErrNoSession
	}
	var ss Session
	err = s.db.QueryRowContext(ctx, `SELECT id_hash, user_id, created_at, last_seen_at, mfa_ok, ip, user_agent
		FROM sessions WHERE id_hash = ?`, hashToken(raw)).Scan(&ss.IDHash, &ss.UserID, &ss.CreatedAt, &ss.LastSeenAt, &ss.MFAOK, &ss.IP, &ss.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, ErrNoSession
	}
	if err != nil {
		return Session{}, User{}, err
	}
	now := s.clock.Now()
	if !now.Before(ss.ExpiresAt()) {
		_, _ = s.db.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", ss.IDHash)
		return Session{}, User{}, ErrNoSession
	}
	u, err := s.ByID(ctx, ss.UserID)
	if err != nil || u.Disabled {
		return Session{}, User{}, ErrNoSession
	}
	if now.Sub(ss.LastSeenAt) > touchEvery {
		ss.LastSeenAt = now
		_, _ = s.db.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", now, ss.IDHash)
	}
	return ss, u, nil
}

// MarkMFA records that the session passed its second factor.
func (s *Service) MarkMFA(ctx context.Context, raw string) (err error) {
	defer wrapf(&err, "mark the session two-step verified")
	_, err = s.db.ExecContext(ctx, "UPDATE sessions SET mfa_ok = ? WHERE id_hash = ?", true, hashToken(raw))
	return err
}

// EndSession signs one browser out.
func (s *Service) EndSession(ctx context.Context, actor audit.Actor, raw string) (err error) {
	defer wrapf(&err, "end a session")
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashToken(raw)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "auth.signout", "user:"+string(actor.ID), audit.Say("audit.detail.signout")))
	})
}

// EndSessionByHash ends one of the user's own sessions from the list.
func (s *Service) EndSessionByHash(ctx context.Context, actor audit.Actor, userID ids.User, idHash string) (err error) {
	defer wrapf(&err, "end a session of user %s", userID)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ? AND user_id = ?", idHash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoSession
		}
		return audit.Append(ctx, tx, actor.Entry("", "auth.session.end", "user:"+string(userID), audit.Say("audit.detail.session.end")))
	})
}

// EndAllSessions signs a user out everywhere and revokes API tokens: used by
// "sign out everywhere" and by an admin locking a staff member out.
func (s *Service) EndAllSessions(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, userID ids.User) (_ int64, err error) {
	defer wrapf(&err, "end all sessions of user %s", userID)
	var n int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE user_id = ?", userID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "auth.session.end_all", "user:"+string(userID), audit.Say("audit.detail.session.end_all")))
	})
	return n, err
}

// Sessions lists a user's live sessions, newest first.
func (s *Service) Sessions(ctx context.Context, userID ids.User) (_ []Session, err error) {
	defer wrapf(&err, "list the sessions of user %s", userID)
	rows, err := s.db.QueryContext(ctx, `SELECT id_hash, user_id, created_at, last_seen_at, mfa_ok, ip, user_agent
		FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.clock.Now()
	var out []Session
	for rows.Next() {
		var ss Session
		if err := rows.Scan(&ss.IDHash, &ss.UserID, &ss.CreatedAt, &ss.LastSeenAt, &ss.MFAOK, &ss.IP, &ss.UserAgent); err != nil {
			return nil, err
		}
		if now.Before(ss.ExpiresAt()) {
			out = append(out, ss)
		}
	}
	return out, rows.Err()
}

// SessionHash exposes the stored form of a raw session ID, so pages can mark
// "this device" in the list.
func SessionHash(raw string) string { return hashToken(raw) }
