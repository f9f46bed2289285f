// Package survey computes satisfaction survey figures from counted answers:
// Indonesia's community satisfaction index (Survei Kepuasan Masyarakat, SKM,
// PermenPANRB 14/2017) and Japan's five-item counter survey. It only
// computes: answers are tallied into sums and counts, which can be stored and
// added up (months into a quarter) without losing precision, and the index
// is derived from the tally when it is shown.
package survey

import (
	"cmp"
	"errors"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Elements is the number of SKM elements (U1..U9 of the regulation).
const Elements = 9

// SKM answers are 1 (not good) to 4 (very good); 0 means "not answered".
const (
	minAnswer = 1
	maxAnswer = 4
)

// ErrScale reports an answer outside the scale. The whole response is then
// rejected, so a mistyped form never skews a stored tally.
var ErrScale = errors.New("survey: answer outside the scale")

// Category is the SKM service quality category (mutu pelayanan):
// "A", "B", "C", "D".
type Category string

// The categories of the regulation, best first.
const (
	CategoryA Category = "A" // very good (sangat baik), 88.31–100.00
	CategoryB Category = "B" // good (baik), 76.61–88.30
	CategoryC Category = "C" // poor (kurang baik), 65.00–76.60
	CategoryD Category = "D" // very poor (tidak baik), 25.00–64.99
)

// CategoryOf returns the category of an IKM (25..100); ok is false outside
// 25..100 or for NaN. The IKM is first rounded to two decimals because the
// regulation's limits are written with two decimals and reports judge the
// printed figure: 88.305 prints as 88.31 and is therefore an A.
func CategoryOf(ikm float64) (c Category, ok bool) {
	h, ok := hundredths(ikm)
	if !ok {
		return "", false
	}
	return categoryOfHundredths(h)
}

// categoryOfHundredths judges an IKM given in hundredths (8831 = 88.31), so
// the limits are compared as exact integers.
func categoryOfHundredths(h int64) (Category, bool) {
	switch {
	case h < 2500 || h > 10000:
		return "", false
	case h >= 8831:
		return CategoryA, true
	case h >= 7661:
		return CategoryB, true
	case h >= 6500:
		return CategoryC, true
	default:
		return CategoryD, true
	}
}

// Round2 rounds x to two decimals, half away from zero, as reports print.
// It rounds the shortest decimal that reads back as x (what a person sees),
// not the binary value, so 88.305 becomes 88.31 although its float64 is a
// hair below 88.305. NaN and infinities are returned unchanged.
func Round2(x float64) float64 {
	h, ok := hundredths(x)
	if !ok {
		return x
	}
	return fromHundredths(h)
}

// hundredths returns x rounded half away from zero to an integer number of
// hundredths; ok is false for NaN, infinities and values too large to count
// in hundredths.
func hundredths(x float64) (int64, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 1e16 {
		return 0, false
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac += "000"
	h, err := strconv.ParseInt(whole+frac[:2], 10, 64)
	if err != nil {
		return 0, false
	}
	if frac[2] >= '5' {
		h++
	}
	if x < 0 {
		h = -h
	}
	return h, true
}

// fromHundredths is the float64 nearest to h/100, read from its decimal
// text so that 8831 gives exactly the float64 of the literal 88.31.
func fromHundredths(h int64) float64 {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	s := sign + strconv.FormatInt(h/100, 10) + "." + strconv.FormatInt(100+h%100, 10)[1:]
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN() // unreachable: s is always a valid number
	}
	return v
}

// Tally is what an index is computed from: per element the sum of answers
// and how many answered it. It can be added (tallies of months make a
// quarter), so stored rollups stay exact; averages of averages would not be.
type Tally struct {
	Respondents int // responses counted
	Sum         [Elements]int64
	Count       [Elements]int64
}

// Add counts one response: each answer 1..4, or 0 for "not answered". Any
// other answer rejects the whole response with ErrScale and leaves the tally
// unchanged. A response with no answer at all is not counted (it says
// nothing and would only inflate Respondents) and returns nil.
func (t *Tally) Add(answers [Elements]int) error {
	answered, err := checkAnswers(answers[:], maxAnswer)
	if err != nil || !answered {
		return err
	}
	t.Respondents++
	for i, a := range answers {
		if a != 0 {
			t.Sum[i] += int64(a)
			t.Count[i]++
		}
	}
	return nil
}

// checkAnswers reports whether any answer is given, and ErrScale if one is
// outside 0..top, before anything is counted.
func checkAnswers(answers []int, top int) (answered bool, err error) {
	for _, a := range answers {
		if a < 0 || a > top {
			return false, ErrScale
		}
		answered = answered || a != 0
	}
	return answered, nil
}

// Merge adds o into t, e.g. the months of a quarter.
func (t *Tally) Merge(o Tally) {
	t.Respondents += o.Respondents
	for i := range Elements {
		t.Sum[i] += o.Sum[i]
		t.Count[i] += o.Count[i]
	}
}

// SKM is the index of a tally, with every intermediate figure a report
// shows (the regulation's worksheet prints sums, NRR and weighted NRR).
type SKM struct {
	Respondents int
	Sum         [Elements]int64
	NRR         [Elements]float64 // mean per element (nilai rata-rata)
	Weighted    [Elements]float64 // NRR/9
	Unit        float64           // sum of Weighted, 1..4
	IKM         float64           // Unit*25, exact (not rounded)
	IKMOld      float64           // the same with weight 0.11 (older reports)
	Category    Category
	Weakest     [3]int // element indexes 0..8 of the three lowest NRR
	Empty       bool   // no respondents: "no data", never 0
}

// SKM computes the index. It is Empty, with every other field zero, when
// there are no respondents or some element has no answer: an index over
// fewer than nine elements is not the regulation's index, and "no data"
// must never show as 0 or NaN. A tally that no sequence of Add and Merge
// could produce (negative counts, sums off the 1..4 scale) is Empty too.
//
// Unit, IKM and IKMOld are computed exactly in rationals and then rounded
// once to float64, and the category is judged on the exact value, so a
// quarter's figure does not depend on the order months were added.
func (t Tally) SKM() SKM {
	if !t.valid() {
		return SKM{Empty: true}
	}
	s := SKM{Respondents: t.Respondents, Sum: t.Sum}
	total := new(big.Rat)
	for i := range Elements {
		s.NRR[i] = float64(t.Sum[i]) / float64(t.Count[i])
		s.Weighted[i] = s.NRR[i] / Elements
		total.Add(total, big.NewRat(t.Sum[i], t.Count[i]))
	}
	unit := new(big.Rat).Quo(total, big.NewRat(Elements, 1))
	ikm := new(big.Rat).Mul(unit, big.NewRat(25, 1))
	old := new(big.Rat).Mul(total, big.NewRat(11*25, 100))
	s.Unit, _ = unit.Float64()
	s.IKM, _ = ikm.Float64()
	s.IKMOld, _ = old.Float64()
	s.Category, _ = categoryOfHundredths(ratHundredths(ikm))
	s.Weakest = weakest(s.NRR)
	return s
}

// valid reports whether t could come from Add and Merge with every element
// answered at least once, so SKM never divides by zero or reports an index
// off the scale.
func (t Tally) valid() bool {
	if t.Respondents <= 0 {
		return false
	}
	for i := range Elements {
		if !validCell(t.Sum[i], t.Count[i], int64(t.Respondents), maxAnswer) {
			return false
		}
	}
	return true
}

// validCell checks one element: answered 1..respondents times, each answer
// within 1..top.
func validCell(sum, count, respondents int64, top int64) bool {
	if count <= 0 || count > respondents || count > math.MaxInt64/top {
		return false
	}
	return sum >= count && sum <= count*top
}

// ratHundredths rounds a non-negative rational to whole hundredths, half
// away from zero: floor(r*100 + 1/2).
func ratHundredths(r *big.Rat) int64 {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom()) // truncates; x >= 0 here
	if !q.IsInt64() {
		return -1 // judged "outside the scale"
	}
	return q.Int64()
}

// weakest returns the indexes of the three lowest NRR, ties broken by
// element order (U1 first), which is where improvement plans start.
func weakest(nrr [Elements]float64) [3]int {
	idx := make([]int, Elements)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(nrr[a], nrr[b]), cmp.Compare(a, b))
	})
	return [3]int{idx[0], idx[1], idx[2]}
}

// Items is the number of items of Japan's counter survey: waiting time,
// staff manner, clarity of explanation, ease of procedure, overall.
const Items = 5

// Japan's counter survey answers are 1..5; 4 and 5 count as satisfied.
const (
	maxAnswer5 = 5
	satisfied5 = 4
)

// Tally5 is the counter survey's counterpart of Tally: sums, counts and
// satisfied answers per item, addable for the same reason.
type Tally5 struct {
	Respondents int
	Sum         [Items]int64
	Count       [Items]int64
	Satisfied   [Items]int64 // answers of 4 or 5
}

// Add counts one response: each answer 1..5, or 0 for "not answered". Any
// other answer rejects the whole response with ErrScale and leaves the tally
// unchanged; a response with no answer at all is not counted and returns nil.
func (t *Tally5) Add(answers [Items]int) error {
	answered, err := checkAnswers(answers[:], maxAnswer5)
	if err != nil || !answered {
		return err
	}
	t.Respondents++
	for i, a := range answers {
		if a == 0 {
			continue
		}
		t.Sum[i] += int64(a)
		t.Count[i]++
		if a >= satisfied5 {
			t.Satisfied[i]++
		}
	}
	return nil
}

// Merge adds o into t.
func (t *Tally5) Merge(o Tally5) {
	t.Respondents += o.Respondents
	for i := range Items {
		t.Sum[i] += o.Sum[i]
		t.Count[i] += o.Count[i]
		t.Satisfied[i] += o.Satisfied[i]
	}
}

// Counter is the counter survey's result per item.
type Counter struct {
	Respondents  int
	Mean         [Items]float64 // 1..5
	SatisfiedPct [Items]float64 // answers 4 or 5 per answer to the item, 0..100
	Empty        bool           // no data: every other field zero
}

// Counter computes the per-item figures. Like SKM it is Empty when there are
// no respondents, some item has no answer (Counter has no per-item "no
// data" mark, and 0 must not stand for it), or the tally is impossible.
func (t Tally5) Counter() Counter {
	if !t.valid() {
		return Counter{Empty: true}
	}
	c := Counter{Respondents: t.Respondents}
	for i := range Items {
		n := float64(t.Count[i])
		c.Mean[i] = float64(t.Sum[i]) / n
		c.SatisfiedPct[i] = float64(t.Satisfied[i]) * 100 / n
	}
	return c
}

// valid is Tally.valid for the counter survey, also checking that no more
// answers are satisfied than were given.
func (t Tally5) valid() bool {
	if t.Respondents <= 0 {
		return false
	}
	for i := range Items {
		if !validCell(t.Sum[i], t.Count[i], int64(t.Respondents), maxAnswer5) {
			return false
		}
		if t.Satisfied[i] < 0 || t.Satisfied[i] > t.Count[i] {
			return false
		}
	}
	return true
}
