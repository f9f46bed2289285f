package survey

import "sort"

// krejcieMorgan is the published table (Krejcie & Morgan 1970, Table 1) that
// PermenPANRB 14/2017 refers to for the minimum number of respondents: N is
// the population, S the sample. It is embedded rather than computed because
// units are audited against the printed table, whose values are the formula
// rounded; the test checks every row against KrejcieMorgan.
var krejcieMorgan = []struct{ N, S int }{
	{10, 10}, {15, 14}, {20, 19}, {25, 24}, {30, 28}, {35, 32}, {40, 36},
	{45, 40}, {50, 44}, {55, 48}, {60, 52}, {65, 56}, {70, 59}, {75, 63},
	{80, 66}, {85, 70}, {90, 73}, {95, 76}, {100, 80},
	{110, 86}, {120, 92}, {130, 97}, {140, 103}, {150, 108}, {160, 113},
	{170, 118}, {180, 123}, {190, 127}, {200, 132}, {210, 136}, {220, 140},
	{230, 144}, {240, 148}, {250, 152}, {260, 155}, {270, 159}, {280, 162},
	{290, 165}, {300, 169},
	{320, 175}, {340, 181}, {360, 186}, {380, 191}, {400, 196}, {420, 201},
	{440, 205}, {460, 210}, {480, 214}, {500, 217},
	{550, 226}, {600, 234}, {650, 242}, {700, 248}, {750, 254}, {800, 260},
	{850, 265}, {900, 269}, {950, 274}, {1000, 278},
	{1100, 285}, {1200, 291}, {1300, 297}, {1400, 302}, {1500, 306},
	{1600, 310}, {1700, 313}, {1800, 317}, {1900, 320}, {2000, 322},
	{2200, 327}, {2400, 331}, {2600, 335}, {2800, 338}, {3000, 341},
	{3500, 346}, {4000, 351}, {4500, 354}, {5000, 357},
	{6000, 361}, {7000, 364}, {8000, 367}, {9000, 368}, {10000, 370},
	{15000, 375}, {20000, 377}, {30000, 379}, {40000, 380}, {50000, 381},
	{75000, 382}, {1000000, 384},
}

// largeSample is the table's value for any population beyond its last row:
// the formula tends to 384 as N grows.
const largeSample = 384

// MinimumSample returns the sample size for population n (people served in
// the period) from the Krejcie–Morgan table: the row of the smallest
// tabulated population >= n, so the sample is never smaller than the table
// asks (for n beyond the last row, 384). n <= 0 → 0.
//
// For populations under 10 the first row (10) is returned as published; a
// unit that serves fewer people than that simply asks all of them.
func MinimumSample(n int) int {
	if n <= 0 {
		return 0
	}
	i := sort.Search(len(krejcieMorgan), func(i int) bool { return krejcieMorgan[i].N >= n })
	if i == len(krejcieMorgan) {
		return largeSample
	}
	return krejcieMorgan[i].S
}

// Constants of the Krejcie–Morgan formula: chi-square for one degree of
// freedom at 95% confidence, the population proportion that maximises the
// sample, and the margin of error.
const (
	kmChiSquare  = 3.841
	kmProportion = 0.5
	kmMargin     = 0.05
)

// KrejcieMorgan returns the formula's value
// s = X²NP(1−P) / (d²(N−1) + X²P(1−P)), X²=3.841, P=0.5, d=0.05, for
// cross-checking the table and for populations that want the unrounded
// figure. n <= 0 → 0.
func KrejcieMorgan(n int) float64 {
	if n <= 0 {
		return 0
	}
	N := float64(n)
	pq := kmProportion * (1 - kmProportion)
	return kmChiSquare * N * pq / (kmMargin*kmMargin*(N-1) + kmChiSquare*pq)
}
