package classes_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/validation"
)

// TestEditCourse: the course's own fields change; a lesson is added at the
// end, changed, moved up (and not past the top), and deleted with the
// order closed up; a lesson learners practised is kept; a lesson without
// a title is refused.
func TestEditCourse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.course
		if err := e.st.UpdateCourse(e.Ctx, e.officer, e.tenant, c.ID, classes.CourseChange{Level: classes.Basic,
			Title: classes.Text{"ja": "スマホ入門"}, Published: true}); err != nil {
			t.Fatal(err)
		}
		var verr validation.Errors
		if err := e.st.UpdateCourse(e.Ctx, e.officer, e.tenant, c.ID, classes.CourseChange{Level: "expert", Title: classes.Text{}}); !errors.As(err, &verr) {
			t.Errorf("an unknown level and no title: %v", err)
		}
		added, err := e.st.SaveLesson(e.Ctx, e.officer, e.tenant, c.ID, classes.Lesson{Title: classes.Text{"ja": "地図"},
			Body: classes.Text{"ja": "地図を 開きます。"}, Exercises: []classes.Exercise{classes.Pinch}})
		if err != nil || added.Position != 3 {
			t.Fatalf("add a lesson: %+v, %v", added, err)
		}
		if _, err := e.st.SaveLesson(e.Ctx, e.officer, e.tenant, c.ID, classes.Lesson{Body: classes.Text{"ja": "x"}}); !errors.As(err, &verr) {
			t.Errorf("a lesson without a title: %v", err)
		}
		added.Title = classes.Text{"ja": "地図アプリ"}
		if _, err := e.st.SaveLesson(e.Ctx, e.officer, e.tenant, c.ID, added); err != nil {
			t.Fatal(err)
		}
		for range 3 { // up twice to the top, then it stays
			if err := e.st.MoveLesson(e.Ctx, e.officer, e.tenant, c.ID, added.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := e.st.Course(e.Ctx, e.tenant, c.ID)
		if got.Level != classes.Basic || got.Title["ja"] != "スマホ入門" || got.Lessons[0].ID != added.ID || got.Lessons[0].Title["ja"] != "地図アプリ" ||
			got.Lessons[0].Exercises[0] != classes.Pinch || got.Lessons[1].ID != c.Lessons[0].ID || got.Lessons[2].Position != 3 {
			t.Fatalf("after editing: %+v", got)
		}
		// The first lesson of the env was practised: it stays.
		me := classes.Practiser{LearnerID: e.User(t, "learner").ID}
		if err := e.st.Record(e.Ctx, e.tenant, c.Lessons[0].ID, classes.Tap, me, classes.Result{Done: true}); err != nil {
			t.Fatal(err)
		}
		if err := e.st.DeleteLesson(e.Ctx, e.officer, e.tenant, c.ID, c.Lessons[0].ID); !errors.Is(err, classes.ErrLessonPractised) {
			t.Errorf("deleting a practised lesson: %v", err)
		}
		if err := e.st.DeleteLesson(e.Ctx, e.officer, e.tenant, c.ID, added.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = e.st.Course(e.Ctx, e.tenant, c.ID)
		if len(got.Lessons) != 2 || got.Lessons[0].Position != 1 || got.Lessons[1].Position != 2 || got.Lessons[0].ID != c.Lessons[0].ID {
			t.Errorf("after deleting the first: %+v", got.Lessons)
		}
		if err := e.st.DeleteLesson(e.Ctx, e.officer, e.Tenants["banyuwangi"].ID, c.ID, c.Lessons[1].ID); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("deleting through another tenant: %v", err)
		}
	})
}

// TestShareAndCopyCourse: only a shared course can be copied, by another
// tenant, unpublished, with its lessons and exercises, under a free code.
func TestShareAndCopyCourse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		other := e.Tenants["banyuwangi"].ID
		if _, err := e.st.CopyCourse(e.Ctx, e.officer, other, e.tenant, e.course.ID); !errors.Is(err, classes.ErrNotShared) {
			t.Fatalf("copying an unshared course: %v", err)
		}
		if err := e.st.ShareCourse(e.Ctx, e.officer, e.tenant, e.course.ID, true); err != nil {
			t.Fatal(err)
		}
		if list, err := e.st.SharedCourses(e.Ctx, other); err != nil || len(list) != 1 || list[0].ID != e.course.ID {
			t.Fatalf("shared with banyuwangi: %+v, %v", list, err)
		}
		if list, _ := e.st.SharedCourses(e.Ctx, e.tenant); len(list) != 0 {
			t.Errorf("its own tenant sees its course as shared by others: %+v", list)
		}
		first, err := e.st.CopyCourse(e.Ctx, e.officer, other, e.tenant, e.course.ID)
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.st.CopyCourse(e.Ctx, e.officer, other, e.tenant, e.course.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.st.Course(e.Ctx, other, first.ID)
		if got.Published || got.CopiedFrom != e.course.ID || len(got.Lessons) != 2 || got.Lessons[0].Exercises[0] != classes.Tap ||
			got.Lessons[0].ID == e.course.Lessons[0].ID {
			t.Errorf("the copy: %+v", got)
		}
		if first.Code != "first-steps" || second.Code != "first-steps-2" {
			t.Errorf("codes %q, %q", first.Code, second.Code)
		}
		if _, err := e.st.CopyCourse(e.Ctx, e.officer, e.tenant, e.tenant, e.course.ID); !errors.Is(err, classes.ErrNotShared) {
			t.Errorf("copying one's own course: %v", err)
		}
	})
}

// TestChangeSession: a class moves to another day and hall; everyone with
// a place (seated and waiting) is handed to the hooks in the same
// transaction and will be reminded again; a time in the past, a started
// class and a cancelled one are refused and nothing changes.
func TestChangeSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var told []classes.Enrolment
		seen := 0
		e.st.OnChangeSession(func(ctx context.Context, tx *db.Tx, en classes.Enrolment, x classes.Session) error {
			told = append(told, en)
			seen = x.Revision()
			if x.VenueName != "東区 公民館" {
				t.Errorf("the hook saw the old hall: %q", x.VenueName)
			}
			return nil
		})
		x := e.session(t, 1)
		e.enrol(t, x)
		e.enrol(t, x) // waits
		before, _ := e.st.Session(e.Ctx, e.tenant, x.ID)
		e.Clock.Advance(time.Hour)
		moved := x
		moved.StartsAt, moved.EndsAt = x.StartsAt.Add(48*time.Hour), x.EndsAt.Add(48*time.Hour)
		moved.VenueName = "東区 公民館"
		n, err := e.st.ChangeSession(e.Ctx, e.officer, e.tenant, x.ID, moved)
		if err != nil || n != 2 || len(told) != 2 {
			t.Fatalf("change: told %d (%d hooks), %v", n, len(told), err)
		}
		got, _ := e.st.Session(e.Ctx, e.tenant, x.ID)
		if !got.StartsAt.Equal(moved.StartsAt.UTC()) || got.VenueName != "東区 公民館" || got.Capacity != 1 {
			t.Errorf("after the change: %+v", got)
		}
		if got.Revision() <= before.Revision() || seen != got.Revision() {
			t.Errorf("revision %d → %d (the emails' calendar files carry %d); want it to grow and match", before.Revision(), got.Revision(), seen)
		}
		past := moved
		past.StartsAt, past.EndsAt = e.Clock.Now().Add(-time.Hour), e.Clock.Now()
		var verr validation.Errors
		if _, err := e.st.ChangeSession(e.Ctx, e.officer, e.tenant, x.ID, past); !errors.As(err, &verr) {
			t.Errorf("a time in the past: %v", err)
		}
		e.Clock.Advance(9*24*time.Hour + time.Minute) // the moved class has begun
		later := moved
		later.StartsAt, later.EndsAt = e.Clock.Now().Add(24*time.Hour), e.Clock.Now().Add(25*time.Hour)
		if _, err := e.st.ChangeSession(e.Ctx, e.officer, e.tenant, x.ID, later); !errors.Is(err, classes.ErrSessionPast) {
			t.Errorf("a class that has begun: %v", err)
		}
		if len(told) != 2 {
			t.Errorf("refusals told %d more", len(told)-2)
		}
	})
}
