package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/config"
)

// TestUploadQuota: a person who has uploaded their day's share is told so
// in their language (429), on the page and through the API; a file before
// an application only goes to a tenant where the user belongs.
func TestUploadQuota(t *testing.T) {
	t.Parallel()
	s := startSiteWith(t, false, nil, func(c *config.Config) { c.UploadQuotaMB = 1 })
	big := tinyPDF[:len(tinyPDF)-7] + strings.Repeat(" ", 600<<10) + "\n%%EOF\n" // 600 KB

	res := s.browser(t)
	res.signin("resident@fukuoka.demo")
	a := res.post("/fukuoka/services/JUMINHYO/apply", nil)
	app := strings.TrimSuffix(a.header.Get("Location"), "/edit?section=0")
	if r := multipartPost(res, app+"/documents", map[string]string{"requirement": "id_card"}, "card.pdf", big); r.status != http.StatusSeeOther {
		t.Fatalf("first 600 KB: %d %s", r.status, r.body)
	}
	page := multipartPost(res, app+"/documents", map[string]string{"requirement": "id_card"}, "card2.pdf", big)
	if page.status != http.StatusTooManyRequests {
		t.Fatalf("second 600 KB with a 1 MB quota: %d", page.status)
	}
	mustContain(t, page, "1日にアップロードできる量（1 MB）に達しました")

	tok := res.token("resident@fukuoka.demo")
	for lang, want := range map[string]string{
		"id": "Anda sudah mengunggah sebanyak batas untuk satu orang dalam sehari (1 MB)",
		"en": "You have uploaded as much as one person may in a day (1 MB)",
		"ja": "1日にアップロードできる量（1 MB）に達しました",
	} {
		r := multipartPost(res, "/api/v1/t/fukuoka/documents?lang="+lang, map[string]string{"service": "JUMINHYO", "requirement": "id_card"},
			"card.pdf", big, "Authorization", "Bearer "+tok)
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("API upload over quota (%s): %d %s", lang, r.status, r.body)
		}
		mustContain(t, r, `"upload_quota"`, want)
	}

	// Banyuwangi's resident cannot park files in Fukuoka's store.
	other := s.browser(t)
	otherTok := other.token("resident@banyuwangi.demo")
	r := multipartPost(other, "/api/v1/t/fukuoka/documents", map[string]string{"service": "JUMINHYO", "requirement": "id_card"},
		"card.pdf", tinyPDF, "Authorization", "Bearer "+otherTok)
	if r.status != http.StatusForbidden {
		t.Fatalf("upload to a tenant the user does not belong to: %d %s", r.status, r.body)
	}
	mustContain(t, r, `"not_member"`)
}

// TestUploadPartsWithHiddenCharacters: the text parts of an upload are
// checked like any other text (a NUL or a direction override is refused).
func TestUploadPartsWithHiddenCharacters(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	tok := b.token("resident@banyuwangi.demo")
	r := multipartPost(b, "/api/v1/t/banyuwangi/documents", map[string]string{"service": "KIA\u202e", "requirement": "birth_certificate"},
		"akta.pdf", tinyPDF, "Authorization", "Bearer "+tok)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("service with a direction override: %d %s", r.status, r.body)
	}
	mustContain(t, r, `"problem.hidden_controls"`)
}
