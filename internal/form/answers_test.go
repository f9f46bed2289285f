package form

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"

	"github.com/serambi/serambi/internal/validation"
)

func TestFromForm(t *testing.T) {
	t.Parallel()
	bc, rc := birthCertificate(), residentCopy()
	tests := []struct {
		name    string
		form    Form
		post    url.Values
		section int
		want    Answers
	}{
		{"three-part date", bc, url.Values{"birth_date-day": {"2"}, "birth_date-month": {"4"}, "birth_date-year": {"2026"}}, 0,
			Answers{"birth_date": "2026-04-02"}},
		{"three-part date full-width", bc, url.Values{"birth_date-day": {"２"}, "birth_date-month": {"０４"}, "birth_date-year": {"２０２６"}}, 0,
			Answers{"birth_date": "2026-04-02"}},
		{"three-part date not real is kept for Check", bc, url.Values{"birth_date-day": {"30"}, "birth_date-month": {"2"}, "birth_date-year": {"2026"}}, 0,
			Answers{"birth_date": "2026-02-30"}},
		{"three-part date incomplete", bc, url.Values{"birth_date-day": {"30"}, "birth_date-year": {"2026"}}, 0,
			Answers{"birth_date": "2026--30"}},
		{"three-part date empty", bc, url.Values{"birth_date-day": {""}, "birth_date-month": {" "}, "birth_date-year": {""}}, 0,
			Answers{}},
		{"single date input", bc, url.Values{"birth_date": {"2026-04-02"}}, 0, Answers{"birth_date": "2026-04-02"}},
		{"text trimmed, blanks skipped", bc, url.Values{"child_name": {" Siti "}, "birth_place": {"  "}}, 0, Answers{"child_name": "Siti"}},
		{"yes/no", bc, url.Values{"born_in_hospital": {"no"}}, 2, Answers{"born_in_hospital": false}},
		{"yes/no tampered", bc, url.Values{"born_in_hospital": {"perhaps"}}, 2, Answers{"born_in_hospital": "perhaps"}},
		{"other sections ignored", bc, url.Values{"child_name": {"Siti"}, "mother_nik": {"3510014508920002"}}, 1,
			Answers{"mother_nik": "3510014508920002"}},
		{"all sections", bc, url.Values{"child_name": {"Siti"}, "mother_nik": {"3510014508920002"}}, -1,
			Answers{"child_name": "Siti", "mother_nik": "3510014508920002"}},
		{"number", rc, url.Values{"copies": {"３"}}, 0, Answers{"copies": 3.0}},
		{"number not a number is kept for Check", rc, url.Values{"copies": {"dua"}}, 0, Answers{"copies": "dua"}},
		{"integer with a point is kept for Check", rc, url.Values{"copies": {"1.000"}}, 0, Answers{"copies": "1.000"}},
		{"multi repeated keys", rc, url.Values{"include_items": {"mynumber", "", "domicile"}}, 0,
			Answers{"include_items": []string{"mynumber", "domicile"}}},
		{"multi none ticked", rc, url.Values{}, 0, Answers{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.form.FromForm(tt.post, tt.section); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// The three-part date flows into Check's real-date rule.
func TestFromFormDateChecked(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	a := f.FromForm(url.Values{"birth_date-day": {"30"}, "birth_date-month": {"2"}, "birth_date-year": {"2026"}}, 0)
	_, errs := f.Check(a, 0, now, regions, jst)
	if p, _ := errs.For("birth_date"); p.Code != "error.field.date" {
		t.Errorf("errors %v", errs)
	}
}

func TestFromJSON(t *testing.T) {
	t.Parallel()
	f := residentCopy()
	tests := []struct {
		name string
		body string
		want Answers
		errs validation.Errors
	}{
		{"valid", `{"copies": 2, "include_household": true, "include_items": ["mynumber"], "purpose": "other", "email": null}`,
			Answers{"copies": 2.0, "include_household": true, "include_items": []string{"mynumber"}, "purpose": "other"}, nil},
		{"number as object", `{"copies": {"value": 2}}`, Answers{}, validation.Errors{{Field: "copies", Code: "error.field.type"}}},
		{"number as string", `{"copies": "2"}`, Answers{}, validation.Errors{{Field: "copies", Code: "error.field.type"}}},
		{"yes/no as string", `{"include_household": "yes"}`, Answers{}, validation.Errors{{Field: "include_household", Code: "error.field.type"}}},
		{"multi as string", `{"include_items": "mynumber"}`, Answers{}, validation.Errors{{Field: "include_items", Code: "error.field.type"}}},
		{"multi with a number", `{"include_items": ["mynumber", 3]}`, Answers{}, validation.Errors{{Field: "include_items", Code: "error.field.type"}}},
		{"text as number", `{"purpose": 1, "phone": ["090"]}`, Answers{},
			validation.Errors{{Field: "purpose", Code: "error.field.type"}, {Field: "phone", Code: "error.field.type"}}},
		{"unknown names", `{"zeta": 1, "copies": 1, "alpha": "x"}`, Answers{"copies": 1.0},
			validation.Errors{{Field: "alpha", Code: "error.form.unknown_field"}, {Field: "zeta", Code: "error.form.unknown_field"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var raw map[string]any
			if err := json.Unmarshal([]byte(tt.body), &raw); err != nil {
				t.Fatal(err)
			}
			got, errs := f.FromJSON(raw)
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(errs, tt.errs) {
				t.Errorf("got %#v, %v; want %#v, %v", got, errs, tt.want, tt.errs)
			}
		})
	}
}

func TestFromJSONNumberKinds(t *testing.T) {
	t.Parallel()
	f := residentCopy()
	for _, v := range []any{3, int64(3), 3.0, json.Number("3")} {
		got, errs := f.FromJSON(map[string]any{"copies": v})
		if len(errs) > 0 || got["copies"] != 3.0 {
			t.Errorf("%T: %v, %v", v, got, errs)
		}
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	f := residentCopy()
	draft := Answers{"copies": 2.0, "include_items": []string{"mynumber"}, "purpose": "pension", "stray": "x"}
	// The resident unticks every item on page 0: the old ticks must go.
	got := f.Merge(draft, Answers{"copies": 3.0, "purpose": "other"}, 0)
	want := Answers{"copies": 3.0, "purpose": "pension"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := f.Merge(draft, Answers{"copies": 1.0}, -1); !reflect.DeepEqual(got, Answers{"copies": 1.0}) {
		t.Errorf("all sections: %v", got)
	}
}
