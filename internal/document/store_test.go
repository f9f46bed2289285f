package document

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
)

// Store tests, run on every dialect by dbtest.Each.

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type env struct {
	ctx            context.Context
	d              *db.DB
	store          *Store
	dir            string // the uploads directory
	tenantA        ids.Tenant
	tenantB        ids.Tenant
	budi, siti     ids.User // residents of tenant A
	budiAct        audit.Actor
	sitiAct        audit.Actor
	applicationOne ids.Application
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "uploads")
	l, err := NewLocalStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	e := &env{
		ctx: ctx, d: d, store: NewStore(d, l, clock.NewFixed(start)), dir: dir,
		tenantA: ids.Tenant(db.NewID()), tenantB: ids.Tenant(db.NewID()), budi: ids.User(db.NewID()), siti: ids.User(db.NewID()), applicationOne: ids.Application(db.NewID()),
	}
	e.budiAct = audit.Actor{ID: e.budi, Label: "budi@example.id", IP: "203.0.113.5"}
	e.sitiAct = audit.Actor{ID: e.siti, Label: "siti@example.id", IP: "203.0.113.6"}
	for i, id := range []ids.Tenant{e.tenantA, e.tenantB} {
		exec(t, d, `INSERT INTO tenants (id, slug, region_code, country, name_id, name_ja, name_en, time_zone, default_lang, created_at, updated_at)
			VALUES (?, ?, ?, 'ID', 'Kab', 'Kab', 'Kab', 'Asia/Jakarta', 'id', ?, ?)`, id, []string{"ta", "tb"}[i], []string{"35.10", "35.11"}[i], start, start)
	}
	for _, id := range []string{string(e.budi), string(e.siti)} {
		exec(t, d, `INSERT INTO users (id, name, password_hash, created_at, updated_at) VALUES (?, 'Resident', '', ?, ?)`, id, start, start)
	}
	return e
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.QueryRowContext(e.ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (e *env) upload(name string) Upload {
	return Upload{TenantID: e.tenantA, OwnerID: e.budi, Requirement: "akta", Filename: name, MaxBytes: 1 << 20}
}

func (e *env) save(t *testing.T, u Upload, content []byte) Document {
	t.Helper()
	doc, err := e.store.Save(e.ctx, e.budiAct, u, bytes.NewReader(content))
	if err != nil {
		t.Fatalf("Save(%s): %v", u.Filename, err)
	}
	return doc
}

func (e *env) stored(t *testing.T, d Document) []byte {
	t.Helper()
	rc, err := e.store.Open(e.ctx, d)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func samplePDF(size int) []byte {
	head := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	tail := "\n%%EOF\n"
	if size < len(head)+len(tail) {
		size = len(head) + len(tail)
	}
	return []byte(head + strings.Repeat(" ", size-len(head)-len(tail)) + tail)
}

func verifyChain(t *testing.T, d *db.DB) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), d)
	if err != nil || p != nil {
		t.Fatalf("audit chain after %d entries: %v %v", n, p, err)
	}
}

func TestSaveAccepts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name, filename string
			content        []byte
			wantType       string
		}{
			{"pdf", "akta.pdf", samplePDF(2000), PDF},
			{"jpeg", "ktp.jpg", plainJPEG(t), JPEG},
			{"png", "kk.png", plainPNG(t), PNG},
			{"jpeg named .pdf is still a jpeg", "foto.pdf", plainJPEG(t), JPEG},
		}
		for _, tt := range tests {
			doc := e.save(t, e.upload(tt.filename), tt.content)
			if doc.MediaType != tt.wantType {
				t.Errorf("%s: media type %q, want %q", tt.name, doc.MediaType, tt.wantType)
			}
			got := e.stored(t, doc)
			if !bytes.Equal(got, tt.content) {
				t.Errorf("%s: stored bytes differ from a clean upload", tt.name)
			}
			sum := sha256.Sum256(got)
			if doc.SHA256 != hex.EncodeToString(sum[:]) || doc.Size != int64(len(got)) {
				t.Errorf("%s: size %d sha %s do not describe the stored bytes", tt.name, doc.Size, doc.SHA256)
			}
			back, err := e.store.Get(e.ctx, e.tenantA, doc.ID)
			if err != nil {
				t.Fatalf("%s: Get: %v", tt.name, err)
			}
			if back != doc {
				t.Errorf("%s: Get = %+v, want %+v", tt.name, back, doc)
			}
			if back.Filename != DownloadName(tt.filename, tt.wantType) || back.UploadedBy != e.budi || !back.CreatedAt.Equal(start) {
				t.Errorf("%s: row %+v", tt.name, back)
			}
			if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.upload' AND object = ? AND tenant_id = ? AND actor_id = ?",
				"document:"+doc.ID, e.tenantA, e.budi); n != 1 {
				t.Errorf("%s: %d audit entries, want 1", tt.name, n)
			}
			if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE summary LIKE ?", "%"+tt.filename+"%"); n != 0 {
				t.Errorf("%s: the file name reached the audit trail", tt.name)
			}
		}
		verifyChain(t, d)
	})
}

func TestSaveRefuses(t *testing.T) {
	t.Parallel()
	random := make([]byte, 4096)
	rng := rand.NewChaCha8([32]byte{7})
	_, _ = rng.Read(random)
	random[0] = 0x00 // no signature can start with it
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		onlyPDF := e.upload("foto.jpg")
		onlyPDF.Accept = []string{PDF}
		tests := []struct {
			name    string
			u       Upload
			content []byte
			want    error
		}{
			{"html named .pdf", e.upload("akta.pdf"), []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"), ErrType},
			{"svg", e.upload("logo.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ErrType},
			{"svg named .png", e.upload("logo.png"), []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), ErrType},
			{"zip named .pdf", e.upload("akta.pdf"), append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), make([]byte, 100)...), ErrType},
			{"empty", e.upload("kosong.pdf"), nil, ErrEmpty},
			{"random bytes", e.upload("data.pdf"), random, ErrType},
			{"html after a jpeg signature", e.upload("x.jpg"), []byte("\xFF\xD8\xFF<html><script>alert(1)</script></html>"), ErrType},
			{"html after a png signature", e.upload("x.png"), append(append([]byte{}, magicPNG...), "<html></html>"...), ErrType},
			{"jpeg where only pdf is accepted", onlyPDF, plainJPEG(t), ErrType},
			{"too large", e.upload("big.pdf"), samplePDF(1<<20 + 1), ErrTooLarge},
		}
		for _, tt := range tests {
			_, err := e.store.Save(e.ctx, e.budiAct, tt.u, bytes.NewReader(tt.content))
			if !errors.Is(err, tt.want) {
				t.Errorf("%s: Save: %v, want %v", tt.name, err, tt.want)
			}
		}
		if n := e.count(t, "SELECT COUNT(*) FROM documents"); n != 0 {
			t.Errorf("%d documents recorded, want 0", n)
		}
		if got := files(t, e.dir); len(got) != 0 {
			t.Errorf("files stored: %v", got)
		}
	})
}

// countingReader counts what Save takes from the client.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endlessPDF produces a PDF header and then zeros, size bytes in all,
// without holding them in memory.
func endlessPDF(size int64) io.Reader {
	return io.MultiReader(strings.NewReader("%PDF-1.7\n"), io.LimitReader(zeros{}, size-9))
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestSaveSizeLimit(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.upload("akta.pdf")
		u.MaxBytes = limit
		tests := []struct {
			name string
			size int64
			want error
		}{
			{"exactly MaxBytes", limit, nil},
			{"MaxBytes+1", limit + 1, ErrTooLarge},
			{"200 MB", 200 << 20, ErrTooLarge},
		}
		for _, tt := range tests {
			cr := &countingReader{r: endlessPDF(tt.size)}
			doc, err := e.store.Save(e.ctx, e.budiAct, u, cr)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("%s: Save: %v, want %v", tt.name, err, tt.want)
			}
			if cr.n > limit+1 {
				t.Errorf("%s: read %d bytes, want at most MaxBytes+1 = %d", tt.name, cr.n, limit+1)
			}
			if err == nil && doc.Size != limit {
				t.Errorf("%s: size %d", tt.name, doc.Size)
			}
		}
		if n := e.count(t, "SELECT COUNT(*) FROM documents"); n != 1 {
			t.Errorf("%d documents recorded, want 1", n)
		}
	})
}

func TestSaveStripsImageMetadata(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name    string
			content []byte
			decode  func(io.Reader) error
		}{
			{"jpeg with EXIF GPS", jpegWithMetadata(t), func(r io.Reader) error { _, err := jpeg.Decode(r); return err }},
			{"png with tEXt", pngWithMetadata(t), func(r io.Reader) error { _, err := png.Decode(r); return err }},
		}
		for _, tt := range tests {
			doc := e.save(t, e.upload("foto"), tt.content)
			got := e.stored(t, doc)
			if bytes.Contains(got, []byte(gpsMarker)) || bytes.Contains(got, []byte("Budi Santoso")) {
				t.Errorf("%s: stored bytes still hold the metadata", tt.name)
			}
			if err := tt.decode(bytes.NewReader(got)); err != nil {
				t.Errorf("%s: stored image does not decode: %v", tt.name, err)
			}
			sum := sha256.Sum256(got)
			if doc.Size != int64(len(got)) || doc.Size >= int64(len(tt.content)) || doc.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: size %d / sha do not describe the stripped bytes (%d)", tt.name, doc.Size, len(got))
			}
		}
	})
}

func TestSaveSanitisesFilename(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := e.save(t, e.upload("C:\\fakepath\\..\\<script>\u202Eakta\x00.pdf"), samplePDF(100))
		back, err := e.store.Get(e.ctx, e.tenantA, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.Filename != "<script>akta.pdf" {
			t.Errorf("filename %q", back.Filename)
		}
	})
}

// When the database refuses the row, the bytes already stored are removed.
func TestSaveRemovesBytesWhenInsertFails(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.upload("akta.pdf")
		u.OwnerID = ids.User(db.NewID()) // no such user: the foreign key fails
		if _, err := e.store.Save(e.ctx, e.budiAct, u, bytes.NewReader(samplePDF(100))); err == nil {
			t.Fatal("Save succeeded for an unknown owner")
		}
		if got := files(t, e.dir); len(got) != 0 {
			t.Errorf("orphaned files: %v", got)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.upload'"); n != 0 {
			t.Errorf("%d audit entries for a failed upload", n)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.upload("akta.pdf")
		u.ApplicationID = e.applicationOne
		doc := e.save(t, u, samplePDF(100))

		for name, id := range map[string]string{"other tenant": string(doc.ID), "malformed": string("../" + doc.ID), "empty": "", "unknown": db.NewID()} {
			if _, err := e.store.Get(e.ctx, e.tenantB, ids.Document(id)); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(%s): %v, want ErrNotFound", name, err)
			}
		}
		if _, err := e.store.Get(e.ctx, e.tenantA, "not-an-id"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(malformed id): %v, want ErrNotFound", err)
		}
		forged := doc
		forged.TenantID = e.tenantB
		if _, err := e.store.Open(e.ctx, forged); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open with another tenant: %v, want ErrNotFound", err)
		}
		if list, err := e.store.ForApplication(e.ctx, e.tenantB, e.applicationOne); err != nil || len(list) != 0 {
			t.Errorf("ForApplication(other tenant) = %v, %v; want none", list, err)
		}
		if err := e.store.Delete(e.ctx, e.budiAct, e.tenantB, doc.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delete from another tenant: %v, want ErrNotFound", err)
		}
		if _, err := e.store.Get(e.ctx, e.tenantA, doc.ID); err != nil {
			t.Errorf("document gone after another tenant's Delete: %v", err)
		}
		if list, err := e.store.ForApplication(e.ctx, e.tenantA, e.applicationOne); err != nil || len(list) != 1 || list[0].ID != doc.ID {
			t.Errorf("ForApplication = %v, %v; want the document", list, err)
		}
	})
}

func TestAttach(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := e.save(t, e.upload("akta.pdf"), samplePDF(100))
		other := db.NewID()
		attach := func(tenantID ids.Tenant, id, ownerID, applicationID string) error {
			return d.InTx(e.ctx, func(tx *db.Tx) error {
				return e.store.Attach(e.ctx, tx, tenantID, ids.Document(id), ids.User(ownerID), ids.Application(applicationID))
			})
		}
		if list, _ := e.store.ForApplication(e.ctx, e.tenantA, ""); len(list) != 0 {
			t.Errorf("ForApplication(\"\") lists unattached uploads: %v", list)
		}
		tests := []struct {
			name                     string
			tenantID                 ids.Tenant
			id, ownerID, application string
			want                     error
		}{
			{"another owner's document", e.tenantA, string(doc.ID), string(e.siti), string(e.applicationOne), ErrNotFound},
			{"another tenant", e.tenantB, string(doc.ID), string(e.budi), string(e.applicationOne), ErrNotFound},
			{"malformed id", e.tenantA, "x", string(e.budi), string(e.applicationOne), ErrNotFound},
			{"unknown id", e.tenantA, db.NewID(), string(e.budi), string(e.applicationOne), ErrNotFound},
			{"the owner", e.tenantA, string(doc.ID), string(e.budi), string(e.applicationOne), nil},
			{"the owner again", e.tenantA, string(doc.ID), string(e.budi), string(e.applicationOne), nil},
			{"to a second application", e.tenantA, string(doc.ID), string(e.budi), other, ErrAttached},
		}
		for _, tt := range tests {
			if err := attach(tt.tenantID, tt.id, tt.ownerID, tt.application); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("%s: Attach: %v, want %v", tt.name, err, tt.want)
			}
		}
		list, err := e.store.ForApplication(e.ctx, e.tenantA, e.applicationOne)
		if err != nil || len(list) != 1 || list[0].ID != doc.ID || list[0].ApplicationID != e.applicationOne {
			t.Fatalf("ForApplication = %+v, %v", list, err)
		}
		if list, _ := e.store.ForApplication(e.ctx, e.tenantA, ids.Application(other)); len(list) != 0 {
			t.Errorf("document moved to a second application")
		}
		// Attach is part of the caller's transaction: a rollback undoes it.
		second := e.save(t, e.upload("kk.pdf"), samplePDF(100))
		rollback := errors.New("rollback")
		err = d.InTx(e.ctx, func(tx *db.Tx) error {
			if err := e.store.Attach(e.ctx, tx, e.tenantA, second.ID, e.budi, ids.Application(other)); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if got, _ := e.store.Get(e.ctx, e.tenantA, second.ID); got.ApplicationID != "" {
			t.Errorf("attach survived a rollback")
		}
	})
}

func TestDelete(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := e.save(t, e.upload("akta.pdf"), samplePDF(100))
		keep := e.save(t, e.upload("kk.pdf"), samplePDF(200))
		if err := e.store.Delete(e.ctx, e.budiAct, e.tenantA, doc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Get(e.ctx, e.tenantA, doc.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get after Delete: %v", err)
		}
		if _, err := e.store.Open(e.ctx, doc); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open after Delete: %v", err)
		}
		if got := files(t, e.dir); len(got) != 1 || got[0] != string(e.tenantA)+"/"+string(keep.ID) {
			t.Errorf("files after Delete: %v", got)
		}
		if err := e.store.Delete(e.ctx, e.budiAct, e.tenantA, doc.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second Delete: %v, want ErrNotFound", err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.delete' AND object = ?", "document:"+doc.ID); n != 1 {
			t.Errorf("%d delete audit entries, want 1", n)
		}
		verifyChain(t, d)
	})
}

func TestAttachAs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := e.save(t, e.upload("foto.png"), plainPNG(t))
		if err := e.store.AttachAs(e.ctx, audit.System, e.tenantA, doc.ID, e.siti, e.siti, e.applicationOne, "ktp"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another owner: %v", err)
		}
		if got, _ := e.store.Get(e.ctx, e.tenantA, doc.ID); got.ApplicationID != "" || got.Requirement == "ktp" {
			t.Fatalf("refused attach changed the document: %+v", got)
		}
		if err := e.store.AttachAs(e.ctx, audit.System, e.tenantA, doc.ID, e.budi, e.budi, e.applicationOne, "ktp"); err != nil {
			t.Fatal(err)
		}
		got, _ := e.store.Get(e.ctx, e.tenantA, doc.ID)
		if got.ApplicationID != e.applicationOne || got.Requirement != "ktp" {
			t.Fatalf("attached: %+v", got)
		}
		verifyChain(t, d)
	})
}

// TestAttachAsHandsOver: a photo held by one account (the officer of a
// call, for a visitor not yet identified) passes to the resident whose
// application it joins; an attached one never changes hands.
func TestAttachAsHandsOver(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		held := e.save(t, e.upload("kartu.png"), plainPNG(t)) // held by budi
		if err := e.store.AttachAs(e.ctx, audit.System, e.tenantA, held.ID, e.budi, e.siti, e.applicationOne, "ktp"); err != nil {
			t.Fatal(err)
		}
		got, _ := e.store.Get(e.ctx, e.tenantA, held.ID)
		if got.OwnerID != e.siti || got.ApplicationID != e.applicationOne || got.Requirement != "ktp" {
			t.Fatalf("handed over: %+v", got)
		}
		var n int
		if err := d.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'document.hand_over' AND object = ?`,
			"document:"+held.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d hand-over audit entries (%v), want 1", n, err)
		}
		// Attached now: it cannot be handed on, and nothing changes.
		if err := e.store.AttachAs(e.ctx, audit.System, e.tenantA, held.ID, e.siti, e.budi, e.applicationOne, "ktp"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("handing on an attached document: %v", err)
		}
		if got, _ := e.store.Get(e.ctx, e.tenantA, held.ID); got.OwnerID != e.siti {
			t.Fatalf("refused hand-over changed the owner: %+v", got)
		}
		// Nobody hands over what they do not hold.
		other := e.save(t, e.upload("lain.png"), plainPNG(t))
		if err := e.store.AttachAs(e.ctx, audit.System, e.tenantA, other.ID, e.siti, e.budi, e.applicationOne, "ktp"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("handing over another's document: %v", err)
		}
		verifyChain(t, d)
	})
}

// TestQuota: one person stores at most Quota bytes in any 24 hours; the
// refused file leaves nothing behind, others are not held back, and a
// day later there is room again.
func TestQuota(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clk := e.store.clock.(*clock.Fixed)
		e.store.Quota = 300 << 10
		file := samplePDF(100 << 10)
		for range 3 {
			e.save(t, e.upload("kk.pdf"), file)
		}
		if _, err := e.store.Save(e.ctx, e.budiAct, e.upload("kk.pdf"), bytes.NewReader(file)); !errors.Is(err, ErrQuota) {
			t.Fatalf("fourth 100 KB upload with a 300 KB quota: %v, want ErrQuota", err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM documents WHERE uploaded_by = ?", e.budi); n != 3 {
			t.Errorf("%d documents recorded for budi, want 3", n)
		}
		if files := storedFiles(t, e.dir); files != 3 {
			t.Errorf("%d files on disk, want 3 (the refused one left behind?)", files)
		}
		if used, err := e.store.Used(e.ctx, d, e.budi); err != nil || used != 3*int64(len(file)) {
			t.Errorf("Used = %d, %v", used, err)
		}
		if _, err := e.store.Save(e.ctx, e.sitiAct, e.upload("kk.pdf"), bytes.NewReader(file)); err != nil {
			t.Errorf("another person's upload: %v", err)
		}
		clk.Advance(QuotaWindow + time.Second)
		e.save(t, e.upload("kk.pdf"), file)

		// Uploads at once cannot share the last room twice.
		clk.Advance(QuotaWindow + time.Second)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = e.store.Save(e.ctx, e.budiAct, e.upload("kk.pdf"), bytes.NewReader(file))
			})
		}
		wg.Wait()
		saved := 0
		for _, err := range errs {
			switch {
			case err == nil:
				saved++
			case !errors.Is(err, ErrQuota):
				t.Fatalf("concurrent upload: %v", err)
			}
		}
		if saved != 3 {
			t.Errorf("%d of 8 concurrent uploads kept with room for 3", saved)
		}
		verifyChain(t, d)
	})
}

func storedFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, de fs.DirEntry, err error) error {
		if err == nil && de.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRemoveUnattached: an upload attached to nothing for a day goes, row
// and bytes, audited; attached ones, today's and a class lesson's picture
// stay.
func TestRemoveUnattached(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clk := e.store.clock.(*clock.Fixed)
		stale := e.save(t, e.upload("left.pdf"), samplePDF(100))
		kept := e.save(t, e.upload("kept.pdf"), samplePDF(100))
		picture := e.upload("lesson.pdf")
		picture.Requirement = LessonPicture
		lesson := e.save(t, picture, samplePDF(100))
		if err := d.InTx(e.ctx, func(tx *db.Tx) error {
			return e.store.Attach(e.ctx, tx, e.tenantA, kept.ID, e.budi, e.applicationOne)
		}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(UnattachedAge + time.Minute)
		fresh := e.save(t, e.upload("today.pdf"), samplePDF(100))
		n, err := e.store.RemoveUnattached(e.ctx)
		if err != nil || n != 1 {
			t.Fatalf("RemoveUnattached = %d, %v; want 1", n, err)
		}
		if _, err := e.store.Get(e.ctx, e.tenantA, stale.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the day-old unattached upload is still there: %v", err)
		}
		for _, doc := range []Document{kept, fresh, lesson} {
			if _, err := e.store.Get(e.ctx, e.tenantA, doc.ID); err != nil {
				t.Errorf("%s was removed: %v", doc.Filename, err)
			}
		}
		if files := storedFiles(t, e.dir); files != 3 {
			t.Errorf("%d files on disk, want 3", files)
		}
		if got := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.expire' AND object = ?", "document:"+stale.ID); got != 1 {
			t.Errorf("%d document.expire entries, want 1", got)
		}
		if n, err := e.store.RemoveUnattached(e.ctx); err != nil || n != 0 {
			t.Errorf("second run = %d, %v; want 0", n, err)
		}
		verifyChain(t, d)
	})
}
