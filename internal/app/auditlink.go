package app

import (
	"context"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
)

// auditLinkEvery is how long an audit entry written on PostgreSQL waits,
// at most, to be linked into the chain (audit.Link). Readers of the trail
// link first, so it only bounds how long an entry sits outside the chain.
const auditLinkEvery = 200 * time.Millisecond

// linkAudit links PostgreSQL's new audit entries until ctx ends. Every
// node runs one; they queue on the chain's head, and an idle round is one
// read.
func (a *App) linkAudit(ctx context.Context) {
	if a.DB.Dialect() != db.Postgres {
		return
	}
	t := time.NewTicker(auditLinkEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := audit.Link(ctx, a.DB); err != nil && ctx.Err() == nil {
			a.Log.Error("link the audit trail", "err", err)
		}
	}
}
