package classes

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Attendance: the instructor's screen shows a check-in code (as a QR
// code) that changes every CodeEvery, so a photo of it sent home stops
// working within a minute; a seated learner scans it with their own
// phone, or the instructor ticks them on the roster.

// CodeEvery is how long one check-in code is shown.
const CodeEvery = 30 * time.Second

// checkInOpens is how early before the start learners may check in.
const checkInOpens = 30 * time.Minute

// Refusals of a check-in.
var (
	ErrCodeWrong       = errors.New("classes: the check-in code is wrong or too old")
	ErrCheckInClosed   = errors.New("classes: check-in is not open for this session now")
	ErrNotSeated       = errors.New("classes: the learner has no seat in this session")
	errNoCheckInSecret = errors.New("classes: no check-in key")
)

// CheckInCode is the code shown for the session at time at: six digits
// from an HMAC of the session and the 30-second window, so it cannot be
// guessed for another session or another moment.
func (s *Store) CheckInCode(sessionID ids.ClassSession, at time.Time) string {
	return codeFor(s.checkInKey, sessionID, at.Unix()/int64(CodeEvery/time.Second))
}

func codeFor(key []byte, sessionID ids.ClassSession, window int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(sessionID))
	var w [8]byte
	binary.BigEndian.PutUint64(w[:], uint64(window))
	m.Write(w[:])
	sum := m.Sum(nil)
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum[:4])%1_000_000)
}

// codeValid accepts the code of the current window and of the one before
// (a learner who scanned just as it changed).
func (s *Store) codeValid(sessionID ids.ClassSession, code string, now time.Time) bool {
	code = strings.TrimSpace(validation.Narrow(code))
	w := now.Unix() / int64(CodeEvery/time.Second)
	for _, at := range []int64{w, w - 1} {
		if hmac.Equal([]byte(code), []byte(codeFor(s.checkInKey, sessionID, at))) {
			return true
		}
	}
	return false
}

// CheckIn records that learnerID came, on the code they scanned or typed.
// Refuses a wrong or old code (ErrCodeWrong), a time outside the session
// (ErrCheckInClosed: from half an hour before the start to the end) and a
// learner without a seat (ErrNotSeated). Checking in twice is no error.
func (s *Store) CheckIn(ctx context.Context, by audit.Actor, tenantID ids.Tenant, sessionID ids.ClassSession,
	learnerID ids.User, code string) (_ Enrolment, err error) {
	defer wrapf(&err, "check %s in to session %s", learnerID, sessionID)
	if len(s.checkInKey) == 0 {
		return Enrolment{}, errNoCheckInSecret
	}
	now := s.clock.Now()
	x, err := s.Session(ctx, tenantID, sessionID)
	if err != nil {
		return Enrolment{}, err
	}
	if x.Cancelled || now.Before(x.StartsAt.Add(-checkInOpens)) || !now.Before(x.EndsAt) {
		return Enrolment{}, ErrCheckInClosed
	}
	if !s.codeValid(sessionID, code, now) {
		return Enrolment{}, ErrCodeWrong
	}
	es, err := enrolments(ctx, s.db, `WHERE tenant_id = ? AND session_id = ? AND learner_id = ? AND state = ?`,
		tenantID, sessionID, learnerID, Enrolled)
	if err != nil {
		return Enrolment{}, err
	}
	if len(es) == 0 {
		return Enrolment{}, ErrNotSeated
	}
	e := es[0]
	if e.AttendedAt != nil {
		return e, nil
	}
	return s.setAttended(ctx, by, e, true, "qr")
}

// MarkAttended is the instructor's tick (or untick) on the roster, for a
// seated learner.
func (s *Store) MarkAttended(ctx context.Context, by audit.Actor, tenantID ids.Tenant, id ids.Enrolment, came bool) (_ Enrolment, err error) {
	defer wrapf(&err, "mark enrolment %s attended=%v", id, came)
	e, err := readEnrolment(ctx, s.db, tenantID, id)
	if err != nil {
		return Enrolment{}, err
	}
	if e.State != Enrolled {
		return Enrolment{}, ErrNotSeated
	}
	return s.setAttended(ctx, by, e, came, "roster")
}

func (s *Store) setAttended(ctx context.Context, by audit.Actor, e Enrolment, came bool, how string) (Enrolment, error) {
	var at *time.Time
	if came {
		now := s.clock.Now().UTC()
		at = &now
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var v any
		if at != nil {
			v = *at
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET attended_at = ?, updated_at = ? WHERE id = ?`,
			v, s.clock.Now().UTC(), e.ID); err != nil {
			return err
		}
		action := "class.attended"
		if !came {
			action = "class.absent"
		}
		return audit.Append(ctx, tx, by.Entry(e.TenantID, action, "enrolment:"+string(e.ID),
			audit.Say("audit.detail.class.attended", string(e.SessionID), how)))
	})
	if err != nil {
		return Enrolment{}, err
	}
	e.AttendedAt = at
	return e, nil
}
