package main

import (
	"bytes"
	"strings"
	"testing"
)

// The summary names each skipped suite's reason once and lists failures,
// whatever else the run printed.
func TestSummaryNamesSkipsOnceAndFailures(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		`{"Action":"output","Package":"p/e2e","Test":"TestA","Output":"    browser_test.go:75: browser suite skipped: /usr/bin/chromium not found; install chromium\n"}`,
		`{"Action":"skip","Package":"p/e2e","Test":"TestA"}`,
		`{"Action":"output","Package":"p/e2e","Test":"TestB","Output":"    browser_test.go:75: browser suite skipped (the reason is given at its first skipped test)\n"}`,
		`{"Action":"skip","Package":"p/e2e","Test":"TestB"}`,
		`{"Action":"pass","Package":"p/e2e","Elapsed":0.5}`,
		`{"Action":"output","Package":"p/web","Test":"TestC","Output":"    x_test.go:9: got 1, want 2\n"}`,
		`{"Action":"fail","Package":"p/web","Test":"TestC"}`,
		`{"Action":"fail","Package":"p/web","Elapsed":1}`,
	}, "\n")
	r, err := read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.print(&out)
	got := out.String()
	for _, want := range []string{"--- FAIL p/web TestC", "got 1, want 2", "ok   p/e2e", "FAIL p/web",
		"skipped:\n  browser suite skipped: /usr/bin/chromium not found; install chromium\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "browser suite") != 1 {
		t.Errorf("the browser suite is named %d times, want once:\n%s", strings.Count(got, "browser suite"), got)
	}
	if !r.bad {
		t.Error("a failed run is not reported as failed")
	}
}
