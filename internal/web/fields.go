package web

import (
	"strings"
	"time"
)

// FieldView is one form field ready for the "input" template: label, hint,
// the value typed before, and the inline error linked for screen readers.
type FieldView struct {
	Name, Type, Label, Hint, Autocomplete, InputMode, Value, Error, ErrorPrefix string
	Optional                                                                    bool
	OptionalText                                                                string
}

// DescribedBy links the hint and the error to the input.
func (f FieldView) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// Field builds a field; spec is "type[,autocomplete[,inputmode]]", hintKey
// may be "", and optional fields say so in their label.
func (p *Page) Field(name, spec, labelKey, hintKey string, optional bool) FieldView {
	parts := strings.Split(spec, ",")
	f := FieldView{Name: name, Type: parts[0], Label: p.T(labelKey), Value: p.Val(name), Error: p.Err(name),
		ErrorPrefix: p.T("form.error.prefix"), Optional: optional, OptionalText: p.T("form.optional")}
	if len(parts) > 1 {
		f.Autocomplete = parts[1]
	}
	if len(parts) > 2 {
		f.InputMode = parts[2]
	}
	if hintKey != "" {
		f.Hint = p.T(hintKey)
	}
	return f
}

// Now is the current time, for "today is" lines.
func (p *Page) Now() time.Time { return p.s.Clock.Now() }
