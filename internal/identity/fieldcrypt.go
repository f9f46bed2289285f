package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/hkdf"
)

// MinFieldSecretLen is the minimum length of the master secret: 32 bytes
// gives the full 256-bit strength the derived AES and HMAC keys can carry.
const MinFieldSecretLen = 32

// HKDF info labels. Deriving two keys from one secret means an operator
// manages a single value, while the encryption key and the lookup key can
// never be confused for each other. The "v1" lets a future scheme derive
// fresh keys from the same secret.
const (
	fieldEncInfo    = "serambi field encryption v1"
	fieldLookupInfo = "serambi field lookup v1"
	sealedPrefix    = "v1."
)

// Field encryption errors.
var (
	ErrFieldSecretTooShort = errors.New("identity: field secret must be at least 32 bytes")
	ErrSealedFormat        = errors.New("identity: sealed value is malformed")
	// ErrSealedAuth covers wrong key, wrong aad and tampering alike: GCM
	// cannot tell them apart, and telling an attacker which would not help.
	ErrSealedAuth = errors.New("identity: sealed value failed authentication")
)

var sealedB64 = base64.RawURLEncoding.Strict()

// FieldCipher encrypts personal numbers (NIK, My Number) for storage and
// computes blind-index hashes so they can be looked up without decryption.
// It is safe for concurrent use.
type FieldCipher struct {
	aead      cipher.AEAD
	lookupKey []byte
}

// NewFieldCipher derives the encryption and lookup keys from secret.
func NewFieldCipher(secret []byte) (*FieldCipher, error) {
	if len(secret) < MinFieldSecretLen {
		return nil, ErrFieldSecretTooShort
	}
	encKey, err := deriveKey(secret, fieldEncInfo)
	if err != nil {
		return nil, err
	}
	lookupKey, err := deriveKey(secret, fieldLookupInfo)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &FieldCipher{aead: aead, lookupKey: lookupKey}, nil
}

func deriveKey(secret []byte, info string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, nil, []byte(info)), key); err != nil {
		return nil, fmt.Errorf("identity: deriving key: %w", err)
	}
	return key, nil
}

// Seal encrypts plaintext with AES-256-GCM under a random 96-bit nonce and
// returns "v1.<base64url(nonce|ciphertext|tag)>". aad names the value's
// purpose (e.g. "user.nik:<id>"); it is authenticated but not stored, so a
// ciphertext copied to another column or row fails to Open.
func (c *FieldCipher) Seal(plaintext, aad string) (string, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plaintext)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("identity: reading nonce: %w", err)
	}
	out := c.aead.Seal(nonce, nonce, []byte(plaintext), []byte(aad))
	return sealedPrefix + sealedB64.EncodeToString(out), nil
}

// Open reverses Seal; aad must equal the value given to Seal.
func (c *FieldCipher) Open(sealed, aad string) (string, error) {
	body, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", fmt.Errorf("%w: unknown version", ErrSealedFormat)
	}
	raw, err := sealedB64.DecodeString(body)
	if err != nil || len(raw) < c.aead.NonceSize()+c.aead.Overhead() {
		return "", ErrSealedFormat
	}
	n := c.aead.NonceSize()
	plain, err := c.aead.Open(nil, raw[:n], raw[n:], []byte(aad))
	if err != nil {
		return "", ErrSealedAuth
	}
	return string(plain), nil
}

// LookupHash returns hex HMAC-SHA256 of kind, a NUL byte and value. Keyed,
// so a database dump alone cannot be brute-forced over the small space of
// valid numbers; kind keeps equal digits of different schemes apart. Callers
// must normalise value (e.g. strip spaces) identically when storing and
// searching.
func (c *FieldCipher) LookupHash(kind, value string) string {
	m := hmac.New(sha256.New, c.lookupKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
