// Package stats keeps the figures of the staff dashboards: applications
// received and decided, deadlines met, processing time, the queue's
// waits by hour of day, calls, per government, day and service or
// counter. Days that are over are summed once by a job (sums.go); the
// days after the last one summed are counted from the raw tables when
// read, so a dashboard is always up to date and reads at most a few
// thousand small rows whatever the history's size.
package stats

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// growth is the width of a histogram bucket: each is 5 % wider than the
// one before, so a median or percentile read from the buckets is within
// 2.5 % of the exact one, for a second as for a month.
const growth = 1.05

var logGrowth = math.Log(growth)

// Hist counts durations in buckets of growing width: bucket 0 holds
// those under a second, bucket b ≥ 1 those in [growth^(b-1), growth^b)
// seconds. The counts are a dense slice (a year is bucket 355), so
// merging the thousands of daily sums a dashboard reads is a loop of
// additions. The zero value is empty and ready.
type Hist struct {
	counts []int64
	n      int64
}

// bucketOf is the bucket of a duration.
func bucketOf(d time.Duration) int {
	s := d.Seconds()
	if s < 1 {
		return 0
	}
	return 1 + int(math.Floor(math.Log(s)/logGrowth))
}

// middle is the duration a bucket stands for: the geometric middle of its
// bounds (half a second for bucket 0).
func middle(b int) time.Duration {
	if b <= 0 {
		return 500 * time.Millisecond
	}
	return time.Duration(math.Exp((float64(b)-0.5)*logGrowth) * float64(time.Second))
}

// maxBucket bounds the buckets (about 90 years): a stored bucket beyond
// it is damage, not a duration.
const maxBucket = 1000

// Add counts one duration (a negative one, from clocks out of step, as 0).
func (h *Hist) Add(d time.Duration) { h.addBucket(min(bucketOf(max(d, 0)), maxBucket), 1) }

func (h *Hist) addBucket(b int, n int64) {
	if n <= 0 {
		return
	}
	if b >= len(h.counts) {
		h.counts = append(h.counts, make([]int64, b+1-len(h.counts))...)
	}
	h.counts[b] += n
	h.n += n
}

// Merge adds o's counts to h.
func (h *Hist) Merge(o Hist) {
	if len(o.counts) > len(h.counts) {
		h.counts = append(h.counts, make([]int64, len(o.counts)-len(h.counts))...)
	}
	for b, n := range o.counts {
		h.counts[b] += n
	}
	h.n += o.n
}

// Count is how many durations h holds.
func (h Hist) Count() int64 { return h.n }

// Quantile is the duration below or at which the share q (0 < q ≤ 1) of
// the durations lie (nearest rank), as its bucket's middle; false when h
// is empty.
func (h Hist) Quantile(q float64) (time.Duration, bool) {
	if h.n == 0 {
		return 0, false
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen int64
	for b, n := range h.counts {
		seen += n
		if seen >= rank {
			return middle(b), true
		}
	}
	return 0, false // not reached: the counts add up to n
}

// String is the histogram as stored: "bucket:count" pairs in bucket
// order, separated by spaces ("" when empty).
func (h Hist) String() string {
	var sb strings.Builder
	for b, n := range h.counts {
		if n == 0 {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(b))
		sb.WriteByte(':')
		sb.WriteString(strconv.FormatInt(n, 10))
	}
	return sb.String()
}

// MergeString adds a stored histogram to h; a malformed pair is an error
// (the sums are written only by this package, so it means damage).
func (h *Hist) MergeString(s string) error {
	for len(s) > 0 {
		pair, rest, _ := strings.Cut(s, " ")
		s = rest
		bs, ns, ok := strings.Cut(pair, ":")
		b, err1 := strconv.Atoi(bs)
		n, err2 := strconv.ParseInt(ns, 10, 64)
		if !ok || err1 != nil || err2 != nil || b < 0 || b > maxBucket || n < 0 {
			return &badHist{pair}
		}
		h.addBucket(b, n)
	}
	return nil
}

type badHist struct{ pair string }

func (e *badHist) Error() string { return "stats: damaged histogram pair " + strconv.Quote(e.pair) }
