package surveys

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// commentsCSVPath is every comment of the index's selection as a file,
// for reading them through or sorting them in a spreadsheet.
const commentsCSVPath = "/{tenant}/admin/survey/comments.csv"

// mostComments bounds one file: years of a busy government's comments,
// and a bound on what one request may ask of the server.
const mostComments = 100_000

// commentsPerPage are the comments one page of the index shows.
const commentsPerPage = 20

// comments is one page of the period's free comments.
type comments struct {
	Rows         []comment
	Total        int
	Range        string // "21–40 of 134"
	Newer, Older string // the pages before and after, when there are
	CSV          string // every comment of the selection as a file
}

type comment struct{ Month, Text string }

// comments reads the page of comments q's "comments" asks for (1 by
// default; full-width digits read; a page past the last shows the last),
// with links to its neighbours that keep the rest of q.
func (s *Pages) comments(ctx context.Context, p *web.Page, t *tenant.Tenant, sel selection, q url.Values) (comments, error) {
	page, err := strconv.Atoi(strings.TrimSpace(validation.Narrow(q.Get("comments"))))
	if err != nil || page < 1 {
		page = 1
	}
	rows, total, err := s.Surveys.Comments(ctx, t.ID, sel.filter, commentsPerPage, (page-1)*commentsPerPage)
	if err != nil {
		return comments{}, err
	}
	if last := max(1, (total+commentsPerPage-1)/commentsPerPage); page > last {
		page = last
		if rows, total, err = s.Surveys.Comments(ctx, t.ID, sel.filter, commentsPerPage, (page-1)*commentsPerPage); err != nil {
			return comments{}, err
		}
	}
	out := comments{Total: total, CSV: s.Path(commentsCSVPath, t.Slug) + "?" + commentsPage(q, 0).Encode()}
	for _, c := range rows {
		out.Rows = append(out.Rows, comment{Month: monthName(p, c.Month), Text: c.Text})
	}
	if total == 0 {
		return out, nil
	}
	first := (page-1)*commentsPerPage + 1
	out.Range = p.T("survey.index.comments_range", p.Count(first), p.Count(first+len(rows)-1), p.Count(total))
	at := func(n int) string {
		return s.Path(indexPath, t.Slug) + "?" + commentsPage(q, n).Encode() + "#comments-h"
	}
	if page > 1 {
		out.Newer = at(page - 1)
	}
	if first+len(rows)-1 < total {
		out.Older = at(page + 1)
	}
	return out, nil
}

// commentsPage is q asking for page n of the comments (0: none named).
func commentsPage(q url.Values, n int) url.Values {
	v := url.Values{}
	for k, vals := range q {
		v[k] = vals
	}
	v.Del("comments")
	if n > 0 {
		v.Set("comments", strconv.Itoa(n))
	}
	return v
}

// monthName names a month written YYYY-MM in the reader's language.
func monthName(p *web.Page, month string) string {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return locale.Months(p.Lang(), m.Year(), m.Month(), m.Year(), m.Month())
}

// commentsCSV answers every comment of the selection the query names
// (period, service, channel as on the index), newest month first, with
// its month (YYYY-MM, as a spreadsheet sorts it); nothing else of the
// response.
func (s *Pages) commentsCSV(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	sel, err := s.selectionOf(r.Context(), r.URL.Query(), t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	list, _, err := s.Surveys.Comments(r.Context(), t.ID, sel.filter, mostComments, 0)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	lang := web.LangOf(r)
	rows := [][]string{{s.Catalog.T(lang, "survey.csv.month"), s.Catalog.T(lang, "survey.csv.comment")}}
	for _, c := range list {
		rows = append(rows, []string{c.Month, c.Text})
	}
	w.Header().Set("Cache-Control", "private, no-store")
	if err := web.WriteCSV(w, "survey-comments-"+t.Slug+"-"+sel.period.Code(), rows); err != nil {
		s.LogFailure(r, "write the survey comments CSV", err)
	}
}
