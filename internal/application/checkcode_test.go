package application

import (
	"strings"
	"testing"
)

func TestCheckCode(t *testing.T) {
	t.Parallel()
	key, err := CheckKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	code := CheckCode(key, "app-1")
	if len(code) != CheckLen || strings.Trim(code, checkAlphabet) != "" {
		t.Fatalf("code %q", code)
	}
	if CheckCode(key, "app-1") != code || CheckCode(key, "app-2") == code {
		t.Error("codes are not stable per application, or collide")
	}
	other, _ := CheckKey([]byte("another secret key, 32 bytes long"))
	if CheckCode(other, "app-1") == code {
		t.Error("the code does not depend on the key")
	}
	fullWidth := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r - 'A' + 'ａ'
		}
		return r - '0' + '０'
	}, code)
	for _, typed := range []string{code, strings.ToLower(code), code[:3] + " " + code[3:], code[:3] + "-" + code[3:], fullWidth} {
		if !CheckMatches(key, "app-1", typed) {
			t.Errorf("%q is not read as %q", typed, code)
		}
	}
	for _, typed := range []string{"", code[:5], code + "A", CheckCode(key, "app-2")} {
		if CheckMatches(key, "app-1", typed) {
			t.Errorf("%q accepted for %q", typed, code)
		}
	}
}
