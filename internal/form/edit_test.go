package form

import (
	"slices"
	"testing"
)

func fieldNames(f Form) []string {
	var out []string
	for _, fd := range f.Fields {
		out = append(out, fd.Name)
	}
	return out
}

func TestEditsLeaveTheOriginalAlone(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	before := fieldNames(f)
	c := f.Clone()
	c.Fields[0].Labels["ja"] = "変更"
	c.Fields[3].Options[0].Labels["ja"] = "変更"
	c.Sections[0].Labels["ja"] = "変更"
	if f.Fields[0].Labels["ja"] == "変更" || f.Fields[3].Options[0].Labels["ja"] == "変更" || f.Sections[0].Labels["ja"] == "変更" {
		t.Fatal("Clone shares maps with the original")
	}
	f.Move("birth_date", true)
	f.Remove("child_name")
	f.Insert(Field{Name: "x", Section: 0})
	if !slices.Equal(fieldNames(f), before) {
		t.Fatalf("an edit changed the receiver: %v", fieldNames(f))
	}
}

func TestMoveInsertRemove(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	moved, ok := f.Move("birth_date", true)
	if !ok || fieldNames(moved)[0] != "birth_date" || len(moved.Validate()) != 0 {
		t.Fatalf("move up within a page: %v %v", fieldNames(moved), moved.Validate())
	}
	if _, ok := f.Move("child_name", true); ok {
		t.Fatal("the first question moved up")
	}
	// From the top of a page up: to the end of the page before, same place in the list.
	first := slices.IndexFunc(f.Fields, func(fd Field) bool { return fd.Section == 1 })
	name := f.Fields[first].Name
	moved, _ = f.Move(name, true)
	if fd, _ := moved.Field(name); fd.Section != 0 || fieldNames(moved)[first] != name {
		t.Fatalf("move across pages: %+v", fd)
	}
	added, at := f.Insert(Field{Name: "nickname", Type: TypeText, Section: 0, Labels: l("a", "b", "c")})
	if added.Fields[at].Name != "nickname" || added.Fields[at-1].Section != 0 || added.Fields[at+1].Section != 1 || len(added.Validate()) != 0 {
		t.Fatalf("insert at the end of page 1: %v at %d", fieldNames(added), at)
	}
	if deps := f.Dependents("born_in_hospital"); len(deps) != 1 || deps[0].Name != "hospital_name" {
		t.Fatalf("dependents: %v", deps)
	}
	// Removing a page's only question removes the page and renumbers the rest.
	last := f.Fields[len(f.Fields)-1]
	removed, ok := f.Remove(last.Name)
	if !ok || len(removed.Sections) != len(f.Sections)-1 || len(removed.Validate()) != 0 {
		t.Fatalf("remove the last page's question: %d pages, %v", len(removed.Sections), removed.Validate())
	}
}
