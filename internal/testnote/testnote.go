// Package testnote tells the person running `go test ./...` which suites
// were skipped and why. A skip's reason goes where go test shows it: in the
// test's own output (seen with -v, in `go test -json`, and in the summary of
// `go test -json ./... | go run ./internal/testnote/summary`), given in full
// once per suite and briefly after that, so fifteen skipped browser tests do
// not repeat one reason fifteen times. Because a plain `go test ./...` hides
// what passing packages print, the reason also goes to the terminal, when
// there is one (CI has none, and there nothing may skip anyway).
package testnote

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

var said sync.Map

// Skip skips t because suite cannot run here, for reason.
func Skip(t testing.TB, suite, reason string) {
	t.Helper()
	if _, done := said.LoadOrStore(suite, true); done {
		t.Skipf("%s skipped (the reason is given at its first skipped test)", suite)
	}
	toTerminal(suite, reason)
	t.Skipf("%s skipped: %s", suite, reason)
}

// toTerminal writes "serambi tests: SUITE skipped: REASON" to the terminal.
func toTerminal(suite, reason string) {
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return // no terminal: the reason is in the test output
	}
	defer tty.Close()
	fmt.Fprintf(tty, "serambi tests: %s skipped: %s\n", suite, reason)
}
