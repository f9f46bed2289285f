package exchange

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const (
	askPath    = "/{tenant}/exchange/questions"
	answerPath = "/{tenant}/exchange/questions/{id}"
)

// questionView is one question of a practice's thread.
type questionView struct {
	ID, Government, Asker, Body, Asked string
	Answer, AnsweredBy, Answered       string
	Slug, Title, TitleLang             string
}

// ask records a question of the tenant's staff about another
// government's practice; its staff answer from their list.
func (s *Pages) ask(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	slug := r.PostForm.Get("practice")
	err := s.Practices.Ask(r.Context(), web.Actor(r), governmentOf(t), slug, r.PostForm.Get("question"))
	var errs validation.Errors
	switch {
	case errors.Is(err, knowledge.ErrNoteEmpty), errors.As(err, &errs):
		web.Redirect(w, r, s.Path(practicePath, slug)+"?done=question_empty#questions")
	case errors.Is(err, knowledge.ErrNotFound):
		s.NotFound(w, r)
	case err != nil:
		s.refuse(w, r, t, err, s.Path(practicePath, slug))
	default:
		web.Redirect(w, r, s.Path(practicePath, slug)+"?done=question_asked#questions")
	}
}

// answer is the origin's answer, emailed to the asker.
func (s *Pages) answer(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Practices.Answer(r.Context(), web.Actor(r), governmentOf(t), r.PathValue("id"), r.PostForm.Get("answer"))
	var errs validation.Errors
	switch {
	case errors.Is(err, knowledge.ErrNoteEmpty), errors.As(err, &errs):
		web.Redirect(w, r, s.Path(minePath, t.Slug)+"?done=answer_empty")
	case errors.Is(err, knowledge.ErrNoQuestion):
		s.refuse(w, r, t, knowledge.ErrNoQuestion, s.Path(minePath, t.Slug))
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.Redirect(w, r, s.Path(minePath, t.Slug)+"?done=answer_sent")
	}
}

// questionViews shows questions with the asker's government by name.
func (s *Pages) questionViews(r *http.Request, p *web.Page, qs []knowledge.Question) []questionView {
	var out []questionView
	for _, q := range qs {
		v := questionView{ID: q.ID, Asker: q.AskerLabel, Body: q.Body, Asked: p.DateTime(q.AskedAt), Answer: q.Answer,
			AnsweredBy: q.AnsweredBy, Slug: q.Slug}
		if gov, err := s.Tenants.ByID(r.Context(), q.TenantID); err == nil {
			v.Government = gov.Name(p.Lang())
		}
		if !q.AnsweredAt.IsZero() {
			v.Answered = p.DateTime(q.AnsweredAt)
		}
		if e, err := s.Practices.Library().Get(r.Context(), q.Slug); err == nil {
			v.Title, v.TitleLang = e.Live.Title.In(p.Lang(), e.Live.Original)
		}
		out = append(out, v)
	}
	return out
}
