package document

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Media types Serambi accepts as uploads.
const (
	PDF  = "application/pdf"
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

var (
	magicPDF  = []byte("%PDF-")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)

// DetectType names the type of a file from its first bytes: "application/pdf",
// "image/jpeg", "image/png", or "" for anything else. Only the signature at
// offset 0 counts (no sniffing further in, no file name, no declared type), so
// HTML, SVG or a ZIP renamed to .pdf is "".
func DetectType(head []byte) string {
	switch {
	case bytes.HasPrefix(head, magicPDF):
		return PDF
	case bytes.HasPrefix(head, magicJPEG):
		return JPEG
	case bytes.HasPrefix(head, magicPNG):
		return PNG
	}
	return ""
}

var errJPEG = errors.New("damaged JPEG")

// stripJPEG removes metadata from a JPEG without re-encoding it: it walks
// the segment markers and drops every APPn segment except APP0/JFIF and
// APP14/Adobe (which decoders need), and every COM segment. The walk goes on
// past SOS through each scan's entropy-coded data (progressive files have
// several scans, and metadata may sit between them) and stops at EOI;
// anything appended after EOI (phone trailers, motion-photo videos, a ZIP
// of a polyglot) is dropped too. Image data is copied byte for byte.
func stripJPEG(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, magicJPEG[:2]) {
		return nil, errJPEG
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i, scans := 2, 0
	oriented := false
	for {
		if i >= len(b) || b[i] != 0xFF {
			return nil, errJPEG
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes before a marker
			i++
		}
		if i >= len(b) {
			return nil, errJPEG
		}
		marker := b[i]
		i++
		switch {
		case marker == 0xD9: // EOI
			if scans == 0 {
				return nil, errJPEG
			}
			return append(out, 0xFF, 0xD9), nil
		case marker == 0x00 || marker == 0xD8:
			return nil, errJPEG
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			out = append(out, 0xFF, marker)
			continue
		}
		if i+2 > len(b) {
			return nil, errJPEG
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return nil, errJPEG
		}
		seg := b[i : i+n] // length bytes and payload
		i += n
		switch {
		case keepSegment(marker, seg[2:]):
			out = append(out, 0xFF, marker)
			out = append(out, seg...)
		case marker == 0xE1 && !oriented:
			// The camera's EXIF goes (GPS position, serial numbers), but
			// its orientation stays: without it a photo taken upright
			// shows on its side.
			if o := exifOrientation(seg[2:]); o > 1 {
				out = append(out, orientationSegment(o)...)
				oriented = true
			}
		}
		if marker == 0xDA { // SOS: entropy-coded data follows up to the next marker
			scans++
			end := scanEnd(b, i)
			out = append(out, b[i:end]...)
			i = end
		}
	}
}

func keepSegment(marker byte, payload []byte) bool {
	switch {
	case marker == 0xFE: // COM
		return false
	case marker == 0xE0: // APP0: keep JFIF, drop JFXX thumbnails and others
		return bytes.HasPrefix(payload, []byte("JFIF\x00"))
	case marker == 0xEE: // APP14: Adobe colour transform, needed for CMYK
		return bytes.HasPrefix(payload, []byte("Adobe"))
	case marker >= 0xE1 && marker <= 0xEF: // EXIF, XMP, ICC, maker notes...
		return false
	}
	return true
}

// exifOrientation reads the Orientation tag (0x0112) of an APP1 Exif
// payload's first IFD: 1 (upright) to 8, or 0 when absent or unreadable.
func exifOrientation(p []byte) uint16 {
	tiff, ok := bytes.CutPrefix(p, []byte("Exif\x00\x00"))
	if !ok || len(tiff) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0
	}
	count := int(order.Uint16(tiff[ifd:]))
	for e := 0; e < count; e++ {
		at := ifd + 2 + 12*e
		if at+12 > len(tiff) {
			return 0
		}
		if order.Uint16(tiff[at:]) == 0x0112 && order.Uint16(tiff[at+2:]) == 3 {
			if o := order.Uint16(tiff[at+8:]); o >= 1 && o <= 8 {
				return o
			}
			return 0
		}
	}
	return 0
}

// orientationSegment is an APP1 Exif segment holding the orientation and
// nothing else: a big-endian TIFF header and one IFD with one entry.
func orientationSegment(o uint16) []byte {
	seg := []byte{0xFF, 0xE1, 0, 0}
	seg = append(seg, "Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"...)
	seg = append(seg, 0x00, 0x01) // one entry
	seg = append(seg, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, byte(o>>8), byte(o), 0x00, 0x00)
	seg = append(seg, 0, 0, 0, 0) // no next IFD
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return seg
}

// scanEnd finds where entropy-coded data starting at i ends: at the first
// 0xFF that is neither a stuffed 0xFF00 nor a restart marker.
func scanEnd(b []byte, i int) int {
	for i < len(b)-1 {
		if b[i] != 0xFF {
			i++
			continue
		}
		next := b[i+1]
		if next == 0x00 || next >= 0xD0 && next <= 0xD7 {
			i += 2
			continue
		}
		return i
	}
	return len(b) // truncated: the marker loop reports it
}

var errPNG = errors.New("damaged PNG")

// pngKeep lists the chunks that carry the image or change how it looks.
// Every other chunk is ancillary by the PNG rules (decoders may skip it), so
// it is dropped: tEXt, zTXt, iTXt, eXIf and tIME, and also private or newer
// chunks (C2PA's caBX, for one) that can hold a location or a name.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "cICP": true,
	"mDCV": true, "cLLI": true, "sBIT": true, "bKGD": true, "hIST": true, "pHYs": true, "sPLT": true,
	"acTL": true, "fcTL": true, "fdAT": true,
}

// stripPNG removes metadata chunks from a PNG and anything after IEND.
// Kept chunks are copied whole, CRC included, so pixels are untouched.
func stripPNG(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, magicPNG) {
		return nil, errPNG
	}
	out := make([]byte, 0, len(b))
	out = append(out, magicPNG...)
	for i := len(magicPNG); ; {
		if i+8 > len(b) {
			return nil, errPNG
		}
		n := binary.BigEndian.Uint32(b[i:])
		if n > 1<<31-1 || uint64(i)+12+uint64(n) > uint64(len(b)) {
			return nil, errPNG
		}
		typ := string(b[i+4 : i+8])
		if !chunkType(typ) {
			return nil, errPNG
		}
		end := i + 12 + int(n)
		critical := typ[0] >= 'A' && typ[0] <= 'Z'
		if critical || pngKeep[typ] {
			out = append(out, b[i:end]...)
		}
		if typ == "IEND" {
			return out, nil
		}
		i = end
	}
}

func chunkType(t string) bool {
	for i := 0; i < len(t); i++ {
		if c := t[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// maxFilename is how many runes of a file name are kept for display.
const maxFilename = 120

// bidiControls reorder text on screen ("invoice\u202Efdp.exe" shows as
// "invoiceexe.pdf"), so they never belong in a file name.
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// sanitiseFilename makes a client-supplied name safe to show: its base name
// (after '/' or '\', since some browsers send a Windows path), valid UTF-8,
// no control or bidi characters, at most 120 runes with the extension kept.
// An empty result becomes "document" plus the extension of mediaType.
func sanitiseFilename(name, mediaType string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if strings.Trim(name, ".") == "" {
		return "document" + extension(mediaType)
	}
	name = DownloadName(name, mediaType)
	if utf8.RuneCountInString(name) <= maxFilename {
		return name
	}
	ext := path.Ext(name)
	if n := utf8.RuneCountInString(ext); n == 0 || n > 10 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return strings.TrimSpace(string(stem[:maxFilename-utf8.RuneCountInString(ext)])) + ext
}

// DownloadName gives name the extension of the type detected from the
// content: the uploader's "x.html" holding a PDF is saved as "x.pdf", so a
// downloaded file never opens in a program its content was not checked for.
// A short extension that does not fit is replaced; anything else is kept
// and the right extension added.
func DownloadName(name, mediaType string) string {
	want := extension(mediaType)
	if want == "" {
		return name
	}
	ext := strings.ToLower(path.Ext(name))
	if ext == want || (mediaType == JPEG && ext == ".jpeg") {
		return name
	}
	if isExtension(ext) && strings.Trim(strings.TrimSuffix(name, path.Ext(name)), ". ") != "" {
		name = strings.TrimSuffix(name, path.Ext(name))
	}
	return name + want
}

// isExtension: ".html", ".exe", not ". 12" (the end of "Surat No. 12").
func isExtension(ext string) bool {
	if len(ext) < 2 || len(ext) > 6 {
		return false
	}
	for _, c := range ext[1:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func extension(mediaType string) string {
	switch mediaType {
	case PDF:
		return ".pdf"
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	}
	return ""
}
