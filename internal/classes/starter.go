package classes

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
)

// The starter curriculum a tenant copies and then edits: three courses,
// one per level, of lessons written for older learners (short sentences,
// one step per line). A lesson is starter/NN-topic.LANG.md, its title the
// first "# " line; where the country's own example matters (the
// messaging app, the digital ID) it is starter/NN-topic.COUNTRY.LANG.md.
//
//go:embed starter
var starterFiles embed.FS

type starterCourse struct {
	Code    string   `json:"code"`
	Level   Level    `json:"level"`
	Lessons []string `json:"lessons"`
	// Practice: the exercises of each lesson, by its file name.
	Practice map[string][]Exercise `json:"practice"`
	Title    Text                  `json:"title"`
	Summary  Text                  `json:"summary"`
}

// Starter returns the starter curriculum for a tenant of country ("ID",
// "JP"), unpublished, ready to copy.
func Starter(country string) ([]Course, error) {
	raw, err := starterFiles.ReadFile("starter/courses.json")
	if err != nil {
		return nil, err
	}
	var list []starterCourse
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("classes: starter/courses.json: %w", err)
	}
	var out []Course
	for _, sc := range list {
		c := Course{Code: sc.Code, Level: sc.Level, Title: sc.Title, Summary: sc.Summary}
		for _, name := range sc.Lessons {
			l, err := starterLesson(name, country)
			if err != nil {
				return nil, err
			}
			l.Exercises = sc.Practice[name]
			c.Lessons = append(c.Lessons, l)
		}
		out = append(out, c)
	}
	return out, nil
}

// starterLesson reads one lesson in every language, the country's own
// version where there is one.
func starterLesson(name, country string) (Lesson, error) {
	l := Lesson{Title: Text{}, Body: Text{}}
	for _, lang := range locale.Langs {
		b, err := fs.ReadFile(starterFiles, fmt.Sprintf("starter/%s.%s.%s.md", name, country, lang))
		if err != nil {
			b, err = fs.ReadFile(starterFiles, fmt.Sprintf("starter/%s.%s.md", name, lang))
		}
		if err != nil {
			return Lesson{}, fmt.Errorf("classes: starter lesson %s in %s: %w", name, lang, err)
		}
		title, body, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
		if !strings.HasPrefix(title, "# ") {
			return Lesson{}, fmt.Errorf("classes: starter lesson %s in %s has no title line", name, lang)
		}
		l.Title[lang], l.Body[lang] = strings.TrimPrefix(title, "# "), strings.TrimSpace(body)
		if !ok || l.Body[lang] == "" {
			return Lesson{}, fmt.Errorf("classes: starter lesson %s in %s is empty", name, lang)
		}
	}
	return l, nil
}

// CopyStarter gives tenantID the starter curriculum of its country,
// published, in one transaction; a course whose code the tenant already
// has is left as the tenant made it. It returns the courses added.
func (s *Store) CopyStarter(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, country string) (_ []Course, err error) {
	defer wrapf(&err, "copy the starter curriculum to %s", tenantID)
	courses, err := Starter(country)
	if err != nil {
		return nil, err
	}
	have, err := s.Courses(ctx, tenantID, false)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, c := range have {
		taken[c.Code] = true
	}
	var added []Course
	err = s.db.Atomically(ctx, func(ctx context.Context) error {
		added = added[:0]
		for _, c := range courses {
			if taken[c.Code] {
				continue
			}
			c.Published = true
			made, err := s.CreateCourse(ctx, actor, tenantID, c)
			if err != nil {
				return err
			}
			added = append(added, made)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}
