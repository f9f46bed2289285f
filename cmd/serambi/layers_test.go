package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tiers place each internal package in the one-way stack
// app → web areas → web core → flow → domain → leaves; a package may
// import only packages of a lower tier (domains and leaves also their own
// tier). A package not listed is a domain package.
var tiers = map[string]int{
	"db": 0, "db/dbtest": 0, "locale": 0, "validation": 0, "clock": 0, "cache": 0, "ical": 0, "testnote": 0,
	"testnote/summary": 0, "config": 0, "region": 0, "relay": 0, "ids": 0, "richtext": 0, "chart": 0,
	"flow": 2, "web": 3, "app": 5, // and every web/… area: 4
}

const domainTier = 1

// testOnly are fixtures that code outside tests must not import.
var testOnly = []string{"db/dbtest", "testenv", "testnote"}

// TestLayers fails on an import that goes up the stack (a domain that
// imports flow or web, flow that imports web) or on production code that
// imports a test fixture.
func TestLayers(t *testing.T) {
	root := filepath.Join("..", "..", "internal")
	const prefix = "github.com/serambi/serambi/internal/"
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		from := filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil || !strings.HasPrefix(path, prefix) {
				continue
			}
			to := strings.TrimPrefix(path, prefix)
			if err := checkImport(from, to); err != "" {
				t.Errorf("%s imports %s: %s", p, to, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func tierOf(pkg string) int {
	if n, ok := tiers[pkg]; ok {
		return n
	}
	if strings.HasPrefix(pkg, "web/") {
		return 4 // an area of the site
	}
	return domainTier
}

// checkImport says what is wrong with from importing to, or "".
func checkImport(from, to string) string {
	for _, fixture := range testOnly {
		if to == fixture && !isFixture(from) {
			return "a test fixture, for tests only"
		}
	}
	a, b := tierOf(from), tierOf(to)
	if b < a || (b == a && a <= domainTier) {
		return ""
	}
	return "imports go one way: app → web areas → web core → flow → domain → leaves"
}

func isFixture(pkg string) bool {
	for _, f := range testOnly {
		if pkg == f {
			return true
		}
	}
	return false
}

// TestLayersRefuse checks the rule itself on imports that must fail.
func TestLayersRefuse(t *testing.T) {
	for _, c := range [][2]string{{"queue", "flow"}, {"call", "web"}, {"flow", "web"}, {"db", "queue"},
		{"web", "app"}, {"web", "web/network"}, {"web/calls", "web/applications"}, {"queue", "testenv"}, {"flow", "db/dbtest"}} {
		if checkImport(c[0], c[1]) == "" {
			t.Errorf("%s importing %s passes the layer rule", c[0], c[1])
		}
	}
	for _, c := range [][2]string{{"web", "flow"}, {"flow", "queue"}, {"queue", "tenant"}, {"web", "db"}, {"testenv", "tenant"}, {"web/network", "web"},
		{"app", "web/network"}} {
		if msg := checkImport(c[0], c[1]); msg != "" {
			t.Errorf("%s importing %s refused: %s", c[0], c[1], msg)
		}
	}
}
