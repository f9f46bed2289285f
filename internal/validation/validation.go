// Package validation collects what is wrong with a user's input, field by
// field, as message keys that the web layer shows in the user's language.
package validation

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Problem is one thing wrong with one field. Code is a message-catalog key
// (and the stable "code" in API problems); Args fill its placeholders.
type Problem struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	Args  []any  `json:"-"`
}

// Errors is the list of problems of one submission, in form order.
type Errors []Problem

// Add records a problem.
func (e *Errors) Add(field, code string, args ...any) { *e = append(*e, Problem{field, code, args}) }

// For returns the first problem of field, if any.
func (e Errors) For(field string) (Problem, bool) {
	for _, p := range e {
		if p.Field == field {
			return p, true
		}
	}
	return Problem{}, false
}

// Err returns e as an error, or nil when there is no problem.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

func (e Errors) Error() string {
	var parts []string
	for _, p := range e {
		parts = append(parts, p.Field+": "+p.Code)
	}
	return "invalid input: " + strings.Join(parts, ", ")
}

// HasHiddenControls tells whether s holds characters nobody types on
// purpose and that do harm when stored or shown: control characters other
// than tab and line breaks (a NUL makes PostgreSQL refuse the whole row) and
// the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
// which make a name or a file name read backwards on an officer's screen.
func HasHiddenControls(s string) bool {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return true
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			return true
		case r == utf8.RuneError:
			return true // not UTF-8 at all
		}
	}
	return false
}

// dashes are the characters Japanese and other input methods put where a
// hyphen is meant: hyphens, dashes, the minus sign, the katakana long vowel
// mark (ー, typed for "-" in kana mode) and its half-width form.
var dashes = strings.NewReplacer("‐", "-", "‑", "-", "‒", "-", "–", "-", "—", "-", "―", "-", "−", "-", "ー", "-", "ｰ", "-")

// Narrow reads what a person typed the way they meant it: full-width
// letters, digits and signs (０９０, ＠, from a Japanese keyboard) become
// ASCII, an ideographic space a space, and dash look-alikes a hyphen. Every
// number, code and login a person types goes through it before it is
// checked, so "０９０ー１２３４ー５６７８" is the phone number it looks like.
func Narrow(s string) string {
	return dashes.Replace(width.Narrow.String(s))
}
