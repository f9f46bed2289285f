package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// headerShare is the most of a phone's screen the header may take.
const headerShare = 0.20

// TestCompactHeader: on a 360x740 phone the header takes under a fifth of
// the screen, signed out and signed in, in each language, and the language
// links and text-size buttons are one labelled disclosure away: it opens by
// tap and by keyboard and then shows them on screen. On a desk screen they
// stand open in the header (item 6).
func TestCompactHeader(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		visible := func(sel string) bool {
			return eval[bool](p, `(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return false;
				const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight
				&& r.left >= 0 && r.right <= document.documentElement.clientWidth; })()`)
		}
		checkHeight := func() {
			h := eval[float64](p, `document.querySelector("header.site").getBoundingClientRect().height`)
			if p.vp.mobile && h > headerShare*float64(p.vp.height) {
				p.errorf("the header is %gpx high, more than %g%% of the %dpx screen", h, headerShare*100, p.vp.height)
			}
			p.logf("header %gpx high", h)
		}
		for _, path := range []string{"/banyuwangi/?lang=id", "/banyuwangi/?lang=ja", "/banyuwangi/?lang=en"} {
			p.Visit(path)
			checkHeight()
		}
		if !p.vp.mobile {
			for _, sel := range []string{`a[hreflang="ja"]`, `form.text-size button[value="larger"]`} {
				if !visible(sel) {
					p.errorf("%s is not shown in the header on a desk screen", sel)
				}
			}
		} else {
			p.Require("details.prefs > summary", "the language and text-size disclosure")
			if label := p.Text("details.prefs > summary"); label == "" {
				p.errorf("the disclosure's summary has no words")
			}
			// By keyboard: focus the summary and press Enter.
			eval[any](p, `document.querySelector("details.prefs > summary").focus(), null`)
			if err := p.do(chromedp.KeyEvent("\r")); err != nil {
				p.fatalf("pressing Enter on the summary: %v", err)
			}
			waitTrue(p, "Enter opens the disclosure", `document.querySelector("details.prefs").open`)
			for _, sel := range []string{`a[hreflang="id"]`, `a[hreflang="ja"]`, `a[hreflang="en"]`,
				`form.text-size button[value="normal"]`, `form.text-size button[value="large"]`, `form.text-size button[value="larger"]`} {
				if !visible(sel) {
					p.errorf("%s is not on screen after opening the disclosure", sel)
				}
			}
			p.Audit()
		}
		signIn(p, "resident@banyuwangi.demo", "/banyuwangi/")
		checkHeight()
	})
}
