package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/workflow"
)

// Notices are the emails that follow a change: an application submitted,
// sent back, decided or late; an assisted application's confirmation
// code; an appointment's reminder. Each is queued in the outbox inside
// the transaction of the change it reports, so a change and its notice
// commit together or not at all.
type Notices struct {
	db       *db.DB
	clock    clock.Clock
	identity *identity.Service
	tenants  *tenant.Service
	catalog  *catalog.Store
	counters *counter.Store
	classes  *classes.Store
	outbox   *notify.Outbox
	surveys  *survey.Store
	baseURL  string
	checkKey []byte
	deliver  func(ctx context.Context, tx *db.Tx, messageID string) error
}

// NoticeDeps are what Notices needs.
type NoticeDeps struct {
	DB       *db.DB
	Clock    clock.Clock
	Identity *identity.Service
	Tenants  *tenant.Service
	Catalog  *catalog.Store
	Counters *counter.Store
	Classes  *classes.Store
	Outbox   *notify.Outbox
	// Surveys, when set, invites whoever was served to the satisfaction
	// survey (a decided application, a finished call).
	Surveys  *survey.Store
	BaseURL  string // links in the emails
	CheckKey []byte // applications' check codes for public tracking
	// Deliver, when set, queues the sending of a queued message in the
	// same transaction (a job); nil keeps messages in the outbox page.
	Deliver func(ctx context.Context, tx *db.Tx, messageID string) error
}

// NewNotices joins d.
func NewNotices(d NoticeDeps) *Notices {
	return &Notices{db: d.DB, clock: d.Clock, identity: d.Identity, tenants: d.Tenants, catalog: d.Catalog,
		counters: d.Counters, classes: d.Classes, outbox: d.Outbox, surveys: d.Surveys, baseURL: d.BaseURL, checkKey: d.CheckKey, deliver: d.Deliver}
}

// OnTransition implements application.TransitionHook: the applicant hears
// of a submission, a sending back and a decision in their language; a
// late application is told to the admins and the assigned officer.
func (n *Notices) OnTransition(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service,
	a application.Application, e application.Event) error {
	if e.Action == "create" {
		return nil
	}
	if e.Action == "escalate" {
		return n.escalated(ctx, tx, t, svc, a)
	}
	st, _ := svc.Workflow.State(a.State) // the state the change just moved to exists
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
	var surveyURL string
	if template == notify.ApplicationDecided {
		channel := survey.Online
		if a.FilledBy != "" {
			channel = survey.Remote // filled by an officer during a call
		}
		var err error
		surveyURL, err = n.invite(ctx, tx, t, survey.Invitation{Channel: channel, Subject: "application:" + string(a.ID),
			ServiceID: svc.ID, ResidentID: a.ApplicantID})
		if err != nil {
			return err
		}
	}
	u, ok, err := n.recipient(ctx, tx, a.ApplicantID)
	if !ok {
		return err // no address: the resident sees it in their account
	}
	data := n.data(t, svc, a, u.Lang, u.Name)
	data["state"] = st.Labels.In(u.Lang)
	data["comment"] = e.Comment
	data["survey_url"] = surveyURL
	return n.send(ctx, tx, notify.Event{Template: template, TenantID: t.ID, RecipientID: u.ID, To: u.Email,
		Lang: u.Lang, Related: string(a.ID), Data: data})
}

// recipient reads who a notice goes to; ok is false when there is no one
// to email (no such account, or no address), err only when reading failed.
func (n *Notices) recipient(ctx context.Context, tx *db.Tx, userID ids.User) (identity.User, bool, error) {
	u, err := n.identity.ByIDIn(ctx, tx, userID)
	switch {
	case errors.Is(err, identity.ErrNotFound):
		return u, false, nil
	case err != nil:
		return u, false, fmt.Errorf("flow: read the recipient of a notice: %w", err)
	}
	return u, u.Email != "", nil
}

// escalated tells the tenant's admins and the assigned officer.
func (n *Notices) escalated(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a application.Application) error {
	staff, err := n.identity.StaffIn(ctx, tx, t.ID)
	if err != nil {
		return fmt.Errorf("flow: read the staff to tell of late application %s: %w", a.ID, err)
	}
	st, _ := svc.Workflow.State(a.State)
	for _, m := range staff {
		if (!slices.Contains(m.Roles, identity.Admin) && m.User.ID != a.AssignedTo) || m.User.Email == "" {
			continue
		}
		data := n.data(t, svc, a, m.User.Lang, m.User.Name)
		data["state"] = st.Labels.In(m.User.Lang)
		if a.DueAt != nil {
			data["due"] = locale.Date(m.User.Lang, *a.DueAt, t.Location())
		}
		err := n.send(ctx, tx, notify.Event{Template: notify.SLAEscalated, TenantID: t.ID, RecipientID: m.User.ID,
			To: m.User.Email, Lang: m.User.Lang, Related: string(a.ID), Data: data})
		if err != nil {
			return err
		}
	}
	return nil
}

func (n *Notices) data(t tenant.Tenant, svc catalog.Service, a application.Application, lang, name string) map[string]string {
	return map[string]string{"name": name, "service": svc.Names.In(lang), "tracking_number": a.TrackingNumber,
		"tenant": t.Name(lang), "contact": contactOf(t.ContactPhone, t.ContactEmail),
		"url": n.baseURL + "/" + t.Slug + "/applications/" + string(a.ID), "check": application.CheckCode(n.checkKey, a.ID),
		"track_url": n.baseURL + "/track"}
}

// send queues the message and, when email is configured, its delivery.
func (n *Notices) send(ctx context.Context, tx *db.Tx, e notify.Event) error {
	if e.TenantID != "" {
		t, err := n.tenants.ByID(ctx, e.TenantID)
		if err != nil {
			return fmt.Errorf("flow: tenant of a %s notice: %w", e.Template, err)
		}
		if t.IsPractice() {
			return nil // practice tells no one: not the learner's inbox, not the staff's
		}
	}
	id, err := n.outbox.Queue(ctx, tx, e)
	if err != nil {
		return fmt.Errorf("flow: queue %s to %s: %w", e.Template, e.RecipientID, err)
	}
	if n.deliver == nil {
		return nil
	}
	return n.deliver(ctx, tx, id)
}

// SendCode emails an assisted application's confirmation code
// (an application.CodeSender).
func (n *Notices) SendCode(ctx context.Context, tx *db.Tx, a application.Application, code string) error {
	u, ok, err := n.recipient(ctx, tx, a.ApplicantID)
	if !ok {
		return err
	}
	t, err := n.tenants.ByID(ctx, a.TenantID)
	if err != nil {
		return fmt.Errorf("flow: tenant of application %s: %w", a.ID, err)
	}
	svc, err := n.catalog.ByID(ctx, t.ID, a.ServiceID)
	if err != nil {
		return fmt.Errorf("flow: service of application %s: %w", a.ID, err)
	}
	data := n.data(t, svc, a, u.Lang, u.Name)
	data["code"] = code
	return n.send(ctx, tx, notify.Event{Template: notify.AssistCode, TenantID: t.ID, RecipientID: u.ID, To: u.Email,
		Lang: u.Lang, Related: string(a.ID), Data: data})
}

func contactOf(phone, email string) string {
	if email == "" {
		return phone
	}
	return phone + " " + email
}

// invite asks whoever was served in t to the satisfaction survey of its
// country and returns the link to it; "" when surveys are not set up,
// for a practice twin (nothing a learner does there is counted), or when
// the subject was invited before.
func (n *Notices) invite(ctx context.Context, tx *db.Tx, t tenant.Tenant, inv survey.Invitation) (string, error) {
	if n.surveys == nil || t.IsPractice() {
		return "", nil
	}
	inv.TenantID, inv.Template = t.ID, survey.ForCountry(t.Country)
	inv, created, err := n.surveys.Invite(ctx, tx, inv)
	if err != nil || !created {
		return "", err
	}
	return n.baseURL + "/" + t.Slug + "/survey/" + n.surveys.Token(inv.ID), nil
}
