package e2e

import "testing"

// TestServiceEditorPages: the pages that edit a service without JSON —
// the service itself, its documents, its steps — the admin's calendar
// with its date boxes, and the coordinator's national holidays pass the
// page audit (axe-core, targets, reflow at the largest text) on a phone
// and at a desk.
func TestServiceEditorPages(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		base := "/neyagawa/admin/services/INKAN"
		signIn(p, "admin@neyagawa.demo", base)
		p.Require(`#main a[href="`+base+`/requirements"]`, "service editor: link to the documents")
		for _, path := range []string{base + "/requirements", base + "/workflow", base + "/json", "/neyagawa/admin/services/new", "/neyagawa/admin/calendar"} {
			p.Visit(path)
		}
		p.Require("#date-year", "admin calendar: the year box of the date")
		// A refused document (no kind of file ticked) shows its errors.
		p.Visit(base + "/requirements")
		p.Fill("#label_ja", "住民票")
		// Every kind starts ticked; untick them all.
		eval[any](p, `document.querySelectorAll('input[name="accept"]').forEach(c => { c.checked = false }), null`)
		if status := p.Click(`#main form[action="` + base + `/requirements"] button[type=submit]`); status != 422 {
			p.errorf("a document with no kind of file: status %d, want 422", status)
		}
		p.Require(`.error-summary a[href="#accept"]`, "the missing kind of file in the error summary")
	})
}

// TestNationalHolidaysPage: the coordinator's holiday lists pass the page
// audit for a built-in year and for a year still to be published.
func TestNationalHolidaysPage(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		signIn(p, "coordinator@serambi.demo", "/network/tenants")
		p.Click(`#main a[href="/network/holidays"]`)
		p.Require(`#main form[action="/network/holidays/import"]`, "holidays: the import form for a year to come")
		p.Visit("/network/holidays?country=ID&year=2026")
		p.Visit("/network/holidays?country=JP&year=2031")
	})
}
