// Package flow runs the work that spans domains: a call and its queue
// ticket, an application an officer fills for a resident during a call.
// Each flow runs in one transaction (db.Atomically: every store it calls
// joins it), so it happens whole or not at all, and returns its errors;
// what must wait for the commit (waking pages, closing call rooms) the
// stores queue with db.AfterCommit. Handlers parse, call one flow and
// render; domain packages never import this one (web -> flow -> domain).
package flow

import (
	"context"
	"fmt"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
)

// Flows holds the domain stores the flows join up.
type Flows struct {
	db       *db.DB
	queue    *queue.Store
	calls    *call.Store
	counters *counter.Store
	apps     *application.Service
	identity *identity.Service

	practices *knowledge.Store
	tenants   *tenant.Service
	classes   *classes.Store
	services  *catalog.Store
	surveys   *survey.Store
}

// Deps are the stores a Flows needs.
type Deps struct {
	DB       *db.DB
	Queue    *queue.Store
	Calls    *call.Store
	Counters *counter.Store
	Apps     *application.Service
	Identity *identity.Service
	// For copies from a good practice being replicated.
	Practices *knowledge.Store
	Tenants   *tenant.Service
	Classes   *classes.Store
	Services  *catalog.Store
	// Surveys, when set, invites the resident of a finished call.
	Surveys *survey.Store
}

// New joins the stores of d.
func New(d Deps) *Flows {
	return &Flows{db: d.DB, queue: d.Queue, calls: d.Calls, counters: d.Counters, apps: d.Apps, identity: d.Identity,
		practices: d.Practices, tenants: d.Tenants, classes: d.Classes, services: d.Services, surveys: d.Surveys}
}

// atomically runs fn in one transaction. Two officers opening the same
// call at once are settled by a unique index; on PostgreSQL the loser's
// transaction cannot go on after the violation, so the flow runs once
// more and finds the winner's call.
func (f *Flows) atomically(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	err := f.db.Atomically(ctx, fn)
	if db.IsUniqueViolation(err) {
		err = f.db.Atomically(ctx, fn)
	}
	if err != nil {
		return fmt.Errorf("flow: %s: %w", what, err)
	}
	return nil
}
