// Package kiosk keeps the registered kiosk devices of community halls: a
// tablet or touch screen (often with a document camera) where residents
// who have no smartphone take a queue number and talk to an officer by
// video, as in Fukuoka City's remote counters. A tenant admin registers a
// kiosk and opens its setup link once on the device; the device then
// holds the kiosk's token. Revoking a kiosk refuses that token at once.
package kiosk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Kiosk is one registered device.
type Kiosk struct {
	TenantID   ids.Tenant
	ID         string
	Name       string // "Kiosk 1"
	Place      string // "Hakata community hall, 1st floor"
	CreatedBy  ids.User
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastSeenAt *time.Time
}

// Active tells whether the kiosk may still be used.
func (k Kiosk) Active() bool { return k.RevokedAt == nil }

// Errors.
var (
	ErrNotFound = errors.New("kiosk not found")
	ErrRevoked  = errors.New("kiosk was switched off")
	// ErrSetupUsed: the setup link was used already, or is more than a
	// day old; an admin makes a new kiosk entry to get a fresh one.
	ErrSetupUsed = errors.New("kiosk setup link already used or expired")
)

// SetupValid is how long a new kiosk's setup link works.
const SetupValid = 24 * time.Hour

// Limits of what admins type.
const (
	MaxName  = 80
	MaxPlace = 120
)

// seenEvery bounds how often a kiosk's "last seen" is written: a kiosk's
// every page would otherwise be a write.
const seenEvery = time.Minute

// Store keeps kiosks.
type Store struct {
	db    *db.DB
	clock clock.Clock
}

// NewStore returns a kiosk store.
func NewStore(d *db.DB, c clock.Clock) *Store { return &Store{db: d, clock: c} }

func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// NewToken returns a fresh device token: 256 random bits.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte("serambi kiosk\x00" + token))
	return hex.EncodeToString(h[:])
}

// Validate checks what an admin typed; it trims the fields.
func Validate(name, place *string) validation.Errors {
	var errs validation.Errors
	*name, *place = strings.TrimSpace(*name), strings.TrimSpace(*place)
	if *name == "" {
		errs.Add("name", "error.kiosk.name")
	} else if utf8.RuneCountInString(*name) > MaxName {
		errs.Add("name", "error.kiosk.name_long")
	}
	if utf8.RuneCountInString(*place) > MaxPlace {
		errs.Add("place", "error.kiosk.place_long")
	}
	return errs
}

// Register adds a kiosk whose setup link holds token (from NewToken; the
// demo passes a known one, reusable) and records who did it. The link
// works once, within SetupValid, unless reusable.
func (s *Store) Register(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, name, place, token string, reusable bool) (_ Kiosk, err error) {
	defer wrapf(&err, "register a kiosk of tenant %s", tenantID)
	if errs := Validate(&name, &place); len(errs) > 0 {
		return Kiosk{}, errs
	}
	if len(token) < 16 {
		return Kiosk{}, errors.New("kiosk: token too short")
	}
	k := Kiosk{ID: db.NewID(), TenantID: tenantID, Name: name, Place: place, CreatedBy: actor.ID, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var expires any = k.CreatedAt.Add(SetupValid)
		if reusable {
			expires = nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kiosks (id, tenant_id, name, place, token_hash, created_by, created_at, setup_expires_at, setup_reusable)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.ID, k.TenantID, k.Name, k.Place, hashToken(token), k.CreatedBy, k.CreatedAt, expires, reusable); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "kiosk.register", "kiosk:"+k.ID, k.Name))
	})
	if err != nil {
		return Kiosk{}, err
	}
	return k, nil
}

const columns = `id, tenant_id, name, place, created_by, created_at, revoked_at, last_seen_at`

func scan(r interface{ Scan(...any) error }) (Kiosk, error) {
	var k Kiosk
	var revoked, seen sql.NullTime
	err := r.Scan(&k.ID, &k.TenantID, &k.Name, &k.Place, &k.CreatedBy, &k.CreatedAt, &revoked, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Kiosk{}, ErrNotFound
	}
	if revoked.Valid {
		t := revoked.Time.UTC()
		k.RevokedAt = &t
	}
	if seen.Valid {
		t := seen.Time.UTC()
		k.LastSeenAt = &t
	}
	k.CreatedAt = k.CreatedAt.UTC()
	return k, err
}

// List returns the tenant's kiosks, newest first.
func (s *Store) List(ctx context.Context, tenantID ids.Tenant) (_ []Kiosk, err error) {
	defer wrapf(&err, "list the kiosks of tenant %s", tenantID)
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM kiosks WHERE tenant_id = ? ORDER BY created_at DESC`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Kiosk
	for rows.Next() {
		k, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// SetupKiosk tells which kiosk a setup link names, if it may still be
// used: ErrNotFound, ErrRevoked, or ErrSetupUsed.
func (s *Store) SetupKiosk(ctx context.Context, tenantID ids.Tenant, setupToken string) (_ Kiosk, err error) {
	defer wrapf(&err, "read a kiosk set-up link (tenant %s)", tenantID)
	if setupToken == "" {
		return Kiosk{}, ErrNotFound
	}
	var used, expires sql.NullTime
	var reusable bool
	var k Kiosk
	var revoked, seen sql.NullTime
	err = s.db.QueryRowContext(ctx, `SELECT `+columns+`, setup_used_at, setup_expires_at, setup_reusable FROM kiosks
		WHERE token_hash = ? AND tenant_id = ?`, hashToken(setupToken), tenantID).Scan(&k.ID, &k.TenantID, &k.Name, &k.Place,
		&k.CreatedBy, &k.CreatedAt, &revoked, &seen, &used, &expires, &reusable)
	if errors.Is(err, sql.ErrNoRows) {
		return Kiosk{}, ErrNotFound
	}
	if err != nil {
		return Kiosk{}, fmt.Errorf("kiosk: read setup link: %w", err)
	}
	switch {
	case revoked.Valid:
		return k, ErrRevoked
	case reusable:
		return k, nil
	case used.Valid || (expires.Valid && !s.now().Before(expires.Time)):
		return k, ErrSetupUsed
	}
	return k, nil
}

// Setup uses a setup link: the kiosk gets a new device token (returned,
// for the device's cookie), and the link is spent. Of two browsers racing
// with one link only one wins; a reusable (demo) link replaces the
// previous device.
func (s *Store) Setup(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, setupToken string) (_ string, _ Kiosk, err error) {
	defer wrapf(&err, "set up a kiosk of tenant %s", tenantID)
	k, err := s.SetupKiosk(ctx, tenantID, setupToken)
	if err != nil {
		return "", k, err
	}
	device := NewToken()
	now := s.now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kiosks SET device_hash = ?, setup_used_at = ?
			WHERE id = ? AND revoked_at IS NULL AND (setup_reusable OR (setup_used_at IS NULL AND (setup_expires_at IS NULL OR setup_expires_at > ?)))`,
			hashToken(device), now, k.ID, now)
		if err != nil {
			return fmt.Errorf("kiosk: set up %s: %w", k.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrSetupUsed
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "kiosk.setup", "kiosk:"+k.ID, k.Name))
	})
	if err != nil {
		return "", k, err
	}
	return device, k, nil
}

// ByToken returns the kiosk whose device holds token in the tenant:
// ErrNotFound for an unknown token or another tenant's, ErrRevoked for a
// switched-off one. It notes when the kiosk was last seen (at most once a
// minute).
func (s *Store) ByToken(ctx context.Context, tenantID ids.Tenant, token string) (_ Kiosk, err error) {
	defer wrapf(&err, "find a kiosk by its token (tenant %s)", tenantID)
	if token == "" {
		return Kiosk{}, ErrNotFound
	}
	k, err := scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM kiosks WHERE device_hash = ? AND tenant_id = ?`,
		hashToken(token), tenantID))
	if err != nil {
		return Kiosk{}, err
	}
	if !k.Active() {
		return k, ErrRevoked
	}
	now := s.now()
	if k.LastSeenAt == nil || now.Sub(*k.LastSeenAt) >= seenEvery {
		_, _ = s.db.ExecContext(ctx, `UPDATE kiosks SET last_seen_at = ? WHERE id = ?`, now, k.ID)
		k.LastSeenAt = &now
	}
	return k, nil
}

// HasToken tells whether a kiosk (active or not) holds token, so the demo
// registers its kiosk once.
func (s *Store) HasToken(ctx context.Context, tenantID ids.Tenant, token string) (_ bool, err error) {
	defer wrapf(&err, "check a kiosk token (tenant %s)", tenantID)
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kiosks WHERE token_hash = ? AND tenant_id = ?`,
		hashToken(token), tenantID).Scan(&n)
	return n > 0, err
}

// KeepDemoLinkReusable makes the setup link holding token reusable again:
// the demo's kiosk links, registered before links were spent on use, must
// keep working. Only the demo seeding calls it.
func (s *Store) KeepDemoLinkReusable(ctx context.Context, tenantID ids.Tenant, token string) (err error) {
	defer wrapf(&err, "keep the demo set-up link reusable (tenant %s)", tenantID)
	if _, err := s.db.ExecContext(ctx, `UPDATE kiosks SET setup_reusable = ?, setup_expires_at = NULL WHERE token_hash = ? AND tenant_id = ?`,
		true, hashToken(token), tenantID); err != nil {
		return fmt.Errorf("kiosk: keep the demo link reusable: %w", err)
	}
	return nil
}

// Revoke switches the kiosk off; its token is refused from now on.
func (s *Store) Revoke(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id string) (err error) {
	defer wrapf(&err, "revoke kiosk %s", id)
	if !db.ValidID(id) {
		return ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kiosks SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL`,
			s.now(), id, tenantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM kiosks WHERE id = ? AND tenant_id = ?`, id, tenantID).
				Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return ErrNotFound
			}
			return nil // already off
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "kiosk.revoke", "kiosk:"+id, ""))
	})
}
