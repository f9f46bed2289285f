package survey

import (
	"errors"
	"testing"
	"time"
)

func TestPeriods(t *testing.T) {
	for _, c := range []struct {
		code, want, prev string
		from, to         string
	}{
		{"2026-11", "2026-11", "2026-10", "2026-11", "2026-11"},
		{"2026-01", "2026-01", "2025-12", "2026-01", "2026-01"},
		{"2026-q4", "2026-Q4", "2026-Q3", "2026-10", "2026-12"},
		{"2026-Q1", "2026-Q1", "2025-Q4", "2026-01", "2026-03"},
		{"2026-S2", "2026-S2", "2026-S1", "2026-07", "2026-12"},
		{"2026-S1", "2026-S1", "2025-S2", "2026-01", "2026-06"},
		{" 2026 ", "2026", "2025", "2026-01", "2026-12"},
		{"２０２６－Ｑ２", "2026-Q2", "2026-Q1", "2026-04", "2026-06"},
	} {
		p, err := ParsePeriod(c.code)
		if err != nil {
			t.Fatalf("%q: %v", c.code, err)
		}
		from, to := p.Months()
		if p.Code() != c.want || p.Previous().Code() != c.prev || from != c.from || to != c.to {
			t.Errorf("%q: code %s prev %s months %s..%s; want %s %s %s..%s", c.code, p.Code(), p.Previous().Code(), from, to, c.want, c.prev, c.from, c.to)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-Q5", "2026-S3", "1999", "26-01", "2026-Q", "x"} {
		if _, err := ParsePeriod(bad); !errors.Is(err, ErrPeriod) {
			t.Errorf("%q: %v, want ErrPeriod", bad, err)
		}
	}
	now := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	for kind, want := range map[string]string{Month: "2026-08", Quarter: "2026-Q3", Semester: "2026-S2", Year: "2026"} {
		if got := PeriodOf(kind, now).Code(); got != want {
			t.Errorf("PeriodOf(%s) = %s, want %s", kind, got, want)
		}
	}
}
