package form

import "testing"

func TestLabelsIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		labels     Labels
		lang, want string
	}{
		{l("Nama", "氏名", "Name"), "ja", "氏名"},
		{Labels{"id": "Nama", "en": "Name"}, "ja", "Name"},
		{Labels{"id": "Nama", "ja": "氏名", "en": " "}, "ja", "氏名"},
		{Labels{"id": "Nama", "ja": "氏名"}, "en", "Nama"},
		{Labels{"ja": "氏名"}, "id", "氏名"},
		{Labels{"ja": "氏名"}, "fr", "氏名"},
		{nil, "id", ""},
	}
	for _, tt := range tests {
		if got := tt.labels.In(tt.lang); got != tt.want {
			t.Errorf("%v.In(%q) = %q, want %q", tt.labels, tt.lang, got, tt.want)
		}
	}
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	bc, rc := birthCertificate(), residentCopy()
	ba := birthAnswers()
	ra := residentAnswers()
	ra["include_items"] = []any{"domicile", "mynumber"} // as read back from a stored draft
	ra["include_household"] = true
	field := func(f Form, name string) Field {
		fd, ok := f.Field(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		return fd
	}
	tests := []struct {
		form Form
		a    Answers
		name string
		lang string
		want string
	}{
		{bc, ba, "sex", "id", "Perempuan"},
		{bc, ba, "sex", "ja", "女"},
		{bc, ba, "born_in_hospital", "id", "Ya"},
		{bc, Answers{"born_in_hospital": false}, "born_in_hospital", "ja", "いいえ"},
		{bc, ba, "born_in_hospital", "en", "Yes"},
		{bc, ba, "birth_date", "id", "2 April 2026"},
		{bc, Answers{"birth_date": "2024-02-29"}, "birth_date", "ja", "2024年2月29日（令和6年）"},
		{bc, ba, "birth_date", "en", "2 April 2026"},
		{bc, ba, "mother_nik", "id", "3510014508920002"},
		{bc, ba, "birth_letter", "id", ""},
		{bc, ba, "child_name", "en", "Siti Aminah"},
		{bc, Answers{}, "child_name", "en", ""},
		{bc, Answers{"sex": 3.0}, "sex", "en", ""},
		{rc, ra, "copies", "ja", "2"},
		{rc, ra, "include_items", "en", "Registered domicile, My Number"},
		{rc, ra, "include_items", "ja", "本籍・筆頭者、個人番号"},
		{rc, ra, "include_household", "ja", "はい"},
		{rc, ra, "purpose", "en", "Pension"},
	}
	for _, tt := range tests {
		if got := tt.form.Display(field(tt.form, tt.name), tt.a, tt.lang); got != tt.want {
			t.Errorf("Display(%s, %s) = %q, want %q", tt.name, tt.lang, got, tt.want)
		}
	}
}
