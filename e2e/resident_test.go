package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// steps runs the named steps of a journey in order as subtests of t, all on
// the same page. It goes on after a step's errors (an audit finding, say)
// and stops after a step that could not finish.
func steps(t *testing.T, p *Page, ss ...step) {
	t.Helper()
	parent := p.t
	defer func() { p.t = parent }()
	for _, s := range ss {
		finished := false
		t.Run(s.name, func(t *testing.T) {
			p.t = t
			s.fn()
			finished = true // not reached after a Fatal
		})
		if !finished {
			return // the next steps need this one done
		}
	}
}

type step struct {
	name string
	fn   func()
}

// signOut submits the header's sign-out form and checks the sign-in link
// is back.
func signOut(p *Page) {
	p.t.Helper()
	p.Require("form.signout", "sign-out form in the header while signed in")
	p.Click("form.signout button")
	if p.Has("form.signout") {
		p.errorf("form.signout is still on the page after signing out")
	}
	p.Expect(`a[href^="/signin"]`, "sign-in link in the header after signing out")
}

// headerShows checks that the page header carries text (a user's or a
// tenant's name).
func headerShows(p *Page, text, why string) {
	p.t.Helper()
	if h := p.Text("header"); !strings.Contains(h, text) {
		p.errorf("header does not show %q (%s); header text is %q", text, why, short(h))
	}
}

// TestResidentAccount registers a resident, signs out, signs in again (to
// /signin?next=/account) with a wrong and then the right password, checks
// the account page, and signs out (contract tests 1, 2 and 5).
// TestWithoutJavaScript covers a sign-in without next.
func TestResidentAccount(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		stamp := time.Now().UnixNano()
		name := fmt.Sprintf("Sri Wahyuni %s", strings.SplitN(p.vp.name, "-", 2)[0])
		email := fmt.Sprintf("e2e.%d@example.org", stamp)
		password := "kopi-tubruk-di-beranda-2026"
		phone := fmt.Sprintf("0812%08d", stamp%100_000_000)

		steps(t, p,
			step{"register with mistakes", func() {
				p.Visit("/banyuwangi/register")
				for _, sel := range []string{"#name", "#email", "#phone", "#password", "#lang", "#main button[type=submit]"} {
					p.Require(sel, "registration form field")
				}
				p.Fill("#name", name)
				p.Fill("#email", "not-an-email")
				p.Fill("#phone", phone)
				p.Fill("#password", "short")
				submitAnyway(p, "#main button[type=submit]")
				p.Click("#main button[type=submit]")
				if p.URLPath() != "/banyuwangi/register" {
					p.fatalf("a bad form should come back to /banyuwangi/register with errors, went to %s", p.Path())
				}
				checkErrorSummary(p, "#email", "#password")
				if got := p.Value("#name"); got != name {
					p.errorf("#name is %q after the error, want the typed %q kept", got, name)
				}
				if got := p.Value("#email"); got != "not-an-email" {
					p.errorf("#email is %q after the error, want the typed %q kept", got, "not-an-email")
				}
				if got := p.Value("#password"); got != "" {
					p.errorf("#password came back filled in (%d characters); it must never be sent back", len(got))
				}
			}},
			step{"register", func() {
				p.Fill("#email", email)
				p.Fill("#password", password)
				p.Select("#lang", "id")
				p.Click("#main button[type=submit]")
				if p.URLPath() != "/banyuwangi/" {
					p.fatalf("after registering the browser is at %s, want /banyuwangi/; error summary: %q", p.Path(), short(p.Text(".error-summary")))
				}
				headerShows(p, name, "the signed-in user's name")
				p.Expect("form.signout", "sign-out form in the header while signed in")
			}},
			step{"sign out", func() { signOut(p) }},
			step{"sign in with a wrong password", func() {
				p.Visit("/signin?next=/account")
				p.Require("#login", "sign-in form")
				p.Require("#password", "sign-in form")
				p.Fill("#login", email)
				p.Fill("#password", "not-my-password-at-all")
				p.Click("#main button[type=submit]")
				p.Expect(".error-summary", "error summary after a wrong password")
				if p.Has("form.signout") {
					p.errorf("signed in with a wrong password")
				}
				if got := p.Value("#password"); got != "" {
					p.errorf("#password came back filled in after a failed sign-in")
				}
			}},
			step{"sign in", func() {
				if p.URLPath() != "/signin" {
					p.Visit("/signin?next=/account")
				}
				p.Fill("#login", email)
				p.Fill("#password", password)
				p.Click("#main button[type=submit]")
				// The wrong password came first: next must survive it.
				if p.URLPath() != "/account" {
					p.fatalf("after signing in from /signin?next=/account (after one wrong password) the browser is at %s, want /account; error summary: %q", p.Path(), short(p.Text(".error-summary")))
				}
				headerShows(p, name, "the signed-in user's name")
			}},
			step{"account page", func() {
				p.Expect("#pref_lang", "account: language select")
				p.Expect("#pref_text_size", "account: text size select")
				p.Expect(`form[action="/account/password"]`, "account: password change form")
				p.Expect(`form[action="/account/sessions/end-all"]`, `account: "sign out everywhere" form`)
			}},
			step{"sign out again", func() { signOut(p) }},
		)
	})
}

// submitAnyway notes when the browser's own form validation would stop the
// form from reaching the server, and turns it off for this submit so the
// server's error summary can be checked.
func submitAnyway(p *Page, button string) {
	p.t.Helper()
	valid := eval[bool](p, `(() => {
		const f = document.querySelector(`+jsString(button)+`).form;
		if (!f || f.noValidate) return true;
		const ok = f.checkValidity();
		f.noValidate = true;
		return ok;
	})()`)
	if !valid {
		p.logf("the browser's built-in validation blocks this form (no novalidate); the server's error summary is checked with it turned off")
	}
}

// checkErrorSummary checks the error summary: role=alert, a link to each of
// the fields, and an inline error per field.
func checkErrorSummary(p *Page, fields ...string) {
	p.t.Helper()
	if !p.Expect(".error-summary", "error summary on a form with errors") {
		return
	}
	if role := eval[string](p, `document.querySelector(".error-summary").getAttribute("role") || ""`); role != "alert" {
		p.errorf(`.error-summary has role=%q, want "alert"`, role)
	}
	for _, f := range fields {
		p.Expect(`.error-summary a[href="`+f+`"]`, "error summary links to the field")
	}
	if n := p.Count(".field-error"); n < len(fields) {
		p.errorf("%d inline .field-error messages, want one for each of %v", n, fields)
	}
}

// TestLanguageSwitch switches to Japanese with the language links, checks
// the choice sticks without the query, then switches to English (test 3).
func TestLanguageSwitch(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		p.Visit("/banyuwangi/")
		for _, want := range []string{"ja", "en"} {
			p.OpenPrefs()
			p.Click(`a[hreflang="` + want + `"]`)
			if u, _ := url.Parse(p.Path()); u == nil || u.Query().Get("lang") != want {
				p.errorf("the %s link led to %s, want ?lang=%s", want, p.Path(), want)
			}
			if got := p.Lang(); got != want {
				p.errorf("<html lang=%q> after choosing %s", got, want)
			}
			p.Visit("/banyuwangi/")
			if got := p.Lang(); got != want {
				p.errorf("<html lang=%q> on the next page without ?lang, want the chosen %q to stick", got, want)
			}
			p.Visit("/signin")
			if got := p.Lang(); got != want {
				p.errorf("<html lang=%q> on another page, want the chosen %q to stick", got, want)
			}
			p.Visit("/banyuwangi/")
		}
	})
}

// TestTextSize makes the text larger with the text-size form (test 4).
func TestTextSize(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		p.Visit("/banyuwangi/register")
		if cls := p.HTMLClasses(); !slices.Contains(cls, "text-normal") {
			p.errorf("<html class=%q> on a first visit, want text-normal", strings.Join(cls, " "))
		}
		normal := p.BodyFontSize()
		if normal < 18 {
			p.errorf("body text is %gpx at the normal size, want at least 18px", normal)
		}
		p.OpenPrefs()
		p.Click(`form.text-size button[name="text"][value="larger"]`)
		if p.URLPath() != "/banyuwangi/register" {
			p.errorf("the text-size form led to %s, want back to /banyuwangi/register", p.Path())
		}
		if cls := p.HTMLClasses(); !slices.Contains(cls, "text-larger") {
			p.errorf("<html class=%q> after choosing larger text, want text-larger", strings.Join(cls, " "))
		}
		if larger := p.BodyFontSize(); larger <= normal {
			p.errorf("body text is %gpx after choosing larger text, want more than the normal %gpx", larger, normal)
		} else {
			p.logf("body text %gpx at normal, %gpx at larger", normal, larger)
		}
		p.Visit("/")
		if cls := p.HTMLClasses(); !slices.Contains(cls, "text-larger") {
			p.errorf("<html class=%q> on the next page, want the chosen text-larger to stick", strings.Join(cls, " "))
		}
		p.OpenPrefs()
		p.Click(`form.text-size button[name="text"][value="normal"]`)
		if cls := p.HTMLClasses(); !slices.Contains(cls, "text-normal") {
			p.errorf("<html class=%q> after choosing normal text again, want text-normal", strings.Join(cls, " "))
		}
	})
}

// TestNetworkSearch finds Fukuoka from the network home by its romaji,
// kana and kanji names and follows the result (test 6).
func TestNetworkSearch(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		p.Visit("/")
		p.Require("form[role=search]", "network home: search form")
		p.Require("form[role=search] #q", "network home: search input")
		p.Fill("#q", "fukuoka")
		if p.Has("form[role=search] button") {
			p.Click("form[role=search] button")
		} else {
			p.errorf("form[role=search] has no button to submit it")
			return
		}
		if got := p.Path(); !strings.Contains(got, "q=fukuoka") {
			p.errorf("search led to %s, want a GET with q=fukuoka", got)
		}
		p.Expect(`ul.tenant-results a[href="/fukuoka/"]`, `search for "fukuoka" lists Fukuoka`)
		for _, q := range []string{"ふくおか", "福岡"} {
			p.Visit("/?q=" + url.QueryEscape(q))
			p.Expect(`ul.tenant-results a[href="/fukuoka/"]`, fmt.Sprintf("search for %q lists Fukuoka", q))
		}
		p.Click(`ul.tenant-results a[href="/fukuoka/"]`)
		if p.URLPath() != "/fukuoka/" {
			p.fatalf("the result led to %s, want /fukuoka/", p.Path())
		}
		// Chromium asks for en-US, so the page may be in English: either
		// name will do here; TestTenantDefaultLanguage checks the default.
		if h := p.Text("header"); !strings.Contains(h, "福岡市") && !strings.Contains(h, "Fukuoka City") && !strings.Contains(h, "Kota Fukuoka") {
			p.errorf("header does not show the tenant's name; header text is %q", short(h))
		}
		p.Expect(".tiles a, .tiles .tile", "tenant home: service tiles")
	})
}

// TestTenantDefaultLanguage visits each tenant with an Accept-Language no
// tenant speaks, so its default language decides.
func TestTenantDefaultLanguage(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		for _, c := range []struct{ path, lang, name string }{
			{"/banyuwangi/", "id", "Kabupaten Banyuwangi"},
			{"/fukuoka/", "ja", "福岡市"},
		} {
			p.ClearCookies()
			p.Visit(c.path)
			if got := p.Lang(); got != c.lang {
				p.errorf("<html lang=%q> with Accept-Language: fr and no cookie, want the tenant default %q", got, c.lang)
			}
			headerShows(p, c.name, "tenant name in the page language")
			p.Expect(".tiles a, .tiles .tile", "tenant home: service tiles")
		}
	}, withAcceptLanguage("fr"))
}

// TestWithoutJavaScript signs in and reaches the tenant home with the
// page's scripts turned off.
func TestWithoutJavaScript(t *testing.T) {
	eachViewport(t, func(t *testing.T, p *Page) {
		p.Visit("/signin")
		p.Fill("#login", "resident@banyuwangi.demo")
		p.Fill("#password", demoPassword)
		p.Click("#main button[type=submit]")
		if p.URLPath() != "/banyuwangi/" {
			p.fatalf("after signing in without JavaScript the browser is at %s, want /banyuwangi/; error summary: %q", p.Path(), short(p.Text(".error-summary")))
		}
		p.Expect("form.signout", "signed in: sign-out form in the header")
		p.Expect(".tiles a, .tiles .tile", "tenant home: service tiles")
	}, withoutJavaScript())
}
