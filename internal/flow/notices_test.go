package flow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/workflow"
)

// noticed is a world whose application changes send notices.
type noticed struct {
	*world
	classes   *classes.Store
	outbox    *notify.Outbox
	notices   *flow.Notices
	delivered []string
	bench     catalog.Service
}

func newNoticed(t *testing.T, d *db.DB) *noticed {
	t.Helper()
	w := newWorld(t, d)
	n := &noticed{world: w, outbox: notify.NewOutbox(d, w.Clock, true), classes: classes.NewStore(d, w.Clock, []byte("check-in"))}
	n.notices = flow.NewNotices(flow.NoticeDeps{DB: d, Clock: w.Clock, Identity: w.d.Identity, Tenants: w.TenantStore,
		Catalog: catalog.NewStore(d, w.Clock), Counters: w.d.Counters, Classes: n.classes, Outbox: n.outbox, BaseURL: "https://serambi.example",
		CheckKey: []byte("check"), Deliver: func(_ context.Context, _ *db.Tx, id string) error {
			n.delivered = append(n.delivered, id)
			return nil
		}})
	w.d.Apps.OnTransition(n.notices)
	n.classes.OnPromote(n.notices.ClassPromoted)
	n.bench = w.service(t, "../../bench/data/bench-service.json")
	return n
}

func (n *noticed) messages(t *testing.T) []notify.Message {
	t.Helper()
	ms, err := n.outbox.List(n.Ctx, n.tenantID, 50)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestApplicationNotices: the applicant hears of the submission and of a
// sending back (with the officer's words), each queued with its delivery
// in the change's transaction; an account without an email address gets
// no message and the change still happens.
func TestApplicationNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNoticed(t, d)
		resident, officer := n.User(t, "resident"), n.User(t, "officer")
		if _, err := d.ExecContext(n.Ctx, `UPDATE users SET lang = 'ja' WHERE id = ?`, resident.ID); err != nil {
			t.Fatal(err)
		}
		answers := form.Answers{"name": "A", "copies": float64(1), "date": "2026-11-01"}
		a, err := n.d.Apps.Create(n.Ctx, application.Caller{Actor: resident, Roles: []string{workflow.Resident}},
			n.Tenants["banyuwangi"], n.bench, application.Draft{ApplicantID: resident.ID, Lang: "ja", Answers: answers, Submit: true})
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		staff := application.Caller{Actor: officer, Roles: []string{workflow.Officer}}
		if _, err := n.d.Apps.Act(n.Ctx, staff, n.Tenants["banyuwangi"], n.bench, a.ID, a.Version, "send_back",
			"写真をもう一枚"); err != nil {
			t.Fatalf("send back: %v", err)
		}
		ms := n.messages(t)
		if len(ms) != 2 || len(n.delivered) != 2 {
			t.Fatalf("%d messages, %d deliveries; want 2 and 2", len(ms), len(n.delivered))
		}
		byTemplate := map[string]notify.Message{}
		for _, m := range ms {
			byTemplate[m.Template] = m
			if m.To != resident.Label || m.Lang != "ja" || m.Related != string(a.ID) {
				t.Errorf("%s went to %s in %q about %s; want %s in ja about %s", m.Template, m.To, m.Lang, m.Related,
					resident.Label, a.ID)
			}
		}
		if m, ok := byTemplate[notify.ApplicationSubmitted]; !ok || !strings.Contains(m.Body, a.TrackingNumber) {
			t.Errorf("no submission notice with the tracking number %s: %+v", a.TrackingNumber, byTemplate)
		}
		if m, ok := byTemplate[notify.ApplicationSentBack]; !ok || !strings.Contains(m.Body, "写真をもう一枚") {
			t.Errorf("no sending-back notice with the officer's words: %+v", byTemplate)
		}

		silent := n.User(t, "silent")
		if _, err := d.ExecContext(n.Ctx, `UPDATE users SET email = NULL WHERE id = ?`, silent.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := n.d.Apps.Create(n.Ctx, application.Caller{Actor: silent, Roles: []string{workflow.Resident}},
			n.Tenants["banyuwangi"], n.bench, application.Draft{ApplicantID: silent.ID, Answers: answers, Submit: true}); err != nil {
			t.Fatalf("submit without an address: %v", err)
		}
		if got := len(n.messages(t)); got != 2 {
			t.Fatalf("%d messages after a submission by an account without email, want still 2", got)
		}
	})
}

// TestAppointmentReminder: the day before, the resident is reminded once,
// with the appointment as a calendar file.
func TestAppointmentReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNoticed(t, d)
		resident := n.User(t, "resident")
		at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) // Friday 09:00 in Banyuwangi, a week ahead
		if _, err := n.d.Counters.Book(n.Ctx, resident, n.Tenants["banyuwangi"], n.counter.ID, resident.ID, at, ""); err != nil {
			t.Fatalf("book: %v", err)
		}
		if sent, err := n.notices.RemindAppointments(n.Ctx); err != nil || sent != 0 {
			t.Fatalf("a week ahead: %d reminders, %v; want none", sent, err)
		}
		n.Clock.Advance(at.Add(-20 * time.Hour).Sub(n.Clock.Now()))
		if sent, err := n.notices.RemindAppointments(n.Ctx); err != nil || sent != 1 {
			t.Fatalf("the day before: %d reminders, %v; want 1", sent, err)
		}
		if sent, err := n.notices.RemindAppointments(n.Ctx); err != nil || sent != 0 {
			t.Fatalf("asked again: %d reminders, %v; want none (sent once)", sent, err)
		}
		ms := n.messages(t)
		if len(ms) != 1 || ms[0].Template != notify.AppointmentReminder {
			t.Fatalf("messages = %+v, want one reminder", ms)
		}
		m, err := n.outbox.Get(n.Ctx, ms[0].ID)
		if err != nil || m.Attachment == nil || !strings.Contains(m.Attachment.Data, "BEGIN:VEVENT") {
			t.Fatalf("reminder %+v, %v: want an .ics attachment", m.Attachment, err)
		}
	})
}

// TestClassNotices: a learner who moves up from the waiting list is told
// at once, in their language, with the hall and the class as an .ics
// file, in the transaction that gives the seat; every seated learner is
// reminded once the day before, and no one on the waiting list is.
func TestClassNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNoticed(t, d)
		first, waiting := n.User(t, "first"), n.User(t, "waiting")
		if _, err := d.ExecContext(n.Ctx, `UPDATE users SET lang = 'ja' WHERE id = ?`, waiting.ID); err != nil {
			t.Fatal(err)
		}
		c, err := n.classes.CreateCourse(n.Ctx, first, n.tenantID, classes.Course{Code: "first-steps", Level: classes.Beginner,
			Title: classes.Text{"id": "Langkah pertama", "ja": "はじめてのスマホ"}, Published: true})
		if err != nil {
			t.Fatal(err)
		}
		at := n.Clock.Now().Add(7 * 24 * time.Hour)
		x, err := n.classes.CreateSession(n.Ctx, first, n.tenantID, classes.Session{CourseID: c.ID, StartsAt: at,
			EndsAt: at.Add(90 * time.Minute), VenueName: "Balai Desa Kemiren", VenueAddress: "Jl. Barong", Capacity: 1})
		if err != nil {
			t.Fatal(err)
		}
		seat, err := n.classes.Enrol(n.Ctx, first, n.tenantID, x.ID, first.ID, classes.Questions{Phone: classes.PhoneAndroid})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.classes.Enrol(n.Ctx, waiting, n.tenantID, x.ID, waiting.ID, classes.Questions{Phone: classes.PhoneNone}); err != nil {
			t.Fatal(err)
		}
		if ms := n.messages(t); len(ms) != 0 {
			t.Fatalf("messages before anyone moved up: %+v", ms)
		}
		if _, err := n.classes.Cancel(n.Ctx, first, n.tenantID, seat.ID); err != nil {
			t.Fatal(err)
		}
		ms := n.messages(t)
		if len(ms) != 1 || ms[0].Template != notify.ClassPromoted || ms[0].To != waiting.Label {
			t.Fatalf("after the seat freed: %+v, want one class_promoted to %s", ms, waiting.Label)
		}
		m, err := n.outbox.Get(n.Ctx, ms[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"はじめてのスマホ", "Balai Desa Kemiren", "/classes/sessions/" + string(x.ID)} {
			if !strings.Contains(m.Subject+m.Body, want) {
				t.Errorf("the promotion email lacks %q:\n%s\n%s", want, m.Subject, m.Body)
			}
		}
		if m.Attachment == nil || !strings.Contains(m.Attachment.Data, "LOCATION:Balai Desa Kemiren\\, Jl. Barong") {
			t.Errorf("the promotion email's calendar file: %+v", m.Attachment)
		}

		// The day before: the seated learner (now the one who waited) once.
		if sent, err := n.notices.RemindClasses(n.Ctx); err != nil || sent != 0 {
			t.Fatalf("a week ahead: %d reminders, %v", sent, err)
		}
		n.Clock.Advance(at.Add(-20 * time.Hour).Sub(n.Clock.Now()))
		if sent, err := n.notices.RemindClasses(n.Ctx); err != nil || sent != 1 {
			t.Fatalf("the day before: %d reminders, %v; want 1", sent, err)
		}
		if sent, err := n.notices.RemindClasses(n.Ctx); err != nil || sent != 0 {
			t.Fatalf("asked again: %d reminders, %v; want none", sent, err)
		}
		ms = n.messages(t)
		if len(ms) != 2 || ms[0].Template != notify.ClassReminder && ms[1].Template != notify.ClassReminder {
			t.Fatalf("messages = %+v, want the promotion and one reminder", ms)
		}
	})
}

// TestClassCalledOff: calling a class off emails every learner with a
// place, with a calendar file that removes the class.
func TestClassCalledOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNoticed(t, d)
		n.classes.OnCancelSession(n.notices.ClassCalledOff)
		learner := n.User(t, "learner")
		c, err := n.classes.CreateCourse(n.Ctx, learner, n.tenantID, classes.Course{Code: "daily-life", Level: classes.Basic,
			Title: classes.Text{"id": "Ponsel sehari-hari"}, Published: true})
		if err != nil {
			t.Fatal(err)
		}
		at := n.Clock.Now().Add(48 * time.Hour)
		x, err := n.classes.CreateSession(n.Ctx, learner, n.tenantID, classes.Session{CourseID: c.ID, StartsAt: at,
			EndsAt: at.Add(time.Hour), VenueName: "Balai Desa", Capacity: 5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.classes.Enrol(n.Ctx, learner, n.tenantID, x.ID, learner.ID, classes.Questions{Phone: classes.PhoneNone}); err != nil {
			t.Fatal(err)
		}
		if _, err := n.classes.CancelSession(n.Ctx, learner, n.tenantID, x.ID); err != nil {
			t.Fatal(err)
		}
		ms := n.messages(t)
		if len(ms) != 1 || ms[0].Template != notify.ClassCancelled {
			t.Fatalf("messages: %+v", ms)
		}
		m, err := n.outbox.Get(n.Ctx, ms[0].ID)
		if err != nil || m.Attachment == nil || !strings.Contains(m.Attachment.Data, "STATUS:CANCELLED") || !strings.Contains(m.Subject, "Ponsel sehari-hari") {
			t.Fatalf("the email %q and its calendar file %+v (%v)", m.Subject, m.Attachment, err)
		}
	})
}
