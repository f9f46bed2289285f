package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/result"
)

// TestCheckInWithTheCamera: on a phone whose camera (Chromium's fake one)
// sees the room's screen with today's check-in code, a learner does the
// QR practice — the code is read and the result saved — then opens the
// check-in page from their class, taps "use the camera", and the page
// reads the code and opens the check-in with it filled in; one tap and
// they are marked as arrived.
func TestCheckInWithTheCamera(t *testing.T) {
	t.Parallel()
	base := serverURL(t)
	ctx := context.Background()
	const login = "learner6@fukuoka.demo"
	ten, u, today, _, _ := seatToday(t, "fukuoka", login)
	now := shared.app.Clock.Now()
	session := "/fukuoka/classes/sessions/" + string(today.ID)
	code := shared.app.Classes.CheckInCode(today.ID, now) // good for a minute
	video := roomScreen(t, base+session+"/here?code="+code)

	phone, _ := phoneAndDesktop()
	p := openPage(t, phone, withChromiumFlag("use-fake-device-for-media-stream", true),
		withChromiumFlag("use-fake-ui-for-media-stream", true), withChromiumFlag("use-file-for-fake-video-capture", video))
	signIn(p, login, "/fukuoka/classes/practice/exercises")

	// The QR practice: reading any code is the goal.
	p.Click(`a.exercise-link[href$="/practice/qr"]`)
	p.Require(`#practice:not([hidden]) .scan:not([hidden]) .scan-start`, "QR practice: the camera button, with script on")
	tap(p, ".scan-start")
	finished(p, "qr")
	if got := p.Text(".scan-text"); !strings.Contains(got, "/here?code="+code) {
		p.errorf("the QR practice shows %q, want the room's check-in link", short(got))
	}
	p.Require(`.scan-open[href^="/fukuoka/classes/sessions/"]`, "QR practice: a link of the city's own may be opened")
	p.Audit()

	// Check in: the page opens the code's link by itself.
	p.Visit(session)
	p.Click(`#main a[href="` + session + `/here"]`)
	p.Require(".scan:not([hidden]) .scan-start", "check-in: the camera button")
	tap(p, ".scan-start")
	waitTrue(p, "the check-in page opened from the code", `location.search === "?code=`+code+`"`)
	p.path = strings.TrimPrefix(eval[string](p, "location.href"), p.base)
	p.Audit()
	if got := p.Value("#code"); got != code {
		p.errorf("the check-in code box holds %q, want %q from the camera", got, code)
	}
	p.Click(`#main form[action="` + session + `/here"] button[type=submit]`)
	if p.Path() != session+"?done=checked_in" {
		p.fatalf("after checking in the browser is at %s; %q", p.Path(), short(p.Text(".notice")))
	}
	roster, err := shared.app.Classes.Roster(ctx, ten.ID, today.ID)
	if err != nil {
		t.Fatal(err)
	}
	arrived := false
	for _, e := range roster {
		arrived = arrived || (e.LearnerID == u.ID && e.AttendedAt != nil)
	}
	if !arrived {
		t.Errorf("%s is not marked as arrived", login)
	}
}

// roomScreen writes a short Y4M video (what Chromium's fake camera plays
// in a loop) of the room's screen showing a QR code of text, a little off
// centre on a grey wall, and returns its file.
func roomScreen(t *testing.T, text string) string {
	t.Helper()
	raw, err := result.QRCode(text, 300)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 640, 480
	frame := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(frame, frame.Bounds(), &image.Uniform{color.Gray{Y: 120}}, image.Point{}, draw.Src)
	screen := image.Rect(140, 70, 140+340, 70+340) // the screen's white edge is the quiet zone
	draw.Draw(frame, screen, &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(frame, screen.Inset(20), qr, qr.Bounds().Min, draw.Src)

	file := filepath.Join(t.TempDir(), "room.y4m")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(f)
	fmt.Fprintf(out, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	chroma := bytes.Repeat([]byte{128}, (w/2)*(h/2)) // grey: no colour
	for i := 0; i < 10; i++ {
		out.WriteString("FRAME\n")
		out.Write(frame.Pix)
		out.Write(chroma)
		out.Write(chroma)
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return file
}
