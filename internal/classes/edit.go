package classes

import (
	"context"
	"errors"
	"fmt"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Editing a course: a tenant changes what it copied (or wrote), lesson by
// lesson; the network coordinator shares a good course with every other
// tenant, which copies it and makes it its own.

// ErrLessonPractised refuses deleting a lesson learners have practised:
// their progress (and certificates' counts) would lose their lesson.
var ErrLessonPractised = errors.New("classes: learners have practised this lesson")

// ErrNotShared refuses copying a course its tenant has not shared.
var ErrNotShared = errors.New("classes: the course is not shared with the network")

// CourseChange is what the editor changes of a course itself.
type CourseChange struct {
	Level          Level
	Title, Summary Text
	Published      bool
}

// UpdateCourse changes a course's level, title, summary and whether
// residents see it.
func (s *Store) UpdateCourse(ctx context.Context, by audit.Actor, tenantID ids.Tenant, id ids.Course, ch CourseChange) (err error) {
	defer wrapf(&err, "update course %s", id)
	c, err := s.Course(ctx, tenantID, id)
	if err != nil {
		return err
	}
	c.Level, c.Title, c.Summary, c.Published = ch.Level, ch.Title, ch.Summary, ch.Published
	c.Lessons = nil // checked one by one where they are saved
	if errs := checkCourse(&c); len(errs) > 0 {
		return errs
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE courses SET level = ?, title_id = ?, title_ja = ?, title_en = ?, summary_id = ?,
			summary_ja = ?, summary_en = ?, published = ?, updated_at = ? WHERE id = ? AND tenant_id = ?`,
			c.Level, c.Title["id"], c.Title["ja"], c.Title["en"], c.Summary["id"], c.Summary["ja"], c.Summary["en"], c.Published,
			s.clock.Now().UTC(), id, tenantID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "course.update", "course:"+c.Code, ""))
	})
}

// checkLesson validates one lesson as the editor saves it.
func checkLesson(l Lesson) validation.Errors {
	errs := checkText("title", l.Title, maxTitle, true)
	errs = append(errs, checkText("body", l.Body, maxBody, false)...)
	for _, e := range l.Exercises {
		if !e.Valid() {
			errs = append(errs, validation.Problem{Field: "exercises", Code: "error.field.choice"})
		}
	}
	return errs
}

// SaveLesson adds l at the end of the course (l.ID empty) or changes the
// lesson of that ID; it returns the lesson as saved.
func (s *Store) SaveLesson(ctx context.Context, by audit.Actor, tenantID ids.Tenant, courseID ids.Course, l Lesson) (_ Lesson, err error) {
	defer wrapf(&err, "save a lesson of course %s", courseID)
	if errs := checkLesson(l); len(errs) > 0 {
		return Lesson{}, errs
	}
	c, err := s.Course(ctx, tenantID, courseID)
	if err != nil {
		return Lesson{}, err
	}
	now := s.clock.Now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if l.ID == "" {
			l.ID, l.Position = db.NewID(), len(c.Lessons)+1
			if _, err := tx.ExecContext(ctx, `INSERT INTO lessons (id, course_id, position, title_id, title_ja, title_en,
				body_id, body_ja, body_en, exercises, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				l.ID, courseID, l.Position, l.Title["id"], l.Title["ja"], l.Title["en"], l.Body["id"], l.Body["ja"], l.Body["en"],
				joinExercises(l.Exercises), now, now); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE lessons SET title_id = ?, title_ja = ?, title_en = ?, body_id = ?, body_ja = ?,
				body_en = ?, exercises = ?, updated_at = ? WHERE id = ? AND course_id = ?`,
				l.Title["id"], l.Title["ja"], l.Title["en"], l.Body["id"], l.Body["ja"], l.Body["en"], joinExercises(l.Exercises), now, l.ID, courseID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(ErrNotFound, err)
			}
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "course.lesson", "course:"+c.Code, l.Title.In("en")))
	})
	if err != nil {
		return Lesson{}, err
	}
	return l, nil
}

// courseLesson reads a course of tenantID and finds lessonID in it: the
// course and the lesson's index (ErrNotFound when it is not there).
func (s *Store) courseLesson(ctx context.Context, tenantID ids.Tenant, courseID ids.Course, lessonID string) (Course, int, error) {
	c, err := s.Course(ctx, tenantID, courseID)
	if err != nil {
		return Course{}, 0, err
	}
	for i, l := range c.Lessons {
		if l.ID == lessonID {
			return c, i, nil
		}
	}
	return Course{}, 0, ErrNotFound
}

// MoveLesson swaps a lesson with the one before it (up) or after it; at
// either end nothing moves.
func (s *Store) MoveLesson(ctx context.Context, by audit.Actor, tenantID ids.Tenant, courseID ids.Course, lessonID string, up bool) (err error) {
	defer wrapf(&err, "move lesson %s", lessonID)
	c, i, err := s.courseLesson(ctx, tenantID, courseID, lessonID)
	if err != nil {
		return err
	}
	j := i + 1
	if up {
		j = i - 1
	}
	if j < 0 || j >= len(c.Lessons) {
		return nil
	}
	a, b := c.Lessons[i], c.Lessons[j]
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// Through a free position: (course, position) is unique at every
		// statement.
		for _, step := range []struct {
			id  string
			pos int
		}{{a.ID, -1}, {b.ID, a.Position}, {a.ID, b.Position}} {
			if _, err := tx.ExecContext(ctx, `UPDATE lessons SET position = ? WHERE id = ?`, step.pos, step.id); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "course.lesson_move", "course:"+c.Code, fmt.Sprint(a.Position, "→", b.Position)))
	})
}

// DeleteLesson removes a lesson no one has practised and closes the gap
// in the order; one with practice is refused (ErrLessonPractised).
func (s *Store) DeleteLesson(ctx context.Context, by audit.Actor, tenantID ids.Tenant, courseID ids.Course, lessonID string) (err error) {
	defer wrapf(&err, "delete lesson %s", lessonID)
	c, i, err := s.courseLesson(ctx, tenantID, courseID, lessonID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM practice_results WHERE lesson_id = ?) +
			(SELECT COUNT(*) FROM practice_mail WHERE lesson_id = ?)`, lessonID, lessonID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrLessonPractised
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM lessons WHERE id = ?`, lessonID); err != nil {
			return err
		}
		for _, l := range c.Lessons[i+1:] {
			if _, err := tx.ExecContext(ctx, `UPDATE lessons SET position = ? WHERE id = ?`, l.Position-1, l.ID); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "course.lesson_delete", "course:"+c.Code, c.Lessons[i].Title.In("en")))
	})
}

// ShareCourse offers a course to every tenant of the network to copy (or
// stops offering it): the network coordinator's decision.
func (s *Store) ShareCourse(ctx context.Context, by audit.Actor, tenantID ids.Tenant, id ids.Course, shared bool) (err error) {
	defer wrapf(&err, "share course %s", id)
	c, err := s.Course(ctx, tenantID, id)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE courses SET shared = ?, updated_at = ? WHERE id = ?`, shared, s.clock.Now().UTC(), id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "course.share", "course:"+c.Code, fmt.Sprint(shared)))
	})
}

// SharedCourses lists the courses other tenants than tenantID share.
func (s *Store) SharedCourses(ctx context.Context, tenantID ids.Tenant) (_ []Course, err error) {
	defer wrapf(&err, "list the courses shared with %s", tenantID)
	return s.courseRows(ctx, "SELECT "+courseColumns+` FROM courses WHERE shared = ? AND tenant_id <> ?
		ORDER BY CASE level WHEN 'beginner' THEN 1 WHEN 'basic' THEN 2 ELSE 3 END, code, id`, true, tenantID)
}

// CopyCourse gives tenantID its own copy of a shared course of another
// tenant, unpublished (to edit first); the code gets a number when the
// tenant already has it.
func (s *Store) CopyCourse(ctx context.Context, by audit.Actor, tenantID ids.Tenant, fromTenant ids.Tenant, fromID ids.Course) (_ Course, err error) {
	defer wrapf(&err, "copy course %s to %s", fromID, tenantID)
	c, err := s.Course(ctx, fromTenant, fromID)
	if err != nil {
		return Course{}, err
	}
	if !c.Shared || fromTenant == tenantID {
		return Course{}, ErrNotShared
	}
	return s.copyCourse(ctx, by, tenantID, c)
}

// CopyPracticeCourse gives tenantID its own unpublished copy of a course
// another tenant runs as a good practice that tenantID is replicating:
// linking the course to the published practice offered it to every
// adopter, as sharing it with the network does.
func (s *Store) CopyPracticeCourse(ctx context.Context, by audit.Actor, tenantID ids.Tenant, fromTenant ids.Tenant, code string) (_ Course, err error) {
	defer wrapf(&err, "copy course %s of %s to %s", code, fromTenant, tenantID)
	if fromTenant == tenantID {
		return Course{}, ErrNotShared
	}
	all, err := s.Courses(ctx, fromTenant, false)
	if err != nil {
		return Course{}, err
	}
	for _, c := range all {
		if c.Code == code {
			full, err := s.Course(ctx, fromTenant, c.ID)
			if err != nil {
				return Course{}, err
			}
			return s.copyCourse(ctx, by, tenantID, full)
		}
	}
	return Course{}, ErrNotFound
}

// copyCourse makes tenantID's unpublished copy of c under a free code.
func (s *Store) copyCourse(ctx context.Context, by audit.Actor, tenantID ids.Tenant, c Course) (Course, error) {
	code := c.Code
	for n := 2; n < 100; n++ {
		made, err := s.CreateCourse(ctx, by, tenantID, Course{Code: code, Level: c.Level, Title: c.Title, Summary: c.Summary,
			CopiedFrom: c.ID, Lessons: c.Lessons})
		var errs validation.Errors
		if errors.As(err, &errs) && errs[0].Code == "error.class.code_taken" {
			code = fmt.Sprintf("%s-%d", c.Code, n)
			continue
		}
		return made, err
	}
	return Course{}, fmt.Errorf("no free code for a copy of %s", c.Code)
}
