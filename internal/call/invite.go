package call

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
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

// InviteTTL is how long an unused helper link stays valid: long enough to
// send it by chat to a daughter at work, short enough to go stale.
const InviteTTL = 2 * time.Hour

// MaxInvites bounds the links one call hands out (a call holds one helper;
// a few spare links cover a lost message or a second try).
const MaxInvites = 10

// A helper joins through a one-time link. Opening the link's page does not
// spend it (chat apps fetch links to draw previews); pressing "join" does,
// and turns it into a pass: a second secret kept only in the helper's
// browser, which lets them back in after a dropped network until the call
// ends. A forwarded link that was already used opens nothing.

func secret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Invite makes a one-time link token for a helper to join the open call.
func (s *Store) Invite(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, callID ids.Call) (_ string, err error) {
	defer wrapf(&err, "invite call %s", callID)
	token := secret()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND id = ?`,
			tenantID, callID))
		if err != nil {
			return err
		}
		if c.Status != Open {
			return ErrEnded
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM call_invites WHERE call_id = ?`, callID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxInvites {
			return ErrTooMany
		}
		now := s.now()
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO call_invites (id, call_id, token_hash, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, id, callID, hashOf(token), actor.ID, now, now.Add(InviteTTL)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "call.invite", string("call:"+callID), "invite:"+id))
	})
	return token, err
}

// Invitation is what a link's page shows before the helper joins.
func (s *Store) Invitation(ctx context.Context, tenantID ids.Tenant, token string) (_ Call, err error) {
	defer wrapf(&err, "read an invitation (tenant %s)", tenantID)
	var callID string
	var expires time.Time
	var used sql.NullTime
	err = s.db.QueryRowContext(ctx, `SELECT i.call_id, i.expires_at, i.used_at FROM call_invites i
		JOIN calls c ON c.id = i.call_id WHERE i.token_hash = ? AND c.tenant_id = ?`, hashOf(token), tenantID).
		Scan(&callID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || used.Valid || (err == nil && !s.now().Before(expires)) {
		return Call{}, ErrInvite
	}
	if err != nil {
		return Call{}, err
	}
	c, err := s.Get(ctx, tenantID, ids.Call(callID))
	if err == nil && c.Status != Open {
		return Call{}, ErrEnded
	}
	return c, err
}

// Redeem spends the link and returns the call and the helper's pass.
// A used, expired or unknown link is ErrInvite; the link of an ended call
// is ErrEnded.
func (s *Store) Redeem(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, token string) (_ Call, _ string, err error) {
	defer wrapf(&err, "redeem an invitation (tenant %s)", tenantID)
	var c Call
	var pass string
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var id, callID string
		var expires time.Time
		var used sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT i.id, i.call_id, i.expires_at, i.used_at FROM call_invites i
			JOIN calls c ON c.id = i.call_id WHERE i.token_hash = ? AND c.tenant_id = ?`, hashOf(token), tenantID).
			Scan(&id, &callID, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (used.Valid || !s.now().Before(expires))) {
			return ErrInvite
		}
		if err != nil {
			return err
		}
		if c, err = scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE id = ?`, callID)); err != nil {
			return err
		}
		if c.Status != Open {
			return ErrEnded
		}
		secretPart := secret()
		// The used_at condition makes two presses of one link race safely:
		// only one update matches.
		res, err := tx.ExecContext(ctx, `UPDATE call_invites SET used_at = ?, pass_hash = ? WHERE id = ? AND used_at IS NULL`,
			s.now(), hashOf(secretPart), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrInvite
		}
		pass = id + "." + secretPart
		return audit.Append(ctx, tx, actor.Entry(tenantID, "call.invite_use", "call:"+callID, "invite:"+id))
	})
	if err != nil {
		return Call{}, "", err
	}
	return c, pass, nil
}

// CheckPass tells whether pass lets a helper into the call.
func (s *Store) CheckPass(ctx context.Context, callID ids.Call, pass string) bool {
	id, sec, ok := strings.Cut(pass, ".")
	if !ok || !db.ValidID(id) {
		return false
	}
	var stored string
	err := s.db.QueryRowContext(ctx, `SELECT pass_hash FROM call_invites WHERE id = ? AND call_id = ? AND used_at IS NOT NULL`,
		id, callID).Scan(&stored)
	return err == nil && stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(hashOf(sec))) == 1
}
