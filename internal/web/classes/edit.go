package classes

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// The course editor, for instructors and admins: the course's titles,
// level and whether residents see it; its lessons in order (each with its
// text in three languages and the exercises it offers), moved up or down,
// added, and deleted after asking. The coordinator shares a course with
// the network; other tenants find it in the library and copy it.

const (
	courseEditPath = "/{tenant}/classes/courses/{id}/edit"
	lessonPath     = "/{tenant}/classes/courses/{id}/lessons"
	libraryPath    = "/{tenant}/classes/library"
)

// lessonRow is one lesson in the editor's list.
type lessonRow struct {
	ID, Title string
	Position  int
	Exercises []string
}

// editPage is the course editor.
func (s *Pages) editPage(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, false)
	if !ok {
		return
	}
	p := s.NewPage(r, "edit.title")
	for _, l := range locale.Langs {
		p.Form.Set("title_"+l, c.Title[l])
		p.Form.Set("summary_"+l, c.Summary[l])
	}
	p.Form.Set("level", string(c.Level))
	if c.Published {
		p.Form.Set("published", "yes")
	}
	s.renderEdit(w, r, t, c, p, http.StatusOK)
}

func (s *Pages) renderEdit(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c class.Course, p *web.Page, status int) {
	var rows []lessonRow
	for _, l := range c.Lessons {
		row := lessonRow{ID: l.ID, Title: l.Title.In(p.Lang()), Position: l.Position}
		for _, e := range l.Exercises {
			row.Exercises = append(row.Exercises, p.T("practice.ex."+string(e)+".title"))
		}
		rows = append(rows, row)
	}
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	p.Data = struct {
		ID, Title   string
		Levels      []class.Level
		Langs       []string
		Lessons     []lessonRow
		Shared      bool
		Coordinator bool
	}{string(c.ID), c.Title.In(p.Lang()), class.Levels, locale.Langs, rows, c.Shared, web.UserOf(r).Coordinator}
	s.Render(w, status, "class_edit", p)
}

// textFrom reads a text in every language from fields name_id, name_ja…
func textFrom(r *http.Request, name string) class.Text {
	t := class.Text{}
	for _, l := range locale.Langs {
		t[l] = web.TruncateRunes(r.PostForm.Get(name+"_"+l), 25000)
	}
	return t
}

// saveCourse saves the course's own fields.
func (s *Pages) saveCourse(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, true)
	if !ok {
		return
	}
	err := s.Classes.UpdateCourse(r.Context(), web.Actor(r), t.ID, c.ID, class.CourseChange{Level: class.Level(r.PostForm.Get("level")),
		Title: textFrom(r, "title"), Summary: textFrom(r, "summary"), Published: r.PostForm.Get("published") == "yes"})
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		p := s.NewPage(r, "edit.title")
		p.Form, p.Errors = r.PostForm, langFields(errs)
		s.renderEdit(w, r, t, c, p, http.StatusUnprocessableEntity)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(courseEditPath, t.Slug, string(c.ID))+"?done=saved")
	}
}

// langFields names problems as the form's fields: "title" (none given)
// points at the first language's box, "title.ja" at title_ja.
func langFields(errs validation.Errors) validation.Errors {
	out := make(validation.Errors, 0, len(errs))
	for _, e := range errs {
		switch f := []rune(e.Field); {
		case len(f) > 3 && f[len(f)-3] == '.':
			e.Field = string(f[:len(f)-3]) + "_" + string(f[len(f)-2:])
		case e.Field == "title" || e.Field == "summary" || e.Field == "body":
			e.Field += "_" + locale.Langs[0]
		}
		out = append(out, e)
	}
	return out
}

// lessonPage is the form of one lesson: a new one (no ?lesson) or the one
// named.
func (s *Pages) lessonPage(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, false)
	if !ok {
		return
	}
	p := s.NewPage(r, "edit.lesson.title")
	p.Flash = web.FlashFrom(r)
	if id := r.URL.Query().Get("lesson"); id != "" {
		i := slices.IndexFunc(c.Lessons, func(l class.Lesson) bool { return l.ID == id })
		if i < 0 {
			s.NotFound(w, r)
			return
		}
		l := c.Lessons[i]
		p.Form.Set("lesson", l.ID)
		for _, lang := range locale.Langs {
			p.Form.Set("title_"+lang, l.Title[lang])
			p.Form.Set("body_"+lang, l.Body[lang])
		}
		for _, e := range l.Exercises {
			p.Form.Add("exercises", string(e))
		}
	}
	s.renderLesson(w, t, c, p, http.StatusOK)
}

func (s *Pages) renderLesson(w http.ResponseWriter, t *tenant.Tenant, c class.Course, p *web.Page, status int) {
	p.Tenant = t
	p.NoIndex = true
	var chosen []string
	if p.Form != nil {
		chosen = p.Form["exercises"]
	}
	p.Data = struct {
		CourseID, Course string
		Langs            []string
		Exercises        []class.Exercise
		Chosen           []string
	}{string(c.ID), c.Title.In(p.Lang()), locale.Langs, class.Exercises, chosen}
	s.Render(w, status, "class_lesson_edit", p)
}

// saveLesson adds or changes a lesson, moves it, or deletes it (after
// asking).
func (s *Pages) saveLesson(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, true)
	if !ok {
		return
	}
	back := s.Path(courseEditPath, t.Slug, string(c.ID))
	id := r.PostForm.Get("lesson")
	var err error
	switch r.PostForm.Get("action") {
	case "up", "down":
		err = s.Classes.MoveLesson(r.Context(), web.Actor(r), t.ID, c.ID, id, r.PostForm.Get("action") == "up")
	case "delete":
		if r.PostForm.Get("confirm") != "yes" {
			s.confirmDeleteLesson(w, r, t, c, id)
			return
		}
		err = s.Classes.DeleteLesson(r.Context(), web.Actor(r), t.ID, c.ID, id)
		if errors.Is(err, class.ErrLessonPractised) {
			web.Redirect(w, r, back+"?done=lesson_practised")
			return
		}
	default:
		var exercises []class.Exercise
		for _, e := range r.PostForm["exercises"] {
			exercises = append(exercises, class.Exercise(e))
		}
		_, err = s.Classes.SaveLesson(r.Context(), web.Actor(r), t.ID, c.ID, class.Lesson{ID: id, Title: textFrom(r, "title"),
			Body: textFrom(r, "body"), Exercises: exercises})
		var errs validation.Errors
		if errors.As(err, &errs) {
			p := s.NewPage(r, "edit.lesson.title")
			p.Form, p.Errors = r.PostForm, langFields(errs)
			s.renderLesson(w, t, c, p, http.StatusUnprocessableEntity)
			return
		}
	}
	switch {
	case errors.Is(err, class.ErrNotFound):
		s.NotFound(w, r)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, back+"?done=saved")
	}
}

func (s *Pages) confirmDeleteLesson(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c class.Course, id string) {
	i := slices.IndexFunc(c.Lessons, func(l class.Lesson) bool { return l.ID == id })
	if i < 0 {
		s.NotFound(w, r)
		return
	}
	p := s.NewPage(r, "edit.lesson.delete.title")
	p.Tenant = t
	p.NoIndex = true
	p.Data = web.ConfirmView{Question: p.T("edit.lesson.delete.title"),
		Explain: p.T("edit.lesson.delete.explain", c.Lessons[i].Title.In(p.Lang())),
		Yes:     p.T("edit.lesson.delete.yes"), No: p.T("edit.lesson.delete.no"),
		Action: s.Path(lessonPath, t.Slug, string(c.ID)), Back: s.Path(courseEditPath, t.Slug, string(c.ID)),
		Hidden: [][2]string{{"action", "delete"}, {"lesson", id}}}
	s.Render(w, http.StatusOK, "confirm_action", p)
}

// shareCourse offers the course to the network, or stops (coordinator).
func (s *Pages) shareCourse(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	id := ids.Course(r.PathValue("id"))
	err := s.Classes.ShareCourse(r.Context(), web.Actor(r), t.ID, id, r.PostForm.Get("shared") == "yes")
	switch {
	case errors.Is(err, class.ErrNotFound):
		s.NotFound(w, r)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(courseEditPath, t.Slug, string(id))+"?done=saved")
	}
}

// libraryRow is a course another tenant shares.
type libraryRow struct {
	ID, Tenant, TenantSlug, Title, Summary, Level string
	Lessons                                       int
}

// libraryPage lists the courses the other tenants share, to copy.
func (s *Pages) libraryPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	list, err := s.Classes.SharedCourses(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "edit.library.title")
	p.Tenant = t
	p.NoIndex = true
	var rows []libraryRow
	for _, c := range list {
		from, err := s.Tenants.ByID(r.Context(), c.TenantID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		full, err := s.Classes.Course(r.Context(), c.TenantID, c.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		rows = append(rows, libraryRow{string(c.ID), from.Name(p.Lang()), from.Slug, c.Title.In(p.Lang()), c.Summary.In(p.Lang()),
			string(c.Level), len(full.Lessons)})
	}
	p.Data = rows
	s.Render(w, http.StatusOK, "class_library", p)
}

// copyCourse copies a shared course into the tenant, unpublished, and
// opens it in the editor.
func (s *Pages) copyCourse(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	from, err := s.Tenants.BySlug(r.Context(), r.PostForm.Get("from"))
	if err != nil {
		s.NotFound(w, r)
		return
	}
	made, err := s.Classes.CopyCourse(r.Context(), web.Actor(r), t.ID, from.ID, ids.Course(r.PathValue("id")))
	switch {
	case errors.Is(err, class.ErrNotFound), errors.Is(err, class.ErrNotShared):
		s.NotFound(w, r)
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(courseEditPath, t.Slug, string(made.ID))+"?done=copied")
	}
}

// pictureMax is the largest lesson picture taken.
const pictureMax = 5 << 20

// addPicture keeps a picture for a lesson in the document store and adds
// it to the lesson's text, at the end, in every language it is written
// in (the alt text describes it for those who cannot see it).
func (s *Pages) addPicture(w http.ResponseWriter, r *http.Request) {
	t, c, ok := s.tenantCourse(w, r, false)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, pictureMax+64<<10)
	file, head, err := r.FormFile("picture")
	lessonID, alt := r.FormValue("lesson"), strings.TrimSpace(web.TruncateRunes(r.FormValue("alt"), 200))
	i := slices.IndexFunc(c.Lessons, func(l class.Lesson) bool { return l.ID == lessonID })
	if i < 0 {
		s.NotFound(w, r)
		return
	}
	back := s.Path(lessonPath, t.Slug, string(c.ID)) + "?lesson=" + lessonID
	switch {
	case err != nil:
		web.Redirect(w, r, back+"&done=picture_missing#picture")
		return
	case alt == "":
		file.Close()
		web.Redirect(w, r, back+"&done=picture_alt#picture")
		return
	}
	defer file.Close()
	d, err := s.Docs.Save(r.Context(), web.Actor(r), document.Upload{TenantID: t.ID, OwnerID: web.UserOf(r).ID,
		Requirement: document.LessonPicture, Filename: head.Filename, Accept: []string{"image/jpeg", "image/png"}, MaxBytes: pictureMax}, file)
	switch {
	case errors.Is(err, document.ErrType), errors.Is(err, document.ErrEmpty), errors.Is(err, document.ErrTooLarge):
		web.Redirect(w, r, back+"&done=picture_refused#picture")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	l := c.Lessons[i]
	line := "![" + strings.NewReplacer("[", "(", "]", ")").Replace(alt) + "](" + s.Path("/{tenant}/classes/pictures/{id}", t.Slug, string(d.ID)) + ")"
	for _, lang := range locale.Langs {
		if strings.TrimSpace(l.Body[lang]) != "" || lang == locale.Langs[0] && l.Body.In("") == "" {
			l.Body[lang] = strings.TrimRight(l.Body[lang], "\n") + "\n\n" + line
		}
	}
	if _, err := s.Classes.SaveLesson(r.Context(), web.Actor(r), t.ID, c.ID, l); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, back+"&done=saved")
}

// picture serves a lesson's picture to anyone (lessons are public); it
// never changes, so browsers keep it.
func (s *Pages) picture(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	d, err := s.Docs.Get(r.Context(), t.ID, ids.Document(r.PathValue("id")))
	if errors.Is(err, document.ErrNotFound) || (err == nil && d.Requirement != document.LessonPicture) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	f, err := s.Docs.Open(r.Context(), d)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", d.MediaType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err = io.Copy(w, f)
	s.LogFailure(r, "send a lesson picture", err)
}
