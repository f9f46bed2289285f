package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestAuditPageNamesActionsInTheReadersLanguage: a Japanese admin reads
// what happened in Japanese, not "kiosk.register".
func TestAuditPageNamesActionsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	page := admin.get("/fukuoka/admin/audit")
	mustContain(t, page, "<strong>キオスクを登録</strong>", "<strong>手続きを保存</strong>")
	for _, m := range regexp.MustCompile(`<strong>([^<]*)</strong>`).FindAllStringSubmatch(page.body, -1) {
		if regexp.MustCompile(`^[a-z_]+\.[a-z_.]+$`).MatchString(strings.TrimSpace(m[1])) {
			t.Errorf("the audit page names an action by its raw code %q", m[1])
		}
	}
	// Details too are worded for the reader, never stored JSON or English.
	mustContain(t, page, "公開：はい、結果まで")
	mustNotContain(t, page, "{&#34;say&#34;", `{"say"`, "published true")
	id := s.browser(t)
	id.signin("admin@banyuwangi.demo")
	mustContain(t, id.get("/banyuwangi/admin/audit?lang=id"), "Diterbitkan: Ya; keputusan dijanjikan dalam")
}
