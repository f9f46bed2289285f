// Package audit keeps Serambi's append-only audit trail. Each entry carries
// the hash of the one before it, so an entry that is edited, deleted or
// slipped in afterwards breaks the chain and Verify names it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Entry is one recorded event.
type Entry struct {
	Seq        int64
	At         time.Time
	ActorID    ids.User   // user ID, or "" for the system / an anonymous caller
	ActorLabel string     // what a reader should see: an email, "system", "cli"
	TenantID   ids.Tenant // "" for network-wide events
	Action     string     // dotted verb: "tenant.create", "auth.signin.fail"
	Object     string     // "tenant:banyuwangi", "user:0192..."
	Summary    string     // short before -> after, never secrets or civil IDs
	IP         string
	PrevHash   string
	Hash       string
}

// Append adds e to the chain inside the caller's transaction, so the record
// and the change it describes commit together or not at all. Taking the head
// row with an UPDATE serialises writers on both dialects.
func Append(ctx context.Context, q *db.Tx, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if q.Dialect() == db.Postgres {
		return appendOne(ctx, q, e)
	}
	var seq int64
	var prev string
	err := q.QueryRowContext(ctx,
		"UPDATE audit_head SET seq = seq + 1, prev_hash = hash WHERE id = 1 RETURNING seq, hash").Scan(&seq, &prev)
	if err != nil {
		return fmt.Errorf("audit: take the head: %w", err)
	}
	e.Seq, e.PrevHash = seq, prev
	e.Hash = e.computeHash()
	if _, err := q.ExecContext(ctx,
		`INSERT INTO audit_log (seq, at, actor_id, actor_label, tenant_id, action, object, summary, ip, prev_hash, hash)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, e.ActorID, e.ActorLabel, e.TenantID, e.Action, e.Object, e.Summary, e.IP, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit: insert entry %d: %w", e.Seq, err)
	}
	if _, err = q.ExecContext(ctx, "UPDATE audit_head SET hash = ? WHERE id = 1", e.Hash); err != nil {
		return fmt.Errorf("audit: move the head to %d: %w", e.Seq, err)
	}
	return nil
}

// appendOne is Append in one statement, for PostgreSQL: the head's row
// lock serialises every change of the network and is held until commit,
// so each round trip after it is taken costs all writers. The server
// hashes with the same length-prefixed fields as computeHash (Verify
// checks them in Go): Go sends the middle fields, already framed.
func appendOne(ctx context.Context, q *db.Tx, e Entry) error {
	err := q.QueryRowContext(ctx, `WITH h AS (
			UPDATE audit_head SET seq = seq + 1, prev_hash = hash,
				hash = encode(sha256(convert_to(length((seq + 1)::text) || ':' || (seq + 1)::text || '|' || ?
					|| octet_length(hash) || ':' || hash || '|', 'UTF8')), 'hex')
			WHERE id = 1 RETURNING seq, prev_hash, hash)
		INSERT INTO audit_log (seq, at, actor_id, actor_label, tenant_id, action, object, summary, ip, prev_hash, hash)
		SELECT h.seq, ?, ?, ?, ?, ?, ?, ?, ?, h.prev_hash, h.hash FROM h RETURNING seq`,
		e.framedMiddle(), e.At, e.ActorID, e.ActorLabel, e.TenantID, e.Action, e.Object, e.Summary, e.IP).Scan(&e.Seq)
	if err != nil {
		return fmt.Errorf("audit: append %s: %w", e.Action, err)
	}
	return nil
}

// computeHash covers every field and the previous hash; fields are
// length-prefixed so no two different entries can serialise alike.
func (e Entry) computeHash() string {
	h := sha256.New()
	frame(h, strconv.FormatInt(e.Seq, 10))
	h.Write([]byte(e.framedMiddle()))
	frame(h, e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// framedMiddle is the hashed fields between the sequence number and the
// previous hash, each framed.
func (e Entry) framedMiddle() string {
	var b strings.Builder
	for _, f := range []string{e.At.UTC().Format(time.RFC3339Nano), string(e.ActorID), e.ActorLabel, string(e.TenantID), e.Action,
		e.Object, e.Summary, e.IP} {
		frame(&b, f)
	}
	return b.String()
}

// frame writes f length-prefixed, so no two different entries can
// serialise alike.
func frame(w io.Writer, f string) {
	fmt.Fprintf(w, "%d:%s|", len(f), f)
}

// Problem describes the first place where the chain is broken.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string { return fmt.Sprintf("audit entry %d: %s", p.Seq, p.Reason) }

// Verify walks the whole chain in order and returns the number of entries and
// the first problem found, or nil when the chain is intact.
func Verify(ctx context.Context, q db.Querier) (int64, *Problem, error) {
	var headSeq int64
	var headHash string
	if err := q.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return 0, &Problem{Seq: 1, Reason: "deleted (the chain head is missing)"}, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT "+columns+" FROM audit_log ORDER BY seq")
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var n, wantSeq int64 = 0, 1
	prevHash := ""
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return n, nil, err
		}
		if p := check(e, wantSeq, prevHash, headSeq); p != nil {
			return n, p, nil
		}
		n, wantSeq, prevHash = n+1, e.Seq+1, e.Hash
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	if headSeq != wantSeq-1 || headHash != prevHash {
		return n, &Problem{Seq: wantSeq, Reason: fmt.Sprintf("deleted from the end (%d entries were written)", headSeq)}, nil
	}
	return n, nil, nil
}

func check(e Entry, wantSeq int64, prevHash string, headSeq int64) *Problem {
	switch {
	case e.Seq > wantSeq:
		return &Problem{Seq: wantSeq, Reason: fmt.Sprintf("deleted (next present entry is %d)", e.Seq)}
	case e.Seq > headSeq:
		return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("inserted (after the last entry written, %d)", headSeq)}
	case e.PrevHash != prevHash:
		return &Problem{Seq: e.Seq, Reason: "inserted or reordered (does not follow the entry before it)"}
	case e.computeHash() != e.Hash:
		return &Problem{Seq: e.Seq, Reason: "altered (content does not match its hash)"}
	}
	return nil
}

const columns = "seq, at, actor_id, actor_label, tenant_id, action, object, summary, ip, prev_hash, hash"

type scanner interface{ Scan(...any) error }

func scan(r scanner) (Entry, error) {
	var e Entry
	err := r.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorLabel, &e.TenantID, &e.Action, &e.Object, &e.Summary, &e.IP, &e.PrevHash, &e.Hash)
	return e, err
}

// Filter selects entries for the audit pages.
type Filter struct {
	TenantID  ids.Tenant // "" with AllTenants for coordinators
	All       bool
	Action    string // prefix
	BeforeSeq int64  // paging: entries older than this
	Limit     int
}

// List returns the newest entries matching f.
func List(ctx context.Context, q db.Querier, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	if !f.All {
		where = append(where, "tenant_id = ?")
		args = append(args, f.TenantID)
	}
	if f.Action != "" {
		where = append(where, "action LIKE ?")
		args = append(args, f.Action+"%")
	}
	if f.BeforeSeq > 0 {
		where = append(where, "seq < ?")
		args = append(args, f.BeforeSeq)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	query := "SELECT " + columns + " FROM audit_log"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY seq DESC LIMIT " + strconv.Itoa(f.Limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
