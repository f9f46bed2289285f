package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ical"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// Class notices: a learner who moves up from the waiting list hears of
// the seat at once (in the transaction that gives it), and every seated
// learner is reminded the day before, with the hall's address and the
// class as an .ics file.

// ClassPromoted implements classes.PromoteHook.
func (n *Notices) ClassPromoted(ctx context.Context, tx *db.Tx, e classes.Enrolment, x classes.Session) error {
	return n.classNotice(ctx, tx, notify.ClassPromoted, e, x, n.clock.Now())
}

// ClassCalledOff implements classes.CancelHook.
func (n *Notices) ClassCalledOff(ctx context.Context, tx *db.Tx, e classes.Enrolment, x classes.Session) error {
	return n.classNotice(ctx, tx, notify.ClassCancelled, e, x, n.clock.Now())
}

// ClassChanged implements the hook of classes.Store.OnChangeSession.
func (n *Notices) ClassChanged(ctx context.Context, tx *db.Tx, e classes.Enrolment, x classes.Session) error {
	return n.classNotice(ctx, tx, notify.ClassChanged, e, x, n.clock.Now())
}

// RemindClasses sends the class reminders due now and returns how many
// were queued.
func (n *Notices) RemindClasses(ctx context.Context) (int, error) {
	now := n.clock.Now()
	due, err := n.classes.DueReminders(ctx, now, remindBatch)
	if err != nil {
		return 0, fmt.Errorf("flow: find the class reminders due: %w", err)
	}
	return n.eachOnce(ctx, due, now, "remind", classes.MarkReminded, func(tx *db.Tx, r classes.Reminder) error {
		return n.classNotice(ctx, tx, notify.ClassReminder, r.Enrolment, r.Session, now)
	})
}

// eachOnce does act for each learner in due, each in its own transaction
// with mark (which says whether this is the first time), and counts
// those done.
func (n *Notices) eachOnce(ctx context.Context, due []classes.Reminder, now time.Time, what string,
	mark func(context.Context, *db.Tx, ids.Enrolment, time.Time) (bool, error), act func(*db.Tx, classes.Reminder) error) (int, error) {
	done := 0
	for _, r := range due {
		err := n.db.InTx(ctx, func(tx *db.Tx) error {
			first, err := mark(ctx, tx, r.ID, now)
			if err != nil || !first {
				return err
			}
			done++
			return act(tx, r)
		})
		if err != nil {
			return done, fmt.Errorf("flow: %s enrolment %s: %w", what, r.ID, err)
		}
	}
	return done, nil
}

// classNotice queues one class email to the learner, in their language,
// with the class attached as a calendar file. A learner without an
// email address sees their classes in their account instead.
func (n *Notices) classNotice(ctx context.Context, tx *db.Tx, template string, e classes.Enrolment, x classes.Session, now time.Time) error {
	t, err := n.tenants.ByID(ctx, e.TenantID)
	if err != nil {
		return err
	}
	c, err := n.classes.Course(ctx, t.ID, x.CourseID)
	if err != nil {
		return err
	}
	u, ok, err := n.recipient(ctx, tx, e.LearnerID)
	if !ok {
		return err
	}
	title := c.Title.In(u.Lang)
	url := n.baseURL + "/" + t.Slug + "/classes/sessions/" + string(x.ID)
	data := map[string]string{"name": u.Name, "course": title, "url": url, "tenant": t.Name(u.Lang),
		"when": locale.DateTime(u.Lang, x.StartsAt, t.Location()), "until": locale.Clock(u.Lang, x.EndsAt, t.Location()),
		"venue": x.VenueName, "address": x.VenueAddress, "map": x.MapURL, "contact": contactOf(t.ContactPhone, t.ContactEmail)}
	if x.Online {
		data["online"] = "1"
	}
	return n.send(ctx, tx, notify.Event{Template: template, TenantID: t.ID, RecipientID: u.ID, To: u.Email, Lang: u.Lang,
		Related: string(e.ID), Data: data, Attachment: classCalendar(t, x, title, url, now)})
}

// classCalendar is the session as an .ics file the phone's calendar adds.
func classCalendar(t tenant.Tenant, x classes.Session, title, url string, now time.Time) *notify.Attachment {
	where := x.VenueName
	if x.VenueAddress != "" {
		where += ", " + x.VenueAddress
	}
	// A cancelled class's file removes it from the calendar it was added to.
	ics := ical.Calendar("Serambi", []ical.Event{{UID: string(x.ID) + "@serambi", Start: x.StartsAt, End: x.EndsAt,
		Summary: title + " — " + t.Slug, Location: where, URL: url, Cancelled: x.Cancelled, Sequence: x.Revision()}}, now)
	return &notify.Attachment{Name: "class.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ics}
}

// SurveyClasses asks the learners who came to a class that has ended the
// satisfaction survey about it (once each): an invitation about the
// course, and an email with its link to those who have an address (the
// others find it on their home page). Returns how many were asked.
func (n *Notices) SurveyClasses(ctx context.Context) (int, error) {
	if n.surveys == nil {
		return 0, nil
	}
	now := n.clock.Now()
	due, err := n.classes.DueSurveys(ctx, now, remindBatch)
	if err != nil {
		return 0, fmt.Errorf("flow: find the class surveys due: %w", err)
	}
	return n.eachOnce(ctx, due, now, "ask the survey of", classes.MarkSurveyed, func(tx *db.Tx, r classes.Reminder) error {
		return n.surveyClass(ctx, tx, r.Enrolment, r.Session)
	})
}

// surveyClass invites one learner and emails them the link.
func (n *Notices) surveyClass(ctx context.Context, tx *db.Tx, e classes.Enrolment, x classes.Session) error {
	t, err := n.tenants.ByID(ctx, e.TenantID)
	if err != nil {
		return err
	}
	link, err := n.invite(ctx, tx, t, survey.Invitation{Channel: survey.Class, Subject: "enrolment:" + string(e.ID),
		UnitKind: survey.UnitClass, UnitID: string(x.CourseID), ResidentID: e.LearnerID})
	if err != nil || link == "" {
		return err
	}
	c, err := n.classes.Course(ctx, t.ID, x.CourseID)
	if err != nil {
		return err
	}
	u, ok, err := n.recipient(ctx, tx, e.LearnerID)
	if !ok {
		return err
	}
	data := map[string]string{"name": u.Name, "about": c.Title.In(u.Lang), "url": link, "tenant": t.Name(u.Lang),
		"contact": contactOf(t.ContactPhone, t.ContactEmail)}
	return n.send(ctx, tx, notify.Event{Template: notify.SurveyInvitation, TenantID: t.ID, RecipientID: u.ID, To: u.Email,
		Lang: u.Lang, Related: string(e.ID), Data: data})
}
