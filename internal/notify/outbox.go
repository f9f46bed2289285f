package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Outbox stores rendered messages and their delivery outcome.
type Outbox struct {
	db    *db.DB
	clock clock.Clock
	smtp  bool
}

// NewOutbox returns the outbox. Without SMTP configured, queued messages
// are Kept: stored for admins to read, never sent.
func NewOutbox(d *db.DB, c clock.Clock, smtpConfigured bool) *Outbox {
	return &Outbox{db: d, clock: c, smtp: smtpConfigured}
}

// Queue renders e and inserts the message inside the caller's transaction
// (so a submission and its emails commit together) and returns its ID; the
// caller then enqueues a delivery job with that ID in the same transaction.
// When SMTP is not configured, the message is Kept instead of Queued.
func (o *Outbox) Queue(ctx context.Context, tx *db.Tx, e Event) (string, error) {
	switch {
	case e.TenantID == "":
		return "", errors.New("notify: event without a tenant")
	case strings.TrimSpace(e.To) == "":
		return "", errors.New("notify: event without an address")
	}
	subject, body, lang, err := render(e)
	if err != nil {
		return "", err
	}
	now := o.clock.Now().UTC()
	status := Kept
	if o.smtp {
		status = Queued
	}
	id := db.NewID()
	var att Attachment
	if e.Attachment != nil {
		att = *e.Attachment
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO messages (id, tenant_id, recipient_id, to_address, lang, template, subject, body,
		related, status, attempts, last_error, created_at, updated_at, attachment_name, attachment_type, attachment)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, ?, ?, ?)`,
		id, e.TenantID, e.RecipientID, strings.TrimSpace(e.To), lang, e.Template, subject, body, e.Related, status, now, now,
		att.Name, att.ContentType, att.Data)
	if err != nil {
		return "", fmt.Errorf("notify: queue %s: %w", e.Template, err)
	}
	return id, nil
}

const columns = `id, tenant_id, recipient_id, to_address, lang, template, subject, body, related, status,
	attempts, last_error, created_at, updated_at, sent_at, attachment_name, attachment_type, attachment`

func scan(r interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var sent sql.NullTime
	var att Attachment
	err := r.Scan(&m.ID, &m.TenantID, &m.RecipientID, &m.To, &m.Lang, &m.Template, &m.Subject, &m.Body, &m.Related,
		&m.Status, &m.Attempts, &m.LastError, &m.CreatedAt, &m.UpdatedAt, &sent, &att.Name, &att.ContentType, &att.Data)
	if att.Name != "" {
		m.Attachment = &att
	}
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, err
	}
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	if sent.Valid {
		t := sent.Time.UTC()
		m.SentAt = &t
	}
	return m, nil
}

// Get loads one message. Callers showing it to a person check its TenantID.
func (o *Outbox) Get(ctx context.Context, id string) (Message, error) {
	if !db.ValidID(id) {
		return Message{}, ErrNotFound
	}
	return scan(o.db.QueryRowContext(ctx, `SELECT `+columns+` FROM messages WHERE id = ?`, id))
}

// List returns a tenant's newest messages first, for the admin outbox page.
// limit is capped at 500; zero or less means 50.
func (o *Outbox) List(ctx context.Context, tenantID ids.Tenant, limit int) ([]Message, error) {
	switch {
	case limit <= 0:
		limit = 50
	case limit > 500:
		limit = 500
	}
	rows, err := o.db.QueryContext(ctx, `SELECT `+columns+` FROM messages WHERE tenant_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, tenantID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// markSent records a delivered message.
func (o *Outbox) markSent(ctx context.Context, id string, at time.Time) error {
	_, err := o.db.ExecContext(ctx, `UPDATE messages SET status = ?, attempts = attempts + 1, last_error = '',
		sent_at = ?, updated_at = ? WHERE id = ?`, Sent, at, at, id)
	return err
}

// markAttempt records a failed attempt; the message stays Queued for a
// retry, or turns Failed when the failure is permanent or attempts run out.
// It returns the status now stored.
func (o *Outbox) markAttempt(ctx context.Context, m Message, cause error, permanent bool) (string, error) {
	status := Queued
	if permanent || m.Attempts+1 >= maxAttempts {
		status = Failed
	}
	now := o.clock.Now().UTC()
	_, err := o.db.ExecContext(ctx, `UPDATE messages SET status = ?, attempts = attempts + 1, last_error = ?,
		updated_at = ? WHERE id = ?`, status, errorText(cause), now, m.ID)
	return status, err
}

// errorText keeps last_error short enough for the outbox page.
func errorText(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return s
}
