package form

import (
	"maps"
	"slices"
)

// Changes a tenant admin makes one question at a time. Each returns a new
// form and leaves the receiver alone, because the catalog hands out shared,
// cached definitions; the caller validates the result before saving it.

// Clone returns a deep copy of f.
func (f Form) Clone() Form {
	out := Form{Sections: slices.Clone(f.Sections), Fields: slices.Clone(f.Fields)}
	for i := range out.Sections {
		out.Sections[i].Labels = maps.Clone(out.Sections[i].Labels)
	}
	for i := range out.Fields {
		out.Fields[i] = out.Fields[i].clone()
	}
	return out
}

func (fd Field) clone() Field {
	fd.Labels, fd.Help = maps.Clone(fd.Labels), maps.Clone(fd.Help)
	if fd.Min != nil {
		v := *fd.Min
		fd.Min = &v
	}
	if fd.Max != nil {
		v := *fd.Max
		fd.Max = &v
	}
	fd.Options = slices.Clone(fd.Options)
	for i := range fd.Options {
		fd.Options[i].Labels = maps.Clone(fd.Options[i].Labels)
	}
	if fd.ShowIf != nil {
		c := *fd.ShowIf
		fd.ShowIf = &c
	}
	fd.Accept = slices.Clone(fd.Accept)
	return fd
}

// Ordered returns a copy of f with its fields in the order they are asked:
// page by page, keeping their order within a page. A condition that was
// valid stays valid, since its question only ever moves further ahead.
func (f Form) Ordered() Form {
	out := f.Clone()
	slices.SortStableFunc(out.Fields, func(a, b Field) int { return a.Section - b.Section })
	return out
}

// Dependents lists the questions shown only depending on name's answer.
func (f Form) Dependents(name string) []Field {
	var out []Field
	for _, fd := range f.Fields {
		if fd.ShowIf != nil && fd.ShowIf.Field == name {
			out = append(out, fd)
		}
	}
	return out
}

// Insert adds fd as the last question of its page, and tells where.
func (f Form) Insert(fd Field) (Form, int) {
	out := f.Ordered()
	at := len(out.Fields)
	for at > 0 && out.Fields[at-1].Section > fd.Section {
		at--
	}
	out.Fields = slices.Insert(out.Fields, at, fd)
	return out, at
}

// Replace puts fd in place of the question of the same name, and tells
// where (-1 when there is none).
func (f Form) Replace(fd Field) (Form, int) {
	out := f.Ordered()
	i := slices.IndexFunc(out.Fields, func(e Field) bool { return e.Name == fd.Name })
	if i >= 0 {
		out.Fields[i] = fd
	}
	return out, i
}

// Move moves a question one place up or down in the asking order. From the
// top of a page it goes to the end of the page before, from the bottom to
// the start of the page after. It reports false when there is no such
// question or no place to go.
func (f Form) Move(name string, up bool) (Form, bool) {
	out := f.Ordered()
	i := slices.IndexFunc(out.Fields, func(e Field) bool { return e.Name == name })
	j := i + 1
	if up {
		j = i - 1
	}
	if i < 0 || j < 0 || j >= len(out.Fields) {
		return out, false
	}
	if out.Fields[j].Section != out.Fields[i].Section {
		// Crossing onto the neighbouring page keeps the place in the list.
		out.Fields[i].Section = out.Fields[j].Section
		return out, true
	}
	out.Fields[i], out.Fields[j] = out.Fields[j], out.Fields[i]
	return out, true
}

// Remove takes a question out of the form. A page left without questions
// goes too, since a form may not have an empty page.
func (f Form) Remove(name string) (Form, bool) {
	out := f.Ordered()
	i := slices.IndexFunc(out.Fields, func(e Field) bool { return e.Name == name })
	if i < 0 {
		return out, false
	}
	page := out.Fields[i].Section
	out.Fields = slices.Delete(out.Fields, i, i+1)
	if page < 0 || page >= len(out.Sections) || slices.ContainsFunc(out.Fields, func(e Field) bool { return e.Section == page }) {
		return out, true
	}
	out.Sections = slices.Delete(out.Sections, page, page+1)
	for k := range out.Fields {
		if out.Fields[k].Section > page {
			out.Fields[k].Section--
		}
	}
	return out, true
}
