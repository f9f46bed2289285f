package document

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newLocal(t *testing.T) (*LocalStorage, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "uploads")
	l, err := NewLocalStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, dir
}

// files lists every regular file under dir, relative, with "/" separators.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readKey(t *testing.T, l *LocalStorage, key string) string {
	t.Helper()
	rc, err := l.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLocalStorageRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, dir := newLocal(t)
	key := "0192aaaa-tenant/0192bbbb-doc"
	if err := l.Put(ctx, key, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	if got := readKey(t, l, key); got != "hello" {
		t.Fatalf("read %q", got)
	}
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode %o, want 600", perm)
	}
	if err := l.Put(ctx, key, strings.NewReader("replaced")); err != nil {
		t.Fatal(err)
	}
	if got := readKey(t, l, key); got != "replaced" {
		t.Fatalf("after overwrite read %q", got)
	}
	if err := l.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Open(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open after Delete: %v, want ErrNotFound", err)
	}
	if err := l.Delete(ctx, key); err != nil {
		t.Fatalf("second Delete: %v, want nil", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("files left: %v", got)
	}
}

func TestLocalStorageRejectsBadKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, dir := newLocal(t)
	// Something outside the storage a traversal would reach.
	outside := filepath.Join(filepath.Dir(dir), "secret")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"", "..", "../secret", "t1/../../secret", "t1/..", "t1/a..b",
		"/etc/passwd", "/t1/doc", `t1\doc`, `..\secret`, `C:\secret`,
		"t1//doc", "t1/doc/", "./t1", ".hidden", "t1/.tmp-abc", "t1/doc\x00",
		"t1/doc name", "t1/doc%2f..", strings.Repeat("a", 300),
	} {
		if err := l.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, ErrBadKey) {
			t.Errorf("Put(%q): %v, want ErrBadKey", key, err)
		}
		if _, err := l.Open(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Open(%q): %v, want ErrBadKey", key, err)
		}
		if err := l.Delete(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Delete(%q): %v, want ErrBadKey", key, err)
		}
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "secret" {
		t.Fatalf("file outside the storage touched: %q, %v", b, err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("files written: %v", got)
	}
}

// A symlink planted inside the directory cannot lead outside it either.
func TestLocalStorageSymlinkEscape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, dir := newLocal(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "doc"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "t1")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	if _, err := l.Open(ctx, "t1/doc"); err == nil {
		t.Error("Open followed a symlink out of the storage")
	}
	if err := l.Put(ctx, "t1/new", strings.NewReader("x")); err == nil {
		t.Error("Put followed a symlink out of the storage")
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); err == nil {
		t.Error("a file was written outside the storage")
	}
}

// failingReader gives some bytes, then an error, like a dropped connection.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.n)
	for i := range n {
		p[i] = 'x'
	}
	f.n -= n
	return n, nil
}

func TestLocalStorageAtomicWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		existing string // content under the key before, "" for none
	}{
		{"new key", ""},
		{"over an existing file", "original"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, dir := newLocal(t)
			key := "t1/doc"
			if tt.existing != "" {
				if err := l.Put(ctx, key, strings.NewReader(tt.existing)); err != nil {
					t.Fatal(err)
				}
			}
			err := l.Put(ctx, key, &failingReader{n: 100_000})
			if err == nil || !strings.Contains(err.Error(), "connection reset") {
				t.Fatalf("Put with a failing reader: %v", err)
			}
			got := files(t, dir)
			if tt.existing == "" {
				if len(got) != 0 {
					t.Fatalf("partial or temporary files left: %v", got)
				}
				if _, err := l.Open(ctx, key); !errors.Is(err, ErrNotFound) {
					t.Fatalf("Open: %v, want ErrNotFound", err)
				}
				return
			}
			if len(got) != 1 || got[0] != key {
				t.Fatalf("files %v, want only %s", got, key)
			}
			if c := readKey(t, l, key); c != tt.existing {
				t.Fatalf("existing file became %q", c[:min(len(c), 20)])
			}
		})
	}
}

func TestLocalStorageCancelledPut(t *testing.T) {
	t.Parallel()
	l, dir := newLocal(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Put(ctx, "t1/doc", bytes.NewReader(make([]byte, 1<<20))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put: %v, want context.Canceled", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("files left: %v", got)
	}
}
