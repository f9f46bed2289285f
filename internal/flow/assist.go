package flow

import (
	"context"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// Assist is an application an officer starts for a resident.
type Assist struct {
	Caller     application.Caller // the officer
	Tenant     tenant.Tenant
	Service    catalog.Service
	ResidentID ids.User
	Lang       string // the resident's language
	// CallID is the open call in which the officer fills it ("" for none);
	// the caller has checked that the officer serves its counter.
	CallID ids.Call
}

// Assisted is what StartAssisted made.
type Assisted struct {
	Application application.Application
	// Call is the call the application is now linked to; Call.ID is ""
	// when none was given or it had ended meanwhile.
	Call call.Call
}

// StartAssisted creates the draft an officer fills for a resident, makes
// the resident one of the tenant's (a visitor registered elsewhere), and,
// when it happens during an open call, names the call's resident and
// links the application to the call: all in one transaction.
func (f *Flows) StartAssisted(ctx context.Context, in Assist) (Assisted, error) {
	var out Assisted
	err := f.atomically(ctx, "start an assisted application of "+in.Service.Code, func(ctx context.Context) error {
		out = Assisted{}
		a, err := f.apps.Create(ctx, in.Caller, in.Tenant, in.Service,
			application.Draft{ApplicantID: in.ResidentID, FilledBy: in.Caller.Actor.ID, Lang: in.Lang})
		if err != nil {
			return err
		}
		out.Application = a
		if err := f.identity.JoinAsResident(ctx, in.Caller.Actor, in.Tenant.ID, in.ResidentID); err != nil {
			return err
		}
		if in.CallID == "" {
			return nil
		}
		c, err := f.calls.Get(ctx, in.Tenant.ID, in.CallID)
		if err != nil {
			return err // the caller checked the call exists: a failure here is real
		}
		if c.Status != call.Open {
			return nil // ended meanwhile: the application stands on its own
		}
		if c.ResidentID == "" {
			if err := f.calls.SetResident(ctx, in.Tenant.ID, c.ID, in.ResidentID); err != nil {
				return err
			}
			c.ResidentID = in.ResidentID
		}
		if err := f.calls.LinkApplication(ctx, in.Tenant.ID, c.ID, a.ID); err != nil {
			return err
		}
		c.ApplicationID = a.ID
		out.Call = c
		return nil
	})
	return out, err
}
