// Package classes runs the smartphone classes (pillar 3): a tenant's
// courses at three levels with their ordered lessons in id/ja/en, the
// sessions a course runs as (a time in the tenant's zone, a hall or
// online, a number of seats), and the learners who enrol in them — a seat
// while there is one, else a place on the waitlist that moves up, in order
// of arrival, when a seat frees.
package classes

import (
	"errors"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Level is how far a course goes: 入門 / pemula, 基礎 / dasar, 応用 / lanjutan.
type Level string

// The three levels of the national digital-support programme.
const (
	Beginner Level = "beginner"
	Basic    Level = "basic"
	Advanced Level = "advanced"
)

// Levels lists the levels in teaching order.
var Levels = []Level{Beginner, Basic, Advanced}

// Valid tells whether l is one of Levels.
func (l Level) Valid() bool { return l == Beginner || l == Basic || l == Advanced }

// Text is one text in the three languages ("id", "ja", "en").
type Text map[string]string

// In returns the text in lang, else the first of English, Indonesian and
// Japanese that is there.
func (t Text) In(lang string) string {
	for _, l := range []string{lang, "en", "id", "ja"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Course is what a tenant teaches.
type Course struct {
	ID         ids.Course
	TenantID   ids.Tenant
	Code       string
	Level      Level
	Title      Text
	Summary    Text
	Published  bool
	Shared     bool       // offered to the other tenants of the network to copy
	CopiedFrom ids.Course // the course this one was copied from, if any
	Lessons    []Lesson
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Lesson is one step of a course; Body is Markdown.
type Lesson struct {
	ID       string
	Position int
	Title    Text
	Body     Text
	// Exercises the learner practises on their phone after reading it.
	Exercises []Exercise
}

// Session is one meeting of a course.
type Session struct {
	ID           ids.ClassSession
	TenantID     ids.Tenant
	CourseID     ids.Course
	StartsAt     time.Time // UTC
	EndsAt       time.Time
	Online       bool
	VenueName    string
	VenueAddress string
	MapURL       string
	Capacity     int
	Cancelled    bool
	// Enrolled and Waitlisted are counted when the session is read.
	Enrolled, Waitlisted int
	UpdatedAt            time.Time
}

// revisionEpoch starts the count of Revision.
var revisionEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Revision grows each time the session changes (minutes of its last
// change since 2020): calendars take the highest as the current version
// of the class (iCalendar's SEQUENCE).
func (x Session) Revision() int {
	return max(0, int(x.UpdatedAt.Sub(revisionEpoch)/time.Minute))
}

// Enrolment states.
const (
	Enrolled   = "enrolled"
	Waitlisted = "waitlisted"
	Cancelled  = "cancelled"
)

// Phone kinds a learner brings.
const (
	PhoneAndroid = "android"
	PhoneIPhone  = "iphone"
	PhoneNone    = "none"
)

// Enrolment is one learner's place in a session.
type Enrolment struct {
	ID         ids.Enrolment
	TenantID   ids.Tenant
	SessionID  ids.ClassSession
	LearnerID  ids.User
	EnrolledBy ids.User // the learner, a family member or an officer
	State      string
	Seat       int // 1..capacity while enrolled
	Position   int // order of arrival in the session; the waitlist's order
	Questions
	AttendedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Questions are what the instructor needs to know before the class.
type Questions struct {
	Phone  string // PhoneAndroid, PhoneIPhone or PhoneNone
	Borrow bool   // needs to borrow a phone for the class
	Needs  string // hearing, sight or other needs, in the learner's words
	// AgeBand is one of AgeBands, or "" when the learner would rather not
	// say; staff see how many of each age the classes reach.
	AgeBand string
}

// AgeBands a learner may give, youngest first.
var AgeBands = []string{"under60", "60s", "70s", "80plus"}

// Refusals: each is worded for the user by the web layer.
var (
	ErrNotFound        = errors.New("classes: not found")
	ErrSessionPast     = errors.New("classes: the session has started or is over")
	ErrSessionCanceled = errors.New("classes: the session is cancelled")
	ErrAlreadyEnrolled = errors.New("classes: already enrolled in this session")
	ErrNotEnrolled     = errors.New("classes: the enrolment is not active")
	ErrNoLearner       = errors.New("classes: no such person to enrol")
)

// Store keeps courses, sessions and enrolments.
type Store struct {
	db         *db.DB
	clock      clock.Clock
	checkInKey []byte
	promoted   []PromoteHook
	calledOff  []CancelHook
	moved      []CancelHook
}

// NewStore returns a Store on d; checkInKey signs the check-in codes
// (derived from the server's secret).
func NewStore(d *db.DB, c clock.Clock, checkInKey []byte) *Store {
	return &Store{db: d, clock: c, checkInKey: checkInKey}
}

// wrapf prefixes a failed operation's error with what was being done and
// on which object, set by a defer in each exported method; errors.Is
// still finds the cause.
func wrapf(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("classes: "+format+": %w", append(args, *err)...)
	}
}
