// Package notify tells people by email what happened to their business with
// the local government. A message is rendered in the recipient's language
// and stored in the outbox inside the transaction that caused it, so a
// submission and its email commit together; a job then delivers it by SMTP
// and records the outcome. Without SMTP the message is kept in the outbox for
// admins to read.
package notify

import (
	"errors"
	"time"

	"github.com/serambi/serambi/internal/ids"
)

// Message is one email, rendered when queued (so a later template change
// never rewrites history).
type Message struct {
	TenantID                                               ids.Tenant
	RecipientID                                            ids.User
	ID, To, Lang, Template, Subject, Body, Related, Status string
	Attempts                                               int
	LastError                                              string
	CreatedAt, UpdatedAt                                   time.Time
	SentAt                                                 *time.Time
	Attachment                                             *Attachment
}

// Attachment is one text file sent with a message, such as the .ics of an
// appointment so a phone's calendar can add it with one tap.
type Attachment struct {
	Name, ContentType, Data string
}

// Message statuses.
const (
	Queued = "queued"
	Sent   = "sent"
	Failed = "failed"
	Kept   = "kept" // no SMTP configured: kept in the outbox for admins to read
)

// maxAttempts is how many delivery attempts a message gets before it is
// marked Failed for good.
const maxAttempts = 8

// Event is something a person should be told about. Data carries the values
// the template shows (see Templates); values must already be formatted for
// Lang (dates through locale.Date, state names through the catalog).
type Event struct {
	Template          string
	TenantID          ids.Tenant
	RecipientID       ids.User
	To, Lang, Related string
	Data              map[string]string
	Attachment        *Attachment
}

// ErrNotFound is returned for an unknown message.
var ErrNotFound = errors.New("message not found")
