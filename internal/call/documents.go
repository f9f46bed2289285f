package call

import (
	"context"
	"errors"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Shown is a document shown during a call.
type Shown struct {
	DocumentID ids.Document
	CallID     ids.Call
	ShownBy    string
	CreatedAt  time.Time
}

// MaxShown bounds how many documents one call keeps, so a stuck button or a
// misbehaving client cannot fill the disk.
const MaxShown = 30

// ErrTooMany: the call already holds MaxShown documents, or has handed
// out MaxInvites helper links.
var ErrTooMany = errors.New("call has reached its limit")

// AddShown records that a stored document was shown in the open call.
func (s *Store) AddShown(ctx context.Context, tenantID ids.Tenant, callID ids.Call, documentID ids.Document, shownBy string) (err error) {
	defer wrapf(&err, "show in call %s document %s", callID, documentID)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM calls WHERE tenant_id = ? AND id = ?`, tenantID, callID))
		if err != nil {
			return err
		}
		if c.Status != Open {
			return ErrEnded
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM call_documents WHERE call_id = ?`, callID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxShown {
			return ErrTooMany
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO call_documents (document_id, call_id, shown_by, created_at) VALUES (?, ?, ?, ?)`,
			documentID, callID, shownBy, s.now())
		return err
	})
}

// ShownIn lists the documents shown in a call, oldest first.
func (s *Store) ShownIn(ctx context.Context, callID ids.Call) (_ []Shown, err error) {
	defer wrapf(&err, "shown in call %s", callID)
	rows, err := s.db.QueryContext(ctx, `SELECT document_id, call_id, shown_by, created_at FROM call_documents
		WHERE call_id = ? ORDER BY created_at, document_id`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Shown
	for rows.Next() {
		var d Shown
		if err := rows.Scan(&d.DocumentID, &d.CallID, &d.ShownBy, &d.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// WasShown tells whether the document was shown in the call (so its
// participants may see it).
func (s *Store) WasShown(ctx context.Context, callID ids.Call, documentID ids.Document) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM call_documents WHERE call_id = ? AND document_id = ?`,
		callID, documentID).Scan(&n)
	return err == nil && n == 1
}
