package classes

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// Practice on the learner's own phone: a list of every lesson's
// exercises with the practiser's progress, one page per exercise (run by
// practice.js with touch; the result is saved as it is done), and the
// practice mailbox (plain forms: it works without script). A learner
// practises as themselves; someone without an account types the
// session's practice code and practises as a guest.

const (
	exercisesPath = "/{tenant}/classes/practice/exercises"
	exercisePath  = "/{tenant}/classes/lessons/{id}/practice/{exercise}"
)

// practiceEntry is where a guest types the session's practice code (and
// where the practice pages send anyone not yet known).
func (s *Pages) practiceEntry(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "practice.entry.title")
	p.Form.Set("next", web.SafeNext(r.URL.Query().Get("next"), ""))
	s.renderEntry(w, r, t, p, http.StatusOK)
}

func (s *Pages) renderEntry(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, p *web.Page, status int) {
	g, err := s.GuestFromCookie(r, t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct {
		SignedIn bool
		Guest    *class.Guest
	}{web.UserOf(r) != nil, g}
	s.Render(w, status, "class_practice_entry", p)
}

// practiceJoin lets a guest in with the code (full-width digits are
// read); a signed-in learner needs none and goes straight on.
func (s *Pages) practiceJoin(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	next := web.SafeNext(r.PostForm.Get("next"), s.Path(exercisesPath, t.Slug))
	if web.UserOf(r) != nil {
		web.Redirect(w, r, next)
		return
	}
	token, g, err := s.Classes.StartGuest(r.Context(), web.Actor(r), t.ID, r.PostForm.Get("code"), r.PostForm.Get("name"))
	var errs validation.Errors
	switch {
	case errors.Is(err, class.ErrPracticeCode):
		errs = validation.Errors{{Field: "code", Code: "practice.entry.code_wrong"}}
	case errors.As(err, &errs):
	case err != nil:
		s.ServerError(w, r, err)
		return
	default:
		s.SetPracticeGuest(w, token, g)
		web.Redirect(w, r, next)
		return
	}
	p := s.NewPage(r, "practice.entry.title")
	p.Form = r.PostForm
	p.Errors = errs
	s.renderEntry(w, r, t, p, http.StatusUnprocessableEntity)
}

// exerciseLink is one exercise of a lesson in a list, with how far the
// practiser got.
type exerciseLink struct {
	Kind, Href  string
	Done, Tried bool
}

// practiceLesson is a lesson that offers exercises.
type practiceLesson struct {
	ID, Title string
	Position  int
	Exercises []exerciseLink
}

// practiceCourse is a course with its lessons that offer exercises.
type practiceCourse struct {
	Title, Level string
	Lessons      []practiceLesson
}

// exercisesPage lists every published course's exercises, lesson by
// lesson, each marked done or tried.
func (s *Pages) exercisesPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	list, err := s.Classes.Courses(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	progress, err := s.Classes.ProgressOf(r.Context(), t.ID, web.PractiserOf(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "practice.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	p.NoIndex = true
	var courses []practiceCourse
	for _, brief := range list {
		c, err := s.Classes.Course(r.Context(), t.ID, brief.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		pc := practiceCourse{Title: c.Title.In(p.Lang()), Level: string(c.Level)}
		for _, l := range c.Lessons {
			if len(l.Exercises) > 0 {
				pc.Lessons = append(pc.Lessons, practiceLesson{ID: l.ID, Title: l.Title.In(p.Lang()), Position: l.Position,
					Exercises: s.exerciseLinks(t, l, progress[l.ID])})
			}
		}
		if len(pc.Lessons) > 0 {
			courses = append(courses, pc)
		}
	}
	p.Data = struct {
		Courses []practiceCourse
		Guest   *class.Guest
	}{courses, web.GuestOf(r)}
	s.Render(w, http.StatusOK, "class_practice", p)
}

func (s *Pages) exerciseLinks(t *tenant.Tenant, l class.Lesson, done map[class.Exercise]class.Progress) []exerciseLink {
	var out []exerciseLink
	for _, e := range l.Exercises {
		pr := done[e]
		out = append(out, exerciseLink{Kind: string(e), Href: s.Path(exercisePath, t.Slug, l.ID, string(e)),
			Done: pr.DoneAt != nil, Tried: pr.Tries > 0})
	}
	return out
}

// lessonExercise loads the lesson and exercise of the path: a lesson of a
// published course (teachers see their drafts too) that offers it.
func (s *Pages) lessonExercise(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) (class.Course, class.Lesson, class.Exercise, bool) {
	c, l, err := s.Classes.LessonOf(r.Context(), t.ID, r.PathValue("id"))
	e := class.Exercise(r.PathValue("exercise"))
	if r.PathValue("exercise") == "" { // the mailbox's own routes
		e = class.Mailbox
	}
	if errors.Is(err, class.ErrNotFound) || (err == nil && (!c.Published && !isTeacher(r, t) || !slices.Contains(l.Exercises, e))) {
		s.NotFound(w, r)
		return class.Course{}, class.Lesson{}, "", false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return class.Course{}, class.Lesson{}, "", false
	}
	return c, l, e, true
}

// exercisePage is one exercise: the stage practice.js brings to life,
// the kind words it says, and where to go next.
func (s *Pages) exercisePage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, l, e, ok := s.lessonExercise(w, r, t)
	if !ok {
		return
	}
	if e == class.Mailbox {
		s.mailboxPage(w, r, t, c, l)
		return
	}
	progress, err := s.Classes.ProgressOf(r.Context(), t.ID, web.PractiserOf(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "practice.ex."+string(e)+".title")
	p.Tenant = t
	p.NoIndex = true
	ice, ring := "", ""
	switch u := web.UserOf(r); {
	case e == class.ScanQR:
		cameraAllowed(w)
	case e == class.AnswerCall && u != nil:
		// The call's learner speaks back and is seen.
		mediaAllowed(w)
		ice = s.iceJSON(r, onlineWho{user: u.ID})
		ring = strings.TrimSuffix(s.Path(ringPath+"/state", t.Slug), "/state")
	}
	p.Data = struct {
		Kind, Lesson, Save, Next string
		Done                     bool
		Items                    []int
		ICE, Ring                string // the call exercise's relay and address; "" for a guest, who cannot be called
	}{string(e), l.Title.In(p.Lang()), s.Path(exercisePath, t.Slug, l.ID, string(e)), s.nextExercise(t, c, l, e),
		progress[l.ID][e].DoneAt != nil, scrollItems, ice, ring}
	s.Render(w, http.StatusOK, "class_exercise", p)
}

// scrollItems are the rows of the scrolling exercise's long list.
var scrollItems = func() []int {
	out := make([]int, 30)
	for i := range out {
		out[i] = i + 1
	}
	return out
}()

// nextExercise is the exercise after e: the lesson's next one, else the
// first of a later lesson, else the list.
func (s *Pages) nextExercise(t *tenant.Tenant, c class.Course, l class.Lesson, e class.Exercise) string {
	after := false
	for _, x := range c.Lessons {
		for _, k := range x.Exercises {
			if after {
				return s.Path(exercisePath, t.Slug, x.ID, string(k))
			}
			after = x.ID == l.ID && k == e
		}
	}
	return s.Path(exercisesPath, t.Slug)
}

// exerciseResult saves one try, for the practiser of the request only: a
// form naming anyone else is refused. practice.js asks for JSON; a plain
// form goes back to the exercise.
func (s *Pages) exerciseResult(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	_, l, e, ok := s.lessonExercise(w, r, t)
	if !ok {
		return
	}
	me := web.PractiserOf(r)
	if e == class.Mailbox {
		// The mailbox is done by judging its messages (mailAct), never
		// by a posted result; here it can only start again.
		if r.PostForm.Get("action") == "reset" {
			if err := s.Classes.ResetMailbox(r.Context(), t.ID, l.ID, me); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		web.Redirect(w, r, s.Path(exercisePath, t.Slug, l.ID, string(e)))
		return
	}
	if who := r.PostForm.Get("learner"); who != "" && who != string(me.LearnerID) && who != me.GuestID {
		s.refuse(w, r, t, http.StatusForbidden, "practice.not_yours")
		return
	}
	misses, err := strconv.Atoi(strings.TrimSpace(validation.Narrow(r.PostForm.Get("misses"))))
	if r.PostForm.Get("misses") == "" {
		misses, err = 0, nil
	}
	if err == nil {
		err = s.Classes.Record(r.Context(), t.ID, l.ID, e, me, class.Result{Done: r.PostForm.Get("done") == "1", Misses: misses})
	}
	var errs validation.Errors
	switch {
	case err != nil && (errors.As(err, &errs) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange)):
		s.refuse(w, r, t, http.StatusUnprocessableEntity, "practice.result_bad")
	case err != nil:
		s.ServerError(w, r, err)
	case wantsJSON(r):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, err := w.Write([]byte(`{"saved":true}`))
		s.LogFailure(r, "answer a saved exercise", err)
	default:
		web.Redirect(w, r, s.Path(exercisePath, t.Slug, l.ID, string(e)))
	}
}

// refuse answers a practice request that cannot be done, in the user's
// words: a problem for script, else an error page.
func (s *Pages) refuse(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, status int, key string) {
	if wantsJSON(r) {
		s.Problem(w, r, status, strings.TrimPrefix(key, "practice."), key)
		return
	}
	p := s.NewPage(r, "practice.title")
	p.Tenant = t
	p.Data = key
	s.Render(w, status, "class_practice_refused", p)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
