package classes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/validation"
)

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Lengths the pages show comfortably.
const (
	maxTitle = 120
	maxBody  = 20000
)

// checkCourse validates c and numbers its lessons 1..n in their order.
func checkCourse(c *Course) validation.Errors {
	var errs validation.Errors
	c.Code = strings.TrimSpace(c.Code)
	if !codePattern.MatchString(c.Code) {
		errs = append(errs, validation.Problem{Field: "code", Code: "error.class.code"})
	}
	if !c.Level.Valid() {
		errs = append(errs, validation.Problem{Field: "level", Code: "error.field.choice"})
	}
	errs = append(errs, checkText("title", c.Title, maxTitle, true)...)
	errs = append(errs, checkText("summary", c.Summary, maxBody, false)...)
	for i := range c.Lessons {
		l := &c.Lessons[i]
		l.Position = i + 1
		errs = append(errs, checkText(fmt.Sprintf("lessons.%d.title", i), l.Title, maxTitle, true)...)
		errs = append(errs, checkText(fmt.Sprintf("lessons.%d.body", i), l.Body, maxBody, false)...)
		for _, e := range l.Exercises {
			if !e.Valid() {
				errs = append(errs, validation.Problem{Field: fmt.Sprintf("lessons.%d.exercises", i), Code: "error.field.choice"})
			}
		}
	}
	return errs
}

// checkText wants t in at least one language when required, and each
// language within limit characters.
func checkText(field string, t Text, limit int, required bool) validation.Errors {
	var errs validation.Errors
	some := false
	for _, l := range locale.Langs {
		s := strings.TrimSpace(t[l])
		if s != "" {
			some = true
		}
		if utf8.RuneCountInString(s) > limit {
			errs = append(errs, validation.Problem{Field: field + "." + l, Code: "error.field.too_long", Args: []any{fmt.Sprint(limit)}})
		}
	}
	if required && !some {
		errs = append(errs, validation.Problem{Field: field, Code: "error.field.required"})
	}
	return errs
}

// CreateCourse adds c (and its lessons) to tenantID, in one transaction
// with its audit entry.
func (s *Store) CreateCourse(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, c Course) (_ Course, err error) {
	defer wrapf(&err, "create course %q", c.Code)
	if errs := checkCourse(&c); len(errs) > 0 {
		return Course{}, errs
	}
	now := s.clock.Now().UTC()
	c.ID, c.TenantID, c.CreatedAt, c.UpdatedAt = ids.Course(db.NewID()), tenantID, now, now
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO courses (id, tenant_id, code, level, title_id, title_ja, title_en,
			summary_id, summary_ja, summary_en, published, shared, copied_from, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.Code, c.Level, c.Title["id"], c.Title["ja"], c.Title["en"],
			c.Summary["id"], c.Summary["ja"], c.Summary["en"], c.Published, c.Shared, c.CopiedFrom, now, now)
		if db.IsUniqueViolation(err) {
			return validation.Errors{{Field: "code", Code: "error.class.code_taken"}}
		}
		if err != nil {
			return err
		}
		for i := range c.Lessons {
			l := &c.Lessons[i]
			l.ID = db.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO lessons (id, course_id, position, title_id, title_ja, title_en,
				body_id, body_ja, body_en, exercises, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				l.ID, c.ID, l.Position, l.Title["id"], l.Title["ja"], l.Title["en"], l.Body["id"], l.Body["ja"], l.Body["en"],
				joinExercises(l.Exercises), now, now); err != nil {
				return fmt.Errorf("insert lesson %d: %w", l.Position, err)
			}
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "course.create", "course:"+c.Code,
			audit.Say("audit.detail.course.create", c.Code, fmt.Sprint(len(c.Lessons)))))
	})
	if err != nil {
		return Course{}, err
	}
	return c, nil
}

const courseColumns = `id, tenant_id, code, level, title_id, title_ja, title_en, summary_id, summary_ja, summary_en,
	published, shared, copied_from, created_at, updated_at`

func scanCourse(r interface{ Scan(...any) error }) (Course, error) {
	c := Course{Title: Text{}, Summary: Text{}}
	var tid, tja, ten, sid, sja, sen string
	err := r.Scan(&c.ID, &c.TenantID, &c.Code, &c.Level, &tid, &tja, &ten, &sid, &sja, &sen,
		&c.Published, &c.Shared, &c.CopiedFrom, &c.CreatedAt, &c.UpdatedAt)
	c.Title["id"], c.Title["ja"], c.Title["en"] = tid, tja, ten
	c.Summary["id"], c.Summary["ja"], c.Summary["en"] = sid, sja, sen
	return c, err
}

// Course reads one course of tenantID with its lessons in order.
func (s *Store) Course(ctx context.Context, tenantID ids.Tenant, id ids.Course) (_ Course, err error) {
	defer wrapf(&err, "read course %s", id)
	c, err := scanCourse(s.db.QueryRowContext(ctx, "SELECT "+courseColumns+" FROM courses WHERE tenant_id = ? AND id = ?", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Course{}, ErrNotFound
	}
	if err != nil {
		return Course{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, position, title_id, title_ja, title_en, body_id, body_ja, body_en, exercises
		FROM lessons WHERE course_id = ? ORDER BY position`, id)
	if err != nil {
		return Course{}, err
	}
	defer rows.Close()
	for rows.Next() {
		l := Lesson{Title: Text{}, Body: Text{}}
		var tid, tja, ten, bid, bja, ben, exercises string
		if err := rows.Scan(&l.ID, &l.Position, &tid, &tja, &ten, &bid, &bja, &ben, &exercises); err != nil {
			return Course{}, err
		}
		l.Exercises = parseExercises(exercises)
		l.Title["id"], l.Title["ja"], l.Title["en"] = tid, tja, ten
		l.Body["id"], l.Body["ja"], l.Body["en"] = bid, bja, ben
		c.Lessons = append(c.Lessons, l)
	}
	return c, rows.Err()
}

// Courses lists tenantID's courses by level then code; published only
// for residents.
func (s *Store) Courses(ctx context.Context, tenantID ids.Tenant, publishedOnly bool) (_ []Course, err error) {
	defer wrapf(&err, "list courses of %s", tenantID)
	q := "SELECT " + courseColumns + " FROM courses WHERE tenant_id = ?"
	if publishedOnly {
		q += " AND published = ?"
	}
	q += ` ORDER BY CASE level WHEN 'beginner' THEN 1 WHEN 'basic' THEN 2 ELSE 3 END, code`
	args := []any{tenantID}
	if publishedOnly {
		args = append(args, true)
	}
	return s.courseRows(ctx, q, args...)
}

// courseRows reads the courses (without their lessons) query q finds.
func (s *Store) courseRows(ctx context.Context, q string, args ...any) ([]Course, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Course
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
