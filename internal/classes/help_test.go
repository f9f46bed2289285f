package classes_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
)

// TestHelpInTheRoom: during the class seated learners and the class's
// guests ask for help and are listed oldest first; asking again keeps the
// place; two instructors taking the next one at once get two different
// learners; outside the class, without a seat and as another class's
// guest the request is refused.
func TestHelpInTheRoom(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 3)
		var learners []classes.Practiser
		for range 3 {
			learners = append(learners, classes.Practiser{LearnerID: e.enrol(t, x).LearnerID})
		}
		waiting := classes.Practiser{LearnerID: e.enrol(t, x).LearnerID} // the fourth waits for a seat
		ask := func(p classes.Practiser) (classes.HelpRequest, error) {
			return e.st.AskHelp(e.Ctx, e.tenant, x.ID, p, "name")
		}
		if _, err := ask(learners[0]); !errors.Is(err, classes.ErrHelpNotNow) {
			t.Fatalf("a week before the class: %v", err)
		}
		e.Clock.Advance(7*24*time.Hour + 10*time.Minute) // the class has begun
		_, g, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, e.st.PracticeCode(x.ID), "佐藤")
		if err != nil {
			t.Fatal(err)
		}
		guest := classes.Practiser{GuestID: g.ID}
		order := []classes.Practiser{learners[1], guest, learners[0]}
		for _, p := range order {
			if _, err := ask(p); err != nil {
				t.Fatalf("ask %+v: %v", p, err)
			}
			e.Clock.Advance(time.Second)
		}
		again, err := ask(learners[1])
		if err != nil || again.AskedAt.After(e.Clock.Now().Add(-3*time.Second)) {
			t.Errorf("asking again: %+v, %v; want the first request kept", again, err)
		}
		if _, err := ask(waiting); !errors.Is(err, classes.ErrNotInClass) {
			t.Errorf("a learner on the waitlist: %v", err)
		}
		mine, err := e.st.MyHelp(e.Ctx, e.tenant, x.ID, learners[0])
		if err != nil || mine == nil || mine.Ahead != 2 || mine.Seat == 0 {
			t.Errorf("my help = %+v, %v; want 2 ahead and a seat", mine, err)
		}
		// Two instructors take the next one at once.
		var wg sync.WaitGroup
		got := make([]classes.HelpRequest, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				got[i], errs[i] = e.st.TakeNextHelp(e.Ctx, e.tenant, x.ID, ids.User("helper"))
			})
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || got[0].ID == got[1].ID {
			t.Fatalf("two helpers: %+v %v / %+v %v", got[0], errs[0], got[1], errs[1])
		}
		taken := map[classes.Practiser]bool{got[0].Practiser: true, got[1].Practiser: true}
		if !taken[learners[1]] || !taken[guest] {
			t.Errorf("taken %+v, want the two who asked first", taken)
		}
		if mine, _ := e.st.MyHelp(e.Ctx, e.tenant, x.ID, learners[0]); mine == nil || mine.Ahead != 0 {
			t.Errorf("after two were taken: %+v", mine)
		}
		last, err := e.st.TakeNextHelp(e.Ctx, e.tenant, x.ID, ids.User("helper"))
		if err != nil || last.Practiser != learners[0] {
			t.Fatalf("the third: %+v, %v", last, err)
		}
		if _, err := e.st.TakeNextHelp(e.Ctx, e.tenant, x.ID, ids.User("helper")); !errors.Is(err, classes.ErrNoHelpWanted) {
			t.Errorf("no one left: %v", err)
		}
		for _, h := range append(got, last) {
			if err := e.st.CloseHelp(e.Ctx, e.tenant, x.ID, h.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.st.CloseHelp(e.Ctx, e.tenant, x.ID, last.ID); err != nil {
			t.Errorf("closing twice: %v", err)
		}
		if err := e.st.CloseHelp(e.Ctx, e.tenant, x.ID, "01a2453e-0000-7000-8000-000000000000"); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("closing what is not there: %v", err)
		}
		if q, _ := e.st.HelpQueue(e.Ctx, e.tenant, x.ID); len(q) != 0 {
			t.Errorf("queue after closing all: %+v", q)
		}
		// Asking again after being helped is a new request.
		if h, err := ask(learners[0]); err != nil || h.ID == last.ID {
			t.Errorf("asking after being helped: %+v, %v", h, err)
		}
		e.Clock.Advance(2 * time.Hour)
		if _, err := ask(learners[2]); !errors.Is(err, classes.ErrHelpNotNow) {
			t.Errorf("after the class: %v", err)
		}
	})
}
