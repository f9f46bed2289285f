package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/form"
)

const builder = "/fukuoka/admin/services/JUMINHYO/form"

// juminhyoForm reads the stored form of Fukuoka's 住民票.
func juminhyoForm(t *testing.T, s *site) form.Form {
	t.Helper()
	ten, err := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := s.app.Catalog.ByCode(t.Context(), ten.ID, "JUMINHYO")
	if err != nil {
		t.Fatal(err)
	}
	return svc.Form
}

func names(f form.Form) []string {
	var out []string
	for _, fd := range f.Ordered().Fields {
		out = append(out, fd.Name)
	}
	return out
}

func mustRedirectSaved(t *testing.T, a answer) {
	t.Helper()
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), builder+"?done=saved") {
		t.Fatalf("want a redirect to the list with done=saved, got %d %q\n%s", a.status, a.header.Get("Location"), a.body)
	}
}

func mustRefuse(t *testing.T, a answer, want ...string) {
	t.Helper()
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("want 422, got %d %q", a.status, a.header.Get("Location"))
	}
	mustContain(t, a, append([]string{"error-summary"}, want...)...)
}

// TestFormBuilderAddsAQuestionResidentsSee: the admin picks a type, fills
// in one question, and a resident applying meets it on the form.
func TestFormBuilderAddsAQuestionResidentsSee(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")

	mustContain(t, admin.get("/fukuoka/admin/services"), `href="`+builder+`"`)
	mustContain(t, admin.get("/fukuoka/admin/services/JUMINHYO"), `href="`+builder+`"`)
	list := admin.get(builder)
	if list.status != http.StatusOK {
		t.Fatalf("list: %d", list.status)
	}
	mustContain(t, list, "必要な通数", "はい・いいえ", "必須", "1ページ目", "使いみち", "上へ移動", "下へ移動", "削除",
		"ここに質問を追加する", `action="`+builder+`/pages"`, `「使いみち」の答えが「その他」のときだけ質問します。`)

	// Without a type, the page asks for one first; then only its settings show.
	mustContain(t, admin.get(builder+"/questions/new?section=0"), `id="type-yesno" name="type" value="yesno"`)
	mustContain(t, admin.get(builder+"/questions/new?section=0&type=nope"), "error-summary", `href="#type"`)
	// "Continue" with no type ticked says so instead of showing the page again.
	pick := admin.get(builder + "/questions/new?section=0")
	mustContain(t, pick, `name="picking" value="1"`)
	mustNotContain(t, pick, "error-summary")
	mustContain(t, admin.get(builder+"/questions/new?section=0&picking=1"), "error-summary", `href="#type"`)
	choice := admin.get(builder + "/questions/new?section=0&type=choice")
	mustContain(t, choice, `id="name"`, `id="options"`, `<option value="purpose">`)
	if strings.Contains(choice.body, `id="min_len"`) {
		t.Error("a choice question is offered length limits")
	}
	if a := admin.get(builder + "/questions/new?section=7"); a.status != http.StatusNotFound {
		t.Errorf("new question on a page that does not exist: %d", a.status)
	}

	q := url.Values{"section": {"0"}, "name": {"pickup_self"}, "type": {"yesno"}, "shown_type": {"yesno"},
		"label_id": {"Apakah Anda mengambil sendiri?"}, "label_ja": {"ご本人が受け取りますか"}, "label_en": {"Will you collect it yourself?"},
		"required": {"on"}}
	mustRedirectSaved(t, admin.post(builder+"/questions", q))
	f := juminhyoForm(t, s)
	fd, ok := f.Field("pickup_self")
	if !ok || fd.Type != form.TypeYesNo || !fd.Required || names(f)[len(f.Fields)-1] != "pickup_self" {
		t.Fatalf("question not saved at the end of page 1: %+v %v", fd, names(f))
	}
	mustContain(t, admin.get(builder+"?done=saved"), "ご本人が受け取りますか", `id="q-pickup_self"`)
	// The same name twice is refused on the name input, with what was typed kept.
	mustRefuse(t, admin.post(builder+"/questions", q), `href="#name"`, `value="ご本人が受け取りますか"`)

	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	start := res.post("/fukuoka/services/JUMINHYO/apply", nil)
	if start.status != http.StatusSeeOther {
		t.Fatalf("apply: %d", start.status)
	}
	mustContain(t, res.get(start.header.Get("Location")), "ご本人が受け取りますか", `name="pickup_self" value="yes"`)
}

// TestFormBuilderEditsMovesAndAddsPages covers the changes that succeed.
func TestFormBuilderEditsMovesAndAddsPages(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")

	// Edit a label: the editor shows the stored question, the change is saved.
	edit := admin.get(builder + "/questions/household")
	mustContain(t, edit, "世帯全員を記載しますか", `<option value="yesno" selected>`, `id="required" name="required" checked`)
	v := formValues(edit.body)
	v.Set("type", "yesno")
	v.Set("required", "on")
	v.Set("label_ja", "世帯の全員を記載しますか")
	mustRedirectSaved(t, admin.post(builder+"/questions/household", v))
	if fd, _ := juminhyoForm(t, s).Field("household"); fd.Labels["ja"] != "世帯の全員を記載しますか" || fd.Labels["en"] != "Include everyone in the household?" || !fd.Required {
		t.Fatalf("after the edit: %+v", fd)
	}

	// Changing the type first shows the new type's settings; nothing is saved.
	v.Set("type", "choice")
	v.Set("shown_type", "yesno")
	changed := admin.post(builder+"/questions/household", v)
	if changed.status != http.StatusOK || strings.Contains(changed.body, "error-summary") {
		t.Fatalf("type change: %d", changed.status)
	}
	mustContain(t, changed, `id="options"`, "種類を変更しました")
	if fd, _ := juminhyoForm(t, s).Field("household"); fd.Type != form.TypeYesNo {
		t.Fatal("the type changed before its settings were filled in")
	}

	// Move delivery up past purpose_other; the first question cannot go up.
	before := names(juminhyoForm(t, s))
	mustRedirectSaved(t, admin.post(builder+"/questions/delivery/move", url.Values{"direction": {"up"}}))
	after := names(juminhyoForm(t, s))
	if slices.Index(after, "delivery") != slices.Index(before, "delivery")-1 || slices.Index(after, "purpose_other") != slices.Index(before, "purpose_other")+1 {
		t.Fatalf("move up: %v -> %v", before, after)
	}
	if a := admin.post(builder+"/questions/copies/move", url.Values{"direction": {"up"}}); a.status != http.StatusSeeOther || strings.Contains(a.header.Get("Location"), "done=saved") {
		t.Fatalf("moving the first question up: %d %q", a.status, a.header.Get("Location"))
	}
	// Moving a question above the one its condition depends on is refused.
	mustRedirectSaved(t, admin.post(builder+"/questions/purpose_other/move", url.Values{"direction": {"up"}}))
	mustRefuse(t, admin.post(builder+"/questions/purpose_other/move", url.Values{"direction": {"up"}}), `href="#q-purpose_other"`)
	if a := admin.post(builder+"/questions/nothing/move", url.Values{"direction": {"up"}}); a.status != http.StatusNotFound {
		t.Fatalf("moving an unknown question: %d", a.status)
	}

	// A new page needs a title in at least one language (Fukuoka's own
	// box is pointed at), and comes with its first question.
	mustRefuse(t, admin.post(builder+"/pages", url.Values{"title_id": {" "}}), `href="#title_ja"`)
	page := admin.post(builder+"/pages", url.Values{"title_id": {"Kontak"}, "title_ja": {"連絡先"}})
	next, _ := url.Parse(page.header.Get("Location"))
	if page.status != http.StatusSeeOther || next.Path != builder+"/questions/new" || next.Query().Get("section") != "1" {
		t.Fatalf("add page: %d %q", page.status, page.header.Get("Location"))
	}
	first := admin.get(next.String() + "&type=phone")
	mustContain(t, first, `name="new_page" value="1"`, `value="連絡先"`)
	q := url.Values{"section": {"1"}, "new_page": {"1"}, "title_id": {"Kontak"}, "title_ja": {"連絡先"}, "title_en": {"Contact"},
		"name": {"day_phone"}, "type": {"phone"}, "shown_type": {"phone"}, "label_id": {"Nomor telepon siang hari"},
		"label_ja": {"日中の電話番号"}, "label_en": {"Daytime phone number"}}
	mustRedirectSaved(t, admin.post(builder+"/questions", q))
	f := juminhyoForm(t, s)
	if fd, _ := f.Field("day_phone"); len(f.Sections) != 2 || fd.Section != 1 || f.Sections[1].Labels["ja"] != "連絡先" {
		t.Fatalf("new page: %+v", f)
	}
	mustContain(t, admin.get(builder), "2ページ目: 連絡先", "日中の電話番号")
	// Moving the page's only question up would leave the page empty.
	mustRefuse(t, admin.post(builder+"/questions/day_phone/move", url.Values{"direction": {"up"}}), `href="#page-1"`)
	// Deleting it takes the page away too.
	mustRedirectSaved(t, admin.post(builder+"/questions/day_phone/delete", nil))
	if f := juminhyoForm(t, s); len(f.Sections) != 1 {
		t.Fatalf("the emptied page stayed: %d pages", len(f.Sections))
	}
}

// TestFormBuilderRefusesBrokenForms: the whole service is checked on every
// change; problems point at the input that can fix them.
func TestFormBuilderRefusesBrokenForms(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	before := juminhyoForm(t, s)

	purpose := formValues(admin.get(builder + "/questions/purpose").body)
	purpose.Set("type", "choice")
	purpose.Set("required", "on")
	if !strings.Contains(purpose.Get("options"), "work | Untuk tempat kerja | 勤務先に出す | For my employer") {
		t.Fatalf("options shown as %q", purpose.Get("options"))
	}
	// A line that is not "value | id | ja | en".
	purpose.Set("options", "procedure | Administrasi | 手続き\nwork | Kerja | 勤務先 | Work")
	mustRefuse(t, admin.post(builder+"/questions/purpose", purpose), `href="#options"`, "1行目", "procedure | Administrasi | 手続き")
	// The same value twice, and an option with no words in any language:
	// found by the form's own check.
	purpose.Set("options", "work | Kerja | 勤務先 | Work\nwork | Lain | その他 | Other\nother |  |  | ")
	bad := admin.post(builder+"/questions/purpose", purpose)
	mustRefuse(t, bad, `href="#options"`, "選択肢の2行目", "選択肢の3行目")
	// No options at all.
	purpose.Set("options", "")
	mustRefuse(t, admin.post(builder+"/questions/purpose", purpose), `href="#options"`, "選択式の質問には選択肢が必要です")
	// Dropping the option another question's condition uses.
	purpose.Set("options", "procedure | Administrasi | 手続き | Procedure\nwork | Kerja | 勤務先 | Work")
	mustRefuse(t, admin.post(builder+"/questions/purpose", purpose), `href="#options"`, "「使いみちを書いてください」")

	// A condition on a later question.
	copies := formValues(admin.get(builder + "/questions/copies").body)
	copies.Set("type", "number")
	copies.Set("required", "on")
	copies.Set("integer", "on")
	copies.Set("show_if_field", "delivery")
	copies.Set("show_if_equals", "post")
	mustRefuse(t, admin.post(builder+"/questions/copies", copies), `href="#show_if_field"`, "表示条件は前の質問を指定してください")
	// A range upside down, the question's words blanked in every language
	// (the Japanese box, Fukuoka's own language, is the one pointed at).
	copies.Del("show_if_field")
	copies.Set("min", "5")
	copies.Set("max", "2")
	for _, k := range []string{"label_id", "label_ja", "label_en"} {
		copies.Set(k, " ")
	}
	mustRefuse(t, admin.post(builder+"/questions/copies", copies), `href="#min"`, `href="#label_ja"`, "質問文（日本語）")

	// Input that cannot be read and a form that does not hold together are
	// reported at once, each on its input.
	mustRefuse(t, admin.post(builder+"/questions", url.Values{"section": {"0"}, "name": {"Birth Day"}, "type": {"date"},
		"label_id": {"Tanggal"}, "label_ja": {"日付"}, "min_date_kind": {"date"}, "min_date": {"2026-02-30"}, "max_date_kind": {"date"}}),
		`href="#name"`, `href="#min_date"`, `href="#max_date"`, `value="2026-02-30"`)

	// A condition written in words is stored as the answer's value.
	other := formValues(admin.get(builder + "/questions/purpose_other").body)
	other.Set("type", "text")
	other.Set("required", "on")
	other.Set("show_if_field", "purpose")
	other.Set("show_if_equals", "その他")
	mustRedirectSaved(t, admin.post(builder+"/questions/purpose_other", other))
	other.Set("show_if_equals", "nothing like it")
	mustRefuse(t, admin.post(builder+"/questions/purpose_other", other), `href="#show_if_equals"`)

	// A question another depends on cannot be deleted.
	mustRefuse(t, admin.post(builder+"/questions/purpose/delete", nil), `href="#q-purpose"`,
		"「使いみち」は削除できません。「使いみちを書いてください」がこの質問の答えによって表示されるためです。")
	if a := admin.post(builder+"/questions/nothing/delete", nil); a.status != http.StatusNotFound {
		t.Fatalf("deleting an unknown question: %d", a.status)
	}
	if after := juminhyoForm(t, s); !slices.Equal(names(after), names(before)) || len(after.Fields[3].Options) != 3 {
		t.Fatalf("a refused change was saved: %v", names(after))
	}
	// Once nothing depends on it, it goes.
	mustRedirectSaved(t, admin.post(builder+"/questions/purpose_other/delete", nil))
	mustRedirectSaved(t, admin.post(builder+"/questions/purpose/delete", nil))
	if _, ok := juminhyoForm(t, s).Field("purpose"); ok {
		t.Fatal("purpose still on the form")
	}
}

// TestFormBuilderIsForAdminsOnly: residents and officers of the tenant are
// refused, and nothing changes.
func TestFormBuilderIsForAdminsOnly(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	before := names(juminhyoForm(t, s))
	for _, who := range []string{"resident@fukuoka.demo", "officer@fukuoka.demo"} {
		b := s.browser(t)
		b.signin(who)
		for _, a := range []answer{
			b.get(builder),
			b.get(builder + "/questions/copies"),
			b.get(builder + "/questions/new?section=0&type=text"),
			b.post(builder+"/questions/copies/move", url.Values{"direction": {"down"}}),
			b.post(builder+"/questions/purpose_other/delete", nil),
			b.post(builder+"/pages", url.Values{"title_id": {"a"}, "title_ja": {"b"}, "title_en": {"c"}}),
		} {
			if a.status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", who, a.status)
			}
		}
	}
	if after := names(juminhyoForm(t, s)); !slices.Equal(after, before) {
		t.Fatalf("form changed by non-admins: %v", after)
	}
}

// TestFormBuilderTypeSettings: each type's limits are read from the editor,
// stored as the form definition has them, and shown again for editing.
func TestFormBuilderTypeSettings(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	labels := url.Values{"section": {"0"}, "label_id": {"Pertanyaan"}, "label_ja": {"質問"}, "label_en": {"Question"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, vs := range labels {
			v[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name  string
		post  url.Values
		check func(fd form.Field) bool
		shown []string
	}{
		{"moved_in", with("name", "moved_in", "type", "date", "min_date_kind", "date", "min_date", "2000-01-01", "max_date_kind", "today"),
			func(fd form.Field) bool { return fd.MinDate == "2000-01-01" && fd.MaxDate == "today" },
			[]string{`value="2000-01-01"`, `id="max_date_kind-today" name="max_date_kind" value="today" checked`}},
		{"height", with("name", "height", "type", "number", "min", "0,5", "max", "250", "integer", "on", "pattern", "ignored"),
			func(fd form.Field) bool { return *fd.Min == 0.5 && *fd.Max == 250 && fd.Integer && fd.Pattern == "" },
			[]string{`id="min" name="min" type="text" autocomplete="off" value="0.5"`, `id="integer" name="integer" checked`}},
		{"postcode", with("name", "postcode", "type", "text", "pattern", "[0-9]{3}-?[0-9]{4}", "max_len", "8", "help_id", "Contoh 810-8620",
			"help_ja", "例：810-8620", "help_en", "e.g. 810-8620"),
			func(fd form.Field) bool {
				return fd.Pattern == "[0-9]{3}-?[0-9]{4}" && fd.MaxLen == 8 && fd.Help["ja"] == "例：810-8620"
			},
			[]string{`value="[0-9]{3}-?[0-9]{4}"`, "例：810-8620"}},
		{"proof", with("name", "proof", "type", "file", "accept", "application/pdf", "max_mb", "5"),
			func(fd form.Field) bool { return len(fd.Accept) == 1 && fd.MaxBytes == 5<<20 },
			[]string{`value="application/pdf" checked`, `value="5"`}},
		{"items", with("name", "items", "type", "multi", "options", "a | A id | A ja | A en\n\nb | B id | B ja | B en"),
			func(fd form.Field) bool { return len(fd.Options) == 2 && fd.Options[1].Labels["ja"] == "B ja" },
			[]string{"a | A id | A ja | A en\nb | B id | B ja | B en"}},
		{"items_note", with("name", "items_note", "type", "textarea", "show_if_field", "items", "show_if_equals", "B en"),
			func(fd form.Field) bool {
				return fd.ShowIf != nil && fd.ShowIf.Field == "items" && fd.ShowIf.Equals == "b"
			},
			[]string{`<option value="items" selected>`, `id="show_if_equals" name="show_if_equals" type="text" autocomplete="off" value="b"`}},
	}
	for _, c := range cases {
		mustRedirectSaved(t, admin.post(builder+"/questions", c.post))
		fd, ok := juminhyoForm(t, s).Field(c.name)
		if !ok || !c.check(fd) {
			t.Errorf("%s stored as %+v", c.name, fd)
		}
		mustContain(t, admin.get(builder+"/questions/"+c.name), c.shown...)
	}
	// A file limit above 20 MB is refused; help in one language is fine.
	mustRefuse(t, admin.post(builder+"/questions", with("name", "scan", "type", "file", "accept", "image/png", "max_mb", "50", "help_en", "A scan")),
		`href="#max_mb"`)
	mustNotContain(t, admin.post(builder+"/questions", with("name", "scan", "type", "file", "accept", "image/png", "max_mb", "50", "help_en", "A scan")), `href="#help_`)
}

// TestQuestionNameFromItsWords: a question added without a name gets one
// made from its label; a Japanese-only label is enough to add it.
func TestQuestionNameFromItsWords(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	mustRedirectSaved(t, admin.post(builder+"/questions", url.Values{"section": {"0"}, "type": {"text"},
		"label_en": {"Name of your pet"}, "label_ja": {"ペットの名前"}}))
	mustRedirectSaved(t, admin.post(builder+"/questions", url.Values{"section": {"0"}, "type": {"text"}, "label_ja": {"備考"}}))
	f := juminhyoForm(t, s)
	if fd, ok := f.Field("name_of_your_pet"); !ok || fd.Labels["ja"] != "ペットの名前" {
		t.Errorf("no question name_of_your_pet: %+v", f.Fields)
	}
	if fd, ok := f.Field("question"); !ok || fd.Labels["ja"] != "備考" || fd.Labels["en"] != "" {
		t.Errorf("the Japanese-only question: %+v %v", fd, ok)
	}
}
