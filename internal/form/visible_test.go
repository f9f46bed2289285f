package form

import (
	"reflect"
	"testing"
)

func names(fs []Field) []string {
	var out []string
	for _, fd := range fs {
		out = append(out, fd.Name)
	}
	return out
}

func TestSectionFields(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	tests := []struct {
		name    string
		a       Answers
		section int
		want    []string
	}{
		{"first page", nil, 0, []string{"child_name", "birth_date", "birth_place", "sex"}},
		{"hospital not yet answered", nil, 2, []string{"born_in_hospital"}},
		{"born in hospital", Answers{"born_in_hospital": true}, 2, []string{"born_in_hospital", "hospital_name"}},
		{"born at home", Answers{"born_in_hospital": false}, 2, []string{"born_in_hospital"}},
		{"no such section", nil, 9, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := names(f.SectionFields(tt.section, tt.a)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Visible lists fields in the order they are asked even when the
// definition lists them out of section order.
func TestVisibleAskOrder(t *testing.T) {
	t.Parallel()
	f := Form{Sections: []Section{{}, {}}, Fields: []Field{
		{Name: "b", Section: 1}, {Name: "a", Section: 0}, {Name: "c", Section: 1},
	}}
	if got := names(f.Visible(nil)); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v", got)
	}
}

func TestNextSection(t *testing.T) {
	t.Parallel()
	// Page 1 only asks about a spouse; people without one skip it.
	f := Form{Sections: []Section{{}, {}, {}}, Fields: []Field{
		{Name: "married", Type: TypeYesNo, Section: 0},
		{Name: "spouse_name", Type: TypeText, Section: 1, ShowIf: &Condition{Field: "married", Equals: "yes"}},
		{Name: "phone", Type: TypePhone, Section: 2},
	}}
	married, single := Answers{"married": true}, Answers{"married": false}
	tests := []struct {
		name       string
		a          Answers
		from, next int
		prev       int
	}{
		{"start", single, -1, 0, -1},
		{"skip hidden page", single, 0, 2, -1},
		{"show page", married, 0, 1, -1},
		{"last page then check answers", married, 2, -1, 1},
		{"back skips hidden page", single, 2, -1, 0},
		{"past the end", married, 7, -1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := f.NextSection(tt.from, tt.a); got != tt.next {
				t.Errorf("NextSection(%d) = %d, want %d", tt.from, got, tt.next)
			}
			if got := f.PreviousSection(tt.from, tt.a); got != tt.prev {
				t.Errorf("PreviousSection(%d) = %d, want %d", tt.from, got, tt.prev)
			}
		})
	}
}

// Walking the birth-certificate form page by page visits every page, then
// the check page; each page's answers pass.
func TestWalkBirthCertificate(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	full := birthAnswers()
	draft := Answers{}
	var visited []int
	for s := f.NextSection(-1, draft); s >= 0; s = f.NextSection(s, draft) {
		visited = append(visited, s)
		page := Answers{}
		for _, fd := range f.SectionFields(s, full) {
			page[fd.Name] = full[fd.Name]
		}
		clean, errs := f.Check(f.Merge(draft, page, s), s, now, regions, jst)
		if len(errs) > 0 {
			t.Fatalf("section %d: %v", s, errs)
		}
		draft = clean
	}
	if !reflect.DeepEqual(visited, []int{0, 1, 2, 3}) {
		t.Errorf("visited %v", visited)
	}
	if _, errs := f.Check(draft, -1, now, regions, jst); len(errs) > 0 {
		t.Errorf("final check: %v", errs)
	}
}

// A condition sees an answer the way Check will store it, so the same
// questions show before and after a page is checked.
func TestConditionOnRawAnswers(t *testing.T) {
	t.Parallel()
	number := Field{Name: "n", Type: TypeNumber}
	text := Field{Name: "t", Type: TypeText}
	multi := residentCopy().Fields[2]
	tests := []struct {
		ref    Field
		equals string
		v      any
		want   bool
	}{
		{number, "3", 3.0, true},
		{number, "3", " 03 ", true},
		{number, "3", "３", true},
		{number, "3", 3.5, false},
		{number, "3", nil, false},
		{text, "0123", "123", false},
		{text, "Lainnya", " Lainnya\n", true},
		{multi, "mynumber", []any{" mynumber"}, true},
		{multi, "mynumber", []any{"domicile", 3.0}, false},
		{Field{Type: TypeYesNo}, "no", false, true},
		{Field{Type: TypeYesNo}, "yes", false, false},
	}
	for _, tt := range tests {
		c := Condition{Field: tt.ref.Name, Equals: tt.equals}
		if got := c.holds(tt.ref, tt.v); got != tt.want {
			t.Errorf("%s %q holds(%#v) = %v", tt.ref.Type, tt.equals, tt.v, got)
		}
	}
}
