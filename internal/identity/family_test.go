package identity_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/identity"
)

func TestFamilyLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		father := e.register(t, identity.RegisterInput{Name: "Pak Slamet", Email: "slamet@example.id"})
		daughter := e.register(t, identity.RegisterInput{Name: "Rina", Email: "rina@example.id"})
		stranger := e.register(t, identity.RegisterInput{Name: "Joko", Email: "joko@example.id"})
		as := func(u identity.User) audit.Actor { return audit.Actor{ID: u.ID, Label: u.Name} }

		if _, err := e.ids.AskFamily(e.ctx, as(daughter), daughter.ID, "nobody@example.id"); !errors.Is(err, identity.ErrFamilyUnknown) {
			t.Fatalf("unknown parent: %v", err)
		}
		if _, err := e.ids.AskFamily(e.ctx, as(daughter), daughter.ID, "rina@example.id"); !errors.Is(err, identity.ErrFamilySelf) {
			t.Fatalf("self: %v", err)
		}
		l, err := e.ids.AskFamily(e.ctx, as(daughter), daughter.ID, " Slamet@Example.id ")
		if err != nil || l.Status != identity.FamilyAsked || l.PersonID != father.ID {
			t.Fatalf("ask: %+v %v", l, err)
		}
		if again, _ := e.ids.AskFamily(e.ctx, as(daughter), daughter.ID, "slamet@example.id"); again.ID != l.ID {
			t.Fatal("asking twice made a second link")
		}
		// Nothing is shared before the father says yes, and only he can.
		if e.ids.ActsFor(e.ctx, daughter.ID, father.ID) {
			t.Fatal("acts for before approval")
		}
		for _, u := range []identity.User{daughter, stranger} {
			if err := e.ids.ApproveFamily(e.ctx, as(u), u.ID, l.ID); !errors.Is(err, identity.ErrFamilyNotYour) {
				t.Fatalf("%s approved: %v", u.Name, err)
			}
		}
		if err := e.ids.ApproveFamily(e.ctx, as(father), father.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		if !e.ids.ActsFor(e.ctx, daughter.ID, father.ID) || e.ids.ActsFor(e.ctx, father.ID, daughter.ID) {
			t.Fatal("ActsFor wrong after approval (the link goes one way)")
		}
		for _, u := range []identity.User{father, daughter} {
			links, err := e.ids.FamilyOf(e.ctx, u.ID)
			if err != nil || len(links) != 1 || links[0].HelperName != "Rina" || links[0].PersonName != "Pak Slamet" {
				t.Fatalf("FamilyOf %s: %+v %v", u.Name, links, err)
			}
		}
		if links, _ := e.ids.FamilyOf(e.ctx, stranger.ID); len(links) != 0 {
			t.Fatal("a stranger sees the link")
		}
		if err := e.ids.EndFamily(e.ctx, as(stranger), stranger.ID, l.ID); !errors.Is(err, identity.ErrFamilyNotYour) {
			t.Fatalf("stranger ended: %v", err)
		}
		if err := e.ids.EndFamily(e.ctx, as(father), father.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		if e.ids.ActsFor(e.ctx, daughter.ID, father.ID) {
			t.Fatal("acts for after the end")
		}
		// After the end she may ask again: a new link.
		if again, err := e.ids.AskFamily(e.ctx, as(daughter), daughter.ID, "slamet@example.id"); err != nil || again.ID == l.ID {
			t.Fatalf("ask after end: %+v %v", again, err)
		}
		if n, p, err := audit.Verify(e.ctx, d); err != nil || p != nil || n == 0 {
			t.Fatalf("audit: %v %v", p, err)
		}
	})
}

func TestFamilyAskRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.register(t, identity.RegisterInput{Name: "Ibu Sri", Email: "sri@example.id"})
		son := e.register(t, identity.RegisterInput{Name: "Adi", Email: "adi@example.id"})
		ids := make(chan string, 8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				l, err := e.ids.AskFamily(e.ctx, audit.System, son.ID, "sri@example.id")
				if err != nil {
					t.Error(err)
					return
				}
				ids <- l.ID
			})
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			seen[id] = true
		}
		if len(seen) != 1 {
			t.Fatalf("8 clicks made %d links", len(seen))
		}
	})
}
