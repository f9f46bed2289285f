package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/workflow"
)

// notices turns what happens to applications into emails, queued in the
// same transaction as the change and delivered by a job.
type notices struct {
	a      *App
	outbox *notify.Outbox
	sender *notify.Sender // nil: messages stay in the outbox page
	msgs   *locale.Catalog
}

// deliver is the job that sends one queued message.
type deliver struct {
	MessageID string `json:"message_id"`
}

func (deliver) Kind() string { return "notify_deliver" }

type deliverWorker struct {
	river.WorkerDefaults[deliver]
	n *notices
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliver]) error {
	return w.n.sender.Deliver(ctx, w.n.outbox, job.Args.MessageID)
}

// OnTransition implements application.TransitionHook.
func (n *notices) OnTransition(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a application.Application, e application.Event) error {
	if e.Action == "create" {
		return nil
	}
	if e.Action == "escalate" {
		return n.escalated(ctx, tx, t, svc, a)
	}
	st, _ := svc.Workflow.State(a.State)
	template := notify.ApplicationChanged
	switch {
	case e.Action == "submit":
		template = notify.ApplicationSubmitted
	case e.Action == "send_back":
		template = notify.ApplicationSentBack
	case st.End && st.Outcome != workflow.Withdrawn:
		template = notify.ApplicationDecided
	case st.End:
		return nil // the resident withdrew it themself
	}
	u, err := n.a.Identity.ByIDIn(ctx, tx, a.ApplicantID)
	if err != nil || u.Email == "" {
		return nil // no address: the resident sees it in their account
	}
	data := n.data(t, svc, a, u.Lang, u.Name)
	data["state"] = st.Labels.In(u.Lang)
	data["comment"] = e.Comment
	return n.send(ctx, tx, notify.Event{Template: template, TenantID: t.ID, RecipientID: u.ID, To: u.Email, Lang: u.Lang,
		Related: a.ID, Data: data})
}

// escalated tells the tenant's admins and the assigned officer.
func (n *notices) escalated(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a application.Application) error {
	staff, err := n.a.Identity.StaffIn(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	for _, m := range staff {
		if !hasRole(m.Roles, identity.Admin) && m.User.ID != a.AssignedTo {
			continue
		}
		if m.User.Email == "" {
			continue
		}
		data := n.data(t, svc, a, m.User.Lang, m.User.Name)
		st, _ := svc.Workflow.State(a.State)
		data["state"] = st.Labels.In(m.User.Lang)
		if a.DueAt != nil {
			data["due"] = locale.Date(m.User.Lang, *a.DueAt, t.Location())
		}
		err := n.send(ctx, tx, notify.Event{Template: notify.SLAEscalated, TenantID: t.ID, RecipientID: m.User.ID,
			To: m.User.Email, Lang: m.User.Lang, Related: a.ID, Data: data})
		if err != nil {
			return err
		}
	}
	return nil
}

func hasRole(rs []identity.Role, r identity.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (n *notices) data(t tenant.Tenant, svc catalog.Service, a application.Application, lang, name string) map[string]string {
	contact := t.ContactPhone
	if t.ContactEmail != "" {
		contact = fmt.Sprintf("%s %s", t.ContactPhone, t.ContactEmail)
	}
	return map[string]string{"name": name, "service": svc.Names.In(lang), "tracking_number": a.TrackingNumber,
		"tenant": t.Name(lang), "contact": contact, "url": n.a.Config.BaseURL + "/" + t.Slug + "/applications/" + a.ID,
		"check": application.CheckCode(n.a.checkKey, a.ID), "track_url": n.a.Config.BaseURL + "/track"}
}

// send queues the message and, when email is configured, its delivery job.
func (n *notices) send(ctx context.Context, tx *db.Tx, e notify.Event) error {
	id, err := n.outbox.Queue(ctx, tx, e)
	if err != nil || n.sender == nil {
		return err
	}
	return n.a.Jobs.Insert(ctx, tx, deliver{MessageID: id})
}

// sendCode emails an assisted application's confirmation code.
func (n *notices) sendCode(ctx context.Context, tx *db.Tx, a application.Application, code string) error {
	u, err := n.a.Identity.ByIDIn(ctx, tx, a.ApplicantID)
	if err != nil || u.Email == "" {
		return nil
	}
	t, err := n.a.Tenants.ByID(ctx, a.TenantID)
	if err != nil {
		return err
	}
	svc, err := n.a.Catalog.ByID(ctx, t.ID, a.ServiceID)
	if err != nil {
		return err
	}
	data := n.data(t, svc, a, u.Lang, u.Name)
	data["code"] = code
	return n.send(ctx, tx, notify.Event{Template: notify.AssistCode, TenantID: t.ID, RecipientID: u.ID, To: u.Email,
		Lang: u.Lang, Related: a.ID, Data: data})
}

// setupNotices wires emails into the application service.
func (a *App) setupNotices() error {
	n := &notices{a: a, outbox: notify.NewOutbox(a.DB, a.Clock, a.Config.SMTPURL != "")}
	if a.Config.SMTPURL != "" {
		s, err := notify.NewSender(a.Config.SMTPURL)
		if err != nil {
			return err
		}
		n.sender = s
		river.AddWorker(a.Jobs.Workers, &deliverWorker{n: n})
	}
	a.Outbox = n.outbox
	river.AddWorker(a.Jobs.Workers, &reminderWorker{n: n})
	a.Jobs.Every(time.Minute, func() river.JobArgs { return reminderCheck{} })
	a.remind = n.remindAppointments
	a.Apps.OnTransition(n)
	a.sendCode = n.sendCode
	return nil
}
