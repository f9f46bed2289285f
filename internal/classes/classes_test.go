package classes_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/testenv"
	"github.com/serambi/serambi/internal/validation"
)

type env struct {
	*testenv.Env
	st      *classes.Store
	tenant  ids.Tenant
	officer audit.Actor
	course  classes.Course
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	w := testenv.New(t, d)
	e := &env{Env: w, st: classes.NewStore(d, w.Clock, []byte("check-in key")), tenant: w.Tenants["fukuoka"].ID, officer: w.User(t, "instructor")}
	c, err := e.st.CreateCourse(w.Ctx, e.officer, e.tenant, classes.Course{
		Code: "first-steps", Level: classes.Beginner,
		Title: classes.Text{"ja": "はじめてのスマホ", "en": "First steps"},
		Lessons: []classes.Lesson{
			{Title: classes.Text{"ja": "電源を入れる"}, Body: classes.Text{"ja": "右の ボタンを 長く 押します。"},
				Exercises: []classes.Exercise{classes.Tap, classes.Mailbox}},
			{Title: classes.Text{"ja": "電話をかける"}},
		},
	})
	if err != nil {
		t.Fatalf("create course: %v", err)
	}
	e.course = c
	return e
}

// session schedules a session of the env's course a week from now.
func (e *env) session(t *testing.T, capacity int) classes.Session {
	t.Helper()
	starts := e.Clock.Now().Add(7 * 24 * time.Hour)
	x, err := e.st.CreateSession(e.Ctx, e.officer, e.tenant, classes.Session{CourseID: e.course.ID,
		StartsAt: starts, EndsAt: starts.Add(90 * time.Minute), VenueName: "博多区 公民館", Capacity: capacity})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return x
}

var android = classes.Questions{Phone: classes.PhoneAndroid}

// enrol enrols a new learner and returns the enrolment.
func (e *env) enrol(t *testing.T, x classes.Session) classes.Enrolment {
	t.Helper()
	learner := e.User(t, "learner")
	en, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, learner.ID, android)
	if err != nil {
		t.Fatalf("enrol: %v", err)
	}
	return en
}

func (e *env) counts(t *testing.T, x classes.Session) (enrolled, waitlisted int) {
	t.Helper()
	got, err := e.st.Session(e.Ctx, e.tenant, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Enrolled, got.Waitlisted
}

func TestCourseKeepsLessonsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c, err := e.st.Course(e.Ctx, e.tenant, e.course.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Lessons) != 2 || c.Lessons[0].Position != 1 || c.Lessons[1].Title.In("id") != "電話をかける" {
			t.Fatalf("lessons = %+v", c.Lessons)
		}
		if c.Title.In("id") != "First steps" || c.Title.In("ja") != "はじめてのスマホ" {
			t.Errorf("title fallback: id %q, ja %q", c.Title.In("id"), c.Title.In("ja"))
		}
		// Another tenant does not see it.
		if _, err := e.st.Course(e.Ctx, e.Tenants["banyuwangi"].ID, c.ID); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("other tenant reads the course: %v", err)
		}
		// A second course with the same code, and one without a title or level.
		_, err = e.st.CreateCourse(e.Ctx, e.officer, e.tenant, classes.Course{Code: "first-steps", Level: classes.Basic,
			Title: classes.Text{"en": "Again"}})
		if p, ok := validationOf(err).For("code"); !ok || p.Code != "error.class.code_taken" {
			t.Errorf("duplicate code: %v", err)
		}
		_, err = e.st.CreateCourse(e.Ctx, e.officer, e.tenant, classes.Course{Code: "x1", Level: "expert"})
		errs := validationOf(err)
		if _, ok := errs.For("title"); !ok {
			t.Errorf("no title accepted: %v", err)
		}
		if _, ok := errs.For("level"); !ok {
			t.Errorf("unknown level accepted: %v", err)
		}
	})
}

func validationOf(err error) validation.Errors {
	var errs validation.Errors
	errors.As(err, &errs)
	return errs
}

func TestSeatsThenWaitlistThenPromotionInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 2)
		a, b := e.enrol(t, x), e.enrol(t, x)
		w1, w2, w3 := e.enrol(t, x), e.enrol(t, x), e.enrol(t, x)
		for _, en := range []classes.Enrolment{a, b} {
			if en.State != classes.Enrolled || en.Seat == 0 {
				t.Fatalf("first two: %+v", en)
			}
		}
		for _, en := range []classes.Enrolment{w1, w2, w3} {
			if en.State != classes.Waitlisted || en.Seat != 0 {
				t.Fatalf("after the seats: %+v", en)
			}
		}
		if n, w := e.counts(t, x); n != 2 || w != 3 {
			t.Fatalf("counts = %d enrolled, %d waiting", n, w)
		}

		// A seat frees: the first on the list takes that seat.
		promoted, err := e.st.Cancel(e.Ctx, e.officer, e.tenant, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(promoted) != 1 || promoted[0].ID != w1.ID || promoted[0].Seat != a.Seat {
			t.Fatalf("promoted = %+v, want w1 in seat %d", promoted, a.Seat)
		}
		// Cancelling twice is refused and moves no one.
		if _, err := e.st.Cancel(e.Ctx, e.officer, e.tenant, a.ID); !errors.Is(err, classes.ErrNotEnrolled) {
			t.Fatalf("second cancel: %v", err)
		}
		// A waiting learner who cancels frees no seat.
		if promoted, err := e.st.Cancel(e.Ctx, e.officer, e.tenant, w2.ID); err != nil || len(promoted) != 0 {
			t.Fatalf("waiting learner cancels: %v, %+v", err, promoted)
		}
		// More seats: the rest of the list in order.
		w4 := e.enrol(t, x)
		promoted, err = e.st.SetCapacity(e.Ctx, e.officer, e.tenant, x.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(promoted) != 2 || promoted[0].ID != w3.ID || promoted[1].ID != w4.ID {
			t.Fatalf("after raising capacity: %+v, want w3 then w4", promoted)
		}
		if n, w := e.counts(t, x); n != 4 || w != 0 {
			t.Fatalf("counts = %d enrolled, %d waiting; want 4, 0", n, w)
		}
		// Fewer seats than learners holding one is refused.
		if _, err := e.st.SetCapacity(e.Ctx, e.officer, e.tenant, x.ID, 3); !errors.Is(err, classes.ErrCapacityBelowEnrolled) {
			t.Fatalf("capacity under the enrolled: %v", err)
		}
		roster, err := e.st.Roster(e.Ctx, e.tenant, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		seats := map[int]bool{}
		for _, en := range roster {
			if en.State != classes.Enrolled || en.Seat < 1 || en.Seat > 5 || seats[en.Seat] {
				t.Fatalf("roster: %+v", roster)
			}
			seats[en.Seat] = true
		}
		verify(t, e)
	})
}

func TestEnrolmentRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 5)
		learner := e.User(t, "siti")
		if _, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, learner.ID, android); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, learner.ID, android); !errors.Is(err, classes.ErrAlreadyEnrolled) {
			t.Errorf("second enrolment: %v", err)
		}
		if _, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, e.User(t, "x").ID, classes.Questions{Phone: "nokia"}); validationOf(err) == nil {
			t.Errorf("unknown phone accepted: %v", err)
		}
		if _, err := e.st.Enrol(e.Ctx, learner, e.Tenants["banyuwangi"].ID, x.ID, learner.ID, android); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("enrolment through another tenant: %v", err)
		}
		// Once the session has started, no one enrols.
		e.Clock.Advance(7*24*time.Hour + time.Minute)
		if _, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, e.User(t, "late").ID, android); !errors.Is(err, classes.ErrSessionPast) {
			t.Errorf("enrolment after the start: %v", err)
		}
		if n, w := e.counts(t, x); n != 1 || w != 0 {
			t.Errorf("refusals changed the counts: %d, %d", n, w)
		}
		if _, err := e.st.CreateSession(e.Ctx, e.officer, e.tenant, classes.Session{CourseID: e.course.ID,
			StartsAt: e.Clock.Now().Add(-time.Hour), EndsAt: e.Clock.Now(), VenueName: "hall", Capacity: 3}); validationOf(err) == nil {
			t.Errorf("session in the past accepted: %v", err)
		}
		if _, err := e.st.CreateSession(e.Ctx, e.officer, e.tenant, classes.Session{CourseID: e.course.ID,
			StartsAt: e.Clock.Now().Add(time.Hour), EndsAt: e.Clock.Now().Add(2 * time.Hour), Capacity: 3,
			MapURL: "javascript:alert(1)"}); len(validationOf(err)) != 2 {
			t.Errorf("no venue and a javascript: map link: %v", err)
		}
	})
}

// 50 residents press "enrol" for the last seat at once: exactly one gets
// it, the other 49 wait, each with a place of their own in one unbroken
// order.
func TestRaceForTheLastSeat(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 3)
		e.enrol(t, x)
		e.enrol(t, x)
		learners := make([]audit.Actor, 50)
		for i := range learners {
			learners[i] = e.User(t, fmt.Sprint("racer", i))
		}
		got := make([]classes.Enrolment, len(learners))
		errs := make([]error, len(learners))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, l := range learners {
			wg.Go(func() {
				<-start
				got[i], errs[i] = e.st.Enrol(e.Ctx, l, e.tenant, x.ID, l.ID, android)
			})
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		seated, positions := 0, map[int]bool{}
		for _, en := range got {
			if en.State == classes.Enrolled {
				seated++
			}
			positions[en.Position] = true
		}
		if seated != 1 {
			t.Fatalf("%d of 50 got the last seat", seated)
		}
		for p := 3; p <= 52; p++ {
			if !positions[p] {
				t.Fatalf("places %v: %d missing", positions, p)
			}
		}
		if n, w := e.counts(t, x); n != 3 || w != 49 {
			t.Fatalf("counts = %d enrolled, %d waiting; want 3, 49", n, w)
		}
		// The waitlist's order is the order of arrival: freeing a seat
		// promotes the lowest place.
		first := got[0]
		for _, en := range got {
			if en.State == classes.Waitlisted && (first.State != classes.Waitlisted || en.Position < first.Position) {
				first = en
			}
		}
		roster, err := e.st.Roster(e.Ctx, e.tenant, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		promoted, err := e.st.Cancel(e.Ctx, e.officer, e.tenant, roster[0].ID)
		if err != nil || len(promoted) != 1 || promoted[0].ID != first.ID {
			t.Fatalf("promoted %+v (%v), want the first waiting, place %d", promoted, err, first.Position)
		}
		verify(t, e)
	})
}

func verify(t *testing.T, e *env) {
	t.Helper()
	if _, p, err := audit.Verify(e.Ctx, e.DB); err != nil || p != nil {
		t.Fatalf("audit chain: %v, %v", p, err)
	}
}

// Check-in: the code on the room's screen works for its 30 seconds and
// the 30 before (a scan as it changed), not a minute later (a photo sent
// home), not for another session, not before the doors open or after the
// end, and only for a learner with a seat; the instructor's tick works
// without a code.
func TestCheckIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x, other := e.session(t, 1), e.session(t, 5)
		seated, waiting := e.enrol(t, x), e.enrol(t, x)
		learner := audit.Actor{ID: seated.LearnerID}
		code := e.st.CheckInCode(x.ID, e.Clock.Now())
		if _, err := e.st.CheckIn(e.Ctx, learner, e.tenant, x.ID, seated.LearnerID, code); !errors.Is(err, classes.ErrCheckInClosed) {
			t.Fatalf("a week early: %v", err)
		}
		e.Clock.Advance(x.StartsAt.Add(-10 * time.Minute).Sub(e.Clock.Now()))
		shown := e.st.CheckInCode(x.ID, e.Clock.Now())
		if shown == e.st.CheckInCode(other.ID, e.Clock.Now()) || len(shown) != 6 {
			t.Fatalf("codes: %q for this session, %q for another", shown, e.st.CheckInCode(other.ID, e.Clock.Now()))
		}
		if _, err := e.st.CheckIn(e.Ctx, learner, e.tenant, other.ID, seated.LearnerID, shown); !errors.Is(err, classes.ErrCodeWrong) {
			t.Errorf("this session's code for another: %v", err)
		}
		if _, err := e.st.CheckIn(e.Ctx, learner, e.tenant, x.ID, waiting.LearnerID, shown); !errors.Is(err, classes.ErrNotSeated) {
			t.Errorf("a waiting learner checks in: %v", err)
		}
		e.Clock.Advance(classes.CodeEvery)
		got, err := e.st.CheckIn(e.Ctx, learner, e.tenant, x.ID, seated.LearnerID, toWide(shown))
		if err != nil || got.AttendedAt == nil {
			t.Fatalf("the code just replaced (typed full-width): %+v, %v", got, err)
		}
		if _, err := e.st.CheckIn(e.Ctx, learner, e.tenant, x.ID, seated.LearnerID, e.st.CheckInCode(x.ID, e.Clock.Now())); err != nil {
			t.Errorf("checking in twice: %v", err)
		}
		e.Clock.Advance(2 * classes.CodeEvery)
		late := e.enrol(t, other)
		if _, err := e.st.CheckIn(e.Ctx, learner, e.tenant, other.ID, late.LearnerID, e.st.CheckInCode(other.ID, e.Clock.Now().Add(-3*classes.CodeEvery))); !errors.Is(err, classes.ErrCodeWrong) {
			t.Errorf("a code a minute and a half old: %v", err)
		}
		// The instructor ticks and unticks.
		if m, err := e.st.MarkAttended(e.Ctx, e.officer, e.tenant, late.ID, true); err != nil || m.AttendedAt == nil {
			t.Fatalf("tick: %+v %v", m, err)
		}
		if m, err := e.st.MarkAttended(e.Ctx, e.officer, e.tenant, late.ID, false); err != nil || m.AttendedAt != nil {
			t.Fatalf("untick: %+v %v", m, err)
		}
		if _, err := e.st.MarkAttended(e.Ctx, e.officer, e.tenant, waiting.ID, true); !errors.Is(err, classes.ErrNotSeated) {
			t.Errorf("ticking a waiting learner: %v", err)
		}
		// After the end, no code opens the door.
		e.Clock.Advance(x.EndsAt.Sub(e.Clock.Now()))
		if _, err := e.st.CheckIn(e.Ctx, learner, e.tenant, x.ID, seated.LearnerID, e.st.CheckInCode(x.ID, e.Clock.Now())); !errors.Is(err, classes.ErrCheckInClosed) {
			t.Errorf("after the end: %v", err)
		}
		verify(t, e)
	})
}

func toWide(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

// Figures: per course, the period's sessions (cancelled left out), seats,
// learners, waiting lists, and attendance of the sessions already over.
func TestFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x, y := e.session(t, 2), e.session(t, 3)
		a := e.enrol(t, x)
		e.enrol(t, x)
		e.enrol(t, x) // waits
		e.enrol(t, y)
		e.Clock.Advance(x.StartsAt.Add(-5 * time.Minute).Sub(e.Clock.Now()))
		if _, err := e.st.MarkAttended(e.Ctx, e.officer, e.tenant, a.ID, true); err != nil {
			t.Fatal(err)
		}
		from, to := x.StartsAt.Add(-24*time.Hour), x.StartsAt.Add(24*time.Hour)
		before, err := e.st.Figures(e.Ctx, e.tenant, from, to)
		if err != nil || len(before) != 1 {
			t.Fatalf("figures: %+v, %v", before, err)
		}
		f := before[0]
		if f.Sessions != 2 || f.Seats != 5 || f.Enrolled != 3 || f.Waiting != 1 || f.Ended != 0 || f.Rate() != -1 {
			t.Fatalf("before the end: %+v (rate %d)", f, f.Rate())
		}
		e.Clock.Advance(x.EndsAt.Sub(e.Clock.Now()))
		after, err := e.st.Figures(e.Ctx, e.tenant, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if f := after[0]; f.Ended != 3 || f.Attended != 1 || f.Rate() != 33 {
			t.Fatalf("after the end: %+v (rate %d), want 1 of 3 came", f, f.Rate())
		}
		if none, err := e.st.Figures(e.Ctx, e.tenant, to, to.Add(24*time.Hour)); err != nil || len(none) != 0 {
			t.Fatalf("a period without classes: %+v, %v", none, err)
		}
	})
}

// Calling a session off: once, before it starts; everyone with a place
// (seated and waiting) is handed to the hooks in the same transaction;
// no one can enrol or check in afterwards.
func TestCancelSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 1)
		seated, waiting := e.enrol(t, x), e.enrol(t, x)
		var told []classes.Enrolment
		e.st.OnCancelSession(func(_ context.Context, _ *db.Tx, en classes.Enrolment, s classes.Session) error {
			if !s.Cancelled {
				t.Error("the hook saw the session not cancelled")
			}
			told = append(told, en)
			return nil
		})
		n, err := e.st.CancelSession(e.Ctx, e.officer, e.tenant, x.ID)
		if err != nil || n != 2 || len(told) != 2 || told[0].ID != seated.ID || told[1].ID != waiting.ID {
			t.Fatalf("cancel: %d told (%+v), %v", n, told, err)
		}
		if _, err := e.st.CancelSession(e.Ctx, e.officer, e.tenant, x.ID); !errors.Is(err, classes.ErrSessionCanceled) {
			t.Errorf("cancelling twice: %v", err)
		}
		late := e.User(t, "late")
		if _, err := e.st.Enrol(e.Ctx, late, e.tenant, x.ID, late.ID, android); !errors.Is(err, classes.ErrSessionCanceled) {
			t.Errorf("enrolling in a cancelled session: %v", err)
		}
		got, _ := e.st.Session(e.Ctx, e.tenant, x.ID)
		if !got.Cancelled || got.Enrolled != 1 {
			t.Errorf("after cancelling: %+v (places are kept for the record)", got)
		}
		// A failing hook (the email could not be queued) cancels nothing.
		y := e.session(t, 3)
		e.enrol(t, y)
		e.st.OnCancelSession(func(context.Context, *db.Tx, classes.Enrolment, classes.Session) error {
			return errors.New("outbox full")
		})
		if _, err := e.st.CancelSession(e.Ctx, e.officer, e.tenant, y.ID); err == nil {
			t.Fatal("cancelled though the learners could not be told")
		}
		if got, _ := e.st.Session(e.Ctx, e.tenant, y.ID); got.Cancelled {
			t.Error("half cancelled: the session is marked though no one was told")
		}
		verify(t, e)
	})
}
