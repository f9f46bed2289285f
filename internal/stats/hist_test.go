package stats

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestHistQuantileWithinItsBucket: over durations from a second to a
// month, the median and 90th percentile read from the buckets are within
// 2.5 % of the exact ones (nearest rank).
func TestHistQuantileWithinItsBucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, scale := range []time.Duration{time.Second, time.Minute, time.Hour, 24 * time.Hour, 30 * 24 * time.Hour} {
		var h Hist
		var all []time.Duration
		for range 1001 {
			d := time.Duration(rng.Float64()*9+1) * scale / 10 * 10
			h.Add(d)
			all = append(all, d)
		}
		slices.Sort(all)
		for _, q := range []float64{0.5, 0.9} {
			exact := all[int(q*float64(len(all))+0.999999)-1]
			got, ok := h.Quantile(q)
			if !ok {
				t.Fatal("empty")
			}
			if diff := float64(got-exact) / float64(exact); diff > 0.025 || diff < -0.025 {
				t.Errorf("scale %v q %.1f: %v, exact %v (%.1f %%)", scale, q, got, exact, diff*100)
			}
		}
	}
}

func TestHistStoredForm(t *testing.T) {
	var h Hist
	for _, d := range []time.Duration{0, -time.Second, 500 * time.Millisecond, time.Second, time.Minute, time.Minute, time.Hour} {
		h.Add(d)
	}
	s := h.String()
	if s != "0:3 1:1 84:2 168:1" {
		t.Errorf("stored %q", s)
	}
	var back Hist
	if err := back.MergeString(s); err != nil || back.String() != s || back.Count() != 7 {
		t.Errorf("read back %q %v (count %d)", back.String(), err, back.Count())
	}
	back.Merge(h)
	if back.Count() != 14 || back.String() != "0:6 1:2 84:4 168:2" {
		t.Errorf("merged %q", back.String())
	}
	var empty Hist
	if _, ok := empty.Quantile(0.5); ok || empty.String() != "" {
		t.Error("an empty histogram has a quantile")
	}
	for _, bad := range []string{"x", "1:", ":2", "1:2  3:4", "-1:2", "1:-2", "1:2,3:4", "1001:1"} {
		var h Hist
		if err := h.MergeString(bad); err == nil {
			t.Errorf("%q read without error", bad)
		}
	}
}
