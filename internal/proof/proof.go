// Package proof makes what lets anyone check a paper Serambi issued (a
// service's result, a class certificate): an unguessable code for its QR
// code, and the fingerprint of its content that a changed paper no longer
// matches.
package proof

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// NewCode is 80 random bits in base32, 16 characters: short enough for a
// QR code and a phone call, too many to guess.
func NewCode() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// CodeLength is the length of every code NewCode makes.
const CodeLength = 16

// Digest is the hex SHA-256 of content as JSON, as stored when the paper
// is issued and recomputed when it is checked.
func Digest(content any) (string, error) {
	raw, err := json.Marshal(content)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// Fingerprint is a digest as people read and compare it: four groups of
// four from its start.
func Fingerprint(digest string) string {
	if len(digest) < 16 {
		return ""
	}
	d := strings.ToUpper(digest[:16])
	return d[0:4] + "-" + d[4:8] + "-" + d[8:12] + "-" + d[12:16]
}
