package e2e

// The call screen fits one screen (item 8) and an officer's desk screen
// shows the notes and "end call" at once (item 15). These checks run inside
// TestVideoCall, while the call is live on both sides.

// controlsJS measures, with the page scrolled to the top, where the call's
// controls are: the button that turns the others' sound on (hidden unless
// the browser blocked autoplay; shown for the measure), the microphone, the
// camera, leaving, and the panel button. Each must be whole on screen.
const controlsJS = `(() => {
	scrollTo(0, 0);
	const out = [];
	for (const id of ["btn-play", "btn-mic", "btn-cam", "btn-leave", "btn-panel"]) {
		const el = document.getElementById(id);
		if (!el) { out.push(id + " missing"); continue; }
		const was = el.hidden;
		el.hidden = false;
		const r = el.getBoundingClientRect();
		el.hidden = was;
		const vw = document.documentElement.clientWidth;
		if (!(r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= vw)) {
			out.push(id + " at " + Math.round(r.left) + "," + Math.round(r.top) + "-" + Math.round(r.right) + "," + Math.round(r.bottom) + " in " + vw + "x" + innerHeight);
		}
	}
	return out;
})()`

// callFitsScreen fails unless the call's controls are all on screen without
// scrolling, and the other person's picture is large and on screen too.
func callFitsScreen(p *Page) {
	p.t.Helper()
	for _, bad := range eval[[]string](p, controlsJS) {
		p.errorf("call control not on the first screen: %s", bad)
	}
	v := eval[rect](p, `(() => { scrollTo(0, 0); const v = document.querySelector("#remotes video");
		const b = v ? v.getBoundingClientRect() : {left: 0, top: 0, width: 0, height: 0};
		return {x: b.left, y: b.top, w: b.width, h: b.height}; })()`)
	if v.W < 0.8*float64(p.vp.width) && v.H < 0.3*float64(p.vp.height) || v.Y < 0 || v.Y+v.H/2 > float64(p.vp.height) {
		p.errorf("the other person's video is %gx%g at y=%g: want it large and on the first screen", v.W, v.H, v.Y)
	}
	expanded := eval[string](p, `document.getElementById("btn-panel").getAttribute("aria-expanded")`)
	open := !eval[bool](p, `document.getElementById("call-panel").hidden`)
	if (expanded == "true") != open {
		p.errorf(`#btn-panel[aria-expanded=%q] but the panel is open=%v`, expanded, open)
	}
}

// officerDeskFits: on the officer's call page at a desk screen, the notes
// and the "end call" button are on the first screen, beside the people.
func officerDeskFits(p *Page) {
	p.t.Helper()
	for _, sel := range []string{"#notes", `.call-end button[type=submit]`} {
		r := eval[rect](p, `(() => { scrollTo(0, 0); const b = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
			return {x: b.left, y: b.top, w: b.width, h: b.height}; })()`)
		if r.W == 0 || r.Y < 0 || r.Y+r.H > float64(p.vp.height) || r.X+r.W > float64(p.vp.width) {
			p.errorf("%s is at %+v, not on the first %dx%d screen", sel, r, p.vp.width, p.vp.height)
		}
	}
}

// openPanel opens the call's panel (document, chat, tools) when it is closed.
func openPanel(p *Page) {
	p.t.Helper()
	if eval[string](p, `document.getElementById("btn-panel").getAttribute("aria-expanded")`) != "true" {
		tap(p, "#btn-panel")
	}
	waitTrue(p, "the call's panel opens", `!document.getElementById("call-panel").hidden`)
}
