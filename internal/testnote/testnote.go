// Package testnote tells the person running `go test ./...` which suites
// were skipped and why. go test hides everything a passing package prints,
// t.Skip messages included, so the note goes straight to the terminal when
// there is one (CI has none, and there nothing may skip anyway).
package testnote

import (
	"fmt"
	"os"
	"sync"
)

var said sync.Map

// Skipped writes "serambi tests: SUITE skipped: REASON" once per suite.
func Skipped(suite, reason string) {
	if _, done := said.LoadOrStore(suite, true); done {
		return
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer tty.Close()
	fmt.Fprintf(tty, "serambi tests: %s skipped: %s\n", suite, reason)
}
