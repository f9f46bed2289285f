package document

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// gpsMarker stands for the location an EXIF block would give away.
const gpsMarker = "GPSLatitude=8.2192S;GPSLongitude=114.3691E"

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for y := range 16 {
		for x := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 10), uint8(y * 15), uint8((x + y) * 5), 255})
		}
	}
	return img
}

func plainJPEG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegSegment(marker byte, payload string) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// jpegWithMetadata is a real JPEG with, spliced in after SOI: a JFIF APP0
// (kept), an APP1 Exif block holding a GPS marker, an XMP APP1, an ICC APP2
// and a COM segment (all dropped); and a trailer after EOI (dropped).
func jpegWithMetadata(t testing.TB) []byte {
	t.Helper()
	plain := plainJPEG(t)
	var b []byte
	b = append(b, plain[:2]...)
	b = append(b, jpegSegment(0xE0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")...)
	b = append(b, jpegSegment(0xE1, "Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"+gpsMarker)...)
	b = append(b, jpegSegment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Budi Santoso</x:xmpmeta>")...)
	b = append(b, jpegSegment(0xE2, "ICC_PROFILE\x00\x01\x01profile")...)
	b = append(b, jpegSegment(0xFE, "COMMENT-by-camera")...)
	b = append(b, plain[2:]...)
	return append(b, "TRAILER-after-EOI"...)
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func plainPNG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngWithMetadata is a real PNG with tEXt, iTXt, eXIf and tIME chunks after
// IHDR (dropped), a gAMA chunk (kept) and a trailer after IEND (dropped).
// The CRCs are computed, so the file decodes as built.
func pngWithMetadata(t testing.TB) []byte {
	t.Helper()
	plain := plainPNG(t)
	ihdrEnd := 8 + 12 + int(binary.BigEndian.Uint32(plain[8:]))
	var b []byte
	b = append(b, plain[:ihdrEnd]...)
	b = append(b, pngChunk("gAMA", []byte{0, 0, 0xB1, 0x8F})...)
	b = append(b, pngChunk("tEXt", []byte("Comment\x00"+gpsMarker))...)
	b = append(b, pngChunk("iTXt", []byte("Author\x00\x00\x00\x00\x00Budi Santoso"))...)
	b = append(b, pngChunk("eXIf", []byte("MM\x00\x2a"+gpsMarker))...)
	b = append(b, pngChunk("tIME", []byte{0x07, 0xEA, 3, 2, 9, 0, 0})...)
	b = append(b, plain[ihdrEnd:]...)
	return append(b, "TRAILER-after-IEND"...)
}

func TestDetectType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), PDF},
		{"jpeg", plainJPEG(t), JPEG},
		{"png", plainPNG(t), PNG},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), ""},
		{"html after a pdf-like comment", []byte(" %PDF-1.7 <html>"), ""},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), ""},
		{"gif", []byte("GIF89a"), ""},
		{"truncated pdf magic", []byte("%PDF"), ""},
		{"truncated png magic", magicPNG[:7], ""},
		{"jpeg magic needs three bytes", []byte{0xFF, 0xD8}, ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		if got := DetectType(tt.head); got != tt.want {
			t.Errorf("%s: DetectType = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestStripJPEG(t *testing.T) {
	t.Parallel()
	in := jpegWithMetadata(t)
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("test JPEG does not decode before stripping: %v", err)
	}
	out, err := stripJPEG(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{gpsMarker, "Exif", "Budi Santoso", "ICC_PROFILE", "COMMENT-by-camera", "TRAILER"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("stripped JPEG still contains %q", gone)
		}
	}
	if !bytes.Contains(out, []byte("JFIF\x00")) {
		t.Error("APP0/JFIF was dropped")
	}
	assertSamePixels(t, jpeg.Decode, plainJPEG(t), out)
	// Stripping is idempotent, and a clean file passes through unchanged.
	again, err := stripJPEG(out)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("second strip changed the file (err %v)", err)
	}
	if plain := plainJPEG(t); !bytes.Equal(mustStrip(t, stripJPEG, plain), plain) {
		t.Error("a JPEG without metadata was changed")
	}
}

func TestStripJPEGKeepsAdobe(t *testing.T) {
	t.Parallel()
	plain := plainJPEG(t)
	in := append(append(append([]byte{}, plain[:2]...), jpegSegment(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01")...), plain[2:]...)
	out := mustStrip(t, stripJPEG, in)
	if !bytes.Equal(out, in) {
		t.Error("APP14/Adobe was dropped")
	}
}

func TestStripJPEGRefusesDamaged(t *testing.T) {
	t.Parallel()
	plain := plainJPEG(t)
	tests := map[string][]byte{
		"magic only":        {0xFF, 0xD8, 0xFF},
		"no EOI":            plain[:len(plain)-2],
		"cut in a segment":  plain[:10],
		"length too short":  {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01},
		"length past end":   {0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 'E'},
		"EOI before a scan": {0xFF, 0xD8, 0xFF, 0xD9},
		"not a marker":      {0xFF, 0xD8, 0x12, 0x34},
		"html after magic":  []byte("\xFF\xD8\xFF<html><script>alert(1)</script>"),
	}
	for name, in := range tests {
		if _, err := stripJPEG(in); err == nil {
			t.Errorf("%s: stripJPEG accepted a damaged file", name)
		}
	}
}

func TestStripPNG(t *testing.T) {
	t.Parallel()
	in := pngWithMetadata(t)
	if _, err := png.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("test PNG does not decode before stripping (bad CRC?): %v", err)
	}
	out, err := stripPNG(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{gpsMarker, "tEXt", "iTXt", "eXIf", "tIME", "Budi Santoso", "TRAILER"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("stripped PNG still contains %q", gone)
		}
	}
	if !bytes.Contains(out, []byte("gAMA")) {
		t.Error("gAMA (changes how the image looks) was dropped")
	}
	assertSamePixels(t, png.Decode, plainPNG(t), out)
	if plain := plainPNG(t); !bytes.Equal(mustStrip(t, stripPNG, plain), plain) {
		t.Error("a PNG without metadata was changed")
	}
}

func TestStripPNGRefusesDamaged(t *testing.T) {
	t.Parallel()
	plain := plainPNG(t)
	tests := map[string][]byte{
		"magic only":        magicPNG,
		"no IEND":           plain[:len(plain)-12],
		"length past end":   append(append([]byte{}, magicPNG...), 0x7F, 0, 0, 0, 'I', 'H', 'D', 'R'),
		"huge length":       append(append([]byte{}, magicPNG...), 0xFF, 0xFF, 0xFF, 0xFF, 'I', 'H', 'D', 'R', 0, 0, 0, 0),
		"bad chunk type":    append(append([]byte{}, magicPNG...), pngChunk("<sc>", nil)...),
		"html after magic":  append(append([]byte{}, magicPNG...), "<html><script>alert(1)</script>"...),
		"cut in a chunk":    plain[:20],
		"only a short tail": append(append([]byte{}, magicPNG...), 1, 2, 3),
	}
	for name, in := range tests {
		if _, err := stripPNG(in); err == nil {
			t.Errorf("%s: stripPNG accepted a damaged file", name)
		}
	}
}

func mustStrip(t *testing.T, strip func([]byte) ([]byte, error), in []byte) []byte {
	t.Helper()
	out, err := strip(in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// assertSamePixels checks that b decodes to exactly the pixels of a: the
// metadata went, the image data was not touched.
func assertSamePixels(t *testing.T, decode func(r io.Reader) (image.Image, error), a, b []byte) {
	t.Helper()
	ia, err := decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("stripped image does not decode: %v", err)
	}
	if ia.Bounds() != ib.Bounds() {
		t.Fatalf("bounds %v, want %v", ib.Bounds(), ia.Bounds())
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				t.Fatalf("pixel (%d,%d) changed: %v, want %v", x, y, ib.At(x, y), ia.At(x, y))
			}
		}
	}
}

func TestSanitiseFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("あ", 200)
	tests := []struct {
		name, in, media, want string
	}{
		{"plain", "akta-kelahiran.pdf", PDF, "akta-kelahiran.pdf"},
		{"unix path", "/home/budi/../../etc/passwd", PDF, "passwd.pdf"},
		{"windows path", `C:\Users\Budi\Documents\KK.jpg`, JPEG, "KK.jpg"},
		{"control characters", "ktp\x00\r\n\x1b[31m.png", PNG, "ktp[31m.png"},
		{"bidi override", "invoice\u202Efdp.exe", PDF, "invoicefdp.pdf"},
		{"html holding a PDF", "x.html", PDF, "x.pdf"},
		{"svg holding a PNG", "logo.SVG", PNG, "logo.png"},
		{"jpeg spelled long", "foto.JPEG", JPEG, "foto.JPEG"},
		{"no extension", "KTP Budi", JPEG, "KTP Budi.jpg"},
		{"dotted name", "Surat No. 12", PDF, "Surat No. 12.pdf"},
		{"invalid utf-8", "ka\xffrtu.pdf", PDF, "kartu.pdf"},
		{"spaces trimmed", "  surat.pdf  ", PDF, "surat.pdf"},
		{"empty", "", JPEG, "document.jpg"},
		{"dots only", "..", PNG, "document.png"},
		{"path to nothing", "a/b/", PDF, "document.pdf"},
		{"japanese", "住民票の写し.pdf", PDF, "住民票の写し.pdf"},
		{"long keeps extension", long + ".pdf", PDF, string([]rune(long)[:116]) + ".pdf"},
		{"long without extension", long, PDF, string([]rune(long)[:116]) + ".pdf"},
	}
	for _, tt := range tests {
		got := sanitiseFilename(tt.in, tt.media)
		if got != tt.want {
			t.Errorf("%s: sanitiseFilename(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > maxFilename {
			t.Errorf("%s: %d runes, want at most %d", tt.name, n, maxFilename)
		}
	}
}

func FuzzDetectType(f *testing.F) {
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0})
	f.Add(magicPNG)
	f.Add([]byte("<svg/>"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		switch got := DetectType(b); got {
		case "":
		case PDF, JPEG, PNG:
			if DetectType(b[:min(len(b), 8)]) != got {
				t.Errorf("type of %x depends on more than its signature", b)
			}
		default:
			t.Errorf("DetectType returned %q", got)
		}
	})
}

func FuzzStripJPEG(f *testing.F) {
	f.Add(plainJPEG(f))
	f.Add(jpegWithMetadata(f))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9})
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := stripJPEG(b)
		if err != nil {
			return
		}
		if len(out) > len(b) {
			t.Fatalf("stripping grew the file from %d to %d bytes", len(b), len(out))
		}
		again, err := stripJPEG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("stripping is not idempotent (err %v)", err)
		}
	})
}

func FuzzStripPNG(f *testing.F) {
	f.Add(plainPNG(f))
	f.Add(pngWithMetadata(f))
	f.Add(magicPNG)
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := stripPNG(b)
		if err != nil {
			return
		}
		if len(out) > len(b) {
			t.Fatalf("stripping grew the file from %d to %d bytes", len(b), len(out))
		}
		again, err := stripPNG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("stripping is not idempotent (err %v)", err)
		}
	})
}

// TestStripJPEGKeepsOrientation: a portrait phone photo keeps its
// orientation (and only that) when the rest of its EXIF goes, so it does
// not show on its side; both byte orders of EXIF are read.
func TestStripJPEGKeepsOrientation(t *testing.T) {
	t.Parallel()
	plain := plainJPEG(t)
	for _, tt := range []struct {
		name, tiff string
	}{
		{"big-endian", "MM\x00\x2a\x00\x00\x00\x08\x00\x02" +
			"\x01\x0f\x00\x02\x00\x00\x00\x06\x00\x00\x00\x26" + // Make, elsewhere
			"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00" + // Orientation 6
			"\x00\x00\x00\x00" + gpsMarker},
		{"little-endian", "II\x2a\x00\x08\x00\x00\x00\x01\x00" +
			"\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00" +
			"\x00\x00\x00\x00" + gpsMarker},
	} {
		in := append([]byte{}, plain[:2]...)
		in = append(in, jpegSegment(0xE1, "Exif\x00\x00"+tt.tiff)...)
		in = append(in, plain[2:]...)
		out, err := stripJPEG(in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if bytes.Contains(out, []byte(gpsMarker)) {
			t.Errorf("%s: the GPS marker survived", tt.name)
		}
		i := bytes.Index(out, []byte("Exif\x00\x00"))
		if i < 0 || exifOrientation(out[i:]) != 6 {
			t.Errorf("%s: orientation lost (Exif at %d)", tt.name, i)
		}
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Errorf("%s: does not decode: %v", tt.name, err)
		}
		if again := mustStrip(t, stripJPEG, out); !bytes.Equal(again, out) {
			t.Errorf("%s: stripping again changed the file", tt.name)
		}
	}
}
