package web

import (
	"net/url"
	"strings"
	"testing"
)

// browserResolve reads a Location header roughly as a browser's URL parser
// does (WHATWG): tabs and newlines anywhere are dropped, leading and trailing
// C0 controls and spaces trimmed, and a backslash is a slash.
func browserResolve(t *testing.T, location string) (*url.URL, bool) {
	t.Helper()
	loc := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, location)
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	ref, err := url.Parse(loc)
	if err != nil {
		return nil, false
	}
	base, _ := url.Parse("https://site.example/somewhere/page")
	return base.ResolveReference(ref), true
}

func TestSafeNextRefusesOtherSites(t *testing.T) {
	t.Parallel()
	cases := []struct {
		next string
		ok   bool
	}{
		{"/fukuoka/applications", true},
		{"/fukuoka/applications?state=open&x=%2F%2Fevil", true},
		{"/", true},
		{"", false},
		{"fukuoka", false},
		{"//evil.example", false},
		{"/\t/evil.example", false},      // the trial's: next=/%09/evil.example
		{"/\n/evil.example", false},      // newline, dropped by browsers
		{"/\\evil.example", false},       // backslash reads as slash
		{"\\/evil.example", false},       // ditto, first
		{" /x", false},                   // leading space is trimmed by browsers
		{"/x\x00", false},                // NUL
		{"https://evil.example/", false}, // absolute
		{"/ /evil.example", false},       // space
		{"/\u3000/evil.example", false},  // ideographic space
		{"/\u202e/evil.example", false},  // bidi override
		{"javascript:alert(1)", false},   // script
		{"/" + strings.Repeat("a", 3000), false},
	}
	for _, c := range cases {
		if got := safeNext(c.next, "FALLBACK") != "FALLBACK"; got != c.ok {
			t.Errorf("safeNext(%q) accepted=%v, want %v", c.next, got, c.ok)
		}
	}
}

// FuzzSafeNext: whatever safeNext accepts stays on this site when a
// browser follows it.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/a", "/\t/evil.example", "//evil", "/\\evil", "/%09/x", "/a?b=//c", "/.//evil", "/..//evil", "/a#//b", "/@evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next, "")
		if got == "" {
			return
		}
		u, ok := browserResolve(t, got)
		if !ok {
			t.Fatalf("accepted %q, which a browser cannot parse", next)
		}
		if u.Host != "site.example" || u.Scheme != "https" {
			t.Fatalf("accepted %q, which a browser follows to %s", next, u)
		}
	})
}
