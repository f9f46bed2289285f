package form

import (
	"slices"
	"sort"
	"strconv"
)

// Visible lists the fields shown given the answers, in the order they are
// asked (by section, then as defined). Conditions are evaluated in definition
// order, so a field whose controlling field is itself hidden is hidden too,
// whatever stale answer that field still carries.
func (f Form) Visible(a Answers) []Field {
	shown := make(map[string]Field, len(f.Fields))
	var out []Field
	for _, fd := range f.Fields {
		if c := fd.ShowIf; c != nil {
			ref, ok := shown[c.Field]
			if !ok || !c.holds(ref, a[c.Field]) {
				continue
			}
		}
		shown[fd.Name] = fd
		out = append(out, fd)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Section < out[j].Section })
	return out
}

// holds tells whether ref's answer v satisfies the condition. It accepts
// raw answers as well as checked ones (untrimmed or full-width text, a
// number still typed as text, a multi list decoded from JSON as []any),
// cleaning them the way Check will, so a page shows the same questions
// before and after its answers are checked.
func (c Condition) holds(ref Field, v any) bool {
	v = prepare(ref, v)
	if s, ok := v.(string); ok && ref.Type == TypeNumber {
		if n, ok := parseNumber(s, false); ok {
			v = n
		}
	}
	switch x := v.(type) {
	case string:
		return x == c.Equals
	case bool:
		return c.Equals == yesNo(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64) == c.Equals
	}
	list, ok := stringList(v)
	return ok && slices.ContainsFunc(list, func(s string) bool { return cleanLine(s) == c.Equals })
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// stringList reads a multi answer: []string from Go, []any from JSON.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case []string:
		return x, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// SectionFields lists the visible fields of one section: one page.
func (f Form) SectionFields(section int, a Answers) []Field {
	var out []Field
	for _, fd := range f.Visible(a) {
		if fd.Section == section {
			out = append(out, fd)
		}
	}
	return out
}

// NextSection returns the first section after `after` that has a visible
// field (NextSection(-1, a) is the first page), or -1 when none is left and
// the resident goes to "check your answers". Sections whose questions are
// all hidden are skipped rather than shown empty.
func (f Form) NextSection(after int, a Answers) int {
	for s := max(after+1, 0); s < len(f.Sections); s++ {
		if len(f.SectionFields(s, a)) > 0 {
			return s
		}
	}
	return -1
}

// PreviousSection returns the last section before `before` that has a
// visible field, or -1, so a "Back" link skips the same pages NextSection did.
func (f Form) PreviousSection(before int, a Answers) int {
	for s := min(before-1, len(f.Sections)-1); s >= 0; s-- {
		if len(f.SectionFields(s, a)) > 0 {
			return s
		}
	}
	return -1
}
