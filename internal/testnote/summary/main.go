// Command summary reads `go test -json` and prints what a person needs at
// the end of a run, even when the output goes to a file or an editor: each
// failed test with its output, one line per package, and which suites were
// skipped and why (each reason once).
//
//	go test -json ./... | go run ./internal/testnote/summary
//
// It exits 1 when a test or a package failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type run struct {
	output   map[string][]string // "pkg test" -> its output lines
	failed   []string            // "pkg test" in order of failure
	packages []string            // "ok pkg 1.2s" / "FAIL pkg"
	skips    map[string]bool     // "SUITE skipped: REASON"
	bad      bool
}

func main() {
	r, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "summary: read go test -json:", err)
		os.Exit(2)
	}
	r.print(os.Stdout)
	if r.bad {
		os.Exit(1)
	}
}

func read(in io.Reader) (*run, error) {
	r := &run{output: map[string][]string{}, skips: map[string]bool{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // a build error, say: pass it on as it is
			continue
		}
		r.add(e)
	}
	return r, sc.Err()
}

func (r *run) add(e event) {
	key := e.Package + " " + e.Test
	switch e.Action {
	case "output":
		r.output[key] = append(r.output[key], e.Output)
		if i := strings.Index(e.Output, " skipped: "); i >= 0 && e.Test != "" {
			r.skips[strings.TrimSpace(trimLocation(e.Output))] = true
		}
	case "fail":
		r.bad = true
		if e.Test != "" {
			r.failed = append(r.failed, key)
		} else {
			r.packages = append(r.packages, fmt.Sprintf("FAIL %s", e.Package))
		}
	case "pass":
		if e.Test == "" {
			r.packages = append(r.packages, fmt.Sprintf("ok   %s %.1fs", e.Package, e.Elapsed))
		}
	}
}

// trimLocation drops the "    file_test.go:12: " that t.Skip puts first.
func trimLocation(line string) string {
	line = strings.TrimSpace(line)
	if i := strings.Index(line, ": "); i >= 0 && strings.Contains(line[:i], ".go:") {
		return line[i+2:]
	}
	return line
}

func (r *run) print(w io.Writer) {
	for _, k := range r.failed {
		fmt.Fprintf(w, "--- FAIL %s\n%s\n", k, strings.Join(r.output[k], ""))
	}
	for _, p := range r.packages {
		fmt.Fprintln(w, p)
	}
	if len(r.skips) == 0 {
		fmt.Fprintln(w, "nothing skipped")
		return
	}
	var ss []string
	for s := range r.skips {
		if !strings.Contains(s, "(the reason is given at its first skipped test)") {
			ss = append(ss, s)
		}
	}
	sort.Strings(ss)
	fmt.Fprintln(w, "skipped:")
	for _, s := range ss {
		fmt.Fprintln(w, "  "+s)
	}
}
