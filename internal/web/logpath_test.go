package web

import "testing"

func TestMaskPath(t *testing.T) {
	for _, tc := range []struct{ pattern, path, want string }{
		{"GET /{tenant}/survey/{token}", "/banyuwangi/survey/0193.abc", "/banyuwangi/survey/{token}"},
		{"POST /{tenant}/survey/{token}/send", "/banyuwangi/survey/0193.abc/send", "/banyuwangi/survey/{token}/send"},
		{"GET /feeds/officer/{token}", "/feeds/officer/secret.ics", "/feeds/officer/{token}"},
		{"GET /{tenant}/applications/{id}", "/banyuwangi/applications/42", "/banyuwangi/applications/42"},
		{"unmatched", "/nowhere/x", "/nowhere/x"},
		{"GET /{tenant}/join/{token}", "/fukuoka/join", "/fukuoka/join"},
	} {
		if got := maskPath(tc.pattern, tc.path); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.pattern, tc.path, got, tc.want)
		}
	}
}
