package locale

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestCatalogsHaveTheSameKeys fails when a message is missing in id, ja or
// en, or when its placeholders differ between languages.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%(\[\d+\])?[sdv]`)
	for _, k := range c.Keys("en") {
		want := sortedVerbs(verbs, c.msgs["en"][k])
		for _, l := range Langs {
			m, ok := c.msgs[l][k]
			if !ok {
				t.Errorf("%s: missing key %q", l, k)
				continue
			}
			if strings.TrimSpace(m) == "" {
				t.Errorf("%s: empty message %q", l, k)
			}
			if got := sortedVerbs(verbs, m); got != want {
				t.Errorf("%s %q: placeholders %s, English has %s", l, k, got, want)
			}
		}
	}
	for _, l := range Langs {
		for _, k := range c.Keys(l) {
			if !c.Has("en", k) {
				t.Errorf("%s has key %q that English lacks", l, k)
			}
		}
	}
}

func sortedVerbs(re *regexp.Regexp, s string) string {
	v := re.FindAllString(s, -1)
	sort.Strings(v)
	return strings.Join(v, ",")
}

// TestEveryUsedKeyExists scans the templates and Go sources for message keys
// and fails on any that no catalog defines.
func TestEveryUsedKeyExists(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	inTemplate := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	inGo := regexp.MustCompile(`"((?:error|flash|problem|home|tenant|signin|otp|register|account|totp|staff|network|audit|field|form|layout|tile|role|status|lang|service|services|apply|check|application|inbox|mine|track|timeline|state|result|verify|admin|calendar|documents|assist|outbox|counter|counters|appointment|appointments|desk|ticket|queue|board|builder|call|kiosk|poster|family|next|confirm|class|course)\.[a-z0-9_.]+)"`)
	used := map[string]string{}
	root := filepath.Join("..", "..", "internal")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(p, ".html"):
			re = inTemplate
		case strings.HasSuffix(p, ".go"):
			re = inGo
		default:
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	if len(used) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	// Keys built at run time from a fixed list.
	for _, k := range []string{"services", "counter", "classes", "knowledge", "register", "account", "staff", "mine", "inbox", "assist", "desk"} {
		used["tile."+k+".title"], used["tile."+k+".text"] = "tiles", "tiles"
	}
	for _, k := range []string{"submitted", "in_review", "sent_back"} {
		used["state."+k] = "inbox states"
	}
	used["timeline.create"], used["timeline.escalate"] = "timeline", "timeline"
	for _, k := range []string{"booked", "cancelled", "no_show", "done"} {
		used["appointment.status."+k] = "appointments"
	}
	for _, k := range []string{"queued", "sent", "failed", "kept"} {
		used["outbox.status."+k] = "outbox"
	}
	for k := 1; k <= 4; k++ {
		used[fmt.Sprintf("call.rate.%d", k)] = "call rating"
	}
	for _, k := range []string{"admin", "officer", "instructor", "resident"} {
		used["role."+k] = "roles"
	}
	for _, k := range []string{"400", "403", "404", "405", "413", "429", "500", "text", "410"} {
		used["error.page."+k+".title"], used["error.page."+k+".text"] = "errors", "errors"
	}
	// Strings that look like keys but are audit actions, prefixes or files.
	notKeys := map[string]bool{"tenant.create": true, "tenant.update": true, "tenant.status": true, "tenant.practice": true, "staff.create": true,
		"layout.html": true, "error.page.400": true, "error.page.403": true, "error.page.404": true, "error.page.429": true,
		"error.page.500": true, "error.page.405": true, "error.page.413": true, "error.page.text": true, "error.page.410": true,
		"service.save": true, "application.create": true, "application.assign": true, "result.issue": true,
		"result.html": true, "calendar.set": true, "calendar.remove": true, "application.confirm": true,
		"application.confirm_request": true, "application.escalate": true, "counter.save": true, "counter.exception": true,
		"counter.exception_remove": true, "appointment.book": true, "appointment.reschedule": true, "appointment.no_show": true, "ticket.take": true, "ticket.call": true,
		"ticket.call_again": true, "ticket.start": true, "ticket.finish": true, "ticket.no_show": true, "ticket.cancel": true,
		"ticket.transfer": true, "call.open": true, "call.end": true, "call.rate": true, "call.invite": true,
		"call.invite_use": true, "kiosk.register": true, "kiosk.revoke": true, "kiosk.setup": true,
		"course.create": true, "class.session.create": true, "class.session.capacity": true, "class.enrol": true,
		"class.cancel": true, "class.promote": true, "class.ics": true, "class.attended": true, "class.absent": true, "class.session.cancel": true,
		"class.certificate": true, "class.supporter.apply": true, "class.supporter.training": true, "class.assign": true,
		"class.unassign": true, "class.hours": true, "class.supporter.": true, "course.update": true, "course.lesson": true,
		"course.lesson_move": true, "course.lesson_delete": true, "course.share": true, "class.session.change": true,
		"class.picture": true}
	for k, where := range used {
		if strings.HasSuffix(k, ".") || notKeys[k] {
			continue
		}
		if !c.Has("en", k) && !c.Has("en", k+".other") { // a counted message (Catalog.N) has forms
			t.Errorf("key %q used in %s is in no catalog", k, where)
		}
	}
}

// TestPluralForms: counts read right in each language, and every counted
// message has both forms in every catalog.
func TestPluralForms(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{{"en", 1, "1 person ahead of you."}, {"en", 2, "2 people ahead of you."}, {"en", 0, "0 people ahead of you."},
		{"id", 1, "1 orang di depan Anda."}, {"ja", 1, "あなたの前に1人います。"}} {
		if got := c.N(tc.lang, "ticket.ahead", tc.n); got != tc.want {
			t.Errorf("N(%s, ticket.ahead, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	for _, l := range Langs {
		for _, k := range c.Keys(l) {
			if strings.HasSuffix(k, ".one") && !c.Has(l, strings.TrimSuffix(k, ".one")+".other") {
				t.Errorf("%s: %q has no .other form", l, k)
			}
		}
	}
}

// TestEveryAuditActionHasAName: each action the code writes to the audit
// trail is named in every language, so the audit page shows no raw codes.
// Actions built at run time are listed here by hand: a workflow's standard
// actions and a family link's statuses.
func TestEveryAuditActionHasAName(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	written := regexp.MustCompile(`(?:Action: *|\.Entry\([^,()]+, *|change\{)"([a-z_]+\.[a-z_.]*[a-z_])"`)
	actions := map[string]string{}
	for _, a := range []string{"submit", "resubmit", "start_review", "send_back", "approve", "reject", "withdraw"} {
		actions["application."+a] = "workflow.Standard"
	}
	for _, s := range []string{"approved", "ended"} {
		actions["family."+s] = "identity/family.go"
	}
	root := filepath.Join("..", "..", "internal")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range written.FindAllStringSubmatch(string(b), -1) {
			actions[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) < 50 {
		t.Fatalf("found only %d audit actions: the pattern no longer matches how the code writes them", len(actions))
	}
	for a, where := range actions {
		for _, l := range Langs {
			if !c.Has(l, "audit.action."+a) {
				t.Errorf("%s: audit action %q (written in %s) has no name", l, a, where)
			}
		}
	}
}
