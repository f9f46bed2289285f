package knowledge_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/tenant"
)

func govOf(t tenant.Tenant) knowledge.Government {
	return knowledge.Government{TenantID: t.ID, RegionCode: t.RegionCode, Country: t.Country, Slug: t.Slug}
}

// Banyuwangi replicates Fukuoka's remote counter: it cannot replicate
// its own practice, a retired one, or the same one twice; it moves
// through the stages (stopping needs a reason), plans, notes (shared
// notes reach the group), records its own figure on Fukuoka's measure,
// and Fukuoka's staff accept to mentor it.
func TestReplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bwi, fuk := govOf(e.Tenants["banyuwangi"]), govOf(e.Tenants["fukuoka"])
		officer, mentor := e.User(t, "officer"), e.User(t, "mentor")
		const slug = "fukuoka-remote-counter"

		if _, err := e.st.Adopt(e.Ctx, officer, fuk, slug); !errors.Is(err, knowledge.ErrOwnPractice) {
			t.Errorf("adopting one's own practice: %v", err)
		}
		r, err := e.st.Adopt(e.Ctx, officer, bwi, slug)
		if err != nil || r.Stage != knowledge.Understand {
			t.Fatalf("adopt: %v %+v", err, r)
		}
		if _, err := e.st.Adopt(e.Ctx, officer, bwi, slug); !errors.Is(err, knowledge.ErrReplicating) {
			t.Errorf("adopting twice: %v", err)
		}
		if _, err := e.st.Adopt(e.Ctx, officer, bwi, "kitami-no-writing-counter"); err != nil {
			t.Errorf("adopting another: %v", err)
		}
		must(t, e.st.Retire(e.Ctx, officer, bwi, "banyuwangi-smart-kampung"))
		if _, err := e.st.Adopt(e.Ctx, officer, fuk, "banyuwangi-smart-kampung"); !errors.Is(err, knowledge.ErrRetired) {
			t.Errorf("adopting a retired practice: %v", err)
		}

		if err := e.st.SetStage(e.Ctx, officer, bwi.TenantID, slug, knowledge.Halted, " "); !errors.Is(err, knowledge.ErrStopReason) {
			t.Errorf("stop without a reason: %v", err)
		}
		must(t, e.st.SetStage(e.Ctx, officer, bwi.TenantID, slug, knowledge.Adapt, "Kami menyesuaikan untuk balai desa."))
		must(t, e.st.AddMilestone(e.Ctx, officer, bwi.TenantID, slug, "Uji coba di 3 desa", "２０２７-０３-０１"))
		if err := e.st.AddMilestone(e.Ctx, officer, bwi.TenantID, slug, "x", "next spring"); err == nil {
			t.Error("a milestone with a date that is not one was kept")
		}
		must(t, e.st.AddNote(e.Ctx, officer, bwi.TenantID, slug, "Catatan internal", false))
		after := 7.0
		must(t, e.st.SetResult(e.Ctx, officer, bwi.TenantID, slug, 0, &after, "2027-06"))
		if err := e.st.SetResult(e.Ctx, officer, bwi.TenantID, slug, 5, &after, ""); err == nil {
			t.Error("a result on a measure the origin does not have was kept")
		}
		if err := e.st.AddNote(e.Ctx, officer, e.Tenants["fukuoka"].ID, slug, "x", true); !errors.Is(err, knowledge.ErrNoRepl) {
			t.Errorf("a note on a replication the tenant does not have: %v", err)
		}
		r, err = e.st.ReplicationOf(e.Ctx, bwi.TenantID, slug)
		if err != nil || r.Stage != knowledge.Adapt || len(r.Milestones) != 1 || r.Milestones[0].Due != "2027-03-01" || r.Results[0].Value != 7 {
			t.Fatalf("replication: %v %+v", err, r)
		}
		must(t, e.st.MarkMilestone(e.Ctx, officer, bwi.TenantID, slug, r.Milestones[0].ID, true))
		notes, err := e.st.Notes(e.Ctx, r)
		if err != nil || len(notes) != 2 {
			t.Fatalf("notes: %v %d", err, len(notes))
		}
		group, _ := e.st.GroupNotes(e.Ctx, r.PracticeID)
		if len(group) != 1 || group[0].Body != "Kami menyesuaikan untuk balai desa." {
			t.Errorf("the group sees %+v, want the stage note alone (the other is internal)", group)
		}

		if err := e.st.AnswerMentor(e.Ctx, mentor, fuk, r.ID, true); !errors.Is(err, knowledge.ErrNotMentoring) {
			t.Errorf("accepting before being asked: %v", err)
		}
		must(t, e.st.AskMentor(e.Ctx, officer, bwi.TenantID, slug))
		if err := e.st.AnswerMentor(e.Ctx, mentor, bwi, r.ID, true); !errors.Is(err, knowledge.ErrNotMentoring) {
			t.Errorf("the adopter mentoring itself: %v", err)
		}
		must(t, e.st.AnswerMentor(e.Ctx, mentor, fuk, r.ID, true))
		r, _ = e.st.ReplicationOf(e.Ctx, bwi.TenantID, slug)
		if r.MentorState != knowledge.MentorAccepted || r.MentorLabel != mentor.Label || !r.Milestones[0].Done {
			t.Errorf("after the answer: %+v", r)
		}
		must(t, e.st.SetStage(e.Ctx, officer, bwi.TenantID, slug, knowledge.Halted, "Anggaran dialihkan."))
		r, _ = e.st.ReplicationOf(e.Ctx, bwi.TenantID, slug)
		counts, _ := e.st.ReplicationCounts(e.Ctx)
		if r.StopReason != "Anggaran dialihkan." || counts[r.PracticeID] != 0 {
			t.Errorf("stopped: reason %q, counted %d", r.StopReason, counts[r.PracticeID])
		}
	})
}

// Twenty staff press "register" for a webinar of five seats at the same
// moment: exactly five get one, on both databases.
func TestEventSeatsNeverOverbook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fuk, bwi := govOf(e.Tenants["fukuoka"]), e.Tenants["banyuwangi"]
		ev, err := e.st.CreateEvent(e.Ctx, e.User(t, "editor"), fuk, "fukuoka-remote-counter", knowledge.Event{Kind: knowledge.Webinar,
			Title: "Webinar", Start: e.Clock.Now().Add(48 * time.Hour), End: e.Clock.Now().Add(49 * time.Hour), Link: "https://meet.example/x", Capacity: 5})
		if err != nil {
			t.Fatal(err)
		}
		people := make([]audit.Actor, 20)
		for i := range people {
			people[i] = e.User(t, fmt.Sprintf("staff%d", i))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		outcomes := map[string]int{}
		for _, who := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := e.st.Register(e.Ctx, who, bwi.ID, ev.ID)
				key := "ok"
				if err != nil {
					key = err.Error()
					if errors.Is(err, knowledge.ErrEventFull) {
						key = "full"
					}
				}
				mu.Lock()
				outcomes[key]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		regs, _ := e.st.Registrations(e.Ctx, ev.ID)
		if outcomes["ok"] != 5 || outcomes["full"] != 15 || len(regs) != 5 {
			t.Errorf("outcomes %v, %d registered; want 5 seated and 15 told it is full", outcomes, len(regs))
		}
		if _, err := e.st.CreateEvent(e.Ctx, e.User(t, "editor2"), fuk, "fukuoka-remote-counter", knowledge.Event{Kind: knowledge.StudyVisit,
			Title: "Visit", Start: e.Clock.Now().Add(-time.Hour), End: e.Clock.Now(), Capacity: 0}); err == nil {
			t.Error("a visit in the past without a place or seats was announced")
		}
	})
}
