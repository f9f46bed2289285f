package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestDeskIsLive: the officer's desk follows the queue by itself: a number
// taken elsewhere changes the waiting count on the open desk with no
// reload, and the page stays accessible.
func TestDeskIsLive(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		signIn(p, "officer@neyagawa.demo", "/neyagawa/desk")
		p.Audit()
		sel := "#main section[data-board-events]"
		p.Require(sel, "desk: a live queue section per counter")
		counter := eval[string](p, `document.querySelector("`+sel+`").id.replace("queue-", "")`)
		before := p.Text("#queue-" + counter + " .desk-waiting")
		// Mark the document, so a reload would show.
		eval[any](p, `window.serambiNoReload = true, null`)
		var tk struct {
			ID string `json:"id"`
		}
		api(t, "POST", "/api/v1/t/neyagawa/counters/"+counter+"/tickets", "", map[string]string{}, &tk, http.StatusCreated)
		got, ok, err := poll(p, 20*time.Second, `document.querySelector("#queue-`+counter+` .desk-waiting").textContent`,
			func(s string) bool { return s != before })
		if err != nil || !ok {
			p.fatalf("the waiting count stayed %q after a number was taken (%v)", got, err)
		}
		if !eval[bool](p, `window.serambiNoReload === true`) {
			p.errorf("the desk reloaded instead of updating in place")
		}
		p.Audit()
	})
}

// TestDeskColumns: at a desk screen (1280x800) the queue and the day's
// appointments stand side by side, both starting on the first screen (item 15).
func TestDeskColumns(t *testing.T) {
	t.Parallel()
	_, desktop := phoneAndDesktop()
	p := openPage(t, desktop)
	signIn(p, "officer@neyagawa.demo", "/neyagawa/desk")
	q := eval[rect](p, `(() => { const b = document.querySelector("#main section[data-board-events]").getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height}; })()`)
	a := eval[rect](p, `(() => { const b = document.querySelector(".desk-appointments").getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height}; })()`)
	if a.X < q.X+q.W || a.Y > float64(desktop.height) || q.Y > float64(desktop.height) {
		p.errorf("the queue is at %+v and the appointments at %+v: want them side by side on the first %dx%d screen", q, a, desktop.width, desktop.height)
	}
}
