package exchange

import (
	"net/http"

	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/web"
)

// retire takes a published practice out of the library after asking
// first: its page stays, marked retired, for those who link to it.
func (s *Pages) retire(w http.ResponseWriter, r *http.Request) {
	t, pr, ok := s.owned(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	back := s.Path(editPath, t.Slug, pr.Slug)
	if r.PostForm.Get("confirm") != "yes" {
		p := s.NewPage(r, "exchange.retire.title")
		p.Tenant, p.NoIndex = t, true
		title, _ := pr.Live.Title.In(p.Lang())
		p.Data = web.ConfirmView{Question: p.T("exchange.retire.title"), Explain: p.T("exchange.retire.explain", title),
			Yes: p.T("exchange.retire.yes"), No: p.T("exchange.retire.no"), Action: back + "/retire", Back: back}
		s.Render(w, http.StatusOK, "confirm_action", p)
		return
	}
	err := s.Practices.Retire(r.Context(), web.Actor(r), governmentOf(t), pr.Slug)
	if key, refused := knowledge.Refusal(err); refused {
		web.Redirect(w, r, back+"?missing="+key)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(minePath, t.Slug)+"?done=practice_retired")
}

type versionRow struct {
	Number                  int
	State, Author, Note     string
	Comment, DecidedBy      string
	Created, Submitted, Dec string
}

// historyPage lists every version of a practice with its review.
func (s *Pages) historyPage(w http.ResponseWriter, r *http.Request) {
	t, pr, ok := s.owned(w, r)
	if !ok {
		return
	}
	vs, err := s.Practices.Versions(r.Context(), pr.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "exchange.history.title")
	p.Tenant = t
	var rows []versionRow
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		row := versionRow{Number: v.Number, State: p.T("exchange.working." + string(v.State)), Author: v.AuthorLabel, Note: v.Note,
			Comment: v.Comment, DecidedBy: v.DecidedBy, Created: p.DateTime(v.CreatedAt)}
		if !v.SubmittedAt.IsZero() {
			row.Submitted = p.DateTime(v.SubmittedAt)
		}
		if !v.DecidedAt.IsZero() {
			row.Dec = p.DateTime(v.DecidedAt)
		}
		rows = append(rows, row)
	}
	title, _ := pr.Live.Title.In(p.Lang())
	if len(vs) > 0 {
		title, _ = vs[len(vs)-1].Body.Title.In(p.Lang())
	}
	p.Data = struct {
		Slug, Title string
		Rows        []versionRow
	}{pr.Slug, title, rows}
	s.Render(w, http.StatusOK, "exchange_history", p)
}
