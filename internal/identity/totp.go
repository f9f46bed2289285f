package identity

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/text/width"
)

// TOTP settings. SHA1, 6 digits and 30 s are what every authenticator app
// supports; other values are silently ignored by some apps, locking users out.
const (
	totpPeriod     = 30
	totpSecretSize = 20 // 160 bits, the HMAC-SHA1 block-friendly size RFC 4226 recommends
	totpDigits     = otp.DigitsSix
	totpQRSize     = 240
	// RFC 4226 requires shared secrets of at least 128 bits; anything
	// shorter is treated as garbage rather than a usable key.
	minTOTPSecretBytes = 16
)

var totpOpts = totp.ValidateOpts{
	Period:    totpPeriod,
	Skew:      1, // one step either side absorbs phone clock drift and typing time
	Digits:    totpDigits,
	Algorithm: otp.AlgorithmSHA1,
}

// NewTOTPSecret creates a random secret and the otpauth:// URI that
// authenticator apps import (usually via the QR code from TOTPQRCodePNG).
// The secret is unpadded base32, as apps expect.
func NewTOTPSecret(issuer, account string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  totpSecretSize,
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("identity: generating TOTP secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// CheckTOTP reports whether code is valid for secret at now, allowing one
// 30-second step of skew either side. Spaces in code are ignored ("123 456"),
// full-width digits are read. It does not prevent replay within the window:
// sign-in goes through TOTPStep and remembers the step it accepted.
func CheckTOTP(secret, code string, now time.Time) bool {
	_, ok := TOTPStep(secret, code, now)
	return ok
}

// TOTPStep returns the time step (Unix time / 30 s) whose code matches, so a
// caller can refuse that step and earlier ones afterwards.
func TOTPStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, width.Narrow.String(code))
	if len(code) != int(totpDigits) || !allASCIIDigits(code) || !usableTOTPSecret(secret) {
		return 0, false
	}
	step := now.UTC().Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0).UTC(), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// usableTOTPSecret guards against empty or short secrets: an empty secret
// decodes to an empty HMAC key whose codes anyone can compute.
func usableTOTPSecret(secret string) bool {
	s := strings.ToUpper(strings.TrimRight(strings.TrimSpace(secret), "="))
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	return err == nil && len(key) >= minTOTPSecretBytes
}

// TOTPQRCodePNG renders an otpauth:// URI as a 240×240 PNG QR code for
// enrolment screens.
func TOTPQRCodePNG(uri string) ([]byte, error) {
	if !strings.HasPrefix(uri, "otpauth://") {
		return nil, errors.New("identity: not an otpauth URI")
	}
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, fmt.Errorf("identity: parsing otpauth URI: %w", err)
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return nil, fmt.Errorf("identity: rendering QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("identity: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}
