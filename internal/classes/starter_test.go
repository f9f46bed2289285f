package classes_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/locale"
)

// The starter curriculum: three levels, at least ten lessons, every one in
// every language, the country's own examples where they differ, and lines
// short enough for an older learner to follow one step at a time.
func TestStarterCurriculum(t *testing.T) {
	for _, tc := range []struct{ country, app, id, notApp, notID string }{
		{"ID", "WhatsApp", "IKD", "LINE", "My Number"},
		{"JP", "LINE", "My Number", "WhatsApp", "IKD"},
	} {
		courses, err := classes.Starter(tc.country)
		if err != nil {
			t.Fatal(err)
		}
		levels, lessons := map[classes.Level]bool{}, 0
		var all strings.Builder
		for _, c := range courses {
			levels[c.Level] = true
			for _, l := range c.Lessons {
				lessons++
				for _, lang := range locale.Langs {
					if l.Title[lang] == "" || l.Body[lang] == "" {
						t.Errorf("%s: %s lesson %q has no %s text", tc.country, c.Code, l.Title["en"], lang)
					}
					for _, line := range strings.Split(l.Body[lang], "\n") {
						if n := utf8.RuneCountInString(line); n > 130 {
							t.Errorf("%s: %s lesson %q (%s): a line of %d characters: %q", tc.country, c.Code, l.Title["en"], lang, n, line)
						}
					}
					all.WriteString(l.Body[lang])
				}
			}
		}
		if len(levels) != 3 || lessons < 10 {
			t.Errorf("%s: %d levels, %d lessons; want 3 and at least 10", tc.country, len(levels), lessons)
		}
		text := all.String()
		for _, want := range []string{tc.app, tc.id} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the lessons never mention %s", tc.country, want)
			}
		}
		for _, not := range []string{tc.notApp, tc.notID} {
			if strings.Contains(text, not) {
				t.Errorf("%s: the lessons mention the other country's %s", tc.country, not)
			}
		}
	}
}

func TestCopyStarterOnceAndKeepsTheTenantsOwn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d) // has its own "first-steps"
		added, err := e.st.CopyStarter(e.Ctx, e.officer, e.tenant, "JP")
		if err != nil {
			t.Fatal(err)
		}
		if len(added) != 2 {
			t.Fatalf("added %d courses, want 2 (first-steps is the tenant's own)", len(added))
		}
		again, err := e.st.CopyStarter(e.Ctx, e.officer, e.tenant, "JP")
		if err != nil || len(again) != 0 {
			t.Fatalf("second copy: %d added, %v", len(again), err)
		}
		own, err := e.st.Course(e.Ctx, e.tenant, e.course.ID)
		if err != nil || len(own.Lessons) != 2 {
			t.Fatalf("the tenant's own course changed: %+v, %v", own, err)
		}
		list, err := e.st.Courses(e.Ctx, e.tenant, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Level != classes.Basic || list[1].Level != classes.Advanced {
			t.Fatalf("published courses by level: %+v", list)
		}
		verify(t, e)
	})
}
