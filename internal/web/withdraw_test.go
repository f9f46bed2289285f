package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestWithdrawingAsksFirst: withdrawing is one tap too many to undo. The
// first press shows a page that asks (no JavaScript needed) and changes
// nothing; "yes" withdraws and says plainly what happened and what next.
func TestWithdrawingAsksFirst(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	a := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	app := "/fukuoka/applications/" + a.ID
	page := res.get(string(app))
	mustContain(t, page, `name="action" value="withdraw"`)
	v := version(t, page.body)

	ask := res.post(string(app+"/actions"), url.Values{"action": {"withdraw"}, "version": {v}})
	if ask.status != http.StatusOK {
		t.Fatalf("first press: %d", ask.status)
	}
	mustContain(t, ask, "この申請を取り下げますか", a.TrackingNumber, `name="confirm" value="yes"`, "いいえ、申請を続けます", string(`href="`+app+`"`))
	if got, err := s.app.Apps.ByTrackingNumber(t.Context(), a.TrackingNumber); err != nil || got.DecidedAt != nil {
		t.Fatalf("the first press already withdrew: %+v %v", got.DecidedAt, err)
	}

	yes := res.post(string(app+"/actions"), url.Values{"action": {"withdraw"}, "version": {v}, "confirm": {"yes"}})
	if yes.status != http.StatusSeeOther || !strings.HasSuffix(yes.header.Get("Location"), "?done=withdrawn") {
		t.Fatalf("yes: %d %q", yes.status, yes.header.Get("Location"))
	}
	mustContain(t, res.get(yes.header.Get("Location")), "申請を取り下げました", "新しく申請できます")
	if got, _ := s.app.Apps.ByTrackingNumber(t.Context(), a.TrackingNumber); got.DecidedAt == nil {
		t.Fatal("not withdrawn after yes")
	}
}

// TestTrackingWithTheCheckCode: an applicant with only an email (the demo
// resident gave no phone and no NIK) can use public tracking with the check
// code shown on their application.
func TestTrackingWithTheCheckCode(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	a := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	m := regexp.MustCompile(`確認コードは ([A-Z0-9]{6}) です`).FindStringSubmatch(res.get(string("/fukuoka/applications/" + a.ID)).body)
	if m == nil {
		t.Fatal("the applicant's page shows no check code")
	}
	code := m[1]
	anon := s.browser(t)
	for _, typed := range []string{code, strings.ToLower(code[:3]) + " " + code[3:]} {
		mustContain(t, anon.get("/track?number="+url.QueryEscape(a.TrackingNumber)+"&check="+url.QueryEscape(typed)), "受付", `class="timeline"`)
	}
	if a := anon.get("/track?number=" + url.QueryEscape(a.TrackingNumber) + "&check=AAAAAA"); a.status != http.StatusNotFound {
		t.Errorf("a wrong check code: %d", a.status)
	}
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	if strings.Contains(officer.get(string("/fukuoka/applications/"+a.ID)).body, code) {
		t.Error("the check code is shown to an officer, not only the applicant")
	}
}

// TestAfterSendingTheResidentKnowsWhatComesNext: the fee and how to pay
// it, what to bring, and where the result goes; choosing the post asks for
// the address and then repeats it back.
func TestAfterSendingTheResidentKnowsWhatComesNext(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	a := res.post("/fukuoka/services/JUMINHYO/apply", nil)
	app := strings.TrimSuffix(a.header.Get("Location"), "/edit?section=0")
	page := url.Values{"shown": {"copies,household,mynumber,purpose,delivery,postal_address"}, "copies": {"1"}, "household": {"yes"},
		"mynumber": {"no"}, "purpose": {"work"}, "delivery": {"post"}}
	noAddress := res.post(app+"/edit?section=0", page)
	if noAddress.status != http.StatusUnprocessableEntity || !strings.Contains(noAddress.body, `href="#postal_address"`) {
		t.Fatalf("post without an address: %d", noAddress.status)
	}
	page.Set("postal_address", "〒810-0001 福岡市中央区天神1-8-1")
	if r := res.post(app+"/edit?section=0", page); r.status != http.StatusSeeOther {
		t.Fatalf("section with an address: %d %s", r.status, r.body)
	}
	if r := multipartPost(res, app+"/documents", map[string]string{"requirement": "id_card"}, "card.pdf", tinyPDF); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	check := res.get(app + "/check")
	sent := res.post(app+"/actions", url.Values{"action": {"submit"}, "version": {version(t, check.body)}})
	if sent.status != http.StatusSeeOther || !strings.HasSuffix(sent.header.Get("Location"), "?done=submitted") {
		t.Fatalf("submit: %d %q", sent.status, sent.header.Get("Location"))
	}
	mustContain(t, res.get(sent.header.Get("Location")), "申請を送信しました", "これからの流れ",
		"手数料は300円です", "窓口でお支払いください", "本人確認書類", "次の住所に郵送します：〒810-0001 福岡市中央区天神1-8-1")
}
