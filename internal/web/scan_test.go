package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/result"
)

// postPicture sends a camera frame to the QR reader.
func postPicture(b *browser, path string, pic []byte) answer {
	b.t.Helper()
	return b.do("POST", path, bytes.NewReader(pic), "image/jpeg", "Accept", "application/json")
}

func qrOf(t *testing.T, text string) []byte {
	t.Helper()
	png, err := result.QRCode(text, 320)
	if err != nil {
		t.Fatal(err)
	}
	return png
}

// The QR reader answers what a camera frame's code holds, and offers to
// open it only when it is a page of the tenant itself: the room's
// check-in code leads to the check-in with the code filled in; a code of
// another site or another tenant is only shown. A frame without a code
// says nothing yet; what is not a picture is refused; only a learner or
// a class guest may send frames. The pages that scan may use the camera,
// no other may.
func TestScanReadsTheRoomsCode(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	today := todaySession(t, s, "fukuoka")
	code := s.app.Classes.CheckInCode(today.ID, s.app.Clock.Now())
	here := "/fukuoka/classes/sessions/" + string(today.ID) + "/here"
	learner := s.browser(t)
	learner.signin("resident@fukuoka.demo")
	for _, c := range []struct{ text, next string }{
		{s.srv.URL + here + "?code=" + code, here + "?code=" + code},
		{"https://bank-prize.example/claim", ""},
		{s.srv.URL + "/neyagawa/classes", ""},
		{s.srv.URL + "/fukuoka/classes", "/fukuoka/classes"},
	} {
		a := postPicture(learner, "/fukuoka/classes/scan", qrOf(t, c.text))
		var got struct{ Text, Next string }
		if err := json.Unmarshal([]byte(a.body), &got); a.status != http.StatusOK || err != nil || got.Text != c.text || got.Next != c.next {
			t.Errorf("scan %q: %d %+v, want next %q", c.text, a.status, got, c.next)
		}
	}
	var blank bytes.Buffer
	if err := png.Encode(&blank, image.NewGray(image.Rect(0, 0, 320, 240))); err != nil {
		t.Fatal(err)
	}
	if a := postPicture(learner, "/fukuoka/classes/scan", blank.Bytes()); a.status != http.StatusOK || strings.TrimSpace(a.body) != `{"text":""}` {
		t.Errorf("a frame without a code: %d %s", a.status, a.body)
	}
	if a := postPicture(learner, "/fukuoka/classes/scan", []byte("<svg onload=alert(1)>")); a.status != http.StatusUnsupportedMediaType ||
		!strings.Contains(a.body, "not_picture") {
		t.Errorf("not a picture: %d %s", a.status, a.body)
	}
	if a := s.browser(t).do("POST", "/fukuoka/classes/scan", bytes.NewReader(qrOf(t, "x")), "image/png"); a.status != http.StatusSeeOther {
		t.Errorf("a stranger's frame: %d", a.status)
	}
	if pp := learner.get(here).header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") {
		t.Errorf("the check-in page may not use the camera: %q", pp)
	}
	page := learner.get(here)
	mustContain(t, page, `data-scan="/fukuoka/classes/scan"`, "data-scan-follow", "/static/v/scan.")
	mustNotContain(t, learner.get(here+"?code="+code), "data-scan-follow") // came by the code already
	_, lesson := lessonWith(t, s, "fukuoka", classes.ScanQR)
	ex := learner.get("/fukuoka/classes/lessons/" + lesson.ID + "/practice/qr")
	mustContain(t, ex, `data-kind="qr"`, `data-scan="/fukuoka/classes/scan"`, "/static/v/scan.", "/static/v/practice.")
	if pp := ex.header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") {
		t.Errorf("the QR practice may not use the camera: %q", pp)
	}
	if pp := learner.get("/fukuoka/classes").header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") {
		t.Errorf("the classes page may use the camera: %q", pp)
	}
}
