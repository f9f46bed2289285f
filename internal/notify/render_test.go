package notify

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/serambi/serambi/internal/locale"
)

func fullData() map[string]string {
	return map[string]string{
		"name": "Siti Rahayu", "tracking_number": "BWI-2026-000123", "service": "Akta Kelahiran",
		"state": "Sedang diperiksa", "comment": "Foto KK kurang jelas.", "tenant": "Kabupaten Banyuwangi",
		"url": "https://serambi.example.go.id/bwi/track?n=BWI-2026-000123", "due": "27 November 2026",
		"contact": "Dinas Dukcapil, telp. 0333-123456", "code": "482913", "check": "K7M3QX", "track_url": "https://serambi.example.go.id/track",
		"when": "1 Desember 2026 10.00 WIB", "counter": "Administrasi Kependudukan", "hour": "1",
		"course": "Langkah pertama dengan ponsel", "until": "11.30", "venue": "Balai Desa Kemiren", "address": "Jl. Barong",
		"map":      "https://www.openstreetmap.org/x",
		"practice": "Loket jarak jauh", "government": "福岡市", "question": "Berapa biayanya?", "answer": "Sekitar 2 juta yen.",
		"answered_by": "editor@fukuoka.demo", "survey_url": "https://serambi.example.go.id/bwi/survey/0193.abc", "about": "Langkah pertama dengan ponsel",
	}
}

// Every template exists in every language, as its own file: the English
// fallback is for safety, not a licence to leave a language out.
func TestEveryTemplateInEveryLanguage(t *testing.T) {
	t.Parallel()
	for _, lang := range locale.Langs {
		for _, name := range Templates {
			f := path.Join("templates", lang, name+".txt")
			if _, err := fs.Stat(templateFiles, f); err != nil {
				t.Errorf("missing %s", f)
			}
		}
	}
	files, err := fs.Glob(templateFiles, "templates/*/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		lang, name := path.Base(path.Dir(f)), strings.TrimSuffix(path.Base(f), ".txt")
		if !locale.Supported(lang) || !slices.Contains(Templates, name) {
			t.Errorf("%s is neither a known language nor a known template", f)
		}
	}
}

func TestRenderEveryTemplate(t *testing.T) {
	t.Parallel()
	sparse := map[string]string{"tracking_number": "FUK-2026-000042", "code": "482913", "url": "https://serambi.example.jp/fuk/a/1",
		"when": "2026年12月1日 10:00"}
	for _, lang := range locale.Langs {
		for _, name := range Templates {
			for _, data := range []map[string]string{fullData(), sparse} {
				subject, body, err := Render(Event{Template: name, Lang: lang, Data: data})
				if err != nil {
					t.Fatalf("%s/%s: %v", lang, name, err)
				}
				where := lang + "/" + name
				if strings.TrimSpace(subject) == "" || strings.TrimSpace(body) == "" {
					t.Errorf("%s: empty subject or body", where)
				}
				if strings.ContainsAny(subject, "\r\n") {
					t.Errorf("%s: subject spans lines: %q", where, subject)
				}
				// An assisted draft has no number yet: its email carries the code instead.
				// A reminder is about an appointment: its time, not a number.
				key := "tracking_number"
				switch name {
				case AssistCode:
					key = "code"
				case AppointmentReminder, ClassPromoted, ClassReminder, ClassCancelled, ClassChanged:
					key = "when"
				case SurveyInvitation:
					key = "about"
				case PracticeAnswered:
					key = "answer"
					if !strings.Contains(subject, data["practice"]) || !strings.Contains(body, data["question"]) {
						t.Errorf("%s: the practice or the question is missing:\n%s\n%s", where, subject, body)
					}
				}
				if data[key] != "" && !strings.Contains(body, data[key]) {
					t.Errorf("%s: %s missing from the body:\n%s", where, key, body)
				}
				if name == ClassPromoted && !strings.Contains(subject, data["course"]) {
					t.Errorf("%s: the course missing from the subject: %s", where, subject)
				}
				if (name == ClassPromoted || name == ClassReminder || name == ClassChanged) && data["venue"] != "" && !strings.Contains(body, data["venue"]) {
					t.Errorf("%s: the hall missing from the body:\n%s", where, body)
				}
				if name != AssistCode && name != AppointmentReminder && name != ClassPromoted && name != ClassReminder && name != ClassCancelled && name != ClassChanged && name != PracticeAnswered && name != SurveyInvitation &&
					!strings.Contains(subject, data[key]) {
					t.Errorf("%s: tracking number missing from the subject: %s", where, subject)
				}
				if !strings.Contains(body, data["url"]) {
					t.Errorf("%s: url missing:\n%s", where, body)
				}
				for _, bad := range []string{"<no value>", "{{", "}}", "\n\n\n", "  ", " .", " ,", "\nの"} {
					if strings.Contains(subject+"\n"+body, bad) {
						t.Errorf("%s: output contains %q:\n%s\n\n%s", where, bad, subject, body)
					}
				}
				for _, k := range []string{"comment", "contact", "due", "service", "state", "survey_url"} {
					if data[k] != "" && usesKey(lang, name, k) && !strings.Contains(body, data[k]) {
						t.Errorf("%s: %s %q missing from body:\n%s", where, k, data[k], body)
					}
				}
			}
		}
	}
}

// usesKey tells whether the source file mentions a Data key.
func usesKey(lang, name, key string) bool {
	b, err := fs.ReadFile(templateFiles, path.Join("templates", lang, name+".txt"))
	return err == nil && strings.Contains(string(b), "."+key+"}}")
}

// The same keys are used in every language, so no language leaves out what
// the others say.
func TestLanguagesUseTheSameKeys(t *testing.T) {
	t.Parallel()
	keys := []string{"name", "tracking_number", "service", "state", "comment", "tenant", "url", "due", "contact", "check", "track_url"}
	for _, name := range Templates {
		for _, k := range keys {
			en := usesKey("en", name, k)
			for _, lang := range locale.Langs {
				if usesKey(lang, name, k) != en {
					t.Errorf("%s: %s uses %q: %v, en: %v", name, lang, k, !en, en)
				}
			}
		}
	}
}

func TestRenderJapanese(t *testing.T) {
	t.Parallel()
	subject, body, err := Render(Event{Template: ApplicationSubmitted, Lang: "ja", Data: map[string]string{
		"name": "山田 花子", "tracking_number": "FUK-2026-000123", "service": "住民票の写し", "url": "https://x.example/t",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "申請を受け付けました（受付番号 FUK-2026-000123）" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"山田 花子 様", "住民票の写しの申請を受け付けました。", "受付番号：FUK-2026-000123"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "お問い合わせ") {
		t.Errorf("the contact paragraph shows without a contact:\n%s", body)
	}
}

func TestRenderFallsBackToEnglish(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fr", ""} {
		_, got, err := Render(Event{Template: ApplicationDecided, Lang: lang, Data: fullData()})
		if err != nil {
			t.Fatal(err)
		}
		_, want, _ := Render(Event{Template: ApplicationDecided, Lang: "en", Data: fullData()})
		if got != want {
			t.Errorf("lang %q did not fall back to English:\n%s", lang, got)
		}
	}
	if _, _, err := Render(Event{Template: "no_such_thing", Lang: "en"}); err == nil {
		t.Error("unknown template rendered")
	}
}

func TestRenderNilDataAndHostileValues(t *testing.T) {
	t.Parallel()
	subject, body, err := Render(Event{Template: ApplicationChanged, Lang: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(subject+body, "<no value>") {
		t.Errorf("nil Data rendered <no value>: %s\n%s", subject, body)
	}
	subject, _, err = Render(Event{Template: ApplicationChanged, Lang: "en", Data: map[string]string{
		"tracking_number": "X-1\r\nBcc: victim@example.com",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(subject, "\r\n") {
		t.Errorf("a newline in the data reached the subject: %q", subject)
	}
}

func TestParseTemplateRejectsBadFiles(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{
		"no subject":    "Hello\n\nbody",
		"no blank line": "Subject: x\nbody",
		"no body":       "Subject: x\n\n",
		"broken action": "Subject: x\n\n{{.url",
		"empty subject": "Subject: \n\nbody",
	} {
		_, err := parseTemplates(fstest.MapFS{"templates/en/x.txt": {Data: []byte(src)}})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
