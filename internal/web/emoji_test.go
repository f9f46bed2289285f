package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// pictographic reports whether r is drawn from an emoji font: the blocks of
// Unicode's Extended_Pictographic characters (pictographs, emoticons,
// transport, dingbats such as ✓ ✗ ✖, misc symbols such as ☎ ⚠) and the
// variation selector that asks for the emoji form. A kiosk without an emoji
// font shows each of them as an empty box.
func pictographic(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF: // mahjong to symbols and pictographs extended-A
		return true
	case r >= 0x2600 && r <= 0x27BF: // misc symbols, dingbats
		return true
	case r >= 0x2300 && r <= 0x23FF: // misc technical: ⌚ ⌛ ⏰ ⏳
		return true
	case r >= 0x2B00 && r <= 0x2BFF: // ⬛ ⭐ ⭕
		return true
	case r == 0xFE0F || r == 0x20E3: // emoji presentation, keycap
		return true
	}
	return false
}

// TestNoEmoji fails when a template, a script, a style sheet or a catalog
// message contains an emoji: icons are the project's own SVGs (Icon).
func TestNoEmoji(t *testing.T) {
	check := func(name string, b []byte) {
		for i, line := range strings.Split(string(b), "\n") {
			for _, r := range line {
				if pictographic(r) {
					t.Errorf("%s:%d has the emoji %q (U+%04X); use an icon from static/icons/ui with words", name, i+1, string(r), r)
				}
			}
		}
	}
	// The core's and every area's templates and static files, as on disk.
	for _, tree := range []fs.FS{os.DirFS(".")} {
		err := fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch filepath.Ext(p) {
			case ".html", ".js", ".css", ".svg":
			default:
				return nil
			}
			b, err := fs.ReadFile(tree, p)
			if err != nil {
				return err
			}
			check(p, b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	catalogs, err := filepath.Glob(filepath.Join("..", "locale", "messages", "*", "*.json"))
	if err != nil || len(catalogs) == 0 {
		t.Fatalf("no catalogs found (%v)", err)
	}
	for _, f := range catalogs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		check(f, b)
	}
}

// TestPictographicRanges keeps the detector honest: the emoji the trial
// found are caught, and the scripts and marks of the three languages are not.
func TestPictographicRanges(t *testing.T) {
	for _, s := range []string{"🎤", "📷", "🔍", "👤", "✖", "✓", "✗", "⚠", "☎", "⭐", "⏰"} {
		r, _ := utf8.DecodeRuneInString(s)
		if !pictographic(r) {
			t.Errorf("%q (U+%04X) is not caught", s, r)
		}
	}
	for _, r := range "Kabupaten Banyuwangi 寝屋川市 ねやがわ ① ※ 〒 — · … →×" {
		if pictographic(r) {
			t.Errorf("%q (U+%04X) is caught, but fonts for the three languages draw it", r, r)
		}
	}
}

// TestIconsUsedExist: every {{.Icon "name"}} in a template has its SVG, since
// an unknown name renders nothing rather than failing the page.
func TestIconsUsedExist(t *testing.T) {
	icons, err := loadIcons()
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`\$?\.Icon "([a-z0-9-]+)"`)
	pages := os.DirFS(".") // the core's and every area's templates
	err = fs.WalkDir(pages, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		b, err := fs.ReadFile(pages, p)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := icons[m[1]]; !ok {
				t.Errorf("%s uses the icon %q, which static/icons/ui does not have", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
