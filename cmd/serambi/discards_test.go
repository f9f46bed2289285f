package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// allowedDiscards are the calls whose results may be thrown away with
// "_ =", each with why. Matched on the call's text as written, by suffix;
// "file|call" entries hold for one file only.
var allowedDiscards = map[string]string{
	".Write":            "writing an answer or a hash: a failed write means the client left",
	".Close":            "closing after use; errors that matter are checked where data is written",
	".CloseNow":         "closing a socket that is already failing",
	".Flush":            "flushing a stream to a client that may have left",
	".SetWriteDeadline": "best effort on a stream; the next write reports failure",
	".SetReadBuffer":    "a tuning hint the OS may refuse",
	"rand.Read":         "crypto/rand.Read never returns an error (Go 1.24)",
	"io.Copy":           "sending a file to a client that may have left",
	".Rollback":         "after a failure already being returned",
	".Encode":           "encoding to a client that may have left",
	".Quit":             "the message was accepted already; a failed goodbye changes nothing",
	".Receive":          "draining a socket being closed",
	".Sync":             "directory sync is best effort on file systems that do not support it",
	"internal/document/storage.go|l.root.Remove":    "removing a temporary file after a failed write",
	"internal/identity/signin.go|CheckPassword":     "checked only to take the same time when the account does not exist",
	"internal/identity/session.go|s.db.ExecContext": "an expired session's row (refused by time anyway) and the last-seen stamp",
	"internal/kiosk/kiosk.go|s.db.ExecContext":      "the kiosk's last-seen stamp, shown to admins",
	"internal/call/call.go|s.Started":               "the call's start stamp: losing it shortens the recorded length only",
	"internal/app/app.go|a.Jobs.Stop":               "stopping the job queue on shutdown, after its own timeout",
	"internal/app/backup.go|os.Remove":              "removing a half-written archive after the error being returned",
	"internal/app/relay.go|r.Close":                 "closing the relay on shutdown",
	"internal/db/dbtest/dbtest.go|admin.Exec":       "dropping a test schema",
	"internal/sfu/sfu.go|pc.WriteRTCP":              "asking for a key frame: a lost ask is asked again by the learner's browser",
}

// TestNoDiscardedErrors fails on a new "_ = call()" (or "_, _ = call()")
// outside the list above: an error on a security or data path must be
// handled or at least logged, and an exception must say why.
func TestNoDiscardedErrors(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var found []string
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir // programs tests build, not the product
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		ast.Inspect(f, func(n ast.Node) bool {
			a, ok := n.(*ast.AssignStmt)
			if !ok || len(a.Rhs) != 1 {
				return true
			}
			call, ok := a.Rhs[0].(*ast.CallExpr)
			if !ok {
				return true
			}
			for _, l := range a.Lhs {
				if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
					return true
				}
			}
			var b bytes.Buffer
			if err := printer.Fprint(&b, fset, call.Fun); err != nil {
				t.Fatal(err)
			}
			if !discardAllowed(rel, b.String()) {
				found = append(found, fset.Position(a.Pos()).String()+": "+b.String())
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("error result thrown away with _ = : %s (handle it, log it, or add it with a reason to allowedDiscards)", f)
	}
}

func discardAllowed(file, call string) bool {
	if _, ok := allowedDiscards[file+"|"+call]; ok {
		return true
	}
	for k := range allowedDiscards {
		if !strings.Contains(k, "|") && strings.HasSuffix(call, k) {
			return true
		}
	}
	return false
}

// TestOneListOfLanguages: the languages Serambi speaks are listed once,
// in internal/locale (Langs); a fourth language is added there.
func TestOneListOfLanguages(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir // programs tests build, not the product
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for i, line := range strings.Split(string(b), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if strings.Contains(code, `"id", "ja", "en"`) && filepath.ToSlash(rel) != "internal/locale/locale.go" {
				t.Errorf("%s:%d lists the languages again; use locale.Langs", rel, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
