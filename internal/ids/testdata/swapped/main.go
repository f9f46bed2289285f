// Package main is testdata/inorder with identifiers swapped or mistaken;
// it must not build (TestSwappedIDsDoNotCompile).
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
	_, _ = apps.Get(ctx, tenant, callID) // a call for an application
	_, _ = calls.Get(ctx, tenant, ticket)
	_, _ = apps.Get(ctx, app, tenant)                                            // tenant and application swapped // a ticket for a call
	_ = tickets.Cancel(ctx, audit.System, tenant, user, ticket)                  // user and ticket swapped
	_ = docs.AttachAs(ctx, audit.System, tenant, doc, user, user, tenant, "ktp") // a tenant for an application
}
