// Package document keeps the files residents upload with their applications
// (birth letters, family cards, ID photos). An upload is checked by its
// content, not its name: only PDF, JPEG and PNG are taken, within a size
// limit, and images lose their metadata (EXIF with GPS location, comments,
// text chunks) before they are stored. The bytes live in a Storage; the
// record, and the audit entry for it, in the database.
package document

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Document is one stored upload.
type Document struct {
	ID            ids.Document
	TenantID      ids.Tenant
	OwnerID       ids.User        // the resident it belongs to
	ApplicationID ids.Application // "" until attached
	Requirement   string          // which of the service's requirements it answers
	Filename      string          // sanitised, for display only
	MediaType     string          // detected from the content
	Size          int64           // bytes stored (after metadata was removed)
	SHA256        string          // hex, of the bytes stored
	UploadedBy    ids.User        // user ID of who uploaded it (an officer at a counter, or the owner)
	CreatedAt     time.Time
}

// Upload describes one file being received.
type Upload struct {
	TenantID      ids.Tenant
	OwnerID       ids.User
	ApplicationID ids.Application
	Requirement   string
	Filename      string   // as the client sent it; only shown, never trusted
	Accept        []string // media types allowed; empty means PDF, JPEG and PNG
	MaxBytes      int64    // largest upload taken; 0 means DefaultMaxBytes
}

// DefaultMaxBytes is the limit when an Upload sets none.
const DefaultMaxBytes = 10 << 20

// Errors callers turn into answers for the resident.
var (
	ErrTooLarge = errors.New("document is larger than allowed")
	ErrType     = errors.New("document is not of an accepted type")
	ErrEmpty    = errors.New("document is empty")
	ErrNotFound = errors.New("document not found")
	// ErrAttached: the document already belongs to another application.
	ErrAttached = errors.New("document is attached to another application")
	// ErrQuota: the uploader has stored their day's share already.
	ErrQuota = errors.New("upload quota for the last 24 hours is used up")
)

// Store saves, finds and deletes documents.
type Store struct {
	db      *db.DB
	storage Storage
	clock   clock.Clock
	// Quota is how many bytes one person may upload in any 24 hours
	// (kept, not deleted, uploads count); 0 means no limit. Without it
	// one account could fill the disk in seconds.
	Quota int64
}

// QuotaWindow is the span the upload quota counts over.
const QuotaWindow = 24 * time.Hour

// NewStore returns a document store keeping bytes in s.
func NewStore(d *db.DB, s Storage, c clock.Clock) *Store {
	return &Store{db: d, storage: s, clock: c}
}

// Save receives one upload. It reads at most MaxBytes+1 bytes from r, so an
// oversized body is refused without being read whole; it takes the type
// from the content alone, removes image metadata, stores the bytes and then
// records the document and its audit entry in one transaction. When the
// transaction fails the stored bytes are removed again.
func (s *Store) Save(ctx context.Context, actor audit.Actor, u Upload, r io.Reader) (_ Document, err error) {
	defer wrapf(&err, "save an upload")
	if u.TenantID == "" || u.OwnerID == "" {
		return Document{}, errors.New("document: upload needs a tenant and an owner")
	}
	limit := u.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	limit = min(limit, math.MaxInt64-1) // so limit+1 cannot wrap
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return Document{}, fmt.Errorf("read upload: %w", err)
	}
	switch {
	case len(data) == 0:
		return Document{}, ErrEmpty
	case int64(len(data)) > limit:
		return Document{}, ErrTooLarge
	}
	mediaType := DetectType(data)
	if mediaType == "" || !accepts(u.Accept, mediaType) {
		return Document{}, ErrType
	}
	if data, err = clean(mediaType, data); err != nil {
		return Document{}, err
	}
	// A first look before the bytes reach the disk; the transaction
	// below decides, serialised per uploader.
	if err := s.checkQuota(ctx, s.db, actor.ID, int64(len(data))); err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(data)
	d := Document{
		ID: ids.Document(db.NewID()), TenantID: u.TenantID, OwnerID: u.OwnerID, ApplicationID: u.ApplicationID,
		Requirement: u.Requirement, Filename: sanitiseFilename(u.Filename, mediaType), MediaType: mediaType,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: actor.ID, CreatedAt: s.clock.Now().UTC(),
	}
	key := storageKey(d.TenantID, d.ID)
	if err := s.storage.Put(ctx, key, bytes.NewReader(data)); err != nil {
		return Document{}, fmt.Errorf("store document: %w", err)
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockUploader(ctx, tx, actor.ID); err != nil {
			return err
		}
		if err := s.checkQuota(ctx, tx, actor.ID, d.Size); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, tenant_id, owner_id, application_id, requirement,
			filename, media_type, size_bytes, sha256, storage_key, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.TenantID, d.OwnerID, d.ApplicationID, d.Requirement, d.Filename, d.MediaType,
			d.Size, d.SHA256, key, d.UploadedBy, d.CreatedAt); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(d.TenantID, "document.upload", string("document:"+d.ID), summary(d)))
	})
	if err != nil {
		// The caller's context may be what failed; cleaning up must not.
		if derr := s.storage.Delete(context.WithoutCancel(ctx), key); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove stored bytes of failed upload: %w", derr))
		}
		return Document{}, err
	}
	return d, nil
}

// checkQuota returns ErrQuota when uploaderID's uploads of the last
// QuotaWindow and size more would pass the quota.
func (s *Store) checkQuota(ctx context.Context, q db.Querier, uploaderID ids.User, size int64) error {
	if s.Quota <= 0 {
		return nil
	}
	used, err := s.Used(ctx, q, uploaderID)
	if err != nil {
		return err
	}
	if used+size > s.Quota {
		return ErrQuota
	}
	return nil
}

// Used is how many bytes uploaderID stored in the last QuotaWindow.
func (s *Store) Used(ctx context.Context, q db.Querier, uploaderID ids.User) (_ int64, err error) {
	defer wrapf(&err, "count the uploads of %s", uploaderID)
	var used int64
	since := s.clock.Now().UTC().Add(-QuotaWindow)
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(size_bytes), 0) FROM documents
		WHERE uploaded_by = ? AND created_at > ?`, uploaderID, since).Scan(&used)
	if err != nil {
		return 0, fmt.Errorf("document: read %s's uploads of the last day: %w", uploaderID, err)
	}
	return used, nil
}

// lockUploader serialises, on PostgreSQL, the uploads of one person until
// the transaction ends, so two at once cannot both fit the quota's last
// room. SQLite has one writer at a time already.
func lockUploader(ctx context.Context, tx *db.Tx, uploaderID ids.User) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "upload:"+uploaderID); err != nil {
		return fmt.Errorf("document: lock %s's uploads: %w", uploaderID, err)
	}
	return nil
}

// summary is what the audit trail says about a document. It never carries
// the file name: residents name files after themselves ("KTP Budi.jpg"),
// and the trail cannot be edited later.
func summary(d Document) string {
	return audit.Say("audit.detail.document", d.MediaType, strconv.FormatInt(d.Size, 10), orDash(d.Requirement), orDash(string(d.ApplicationID)))
}

func orDash(s string) string { return cmp.Or(s, "-") }

func accepts(accept []string, mediaType string) bool {
	return len(accept) == 0 || slices.Contains(accept, mediaType)
}

// clean strips image metadata and checks that the image header still parses,
// so a file that only starts like an image is refused. PDFs are kept as sent.
func clean(mediaType string, data []byte) ([]byte, error) {
	var err error
	switch mediaType {
	case JPEG:
		if data, err = stripJPEG(data); err == nil {
			_, err = jpeg.DecodeConfig(bytes.NewReader(data))
		}
	case PNG:
		if data, err = stripPNG(data); err == nil {
			_, err = png.DecodeConfig(bytes.NewReader(data))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrType, err)
	}
	return data, nil
}

func storageKey(tenantID ids.Tenant, id ids.Document) string {
	return string(tenantID) + "/" + string(id)
}

const columns = `id, tenant_id, owner_id, application_id, requirement, filename, media_type, size_bytes,
	sha256, uploaded_by, created_at`

func scan(r interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := r.Scan(&d.ID, &d.TenantID, &d.OwnerID, &d.ApplicationID, &d.Requirement, &d.Filename, &d.MediaType,
		&d.Size, &d.SHA256, &d.UploadedBy, &d.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.CreatedAt = d.CreatedAt.UTC()
	return d, err
}

// Get loads one of a tenant's documents; another tenant's, or a malformed
// id, is ErrNotFound.
func (s *Store) Get(ctx context.Context, tenantID ids.Tenant, id ids.Document) (_ Document, err error) {
	defer wrapf(&err, "get document %s", id)
	if !db.ValidID(string(id)) {
		return Document{}, ErrNotFound
	}
	return scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM documents WHERE tenant_id = ? AND id = ?", tenantID, id))
}

// ForApplication lists the documents attached to an application, oldest first.
func (s *Store) ForApplication(ctx context.Context, tenantID ids.Tenant, applicationID ids.Application) (_ []Document, err error) {
	defer wrapf(&err, "list the documents of application %s", applicationID)
	if applicationID == "" { // would otherwise list every unattached upload
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+` FROM documents
		WHERE tenant_id = ? AND application_id = ? ORDER BY created_at, id`, tenantID, applicationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Attach links the owner's document to an application inside the caller's
// transaction (the one that saves or submits the application). Another
// owner's or tenant's document is ErrNotFound; one already attached to a
// different application is ErrAttached; attaching twice to the same one is
// fine.
func (s *Store) Attach(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, id ids.Document, ownerID ids.User, applicationID ids.Application) (err error) {
	defer wrapf(&err, "attach document %s to application %s", id, applicationID)
	if !db.ValidID(string(id)) || ownerID == "" {
		return ErrNotFound
	}
	if applicationID == "" {
		return errors.New("document: attach needs an application")
	}
	res, err := tx.ExecContext(ctx, `UPDATE documents SET application_id = ?
		WHERE tenant_id = ? AND id = ? AND owner_id = ? AND (application_id = '' OR application_id = ?)`,
		applicationID, tenantID, id, ownerID, applicationID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE tenant_id = ? AND id = ? AND owner_id = ?",
		tenantID, id, ownerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return ErrAttached
}

// Open returns the bytes of d. The key comes from the database row of d's
// tenant, so a Document made up by a caller opens nothing it should not.
func (s *Store) Open(ctx context.Context, d Document) (_ io.ReadCloser, err error) {
	defer wrapf(&err, "open a stored file")
	key, err := s.key(ctx, s.db, d.TenantID, d.ID)
	if err != nil {
		return nil, err
	}
	return s.storage.Open(ctx, key)
}

func (s *Store) key(ctx context.Context, q db.Querier, tenantID ids.Tenant, id ids.Document) (string, error) {
	if !db.ValidID(string(id)) {
		return "", ErrNotFound
	}
	var key string
	err := q.QueryRowContext(ctx, "SELECT storage_key FROM documents WHERE tenant_id = ? AND id = ?", tenantID, id).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return key, err
}

// Delete removes a document: its row and an audit entry in one transaction,
// then its bytes. If the bytes cannot be removed the document is already
// gone for everyone; the error says so, for the caller to log.
func (s *Store) Delete(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Document) (err error) {
	defer wrapf(&err, "delete document %s", id)
	return s.remove(ctx, actor, tenantID, id, "document.delete", "")
}

// remove deletes document id with the audit action given. With onlyIf set
// (a WHERE condition) the row goes only if it still matches, so a file
// attached a moment ago is kept: ErrNotFound then.
func (s *Store) remove(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Document, action, onlyIf string) error {
	if !db.ValidID(string(id)) {
		return ErrNotFound
	}
	var key string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := scan(tx.QueryRowContext(ctx, "SELECT "+columns+" FROM documents WHERE tenant_id = ? AND id = ?", tenantID, id))
		if err != nil {
			return err
		}
		if key, err = s.key(ctx, tx, tenantID, id); err != nil {
			return err
		}
		del := "DELETE FROM documents WHERE tenant_id = ? AND id = ?"
		if onlyIf != "" {
			del += " AND " + onlyIf
		}
		res, err := tx.ExecContext(ctx, del, tenantID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, ErrNotFound)
		}
		// A photo shown in a call is listed there too.
		if _, err := tx.ExecContext(ctx, "DELETE FROM call_documents WHERE document_id = ?", id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, action, string("document:"+id), summary(d)))
	})
	if err != nil {
		return err
	}
	if err := s.storage.Delete(context.WithoutCancel(ctx), key); err != nil {
		return fmt.Errorf("document %s deleted, but its stored bytes were not: %w", id, err)
	}
	return nil
}

// AttachAs links a document held by heldBy to ownerID's application as
// the answer to one requirement, in a transaction of its own: a photo
// shown in a video call that the resident agreed to add. The rules of
// Attach apply (only the holder's, not another application's). When
// heldBy is not ownerID — a photo an anonymous visitor showed before the
// officer found their account, held by that officer until then — the
// document passes to ownerID first, in the same transaction and audited,
// and only if it is attached to nothing yet.
func (s *Store) AttachAs(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, id ids.Document, heldBy, ownerID ids.User, applicationID ids.Application, requirement string) (err error) {
	defer wrapf(&err, "attach document %s to application %s", id, applicationID)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if heldBy != ownerID {
			if err := s.handOver(ctx, tx, actor, tenantID, id, heldBy, ownerID); err != nil {
				return err
			}
		}
		if err := s.Attach(ctx, tx, tenantID, id, ownerID, applicationID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET requirement = ? WHERE tenant_id = ? AND id = ?`,
			requirement, tenantID, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "document.attach", string("document:"+id),
			audit.Say("audit.detail.document.attach", string(applicationID), requirement)))
	})
}

// handOver gives an unattached document of from to another owner.
func (s *Store) handOver(ctx context.Context, tx *db.Tx, actor audit.Actor, tenantID ids.Tenant, id ids.Document, from, to ids.User) error {
	if !db.ValidID(string(id)) || from == "" || to == "" {
		return ErrNotFound
	}
	res, err := tx.ExecContext(ctx, `UPDATE documents SET owner_id = ? WHERE tenant_id = ? AND id = ? AND owner_id = ? AND application_id = ''`,
		to, tenantID, id, from)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return cmp.Or(err, ErrNotFound)
	}
	return audit.Append(ctx, tx, actor.Entry(tenantID, "document.hand_over", string("document:"+id), audit.Say("audit.detail.document.hand_over", string(from), string(to))))
}

// LessonPicture is the requirement of a picture in a class lesson: it is
// attached to no application and kept for as long as the lesson shows it,
// so the clean-up of unattached uploads leaves it.
const LessonPicture = "class.picture"

// PracticeFile is the requirement of a picture or PDF of a good practice
// (the knowledge exchange): kept, like a lesson's picture, while the
// practice shows it.
const PracticeFile = "exchange.file"

// UnattachedAge is how long an upload attached to nothing is kept: long
// enough to finish an application started today, short enough that files
// nobody will use do not pile up.
const UnattachedAge = 24 * time.Hour

// RemoveUnattached deletes uploads attached to no application that are
// older than UnattachedAge — a form left half-way, a photo shown in a call
// and never added — and returns how many went. Each is audited as
// document.expire. Files attached to a draft are kept with their draft.
func (s *Store) RemoveUnattached(ctx context.Context) (_ int, err error) {
	defer wrapf(&err, "remove unattached uploads")
	before := s.clock.Now().UTC().Add(-UnattachedAge)
	removed := 0
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, id FROM documents
			WHERE application_id = '' AND requirement NOT IN (?, ?) AND created_at < ? ORDER BY created_at LIMIT 200`, LessonPicture, PracticeFile, before)
		if err != nil {
			return removed, fmt.Errorf("document: list unattached uploads: %w", err)
		}
		var batch [][2]string
		for rows.Next() {
			var tenantID, id string
			if err := rows.Scan(&tenantID, &id); err != nil {
				rows.Close()
				return removed, fmt.Errorf("document: read unattached upload: %w", err)
			}
			batch = append(batch, [2]string{tenantID, id})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return removed, fmt.Errorf("document: list unattached uploads: %w", err)
		}
		for _, d := range batch {
			err := s.remove(ctx, audit.System, ids.Tenant(d[0]), ids.Document(d[1]), "document.expire", "application_id = ''")
			switch {
			case errors.Is(err, ErrNotFound): // attached or deleted meanwhile
			case err != nil:
				return removed, fmt.Errorf("document: remove unattached %s: %w", d[1], err)
			default:
				removed++
			}
		}
		if len(batch) < 200 {
			return removed, nil
		}
	}
}
