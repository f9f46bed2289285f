package survey

import (
	"math"
	"testing"
)

func TestMinimumSample(t *testing.T) {
	t.Parallel()
	tests := []struct{ n, want int }{
		{math.MinInt, 0},
		{-5, 0},
		{0, 0},
		{1, 10}, // smallest row
		{10, 10},
		{11, 14},
		{15, 14},
		{16, 19},
		{100, 80},
		{101, 86},
		{301, 175},
		{1000, 278},
		{1001, 285},
		{75001, 384},
		{1_000_000, 384},
		{1_000_001, 384},
		{math.MaxInt, 384},
	}
	for _, tt := range tests {
		if got := MinimumSample(tt.n); got != tt.want {
			t.Errorf("MinimumSample(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

// TestKrejcieMorganTable checks every embedded row against the formula: the
// published S is the formula rounded, within ±1. It also checks the table is
// usable for lookup (populations ascending, samples never falling) and has
// every published row.
func TestKrejcieMorganTable(t *testing.T) {
	t.Parallel()
	if len(krejcieMorgan) != 90 {
		t.Errorf("table has %d rows, want 90", len(krejcieMorgan))
	}
	for i, row := range krejcieMorgan {
		f := KrejcieMorgan(row.N)
		if d := math.Abs(float64(row.S) - math.Round(f)); d > 1 {
			t.Errorf("N=%d: table S=%d, formula %.2f", row.N, row.S, f)
		}
		if i == 0 {
			continue
		}
		prev := krejcieMorgan[i-1]
		if row.N <= prev.N || row.S < prev.S {
			t.Errorf("row %d (N=%d S=%d) out of order after N=%d S=%d", i, row.N, row.S, prev.N, prev.S)
		}
	}
	if last := krejcieMorgan[len(krejcieMorgan)-1]; last.S != largeSample {
		t.Errorf("last row S=%d, want %d", last.S, largeSample)
	}
}

func TestKrejcieMorgan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want float64
	}{
		{-1, 0},
		{0, 0},
		{1, 1},        // 3.841·0.25 / 3.841·0.25
		{100, 79.5},   // 96.025 / 1.20775 = 79.51
		{1000, 277.7}, // 960.25 / 3.45775 = 277.71
		{1e9, 384.1},  // tends to X²P(1−P)/d² = 384.16
	}
	for _, tt := range tests {
		if got := KrejcieMorgan(tt.n); math.Abs(got-tt.want) > 0.1 {
			t.Errorf("KrejcieMorgan(%d) = %.3f, want %.1f", tt.n, got, tt.want)
		}
	}
}
