package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/catalog"
)

func TestAdminEditsExportsAndImportsServices(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	list := admin.get("/fukuoka/admin/services")
	mustContain(t, list, "JUMINHYO", "INKAN", "KOKUHO-SOSHITSU")

	// Broken definitions are refused field by field; nothing is saved.
	edit := admin.get("/fukuoka/admin/services/INKAN/json")
	if edit.status != 200 {
		t.Fatalf("edit page: %d", edit.status)
	}
	form := formValues(edit.body)
	form.Set("sla_days", "2")
	form.Set("workflow", `{"states":[{"name":"only","labels":{"id":"a","ja":"b","en":"c"},"start":true}],"actions":[]}`)
	bad := admin.post("/fukuoka/admin/services/INKAN/json", form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("broken workflow saved: %d", bad.status)
	}
	mustContain(t, bad, "error-summary")
	form.Set("workflow", "{not json")
	mustContain(t, admin.post("/fukuoka/admin/services/INKAN/json", form), `href="#workflow"`)

	// A good edit is saved.
	form = formValues(edit.body)
	form.Set("sla_days", "2")
	if a := admin.post("/fukuoka/admin/services/INKAN/json", form); a.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	ten, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	svc, _ := s.app.Catalog.ByCode(t.Context(), ten.ID, "INKAN")
	if svc.SLADays != 2 {
		t.Fatalf("SLA = %d after the edit", svc.SLADays)
	}

	// Export from Fukuoka, import into Banyuwangi (where the code is new).
	exp := admin.get("/fukuoka/admin/services/INKAN/export")
	if !strings.Contains(exp.header.Get("Content-Disposition"), "attachment") || !strings.Contains(exp.body, `"code": "INKAN"`) {
		t.Fatalf("export: %v %s", exp.header, exp.body[:min(200, len(exp.body))])
	}
	other := s.browser(t)
	other.signin("admin@banyuwangi.demo")
	if a := upload(other, "/banyuwangi/admin/services/import", exp.body); a.status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", a.status, a.body)
	}
	bt, _ := s.app.Tenants.BySlug(t.Context(), "banyuwangi")
	imported, err := s.app.Catalog.ByCode(t.Context(), bt.ID, "INKAN")
	if err != nil || imported.Published || imported.SLADays != 2 {
		t.Fatalf("imported = %+v, %v (must be unpublished)", imported.Code, err)
	}
	// Importing it again names the clash; a broken file is refused.
	mustContain(t, upload(other, "/banyuwangi/admin/services/import", exp.body), "INKAN")
	if a := upload(other, "/banyuwangi/admin/services/import", "{}"); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty service imported: %d", a.status)
	}
	// Residents do not see the unpublished import.
	res := s.browser(t)
	if a := res.get("/banyuwangi/services/INKAN"); a.status != http.StatusNotFound {
		t.Fatalf("unpublished service shown: %d", a.status)
	}
}

// TestServiceEditorWithoutJSON: an admin edits a service through plain
// fields — in their own language only if they like — and creates one the
// same way; the JSON editor is one link away for experts.
func TestServiceEditorWithoutJSON(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	page := admin.get("/fukuoka/admin/services/INKAN")
	mustContain(t, page, `id="elig_ja"`, `id="output_kind-certificate"`, `href="/fukuoka/admin/services/INKAN/json"`,
		`href="/fukuoka/admin/services/INKAN/requirements"`, `href="/fukuoka/admin/services/INKAN/workflow"`)
	mustNotContain(t, page, `id="workflow"`, `"states"`)
	form := formValues(page.body) // text boxes only: the radio is set below as a browser sends it
	form.Set("output_kind", "certificate")
	form.Set("name_id", "")
	form.Set("name_en", "")
	form.Set("sla_days", "４") // full-width, as typed on a Japanese keyboard
	form.Set("elig_ja", "市内に住民登録のある方")
	form.Set("residents_only", "on")
	if a := admin.post("/fukuoka/admin/services/INKAN", form); a.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	ten, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	svc, _ := s.app.Catalog.ByCode(t.Context(), ten.ID, "INKAN")
	if svc.SLADays != 4 || svc.Names["en"] != "" || svc.Eligibility.Labels["ja"] != "市内に住民登録のある方" || !svc.Eligibility.ResidentsOnly ||
		len(svc.Form.Fields) == 0 || len(svc.Workflow.States) == 0 {
		t.Fatalf("saved %+v", svc)
	}
	// The admin is reminded what is not translated; an English reader is told.
	mustContain(t, admin.get("/fukuoka/admin/services/INKAN"), "まだ翻訳されていない言語：Bahasa Indonesia, English")
	res := s.browser(t)
	mustContain(t, res.get("/fukuoka/services/INKAN?lang=en"), "not translated into English yet", "印鑑")
	// No name at all is refused, on the names.
	form.Set("name_ja", "")
	mustContain(t, admin.post("/fukuoka/admin/services/INKAN", form), "error-summary", `href="#names"`)

	// A new service from the same page starts with a form and a workflow.
	fresh := admin.get("/fukuoka/admin/services/new")
	mustContain(t, fresh, `id="code"`, `value="letter" checked`)
	add := formValues(fresh.body)
	add.Set("output_kind", "letter")
	add.Set("code", "PET-DOG")
	add.Set("name_ja", "犬の登録")
	if a := admin.post("/fukuoka/admin/services", add); a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Location"), "/admin/services/PET-DOG") {
		t.Fatalf("create: %d %q", a.status, a.header.Get("Location"))
	}
	dog, err := s.app.Catalog.ByCode(t.Context(), ten.ID, "PET-DOG")
	if err != nil || len(dog.Form.Fields) != 1 || dog.Workflow.Validate() != nil || dog.Published {
		t.Fatalf("new service %+v %v", dog, err)
	}
}

func TestAdminCalendar(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@neyagawa.demo")
	page := admin.get("/neyagawa/admin/calendar")
	mustContain(t, page, "元日", `id="date-year"`, `id="date-month"`, `id="date-day"`)
	// A day a month ahead, typed in the day, month and year boxes with
	// full-width digits as a Japanese keyboard gives them.
	day := time.Now().AddDate(0, 1, 0)
	wide := func(n int) string {
		return strings.Map(func(r rune) rune { return r - '0' + '０' }, strconv.Itoa(n))
	}
	add := url.Values{"date-year": {wide(day.Year())}, "date-month": {wide(int(day.Month()))}, "date-day": {wide(day.Day())},
		"kind": {"holiday"}, "name": {"年末休み"}}
	if a := admin.post("/neyagawa/admin/calendar", add); a.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", a.status, a.body)
	}
	iso := day.Format("2006-01-02")
	mustContain(t, admin.get("/neyagawa/admin/calendar"), "年末休み", fmt.Sprintf("%d年%d月%d日", day.Year(), day.Month(), day.Day()))
	bad := admin.post("/neyagawa/admin/calendar", url.Values{"date-year": {"2026"}, "date-month": {"2"}, "date-day": {"30"}, "kind": {"holiday"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d", bad.status)
	}
	mustContain(t, bad, `value="30"`, "error-summary") // what was typed comes back
	// Removing asks first; nothing changes until "yes".
	ask := admin.post("/neyagawa/admin/calendar/remove", url.Values{"date": {iso}})
	mustContain(t, ask, "この日をカレンダーから削除しますか？", `name="confirm" value="yes"`, `name="date" value="`+iso+`"`)
	mustContain(t, admin.get("/neyagawa/admin/calendar"), "年末休み")
	admin.post("/neyagawa/admin/calendar/remove", url.Values{"date": {iso}, "confirm": {"yes"}})
	if strings.Contains(admin.get("/neyagawa/admin/calendar").body, "年末休み") {
		t.Fatal("removed day still listed")
	}
	if a := s.browser(t).get("/neyagawa/admin/calendar"); a.status != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", a.status)
	}
}

// formValues reads the inputs and textareas of a page (enough for the
// service editor).
func formValues(page string) url.Values {
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range textareaRe.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	if strings.Contains(page, `id="published" name="published" checked`) {
		v.Set("published", "on")
	}
	return v
}

func upload(b *browser, path, content string) answer {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "service.json")
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	return b.do("POST", path, &buf, mw.FormDataContentType())
}

// TestRequirementsEditor: documents are added by their name in words,
// changed and removed (after yes) on pages, with no JSON.
func TestRequirementsEditor(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	base := "/fukuoka/admin/services/JUMINHYO/requirements"
	mustContain(t, admin.get(base), `name="accept" value="application/pdf" checked`, `id="label_ja"`)
	add := url.Values{"label_ja": {"在留カード"}, "label_en": {"Residence card"}, "accept": {"image/jpeg", "image/png"}, "max_mb": {"５"}}
	if a := admin.post(base, add); a.status != http.StatusSeeOther {
		t.Fatalf("add: %d", a.status)
	}
	ten, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	rq := func(name string) (catalog.Requirement, bool) {
		svc, _ := s.app.Catalog.ByCode(t.Context(), ten.ID, "JUMINHYO")
		for _, r := range svc.Requirements {
			if r.Name == name {
				return r, true
			}
		}
		return catalog.Requirement{}, false
	}
	got, ok := rq("residence_card")
	if !ok || got.Required || got.MaxBytes != 5<<20 || len(got.Accept) != 2 || got.Labels["id"] != "" {
		t.Fatalf("added %+v %v", got, ok)
	}
	// Nothing to accept, and no words: refused, nothing saved.
	bad := admin.post(base+"/residence_card", url.Values{"max_mb": {"50"}})
	mustContain(t, bad, `href="#accept"`, `href="#max_mb"`, `href="#label_ja"`)
	if again, _ := rq("residence_card"); again.MaxBytes != 5<<20 {
		t.Fatal("a refused edit changed the document")
	}
	edit := url.Values{"label_ja": {"在留カード（両面）"}, "required": {"on"}, "accept": {"application/pdf"}, "max_mb": {"10"}}
	if a := admin.post(base+"/residence_card", edit); a.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", a.status)
	}
	if got, _ := rq("residence_card"); !got.Required || got.MaxBytes != 10<<20 || got.Labels["ja"] != "在留カード（両面）" {
		t.Fatalf("edited %+v", got)
	}
	ask := admin.post(base+"/residence_card/delete", nil)
	mustContain(t, ask, "この書類を手続きから削除しますか？", `name="confirm" value="yes"`)
	if _, still := rq("residence_card"); !still {
		t.Fatal("removed before yes")
	}
	admin.post(base+"/residence_card/delete", url.Values{"confirm": {"yes"}})
	if _, still := rq("residence_card"); still {
		t.Fatal("not removed after yes")
	}
}

// TestWorkflowEditor: an admin renames a step, changes its days and makes
// a button ask for a reason, on a page; a step with no name is refused.
func TestWorkflowEditor(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	page := admin.get("/fukuoka/admin/services/INKAN/workflow")
	mustContain(t, page, `id="s0_ja"`, `id="a0_ja"`, `href="/fukuoka/admin/services/INKAN/json"`)
	form := formValues(page.body)
	ten, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	svc, _ := s.app.Catalog.ByCode(t.Context(), ten.ID, "INKAN")
	// The first state with a clock, and the first action.
	clocked := -1
	for i, st := range svc.Workflow.States {
		if !st.End && clocked < 0 && !st.Start {
			clocked = i
		}
	}
	key := "s" + strconv.Itoa(clocked)
	form.Set(key+"_ja", "審査中（担当課）")
	form.Set(key+"_sla", "７")
	form.Set("a0_reason", "on")
	if a := admin.post("/fukuoka/admin/services/INKAN/workflow", form); a.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	svc, _ = s.app.Catalog.ByCode(t.Context(), ten.ID, "INKAN")
	if st := svc.Workflow.States[clocked]; st.Labels["ja"] != "審査中（担当課）" || st.SLADays != 7 || !svc.Workflow.Actions[0].CommentRequired {
		t.Fatalf("saved %+v, %+v", st, svc.Workflow.Actions[0])
	}
	for _, l := range []string{"_id", "_ja", "_en"} {
		form.Set("s0"+l, " ")
	}
	mustContain(t, admin.post("/fukuoka/admin/services/INKAN/workflow", form), "error-summary", `href="#s0_ja"`)
}
