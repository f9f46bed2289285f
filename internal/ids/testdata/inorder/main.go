// Package main calls stores with their identifiers in the right order; it
// must build (TestSwappedIDsDoNotCompile builds it to prove the set-up).
package main

import (
	"context"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
)

func main() {
	ctx := context.Background()
	var (
		apps    *application.Service
		calls   *call.Store
		docs    *document.Store
		tickets *queue.Store
		tenant  ids.Tenant
		app     ids.Application
		user    ids.User
		doc     ids.Document
		callID  ids.Call
		ticket  ids.Ticket
	)
	_, _ = apps.Get(ctx, tenant, app)
	_, _ = calls.Get(ctx, tenant, callID)
	_ = tickets.Cancel(ctx, audit.System, tenant, ticket, user)
	_ = docs.AttachAs(ctx, audit.System, tenant, doc, user, user, app, "ktp")
}
