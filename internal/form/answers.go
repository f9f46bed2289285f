package form

import (
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/validation"
)

// Answer-level codes that are not about one type's rules.
const (
	codeUnknownField = "error.form.unknown_field"
	codeType         = "error.field.type"
)

// FromJSON reads answers sent to the API. A value of the wrong JSON type
// (an object for a number, a number for a name) is a field error, never a
// panic; JSON null means "not answered". It only converts: Check applies
// the rules. Drafts stored as JSON can be read back through it as well.
func (f Form) FromJSON(raw map[string]any) (Answers, validation.Errors) {
	out := Answers{}
	var errs validation.Errors
	for _, fd := range f.askOrder() {
		v, ok := raw[fd.Name]
		if !ok || v == nil {
			continue
		}
		if x, ok := fromJSONValue(fd.Type, v); ok {
			out[fd.Name] = x
		} else {
			errs.Add(fd.Name, codeType)
		}
	}
	for _, name := range f.unknownNames(raw) {
		errs.Add(name, codeUnknownField)
	}
	return out, errs
}

// askOrder lists fields in the order they are asked, so errors come out
// in the order the resident meets the questions.
func (f Form) askOrder() []Field {
	out := slices.Clone(f.Fields)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Section < out[j].Section })
	return out
}

// unknownNames lists, sorted for a stable error order, the names in raw
// that the form does not have.
func (f Form) unknownNames(raw map[string]any) []string {
	var out []string
	for name := range raw {
		if _, ok := f.Field(name); !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func fromJSONValue(t Type, v any) (any, bool) {
	switch t {
	case TypeNumber:
		return jsonNumber(v)
	case TypeYesNo:
		b, ok := v.(bool)
		return b, ok
	case TypeMulti:
		list, ok := stringList(v)
		return slices.Clone(list), ok
	}
	s, ok := v.(string)
	return s, ok
}

// jsonNumber accepts what a JSON decoder (with or without UseNumber) or Go
// code produces for a number. Numbers sent as strings are refused: an API
// client should send the type the schema says.
func jsonNumber(v any) (any, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		n, err := x.Float64()
		return n, err == nil
	}
	return nil, false
}

// FromForm reads answers posted by an HTML form, for one section (the page
// just submitted) or all of them (-1). Only that section's fields are read,
// so a tampered post cannot change other pages' answers. Blank inputs mean
// "not answered". Values that cannot be converted (a number "abc", a yes/no
// "maybe") are kept as text so Check reports them.
func (f Form) FromForm(v url.Values, section int) Answers {
	out := Answers{}
	for _, fd := range f.Fields {
		if section >= 0 && fd.Section != section {
			continue
		}
		if x, ok := fromFormValue(fd, v); ok {
			out[fd.Name] = x
		}
	}
	return out
}

func fromFormValue(fd Field, v url.Values) (any, bool) {
	switch fd.Type {
	case TypeMulti:
		return formList(v[fd.Name])
	case TypeDate:
		return formDate(fd.Name, v)
	}
	s := strings.TrimSpace(v.Get(fd.Name))
	if s == "" {
		return nil, false
	}
	switch fd.Type {
	case TypeYesNo:
		return formYesNo(s), true
	case TypeNumber:
		if n, ok := parseNumber(narrow(s), fd.Integer); ok {
			return n, true
		}
	}
	return s, true
}

func formList(values []string) (any, bool) {
	var out []string
	for _, s := range values {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, len(out) > 0
}

func formYesNo(s string) any {
	switch s {
	case "yes":
		return true
	case "no":
		return false
	}
	return s
}

// formDate reads NAME as "YYYY-MM-DD" (a native date input), or the three
// inputs NAME-day, NAME-month, NAME-year of the GOV.UK date pattern, which
// older residents find easier than a calendar widget. Incomplete parts are
// still joined, so Check says the date is not valid instead of ignoring it.
func formDate(name string, v url.Values) (any, bool) {
	if s := strings.TrimSpace(v.Get(name)); s != "" {
		return s, true
	}
	d := narrow(strings.TrimSpace(v.Get(name + "-day")))
	m := narrow(strings.TrimSpace(v.Get(name + "-month")))
	y := narrow(strings.TrimSpace(v.Get(name + "-year")))
	if d == "" && m == "" && y == "" {
		return nil, false
	}
	return y + "-" + pad2(m) + "-" + pad2(d), true
}

// pad2 turns "5" into "05"; anything else is left for Check to judge.
func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// parseNumber reads a typed number: digits with an optional sign and, unless
// integer, a decimal point. Anything else ("1e3", "0x10", "Inf", "1,5") is
// refused rather than guessed at.
func parseNumber(s string, integer bool) (float64, bool) {
	re := numberText
	if integer {
		re = integerText
	}
	if !re.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// Merge stores one page's answers into a draft: the section's previous
// answers are replaced as a whole, so unticking every box of a multi field
// or clearing an input really removes the old answer. section -1 replaces
// everything.
func (f Form) Merge(draft, page Answers, section int) Answers {
	out := Answers{}
	if section >= 0 {
		for name, v := range draft {
			if fd, ok := f.Field(name); ok && fd.Section != section {
				out[name] = v
			}
		}
	}
	for name, v := range page {
		if fd, ok := f.Field(name); ok && (section < 0 || fd.Section == section) {
			out[name] = v
		}
	}
	return out
}
