package identity

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestNewTOTPSecret(t *testing.T) {
	secret, uri, err := NewTOTPSecret("Serambi", "ayu@example.id")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 { // 20 bytes → 32 base32 characters, no padding
		t.Errorf("secret %q has length %d, want 32", secret, len(secret))
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("uri %q: %v", uri, err)
	}
	q := u.Query()
	if q.Get("secret") != secret || q.Get("issuer") != "Serambi" ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("uri parameters %v", q)
	}
	other, _, _ := NewTOTPSecret("Serambi", "ayu@example.id")
	if other == secret {
		t.Error("two secrets are identical")
	}
}

func TestCheckTOTP(t *testing.T) {
	secret, _, err := NewTOTPSecret("Serambi", "ayu")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, time.June, 15, 10, 0, 7, 0, time.UTC)
	code, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckTOTP(secret, code, now) {
		t.Error("code rejected at generation time")
	}
	if !CheckTOTP(secret, " "+code[:3]+" "+code[3:]+"\n", now) {
		t.Error("code with spaces rejected")
	}
	if !CheckTOTP(secret, code, now.Add(30*time.Second)) || !CheckTOTP(secret, code, now.Add(-30*time.Second)) {
		t.Error("one step of skew not accepted")
	}
	if CheckTOTP(secret, code, now.Add(90*time.Second)) {
		t.Error("code accepted 90 s later")
	}
	if CheckTOTP(secret, code, now.Add(-90*time.Second)) {
		t.Error("code accepted 90 s earlier")
	}
}

func TestCheckTOTPGarbage(t *testing.T) {
	secret, _, _ := NewTOTPSecret("Serambi", "ayu")
	now := time.Now()
	good, _ := totp.GenerateCode(secret, now)
	emptyCode, _ := totp.GenerateCode("", now)
	cases := []struct{ secret, code string }{
		{secret, ""},
		{secret, "abcdef"},
		{secret, "12345"},
		{secret, "1234567"},
		{secret, "１２３４５６"},
		{secret, good + "0"},
		{"", emptyCode}, // an empty secret must never validate
		{"not base32!", good},
		{"AAAA", good},
		{"\xff\xfe", good},
		{strings.Repeat("=", 40), good},
	}
	for _, c := range cases {
		if CheckTOTP(c.secret, c.code, now) {
			t.Errorf("CheckTOTP(%q, %q) = true", c.secret, c.code)
		}
	}
}

func TestTOTPQRCodePNG(t *testing.T) {
	_, uri, _ := NewTOTPSecret("Serambi", "ayu@example.id")
	b, err := TOTPQRCodePNG(uri)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != 240 || s.Y != 240 {
		t.Errorf("QR size %v, want 240×240", s)
	}
	for _, bad := range []string{"", "https://example.com", "otpauth://%zz"} {
		if _, err := TOTPQRCodePNG(bad); err == nil {
			t.Errorf("TOTPQRCodePNG(%q) succeeded", bad)
		}
	}
}

func FuzzCheckTOTP(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "123456", int64(0))
	f.Add("", "", int64(-1))
	f.Add("====", "12 34 56", int64(1<<40))
	f.Fuzz(func(t *testing.T, secret, code string, unix int64) {
		_ = CheckTOTP(secret, code, time.Unix(unix, 0))
	})
}
