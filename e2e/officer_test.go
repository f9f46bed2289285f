package e2e

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/identity"
)

var (
	// officerMu guards adding an officer to the counters: Save replaces
	// a counter's whole officer list, so two at once could lose one.
	officerMu sync.Mutex
	officers  atomic.Int64
)

// deskOfficer signs a new officer of slug in at the desk and returns their
// login. An officer calls one number at a time, so tests that run side by
// side each need a desk of their own instead of sharing the demo
// officer's. The officer serves every active counter of the tenant and
// reads pages in the demo officer's language.
func deskOfficer(p *Page, slug string) string {
	t := p.t
	t.Helper()
	serverURL(t)
	ctx := context.Background()
	a := shared.app
	ten, err := a.Tenants.BySlug(ctx, slug)
	if err != nil {
		t.Fatalf("tenant %s: %v", slug, err)
	}
	demo, err := a.Identity.ByLogin(ctx, "officer@"+slug+".demo")
	if err != nil {
		t.Fatalf("demo officer of %s: %v", slug, err)
	}
	login := fmt.Sprintf("desk-%d@%s.example", officers.Add(1), slug)
	// Exempt from the second factor, as the demo's own accounts are.
	u, err := a.Identity.EnsureUser(ctx, audit.System, identity.EnsureInput{
		Name: "Test officer", Email: login, Password: demoPassword, Lang: demo.Lang, MFAExempt: true,
		TenantID: ten.ID, Roles: []identity.Role{identity.Officer},
	})
	if err != nil {
		t.Fatalf("creating an officer for %s: %v", t.Name(), err)
	}
	officerMu.Lock()
	defer officerMu.Unlock()
	cs, err := a.Counters.List(ctx, ten.ID, true)
	if err != nil {
		t.Fatalf("counters of %s: %v", slug, err)
	}
	for _, c := range cs {
		plan, err := a.Counters.Plan(ctx, c.ID)
		if err != nil {
			t.Fatalf("plan of %s: %v", c.Code, err)
		}
		staff, err := a.Counters.Officers(ctx, c.ID)
		if err != nil {
			t.Fatalf("officers of %s: %v", c.Code, err)
		}
		if _, err := a.Counters.Save(ctx, audit.System, ten.ID, c, plan, append(staff, u.ID)); err != nil {
			t.Fatalf("adding the officer to %s: %v", c.Code, err)
		}
	}
	signIn(p, login, "/"+slug+"/desk")
	return login
}

// finishOwnCalled presses "Done" for the number the officer has called
// (the desk names it in its busy note), so they can call the next one.
// It reports whether there was one.
func finishOwnCalled(officer *Page) bool {
	officer.t.Helper()
	id := eval[string](officer, `(() => {
		const note = document.querySelector("#main .desk-busy");
		if (!note) return "";
		const c = [...document.querySelectorAll("#main .called")].find(c => note.textContent.includes(c.querySelector(".ticket-label").textContent.trim()));
		const f = c && c.querySelector('form[action$="/finish"]');
		return f ? f.getAttribute("action") : "";
	})()`)
	if id == "" {
		return false
	}
	officer.Click(`#main form[action="` + id + `"] button[type=submit]`)
	return true
}
