package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/tenant"
)

// box is an element's place on the screen, in CSS pixels.
type box struct{ X, Y, W, H float64 }

func (b box) at(fx, fy float64) (float64, float64) { return b.X + fx*b.W, b.Y + fy*b.H }

// boxOf scrolls sel to the middle of the screen and measures it.
func boxOf(p *Page, sel string) box {
	p.t.Helper()
	p.mustSee(sel)
	return eval[box](p, `(() => { const e = document.querySelector(`+jsString(sel)+`);
		e.scrollIntoView({block: "center", inline: "nearest"});
		const r = e.getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`)
}

// fingers is one moment of a touch: where each finger is (none: all
// lifted).
type fingers [][2]float64

// touch sends the touch events of a gesture, moment by moment, with pause
// between them, as Chromium's touch screen would.
func touch(p *Page, pause time.Duration, moments ...fingers) {
	p.t.Helper()
	for i, m := range moments {
		typ := input.DispatchTouchEventTypeTouchMove
		switch {
		case len(m) == 0:
			typ = input.DispatchTouchEventTypeTouchEnd
		case i == 0 || len(moments[i-1]) < len(m):
			typ = input.DispatchTouchEventTypeTouchStart
		}
		points := []*input.TouchPoint{}
		for k, f := range m {
			id := float64(k)
			points = append(points, &input.TouchPoint{X: f[0], Y: f[1], ID: &id})
		}
		err := p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
			return err
		}))
		if err != nil {
			p.fatalf("touch %s: %v", typ, err)
		}
		time.Sleep(pause)
	}
}

// fingerTap touches the middle of sel with one finger and lifts it.
func fingerTap(p *Page, sel string) {
	p.t.Helper()
	x, y := boxOf(p, sel).at(0.5, 0.5)
	touch(p, 30*time.Millisecond, fingers{{x, y}}, fingers{})
}

// slide moves one finger from one point to another in steps.
func slide(p *Page, x0, y0, x1, y1 float64) {
	p.t.Helper()
	moments := []fingers{{{x0, y0}}}
	for i := 1; i <= 8; i++ {
		k := float64(i) / 8
		moments = append(moments, fingers{{x0 + k*(x1-x0), y0 + k*(y1-y0)}})
	}
	touch(p, 20*time.Millisecond, append(moments, fingers{})...)
}

// finished waits for the exercise to end and its result to be saved.
func finished(p *Page, kind string) {
	p.t.Helper()
	waitTrue(p, kind+": the well-done card, and the result saved",
		`!document.getElementById("practice-end").hidden && document.getElementById("practice").getAttribute("data-saved") === "yes"`)
}

// gestures does each exercise with a real finger's touch events.
var gestures = []struct {
	kind classes.Exercise
	do   func(p *Page)
}{
	{classes.Tap, func(p *Page) {
		// A touch beside the target is a miss, then three taps on it.
		b := boxOf(p, "#stage")
		x, y := b.at(0.02, 0.03)
		touch(p, 30*time.Millisecond, fingers{{x, y}}, fingers{})
		for range 3 {
			fingerTap(p, "#target")
		}
	}},
	{classes.LongPress, func(p *Page) {
		b := boxOf(p, "#target")
		x, y := b.at(0.5, 0.5)
		touch(p, 200*time.Millisecond, fingers{{x, y}}, fingers{}) // too short: a hint
		if p.Text("#practice-say") == "" {
			p.errorf("a short press got no hint")
		}
		for range 2 {
			touch(p, 1200*time.Millisecond, fingers{{x, y}}, fingers{})
		}
	}},
	{classes.DoubleTap, func(p *Page) {
		for range 2 {
			x, y := boxOf(p, "#target").at(0.5, 0.5)
			touch(p, 40*time.Millisecond, fingers{{x, y}}, fingers{}, fingers{{x, y}}, fingers{})
			time.Sleep(600 * time.Millisecond)
		}
	}},
	{classes.Swipe, func(p *Page) {
		for range 3 {
			b := boxOf(p, "#target")
			x0, y := b.at(0.85, 0.5)
			x1, _ := b.at(0.1, 0.5)
			slide(p, x0, y, x1, y)
			time.Sleep(100 * time.Millisecond)
		}
	}},
	{classes.Scroll, func(p *Page) {
		// Push the page up with a finger until the button at the end shows.
		visible := `(() => { const r = document.getElementById("target").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`
		for i := 0; i < 30 && !eval[bool](p, visible); i++ {
			w, h := float64(p.vp.width), float64(p.vp.height)
			slide(p, w/2, h*0.8, w/2, h*0.25)
		}
		if !eval[bool](p, visible) {
			p.fatalf("scrolling with a finger did not bring the button at the end into view")
		}
		// A flick goes on moving the page a while: tap once it rests.
		for last := -1.0; ; {
			time.Sleep(200 * time.Millisecond)
			y := eval[float64](p, "scrollY")
			if y == last {
				break
			}
			last = y
		}
		b := eval[box](p, `(() => { const r = document.getElementById("target").getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`)
		x, y := b.at(0.5, 0.5)
		touch(p, 30*time.Millisecond, fingers{{x, y}}, fingers{})
	}},
	{classes.Pinch, func(p *Page) {
		b := boxOf(p, "#target")
		cx, cy := b.at(0.5, 0.5)
		moments := []fingers{{{cx - 15, cy - 15}}, {{cx - 15, cy - 15}, {cx + 15, cy + 15}}}
		for i := 1; i <= 10; i++ {
			d := 15 + float64(i)*8
			moments = append(moments, fingers{{cx - d, cy - d}, {cx + d, cy + d}})
		}
		touch(p, 30*time.Millisecond, append(moments, fingers{})...)
	}},
	{classes.Typing, func(p *Page) {
		fingerTap(p, "#typing")
		word := p.Text("#typing-word")
		// Typed as a phone keyboard (or a kana IME) commits it.
		if err := p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: word})
			return err
		})); err != nil {
			p.fatalf("typing %q: %v", word, err)
		}
	}},
}

// TestPracticeGesturesByTouch: on a phone (touch screen, 360×740) a
// learner does each gesture exercise of the first course with real touch
// events — a miss gets a hint, the goal a well-done card — and every
// result is saved for them.
func TestPracticeGesturesByTouch(t *testing.T) {
	t.Parallel()
	phone, _ := phoneAndDesktop()
	p := openPage(t, phone)
	signIn(p, "learner4@neyagawa.demo", "/neyagawa/classes/practice/exercises")
	for _, g := range gestures {
		sel := `a.exercise-link[href$="/practice/` + string(g.kind) + `"]`
		p.Visit("/neyagawa/classes/practice/exercises")
		href := eval[string](p, `document.querySelector(`+jsString(sel)+`).getAttribute("href")`)
		p.Visit(href)
		p.Require(`#practice:not([hidden])`, string(g.kind)+": the stage shows with script on")
		g.do(p)
		finished(p, string(g.kind))
		p.Audit()
	}
	learner, err := shared.app.Identity.ByLogin(context.Background(), "learner4@neyagawa.demo")
	if err != nil {
		t.Fatal(err)
	}
	ten, err := shared.app.Tenants.BySlug(context.Background(), "neyagawa")
	if err != nil {
		t.Fatal(err)
	}
	progress, err := shared.app.Classes.ProgressOf(context.Background(), ten.ID, classes.Practiser{LearnerID: learner.ID})
	if err != nil {
		t.Fatal(err)
	}
	done := map[classes.Exercise]classes.Progress{}
	for _, byKind := range progress {
		for k, pr := range byKind {
			if pr.DoneAt != nil {
				done[k] = pr
			}
		}
	}
	for _, g := range gestures {
		if _, ok := done[g.kind]; !ok {
			t.Errorf("%s: no saved result (saved: %v)", g.kind, fmt.Sprint(progress))
		}
	}
	if done[classes.Tap].Misses < 1 {
		t.Errorf("the touch beside the tap target was not counted as a miss: %+v", done[classes.Tap])
	}
}

// TestPracticeFormAndMailbox: the practice form refuses an empty send with
// the reason at each field and accepts full-width digits; the practice
// mailbox, at a desk and on a phone: open the prize message, call it
// safe, read why it is a scam, and say so; all pages pass the audit.
func TestPracticeFormAndMailbox(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		login := "learner5@banyuwangi.demo"
		if p.vp.mobile {
			login = "learner6@banyuwangi.demo" // each screen its own mailbox
		}
		signIn(p, login, "/banyuwangi/classes/practice/exercises")
		p.Click(`a.exercise-link[href$="/practice/form"]`)
		tap(p, `#target button[type=submit]`)
		waitTrue(p, "the empty form's reasons", `!document.getElementById("pf-name-error").hidden && document.activeElement.id === "pf-name"`)
		p.Fill("#pf-name", "Sumiati")
		p.Fill("#pf-year", "１９５２")
		choose(p, "#pf-want-ask")
		choose(p, "#pf-agree")
		tap(p, `#target button[type=submit]`)
		finished(p, "form")
		p.Audit()

		p.Visit("/banyuwangi/classes/practice/exercises")
		if !p.vp.mobile { // the phone does each one by touch in TestPracticeGesturesByTouch
			for _, href := range allHrefs(p, `a.exercise-link`) {
				p.Visit(href)
			}
			p.Visit("/banyuwangi/classes/practice/exercises")
		}
		p.Click(`a.exercise-link[href$="/practice/mailbox"]`)
		p.Require(`a.mail-row[href$="/mailbox/prize"]`, "the prize message")
		p.Click(`a.mail-row[href$="/mailbox/prize"]`)
		p.Click(`form.verdict button[value=safe]`)
		p.Require(`#verdict .notice.warn li`, "the signs of the scam after a wrong answer")
		p.Click(`form.verdict button[value=scam]`)
		p.Require(`#verdict .notice:not(.warn)`, "a right answer")
		p.Click(`a[href$="/practice/mailbox"]`)
		p.Click(`a.mail-row[href$="/mailbox/family"]`)
		p.Click(`a[href$="/mailbox/family/photo"]`)
		p.Require("figure.mail-photo svg", "the photo")
	})
}

// TestCertificatePaper: a learner who came to today's class and did every
// exercise gets the certificate, at a desk and on a phone; the paper and
// the verification page its QR code leads to pass the audit.
func TestCertificatePaper(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		login := "learner2@fukuoka.demo"
		if p.vp.mobile {
			login = "learner3@fukuoka.demo"
		}
		serverURL(t) // starts the shared app
		ctx := context.Background()
		ten, u, today, e, err := seatToday(t, "fukuoka", login)
		actor := audit.Actor{ID: u.ID, Label: u.Email}
		if err == nil {
			if _, err := shared.app.Classes.MarkAttended(ctx, actor, ten.ID, e.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		c, err := shared.app.Classes.Course(ctx, ten.ID, today.CourseID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.Lessons {
			for _, ex := range l.Exercises {
				if err := shared.app.Classes.Record(ctx, ten.ID, l.ID, ex, classes.Practiser{LearnerID: u.ID}, classes.Result{Done: true}); err != nil {
					t.Fatal(err)
				}
			}
		}
		cert := "/fukuoka/classes/courses/" + string(c.ID) + "/certificate"
		signIn(p, login, cert)
		if p.Has(`form[action="` + cert + `"] button`) {
			p.Click(`form[action="` + cert + `"] button`)
		}
		p.Require("article.certificate .paper-verify img", "the certificate with its QR code")
		p.Click(".paper-verify a")
		p.Require(".status-approved", "the verification page says the certificate is genuine")
	})
}

// seatToday seats login in a class at a hall today (err is
// classes.ErrAlreadyEnrolled when an earlier run did): the demo's, made
// to start a quarter of an hour after the app starts, or, once a long
// suite has passed its start (no one may enrol then), one more of the
// same course starting in 20 minutes, made once and shared.
func seatToday(t *testing.T, slug, login string) (tenant.Tenant, identity.User, classes.Session, classes.Enrolment, error) {
	t.Helper()
	ctx := context.Background()
	ten, err := shared.app.Tenants.BySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	u, err := shared.app.Identity.ByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	x := hallClassToday(t, ten)
	e, err := shared.app.Classes.Enrol(ctx, audit.Actor{ID: u.ID, Label: u.Email}, ten.ID, x.ID, u.ID, classes.Questions{Phone: classes.PhoneAndroid})
	if err != nil && !errors.Is(err, classes.ErrAlreadyEnrolled) {
		t.Fatal(err)
	}
	return ten, u, x, e, err
}

// lateClass guards the making of the extra class of hallClassToday.
var lateClass sync.Mutex

// hallClassToday is a class at a hall of ten that has not started yet
// and starts within the hour.
func hallClassToday(t *testing.T, ten tenant.Tenant) classes.Session {
	t.Helper()
	lateClass.Lock()
	defer lateClass.Unlock()
	ctx := context.Background()
	now := shared.app.Clock.Now()
	xs, err := shared.app.Classes.Sessions(ctx, ten.ID, now.Add(-90*time.Minute), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	xs = atHall(xs)
	if len(xs) == 0 {
		t.Fatal("today's class: none at a hall")
	}
	for _, x := range xs {
		if x.StartsAt.After(now) {
			return x
		}
	}
	in := xs[0]
	in.ID, in.StartsAt, in.EndsAt = "", now.Add(20*time.Minute), now.Add(110*time.Minute)
	x, err := shared.app.Classes.CreateSession(ctx, audit.System, ten.ID, in)
	if err != nil {
		t.Fatalf("another class today: %v", err)
	}
	return x
}

// atHall leaves out the online classes (the demo has one today too).
func atHall(xs []classes.Session) []classes.Session {
	return slices.DeleteFunc(xs, func(x classes.Session) bool { return x.Online })
}
