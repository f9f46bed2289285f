package identity

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testCipher(t *testing.T, fill byte) *FieldCipher {
	t.Helper()
	c, err := NewFieldCipher(bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewFieldCipherShortSecret(t *testing.T) {
	if _, err := NewFieldCipher(make([]byte, 31)); !errors.Is(err, ErrFieldSecretTooShort) {
		t.Errorf("31-byte secret: %v", err)
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	c := testCipher(t, 1)
	for _, pt := range []string{"3510021708450001", "", "日本語 123456789018"} {
		s, err := c.Seal(pt, "user.nik")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, "v1.") || strings.ContainsAny(s, "+/=") {
			t.Errorf("sealed form %q is not v1 base64url", s)
		}
		got, err := c.Open(s, "user.nik")
		if err != nil || got != pt {
			t.Errorf("Open = %q, %v; want %q", got, err, pt)
		}
	}
}

func TestSealIsRandomised(t *testing.T) {
	c := testCipher(t, 1)
	a, _ := c.Seal("3510021708450001", "user.nik")
	b, _ := c.Seal("3510021708450001", "user.nik")
	if a == b {
		t.Error("sealing twice gave identical output; nonce is not random")
	}
}

func TestOpenDetectsTampering(t *testing.T) {
	c := testCipher(t, 1)
	s, _ := c.Seal("3510021708450001", "user.nik")
	raw, _ := sealedB64.DecodeString(s[3:])
	for i := range raw {
		mod := bytes.Clone(raw)
		mod[i] ^= 0x01
		if _, err := c.Open("v1."+sealedB64.EncodeToString(mod), "user.nik"); !errors.Is(err, ErrSealedAuth) {
			t.Fatalf("flipping byte %d: %v, want ErrSealedAuth", i, err)
		}
	}
	for _, bad := range []string{"", "v1.", "v2." + s[3:], s[3:], "v1.!!!", "v1." + sealedB64.EncodeToString(raw[:27]), s + "A"} {
		if _, err := c.Open(bad, "user.nik"); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}

func TestOpenWrongAADOrKey(t *testing.T) {
	c := testCipher(t, 1)
	s, _ := c.Seal("3510021708450001", "user.nik")
	if _, err := c.Open(s, "user.my_number"); !errors.Is(err, ErrSealedAuth) {
		t.Errorf("wrong aad: %v", err)
	}
	if _, err := testCipher(t, 2).Open(s, "user.nik"); !errors.Is(err, ErrSealedAuth) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestLookupHash(t *testing.T) {
	c := testCipher(t, 1)
	h := c.LookupHash("nik", "3510021708450001")
	if len(h) != 64 || h != c.LookupHash("nik", "3510021708450001") {
		t.Fatalf("lookup hash %q not deterministic hex", h)
	}
	if h == c.LookupHash("mynumber", "3510021708450001") {
		t.Error("different kinds gave the same hash")
	}
	if h == c.LookupHash("nik", "3510021708450002") {
		t.Error("different values gave the same hash")
	}
	if h == testCipher(t, 2).LookupHash("nik", "3510021708450001") {
		t.Error("different secrets gave the same hash")
	}
	// Same secret, fresh cipher: still findable after a restart.
	if h != testCipher(t, 1).LookupHash("nik", "3510021708450001") {
		t.Error("lookup hash not stable across instances")
	}
}
