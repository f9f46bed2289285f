package classes

import (
	"context"
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
			f = &CourseFigures{CourseID: x.CourseID}
			byCourse[x.CourseID] = f
		}
		f.Sessions++
		f.Seats += x.Capacity
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
	var out []CourseFigures
	for _, c := range courses {
		if f := byCourse[c.ID]; f != nil {
			f.Code, f.Title = c.Code, c.Title
			out = append(out, *f)
		}
	}
	return out, nil
}

func (s *Store) attendedIn(ctx context.Context, sessionID ids.ClassSession) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrolments WHERE session_id = ? AND state = ? AND attended_at IS NOT NULL`,
		sessionID, Enrolled).Scan(&n)
	return n, err
}
