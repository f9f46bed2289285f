package form

import (
	"encoding/json"
	"net/url"
	"testing"
)

// FuzzCheck feeds arbitrary JSON answers to both fixtures, straight into
// Check (as a stored draft would arrive) and through FromJSON (as the API
// does). Nothing may panic, and Check's output must pass Check again.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"copies": {"a": 1}, "include_items": [1, null, "mynumber"], "purpose": "other", "purpose_other": "\u0000x"}`,
		`{"born_in_hospital": "yes", "hospital_name": 5, "birth_date": "2026-02-30", "mother_nik": "３５１０"}`,
		`{"copies": 1e308, "include_household": null, "phone": ["090"], "email": "a@b"}`,
	} {
		f.Add([]byte(seed))
	}
	forms := []Form{birthCertificate(), residentCopy()}
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw map[string]any
		if json.Unmarshal(data, &raw) != nil {
			return
		}
		for _, form := range forms {
			exercise(t, form, Answers(raw))
			a, _ := form.FromJSON(raw)
			exercise(t, form, a)
		}
	})
}

func exercise(t *testing.T, f Form, a Answers) {
	for s := -1; s <= len(f.Sections); s++ {
		f.Check(a, s, now, regions, jst)
		f.NextSection(s, a)
		f.PreviousSection(s, a)
	}
	clean, _ := f.Check(a, -1, now, regions, jst)
	again, errs := f.Check(clean, -1, now, regions, jst)
	if len(again) != len(clean) {
		t.Fatalf("cleaned answers changed on a second check: %v -> %v (%v)", clean, again, errs)
	}
	for _, fd := range f.Fields {
		for _, lang := range []string{"id", "ja", "en", ""} {
			f.Display(fd, a, lang)
		}
	}
}

// FuzzValidate feeds arbitrary definitions: Validate, and everything a
// page does with a form, must not panic even on a form Validate refuses.
func FuzzValidate(f *testing.F) {
	for _, form := range []Form{birthCertificate(), residentCopy()} {
		b, _ := json.Marshal(form)
		f.Add(b)
	}
	f.Add([]byte(`{"sections":[],"fields":[{"name":"a","type":"number","section":-5,"min":3,"max":1,"show_if":{"field":"a","equals":"1"}}]}`))
	f.Add([]byte(`{"fields":[{"name":"p","type":"text","pattern":"(","min_len":-1},{"name":"d","type":"date","min_date":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var form Form
		if json.Unmarshal(data, &form) != nil {
			return
		}
		form.Validate()
		exercise(t, form, form.FromForm(url.Values{"a": {"1"}, "p": {"x"}, "d-day": {"1"}}, -1))
		a, _ := form.FromJSON(map[string]any{"a": 1.0, "p": "x", "d": "2026-01-01"})
		exercise(t, form, a)
	})
}
