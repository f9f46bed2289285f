package classes

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Practice: a lesson offers exercises the learner does on their own phone
// (a tap, a swipe, typing, the practice mailbox). Each practiser — a
// learner with an account, or a guest who came in with the session's
// practice code — has one result per lesson and exercise: how many tries,
// how many misses (what the staff figures call struggling), and when it
// was first done.

// Exercise is a kind of practice.
type Exercise string

// The exercises, in teaching order.
const (
	Tap       Exercise = "tap"
	DoubleTap Exercise = "double_tap"
	LongPress Exercise = "long_press"
	Swipe     Exercise = "swipe"
	Scroll    Exercise = "scroll"
	Pinch     Exercise = "pinch"
	Typing    Exercise = "typing"
	FillForm  Exercise = "form"
	// ScanQR: read a QR code with the phone's camera (the room's screen
	// shows one; any other will do).
	ScanQR Exercise = "qr"
	// AnswerCall: answer a practice video call from the instructor.
	AnswerCall Exercise = "call"
	Mailbox    Exercise = "mailbox"
)

// Exercises lists every kind in teaching order.
var Exercises = []Exercise{Tap, DoubleTap, LongPress, Swipe, Scroll, Pinch, Typing, FillForm, ScanQR, AnswerCall, Mailbox}

// Valid tells whether e is one of Exercises.
func (e Exercise) Valid() bool { return slices.Contains(Exercises, e) }

// Practiser is who practises: a learner's account, or a guest.
type Practiser struct {
	LearnerID ids.User
	GuestID   string
}

// Known tells whether p is someone.
func (p Practiser) Known() bool { return (p.LearnerID == "") != (p.GuestID == "") }

// Guest is someone practising with a session's code, without an account.
type Guest struct {
	ID        string // the hash of the token their browser keeps
	TenantID  ids.Tenant
	SessionID ids.ClassSession
	Name      string
	ExpiresAt time.Time
}

// How long a practice code opens a session's practice for, and how long
// the guest's browser keeps it.
const (
	practiceOpens = time.Hour          // before the session starts
	practiceStays = 7 * 24 * time.Hour // after it ends: practice at home
	guestLasts    = 30 * 24 * time.Hour
	maxGuestName  = 60
)

// Refusals of practice.
var (
	ErrPracticeCode = errors.New("classes: no session open for practice has this code")
	ErrNotPractiser = errors.New("classes: the practiser is not known")
	ErrNoExercise   = errors.New("classes: the lesson has no such exercise")
)

// PracticeCode is the session's practice code: six digits, the same for
// the whole session, written on the board for learners without an
// account.
func (s *Store) PracticeCode(sessionID ids.ClassSession) string {
	m := hmac.New(sha256.New, s.checkInKey)
	m.Write([]byte("practice\x00"))
	m.Write([]byte(sessionID))
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(m.Sum(nil)[:4])%1_000_000)
}

// StartGuest lets someone without an account practise: code must be the
// practice code of a session of tenantID open for practice now (from an
// hour before it starts to a week after it ends). It returns the token
// the guest's browser keeps; only its hash is stored.
func (s *Store) StartGuest(ctx context.Context, by audit.Actor, tenantID ids.Tenant, code, name string) (token string, _ Guest, err error) {
	defer wrapf(&err, "let a guest practise in %s", tenantID)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxGuestName {
		return "", Guest{}, validation.Errors{{Field: "name", Code: "error.field.too_long", Args: []any{fmt.Sprint(maxGuestName)}}}
	}
	code = strings.TrimSpace(validation.Narrow(code))
	now := s.clock.Now()
	open, err := s.Sessions(ctx, tenantID, now.Add(-practiceStays-24*time.Hour), now.Add(practiceOpens))
	if err != nil {
		return "", Guest{}, err
	}
	var session ids.ClassSession
	for _, x := range open {
		if !x.Cancelled && now.Before(x.EndsAt.Add(practiceStays)) && now.After(x.StartsAt.Add(-practiceOpens)) &&
			hmac.Equal([]byte(code), []byte(s.PracticeCode(x.ID))) {
			session = x.ID
		}
	}
	if session == "" {
		return "", Guest{}, ErrPracticeCode
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Guest{}, err
	}
	token = hex.EncodeToString(raw[:])
	g := Guest{ID: guestID(token), TenantID: tenantID, SessionID: session, Name: name, ExpiresAt: now.Add(guestLasts).UTC()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO practice_guests (id, tenant_id, session_id, name, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, g.ID, tenantID, session, name, now.UTC(), g.ExpiresAt); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "practice.guest", "class_session:"+string(session),
			audit.Say("audit.detail.practice.guest")))
	})
	if err != nil {
		return "", Guest{}, err
	}
	return token, g, nil
}

func guestID(token string) string {
	sum := sha256.Sum256([]byte("serambi practice guest\x00" + token))
	return hex.EncodeToString(sum[:])
}

// GuestByToken finds the guest whose browser holds token, in tenantID,
// while it lasts.
func (s *Store) GuestByToken(ctx context.Context, tenantID ids.Tenant, token string) (_ Guest, err error) {
	defer wrapf(&err, "find a practice guest in %s", tenantID)
	if token == "" || len(token) > 100 {
		return Guest{}, ErrNotPractiser
	}
	g := Guest{}
	err = s.db.QueryRowContext(ctx, `SELECT id, tenant_id, session_id, name, expires_at FROM practice_guests
		WHERE id = ? AND tenant_id = ?`, guestID(token), tenantID).Scan(&g.ID, &g.TenantID, &g.SessionID, &g.Name, &g.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !s.clock.Now().Before(g.ExpiresAt)) {
		return Guest{}, ErrNotPractiser
	}
	return g, err
}

// Result is what one try of an exercise came to.
type Result struct {
	Done   bool // the exercise was completed
	Misses int  // touches that missed, wrong answers
}

// Progress is a practiser's record of one exercise of one lesson.
type Progress struct {
	LessonID string
	Exercise Exercise
	Tries    int
	Misses   int
	DoneAt   *time.Time
}

// lessonOffers checks that lessonID is a lesson of a course of tenantID
// that offers exercise.
func lessonOffers(ctx context.Context, q db.Querier, tenantID ids.Tenant, lessonID string, e Exercise) error {
	var list string
	err := q.QueryRowContext(ctx, `SELECT l.exercises FROM lessons l JOIN courses c ON c.id = l.course_id
		WHERE l.id = ? AND c.tenant_id = ?`, lessonID, tenantID).Scan(&list)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if !slices.Contains(parseExercises(list), e) {
		return ErrNoExercise
	}
	return nil
}

// Record adds one try of exercise in lessonID to p's progress: a try,
// its misses, and the time of the first success. The lesson must offer
// the exercise; nothing is recorded for anyone but p.
func (s *Store) Record(ctx context.Context, tenantID ids.Tenant, lessonID string, e Exercise, p Practiser, r Result) (err error) {
	defer wrapf(&err, "record %s in lesson %s", e, lessonID)
	if !p.Known() {
		return ErrNotPractiser
	}
	if r.Misses < 0 || r.Misses > 1000 {
		return validation.Errors{{Field: "misses", Code: "error.field.number"}}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lessonOffers(ctx, tx, tenantID, lessonID, e); err != nil {
			return err
		}
		return record(ctx, tx, s.clock.Now().UTC(), tenantID, lessonID, e, p, r)
	})
}

func record(ctx context.Context, tx *db.Tx, now time.Time, tenantID ids.Tenant, lessonID string, e Exercise, p Practiser, r Result) error {
	var done *time.Time
	if r.Done {
		done = &now
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO practice_results (id, tenant_id, lesson_id, exercise, learner_id, guest_id,
		tries, misses, done_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
		ON CONFLICT (lesson_id, exercise, learner_id, guest_id) DO UPDATE SET tries = practice_results.tries + 1,
		misses = practice_results.misses + excluded.misses, done_at = COALESCE(practice_results.done_at, excluded.done_at),
		updated_at = excluded.updated_at`,
		db.NewID(), tenantID, lessonID, string(e), p.LearnerID, p.GuestID, r.Misses, done, now, now)
	return err
}

// ProgressOf lists p's results in tenantID, keyed by lesson then exercise.
func (s *Store) ProgressOf(ctx context.Context, tenantID ids.Tenant, p Practiser) (_ map[string]map[Exercise]Progress, err error) {
	defer wrapf(&err, "read the practice of %s%s", p.LearnerID, p.GuestID)
	out := map[string]map[Exercise]Progress{}
	if !p.Known() {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT lesson_id, exercise, tries, misses, done_at FROM practice_results
		WHERE tenant_id = ? AND learner_id = ? AND guest_id = ?`, tenantID, p.LearnerID, p.GuestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pr Progress
		if err := rows.Scan(&pr.LessonID, &pr.Exercise, &pr.Tries, &pr.Misses, &pr.DoneAt); err != nil {
			return nil, err
		}
		if out[pr.LessonID] == nil {
			out[pr.LessonID] = map[Exercise]Progress{}
		}
		out[pr.LessonID][pr.Exercise] = pr
	}
	return out, rows.Err()
}

// parseExercises reads a lesson's exercises column, leaving out kinds
// this version does not know.
func parseExercises(list string) []Exercise {
	var out []Exercise
	for _, f := range strings.Split(list, ",") {
		if e := Exercise(strings.TrimSpace(f)); e.Valid() && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

func joinExercises(es []Exercise) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = string(e)
	}
	return strings.Join(s, ",")
}

// LessonOf finds lessonID among the courses of tenantID: its course (with
// every lesson) and the lesson itself.
func (s *Store) LessonOf(ctx context.Context, tenantID ids.Tenant, lessonID string) (_ Course, _ Lesson, err error) {
	defer wrapf(&err, "find lesson %s", lessonID)
	var courseID ids.Course
	err = s.db.QueryRowContext(ctx, `SELECT l.course_id FROM lessons l JOIN courses c ON c.id = l.course_id
		WHERE l.id = ? AND c.tenant_id = ?`, lessonID, tenantID).Scan(&courseID)
	if errors.Is(err, sql.ErrNoRows) {
		return Course{}, Lesson{}, ErrNotFound
	}
	if err != nil {
		return Course{}, Lesson{}, err
	}
	c, err := s.Course(ctx, tenantID, courseID)
	if err != nil {
		return Course{}, Lesson{}, err
	}
	for _, l := range c.Lessons {
		if l.ID == lessonID {
			return c, l, nil
		}
	}
	return Course{}, Lesson{}, ErrNotFound
}

// SessionPractice is how far a session's people got with its course's
// exercises: each seated or waiting learner's count of exercises done,
// and each guest who came in with the session's code.
type SessionPractice struct {
	Exercises int              // how many the course offers
	Learners  map[ids.User]int // exercises done, by learner
	Guests    []GuestProgress
}

// GuestProgress is one guest of a session and the exercises they did.
type GuestProgress struct {
	Name string
	Done int
}

// PracticeOfSession reads the practice of session x (of course c).
func (s *Store) PracticeOfSession(ctx context.Context, tenantID ids.Tenant, x Session, c Course) (_ SessionPractice, err error) {
	defer wrapf(&err, "read the practice of session %s", x.ID)
	out := SessionPractice{Learners: map[ids.User]int{}}
	for _, l := range c.Lessons {
		out.Exercises += len(l.Exercises)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.learner_id, COUNT(*) FROM practice_results r JOIN lessons l ON l.id = r.lesson_id
		WHERE r.tenant_id = ? AND l.course_id = ? AND r.done_at IS NOT NULL AND r.learner_id IN
		(SELECT learner_id FROM enrolments WHERE session_id = ? AND state <> ?) GROUP BY r.learner_id`, tenantID, c.ID, x.ID, Cancelled)
	if err != nil {
		return SessionPractice{}, err
	}
	for rows.Next() {
		var id ids.User
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return SessionPractice{}, err
		}
		out.Learners[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return SessionPractice{}, err
	}
	grows, err := s.db.QueryContext(ctx, `SELECT g.name, (SELECT COUNT(*) FROM practice_results r WHERE r.guest_id = g.id AND r.done_at IS NOT NULL)
		FROM practice_guests g WHERE g.tenant_id = ? AND g.session_id = ? ORDER BY g.created_at, g.id`, tenantID, x.ID)
	if err != nil {
		return SessionPractice{}, err
	}
	defer grows.Close()
	for grows.Next() {
		var g GuestProgress
		if err := grows.Scan(&g.Name, &g.Done); err != nil {
			return SessionPractice{}, err
		}
		out.Guests = append(out.Guests, g)
	}
	return out, grows.Err()
}

// RemoveExpiredGuests deletes the guests whose token has expired, with
// all they left (practice, mailbox, help requests): a guest gave a first
// name at most, and nothing of it is kept once they cannot come back to
// it. It returns how many guests went.
func (s *Store) RemoveExpiredGuests(ctx context.Context) (n int, err error) {
	defer wrapf(&err, "remove expired practice guests")
	now := s.clock.Now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		const expired = `SELECT id FROM practice_guests WHERE expires_at <= ?`
		for _, table := range []string{"practice_results", "practice_mail", "class_help"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE guest_id IN ("+expired+")", now); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM practice_guests WHERE expires_at <= ?`, now)
		if err != nil {
			return err
		}
		gone, err := res.RowsAffected()
		n = int(gone)
		return err
	})
	return n, err
}

// ResetMailbox empties p's practice mailbox of lessonID so the messages
// arrive again, unread and unjudged; the exercise's record of tries stays.
func (s *Store) ResetMailbox(ctx context.Context, tenantID ids.Tenant, lessonID string, p Practiser) (err error) {
	defer wrapf(&err, "reset the practice mailbox of lesson %s", lessonID)
	if !p.Known() {
		return ErrNotPractiser
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM practice_mail WHERE tenant_id = ? AND lesson_id = ? AND learner_id = ? AND guest_id = ?`,
			tenantID, lessonID, p.LearnerID, p.GuestID)
		return err
	})
}
