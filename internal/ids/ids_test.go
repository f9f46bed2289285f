package ids_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSwappedIDsDoNotCompile builds two small programs against the real
// stores: one passing identifiers in the right order (it must build, which
// proves the set-up), one passing a call's ID for an application's, a
// ticket's for a call's, a tenant's for an application's and swapping two
// (each must be a compile error, named on its line). Before the typed
// identifiers every one of these compiled and failed only at run time, as
// "not found".
func TestSwappedIDsDoNotCompile(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := func(dir string) (string, error) {
		cmd := exec.Command(goTool, "build", "-o", filepath.Join(t.TempDir(), "prog"), "-gcflags=-e", "./testdata/"+dir)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := build("inorder"); err != nil {
		t.Fatalf("the program with identifiers in order does not build: %v\n%s", err, out)
	}
	out, err := build("swapped")
	if err == nil {
		t.Fatal("the program with swapped identifiers builds")
	}
	for _, want := range []string{
		"cannot use callID (variable of string type ids.Call) as ids.Application value in argument to apps.Get",
		"cannot use ticket (variable of string type ids.Ticket) as ids.Call value in argument to calls.Get",
		"cannot use app (variable of string type ids.Application) as ids.Tenant value in argument to apps.Get",
		"cannot use user (variable of string type ids.User) as ids.Ticket value in argument to tickets.Cancel",
		"cannot use tenant (variable of string type ids.Tenant) as ids.Application value in argument to docs.AttachAs",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the compiler does not say %q; it says:\n%s", want, out)
		}
	}
}
