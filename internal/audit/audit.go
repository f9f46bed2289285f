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
// and the change it describes commit together or not at all. On SQLite it
// is linked into the chain at once (one writer at a time anyway); on
// PostgreSQL it is written at once and linked just after (appendPending,
// Link).
func Append(ctx context.Context, q *db.Tx, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if q.Dialect() == db.Postgres {
		return appendPending(ctx, q, e)
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

// appendPending writes e for Link to chain once its transaction has
// committed, on PostgreSQL, where writers run side by side: taking the
// chain's head here would hold its row lock until this transaction
// commits, and every change of the network would queue behind it. Until
// linked, the entry has a placeholder (negative) sequence number and no
// hashes.
func appendPending(ctx context.Context, q *db.Tx, e Entry) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_label, tenant_id, action, object, summary, ip, prev_hash, hash)
		VALUES (-nextval('audit_pending'), ?, ?, ?, ?, ?, ?, ?, ?, '', '')`,
		e.At, e.ActorID, e.ActorLabel, e.TenantID, e.Action, e.Object, e.Summary, e.IP)
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
	if err := linkFirst(ctx, q); err != nil {
		return 0, nil, err
	}
	var headSeq int64
	var headHash string
	if err := q.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return 0, &Problem{Seq: 1, Reason: "deleted (the chain head is missing)"}, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT "+columns+" FROM audit_log WHERE seq > 0 ORDER BY seq")
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
	if err := linkFirst(ctx, q); err != nil {
		return nil, err
	}
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
	// An entry committed after the link above still has its placeholder:
	// it is newer than every linked one, and -5 was written after -3.
	query += " ORDER BY CASE WHEN seq < 0 THEN 1 ELSE 0 END DESC, abs(seq) DESC LIMIT " + strconv.Itoa(f.Limit)
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

// linkBatch is how many entries one Link transaction chains at most.
const linkBatch = 500

// Link chains the entries written on PostgreSQL since it last ran, in the
// order their placeholders were taken among those committed, and returns
// how many. It runs a moment after each change (app runs it in the
// background) and before the trail is read or verified, so readers see a
// chain; concurrent Links (other nodes) queue on the head's lock, which is
// held only here. Until linked, an entry could be removed without breaking
// the chain: that window is what the writers' speed costs.
func Link(ctx context.Context, d *db.DB) (int, error) {
	if d.Dialect() != db.Postgres {
		return 0, nil
	}
	total := 0
	for {
		var pending bool
		if err := d.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM audit_log WHERE seq < 0)").Scan(&pending); err != nil {
			return total, fmt.Errorf("audit: look for entries to link: %w", err)
		}
		if !pending {
			return total, nil
		}
		n, err := linkSome(ctx, d)
		total += n
		if err != nil || n < linkBatch {
			return total, err
		}
	}
}

// linkSome chains up to linkBatch waiting entries in one transaction.
func linkSome(ctx context.Context, d *db.DB) (n int, err error) {
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var seq int64
		var prev, hash string
		if err := tx.QueryRowContext(ctx, "SELECT seq, prev_hash, hash FROM audit_head WHERE id = 1 FOR UPDATE").Scan(&seq, &prev, &hash); err != nil {
			return fmt.Errorf("audit: take the head: %w", err)
		}
		waiting, err := pendingEntries(ctx, tx)
		if err != nil || len(waiting) == 0 {
			return err
		}
		var olds, seqs []int64
		var prevs, hashes []string
		for _, e := range waiting {
			olds = append(olds, e.Seq)
			seq++
			e.Seq, e.PrevHash = seq, hash
			prev, hash = hash, e.computeHash()
			seqs, prevs, hashes = append(seqs, seq), append(prevs, e.PrevHash), append(hashes, hash)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_log AS a SET seq = v.seq, prev_hash = v.prev, hash = v.hash
			FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS v(old, seq, prev, hash) WHERE a.seq = v.old`,
			olds, seqs, prevs, hashes); err != nil {
			return fmt.Errorf("audit: link entries %d to %d: %w", seqs[0], seq, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = ?, prev_hash = ?, hash = ? WHERE id = 1", seq, prev, hash); err != nil {
			return fmt.Errorf("audit: move the head to %d: %w", seq, err)
		}
		n = len(waiting)
		return nil
	})
	return n, err
}

// pendingEntries reads the committed entries waiting to be linked, oldest
// placeholder first.
func pendingEntries(ctx context.Context, tx *db.Tx) ([]Entry, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+columns+" FROM audit_log WHERE seq < 0 ORDER BY seq DESC LIMIT "+strconv.Itoa(linkBatch))
	if err != nil {
		return nil, fmt.Errorf("audit: read entries to link: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: read entries to link: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// linkFirst links waiting entries before q is read, when q is the
// database itself (inside a transaction the caller's own entries are not
// committed yet, and linking is for after).
func linkFirst(ctx context.Context, q db.Querier) error {
	d, ok := q.(*db.DB)
	if !ok {
		return nil
	}
	_, err := Link(ctx, d)
	return err
}
