package queue

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/ids"
)

func TestServiceOrder(t *testing.T) {
	t.Parallel()
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	tk := func(label string, number, created int) Ticket {
		p := Regular
		if label[0] == 'P' {
			p = Elderly
		}
		return Ticket{Label: label, Number: number, Priority: p, CreatedAt: at(created)}
	}
	cases := []struct {
		name    string
		waiting []Ticket
		streak  int
		want    []string
	}{
		{"empty", nil, 0, []string{}},
		{"regulars oldest first", []Ticket{tk("A3", 3, 3), tk("A1", 1, 1), tk("A2", 2, 2)}, 0, []string{"A1", "A2", "A3"}},
		{"priority before regulars", []Ticket{tk("A1", 1, 1), tk("P2", 2, 2)}, 0, []string{"P2", "A1"}},
		{"one regular after two priority", []Ticket{tk("A1", 1, 1), tk("A2", 2, 2), tk("P3", 3, 3), tk("P4", 4, 4), tk("P5", 5, 5), tk("P6", 6, 6), tk("P7", 7, 7)},
			0, []string{"P3", "P4", "A1", "P5", "P6", "A2", "P7"}},
		{"streak from earlier calls", []Ticket{tk("A1", 1, 1), tk("P2", 2, 2)}, 2, []string{"A1", "P2"}},
		{"streak of one", []Ticket{tk("A1", 1, 1), tk("P2", 2, 2), tk("P3", 3, 3)}, 1, []string{"P2", "A1", "P3"}},
		{"only priority, no ratio needed", []Ticket{tk("P1", 1, 1), tk("P2", 2, 2), tk("P3", 3, 3)}, 5, []string{"P1", "P2", "P3"}},
		// A transferred ticket keeps its early CreatedAt but has a higher
		// number: it goes ahead of its class.
		{"transferred keeps its place", []Ticket{tk("A1", 1, 10), tk("A2", 2, 20), tk("A3", 3, 5)}, 0, []string{"A3", "A1", "A2"}},
		{"same instant: lower number first", []Ticket{tk("A2", 2, 1), tk("A1", 1, 1)}, 0, []string{"A1", "A2"}},
	}
	for _, c := range cases {
		got := labels(serviceOrder(c.waiting, c.streak))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestStreakOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		latest []string
		want   int
	}{
		{nil, 0}, {[]string{Regular, Elderly}, 0}, {[]string{Elderly, Regular}, 1}, {[]string{Pregnancy, Disability}, 2},
	} {
		if got := streakOf(c.latest); got != c.want {
			t.Errorf("streakOf(%q) = %d, want %d", c.latest, got, c.want)
		}
	}
}

func TestEstimateWait(t *testing.T) {
	t.Parallel()
	minutes := func(ms ...int) []time.Duration {
		var out []time.Duration
		for _, m := range ms {
			out = append(out, time.Duration(m)*time.Minute)
		}
		return out
	}
	cases := []struct {
		name                        string
		position                    int
		served                      []time.Duration
		slot, capacity, wantSeconds int
	}{
		{"next waits nothing", 0, nil, 10, 1, 0},
		{"slot minutes without history", 3, nil, 10, 1, 1800},
		{"two samples are not enough", 2, minutes(2, 2), 10, 1, 1200},
		{"three samples: their mean", 2, minutes(2, 4, 6), 10, 1, 480},
		{"only the latest ten count", 1, minutes(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100), 10, 1, 60},
		{"two officers halve it", 3, nil, 10, 2, 900},
		{"capacity 0 is taken as 1", 1, nil, 10, 0, 600},
	}
	for _, c := range cases {
		if got := estimateWait(c.position, c.served, c.slot, c.capacity); got != c.wantSeconds {
			t.Errorf("%s: %d s, want %d", c.name, got, c.wantSeconds)
		}
	}
}

func TestLabel(t *testing.T) {
	t.Parallel()
	if l := label(Regular, 12); l != "A-012" {
		t.Errorf("regular: %s", l)
	}
	if l := label(Pregnancy, 3); l != "P-003" {
		t.Errorf("priority: %s", l)
	}
	if l := label(Regular, 1234); l != "A-1234" {
		t.Errorf("past 999: %s", l)
	}
}

// TestPositionInMatchesServiceOrder: the counting shortcut gives every
// ticket of many random queues the index the full ordering gives it.
func TestPositionInMatchesServiceOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2026))
	base := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for round := range 2000 {
		n, streak := rng.IntN(30), rng.IntN(PriorityRun+2)
		var waiting []Ticket
		for i := range n {
			p := Regular
			if rng.IntN(3) == 0 {
				p = Elderly
			}
			// Some tickets share a second: the number settles those.
			waiting = append(waiting, Ticket{ID: ids.Ticket(fmt.Sprint(i)), Number: i + 1, Priority: p,
				CreatedAt: base.Add(time.Duration(rng.IntN(n+1)) * time.Second)})
		}
		for want, tk := range serviceOrder(slices.Clone(waiting), streak) {
			ahead, others := 0, 0
			for _, o := range waiting {
				switch {
				case o.IsPriority() != tk.IsPriority():
					others++
				case byAge(o, tk) < 0:
					ahead++
				}
			}
			if got := positionIn(tk.IsPriority(), ahead, others, streak); got != want {
				t.Fatalf("round %d (streak %d): ticket %s (priority %v, %d ahead, %d others) at %d, serviceOrder says %d",
					round, streak, tk.ID, tk.IsPriority(), ahead, others, got, want)
			}
		}
	}
}
