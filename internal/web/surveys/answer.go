package surveys

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// choice is one answer button.
type choice struct {
	Value int
	Label string
}

// profileQuestion is one of the SKM's questions about who answered.
type profileQuestion struct {
	Name, Legend, Value string
	Options             []choice2
}

type choice2 struct{ Value, Label string }

// reviewRow is one answer on the last screen, with a link to change it.
type reviewRow struct {
	Question, Answer, Change string
}

// questionView is one screen of the questionnaire.
type questionView struct {
	Step, Steps  int // 1-based, for "question 3 of 9"
	Kind         string
	Action, Back string
	Question     string
	Choices      []choice
	Current      int
	Profile      []profileQuestion
	Comment      string
	Review       []reviewRow
	Send         string
	Anonymous    string
	QuestionLang string // the language of an own question's wording when not the page's
	Skip         bool   // an own question may be skipped
}

// stepOf is the screen to show: the one asked for (?q=) when the
// respondent has reached it, else where they left off.
func stepOf(r *http.Request, inv survey.Invitation) int {
	reached := min(inv.Draft.Reached, len(steps(inv))-1)
	if q, err := strconv.Atoi(validation.Narrow(r.URL.Query().Get("q"))); err == nil && q >= 1 && q-1 <= reached {
		return q - 1
	}
	return reached
}

func (s *Pages) questionPage(w http.ResponseWriter, r *http.Request) {
	t, inv, ok := s.open(w, r)
	if !ok {
		return
	}
	s.renderStep(w, r, t, inv, stepOf(r, inv), http.StatusOK, nil)
}

func (s *Pages) renderStep(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, inv survey.Invitation, step, status int, errs validation.Errors) {
	all := steps(inv)
	p := s.NewPage(r, "survey.title")
	p.Tenant, p.NoIndex, p.Errors = t, true, errs
	s.atKiosk(r, p, t, web.KioskIdle)
	token := r.PathValue("token")
	self := s.Path(answerPath, t.Slug, token)
	v := questionView{Step: step + 1, Steps: len(all), Kind: all[step], Action: self,
		Send: s.Path(sendPath, t.Slug, token), Anonymous: p.T("survey.anonymous")}
	if step > 0 {
		v.Back = self + "?q=" + strconv.Itoa(step)
	}
	code := inv.Template.Code
	switch v.Kind {
	case stepProfile:
		v.Profile = profileQuestions(p, inv.Draft.Profile)
	case stepComment:
		v.Comment = inv.Draft.Comment
	case stepReview:
		v.Review = s.review(p, inv, self)
	default:
		if id, own := strings.CutPrefix(v.Kind, ownPrefix); own {
			s.ownQuestion(p, inv, id, &v)
			break
		}
		item := inv.Template.Items[step]
		v.Question = p.T("survey." + code + "." + item + ".question")
		for a := inv.Template.Scale; a >= 1; a-- { // the best first, as the call's question
			v.Choices = append(v.Choices, choice{a, p.T("survey." + code + "." + item + ".a" + strconv.Itoa(a))})
		}
		if step < len(inv.Draft.Answers) {
			v.Current = inv.Draft.Answers[step]
		}
	}
	p.Data = v
	s.Render(w, status, "survey_question", p)
}

func profileQuestions(p *web.Page, have survey.Profile) []profileQuestion {
	var out []profileQuestion
	for _, q := range survey.ProfileQuestions {
		pq := profileQuestion{Name: q, Legend: p.T("survey.profile." + q), Value: have.Get(q)}
		for _, a := range survey.ProfileAnswers[q] {
			pq.Options = append(pq.Options, choice2{a, p.T("survey.profile." + q + "." + a)})
		}
		pq.Options = append(pq.Options, choice2{"", p.T("survey.profile.unsaid")})
		out = append(out, pq)
	}
	return out
}

// review lists every answer with a link back to its screen.
func (s *Pages) review(p *web.Page, inv survey.Invitation, self string) []reviewRow {
	code := inv.Template.Code
	var rows []reviewRow
	for i, item := range inv.Template.Items {
		row := reviewRow{Question: p.T("survey." + code + "." + item + ".short"), Change: self + "?q=" + strconv.Itoa(i+1)}
		if i < len(inv.Draft.Answers) && inv.Draft.Answers[i] > 0 {
			row.Answer = p.T("survey." + code + "." + item + ".a" + strconv.Itoa(inv.Draft.Answers[i]))
		}
		rows = append(rows, row)
	}
	all := steps(inv)
	for _, q := range inv.Settings.Questions {
		text, _ := q.In(p.Lang(), p.Tenant.DefaultLang)
		row := reviewRow{Question: text, Answer: p.T("survey.own.skipped"), Change: self + "?q=" + strconv.Itoa(slices.Index(all, ownPrefix+q.ID)+1)}
		if a := inv.Draft.Extra[q.ID]; a > 0 {
			row.Answer = p.T(fmt.Sprintf("survey.own%d.a%d", inv.Template.Scale, a))
		}
		rows = append(rows, row)
	}
	if inv.Template.Profile {
		var said []string
		for _, q := range survey.ProfileQuestions {
			if a := inv.Draft.Profile.Get(q); a != "" {
				said = append(said, p.T("survey.profile."+q+"."+a))
			}
		}
		answer := p.T("survey.profile.none")
		if len(said) > 0 {
			answer = joinWords(p, said)
		}
		rows = append(rows, reviewRow{Question: p.T("survey.profile.title"), Answer: answer,
			Change: self + "?q=" + strconv.Itoa(slices.Index(all, stepProfile)+1)})
	}
	if inv.Settings.NoComment {
		return rows
	}
	comment := inv.Draft.Comment
	if comment == "" {
		comment = p.T("survey.comment.none")
	}
	rows = append(rows, reviewRow{Question: p.T("survey.comment.title"), Answer: comment,
		Change: self + "?q=" + strconv.Itoa(slices.Index(all, stepComment)+1)})
	return rows
}

func joinWords(p *web.Page, words []string) string {
	out := words[0]
	for _, w := range words[1:] {
		out += p.T("survey.list.sep") + w
	}
	return out
}

// saveAnswer keeps one screen's answer and shows the next screen.
func (s *Pages) saveAnswer(w http.ResponseWriter, r *http.Request) {
	t, inv, ok := s.open(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	all := steps(inv)
	step := slices.Index(all, r.PostForm.Get("step"))
	if step < 0 {
		s.renderStep(w, r, t, inv, stepOf(r, inv), http.StatusUnprocessableEntity, validation.Errors{{Field: "answer", Code: "survey.error.step"}})
		return
	}
	field, change := s.change(r, inv.Template, all[step])
	_, err := s.Surveys.Change(r.Context(), t.ID, r.PathValue("token"), func(d *survey.Draft) error {
		if err := change(d); err != nil {
			return err
		}
		d.Reached = max(d.Reached, step+1)
		return nil
	})
	if status, key, refused := refusalStatus(err); refused {
		s.closed(w, r, t, status, key)
		return
	}
	if key := fieldError(err); key != "" {
		inv.Draft.Reached = max(inv.Draft.Reached, step)
		s.renderStep(w, r, t, inv, step, http.StatusUnprocessableEntity, validation.Errors{{Field: field, Code: key}})
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(answerPath, t.Slug, r.PathValue("token"))+"?q="+strconv.Itoa(min(step+2, len(all))))
}

// change reads one screen's form into a change of the draft, and names
// the field an error belongs to.
func (s *Pages) change(r *http.Request, tpl survey.Template, step string) (string, func(*survey.Draft) error) {
	f := r.PostForm
	switch step {
	case stepProfile:
		return "sex", func(d *survey.Draft) error {
			return d.SetProfile(survey.Profile{Sex: f.Get("sex"), Age: f.Get("age"), Education: f.Get("education"), Occupation: f.Get("occupation")})
		}
	case stepComment:
		return "comment", func(d *survey.Draft) error { return d.SetComment(f.Get("comment")) }
	case stepReview:
		return "answer", func(*survey.Draft) error { return nil }
	}
	if id, own := strings.CutPrefix(step, ownPrefix); own {
		v, err := strconv.Atoi(validation.Narrow(f.Get("answer")))
		if err != nil {
			v = -1 // refused as outside the scale
		}
		return "answer", func(d *survey.Draft) error { return d.AnswerExtra(tpl, id, v) }
	}
	item, _ := strconv.Atoi(step)
	v, err := strconv.Atoi(validation.Narrow(f.Get("answer")))
	if err != nil {
		v = 0 // no answer chosen: refused as outside the scale
	}
	return "answer", func(d *survey.Draft) error { return d.Answer(tpl, item, v) }
}

// fieldError is the message of a refusal the respondent can correct.
func fieldError(err error) string {
	switch {
	case errors.Is(err, survey.ErrScale):
		return "survey.error.scale"
	case errors.Is(err, survey.ErrProfile):
		return "survey.error.profile"
	case errors.Is(err, survey.ErrComment):
		return "survey.error.comment"
	}
	return ""
}

// send turns the answers into the response; a question left unanswered
// is shown again with a plain message.
func (s *Pages) send(w http.ResponseWriter, r *http.Request) {
	t, inv, ok := s.open(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Surveys.Submit(r.Context(), t.ID, r.PathValue("token"), t.Location())
	if status, key, refused := refusalStatus(err); refused {
		s.closed(w, r, t, status, key)
		return
	}
	if errors.Is(err, survey.ErrMissing) {
		s.renderStep(w, r, t, inv, inv.Draft.Next(inv.Template), http.StatusUnprocessableEntity,
			validation.Errors{{Field: "answer", Code: "survey.error.missing"}})
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(thanksPath, t.Slug))
}

// ownQuestion fills the screen of the government's own question id,
// answered on the template's scale with plain words, or skipped.
func (s *Pages) ownQuestion(p *web.Page, inv survey.Invitation, id string, v *questionView) {
	for _, q := range inv.Settings.Questions {
		if q.ID != id {
			continue
		}
		text, lang := q.In(p.Lang(), p.Tenant.DefaultLang)
		v.Question, v.Skip = text, true
		if lang != p.Lang() {
			v.QuestionLang = lang
		}
		for a := inv.Template.Scale; a >= 1; a-- {
			v.Choices = append(v.Choices, choice{a, p.T(fmt.Sprintf("survey.own%d.a%d", inv.Template.Scale, a))})
		}
		v.Current = inv.Draft.Extra[id]
	}
}
