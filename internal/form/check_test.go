package form

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/validation"
)

// checkOne checks a single answer to a single-field form.
func checkOne(fd Field, v any) (Answers, validation.Errors) {
	fd.Name = "q"
	f := Form{Sections: []Section{{Labels: l("a", "a", "a")}}, Fields: []Field{fd}}
	return f.Check(Answers{"q": v}, -1, now, regions, jst)
}

func TestCheckFieldTypes(t *testing.T) {
	t.Parallel()
	text := Field{Type: TypeText, MinLen: 2, MaxLen: 5}
	postcode := Field{Type: TypeText, Pattern: `[0-9]{3}-?[0-9]{4}`}
	copies := Field{Type: TypeNumber, Integer: true, Min: num(1), Max: num(10)}
	weight := Field{Type: TypeNumber, Min: num(0.5)}
	dob := Field{Type: TypeDate, MinDate: "1900-01-01", MaxDate: "today"}
	sex := birthCertificate().Fields[3]
	items := residentCopy().Fields[2]
	tests := []struct {
		name  string
		field Field
		in    any
		want  any // the cleaned answer when accepted
		code  string
		args  []any
	}{
		{"text trimmed", text, "  Siti ", "Siti", "", nil},
		{"text too short", text, "S", nil, "error.field.too_short", []any{"2"}},
		{"text too long", text, "Siti Aminah", nil, "error.field.too_long", []any{"5"}},
		{"text counts characters not bytes", text, "山田太郎", "山田太郎", "", nil},
		{"text default limit", Field{Type: TypeText}, strings.Repeat("a", 201), nil, "error.field.too_long", []any{"200"}},
		{"text line break becomes space", Field{Type: TypeText}, "Jl. Merdeka\n5", "Jl. Merdeka 5", "", nil},
		{"text not a string", Field{Type: TypeText}, 5.0, nil, "error.field.type", nil},
		{"pattern matches", postcode, "683-0823", "683-0823", "", nil},
		{"pattern mismatch", postcode, "6830", nil, "error.field.pattern", nil},
		{"pattern must match whole answer", postcode, "〒683-0823 Yonago", nil, "error.field.pattern", nil},
		{"textarea keeps lines", Field{Type: TypeTextarea}, "baris 1\r\nbaris 2\x00", "baris 1\nbaris 2", "", nil},
		{"textarea default limit", Field{Type: TypeTextarea}, strings.Repeat("あ", 2001), nil, "error.field.too_long", []any{"2000"}},
		{"address", Field{Type: TypeAddress}, " 鳥取県米子市加茂町1-1\n ", "鳥取県米子市加茂町1-1", "", nil},

		{"number", copies, 3.0, 3.0, "", nil},
		{"number typed", copies, "4", 4.0, "", nil},
		{"number full-width", copies, "１０", 10.0, "", nil},
		{"number above max", copies, 11.0, nil, "error.field.max", []any{"10"}},
		{"number below min", copies, "0", nil, "error.field.min", []any{"1"}},
		{"number fraction", copies, 2.5, nil, "error.field.integer", nil},
		{"number Indonesian thousands", copies, "1.000", nil, "error.field.integer", nil},
		{"number decimal", weight, "2.75", 2.75, "", nil},
		{"number decimal below min", weight, 0.25, nil, "error.field.min", []any{"0.5"}},
		{"number words", copies, "three", nil, "error.field.number", nil},
		{"number exponent", weight, "1e3", nil, "error.field.number", nil},
		{"number NaN", weight, math.NaN(), nil, "error.field.number", nil},
		{"number object", weight, map[string]any{"n": 1.0}, nil, "error.field.type", nil},

		{"date", dob, "1950-08-17", "1950-08-17", "", nil},
		{"date leap day", dob, "2024-02-29", "2024-02-29", "", nil},
		{"date 30 February", dob, "2026-02-30", nil, "error.field.date", nil},
		{"date 29 February non-leap", dob, "2025-02-29", nil, "error.field.date", nil},
		{"date without zero padding", dob, "2026-5-1", nil, "error.field.date", nil},
		{"date typing slip in year", Field{Type: TypeDate}, "0195-05-10", nil, "error.field.date", nil},
		{"date today", dob, "2026-05-10", "2026-05-10", "", nil},
		{"date in the future", dob, "2026-05-11", nil, "error.field.date_max", []any{"2026-05-10"}},
		{"date too early", dob, "1899-12-31", nil, "error.field.date_min", []any{"1900-01-01"}},
		{"date full-width", dob, "２０２４－０２－２９", "2024-02-29", "", nil},

		{"choice", sex, "perempuan", "perempuan", "", nil},
		{"choice not an option", sex, "lainnya", nil, "error.field.choice", nil},
		{"choice label is not a value", sex, "Perempuan", nil, "error.field.choice", nil},
		{"multi in option order once", items, []string{"mynumber", "domicile", "mynumber"}, []string{"domicile", "mynumber"}, "", nil},
		{"multi from stored JSON", items, []any{"relationship"}, []string{"relationship"}, "", nil},
		{"multi not an option", items, []string{"domicile", "photo"}, nil, "error.field.choice", nil},
		{"multi of numbers", items, []any{1.0}, nil, "error.field.type", nil},
		{"yesno yes", Field{Type: TypeYesNo}, true, true, "", nil},
		{"yesno no is an answer", Field{Type: TypeYesNo, Required: true}, false, false, "", nil},
		{"yesno text", Field{Type: TypeYesNo}, "yes", true, "", nil},
		{"yesno other text", Field{Type: TypeYesNo}, "maybe", nil, "error.field.choice", nil},

		{"email", Field{Type: TypeEmail}, " taro@example.jp ", "taro@example.jp", "", nil},
		{"email full-width", Field{Type: TypeEmail}, "ｔａｒｏ＠example.jp", "taro@example.jp", "", nil},
		{"email with display name", Field{Type: TypeEmail}, "Taro <taro@example.jp>", nil, "error.field.email", nil},
		{"email incomplete", Field{Type: TypeEmail}, "taro@", nil, "error.field.email", nil},
		{"phone Indonesian", Field{Type: TypePhone}, "0812-3456-7890", "081234567890", "", nil},
		{"phone international", Field{Type: TypePhone}, "+62 812 3456 7890", "+6281234567890", "", nil},
		{"phone Japanese full-width", Field{Type: TypePhone}, "０９０－１２３４－５６７８", "09012345678", "", nil},
		{"phone too short", Field{Type: TypePhone}, "1234", nil, "error.field.phone", nil},

		{"nik", Field{Type: TypeNIK}, "3510 0145 0892 0002", "3510014508920002", "", nil},
		{"nik unknown province", Field{Type: TypeNIK}, "3210014508920002", nil, "error.nik.region", nil},
		{"nik unknown regency", Field{Type: TypeNIK}, "3501014508920002", nil, "error.nik.region", nil},
		{"nik short", Field{Type: TypeNIK}, "351001450892", nil, "error.nik.format", nil},
		{"nik birth date", Field{Type: TypeNIK}, "3510013502920002", nil, "error.nik.birthdate", nil},
		{"nik serial", Field{Type: TypeNIK}, "3510014508920000", nil, "error.nik.serial", nil},
		{"mynumber", Field{Type: TypeMyNumber}, validMyNumber("12345678901"), validMyNumber("12345678901"), "", nil},
		{"mynumber with hyphens", Field{Type: TypeMyNumber}, "1234-5678-" + validMyNumber("12345678901")[8:], validMyNumber("12345678901"), "", nil},
		{"mynumber check digit", Field{Type: TypeMyNumber}, wrongMyNumber("12345678901"), nil, "error.mynumber.check", nil},
		{"mynumber format", Field{Type: TypeMyNumber}, "1234", nil, "error.mynumber.format", nil},

		{"file", Field{Type: TypeFile}, "0196b1f2-7c3e-7a10-9f00-1234567890ab", "0196b1f2-7c3e-7a10-9f00-1234567890ab", "", nil},
		{"file path", Field{Type: TypeFile}, "../../etc/passwd", nil, "error.field.file", nil},
		{"unknown type", Field{Type: "signature"}, "x", nil, "error.field.type", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, errs := checkOne(tt.field, tt.in)
			if tt.code == "" {
				if len(errs) > 0 || !reflect.DeepEqual(got["q"], tt.want) {
					t.Fatalf("got %#v, %v; want %#v accepted", got["q"], errs, tt.want)
				}
				return
			}
			want := validation.Errors{{Field: "q", Code: tt.code, Args: tt.args}}
			if !reflect.DeepEqual(errs, want) {
				t.Fatalf("errors %#v, want %#v", errs, want)
			}
			if _, kept := got["q"]; kept {
				t.Fatalf("a rejected answer was kept: %#v", got["q"])
			}
		})
	}
}

func TestCheckRequired(t *testing.T) {
	t.Parallel()
	types := []Type{TypeText, TypeTextarea, TypeNumber, TypeDate, TypeChoice, TypeMulti, TypeYesNo,
		TypeEmail, TypePhone, TypeNIK, TypeMyNumber, TypeAddress, TypeFile}
	blanks := map[string]any{"absent": nil, "blank": "  \t", "empty list": []string{}, "list of blanks": []any{" "}}
	for _, typ := range types {
		for name, blank := range blanks {
			t.Run(string(typ)+"/"+name, func(t *testing.T) {
				t.Parallel()
				got, errs := checkOne(Field{Type: typ, Required: true}, blank)
				if want := (validation.Errors{{Field: "q", Code: "error.field.required"}}); !reflect.DeepEqual(errs, want) {
					t.Errorf("required: %v", errs)
				}
				got, errs = checkOne(Field{Type: typ}, blank)
				if len(errs) > 0 || len(got) > 0 {
					t.Errorf("optional: %v, %v", got, errs)
				}
			})
		}
	}
}

// The same instant is still 9 May in UTC but already 10 May in Japan:
// "today" must be the tenant's.
func TestCheckTodayInTenantZone(t *testing.T) {
	t.Parallel()
	f := Form{Sections: []Section{{}}, Fields: []Field{{Name: "d", Type: TypeDate, MaxDate: "today"}}}
	evening := now.Add(-5 * time.Hour) // 20:00 UTC on 9 May, 05:00 JST on 10 May
	if _, errs := f.Check(Answers{"d": "2026-05-10"}, -1, evening, regions, jst); len(errs) > 0 {
		t.Errorf("JST: %v", errs)
	}
	if _, errs := f.Check(Answers{"d": "2026-05-10"}, -1, evening, regions, nil); len(errs) == 0 {
		t.Error("UTC: 10 May accepted on 9 May")
	}
}

func TestCheckBirthCertificate(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	tests := []struct {
		name   string
		change Answers // merged into birthAnswers; nil values delete
		codes  map[string]string
		absent []string // names that must not be in the cleaned answers
	}{
		{"complete", nil, nil, nil},
		{"father unknown", Answers{"father_nik": nil}, nil, []string{"father_nik"}},
		{"born at home: hospital not asked", Answers{"born_in_hospital": false, "hospital_name": nil}, nil, []string{"hospital_name"}},
		{"born at home: stale hospital dropped", Answers{"born_in_hospital": false}, nil, []string{"hospital_name"}},
		{"born in hospital: name required", Answers{"hospital_name": " "}, map[string]string{"hospital_name": "error.field.required"}, nil},
		{"born in the future", Answers{"birth_date": "2026-06-01"}, map[string]string{"birth_date": "error.field.date_max"}, nil},
		{"several problems", Answers{"sex": "x", "mother_nik": "3210014508920002", "child_name": nil},
			map[string]string{"child_name": "error.field.required", "sex": "error.field.choice", "mother_nik": "error.nik.region"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := birthAnswers()
			for k, v := range tt.change {
				a[k] = v
			}
			got, errs := f.Check(a, -1, now, regions, jst)
			if codes := codesOf(errs); !reflect.DeepEqual(codes, orEmpty(tt.codes)) {
				t.Errorf("codes %v, want %v", codes, tt.codes)
			}
			for _, name := range tt.absent {
				if _, ok := got[name]; ok {
					t.Errorf("%s kept: %v", name, got[name])
				}
			}
		})
	}
}

func codesOf(errs validation.Errors) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		out[e.Field] = e.Code
	}
	return out
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Errors come in the order the questions are asked, for the error summary.
func TestCheckErrorOrder(t *testing.T) {
	t.Parallel()
	_, errs := birthCertificate().Check(Answers{"born_in_hospital": true}, -1, now, regions, jst)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	want := []string{"child_name", "birth_date", "birth_place", "sex", "mother_nik", "hospital_name", "birth_letter"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestCheckResidentCopy(t *testing.T) {
	t.Parallel()
	f := residentCopy()
	mn := validMyNumber("98765432109")
	tests := []struct {
		name   string
		change Answers
		codes  map[string]string
		want   Answers // expected subset of the cleaned answers
	}{
		{"complete", nil, nil, Answers{"copies": 2.0, "phone": "09012345678"}},
		{"too many copies", Answers{"copies": 11.0}, map[string]string{"copies": "error.field.max"}, nil},
		{"other purpose must be said", Answers{"purpose": "other"}, map[string]string{"purpose_other": "error.field.required"}, nil},
		{"other purpose given", Answers{"purpose": "other", "purpose_other": " パスポート申請 "}, nil, Answers{"purpose_other": "パスポート申請"}},
		{"other purpose dropped when not other", Answers{"purpose_other": "x"}, nil, nil},
		{"my number asked when its item is ticked", Answers{"include_items": []string{"mynumber"}},
			map[string]string{"applicant_mynumber": "error.field.required"}, nil},
		{"my number given", Answers{"include_items": []any{"mynumber"}, "applicant_mynumber": mn}, nil, Answers{"applicant_mynumber": mn}},
		{"my number wrong check digit", Answers{"include_items": []string{"mynumber"}, "applicant_mynumber": wrongMyNumber("98765432109")},
			map[string]string{"applicant_mynumber": "error.mynumber.check"}, nil},
		{"postcode pattern", Answers{"postal_code": "683"}, map[string]string{"postal_code": "error.field.pattern"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := residentAnswers()
			for k, v := range tt.change {
				a[k] = v
			}
			got, errs := f.Check(a, -1, now, regions, jst)
			if codes := codesOf(errs); !reflect.DeepEqual(codes, orEmpty(tt.codes)) {
				t.Errorf("codes %v, want %v", codes, tt.codes)
			}
			for k, v := range tt.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			if _, ok := got["purpose_other"]; ok && got["purpose"] != "other" {
				t.Error("answer to a hidden question kept")
			}
		})
	}
}

// A question revealed by a question that is itself hidden stays hidden,
// even though the middle question still carries an answer that matches.
func TestCheckChainedConditions(t *testing.T) {
	t.Parallel()
	f := Form{Sections: []Section{{}}, Fields: []Field{
		{Name: "has_children", Type: TypeYesNo},
		{Name: "children_at_school", Type: TypeYesNo, ShowIf: &Condition{Field: "has_children", Equals: "yes"}},
		{Name: "school_name", Type: TypeText, Required: true, ShowIf: &Condition{Field: "children_at_school", Equals: "yes"}},
	}}
	got, errs := f.Check(Answers{"has_children": false, "children_at_school": true}, -1, now, regions, jst)
	if len(errs) > 0 || !reflect.DeepEqual(got, Answers{"has_children": false}) {
		t.Errorf("got %v, %v", got, errs)
	}
}

// Checking one page reports only that page's problems and keeps the rest
// of the draft, so the result can be stored as the new draft.
func TestCheckOneSection(t *testing.T) {
	t.Parallel()
	f := birthCertificate()
	draft := Answers{"child_name": "Siti", "birth_date": "2026-04-02", "birth_place": "Banyuwangi", "sex": "perempuan"}
	page := Answers{"mother_nik": "12", "father_nik": " 3510 0105 0890 0001 "}
	got, errs := f.Check(f.Merge(draft, page, 1), 1, now, regions, jst)
	if want := (validation.Errors{{Field: "mother_nik", Code: "error.nik.format"}}); !reflect.DeepEqual(errs, want) {
		t.Errorf("errors %v, want %v", errs, want)
	}
	if got["child_name"] != "Siti" || got["father_nik"] != "3510010508900001" {
		t.Errorf("answers %v", got)
	}
	if _, errs := f.Check(draft, 0, now, regions, jst); len(errs) > 0 {
		t.Errorf("section 0 reported %v", errs)
	}
}
