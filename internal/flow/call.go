package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// ErrNotBooked: the appointment is cancelled or over, so no call opens.
var ErrNotBooked = errors.New("flow: the appointment is not booked")

// StartTicketCall opens (or rejoins) the video call of a ticket its
// officer called, and marks the ticket in service: both or neither.
// queue.ErrNotCalled when the ticket is waiting or finished. Who may do
// this (an officer of the ticket's counter) the caller has checked.
func (f *Flows) StartTicketCall(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, ticketID ids.Ticket) (call.Call, error) {
	var c call.Call
	err := f.atomically(ctx, string("start the call of ticket "+ticketID), func(ctx context.Context) error {
		tk, err := f.queue.Get(ctx, tenantID, ticketID)
		if err != nil {
			return err
		}
		if tk.Status != queue.Called && tk.Status != queue.Serving {
			return queue.ErrNotCalled
		}
		c, err = f.calls.Begin(ctx, actor, tenantID, call.Subject{CounterID: tk.CounterID, TicketID: tk.ID,
			ResidentID: tk.ResidentID})
		if err != nil {
			return err
		}
		if tk.Status == queue.Called {
			if _, err := f.queue.Start(ctx, actor, tenantID, tk.ID); err != nil {
				return err
			}
		}
		// The resident's ticket page learns of the call with the next event.
		db.AfterCommit(ctx, func() { f.queue.Touch(tk.CounterID) })
		return nil
	})
	return c, err
}

// StartAppointmentCall opens (or rejoins) the call of a booked appointment.
// ErrNotBooked when it is not booked (any more).
func (f *Flows) StartAppointmentCall(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, appointmentID string) (call.Call, error) {
	var c call.Call
	err := f.atomically(ctx, "start the call of appointment "+appointmentID, func(ctx context.Context) error {
		a, err := f.counters.Appointment(ctx, tenantID, appointmentID)
		if err != nil {
			return err
		}
		if a.Status != counter.Booked {
			return ErrNotBooked
		}
		c, err = f.calls.Begin(ctx, actor, tenantID, call.Subject{CounterID: a.CounterID, AppointmentID: a.ID,
			ResidentID: a.ResidentID})
		return err
	})
	return c, err
}

// EndCall ends an open call with the officer's notes and finishes its
// ticket, if it has one, in one transaction. A ticket finished already
// (from the desk) is left as it is. call.ErrEnded when the call had
// ended; call.ErrNotes when the notes are too long.
func (f *Flows) EndCall(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, callID ids.Call, notes string) (call.Call, error) {
	var c call.Call
	err := f.atomically(ctx, string("end call "+callID), func(ctx context.Context) error {
		var err error
		if c, err = f.calls.End(ctx, actor, tenantID, callID, notes); err != nil {
			return err
		}
		if err := f.inviteAfterCall(ctx, c); err != nil {
			return err
		}
		if c.TicketID == "" {
			return nil
		}
		_, err = f.queue.Finish(ctx, actor, tenantID, c.TicketID)
		if errors.Is(err, queue.ErrNotCalled) {
			return nil // finished at the desk already, or marked not come
		}
		return err
	})
	return c, err
}

// inviteAfterCall asks the resident of a call that took place (someone
// joined the officer) to the satisfaction survey, about the counter; the
// call's closing page offers the link, so a walk-in without an account
// or email is asked too.
func (f *Flows) inviteAfterCall(ctx context.Context, c call.Call) error {
	if f.surveys == nil || c.StartedAt == nil {
		return nil
	}
	t, err := f.tenants.ByID(ctx, c.TenantID)
	if err != nil {
		return fmt.Errorf("read the tenant of call %s: %w", c.ID, err)
	}
	if t.IsPractice() {
		return nil
	}
	channel := survey.Remote
	if c.TicketID != "" {
		tk, err := f.queue.Get(ctx, t.ID, c.TicketID)
		if err != nil {
			return fmt.Errorf("read the ticket of call %s: %w", c.ID, err)
		}
		if tk.Source == queue.SourceKiosk {
			channel = survey.Kiosk // a visit to a kiosk in a community hall
		}
	}
	return f.db.InTx(ctx, func(tx *db.Tx) error {
		_, _, err := f.surveys.Invite(ctx, tx, survey.Invitation{TenantID: t.ID, Template: survey.ForCountry(t.Country),
			Channel: channel, Subject: "call:" + string(c.ID), UnitKind: survey.UnitCounter, UnitID: string(c.CounterID),
			ResidentID: c.ResidentID})
		return err
	})
}

// SurveyLink is the path of the survey about call c while it can be
// answered, "" otherwise.
func (f *Flows) SurveyLink(ctx context.Context, t tenant.Tenant, c call.Call) (string, error) {
	if f.surveys == nil {
		return "", nil
	}
	inv, ok, err := f.surveys.BySubject(ctx, t.ID, "call:"+string(c.ID))
	if err != nil || !ok || inv.Answered {
		return "", err
	}
	return "/" + t.Slug + "/survey/" + f.surveys.Token(inv.ID), nil
}
