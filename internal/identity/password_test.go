package identity

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashAndCheckPassword(t *testing.T) {
	enc, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected encoding %q", enc)
	}
	ok, err := CheckPassword(enc, "correct horse battery staple")
	if err != nil || !ok {
		t.Fatalf("right password: ok=%v err=%v", ok, err)
	}
	ok, err = CheckPassword(enc, "correct horse battery stapler")
	if err != nil || ok {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	if NeedsRehash(enc) {
		t.Error("fresh hash should not need rehash")
	}
}

func TestHashPasswordUsesFreshSalt(t *testing.T) {
	a, _ := HashPassword("same password")
	b, _ := HashPassword("same password")
	if a == b {
		t.Error("two hashes of the same password are identical; salt is not random")
	}
}

// A hash made with older, cheaper parameters must still verify (parameters
// are read from the string) and must be flagged for rehash.
func TestCheckPasswordOldParameters(t *testing.T) {
	const old = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$"
	// Build the hash for "pw" with the same cheap parameters.
	p, err := parseArgon2id(old + b64.EncodeToString(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	enc := old + b64.EncodeToString(argon2.IDKey([]byte("pw"), p.salt, p.time, p.memory, p.threads, 32))
	ok, err := CheckPassword(enc, "pw")
	if err != nil || !ok {
		t.Fatalf("old-parameter hash: ok=%v err=%v", ok, err)
	}
	if !NeedsRehash(enc) {
		t.Error("cheap hash should need rehash")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, _ := HashPassword("whatever")
	parts := strings.Split(good, "$")
	cases := []string{
		"",
		"plaintext",
		"$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=+19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$t=2,m=19456,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5] + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5] + "==",
	}
	for _, c := range cases {
		ok, err := CheckPassword(c, "whatever")
		if ok || !errors.Is(err, ErrHashFormat) {
			t.Errorf("CheckPassword(%q) = %v, %v; want false, ErrHashFormat", c, ok, err)
		}
		if !NeedsRehash(c) {
			t.Errorf("NeedsRehash(%q) = false for malformed hash", c)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	cases := []struct {
		pw   string
		want error
	}{
		{"", ErrPasswordTooShort},
		{"short", ErrPasswordTooShort},
		{"ééééééé", ErrPasswordTooShort}, // 7 runes, 14 bytes
		{"éééééééé", nil},                // 8 runes
		{strings.Repeat("x", 128), nil},
		{strings.Repeat("ü", 128), nil},
		{strings.Repeat("x", 129), ErrPasswordTooLong},
		{"password", ErrPasswordCommon},
		{"PassWord123", ErrPasswordCommon},
		{"  iloveyou  ", ErrPasswordCommon},
		{"sayangku", ErrPasswordCommon},
		{"bismillah", ErrPasswordCommon},
		{"doraemon", ErrPasswordCommon},
		{"Serambi123", ErrPasswordCommon},
		{"serambi-demo", nil}, // the documented demo password must stay usable
		{"tropical-walrus-ledger", nil},
	}
	for _, c := range cases {
		if got := ValidatePassword(c.pw); !errors.Is(got, c.want) || (c.want == nil && got != nil) {
			t.Errorf("ValidatePassword(%q) = %v, want %v", c.pw, got, c.want)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	set := commonPasswords()
	if len(set) < 1000 {
		t.Fatalf("common password list has %d entries, want at least 1000", len(set))
	}
	if _, bad := set["serambi-demo"]; bad {
		t.Fatal("demo password serambi-demo must not be on the common list")
	}
	// The file itself must be lowercase, trimmed and free of duplicates so it
	// stays easy to review.
	seen := map[string]bool{}
	for line := range strings.Lines(commonPasswordsFile) {
		w := strings.TrimSuffix(line, "\n")
		if w != normalizeCommon(w) || w == "" {
			t.Errorf("entry %q is not lowercase/trimmed", w)
		}
		if seen[w] {
			t.Errorf("duplicate entry %q", w)
		}
		seen[w] = true
	}
	for _, w := range []string{"123456", "qwerty", "dragon", "sayang", "indonesia", "rahasia", "pokemon", "sakura", "arigatou", "serambi"} {
		if _, ok := set[w]; !ok {
			t.Errorf("expected %q on the common list", w)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	// Cheap parameters keep each fuzz iteration fast.
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "pw")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Add("$argon2id$v=19$m=,t=,p=$$", "x")
	f.Add("$$$$$", "x")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		ok, err := CheckPassword(encoded, pw)
		if ok && err != nil {
			t.Fatalf("ok with error %v", err)
		}
		_ = NeedsRehash(encoded)
	})
}
