package audit

import (
	"context"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Actor is who causes a change: a signed-in user, the command line or the
// system itself. Domain services take one so every change names its author.
type Actor struct {
	ID    ids.User
	Label string
	IP    string
}

// System is the actor of automatic work (demo seeding, background jobs).
var System = Actor{Label: "system"}

// CLI is the actor of the serambi command line.
var CLI = Actor{Label: "cli"}

// Record appends one entry in a transaction of its own, for events that
// change nothing else (a sign-in, a refused request).
func Record(ctx context.Context, d *db.DB, e Entry) error {
	return d.InTx(ctx, func(tx *db.Tx) error { return Append(ctx, tx, e) })
}

// Entry returns an entry for this actor.
func (a Actor) Entry(tenantID ids.Tenant, action, object, summary string) Entry {
	return Entry{ActorID: a.ID, ActorLabel: a.Label, IP: a.IP, TenantID: tenantID, Action: action, Object: object, Summary: summary}
}
