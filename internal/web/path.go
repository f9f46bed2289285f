package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Reverse routing: a path is built from its route's pattern, the route's
// name in the table, with the wildcards filled in order:
//
//	s.Path("/{tenant}/calls/{id}", t.Slug, c.ID)      in Go
//	{{.Link "/{tenant}/calls/{id}" .Tenant.Slug .ID}}  in a template
//
// A pattern that is not in the table is caught by TestPathsNameRoutes
// before it ships; at run time it gives "/" and is logged, never a panic.
// Arguments are escaped as path segments; "{x...}" takes one argument
// that may hold slashes.

// Path fills pattern's wildcards with args.
func (s *Server) Path(pattern string, args ...string) string {
	if !s.patterns[pattern] {
		s.Log.Error("path to an unknown route", "pattern", pattern)
		return "/"
	}
	return fillPattern(pattern, args)
}

// PathOf is Path for code outside the Server's methods; the pattern is
// checked against the table by the same test.
func PathOf(pattern string, args ...string) string { return fillPattern(pattern, args) }

// fillPattern replaces each {wildcard} of pattern with the next arg;
// missing args leave an empty segment.
func fillPattern(pattern string, args []string) string {
	var b strings.Builder
	size := len(pattern)
	for _, a := range args {
		size += len(a)
	}
	b.Grow(size) // one allocation for the path (pages build several)
	rest := pattern
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			return b.String()
		}
		closing := strings.IndexByte(rest[open:], '}')
		if closing < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:open])
		name := rest[open+1 : open+closing]
		rest = rest[open+closing+1:]
		if name == "$" {
			continue
		}
		var arg string
		if len(args) > 0 {
			arg, args = args[0], args[1:]
		}
		if strings.HasSuffix(name, "...") {
			b.WriteString(escapeSegments(arg))
		} else {
			b.WriteString(url.PathEscape(arg))
		}
	}
}

func escapeSegments(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Link is path for templates, whose arguments may be typed identifiers
// (ids.User, …) as well as strings.
func (p *Page) Link(pattern string, args ...any) string {
	strs := make([]string, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok {
			strs[i] = s
		} else {
			strs[i] = fmt.Sprint(a)
		}
	}
	return p.s.Path(pattern, strs...)
}

// Serves tells whether a route of the table answers method on path (the
// test of links in pages asks it of every link and form).
func (s *Server) Serves(method, path string) bool {
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		return false
	}
	if dispatched(req.URL.Path) {
		return method == http.MethodGet || method == http.MethodHead
	}
	_, pattern := s.served.Handler(req)
	return pattern != ""
}
