package surveys

import (
	"errors"
	"net/http"
	"slices"

	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const (
	questionsPath = "/{tenant}/admin/survey/questions"
	removePath    = "/{tenant}/admin/survey/questions/{id}/remove"
	commentPath   = "/{tenant}/admin/survey/comment"
)

// ownRow is one of the government's own questions on its page.
type ownRow struct {
	ID, Text, Lang, Remove string
}

func (s *Pages) questionsPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	s.renderQuestions(w, r, t, http.StatusOK, nil)
}

func (s *Pages) renderQuestions(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, status int, errs validation.Errors) {
	st, err := s.Surveys.Settings(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "survey.questions.title")
	p.Tenant, p.NoIndex, p.Errors, p.Flash = t, true, errs, web.FlashFrom(r)
	if errs != nil {
		p.Form = r.PostForm
	}
	var rows []ownRow
	for _, q := range st.Questions {
		text, lang := q.In(p.Lang(), t.DefaultLang)
		if lang == p.Lang() {
			lang = ""
		}
		rows = append(rows, ownRow{ID: q.ID, Text: text, Lang: lang, Remove: s.Path(removePath, t.Slug, q.ID)})
	}
	p.Data = struct {
		Questions         []ownRow
		Full, Comment     bool
		Add, CommentPath  string
		Back, DefaultLang string
	}{rows, len(st.Questions) >= survey.MaxOwnQuestions, !st.NoComment, s.Path(questionsPath, t.Slug),
		s.Path(commentPath, t.Slug), s.Path(indexPath, t.Slug), t.DefaultLang}
	s.Render(w, status, "survey_questions", p)
}

// addQuestion adds one of the government's own questions.
func (s *Pages) addQuestion(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	err := s.Surveys.AddQuestion(r.Context(), web.Actor(r), t.ID,
		map[string]string{"id": f.Get("text_id"), "ja": f.Get("text_ja"), "en": f.Get("text_en")}, t.DefaultLang)
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		s.renderQuestions(w, r, t, http.StatusUnprocessableEntity, errs)
	case errors.Is(err, survey.ErrTooManyQuestions):
		s.renderQuestions(w, r, t, http.StatusUnprocessableEntity, validation.Errors{{Field: "text_" + t.DefaultLang, Code: err.Error()}})
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(questionsPath, t.Slug)+"?done=saved")
	}
}

// removeQuestion stops asking a question, after asking first.
func (s *Pages) removeQuestion(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	back := s.Path(questionsPath, t.Slug)
	st, err := s.Surveys.Settings(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !slices.ContainsFunc(st.Questions, func(q survey.Question) bool { return q.ID == r.PathValue("id") }) {
		s.NotFound(w, r) // not one of this government's questions
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "survey.questions.remove.confirm")
		p.Tenant, p.NoIndex = t, true
		p.Data = web.ConfirmView{Question: p.T("survey.questions.remove.confirm"), Explain: p.T("survey.questions.remove.explain"),
			Yes: p.T("survey.questions.remove"), No: p.T("survey.back"), Action: s.Path(removePath, t.Slug, r.PathValue("id")), Back: back}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	err = s.Surveys.RemoveQuestion(r.Context(), web.Actor(r), t.ID, r.PathValue("id"))
	if errors.Is(err, survey.ErrNoQuestion) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, back+"?done=saved")
}

// setComment turns the free comment on or off.
func (s *Pages) setComment(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if err := s.Surveys.AskComment(r.Context(), web.Actor(r), t.ID, r.PostForm.Get("ask") == "yes"); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(questionsPath, t.Slug)+"?done=saved")
}
