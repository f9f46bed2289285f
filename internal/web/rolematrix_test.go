package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/web"
)

// TestRoleMatrix calls every route of the table as every role of one
// tenant (anonymous, resident, officer, instructor, editor, admin) and as the
// network coordinator, on that tenant's own paths, and checks each gets
// what the route's declared roles say: a role not listed is refused (sign
// in first, 401 or 403) before anything else happens; a listed role is
// not refused for who it is. Routes whose rule names an object (the
// applicant, a call's participants, a kiosk) only need a signed-in caller
// here; who owns what is tested where the objects are.
func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	callers := []string{"", "resident", "officer", "instructor", "editor", "admin", "coordinator"}
	browsers := map[string]*browser{}
	tokens := map[string]string{}
	for _, c := range callers {
		b := s.browser(t)
		if c != "" {
			email := c + "@fukuoka.demo"
			if c == "coordinator" {
				email = "coordinator@serambi.demo"
			}
			b.signin(email)
			tokens[c] = s.browser(t).token(email)
		}
		browsers[c] = b
	}
	const bogus = "01a2453e-0000-7000-8000-000000000000"
	// Routes that end the caller's own sessions get a fresh sign-in, so
	// the shared callers stay signed in for the rest.
	routes := s.app.Web().Routes()
	ends := func(p string) bool { return strings.Contains(p, "signout") || strings.Contains(p, "sessions/end") }
	emails := map[string]string{}
	for _, c := range callers[1:] {
		emails[c] = c + "@fukuoka.demo"
	}
	emails["coordinator"] = "coordinator@serambi.demo"
	// Ending all of an account's sessions ends the shared callers' too:
	// those routes come last.
	slices.SortStableFunc(routes, func(a, b web.RouteInfo) int {
		switch {
		case ends(a.Pattern) == ends(b.Pattern):
			return 0
		case ends(a.Pattern):
			return 1
		}
		return -1
	})
	checked := 0
	for _, rt := range routes {
		if rt.Object != "" {
			continue // decided by the object: TestOwnerMatrix
		}
		want, ok := matrixRule(rt.Roles)
		if !ok {
			continue // public
		}
		path := strings.NewReplacer("{tenant}", "fukuoka", "{slug}", "fukuoka", "{user}", bogus, "{$}", "", "{id}", bogus,
			"{action}", "finish", "{code}", "JUMINHYO", "{name}", "copies", "{number}", "FUK-2026-000001", "{doc}", bogus,
			"{file...}", "x", "{exercise}", "tap", "{message}", "prize").Replace(rt.Pattern)
		for _, c := range callers {
			hdr := []string{}
			b := browsers[c]
			if ends(rt.Pattern) && c != "" {
				b = s.browser(t)
				b.signin(emails[c])
			}
			if strings.HasPrefix(rt.Pattern, "/api/") && c != "" {
				b, hdr = s.browser(t), []string{"Authorization", "Bearer " + tokens[c]}
			}
			body, ct := strings.NewReader(""), ""
			switch {
			case rt.Method == "GET":
			case strings.HasPrefix(rt.Pattern, "/api/"):
				body, ct = strings.NewReader(`{}`), "application/json"
			default:
				// Nothing a handler would act on: an empty form.
				body, ct = strings.NewReader(url.Values{}.Encode()), "application/x-www-form-urlencoded"
			}
			a := b.do(rt.Method, path, body, ct, hdr...)
			allowed := want(c)
			switch {
			case !allowed && !refusedForWho(a):
				t.Errorf("%s %s as %q: status %d %q, want refused (the route is for %v)", rt.Method, path, c, a.status, a.header.Get("Location"), rt.Roles)
			case allowed && refusedForWho(a):
				t.Errorf("%s %s as %q: status %d %q, refused though the route is for %v", rt.Method, path, c, a.status, a.header.Get("Location"), rt.Roles)
			}
		}
		checked++
	}
	if checked < 80 {
		t.Fatalf("only %d routes had a role rule to check", checked)
	}
}

// matrixRule says which callers a route's roles admit; false when the
// route is public or its rule is about an object.
func matrixRule(roles []string) (func(caller string) bool, bool) {
	switch {
	case slices.Equal(roles, []string{"anyone"}):
		return nil, false
	case slices.Equal(roles, []string{"user"}), slices.Equal(roles, []string{"user", "guest learner"}):
		return func(c string) bool { return c != "" }, true
	}
	return func(c string) bool {
		return c != "" && (slices.Contains(roles, c) || (c == "coordinator" && slices.Contains(roles, "admin")))
	}, true
}

// refusedForWho: refused because of who is calling — sent to sign in,
// 401, or 403 (a 404 for the made-up object is not about the caller).
func refusedForWho(a answer) bool {
	switch a.status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusSeeOther, http.StatusFound:
		loc := a.header.Get("Location")
		return strings.HasPrefix(loc, "/signin?next=") || strings.HasPrefix(loc, "/account/totp") ||
			strings.HasPrefix(loc, "/fukuoka/classes/practice?next=") // a practice page: type the class code first
	}
	return false
}
