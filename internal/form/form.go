// Package form describes a service's application form as data — sections
// (pages), fields and the conditions that show them — and checks a
// resident's answers against it. The definition is stored as JSON with the
// service, so a tenant can change a form without a new release.
package form

import "strings"

// Labels is one text in each language: "id", "ja", "en".
type Labels map[string]string

// fallback is the order tried after the wanted language: English is the
// most widely read second language of officers in both countries.
var fallback = [...]string{"en", "id", "ja"}

// In returns the text in lang, or the first non-blank of en, id, ja, so a
// page never shows an empty question even if a translation is missing.
func (l Labels) In(lang string) string {
	if s := strings.TrimSpace(l[lang]); s != "" {
		return s
	}
	for _, k := range fallback {
		if s := strings.TrimSpace(l[k]); s != "" {
			return s
		}
	}
	return ""
}

// Empty tells whether l has no text in any language.
func (l Labels) Empty() bool {
	for _, s := range l {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Missing tells whether l has text in some language but not in lang: the
// reader then sees another language's text, and should be told why.
func (l Labels) Missing(lang string) bool {
	return strings.TrimSpace(l[lang]) == "" && !l.Empty()
}

// Type is the kind of answer a field takes.
type Type string

// The field types.
const (
	TypeText     Type = "text"
	TypeTextarea Type = "textarea"
	TypeNumber   Type = "number"
	TypeDate     Type = "date"
	TypeChoice   Type = "choice"
	TypeMulti    Type = "multi"
	TypeYesNo    Type = "yesno"
	TypeEmail    Type = "email"
	TypePhone    Type = "phone"
	TypeNIK      Type = "nik"
	TypeMyNumber Type = "mynumber"
	TypeAddress  Type = "address"
	TypeFile     Type = "file"
)

var knownTypes = map[Type]bool{
	TypeText: true, TypeTextarea: true, TypeNumber: true, TypeDate: true,
	TypeChoice: true, TypeMulti: true, TypeYesNo: true, TypeEmail: true,
	TypePhone: true, TypeNIK: true, TypeMyNumber: true, TypeAddress: true,
	TypeFile: true,
}

// Option is one possible answer of a choice or multi field.
type Option struct {
	Value  string `json:"value"`
	Labels Labels `json:"labels"`
}

// Condition shows a field only when an earlier field's answer equals Equals
// (for a multi field: contains it; for yes/no: "yes" or "no").
type Condition struct {
	Field  string `json:"field"`
	Equals string `json:"equals"`
}

// Field is one question.
type Field struct {
	Name     string `json:"name"`
	Type     Type   `json:"type"`
	Section  int    `json:"section"`
	Labels   Labels `json:"labels"`
	Help     Labels `json:"help,omitempty"`
	Required bool   `json:"required,omitempty"`

	// Text, textarea, address: lengths in characters (runes).
	MinLen int `json:"min_len,omitempty"`
	MaxLen int `json:"max_len,omitempty"`
	// Number.
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Integer bool     `json:"integer,omitempty"`
	// Text: a Go regexp the whole answer must match.
	Pattern string `json:"pattern,omitempty"`
	// Date: "YYYY-MM-DD" or "today" (in the tenant's zone).
	MinDate string `json:"min_date,omitempty"`
	MaxDate string `json:"max_date,omitempty"`
	// Choice, multi.
	Options []Option `json:"options,omitempty"`

	ShowIf *Condition `json:"show_if,omitempty"`

	// File: accepted media types and the size limit.
	Accept   []string `json:"accept,omitempty"`
	MaxBytes int64    `json:"max_bytes,omitempty"`
}

// Default length limits: enough for a name or a line of text, and for a
// paragraph or a full address, while keeping a stored application small.
const (
	defaultMaxText = 200
	defaultMaxLong = 2000
)

// maxLen is the effective length limit of a text-like field.
func (fd Field) maxLen() int {
	switch {
	case fd.MaxLen > 0:
		return fd.MaxLen
	case fd.Type == TypeText:
		return defaultMaxText
	}
	return defaultMaxLong
}

// option finds the option with value v.
func (fd Field) option(v string) (Option, bool) {
	for _, o := range fd.Options {
		if o.Value == v {
			return o, true
		}
	}
	return Option{}, false
}

// Section is one page of questions.
type Section struct {
	Labels Labels `json:"labels"`
}

// Form is a service's application form. Fields are asked section by
// section, in their order within a section.
type Form struct {
	Sections []Section `json:"sections"`
	Fields   []Field   `json:"fields"`
}

// Field returns the field called name.
func (f Form) Field(name string) (Field, bool) {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return fd, true
		}
	}
	return Field{}, false
}

// Answers holds normalized answers by field name: string (text, textarea,
// date "YYYY-MM-DD", choice, email, phone, nik, mynumber, address, and file
// as a document ID), float64 (number), bool (yesno), []string (multi).
type Answers map[string]any
