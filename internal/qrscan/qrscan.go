// Package qrscan reads the QR code in a picture from a phone's camera:
// the room's check-in code, or any code a learner practises on. The
// picture is decoded in memory and never kept.
package qrscan

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the phones send JPEG frames
	_ "image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// MaxBytes is the largest picture read: a 640-pixel camera frame in JPEG
// is some 30–80 KB, so this leaves room without inviting huge uploads.
const MaxBytes = 512 << 10

// MaxPixels bounds a picture's size in pixels before it is decoded, so a
// small file that claims to be enormous is refused cheaply.
const MaxPixels = 2000 * 2000

var (
	// ErrNoCode: the picture holds no readable QR code (yet: the camera
	// keeps sending frames until one does).
	ErrNoCode = errors.New("qrscan: no QR code in the picture")
	// ErrNotPicture: the bytes are not a JPEG or PNG picture of a sane size.
	ErrNotPicture = errors.New("qrscan: not a picture")
)

// Read returns the text of the QR code in the picture r holds.
func Read(r io.Reader) (string, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return "", fmt.Errorf("qrscan: read the picture: %w", err)
	}
	if len(raw) > MaxBytes {
		return "", ErrNotPicture
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return "", ErrNotPicture
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return "", ErrNotPicture
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", ErrNotPicture
	}
	// Try harder: a phone held at an angle, in a dim hall, is the usual
	// case. A clean picture of the code alone (a screenshot, a saved
	// image) can mislead the finder when its modules are not whole pixels
	// wide; read as a pure code, it is found.
	for _, hint := range []gozxing.DecodeHintType{gozxing.DecodeHintType_TRY_HARDER, gozxing.DecodeHintType_PURE_BARCODE} {
		res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{hint: true})
		if err == nil {
			return res.GetText(), nil
		}
	}
	return "", ErrNoCode
}
