package form

import (
	"errors"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/validation"
)

// Answer problem codes (message-catalog keys). Args are always strings, so
// every catalog message uses %[1]s.
const (
	codeRequired = "error.field.required"
	codeTooShort = "error.field.too_short" // args: minimum length
	codeTooLong  = "error.field.too_long"  // args: maximum length
	codePattern  = "error.field.pattern"
	codeNumber   = "error.field.number"
	codeInteger  = "error.field.integer"
	codeMin      = "error.field.min" // args: the minimum
	codeMax      = "error.field.max" // args: the maximum
	codeDate     = "error.field.date"
	codeDateMin  = "error.field.date_min" // args: the earliest date, YYYY-MM-DD
	codeDateMax  = "error.field.date_max" // args: the latest date, YYYY-MM-DD
	codeChoice   = "error.field.choice"
	codeEmail    = "error.field.email"
	codePhone    = "error.field.phone"
	codeFile     = "error.field.file"
)

const dateLayout = "2006-01-02"

// minYear rejects dates like "0195-05-10", which are always a typing slip
// in a municipal form; it is far enough back for any living person.
const minYear = 1800

// maxEmail is the longest address SMTP can deliver to (RFC 5321).
const maxEmail = 254

var (
	numberText  = regexp.MustCompile(`^[+-]?[0-9]{1,15}(\.[0-9]{1,15})?$`)
	integerText = regexp.MustCompile(`^[+-]?[0-9]{1,15}$`)
	dateText    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	// documentID is the shape of an uploaded document's ID. Whether the
	// document exists and belongs to the applicant is the caller's check.
	documentID = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
)

// issue is one problem with one answer.
type issue struct {
	code string
	args []any
}

func fail(code string, args ...any) *issue { return &issue{code, args} }

// checker holds what the rules need besides the answer itself.
type checker struct {
	now     time.Time // in the tenant's zone, so "today" is the resident's today
	regions identity.RegionLookup
}

// Check validates answers for one section (the page just submitted) or all
// of them (-1). Visibility is decided over all answers, so pass the whole
// draft merged with the page (see Merge), not the page alone.
//
// The result holds every visible answer, cleaned: trimmed text, normalized
// phone and ID numbers, float64 numbers, bool yes/no, []string multi in
// option order. Answers to hidden fields and unknown names are dropped, so
// changing "yes" to "no" also discards the answer it had revealed. Within
// the checked section an answer with a problem is left out; answers of other
// sections are kept as they are if they fail, and reported when checked.
func (f Form) Check(a Answers, section int, now time.Time, regions identity.RegionLookup, loc *time.Location) (Answers, validation.Errors) {
	if loc == nil {
		loc = time.UTC
	}
	c := checker{now: now.In(loc), regions: regions}
	out := Answers{}
	var errs validation.Errors
	for _, fd := range f.Visible(a) {
		checked := section < 0 || fd.Section == section
		v := prepare(fd, a[fd.Name])
		if !present(v) {
			if fd.Required && checked {
				errs.Add(fd.Name, codeRequired)
			}
			continue
		}
		clean, is := c.value(fd, v)
		switch {
		case is == nil:
			out[fd.Name] = clean
		case checked:
			errs.Add(fd.Name, is.code, is.args...)
		default:
			out[fd.Name] = v
		}
	}
	return out, errs
}

// present tells whether v is an answer at all: blanks and empty lists are
// "not answered", so an optional question can be skipped.
func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	}
	if list, ok := stringList(v); ok {
		return slices.ContainsFunc(list, func(s string) bool { return cleanLine(s) != "" })
	}
	return true
}

func (c checker) value(fd Field, v any) (any, *issue) {
	switch fd.Type {
	case TypeText, TypeTextarea, TypeAddress:
		return withString(v, fd.checkText)
	case TypeNumber:
		return fd.checkNumber(v)
	case TypeDate:
		return withString(v, func(s string) (any, *issue) { return c.checkDate(fd, s) })
	case TypeChoice:
		return withString(v, fd.checkChoice)
	case TypeMulti:
		return fd.checkMulti(v)
	case TypeYesNo:
		return checkYesNo(v)
	case TypeEmail:
		return withString(v, checkEmail)
	case TypePhone:
		return withString(v, checkPhone)
	case TypeNIK:
		return withString(v, c.checkNIK)
	case TypeMyNumber:
		return withString(v, checkMyNumber)
	case TypeFile:
		return withString(v, checkFile)
	}
	return nil, fail(codeType) // a type Validate would have refused
}

func withString(v any, check func(string) (any, *issue)) (any, *issue) {
	s, ok := v.(string)
	if !ok {
		return nil, fail(codeType)
	}
	return check(s)
}

func (fd Field) checkText(s string) (any, *issue) {
	n := utf8.RuneCountInString(s)
	if n < fd.MinLen {
		return nil, fail(codeTooShort, strconv.Itoa(fd.MinLen))
	}
	if n > fd.maxLen() {
		return nil, fail(codeTooLong, strconv.Itoa(fd.maxLen()))
	}
	if fd.Type == TypeText && !fullMatch(fd.Pattern, s) {
		return nil, fail(codePattern)
	}
	return s, nil
}

// fullMatch anchors the pattern so that "[0-9]{5}" means a postal code and
// not a text containing one. An empty pattern, or one that does not compile
// (Validate refuses those), does not block the resident.
func fullMatch(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	return err != nil || re.MatchString(s)
}

func (fd Field) checkNumber(v any) (any, *issue) {
	n, is := fd.number(v)
	switch {
	case is != nil:
		return nil, is
	case fd.Integer && n != math.Trunc(n):
		return nil, fail(codeInteger)
	case fd.Min != nil && n < *fd.Min:
		return nil, fail(codeMin, formatNumber(*fd.Min))
	case fd.Max != nil && n > *fd.Max:
		return nil, fail(codeMax, formatNumber(*fd.Max))
	}
	return n, nil
}

// number reads a number answer: float64 from JSON, text from an HTML form.
// In text, an integer field takes digits only, because "1.000" means one
// thousand to an Indonesian reader and must not quietly become 1.
func (fd Field) number(v any) (float64, *issue) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fail(codeNumber)
		}
		return x, nil
	case string:
		n, ok := parseNumber(x, false)
		if !ok {
			return 0, fail(codeNumber)
		}
		if fd.Integer && !integerText.MatchString(x) {
			return 0, fail(codeInteger)
		}
		return n, nil
	}
	return 0, fail(codeType)
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// checkDate compares dates as "YYYY-MM-DD" text, which orders like the
// calendar and avoids any time-zone arithmetic once "today" is known.
func (c checker) checkDate(fd Field, s string) (any, *issue) {
	if !realDate(s) {
		return nil, fail(codeDate)
	}
	if lo := c.bound(fd.MinDate); lo != "" && s < lo {
		return nil, fail(codeDateMin, lo)
	}
	if hi := c.bound(fd.MaxDate); hi != "" && s > hi {
		return nil, fail(codeDateMax, hi)
	}
	return s, nil
}

// bound resolves a date limit; "" means none (or one Validate refuses).
func (c checker) bound(b string) string {
	switch {
	case b == "today":
		return c.now.Format(dateLayout)
	case realDate(b):
		return b
	}
	return ""
}

// realDate accepts only calendar dates that exist: time.Parse refuses
// 2026-02-30 and 2025-02-29, and the pattern refuses "2026-2-3".
func realDate(s string) bool {
	if !dateText.MatchString(s) {
		return false
	}
	t, err := time.Parse(dateLayout, s)
	return err == nil && t.Year() >= minYear
}

func (fd Field) checkChoice(s string) (any, *issue) {
	if _, ok := fd.option(s); !ok {
		return nil, fail(codeChoice)
	}
	return s, nil
}

// checkMulti returns the ticked values once each, in option order, so the
// check page and the officer see them as the form lists them.
func (fd Field) checkMulti(v any) (any, *issue) {
	list, ok := stringList(v)
	if !ok {
		return nil, fail(codeType)
	}
	picked := map[string]bool{}
	for _, s := range list {
		s = cleanLine(s)
		if _, ok := fd.option(s); !ok && s != "" {
			return nil, fail(codeChoice)
		}
		picked[s] = true
	}
	var out []string
	for _, o := range fd.Options {
		if picked[o.Value] {
			out = append(out, o.Value)
		}
	}
	return out, nil
}

func checkYesNo(v any) (any, *issue) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if x == "yes" || x == "no" {
			return x == "yes", nil
		}
		return nil, fail(codeChoice)
	}
	return nil, fail(codeType)
}

// checkEmail wants a bare address: mail.ParseAddress also accepts
// `Name <a@b>`, which is not what the question asked for.
func checkEmail(s string) (any, *issue) {
	if len(s) > maxEmail {
		return nil, fail(codeEmail)
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return nil, fail(codeEmail)
	}
	return s, nil
}

func checkPhone(s string) (any, *issue) {
	p, ok := identity.NormalizePhone(s)
	if !ok {
		return nil, fail(codePhone)
	}
	return p, nil
}

func (c checker) checkNIK(s string) (any, *issue) {
	if _, err := identity.ValidateNIK(s, c.regions, c.now); err != nil {
		return nil, fail(civilIDCode(err))
	}
	return digitsOnly(s), nil
}

func checkMyNumber(s string) (any, *issue) {
	if err := identity.ValidateMyNumber(s); err != nil {
		return nil, fail(civilIDCode(err))
	}
	return digitsOnly(s), nil
}

// civilIDCode names the part of a NIK or My Number that is wrong, using the
// keys the registration page already shows.
func civilIDCode(err error) string {
	codes := []struct {
		err  error
		code string
	}{
		{identity.ErrNIKFormat, "error.nik.format"},
		{identity.ErrNIKRegion, "error.nik.region"},
		{identity.ErrNIKBirthDate, "error.nik.birthdate"},
		{identity.ErrNIKSerial, "error.nik.serial"},
		{identity.ErrMyNumberCheckDigit, "error.mynumber.check"},
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "error.mynumber.format"
}

// digitsOnly stores an ID number that has passed its check without the
// spaces and hyphens it was typed with, so the same person's number is
// always stored the same way.
func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func checkFile(s string) (any, *issue) {
	if !documentID.MatchString(s) {
		return nil, fail(codeFile)
	}
	return s, nil
}
