package app

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/flow"
	"github.com/serambi/serambi/internal/notify"
)

// The emails that follow a change are written in internal/flow; here they
// are wired to the job queue: a delivery job per message when SMTP is
// configured, and a reminder check every minute.

// deliver is the job that sends one queued message.
type deliver struct {
	MessageID string `json:"message_id"`
}

func (deliver) Kind() string { return "notify_deliver" }

type deliverWorker struct {
	river.WorkerDefaults[deliver]
	sender *notify.Sender
	outbox *notify.Outbox
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliver]) error {
	return w.sender.Deliver(ctx, w.outbox, job.Args.MessageID)
}

// reminderCheck is the periodic job that sends the appointment reminders due.
type reminderCheck struct{}

func (reminderCheck) Kind() string { return "appointment_reminders" }

type reminderWorker struct {
	river.WorkerDefaults[reminderCheck]
	a *App
}

func (w *reminderWorker) Work(ctx context.Context, _ *river.Job[reminderCheck]) error {
	sent, err := w.a.remind(ctx)
	if sent > 0 {
		w.a.Log.Info("reminders sent (appointments and classes)", "count", sent)
	}
	return err
}

// setupNotices wires emails into the application service and the jobs.
func (a *App) setupNotices() error {
	a.Outbox = notify.NewOutbox(a.DB, a.Clock, a.Config.SMTPURL != "")
	deps := flow.NoticeDeps{DB: a.DB, Clock: a.Clock, Identity: a.Identity, Tenants: a.Tenants, Catalog: a.Catalog,
		Counters: a.Counters, Classes: a.Classes, Outbox: a.Outbox, Surveys: a.Surveys, BaseURL: a.Config.BaseURL, CheckKey: a.checkKey}
	if a.Config.SMTPURL != "" {
		s, err := notify.NewSender(a.Config.SMTPURL)
		if err != nil {
			return err
		}
		river.AddWorker(a.Jobs.Workers, &deliverWorker{sender: s, outbox: a.Outbox})
		deps.Deliver = func(ctx context.Context, tx *db.Tx, id string) error {
			return a.Jobs.Insert(ctx, tx, deliver{MessageID: id})
		}
	}
	n := flow.NewNotices(deps)
	river.AddWorker(a.Jobs.Workers, &reminderWorker{a: a})
	a.Jobs.Every(time.Minute, func() river.JobArgs { return reminderCheck{} })
	a.remind = func(ctx context.Context) (int, error) {
		sent, err := n.RemindAppointments(ctx)
		if err != nil {
			return sent, err
		}
		classes, err := n.RemindClasses(ctx)
		if err != nil {
			return sent + classes, err
		}
		asked, err := n.SurveyClasses(ctx)
		return sent + classes + asked, err
	}
	a.Classes.OnPromote(n.ClassPromoted)
	a.Classes.OnCancelSession(n.ClassCalledOff)
	a.Classes.OnChangeSession(n.ClassChanged)
	a.Practices.OnAnswer(n.PracticeAnswered)
	a.Apps.OnTransition(n)
	a.sendCode = n.SendCode
	return nil
}
