package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ical"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
)

// Appointment reminders: a periodic job asks for the reminders due (the
// day before, the hour before) and each resident is emailed in their
// language, with the appointment as an .ics file their phone's calendar
// can add.

// remindBatch bounds one run; the next run takes the rest.
const remindBatch = 500

// RemindAppointments sends the reminders due now and returns how many
// were queued.
func (n *Notices) RemindAppointments(ctx context.Context) (int, error) {
	now := n.clock.Now()
	due, err := n.counters.DueReminders(ctx, now, remindBatch)
	if err != nil {
		return 0, fmt.Errorf("flow: find the reminders due: %w", err)
	}
	sent := 0
	for _, r := range due {
		ok, err := n.remind(ctx, r, now)
		if err != nil {
			return sent, fmt.Errorf("flow: remind of appointment %s: %w", r.ID, err)
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// remind records and queues one reminder in one transaction. A resident
// without an email address is recorded as reminded (they see their
// appointments in their account), so they are not looked at every minute.
func (n *Notices) remind(ctx context.Context, r counter.DueReminder, now time.Time) (bool, error) {
	t, err := n.tenants.ByID(ctx, r.TenantID)
	if err != nil {
		return false, err
	}
	c, err := n.counters.Get(ctx, t.ID, r.CounterID)
	if err != nil {
		return false, err
	}
	var queued bool
	err = n.db.InTx(ctx, func(tx *db.Tx) error {
		first, err := counter.MarkReminded(ctx, tx, r.ID, r.Kind, now)
		if err != nil || !first {
			return err
		}
		u, ok, err := n.recipient(ctx, tx, r.ResidentID)
		if !ok {
			return err
		}
		name := c.Name(u.Lang)
		url := n.baseURL + "/" + t.Slug + "/appointments"
		data := map[string]string{"name": u.Name, "counter": name, "url": url, "tenant": t.Name(u.Lang),
			"when": locale.DateTime(u.Lang, r.Start, t.Location()), "contact": contactOf(t.ContactPhone, t.ContactEmail)}
		if r.Kind == counter.RemindHour {
			data["hour"] = "1"
		}
		ics := ical.Calendar("Serambi", []ical.Event{{UID: r.ID + "@serambi", Start: r.Start, End: r.End,
			Summary: name + " — " + t.Name(u.Lang), URL: url}}, now)
		queued = true
		return n.send(ctx, tx, notify.Event{Template: notify.AppointmentReminder, TenantID: t.ID, RecipientID: u.ID,
			To: u.Email, Lang: u.Lang, Related: r.ID, Data: data,
			Attachment: &notify.Attachment{Name: "appointment.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH",
				Data: ics}})
	})
	return queued, err
}
