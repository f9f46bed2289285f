package web

import (
	"net/http"
	"strings"
)

// secretSegment is the wildcard of routes whose path is itself a key: a
// survey link, a call's join link, a kiosk's set-up link, an officer's
// calendar feed. Whoever reads the logs must not be able to use them.
const secretSegment = "{token}"

// loggedPath is r's path as the logs keep it: the segments a route's
// pattern marks as secret are replaced by the wildcard's name.
func loggedPath(r *http.Request) string {
	route, _ := requestInfo(r)
	return maskPath(route, r.URL.Path)
}

// maskPath replaces the segments of path that pattern ("GET
// /{tenant}/survey/{token}") marks as secret.
func maskPath(pattern, path string) string {
	if !strings.Contains(pattern, secretSegment) {
		return path
	}
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = p
	}
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, seg := range want {
		if seg == secretSegment && i < len(got) {
			got[i] = secretSegment
		}
	}
	return strings.Join(got, "/")
}
