package counter

import (
	"context"
	"time"

	"github.com/serambi/serambi/internal/db"
)

// Reminders of appointments: an email the day before and another an hour
// before, each sent once (the appointment_reminders table remembers, and
// its key settles two nodes racing for the same one).

// Reminder kinds.
const (
	RemindDay  = "day"
	RemindHour = "hour"
)

// A reminder is only worth sending when the booking was made before its
// moment: someone who books at 10:00 for 10:30 needs no "in one hour".
const (
	dayBefore  = 24 * time.Hour
	hourBefore = time.Hour
)

// DueReminder is one reminder to send now.
type DueReminder struct {
	Appointment
	Kind string
}

// DueReminders lists, across tenants, the reminders due at now for booked
// appointments: "day" from 24 h before the start until an hour before
// (a reminder missed while the server was down is still worth sending),
// "hour" in the last hour. At most limit appointments are looked at.
func (s *Store) DueReminders(ctx context.Context, now time.Time, limit int) (_ []DueReminder, err error) {
	defer wrapf(&err, "find the reminders due")
	all, err := appointments(ctx, s.db, `WHERE status = 'booked' AND start_at > ? AND start_at <= ? ORDER BY start_at LIMIT ?`,
		now.UTC(), now.UTC().Add(dayBefore), limit)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	sent, err := s.sentReminders(ctx, all)
	if err != nil {
		return nil, err
	}
	var out []DueReminder
	for _, a := range all {
		if kind := dueKind(a, now, sent[a.ID]); kind != "" {
			out = append(out, DueReminder{Appointment: a, Kind: kind})
		}
	}
	return out, nil
}

// dueKind is the reminder a now owes a, if any (the hour one wins: only
// one email at a time).
func dueKind(a Appointment, now time.Time, sent map[string]bool) string {
	hourMark, dayMark := a.Start.Add(-hourBefore), a.Start.Add(-dayBefore)
	switch {
	case !now.Before(hourMark) && !a.CreatedAt.After(hourMark) && !sent[RemindHour]:
		return RemindHour
	case !now.Before(dayMark) && now.Before(hourMark) && !a.CreatedAt.After(dayMark) && !sent[RemindDay]:
		return RemindDay
	}
	return ""
}

func (s *Store) sentReminders(ctx context.Context, apps []Appointment) (map[string]map[string]bool, error) {
	sent := map[string]map[string]bool{}
	for _, a := range apps {
		rows, err := s.db.QueryContext(ctx, `SELECT kind FROM appointment_reminders WHERE appointment_id = ?`, a.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			if sent[a.ID] == nil {
				sent[a.ID] = map[string]bool{}
			}
			sent[a.ID][k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return sent, nil
}

// MarkReminded records in tx that the reminder went out; false when it
// had already been recorded (another node was first), and then the
// caller sends nothing.
func MarkReminded(ctx context.Context, tx *db.Tx, appointmentID, kind string, now time.Time) (bool, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT remind`); err != nil {
		return false, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO appointment_reminders (appointment_id, kind, sent_at) VALUES (?, ?, ?)`,
		appointmentID, kind, now.UTC())
	if db.IsUniqueViolation(err) {
		_, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT remind`)
		return false, rerr
	}
	if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT remind`)
	return err == nil, err
}
