package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
)

// uiIcons are the project's own line icons (static/icons/ui), by name.
// They are drawn inline rather than as emoji: a kiosk in a community hall
// may have no emoji font and would show empty boxes, and an inline SVG
// takes its colour from the text around it (a pressed button, a warning).
type uiIcons map[string]template.HTML

func loadIcons() (uiIcons, error) {
	files, err := fs.Glob(staticFS, "static/icons/ui/*.svg")
	if err != nil {
		return nil, fmt.Errorf("icons: list: %w", err)
	}
	icons := uiIcons{}
	for _, f := range files {
		b, err := staticFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("icons: read %s: %w", f, err)
		}
		if !bytes.HasPrefix(b, []byte("<svg ")) {
			return nil, fmt.Errorf("icons: %s does not start with <svg", f)
		}
		// The icon is decoration next to words: hidden from screen readers
		// and out of the tab order (old Edge focused SVGs).
		svg := `<svg class="icon" aria-hidden="true" focusable="false" ` + strings.TrimSpace(string(b[len("<svg "):]))
		icons[strings.TrimSuffix(path.Base(f), ".svg")] = template.HTML(svg) // #nosec G203 -- our own embedded file
	}
	return icons, nil
}

// Icon is the inline SVG icon called name; templates put it next to the
// words it illustrates. An unknown name is a template mistake, caught by
// the tests that render every page, so it renders nothing rather than
// failing the page a resident is on.
func (p *Page) Icon(name string) template.HTML { return p.s.icons[name] }
