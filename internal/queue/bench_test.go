package queue

import (
	"fmt"
	"testing"

	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
)

// The work one change at a long queue costs, on SQLite, before any page
// hears of it: call-next itself, then the one ordering every woken page
// reads (BenchmarkSnapshot), then each page's own read of it
// (BenchmarkStatusAt). Results in docs/benchmarks.md.

const benchQueue = 10000

func longQueue(b *testing.B) (*env, ids.Tenant, string, []Ticket) {
	e := newEnv(b, dbtest.SQLite(b))
	c := e.counter(b, "fukuoka", nil)
	tks := make([]Ticket, benchQueue)
	for i := range tks {
		p := Regular
		if i%10 == 0 {
			p = Elderly
		}
		tks[i] = e.take(b, "fukuoka", c, p)
	}
	return e, e.tenants["fukuoka"].ID, string(c.ID), tks
}

func BenchmarkCallNext(b *testing.B) {
	e, tn, ctr, _ := longQueue(b)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n++ // one officer calls one person at a time
		if _, err := e.st.CallNext(e.ctx, officer, tn, ids.Counter(ctr), ids.User(fmt.Sprint("officer-", n))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshot(b *testing.B) {
	e, tn, ctr, _ := longQueue(b)
	b.ResetTimer()
	for b.Loop() {
		e.st.Wake(ids.Counter(ctr)) // a new generation: the next read orders the queue again
		if _, err := e.st.snapshot(e.ctx, tn, ids.Counter(ctr)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatusAt(b *testing.B) {
	e, tn, ctr, tks := longQueue(b)
	if _, err := e.st.snapshot(e.ctx, tn, ids.Counter(ctr)); err != nil { // as after the first page's read
		b.Fatal(err)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, _, _, err := e.st.StatusAt(e.ctx, tn, ids.Counter(ctr), tks[i%len(tks)].ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
