package form

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// prepare cleans a typed string before it is judged; other values pass as
// they are. Numbers, dates and contact or ID numbers are also narrowed,
// because Japanese input methods often type "１２３" and "－".
func prepare(fd Field, v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	switch fd.Type {
	case TypeTextarea, TypeAddress:
		return cleanBlock(s)
	case TypeNumber, TypeDate, TypeEmail, TypePhone, TypeNIK, TypeMyNumber:
		return cleanLine(narrow(s))
	}
	return cleanLine(s)
}

func narrow(s string) string { return width.Narrow.String(s) }

// canonical makes text valid UTF-8 in NFC, so the same word typed on two
// phones compares equal and counts the same length.
func canonical(s string) string {
	return norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
}

// cleanLine is for one-line answers: control characters, including line
// breaks an API client might send, become spaces, then the ends are trimmed.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, canonical(s))
	return strings.TrimSpace(s)
}

// cleanBlock is for paragraphs and addresses: line breaks are kept (as
// "\n", whatever the browser sent) and tabs too; other controls go.
func cleanBlock(s string) string {
	s = strings.ReplaceAll(canonical(s), "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
