package document

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Storage holds file bytes; the local implementation keeps them under the
// data dir. An S3-compatible one can follow.
type Storage interface {
	Put(ctx context.Context, key string, r io.Reader) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// ErrBadKey is returned for a storage key that could name something outside
// the storage (or a hidden temporary file inside it).
var ErrBadKey = errors.New("document: invalid storage key")

// LocalStorage keeps files in a directory (DATA/uploads). Every access goes
// through an os.Root as well as the key check, so neither a crafted key nor
// a symlink planted under the directory can reach outside it.
type LocalStorage struct {
	root *os.Root
}

// NewLocalStorage opens (creating when needed, mode 0700) the directory dir.
func NewLocalStorage(dir string) (*LocalStorage, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("uploads dir: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("uploads dir: %w", err)
	}
	return &LocalStorage{root: root}, nil
}

// Close releases the directory handle.
func (l *LocalStorage) Close() error { return l.root.Close() }

// validKey accepts "segment/segment/..." where each segment is made of
// letters, digits, '-', '_' and '.', and never starts with a dot: so no
// "..", no absolute path, no backslash, no empty segment, and no clash with
// the ".tmp-" files Put writes before renaming.
func validKey(key string) bool {
	if key == "" || len(key) > 255 {
		return false
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
			if !ok {
				return false
			}
		}
	}
	return !strings.Contains(key, "..")
}

func checkKey(key string) error {
	if !validKey(key) {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// Put writes r to key atomically: the bytes go to a temporary file in the
// same directory, are synced, and only then renamed over key. A reader that
// fails midway leaves neither a partial file nor the temporary one, and an
// earlier file under key stays as it was.
func (l *LocalStorage) Put(ctx context.Context, key string, r io.Reader) (err error) {
	if err := checkKey(key); err != nil {
		return err
	}
	dir := path.Dir(key)
	if dir != "." {
		if err := l.root.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	tmp := path.Join(dir, ".tmp-"+randomHex(12))
	f, err := l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = l.root.Remove(tmp)
		}
	}()
	if _, err = io.Copy(f, ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = l.root.Rename(tmp, key); err != nil {
		return err
	}
	syncDir(l.root, dir)
	return nil
}

// syncDir makes the rename durable; failure only weakens durability after a
// power cut, so it is not reported.
func syncDir(root *os.Root, dir string) {
	d, err := root.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Open returns the file under key, or ErrNotFound.
func (l *LocalStorage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := l.root.Open(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return f, nil
}

// Delete removes the file under key; a key already gone is not an error, so
// a retried deletion succeeds.
func (l *LocalStorage) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := l.root.Remove(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
