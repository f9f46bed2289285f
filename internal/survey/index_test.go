package survey

import (
	"errors"
	"math"
	"testing"
)

// workedRows are 25 responses to the nine SKM elements U1..U9. Respondent 8
// left U9 blank (0), so U9 is averaged over 24 answers.
var workedRows = [][Elements]int{
	//U1 U2 U3 U4 U5 U6 U7 U8 U9
	{4, 4, 2, 2, 3, 4, 3, 2, 3}, // 1
	{4, 2, 4, 3, 4, 4, 2, 3, 4}, // 2
	{3, 3, 2, 2, 4, 4, 3, 4, 3}, // 3
	{4, 4, 3, 3, 3, 2, 2, 3, 3}, // 4
	{3, 3, 3, 3, 4, 3, 3, 4, 3}, // 5
	{4, 3, 3, 3, 3, 3, 3, 3, 3}, // 6
	{3, 3, 2, 3, 3, 3, 2, 3, 3}, // 7
	{3, 3, 3, 4, 2, 4, 3, 3, 0}, // 8: U9 not answered
	{4, 3, 4, 2, 3, 4, 3, 3, 3}, // 9
	{4, 3, 3, 3, 4, 4, 3, 4, 3}, // 10
	{3, 4, 3, 3, 4, 3, 3, 4, 3}, // 11
	{3, 3, 4, 3, 3, 3, 2, 3, 3}, // 12
	{4, 3, 2, 3, 3, 4, 4, 3, 3}, // 13
	{3, 4, 3, 3, 4, 3, 3, 3, 3}, // 14
	{4, 4, 3, 3, 3, 3, 2, 4, 3}, // 15
	{4, 3, 3, 3, 4, 3, 2, 3, 3}, // 16
	{3, 2, 2, 4, 3, 3, 3, 3, 3}, // 17
	{4, 4, 3, 4, 4, 4, 2, 4, 4}, // 18
	{2, 4, 4, 2, 4, 3, 3, 3, 3}, // 19
	{4, 3, 3, 2, 4, 2, 3, 3, 4}, // 20
	{3, 4, 3, 3, 4, 3, 4, 3, 4}, // 21
	{3, 2, 3, 2, 4, 4, 3, 4, 3}, // 22
	{3, 1, 2, 3, 2, 4, 3, 4, 2}, // 23
	{3, 2, 4, 3, 3, 3, 3, 4, 2}, // 24
	{3, 3, 3, 3, 3, 4, 3, 3, 4}, // 25
}

func tallyOf(t *testing.T, rows [][Elements]int) Tally {
	t.Helper()
	var tl Tally
	for i, r := range rows {
		if err := tl.Add(r); err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
	}
	return tl
}

// TestWorkedExample checks the index against a computation by hand.
//
//	element  sum  answered  NRR     NRR/9
//	U1        85   25       3.400   0.378
//	U2        77   25       3.080   0.342
//	U3        74   25       2.960   0.329
//	U4        72   25       2.880   0.320
//	U5        85   25       3.400   0.378
//	U6        84   25       3.360   0.373
//	U7        70   25       2.800   0.311
//	U8        83   25       3.320   0.369
//	U9        75   24       3.125   0.347
//
//	sum of NRR  = 3.400+3.080+2.960+2.880+3.400+3.360+2.800+3.320+3.125 = 28.325
//	unit value  = 28.325 / 9          = 3.14722…  (≈ 3.147)
//	IKM         = 28.325 × 25 / 9     = 708.125 / 9 = 78.68055… → 78.68, category B
//	IKM (0.11)  = 28.325 × 0.11 × 25  = 28.325 × 2.75 = 77.89375 → 77.89
//	             (0.79 lower: the rounded weights add up to 0.99, not 1)
//	weakest     = U7 2.800, U4 2.880, U3 2.960
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	s := tallyOf(t, workedRows).SKM()
	if s.Empty || s.Respondents != 25 {
		t.Fatalf("Empty %v, Respondents %d; want false, 25", s.Empty, s.Respondents)
	}
	wantSum := [Elements]int64{85, 77, 74, 72, 85, 84, 70, 83, 75}
	if s.Sum != wantSum {
		t.Errorf("Sum = %v, want %v", s.Sum, wantSum)
	}
	wantNRR := [Elements]float64{3.400, 3.080, 2.960, 2.880, 3.400, 3.360, 2.800, 3.320, 3.125}
	for i, w := range wantNRR {
		if math.Abs(s.NRR[i]-w) > 0.0005 {
			t.Errorf("NRR U%d = %.4f, want %.3f", i+1, s.NRR[i], w)
		}
		if math.Abs(s.Weighted[i]-w/9) > 1e-12 {
			t.Errorf("Weighted U%d = %.4f, want %.4f", i+1, s.Weighted[i], w/9)
		}
	}
	checks := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"Unit", s.Unit, 3.147, 0.0005},
		{"Round2(IKM)", Round2(s.IKM), 78.68, 0.005},
		{"Round2(IKMOld)", Round2(s.IKMOld), 77.89, 0.005},
		{"IKM exact", s.IKM, 708.125 / 9, 1e-9},
		{"IKMOld exact", s.IKMOld, 77.89375, 1e-9},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s = %.5f, want %.5f", c.name, c.got, c.want)
		}
	}
	if Round2(s.IKMOld) == Round2(s.IKM) {
		t.Errorf("IKMOld %.2f equals IKM: the 0.11 weight must give a different figure", s.IKMOld)
	}
	if s.Category != CategoryB {
		t.Errorf("Category = %q, want B", s.Category)
	}
	if want := [3]int{6, 3, 2}; s.Weakest != want { // U7, U4, U3
		t.Errorf("Weakest = %v, want %v", s.Weakest, want)
	}
}

func TestWeakestTies(t *testing.T) {
	t.Parallel()
	all := func(a int) [Elements]int { return [Elements]int{a, a, a, a, a, a, a, a, a} }
	tests := []struct {
		name string
		rows [][Elements]int
		want [3]int
	}{
		{"all equal: first three elements", [][Elements]int{all(3)}, [3]int{0, 1, 2}},
		{"U9, U5, U2 tie lowest", [][Elements]int{{4, 2, 4, 4, 2, 4, 4, 4, 2}}, [3]int{1, 4, 8}},
		{"one lowest, then a tie of three", [][Elements]int{{3, 4, 3, 4, 4, 1, 4, 3, 4}}, [3]int{5, 0, 2}},
	}
	for _, tt := range tests {
		if got := tallyOf(t, tt.rows).SKM().Weakest; got != tt.want {
			t.Errorf("%s: Weakest = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCategoryOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ikm  float64
		want Category
		ok   bool
	}{
		{25.00, CategoryD, true},
		{64.99, CategoryD, true},
		{64.994, CategoryD, true},
		{64.995, CategoryC, true}, // prints 65.00
		{65.00, CategoryC, true},
		{76.60, CategoryC, true},
		{76.604, CategoryC, true},
		{76.605, CategoryB, true}, // prints 76.61
		{76.61, CategoryB, true},
		{88.30, CategoryB, true},
		{88.304, CategoryB, true},
		{88.305, CategoryA, true}, // prints 88.31
		{88.31, CategoryA, true},
		{100, CategoryA, true},
		{100.004, CategoryA, true}, // prints 100.00
		{24.995, CategoryD, true},  // prints 25.00
		{24.99, "", false},
		{24.994, "", false},
		{100.005, "", false}, // prints 100.01
		{100.01, "", false},
		{0, "", false},
		{-50, "", false},
		{math.NaN(), "", false},
		{math.Inf(1), "", false},
		{math.Inf(-1), "", false},
		{1e300, "", false},
	}
	for _, tt := range tests {
		c, ok := CategoryOf(tt.ikm)
		if c != tt.want || ok != tt.ok {
			t.Errorf("CategoryOf(%v) = %q, %v; want %q, %v", tt.ikm, c, ok, tt.want, tt.ok)
		}
	}
}

func TestRound2(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want float64 }{
		{88.305, 88.31},
		{88.304, 88.30},
		{2.675, 2.68}, // float64 is 2.67499999…; the printed 2.675 rounds up
		{1.005, 1.01},
		{-1.005, -1.01}, // away from zero
		{-0.004, 0},
		{78.68055555555556, 78.68},
		{99.995, 100},
		{100, 100},
		{0.125, 0.13},
		{1e15 + 0.5, 1e15 + 0.5},
	}
	for _, tt := range tests {
		if got := Round2(tt.in); got != tt.want {
			t.Errorf("Round2(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300} {
		if got := Round2(x); !(got == x || math.IsNaN(got) && math.IsNaN(x)) {
			t.Errorf("Round2(%v) = %v, want it unchanged", x, got)
		}
	}
}

// TestMerge checks that three months merged give the quarter's tally and
// index, in any order.
func TestMerge(t *testing.T) {
	t.Parallel()
	months := [][][Elements]int{workedRows[:8], workedRows[8:17], workedRows[17:]}
	whole := tallyOf(t, workedRows)
	orders := [][3]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}
	for _, o := range orders {
		var q Tally
		for _, m := range o {
			q.Merge(tallyOf(t, months[m]))
		}
		if q != whole {
			t.Errorf("order %v: merged %+v, want %+v", o, q, whole)
		}
		if q.SKM() != whole.SKM() {
			t.Errorf("order %v: merged SKM differs", o)
		}
	}
	var empty Tally
	before := whole
	whole.Merge(empty)
	if whole != before {
		t.Errorf("merging an empty tally changed %+v to %+v", before, whole)
	}
}

func hasNaN(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// TestEmpty checks that "no data" is reported as such, never as 0 or NaN.
func TestEmpty(t *testing.T) {
	t.Parallel()
	oneBlank := tallyOf(t, [][Elements]int{{3, 3, 3, 3, 3, 3, 3, 3, 0}}) // U9 never answered
	tests := []struct {
		name string
		t    Tally
	}{
		{"zero tally", Tally{}},
		{"an element never answered", oneBlank},
		{"negative count", Tally{Respondents: 1, Sum: [Elements]int64{-3, 3, 3, 3, 3, 3, 3, 3, 3}, Count: [Elements]int64{-1, 1, 1, 1, 1, 1, 1, 1, 1}}},
		{"sum above the scale", Tally{Respondents: 1, Sum: [Elements]int64{5, 3, 3, 3, 3, 3, 3, 3, 3}, Count: [Elements]int64{1, 1, 1, 1, 1, 1, 1, 1, 1}}},
		{"more answers than respondents", Tally{Respondents: 1, Sum: [Elements]int64{6, 3, 3, 3, 3, 3, 3, 3, 3}, Count: [Elements]int64{2, 1, 1, 1, 1, 1, 1, 1, 1}}},
		{"huge count", Tally{Respondents: math.MaxInt, Sum: [Elements]int64{math.MaxInt64, 3, 3, 3, 3, 3, 3, 3, 3}, Count: [Elements]int64{math.MaxInt64, 1, 1, 1, 1, 1, 1, 1, 1}}},
	}
	for _, tt := range tests {
		s := tt.t.SKM()
		if !s.Empty {
			t.Errorf("%s: Empty = false", tt.name)
		}
		if s != (SKM{Empty: true}) {
			t.Errorf("%s: got %+v, want only Empty set", tt.name, s)
		}
		if hasNaN(append(append(s.NRR[:], s.Weighted[:]...), s.Unit, s.IKM, s.IKMOld)...) {
			t.Errorf("%s: NaN in %+v", tt.name, s)
		}
	}
	c := Tally5{}.Counter()
	if !c.Empty || c != (Counter{Empty: true}) || hasNaN(append(c.Mean[:], c.SatisfiedPct[:]...)...) {
		t.Errorf("empty Tally5: got %+v", c)
	}
}

// TestAddRejects checks that a bad response is rejected whole and an
// all-blank one is not counted.
func TestAddRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answers [Elements]int
		err     error
	}{
		{"5 is above the scale", [Elements]int{3, 3, 3, 3, 5, 3, 3, 3, 3}, ErrScale},
		{"-1 is below the scale", [Elements]int{3, 3, 3, 3, 3, 3, 3, 3, -1}, ErrScale},
		{"bad answer after blanks", [Elements]int{0, 0, 0, 0, 0, 0, 0, 0, 9}, ErrScale},
		{"all blank: not counted", [Elements]int{}, nil},
	}
	for _, tt := range tests {
		tl := tallyOf(t, workedRows[:3])
		before := tl
		err := tl.Add(tt.answers)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
		}
		if tl != before {
			t.Errorf("%s: tally changed from %+v to %+v", tt.name, before, tl)
		}
	}
}

func TestAdd5Rejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answers [Items]int
		err     error
	}{
		{"6 is above the scale", [Items]int{5, 5, 6, 5, 5}, ErrScale},
		{"-1 is below the scale", [Items]int{-1, 5, 5, 5, 5}, ErrScale},
		{"all blank: not counted", [Items]int{}, nil},
	}
	for _, tt := range tests {
		var tl Tally5
		if err := tl.Add([Items]int{3, 4, 5, 2, 1}); err != nil {
			t.Fatal(err)
		}
		before := tl
		err := tl.Add(tt.answers)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
		}
		if tl != before {
			t.Errorf("%s: tally changed from %+v to %+v", tt.name, before, tl)
		}
	}
}

// TestCounter checks Japan's counter survey on a hand-computed example.
//
//	item              answers     sum  n  mean   4–5  share
//	waiting time      5 3 2 4     14   4  3.500  2    50%
//	staff manner      4 4 5 1     14   4  3.500  3    75%
//	clarity           3 5 4 4     16   4  4.000  3    75%
//	ease of procedure 2 – 1 2      5   3  1.667  0     0%
//	overall           4 4 3 5     16   4  4.000  3    75%
func TestCounter(t *testing.T) {
	t.Parallel()
	rows := [][Items]int{
		{5, 4, 3, 2, 4},
		{3, 4, 5, 0, 4},
		{2, 5, 4, 1, 3},
		{4, 1, 4, 2, 5},
	}
	var months [2]Tally5
	for i, r := range rows {
		if err := months[i%2].Add(r); err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
	}
	tl := months[0]
	tl.Merge(months[1])
	c := tl.Counter()
	if c.Empty || c.Respondents != 4 {
		t.Fatalf("Empty %v, Respondents %d; want false, 4", c.Empty, c.Respondents)
	}
	wantMean := [Items]float64{3.5, 3.5, 4, 5.0 / 3, 4}
	wantPct := [Items]float64{50, 75, 75, 0, 75}
	for i := range Items {
		if math.Abs(c.Mean[i]-wantMean[i]) > 1e-9 {
			t.Errorf("Mean[%d] = %.3f, want %.3f", i, c.Mean[i], wantMean[i])
		}
		if math.Abs(c.SatisfiedPct[i]-wantPct[i]) > 1e-9 {
			t.Errorf("SatisfiedPct[%d] = %.1f, want %.1f", i, c.SatisfiedPct[i], wantPct[i])
		}
	}
	bad := tl
	bad.Satisfied[0] = bad.Count[0] + 1
	if got := bad.Counter(); got != (Counter{Empty: true}) {
		t.Errorf("more satisfied than answers: got %+v, want Empty", got)
	}
}
