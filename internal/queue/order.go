package queue

import (
	"cmp"
	"slices"
	"time"
)

// PriorityRun is how many priority tickets are called in a row before one
// regular ticket gets its turn (if one waits), so that a steady stream of
// elderly, disabled or pregnant residents cannot starve everybody else.
const PriorityRun = 2

// AverageOver is how many of today's latest served tickets the wait
// estimate averages, and MinSamples how many it needs before it trusts
// them over the counter's SlotMinutes.
const (
	AverageOver = 10
	MinSamples  = 3
)

// byAge orders tickets of one class: who joined first (CreatedAt, kept
// across a transfer), then the lower number.
func byAge(a, b Ticket) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Number, b.Number))
}

// streakOf counts the priority tickets at the front of the latest calls
// (priorities, newest first).
func streakOf(latest []string) int {
	n := 0
	for _, p := range latest {
		if p == Regular {
			break
		}
		n++
	}
	return n
}

// servePriority tells whether the next call goes to the priority class,
// given how many priority tickets were just called in a row.
func servePriority(streak, priorities, regulars int) bool {
	return priorities > 0 && (streak < PriorityRun || regulars == 0)
}

// serviceOrder returns waiting in the order they will be called if nobody
// else arrives: priority tickets first, but after PriorityRun of them in a
// row one regular ticket (if any waits); oldest first within a class.
// streak is how many priority tickets were called in a row just before.
func serviceOrder(waiting []Ticket, streak int) []Ticket {
	var prio, reg []Ticket
	for _, t := range waiting {
		if t.IsPriority() {
			prio = append(prio, t)
		} else {
			reg = append(reg, t)
		}
	}
	// Callers mostly read them oldest first already; checking is cheaper
	// than sorting ten thousand again.
	for _, class := range [][]Ticket{prio, reg} {
		if !slices.IsSortedFunc(class, byAge) {
			slices.SortStableFunc(class, byAge)
		}
	}
	out := make([]Ticket, 0, len(waiting))
	for len(prio)+len(reg) > 0 {
		if servePriority(streak, len(prio), len(reg)) {
			out, prio, streak = append(out, prio[0]), prio[1:], streak+1
		} else {
			out, reg, streak = append(out, reg[0]), reg[1:], 0
		}
	}
	return out
}

// positionIn is the index serviceOrder gives a waiting ticket without
// ordering the queue: ahead is how many tickets of its own class (priority
// or regular) are older, others how many of the other class wait. A fresh
// ticket's position is then two counts, not a read of the whole queue.
// Priority tickets go in runs of PriorityRun, the first run shortened by
// the streak, with one regular ticket after each run while any waits.
func positionIn(priority bool, ahead, others, streak int) int {
	first := max(PriorityRun-streak, 0) // priority tickets before the first regular one
	if !priority {
		return ahead + min(others, first+ahead*PriorityRun)
	}
	if ahead < first {
		return ahead
	}
	return ahead + min(others, 1+(ahead-first)/PriorityRun)
}

// pickNext returns the ticket to call now, false when nobody waits.
func pickNext(waiting []Ticket, streak int) (Ticket, bool) {
	order := serviceOrder(waiting, streak)
	if len(order) == 0 {
		return Ticket{}, false
	}
	return order[0], true
}

// estimateWait is position × the average service time in seconds ÷ the
// officers at the counter. The average is that of served (newest first,
// only the first AverageOver count) once there are MinSamples, since the
// real pace of the day beats the planned slot; before that, slotMinutes.
func estimateWait(position int, served []time.Duration, slotMinutes, capacity int) int {
	if position <= 0 {
		return 0
	}
	each := time.Duration(slotMinutes) * time.Minute
	if len(served) > AverageOver {
		served = served[:AverageOver]
	}
	if len(served) >= MinSamples {
		var sum time.Duration
		for _, d := range served {
			sum += max(d, 0)
		}
		each = sum / time.Duration(len(served))
	}
	return int((time.Duration(position) * each / time.Duration(max(capacity, 1))).Seconds())
}
