package application

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// checkAlphabet leaves out letters and digits that look alike (0/O, 1/I/L,
// 2/Z, 5/S, 8/B), so an older reader copying the code from paper or a
// phone gets it right.
const checkAlphabet = "ACDEFGHJKMNPQRTUVWXY3479"

// CheckLen is the length of a check code: 24^6, about 190 million codes,
// against the tracking page's ten guesses per address and twenty per
// number in 15 minutes.
const CheckLen = 6

// CheckKey derives the key of check codes from the server's secret key
// (HKDF-SHA256), so a new secret key changes every code and the codes
// reveal nothing about the key.
func CheckKey(secret []byte) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, secret, nil, "serambi application check code", 32)
	if err != nil {
		return nil, fmt.Errorf("application: derive the check-code key: %w", err)
	}
	return k, nil
}

// CheckCode is the application's check code for public tracking: what
// every applicant has (it comes with the confirmation, on screen and by
// email), unlike a phone number or an NIK, which not every applicant gave.
// It is derived, not stored: the same key and ID give the same code.
func CheckCode(key []byte, applicationID ids.Application) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(applicationID))
	sum := m.Sum(nil)
	var b strings.Builder
	for i := 0; i < CheckLen; i++ {
		b.WriteByte(checkAlphabet[int(sum[i])%len(checkAlphabet)])
	}
	return b.String()
}

// CheckMatches tells whether typed is the application's check code, read
// the way a person types it: full-width, small letters, spaces or a
// hyphen in the middle.
func CheckMatches(key []byte, applicationID ids.Application, typed string) bool {
	typed = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(validation.Narrow(typed)))
	if len(typed) != CheckLen {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(typed), []byte(CheckCode(key, applicationID))) == 1
}
