package form

import (
	"slices"
	"testing"
)

func TestFixturesAreValid(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]Form{"birth certificate": birthCertificate(), "resident copy": residentCopy()} {
		if p := f.Validate(); len(p) > 0 {
			t.Errorf("%s: %v", name, p)
		}
	}
}

func TestValidateBrokenDefinitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spoil func(f *Form)
		want  Problem
	}{
		{"no fields", func(f *Form) { f.Fields = nil }, Problem{"error.form.empty", "fields"}},
		{"name with a space", func(f *Form) { f.Fields[0].Name = "child name" }, Problem{"error.form.name", "fields.0"}},
		{"name in capitals", func(f *Form) { f.Fields[0].Name = "ChildName" }, Problem{"error.form.name", "fields.0"}},
		{"name empty", func(f *Form) { f.Fields[2].Name = "" }, Problem{"error.form.name", "fields.2"}},
		{"name twice", func(f *Form) { f.Fields[2].Name = "child_name" }, Problem{"error.form.name_taken", "fields.child_name"}},
		{"unknown type", func(f *Form) { f.Fields[0].Type = "signature" }, Problem{"error.form.type", "fields.child_name"}},
		{"label in no language", func(f *Form) { f.Fields[0].Labels = nil }, Problem{"error.form.labels", "fields.child_name.labels"}},
		{"label blank in every language", func(f *Form) { f.Fields[0].Labels = l(" ", "", "\t") }, Problem{"error.form.labels", "fields.child_name.labels"}},
		{"section label missing", func(f *Form) { f.Sections[1].Labels = Labels{} }, Problem{"error.form.labels", "sections.1.labels"}},
		{"option label missing", func(f *Form) { f.Fields[3].Options[1].Labels = nil }, Problem{"error.form.labels", "fields.sex.options.1.labels"}},
		{"section out of range", func(f *Form) { f.Fields[8].Section = 4 }, Problem{"error.form.section", "fields.birth_letter"}},
		{"section negative", func(f *Form) { f.Fields[0].Section = -1 }, Problem{"error.form.section", "fields.child_name"}},
		{"section without questions", func(f *Form) { f.Sections = append(f.Sections, Section{Labels: l("a", "a", "a")}) }, Problem{"error.form.section_empty", "sections.4"}},
		{"choice without options", func(f *Form) { f.Fields[3].Options = nil }, Problem{"error.form.options", "fields.sex"}},
		{"option without value", func(f *Form) { f.Fields[3].Options[0].Value = "" }, Problem{"error.form.option_value", "fields.sex.options.0"}},
		{"option value with blanks", func(f *Form) { f.Fields[3].Options[0].Value = " l" }, Problem{"error.form.option_value", "fields.sex.options.0"}},
		{"option value twice", func(f *Form) { f.Fields[3].Options[1].Value = "laki_laki" }, Problem{"error.form.option_taken", "fields.sex.options.1"}},
		{"condition on unknown field", func(f *Form) { f.Fields[7].ShowIf.Field = "in_hospital" }, Problem{"error.form.show_if", "fields.hospital_name.show_if"}},
		{"condition on itself", func(f *Form) { f.Fields[7].ShowIf.Field = "hospital_name" }, Problem{"error.form.show_if", "fields.hospital_name.show_if"}},
		{"condition on a later field", func(f *Form) {
			f.Fields[6], f.Fields[7] = f.Fields[7], f.Fields[6]
		}, Problem{"error.form.show_if", "fields.hospital_name.show_if"}},
		{"condition on a later page", func(f *Form) { f.Fields[6].Section = 3 }, Problem{"error.form.show_if", "fields.hospital_name.show_if"}},
		{"condition on a file", func(f *Form) { f.Fields[7].ShowIf.Field = "birth_letter"; f.Fields[7].Section = 3 }, Problem{"error.form.show_if", "fields.hospital_name.show_if"}},
		{"condition on yes/no with true", func(f *Form) { f.Fields[7].ShowIf.Equals = "true" }, Problem{"error.form.show_if_value", "fields.hospital_name.show_if"}},
		{"condition on choice with a label", func(f *Form) {
			f.Fields[7].ShowIf = &Condition{Field: "sex", Equals: "Perempuan"}
		}, Problem{"error.form.show_if_value", "fields.hospital_name.show_if"}},
		{"condition on text with nothing", func(f *Form) {
			f.Fields[7].ShowIf = &Condition{Field: "birth_place", Equals: ""}
		}, Problem{"error.form.show_if_value", "fields.hospital_name.show_if"}},
		{"pattern does not compile", func(f *Form) { f.Fields[0].Pattern = "([a-z" }, Problem{"error.form.pattern", "fields.child_name"}},
		{"pattern on a NIK", func(f *Form) { f.Fields[5].Pattern = "35.*" }, Problem{"error.form.pattern", "fields.mother_nik"}},
		{"min length above max", func(f *Form) { f.Fields[0].MinLen = 101 }, Problem{"error.form.range", "fields.child_name"}},
		{"min length above default max", func(f *Form) { f.Fields[2].MinLen = 201 }, Problem{"error.form.range", "fields.birth_place"}},
		{"negative max length", func(f *Form) { f.Fields[0].MaxLen = -1 }, Problem{"error.form.range", "fields.child_name"}},
		{"number min above max", func(f *Form) {
			f.Fields[0] = Field{Name: "copies", Type: TypeNumber, Labels: l("a", "a", "a"), Min: num(10), Max: num(1)}
		}, Problem{"error.form.range", "fields.copies"}},
		{"date bound unreadable", func(f *Form) { f.Fields[1].MinDate = "tomorrow" }, Problem{"error.form.date", "fields.birth_date"}},
		{"date bound not real", func(f *Form) { f.Fields[1].MaxDate = "2026-02-30" }, Problem{"error.form.date", "fields.birth_date"}},
		{"date min after max", func(f *Form) { f.Fields[1].MinDate, f.Fields[1].MaxDate = "2026-01-01", "2025-01-01" }, Problem{"error.form.range", "fields.birth_date"}},
		{"file accepts nothing", func(f *Form) { f.Fields[8].Accept = nil }, Problem{"error.form.accept", "fields.birth_letter"}},
		{"file accepts HTML", func(f *Form) { f.Fields[8].Accept = []string{"application/pdf", "text/html"} }, Problem{"error.form.accept", "fields.birth_letter"}},
		{"file without size limit", func(f *Form) { f.Fields[8].MaxBytes = 0 }, Problem{"error.form.max_bytes", "fields.birth_letter"}},
		{"file too large", func(f *Form) { f.Fields[8].MaxBytes = 20<<20 + 1 }, Problem{"error.form.max_bytes", "fields.birth_letter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := birthCertificate()
			tt.spoil(&f)
			if got := f.Validate(); !slices.Contains(got, tt.want) {
				t.Errorf("got %v, want %v among them", got, tt.want)
			}
		})
	}
}

func TestValidateLargestFile(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	f.Fields[8].MaxBytes = MaxFileBytes
	if p := f.Validate(); len(p) > 0 {
		t.Errorf("20 MiB refused: %v", p)
	}
}

func TestNameFrom(t *testing.T) {
	f := Form{Fields: []Field{{Name: "date_of_birth"}, {Name: "question"}}}
	tests := []struct {
		labels Labels
		want   string
	}{
		{Labels{"en": "Phone number?", "id": "Nomor telepon"}, "phone_number"},
		{Labels{"id": "Nama  lengkap (sesuai KTP)"}, "nama_lengkap_sesuai_ktp"},
		{Labels{"en": "Date of birth"}, "date_of_birth_2"},
		{Labels{"ja": "生年月日"}, "question_2"},
		{Labels{"en": "2nd address"}, "nd_address"},
	}
	for _, tt := range tests {
		got := f.NameFrom(tt.labels)
		if got != tt.want || !fieldName.MatchString(got) {
			t.Errorf("NameFrom(%v) = %q, want %q (a valid name)", tt.labels, got, tt.want)
		}
	}
}
