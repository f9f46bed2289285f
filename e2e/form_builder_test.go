package e2e

import "testing"

// TestFormBuilder: a tenant admin adds a question with the form builder,
// and every builder page, the refused one too, passes the page audit.
func TestFormBuilder(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		base := "/neyagawa/admin/services/INKAN/form"
		name := map[bool]string{true: "check_phone", false: "check_desktop"}[p.vp.mobile]
		signIn(p, "admin@neyagawa.demo", base)
		p.Click(`#main a[href="` + base + `/questions/new?section=0"]`)
		choose(p, "#type-yesno")
		p.Click(`#main form button[type=submit]`)
		p.Fill("#name", name)
		p.Fill("#label_id", "Apakah sudah diperiksa?")
		p.Fill("#label_ja", "確認しましたか")
		p.Fill("#label_en", "Has it been checked?")
		p.Click(`#question button[type=submit]`)
		if p.URLPath() != base {
			p.fatalf("after saving the browser is at %s, want %s; error summary: %q", p.Path(), base, short(p.Text(".error-summary")))
		}
		p.Require("#q-"+name, "the new question on the list")
		for _, typ := range []string{"text", "number", "date", "choice", "file"} {
			p.Visit(base + "/questions/new?section=0&type=" + typ)
		}
		p.Visit(base + "/questions/" + name)
		// One language is enough; none is refused, pointing at the
		// tenant's own language (Neyagawa writes Japanese).
		for _, l := range []string{"#label_id", "#label_ja", "#label_en"} {
			p.Fill(l, "")
		}
		if status := p.Click(`#question button[type=submit]`); status != 422 {
			p.errorf("no label in any language: status %d, want 422", status)
		}
		p.Require(`.error-summary a[href="#label_ja"]`, "the missing label in the error summary")
	})
}
