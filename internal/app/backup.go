package app

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/db"
)

// A backup is one gzip'd tar file holding what a restore needs: the SQLite
// database (a consistent online copy), every uploaded document, and
// RESTORE.txt, which says how to bring it back. The secret key is left out
// on purpose: a stolen backup with its key would give away every NIK and
// My Number in it. It is kept apart, and RESTORE.txt says so. On
// PostgreSQL the database is backed up with PostgreSQL's own tools, and the
// archive holds the documents only.
const (
	backupDB      = "serambi.db"
	backupUploads = "uploads"
	backupReadme  = "RESTORE.txt"
)

const restoreText = `Serambi backup, made %s.

It holds: %s.
It does NOT hold the secret key (DATA/secret.key, or SERAMBI_SECRET_KEY).
Keep the key apart from the backups, somewhere as safe: without it the
NIK, My Number and two-step sign-in secrets in the database cannot be read,
and with it anyone holding the backup could read them.

To restore into an empty data directory:

    serambi restore --from THIS_FILE --data DATA
    cp SAVED/secret.key DATA/secret.key     (or set SERAMBI_SECRET_KEY)
    serambi audit verify --data DATA
    serambi serve --data DATA ...
%s`

const restorePostgres = `
The database is PostgreSQL: restore it with pg_restore (or psql) from its
own dump first, then run serambi restore to bring back the documents.
`

// Backup writes the backup archive to path (which must not exist), readable
// by its owner only.
func (a *App) Backup(ctx context.Context, path string) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: create %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("backup: write %s: %w", path, cerr)
		}
		if err != nil {
			_ = os.Remove(path) // a half-written backup must not pass for one
		}
	}()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	holds := "the documents (uploads)"
	extra := restorePostgres
	if a.DB.Dialect() == db.SQLite {
		if err := a.addDatabase(ctx, tw); err != nil {
			return err
		}
		holds, extra = "the database (serambi.db) and the documents (uploads)", ""
	}
	if err := addTree(tw, filepath.Join(a.Config.DataDir, backupUploads), backupUploads); err != nil {
		return err
	}
	readme := fmt.Sprintf(restoreText, a.Clock.Now().UTC().Format(time.RFC3339), holds, extra)
	if err := addBytes(tw, backupReadme, []byte(readme)); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: finish the archive: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("backup: finish the archive: %w", err)
	}
	return nil
}

// addDatabase copies the live SQLite database consistently (VACUUM INTO a
// private temporary directory) and adds the copy.
func (a *App) addDatabase(ctx context.Context, tw *tar.Writer) error {
	tmp, err := os.MkdirTemp("", "serambi-backup-")
	if err != nil {
		return fmt.Errorf("backup: temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	copyPath := filepath.Join(tmp, backupDB)
	if err := a.DB.Backup(ctx, copyPath); err != nil {
		return fmt.Errorf("backup: copy the database: %w", err)
	}
	return addFile(tw, copyPath, backupDB)
}

// addTree adds every regular file under dir, named under prefix; a missing
// dir (no uploads yet) adds nothing.
func addTree(tw *tar.Writer, dir, prefix string) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil // directories are implied; links are never followed
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return addFile(tw, p, path.Join(prefix, filepath.ToSlash(rel)))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: add %s: %w", dir, err)
	}
	return nil
}

func addFile(tw *tar.Writer, src, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %s: %w", src, err)
	}
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: add %s: %w", name, err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("backup: add %s: %w", name, err)
	}
	return nil
}

func addBytes(tw *tar.Writer, name string, b []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: add %s: %w", name, err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("backup: add %s: %w", name, err)
	}
	return nil
}

// ErrNotEmpty: restore refuses to mix a backup into existing data.
var ErrNotEmpty = errors.New("restore: the data directory already holds a database or documents; restore into an empty one")

// Restore unpacks a backup: the database to dbPath (the SQLite file the
// configuration names; "" on PostgreSQL, where it is left out) and the
// documents into dataDir, every file 0600. It refuses when either already
// holds data, and any entry whose name would climb out of dataDir.
func Restore(from, dataDir, dbPath string) (files int, err error) {
	if err := checkEmpty(dataDir, dbPath); err != nil {
		return 0, err
	}
	f, err := os.Open(from)
	if err != nil {
		return 0, fmt.Errorf("restore: open %s: %w", from, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("restore: %s is not a serambi backup: %w", from, err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return files, fmt.Errorf("restore: read %s: %w", from, err)
		}
		dst, ok := restorePath(dataDir, dbPath, hdr)
		if !ok {
			continue
		}
		if err := writePrivate(dst, tr); err != nil {
			return files, err
		}
		files++
	}
}

// restorePath is where an entry goes, or false for one to leave out (the
// readme, the database on PostgreSQL, anything not a plain file or with a
// name that climbs out of the data directory).
func restorePath(dataDir, dbPath string, hdr *tar.Header) (string, bool) {
	name := path.Clean(hdr.Name)
	if hdr.Typeflag != tar.TypeReg || strings.HasPrefix(name, "../") || name == ".." || path.IsAbs(name) {
		return "", false
	}
	switch {
	case name == backupDB && dbPath != "":
		return dbPath, true
	case strings.HasPrefix(name, backupUploads+"/"):
		return filepath.Join(dataDir, filepath.FromSlash(name)), true
	}
	return "", false
}

func writePrivate(dst string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: create %s: %w", dst, err)
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return fmt.Errorf("restore: write %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("restore: write %s: %w", dst, err)
	}
	return nil
}

func checkEmpty(dataDir, dbPath string) error {
	if dbPath != "" {
		if _, err := os.Stat(dbPath); err == nil {
			return ErrNotEmpty
		}
	}
	entries, err := os.ReadDir(filepath.Join(dataDir, backupUploads))
	if err == nil && len(entries) > 0 {
		return ErrNotEmpty
	}
	return nil
}
