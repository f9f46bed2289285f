package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/application"
)

var versionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

func version(t *testing.T, body string) string {
	t.Helper()
	m := versionRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version on the page")
	}
	return m[1]
}

// TestApplyThroughPages: a resident applies page by page, an officer sends
// it back, the resident corrects it, the officer approves.
func TestApplyThroughPages(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	a := res.post("/fukuoka/services/JUMINHYO/apply", nil)
	loc := a.header.Get("Location")
	if a.status != http.StatusSeeOther || !strings.HasSuffix(loc, "/edit?section=0") {
		t.Fatalf("apply: %d %q", a.status, loc)
	}
	app := strings.TrimSuffix(loc, "/edit?section=0")
	page := url.Values{"shown": {"copies,household,mynumber,purpose,delivery"}, "copies": {"11"}, "household": {"yes"},
		"mynumber": {"no"}, "purpose": {"work"}, "delivery": {"counter"}}
	bad := res.post(loc, page)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("11 copies accepted: %d", bad.status)
	}
	mustContain(t, bad, "error-summary", `href="#copies"`, `value="11"`)
	// Choosing "other" reveals a question on the same page: the page comes
	// back with it, without an error, before moving on.
	page.Set("purpose", "other")
	page.Set("copies", "2")
	reveal := res.post(loc, page)
	if reveal.status != http.StatusOK || strings.Contains(reveal.body, "error-summary") {
		t.Fatalf("reveal: %d", reveal.status)
	}
	mustContain(t, reveal, `id="purpose_other"`, `value="2"`)
	page.Set("shown", page.Get("shown")+",purpose_other")
	page.Set("purpose_other", "ビザの更新")
	if a := res.post(loc, page); a.status != http.StatusSeeOther || a.header.Get("Location") != app+"/check" {
		t.Fatalf("section 0: %d %q", a.status, a.header.Get("Location"))
	}
	check := res.get(app + "/check")
	mustContain(t, check, "ビザの更新", "はい", `name="requirement" value="id_card"`)
	// Without the required document the application cannot go.
	if a := res.post(app+"/actions", url.Values{"action": {"submit"}, "version": {version(t, check.body)}}); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit without documents: %d", a.status)
	}
	if a := multipartPost(res, app+"/documents", map[string]string{"requirement": "id_card"}, "card.pdf", "<html><script>alert(1)</script>"); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("HTML named .pdf accepted: %d", a.status)
	}
	if a := multipartPost(res, app+"/documents", map[string]string{"requirement": "id_card"}, "マイナンバーカード.pdf", tinyPDF); a.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", a.status, a.body)
	}
	check = res.get(app + "/check")
	link := regexp.MustCompile(`href="(/fukuoka/documents/[0-9a-f-]+)"`).FindStringSubmatch(check.body)
	if link == nil {
		t.Fatal("uploaded document not listed")
	}
	dl := res.get(link[1])
	if dl.status != 200 || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") ||
		dl.header.Get("Content-Type") != "application/pdf" || !strings.Contains(dl.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d %v", dl.status, dl.header)
	}
	stranger := s.browser(t)
	stranger.signin("resident@neyagawa.demo")
	if a := stranger.get(link[1]); a.status != http.StatusNotFound {
		t.Fatalf("a stranger downloads: %d", a.status)
	}
	submit := res.post(app+"/actions", url.Values{"action": {"submit"}, "version": {version(t, check.body)}})
	if submit.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", submit.status, submit.body)
	}
	status := res.get(app)
	mustContain(t, status, "FUK-2026-000001", "提出済み")

	// The officer finds it in the inbox and sends it back with a reason.
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	mustContain(t, off.get("/fukuoka/inbox"), "FUK-2026-000001", "田中 一郎")
	mustContain(t, off.get("/fukuoka/inbox?q="+url.QueryEscape("田中")), "FUK-2026-000001")
	v := version(t, off.get(app).body)
	if a := off.post(app+"/actions", url.Values{"action": {"send_back"}, "version": {v}}); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("send back without a reason: %d", a.status)
	}
	if a := off.post(app+"/actions", url.Values{"action": {"send_back"}, "version": {v}, "comment": {"通数を1通にしてください"}}); a.status != http.StatusSeeOther {
		t.Fatalf("send back: %d", a.status)
	}
	// A second officer acting on the old version is told it changed.
	if a := off.post(app+"/actions", url.Values{"action": {"start_review"}, "version": {v}}); !strings.Contains(a.header.Get("Location"), "changed=1") {
		t.Fatalf("stale action: %d %q", a.status, a.header.Get("Location"))
	}

	// The resident sees the reason, corrects and sends again.
	mustContain(t, res.get(app), "差し戻し中", "通数を1通にしてください")
	page.Set("copies", "1")
	res.post(app+"/edit?section=0", page)
	check = res.get(app + "/check")
	if a := res.post(app+"/actions", url.Values{"action": {"resubmit"}, "version": {version(t, check.body)}}); a.status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", a.status)
	}
	// The resident may not approve their own application.
	if a := res.post(app+"/actions", url.Values{"action": {"start_review"}}); a.status != http.StatusForbidden {
		t.Fatalf("resident start_review: %d", a.status)
	}
	for _, action := range []string{"start_review", "approve"} {
		v := version(t, off.get(app).body)
		if a := off.post(app+"/actions", url.Values{"action": {action}, "version": {v}}); a.status != http.StatusSeeOther {
			t.Fatalf("%s: %d", action, a.status)
		}
	}
	mustContain(t, res.get(app), "承認")

	// Another resident cannot see it at all.
	other := s.browser(t)
	other.signin("resident@neyagawa.demo")
	if a := other.get(app); a.status != http.StatusNotFound {
		t.Fatalf("another resident: %d", a.status)
	}
}

func TestApplicationsAPI(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	res := []string{"Authorization", "Bearer " + b.token("resident@banyuwangi.demo")}
	off := []string{"Authorization", "Bearer " + b.token("officer@banyuwangi.demo")}

	svc := b.get("/api/v1/t/banyuwangi/services/KIA?lang=en")
	mustContain(t, svc, `"fields":[`, `"name":"child_nik"`, `"type":"nik"`, `"label":"Child's NIK"`)

	bad := b.do("POST", "/api/v1/t/banyuwangi/applications", strings.NewReader(`{"service":"KIA","submit":true,
		"answers":{"child_name":"Dimas","child_nik":"3599011505100001","birth_date":"2020-02-30","parent_phone":"0812"}}`), "application/json", res...)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad application: %d %s", bad.status, bad.body)
	}
	mustContain(t, bad, `"field":"child_nik","code":"error.nik.region"`, `"field":"birth_date","code":"error.field.date"`, `"field":"parent_phone"`)

	answers := `"answers":{"child_name":"Dimas","child_nik":"3510011505200001","birth_date":"2020-05-15","parent_phone":"081234567890"}`
	noDocs := b.do("POST", "/api/v1/t/banyuwangi/applications", strings.NewReader(`{"service":"KIA","submit":true,`+answers+`}`), "application/json", res...)
	if noDocs.status != http.StatusUnprocessableEntity || !strings.Contains(noDocs.body, `"code":"error.document.missing"`) {
		t.Fatalf("submitted without documents: %d %s", noDocs.status, noDocs.body)
	}
	var ids []string
	for _, req := range []string{"birth_certificate", "family_card"} {
		up := multipartPost(b, "/api/v1/t/banyuwangi/documents", map[string]string{"service": "KIA", "requirement": req}, req+".pdf", tinyPDF, res...)
		if up.status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", req, up.status, up.body)
		}
		var d struct{ ID string }
		_ = json.Unmarshal([]byte(up.body), &d)
		ids = append(ids, `"`+d.ID+`"`)
	}
	others := []string{"Authorization", "Bearer " + b.token("admin@banyuwangi.demo")}
	stolen := b.do("POST", "/api/v1/t/banyuwangi/applications", strings.NewReader(`{"service":"KIA","documents":[`+ids[0]+`],`+answers+`}`), "application/json", others...)
	if stolen.status != http.StatusUnprocessableEntity {
		t.Fatalf("someone else's document accepted: %d", stolen.status)
	}
	ok := b.do("POST", "/api/v1/t/banyuwangi/applications", strings.NewReader(`{"service":"KIA","submit":true,"documents":[`+
		strings.Join(ids, ",")+`],`+answers+`}`), "application/json", res...)
	if ok.status != http.StatusCreated {
		t.Fatalf("application: %d %s", ok.status, ok.body)
	}
	var created struct{ ID, TrackingNumber, State string }
	_ = json.Unmarshal([]byte(strings.Replace(ok.body, "tracking_number", "TrackingNumber", 1)), &created)
	if created.TrackingNumber != "BWI-2026-000001" || created.State != "submitted" {
		t.Fatalf("created = %+v", created)
	}
	path := "/api/v1/t/banyuwangi/applications/" + created.ID
	mustContain(t, b.get(path, res...), `"actions":[{"action":"withdraw"`)
	mustContain(t, b.get(path, off...), `"action":"start_review"`, `"action":"send_back"`)

	act := func(hdr []string, body string) answer {
		return b.do("POST", path+"/actions", strings.NewReader(body), "application/json", hdr...)
	}
	if a := act(res, `{"action":"approve"}`); a.status != http.StatusConflict {
		t.Fatalf("approve from submitted: %d", a.status)
	}
	if a := act(res, `{"action":"start_review"}`); a.status != http.StatusForbidden {
		t.Fatalf("resident start_review: %d", a.status)
	}
	if a := act(off, `{"action":"start_review","version":99}`); a.status != http.StatusConflict || !strings.Contains(a.body, `"changed"`) {
		t.Fatalf("stale version: %d %s", a.status, a.body)
	}
	if a := act(off, `{"action":"start_review"}`); a.status != http.StatusOK {
		t.Fatalf("start_review: %d %s", a.status, a.body)
	}
	if a := act(off, `{"action":"reject"}`); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("reject without reason: %d", a.status)
	}
	if a := act(off, `{"action":"approve"}`); a.status != http.StatusOK || !strings.Contains(a.body, `"state":"approved"`) {
		t.Fatalf("approve: %d %s", a.status, a.body)
	}

	// Public tracking needs the number and the last 4 phone digits.
	if a := b.get("/api/v1/track/BWI-2026-000001"); a.status != http.StatusNotFound {
		t.Fatalf("track without check: %d", a.status)
	}
	if a := b.get("/api/v1/track/BWI-2026-000001?check=0000"); a.status != http.StatusNotFound {
		t.Fatalf("track with a wrong check: %d", a.status)
	}
	_, _ = s.app.DB.ExecContext(t.Context(), "UPDATE users SET phone = ? WHERE email = ?", "081299998888", "resident@banyuwangi.demo")
	pub := b.get("/api/v1/track/BWI-2026-000001?check=8888&lang=en")
	if pub.status != http.StatusOK {
		t.Fatalf("track: %d %s", pub.status, pub.body)
	}
	mustContain(t, pub, `"state":"approved"`, `"service":"Child identity card (KIA)"`)
	if strings.Contains(pub.body, "Dimas") || strings.Contains(pub.body, "3510") {
		t.Fatal("public status shows personal data")
	}
	mustContain(t, b.get("/track?number=BWI-2026-000001&check=8888"), "Disetujui")
	// Typed on a Japanese keyboard: full-width letters, digits and dashes.
	mustContain(t, b.get("/track?number="+url.QueryEscape("ＢＷＩ－２０２６ー０００００１")+"&check="+url.QueryEscape("８８８８")), "Disetujui")
}

// TestApprovalIssuesAVerifiableResult: approval produces a printable paper
// whose QR code opens a public page that says it is genuine, and an edit of
// the record shows as altered.
func TestApprovalIssuesAVerifiableResult(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	a := approvedIn(t, s, "fukuoka", "resident@fukuoka.demo", "officer@fukuoka.demo")
	app := "/fukuoka/applications/" + a.ID
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	mustContain(t, res.get(string(app)), string(app+"/result"))
	paper := res.get(string(app + "/result"))
	if paper.status != 200 {
		t.Fatalf("result: %d", paper.status)
	}
	mustContain(t, paper, "住民票の写し", "田中 一郎", a.TrackingNumber, `/qr.png"`)
	code := regexp.MustCompile(`/verify/([A-Z2-7]{16})`).FindStringSubmatch(paper.body)
	if code == nil {
		t.Fatal("no verification link on the paper")
	}
	anon := s.browser(t)
	v := anon.get("/verify/" + code[1])
	if v.status != 200 {
		t.Fatalf("verify: %d", v.status)
	}
	mustContain(t, v, "本物", a.TrackingNumber, "田… 一…")
	if strings.Contains(v.body, "田中 一郎") {
		t.Error("the public page shows the full name")
	}
	if qr := anon.get("/verify/" + code[1] + "/qr.png"); qr.status != 200 || qr.header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr: %d", qr.status)
	}
	if r := anon.get("/verify/AAAAAAAAAAAAAAAA"); r.status != http.StatusNotFound {
		t.Fatalf("unknown code: %d", r.status)
	}
	if r := anon.get(string(app + "/result")); r.status != http.StatusSeeOther {
		t.Fatalf("anonymous result page: %d", r.status)
	}
	// Someone edits the stored record: the page must stop calling it genuine.
	if _, err := s.app.DB.ExecContext(t.Context(), "UPDATE results SET content = REPLACE(content, '田中', '山田')"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, anon.get("/verify/"+code[1]), "一致しません")
}

// tinyPDF is the smallest file the document store takes as a PDF.
const tinyPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// multipartPost sends fields (in order of the map's sorted keys, service
// before requirement) and then one file.
func multipartPost(b *browser, path string, fields map[string]string, filename, content string, hdr ...string) answer {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range []string{"service", "requirement"} {
		if v, ok := fields[k]; ok {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	return b.do("POST", path, &buf, mw.FormDataContentType(), hdr...)
}

func TestAssignToAColleague(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	a := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	app := "/fukuoka/applications/" + a.ID
	page := admin.get(string(app))
	officer, _ := s.app.Identity.ByLogin(t.Context(), "officer@fukuoka.demo")
	mustContain(t, page, string(`<option value="`+officer.ID+`"`))
	if r := admin.post(string(app+"/assign"), url.Values{"to": {string(officer.ID)}, "version": {version(t, page.body)}}); r.status != http.StatusSeeOther {
		t.Fatalf("assign: %d", r.status)
	}
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	mustContain(t, off.get("/fukuoka/inbox?assigned=me"), a.TrackingNumber)
	// Not to a resident.
	res, _ := s.app.Identity.ByLogin(t.Context(), "resident@fukuoka.demo")
	if r := admin.post(string(app+"/assign"), url.Values{"to": {string(res.ID)}}); r.status != http.StatusBadRequest {
		t.Fatalf("assign to a resident: %d", r.status)
	}
}

// approvedIn is a submitted application of email's resident in slug that
// the officer has reviewed and approved through the pages.
func approvedIn(t *testing.T, s *site, slug, email, officer string) application.Application {
	t.Helper()
	a := applicationIn(t, s, slug, email)
	off := s.browser(t)
	off.signin(officer)
	app := "/" + slug + "/applications/" + string(a.ID)
	for _, action := range []string{"start_review", "approve"} {
		if r := off.post(app+"/actions", url.Values{"action": {action}, "version": {version(t, off.get(app).body)}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d", action, r.status)
		}
	}
	return a
}

// TestAssignOnlyOpenWork: "assign to me" is offered only on a sent,
// undecided application nobody has yet; a decided one cannot be assigned
// even by a hand-made request.
func TestAssignOnlyOpenWork(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	const assignMe = `name="to" value="me"`

	open := "/fukuoka/applications/" + applicationIn(t, s, "fukuoka", "resident@fukuoka.demo").ID
	page := off.get(string(open))
	mustContain(t, page, assignMe, `id="assign-to"`)
	if r := off.post(string(open+"/assign"), url.Values{"to": {"me"}, "version": {version(t, page.body)}}); !strings.Contains(r.header.Get("Location"), "done=saved") {
		t.Fatalf("assign to me: %d %q", r.status, r.header.Get("Location"))
	}
	mustNotContain(t, off.get(string(open)), assignMe) // already theirs

	decided := approvedIn(t, s, "fukuoka", "resident@fukuoka.demo", "officer@fukuoka.demo")
	page = off.get(string("/fukuoka/applications/" + decided.ID))
	mustNotContain(t, page, assignMe, `id="assign-to"`)
	r := off.post(string("/fukuoka/applications/"+decided.ID+"/assign"), url.Values{"to": {"me"}, "version": {"0"}})
	if !strings.Contains(r.header.Get("Location"), "changed=1") {
		t.Fatalf("assigning a decided application: %d %q", r.status, r.header.Get("Location"))
	}
	if got, _ := s.app.Apps.Get(t.Context(), decided.TenantID, decided.ID); got.AssignedTo != decided.AssignedTo {
		t.Errorf("a decided application was assigned to %q", got.AssignedTo)
	}
}

// TestDeadlineWording: the resident reads the service's promise, the
// officer the deadline of the step the application is in.
func TestDeadlineWording(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	a := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	path := "/fukuoka/applications/" + a.ID + "?lang=en"
	res, off := s.browser(t), s.browser(t)
	res.signin("resident@fukuoka.demo")
	off.signin("officer@fukuoka.demo")
	resident, officer := res.get(string(path)), off.get(string(path))
	mustContain(t, resident, "We promise a decision by ")
	mustNotContain(t, resident, "is due by")
	mustContain(t, officer, "” is due by ")
	mustNotContain(t, officer, "We promise")
}
