// Package identity holds helpers for user identity: password hashing and
// policy, national identity numbers, field encryption and TOTP.
package identity

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Current argon2id parameters. These are OWASP's minimum recommendation
// (m=19 MiB, t=2, p=1): strong enough against offline guessing while cheap
// enough that a 2-core server can absorb a burst of logins. Raise them here;
// NeedsRehash then flags older hashes for upgrade on the next login.
const (
	argonMemory  uint32 = 19 * 1024 // KiB
	argonTime    uint32 = 2
	argonThreads uint8  = 1
	argonSaltLen        = 16
	argonKeyLen         = 32
)

// Upper bounds accepted when parsing a stored hash. A hash string is data, and
// a corrupted or hostile one must not make us allocate gigabytes or spin for
// minutes, so parameters beyond these are treated as malformed.
const (
	maxArgonMemory  = 256 * 1024 // KiB, i.e. 256 MiB
	maxArgonTime    = 16
	maxArgonThreads = 16
	minArgonSaltLen = 8
	maxArgonSaltLen = 64
	minArgonKeyLen  = 16
	maxArgonKeyLen  = 64
)

// Password length limits, counted in runes (what a user perceives as
// characters). NIST SP 800-63B requires at least 8 and asks verifiers to
// allow at least 64; 128 satisfies "at least 64" with room for passphrases
// while still bounding the work an attacker can force per login attempt.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// Password policy errors, returned by ValidatePassword.
var (
	ErrPasswordTooShort = errors.New("identity: password is shorter than 8 characters")
	ErrPasswordTooLong  = errors.New("identity: password is longer than 128 characters")
	ErrPasswordCommon   = errors.New("identity: password is too common")
)

// ErrHashFormat is returned by CheckPassword for a stored hash it cannot parse.
var ErrHashFormat = errors.New("identity: malformed password hash")

var b64 = base64.RawStdEncoding.Strict()

// argonParams is one parsed PHC string.
type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// HashPassword hashes pw with argon2id and a fresh random salt, returning a
// PHC-format string that records the parameters alongside salt and hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("identity: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash. It uses the
// parameters stored in the hash, so hashes made before a parameter change
// keep verifying. A malformed hash yields ErrHashFormat, never a panic.
func CheckPassword(encoded, pw string) (bool, error) {
	p, err := parseArgon2id(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	// Constant time so response timing leaks nothing about how much matched.
	return subtle.ConstantTimeCompare(got, p.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker settings than the
// current ones, so the caller should store a fresh HashPassword result after
// a successful login. An unparsable hash also needs replacing, so it is true.
func NeedsRehash(encoded string) bool {
	p, err := parseArgon2id(encoded)
	if err != nil {
		return true
	}
	return p.memory < argonMemory || p.time < argonTime ||
		len(p.salt) < argonSaltLen || len(p.key) < argonKeyLen
}

// parseArgon2id splits "$argon2id$v=19$m=..,t=..,p=..$salt$hash".
func parseArgon2id(encoded string) (argonParams, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, ErrHashFormat
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, fmt.Errorf("%w: unsupported version", ErrHashFormat)
	}
	if err := p.parseCost(parts[3]); err != nil {
		return p, err
	}
	var err error
	if p.salt, err = decodeB64(parts[4], minArgonSaltLen, maxArgonSaltLen); err != nil {
		return p, fmt.Errorf("%w: salt", ErrHashFormat)
	}
	if p.key, err = decodeB64(parts[5], minArgonKeyLen, maxArgonKeyLen); err != nil {
		return p, fmt.Errorf("%w: hash", ErrHashFormat)
	}
	return p, nil
}

// parseCost reads "m=19456,t=2,p=1" in exactly that order, bounded.
func (p *argonParams) parseCost(s string) error {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return fmt.Errorf("%w: parameters", ErrHashFormat)
	}
	m, errM := costField(fields[0], "m=", 8, maxArgonMemory)
	t, errT := costField(fields[1], "t=", 1, maxArgonTime)
	th, errP := costField(fields[2], "p=", 1, maxArgonThreads)
	if errM != nil || errT != nil || errP != nil {
		return fmt.Errorf("%w: parameters", ErrHashFormat)
	}
	// argon2 needs at least 8 KiB per lane.
	if m < 8*th {
		return fmt.Errorf("%w: memory too small for parallelism", ErrHashFormat)
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(th)
	return nil
}

// costField parses "<prefix><decimal>" and checks lo <= value <= hi. Only
// plain decimal digits are accepted, so "+5" or " 5" are rejected.
func costField(s, prefix string, lo, hi uint64) (uint64, error) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" || len(digits) > 10 || strings.Trim(digits, "0123456789") != "" {
		return 0, ErrHashFormat
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, ErrHashFormat
	}
	return v, nil
}

func decodeB64(s string, minLen, maxLen int) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b) < minLen || len(b) > maxLen {
		return nil, ErrHashFormat
	}
	return b, nil
}

// ValidatePassword applies the sign-up/change password policy: length in
// runes between MinPasswordLen and MaxPasswordLen, and not on the embedded
// list of commonly breached passwords. Composition rules (digits, symbols)
// are deliberately absent: NIST SP 800-63B advises against them.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	case isCommonPassword(pw):
		return ErrPasswordCommon
	}
	return nil
}

//go:embed common-passwords.txt
var commonPasswordsFile string

// commonPasswords is built on first use so programs that never validate a
// password do not pay for the map.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 2048)
	for line := range strings.Lines(commonPasswordsFile) {
		if w := normalizeCommon(line); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
})

func normalizeCommon(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

func isCommonPassword(pw string) bool {
	_, found := commonPasswords()[normalizeCommon(pw)]
	return found
}
