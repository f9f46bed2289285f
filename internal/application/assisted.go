package application

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

// Assisted applications ("no-writing counter", 書かない窓口): an officer
// fills the application while talking with the resident, and the resident
// confirms it — with one tap in their own account, or by telling the
// officer the one-time code they received.

// ConfirmLifetime is how long a confirmation code works.
const ConfirmLifetime = 30 * time.Minute

// Errors of the confirmation step.
var (
	ErrNotAssisted = errors.New("application was not filled by an officer")
	ErrBadCode     = errors.New("wrong or expired confirmation code")
)

// CodeSender delivers a confirmation code to the resident inside the
// transaction that creates it (an email queued in the outbox).
type CodeSender func(ctx context.Context, tx *db.Tx, a Application, code string) error

// RequestConfirmation creates a fresh one-time code for an assisted draft
// and hands it to send; the officer never sees it, so only the resident
// can confirm.
func (s *Service) RequestConfirmation(ctx context.Context, c Caller, t tenant.Tenant, id ids.Application, send CodeSender) (_ string, _ Application, err error) {
	defer wrapf(&err, "ask to confirm application %s", id)
	code := newConfirmCode()
	var a Application
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = s.get(ctx, tx, t.ID, id); err != nil {
			return err
		}
		if a.FilledBy == "" || a.TrackingNumber != "" {
			return ErrNotAssisted
		}
		exp := s.clock.Now().Add(ConfirmLifetime)
		if _, err := tx.ExecContext(ctx, "UPDATE applications SET confirm_hash = ?, confirm_expires = ? WHERE id = ?",
			hashCode(a.ID, code), exp, a.ID); err != nil {
			return err
		}
		if send != nil {
			if err := send(ctx, tx, a, code); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, c.Actor.Entry(t.ID, "application.confirm_request", string("application:"+a.ID), audit.Say("audit.detail.confirm_request")))
	})
	return code, a, err
}

// Confirm submits an assisted draft on the resident's word: either the
// resident themself (byApplicant) or an officer with the code the resident
// received. The record keeps who filled it and who confirmed it.
func (s *Service) Confirm(ctx context.Context, c Caller, t tenant.Tenant, svc catalog.Service, id ids.Application, code string, byApplicant bool) (_ Application, err error) {
	defer wrapf(&err, "confirm application %s", id)
	cal, err := s.calendarFor(ctx, t)
	if err != nil {
		return Application{}, err
	}
	var a Application
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if a, err = s.get(ctx, tx, t.ID, id); err != nil {
			return err
		}
		if a.FilledBy == "" {
			return ErrNotAssisted
		}
		if !byApplicant && !s.codeMatches(ctx, tx, a, code) {
			return ErrBadCode
		}
		if _, errs := svc.Form.Check(a.Answers, -1, s.clock.Now(), s.regions, t.Location()); len(errs) > 0 {
			return errs
		}
		a.ConfirmedBy = a.ApplicantID
		if _, err := tx.ExecContext(ctx, "UPDATE applications SET confirm_hash = '', confirm_expires = NULL WHERE id = ?", a.ID); err != nil {
			return err
		}
		how := audit.Say("audit.detail.confirm.account")
		if !byApplicant {
			how = audit.Say("audit.detail.confirm.code", c.Actor.Label)
		}
		if err := audit.Append(ctx, tx, c.Actor.Entry(t.ID, "application.confirm", string("application:"+a.ID), how)); err != nil {
			return err
		}
		// The submission is the resident's act, whoever pressed the button.
		resident := Caller{Actor: c.Actor, Roles: []string{"resident"}}
		return s.transition(ctx, tx, resident, t, svc, cal, &a, "submit", "")
	})
	return a, err
}

func (s *Service) codeMatches(ctx context.Context, tx *db.Tx, a Application, code string) bool {
	var hash string
	var exp *time.Time
	if err := tx.QueryRowContext(ctx, "SELECT confirm_hash, confirm_expires FROM applications WHERE id = ?", a.ID).Scan(&hash, &exp); err != nil {
		return false
	}
	code = strings.TrimSpace(validation.Narrow(code))
	if hash == "" || exp == nil || !s.clock.Now().Before(*exp) || len(code) != 6 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hash), []byte(hashCode(a.ID, code))) == 1
}

// newConfirmCode is six digits: easy to read out on the phone.
func newConfirmCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// hashCode binds the code to its application, so a code is useless for
// any other one.
func hashCode(appID ids.Application, code string) string {
	h := sha256.Sum256([]byte(string(appID) + "\x00" + code))
	return hex.EncodeToString(h[:])
}
