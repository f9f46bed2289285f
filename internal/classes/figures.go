package classes

import (
	"context"
	"sort"
	"time"

	"github.com/serambi/serambi/internal/ids"
)

// CourseFigures are one course's numbers over a period, for staff.
type CourseFigures struct {
	CourseID ids.Course
	Code     string
	Title    Text
	Sessions int // held or planned in the period, cancelled ones left out
	Seats    int // their seats together
	Enrolled int // learners holding a seat
	Waiting  int // learners on the waiting lists
	// Ended counts the seated learners of sessions already over, Attended
	// those of them who came: the attendance rate is Attended / Ended.
	Ended, Attended int
	// Completed: certificates of the course issued in the period.
	Completed int
	// Ages counts the seated learners by age band ("" for not said).
	Ages map[string]int
}

// Rate is the attendance rate in per cent, -1 when no session has ended.
func (f CourseFigures) Rate() int {
	if f.Ended == 0 {
		return -1
	}
	return (f.Attended*100 + f.Ended/2) / f.Ended
}

// Figures sums tenantID's sessions starting in [from, to) by course, in
// the courses' order (level, then code); courses without a session in the
// period are left out.
func (s *Store) Figures(ctx context.Context, tenantID ids.Tenant, from, to time.Time) (_ []CourseFigures, err error) {
	defer wrapf(&err, "sum the classes of %s", tenantID)
	courses, err := s.Courses(ctx, tenantID, false)
	if err != nil {
		return nil, err
	}
	sessions, err := s.Sessions(ctx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	byCourse := map[ids.Course]*CourseFigures{}
	now := s.clock.Now()
	for _, x := range sessions {
		if x.Cancelled {
			continue
		}
		f := byCourse[x.CourseID]
		if f == nil {
			f = &CourseFigures{CourseID: x.CourseID, Ages: map[string]int{}}
			byCourse[x.CourseID] = f
		}
		f.Sessions++
		f.Seats += x.Capacity
		if err := s.countAges(ctx, x.ID, f.Ages); err != nil {
			return nil, err
		}
		f.Enrolled += x.Enrolled
		f.Waiting += x.Waitlisted
		if !now.Before(x.EndsAt) {
			came, err := s.attendedIn(ctx, x.ID)
			if err != nil {
				return nil, err
			}
			f.Ended += x.Enrolled
			f.Attended += came
		}
	}
	if err := s.countCompleted(ctx, tenantID, from, to, byCourse); err != nil {
		return nil, err
	}
	var out []CourseFigures
	for _, c := range courses {
		if f := byCourse[c.ID]; f != nil {
			f.Code, f.Title = c.Code, c.Title
			out = append(out, *f)
		}
	}
	return out, nil
}

// countAges adds the age bands of a session's seated learners to ages.
func (s *Store) countAges(ctx context.Context, sessionID ids.ClassSession, ages map[string]int) error {
	rows, err := s.db.QueryContext(ctx, `SELECT age_band, COUNT(*) FROM enrolments WHERE session_id = ? AND state = ? GROUP BY age_band`,
		sessionID, Enrolled)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var band string
		var n int
		if err := rows.Scan(&band, &n); err != nil {
			return err
		}
		ages[band] += n
	}
	return rows.Err()
}

// countCompleted adds the certificates issued in [from, to) to the
// figures of their courses (a course with certificates but no session in
// the period gets a row of its own).
func (s *Store) countCompleted(ctx context.Context, tenantID ids.Tenant, from, to time.Time, byCourse map[ids.Course]*CourseFigures) error {
	rows, err := s.db.QueryContext(ctx, `SELECT course_id, COUNT(*) FROM class_certificates WHERE tenant_id = ? AND issued_at >= ? AND issued_at < ?
		GROUP BY course_id`, tenantID, from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id ids.Course
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		if byCourse[id] == nil {
			byCourse[id] = &CourseFigures{CourseID: id, Ages: map[string]int{}}
		}
		byCourse[id].Completed = n
	}
	return rows.Err()
}

// Struggle is how one exercise of one lesson went for learners who
// practised it in a period: the more misses per try, the harder.
type Struggle struct {
	LessonID         string
	Lesson, Course   Text
	Exercise         Exercise
	Practisers, Done int // who practised it, and who finished it
	Tries, Misses    int
}

// MissesPerTry is the misses per try.
func (x Struggle) MissesPerTry() float64 {
	if x.Tries == 0 {
		return 0
	}
	return float64(x.Misses) / float64(x.Tries)
}

// Struggles lists the exercises practised in [from, to) (by a result
// last changed then) with the most misses per try first, at most limit.
func (s *Store) Struggles(ctx context.Context, tenantID ids.Tenant, from, to time.Time, limit int) (_ []Struggle, err error) {
	defer wrapf(&err, "sum where the learners of %s struggle", tenantID)
	rows, err := s.db.QueryContext(ctx, `SELECT r.lesson_id, l.title_id, l.title_ja, l.title_en, c.title_id, c.title_ja, c.title_en, r.exercise,
		COUNT(*), SUM(CASE WHEN r.done_at IS NULL THEN 0 ELSE 1 END), SUM(r.tries), SUM(r.misses)
		FROM practice_results r JOIN lessons l ON l.id = r.lesson_id JOIN courses c ON c.id = l.course_id
		WHERE r.tenant_id = ? AND r.updated_at >= ? AND r.updated_at < ?
		GROUP BY r.lesson_id, l.title_id, l.title_ja, l.title_en, c.title_id, c.title_ja, c.title_en, r.exercise`, tenantID, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Struggle
	for rows.Next() {
		x := Struggle{Lesson: Text{}, Course: Text{}}
		var lid, lja, len_, cid, cja, cen string
		if err := rows.Scan(&x.LessonID, &lid, &lja, &len_, &cid, &cja, &cen, &x.Exercise, &x.Practisers, &x.Done, &x.Tries, &x.Misses); err != nil {
			return nil, err
		}
		x.Lesson["id"], x.Lesson["ja"], x.Lesson["en"] = lid, lja, len_
		x.Course["id"], x.Course["ja"], x.Course["en"] = cid, cja, cen
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].MissesPerTry(), out[j].MissesPerTry(); a != b {
			return a > b
		}
		return out[i].Tries > out[j].Tries
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *Store) attendedIn(ctx context.Context, sessionID ids.ClassSession) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrolments WHERE session_id = ? AND state = ? AND attended_at IS NOT NULL`,
		sessionID, Enrolled).Scan(&n)
	return n, err
}
