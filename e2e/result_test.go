package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/result"
)

// The result of an approved application: the printable paper the resident
// opens from the application page, its QR code, and the public page the QR
// code leads to. TestOfficerSendsBackAndApproves walks through them.

// qrSrcPattern is the QR code's address on the paper; the code is 80
// random bits in base32, 16 characters.
var qrSrcPattern = regexp.MustCompile(`^/verify/([A-Z2-7]{16})/qr\.png$`)

// paper is what the resident's paper says, for the next steps.
type paper struct {
	code      string // the verification code
	qrSrc     string // the QR image's src attribute
	verifyURL string // the verification address printed on the paper
}

// openResult follows the application page's link to its result, checks the
// paper holds the tracking number, the holder's name, the QR code and the
// verification address, and returns them.
func openResult(p *Page, appPath, number, holder string) paper {
	p.t.Helper()
	link := `#main a[href$="/result"]`
	p.Require(link, "approved application: a link to the result document")
	if href := eval[string](p, `document.querySelector(`+jsString(link)+`).getAttribute("href")`); href != appPath+"/result" {
		p.errorf("the result link goes to %s, want %s/result", href, appPath)
	}
	if st := p.Click(link); st != 200 {
		p.errorf("the result page answered %d, want 200", st)
	}
	if p.URLPath() != appPath+"/result" {
		p.fatalf("the result link led to %s, want %s/result", p.Path(), appPath)
	}
	p.Require("article.paper", "result page: the printable paper")
	text := p.Text("article.paper")
	for _, want := range []string{number, holder} {
		if !strings.Contains(text, want) {
			p.errorf("article.paper does not show %q; it reads %q", want, short(text))
		}
	}
	var out paper
	out.qrSrc = eval[string](p, `(() => {
		const img = [...document.querySelectorAll("article.paper img")].find(i => (i.getAttribute("src") || "").startsWith("/verify/"));
		return img ? img.getAttribute("src") : "";
	})()`)
	m := qrSrcPattern.FindStringSubmatch(out.qrSrc)
	if m == nil {
		srcs := eval[[]string](p, `[...document.querySelectorAll("article.paper img")].map(i => i.getAttribute("src") || "")`)
		p.fatalf("article.paper has no img with src /verify/{CODE}/qr.png (CODE: 16 of A-Z2-7); its images: %q", srcs)
	}
	out.code = m[1]
	p.Require(".verify-url", "result page: the verification address in writing")
	out.verifyURL = strings.TrimSpace(p.Text("article.paper .verify-url"))
	if want := p.base + "/verify/" + out.code; out.verifyURL != want {
		p.errorf(".verify-url reads %q, want %q (the code of the QR image)", out.verifyURL, want)
	}
	return out
}

// printedPaper checks the page as it prints: the paper and its QR code, and
// none of the site's header, footer and on-screen hints.
func printedPaper(p *Page) {
	p.t.Helper()
	media := func(m string) {
		p.t.Helper()
		if err := p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})); err != nil {
			p.fatalf("emulating media %q: %v", m, err)
		}
	}
	media("print")
	defer media("")
	type shown struct {
		Paper  bool     `json:"paper"`
		QR     bool     `json:"qr"`
		Extras []string `json:"extras"`
	}
	got := eval[shown](p, `(() => {
		const shown = e => {
			if (!e) return false;
			const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
			return cs.display !== "none" && cs.visibility !== "hidden" && r.width > 0 && r.height > 0;
		};
		const extras = [...document.querySelectorAll("body > header, body > footer, .no-print")]
			.filter(shown).map(e => e.tagName.toLowerCase() + [...e.classList].map(c => "." + c).join(""));
		return {paper: shown(document.querySelector("article.paper")), qr: shown(document.querySelector("article.paper img")), extras};
	})()`)
	if !got.Paper || !got.QR {
		p.errorf("printed, the page does not show the paper (%v) or its QR code (%v)", got.Paper, got.QR)
	}
	if len(got.Extras) > 0 {
		p.errorf("printed, the page still shows %q besides the paper", got.Extras)
	}
}

// qrImage checks the paper's QR code: the browser loaded it as a picture of
// a useful size, and it is a PNG of the verification address printed on
// the paper.
func qrImage(p *Page, pp paper) {
	p.t.Helper()
	sel := `article.paper img[src=` + jsString(pp.qrSrc) + `]`
	p.mustSee(sel)
	type loaded struct {
		OK    bool    `json:"ok"`
		Width float64 `json:"width"`
		Shown float64 `json:"shown"`
	}
	got, err := run(p, chromedp.Evaluate[loaded](`(async () => {
		const img = document.querySelector(`+jsString(sel)+`);
		if (!img.complete) await new Promise(r => { img.addEventListener("load", r); img.addEventListener("error", r); });
		try { await img.decode(); } catch (e) { return {ok: false, width: img.naturalWidth, shown: img.width}; }
		return {ok: true, width: img.naturalWidth, shown: img.width};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("waiting for the QR image: %v", err)
	}
	if !got.OK || got.Width <= 100 {
		p.errorf("the QR image %s did not load as a picture over 100px wide (decoded: %v, naturalWidth %g)", pp.qrSrc, got.OK, got.Width)
	}
	if got.Shown < 96 {
		p.errorf("the QR image is shown %gpx wide; a phone camera needs it bigger (want at least 96 CSS px)", got.Shown)
	}

	// The same picture, fetched outside the browser.
	resp, err := http.Get(p.base + pp.qrSrc)
	if err != nil {
		p.fatalf("GET %s: %v", pp.qrSrc, err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		p.fatalf("GET %s: %v", pp.qrSrc, err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		p.fatalf("GET %s: status %d, Content-Type %q; want 200 image/png", pp.qrSrc, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		p.fatalf("%s is not a PNG: %v", pp.qrSrc, err)
	}
	b := img.Bounds()
	if b.Dx() <= 100 || b.Dx() != b.Dy() {
		p.errorf("the QR PNG is %dx%d, want a square over 100px", b.Dx(), b.Dy())
	}
	// Without a QR decoder, check the picture is the one the app's own
	// encoder makes for the address printed on the paper: it encodes that
	// address (and not the application's page, or another code's). That the
	// encoder makes readable codes is for its own tests.
	want, err := result.QRCode(pp.verifyURL, b.Dx())
	if err != nil {
		p.fatalf("encoding %s: %v", pp.verifyURL, err)
	}
	wimg, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		p.fatalf("decoding the expected QR code: %v", err)
	}
	if !sameGray(img, wimg) {
		p.errorf("the QR image %s does not encode %s, the address printed on the paper", pp.qrSrc, pp.verifyURL)
	}
}

// sameGray reports whether two pictures have the same size and the same
// pixels, as light and dark.
func sameGray(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			ga := color.GrayModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.Gray).Y >= 128
			gb := color.GrayModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.Gray).Y >= 128
			if ga != gb {
				return false
			}
		}
	}
	return true
}

// verifyGenuine checks the public verification page of a genuine paper: it
// says so, shows the tracking number and only the initials of the holder.
func verifyGenuine(p *Page, pp paper, number string, holder, initials string) {
	p.t.Helper()
	if p.Has("form.signout") {
		p.fatalf("the verifier is signed in; the verification page must be checked signed out")
	}
	p.Visit("/verify/" + pp.code)
	if got := p.base + p.URLPath(); got != pp.verifyURL {
		p.errorf("the verification page is at %s, the paper prints %s", got, pp.verifyURL)
	}
	p.mustSee(".status-box.status-approved")
	if got := p.Text(".status-box.status-approved"); !strings.Contains(got, "本物") {
		p.errorf(".status-box.status-approved reads %q, want it to say the paper is genuine (本物)", got)
	}
	if p.Has(".status-rejected") {
		p.errorf("a genuine paper's verification page also shows .status-rejected: %q", p.Text(".status-rejected"))
	}
	main := p.Text("main")
	if !strings.Contains(main, number) {
		p.errorf("the verification page does not show the tracking number %s: %q", number, short(main))
	}
	if !strings.Contains(main, initials) {
		p.errorf("the verification page does not show the holder's initials %q: %q", initials, short(main))
	}
	for _, part := range append([]string{holder}, strings.Fields(holder)...) {
		if strings.Contains(main, part) {
			p.errorf("the public verification page shows the holder's name (%q); it should show only %q", part, initials)
		}
	}
}
