package web

import (
	"net/url"
	"testing"
)

func TestMonthsQuery(t *testing.T) {
	cases := []struct {
		query, from, to string
		given, ok       bool
	}{
		{"", "", "", false, true},
		{"from=2026-01&to=2026-03", "2026-01", "2026-03", true, true},
		{"from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-01&to=2026-01", "2026-01", "2026-01", true, true}, // ２０２６ typed full width
		{"from=+2026-01+&to=2026-02", "2026-01", "2026-02", true, true},
		{"from=2017-01&to=2026-12", "2017-01", "2026-12", true, true},  // 120 months
		{"from=2016-12&to=2026-12", "2016-12", "2026-12", true, false}, // 121
		{"from=2026-03&to=2026-01", "2026-03", "2026-01", true, false},
		{"from=2026-13&to=2026-12", "2026-13", "2026-12", true, false},
		{"from=2026-1&to=2026-12", "2026-1", "2026-12", true, false},
		{"to=2026-01", "", "2026-01", true, false},
		{"from=2026-01", "2026-01", "", true, false},
	}
	for _, c := range cases {
		q, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		from, to, given, ok := MonthsQuery(q)
		if from != c.from || to != c.to || given != c.given || ok != c.ok {
			t.Errorf("%q: got %q %q given=%v ok=%v, want %q %q given=%v ok=%v", c.query, from, to, given, ok, c.from, c.to, c.given, c.ok)
		}
	}
}
