package qrscan_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/qrscan"
	"github.com/serambi/serambi/internal/result"
)

const url = "https://serambi.example/fukuoka/classes/sessions/01a2/here?code=123456"

// camera puts the code small and off-centre on a grey wall, as a phone
// held up to the room's screen sees it, and sends it as a JPEG frame.
func camera(t *testing.T, code []byte) []byte {
	t.Helper()
	qr, err := png.Decode(bytes.NewReader(code))
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(frame, frame.Bounds(), &image.Uniform{color.Gray{Y: 150}}, image.Point{}, draw.Src)
	at := image.Rect(300, 130, 300+260, 130+260)
	// Scale 480 -> 260 by nearest pixel.
	for y := at.Min.Y; y < at.Max.Y; y++ {
		for x := at.Min.X; x < at.Max.X; x++ {
			sx := (x - at.Min.X) * qr.Bounds().Dx() / at.Dx()
			sy := (y - at.Min.Y) * qr.Bounds().Dy() / at.Dy()
			frame.Set(x, y, qr.At(qr.Bounds().Min.X+sx, qr.Bounds().Min.Y+sy))
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, frame, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadsTheCodeInACameraFrame(t *testing.T) {
	t.Parallel()
	code, err := result.QRCode(url, 480)
	if err != nil {
		t.Fatal(err)
	}
	for name, pic := range map[string][]byte{"the PNG itself": code, "a JPEG camera frame": camera(t, code)} {
		got, err := qrscan.Read(bytes.NewReader(pic))
		if err != nil || got != url {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	// This one's modules are not whole pixels wide at this size, which
	// misleads the finder; it is read as a pure code.
	const short = "http://127.0.0.1:43129/fukuoka/classes"
	code, err = result.QRCode(short, 320)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := qrscan.Read(bytes.NewReader(code)); err != nil || got != short {
		t.Errorf("a clean picture of a code alone: %q, %v", got, err)
	}
}

func TestRefusesWhatIsNotACode(t *testing.T) {
	t.Parallel()
	var blank bytes.Buffer
	if err := png.Encode(&blank, image.NewGray(image.Rect(0, 0, 200, 100))); err != nil {
		t.Fatal(err)
	}
	if _, err := qrscan.Read(bytes.NewReader(blank.Bytes())); !errors.Is(err, qrscan.ErrNoCode) {
		t.Errorf("a blank picture: %v", err)
	}
	if _, err := qrscan.Read(strings.NewReader("<html>not a picture</html>")); !errors.Is(err, qrscan.ErrNotPicture) {
		t.Errorf("HTML: %v", err)
	}
	if _, err := qrscan.Read(bytes.NewReader(make([]byte, qrscan.MaxBytes+1))); !errors.Is(err, qrscan.ErrNotPicture) {
		t.Errorf("too many bytes: %v", err)
	}
	// A PNG header claiming 60000×60000 pixels is refused before decoding.
	huge := blank.Bytes()[:33:33]
	huge = append([]byte(nil), huge...)
	binary.BigEndian.PutUint32(huge[16:], 60000)
	binary.BigEndian.PutUint32(huge[20:], 60000)
	if _, err := qrscan.Read(bytes.NewReader(huge)); !errors.Is(err, qrscan.ErrNotPicture) {
		t.Errorf("a claimed giant: %v", err)
	}
}
