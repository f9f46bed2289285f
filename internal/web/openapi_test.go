package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/config"
)

// httpMethods are the operation keys of an OpenAPI path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openAPIApp builds the server as production does and fetches the document
// it serves.
func openAPIApp(t *testing.T) (*app.App, map[string]any) {
	t.Helper()
	dir := t.TempDir()
	a, err := app.New(t.Context(), &config.Config{DataDir: dir, Database: "sqlite:" + dir + "/s.db", BaseURL: "http://127.0.0.1"}, app.WithoutDemoVisitors())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })

	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /api/v1/openapi.json: Content-Type %q, want application/json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("GET /api/v1/openapi.json: not valid JSON: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		t.Fatalf(`"openapi" is %q, want 3.1.x`, v)
	}
	return a, doc
}

// operation is one method of one path in the document.
type operation struct {
	method, path string // method in upper case, as in the routing table
	op           map[string]any
	pathItem     map[string]any
}

func (o operation) String() string { return o.method + " " + o.path }

func operations(t *testing.T, doc map[string]any) []operation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal(`the document has no "paths" object`)
	}
	var out []operation
	for p, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			t.Errorf("paths[%q] is not an object", p)
			continue
		}
		for _, m := range httpMethods {
			if op, ok := item[m]; ok {
				o, ok := op.(map[string]any)
				if !ok {
					t.Errorf("paths[%q][%q] is not an object", p, m)
					continue
				}
				out = append(out, operation{strings.ToUpper(m), p, o, item})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// wildcard matches the {name} and {name...} segments of a ServeMux pattern.
var wildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// openAPIPath turns a ServeMux pattern into an OpenAPI path template.
func openAPIPath(pattern string) string {
	return wildcard.ReplaceAllString(pattern, "{$1}")
}

func TestOpenAPIServed(t *testing.T) {
	openAPIApp(t)
}

// TestOpenAPICoversRoutes checks the document against the routing table both
// ways: every /api route is documented, and nothing documented is gone.
func TestOpenAPICoversRoutes(t *testing.T) {
	a, doc := openAPIApp(t)
	routes := map[string]bool{}
	var missing []string
	for _, rt := range a.Web().Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/") {
			continue
		}
		key := rt.Method + " " + openAPIPath(rt.Pattern)
		routes[key] = true
		paths, _ := doc["paths"].(map[string]any)
		item, _ := paths[openAPIPath(rt.Pattern)].(map[string]any)
		if _, ok := item[strings.ToLower(rt.Method)]; !ok {
			missing = append(missing, key)
		}
	}
	if len(routes) == 0 {
		t.Fatal("the routing table has no /api/ routes")
	}
	if len(missing) > 0 {
		t.Errorf("routes missing from internal/web/api/openapi.json:\n\t%s", strings.Join(missing, "\n\t"))
	}
	var stale []string
	for _, o := range operations(t, doc) {
		if !routes[o.String()] {
			stale = append(stale, o.String())
		}
	}
	if len(stale) > 0 {
		t.Errorf("operations in internal/web/api/openapi.json with no route:\n\t%s", strings.Join(stale, "\n\t"))
	}
}

// TestOpenAPIRoles checks that each operation's x-roles is the route's Roles
// and that only public routes go without security.
func TestOpenAPIRoles(t *testing.T) {
	a, doc := openAPIApp(t)
	roles := map[string][]string{}
	for _, rt := range a.Web().Routes() {
		roles[rt.Method+" "+openAPIPath(rt.Pattern)] = rt.Roles
	}
	for _, o := range operations(t, doc) {
		want, ok := roles[o.String()]
		if !ok {
			continue // reported by TestOpenAPICoversRoutes
		}
		var got []string
		raw, _ := o.op["x-roles"].([]any)
		for _, r := range raw {
			s, _ := r.(string)
			got = append(got, s)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: x-roles %q, routing table says %q", o, got, want)
		}
		public := slices.Equal(want, []string{"anyone"})
		if !public && !requiresBearer(o.op) {
			t.Errorf("%s is for %q but its security does not require bearerAuth", o, want)
		}
		if public && requiresBearer(o.op) {
			t.Errorf("%s is public but its security requires bearerAuth", o)
		}
	}
}

// requiresBearer tells whether every security alternative of op needs bearerAuth.
func requiresBearer(op map[string]any) bool {
	sec, ok := op["security"].([]any)
	if !ok || len(sec) == 0 {
		return false
	}
	for _, alt := range sec {
		m, _ := alt.(map[string]any)
		if _, ok := m["bearerAuth"]; !ok {
			return false
		}
	}
	return true
}

// TestOpenAPIRefsResolve checks that every $ref points at a component that
// exists.
func TestOpenAPIRefsResolve(t *testing.T) {
	_, doc := openAPIApp(t)
	n := 0
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"]; ok {
				n++
				s, _ := r.(string)
				if !strings.HasPrefix(s, "#/components/") {
					t.Errorf("%s: $ref %q does not point into #/components/", where, r)
				} else if _, ok := resolve(doc, s); !ok {
					t.Errorf("%s: $ref %q does not resolve", where, s)
				}
			}
			for k, e := range v {
				walk(where+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), e)
			}
		case []any:
			for i, e := range v {
				walk(where+"/"+strconv.Itoa(i), e)
			}
		}
	}
	walk("#", doc)
	if n == 0 {
		t.Error("the document has no $ref at all; expected shared components")
	}
}

// resolve follows a local JSON pointer ("#/components/schemas/Tenant").
func resolve(doc map[string]any, ref string) (any, bool) {
	var cur any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// TestOpenAPIOperations checks each operation's summary, success response and
// path parameters.
func TestOpenAPIOperations(t *testing.T) {
	_, doc := openAPIApp(t)
	ops := operations(t, doc)
	if len(ops) == 0 {
		t.Fatal("the document has no operations")
	}
	for _, o := range ops {
		if s, _ := o.op["summary"].(string); strings.TrimSpace(s) == "" {
			t.Errorf("%s has no summary", o)
		}
		responses, _ := o.op["responses"].(map[string]any)
		has2xx := false
		for code := range responses {
			if strings.HasPrefix(code, "2") {
				has2xx = true
			}
		}
		if !has2xx {
			t.Errorf("%s has no 2xx response", o)
		}

		// Every {name} in the path is a required path parameter, and
		// there are no others.
		want := map[string]bool{}
		for _, m := range wildcard.FindAllStringSubmatch(o.path, -1) {
			want[m[1]] = true
		}
		got := map[string]bool{}
		var params []any
		p1, _ := o.pathItem["parameters"].([]any)
		p2, _ := o.op["parameters"].([]any)
		for _, p := range append(append(params, p1...), p2...) {
			pm, _ := p.(map[string]any)
			if r, ok := pm["$ref"].(string); ok {
				v, _ := resolve(doc, r)
				pm, _ = v.(map[string]any)
			}
			if pm["in"] != "path" {
				continue
			}
			name, _ := pm["name"].(string)
			got[name] = true
			if !want[name] {
				t.Errorf("%s declares path parameter %q that is not in the path", o, name)
			}
			if pm["required"] != true {
				t.Errorf("%s: path parameter %q must be required", o, name)
			}
		}
		for name := range want {
			if !got[name] {
				t.Errorf("%s does not declare path parameter %q", o, name)
			}
		}
	}
}
