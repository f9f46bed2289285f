package exchange

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/web"
)

const (
	reviewPath   = "/exchange/review"
	decisionPath = "/exchange/review/{slug}"
)

type queueRow struct {
	Slug, Title, TitleLang, Government string
	Since                              time.Time
	Update                             bool // a published practice's update, not a new one
}

// queuePage lists what waits for the coordinators, oldest first.
func (s *Pages) queuePage(w http.ResponseWriter, r *http.Request) {
	list, err := s.Practices.AwaitingReview(r.Context())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "exchange.review.title")
	p.Flash = web.FlashFrom(r)
	var rows []queueRow
	for _, x := range list {
		title, lang := x.Title.In(p.Lang())
		reg, _ := s.Regions.Get(x.RegionCode)
		rows = append(rows, queueRow{Slug: x.Slug, Title: title, TitleLang: lang, Government: government(reg, p.Lang()), Since: x.Since,
			Update: x.State != knowledge.Unpublished})
	}
	p.Data = rows
	s.Render(w, http.StatusOK, "exchange_queue", p)
}

// change is one field that differs between the published version and
// the one submitted.
type change struct {
	Field, Before, After, Lang string // Lang: the texts' language, "" for facts
}

func (s *Pages) decisionPage(w http.ResponseWriter, r *http.Request) {
	pr, wv, ok := s.submitted(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "exchange.review.title")
	s.renderDecision(w, p, pr, wv, http.StatusOK)
}

func (s *Pages) renderDecision(w http.ResponseWriter, p *web.Page, pr knowledge.Practice, wv knowledge.Version, status int) {
	reg, _ := s.Regions.Get(pr.RegionCode)
	title, lang := wv.Body.Title.In(p.Lang())
	p.NoIndex = true
	p.Data = struct {
		Slug, Title, TitleLang, Government, Note, Author string
		Update                                           bool
		Changes                                          []change
	}{pr.Slug, title, lang, government(reg, p.Lang()), wv.Note, wv.AuthorLabel, pr.LiveVersion > 0, changes(p, pr.Live, wv.Body)}
	s.Render(w, status, "exchange_decide", p)
}

// submitted loads the path's practice and the version waiting for review.
func (s *Pages) submitted(w http.ResponseWriter, r *http.Request) (knowledge.Practice, knowledge.Version, bool) {
	pr, err := s.Practices.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, knowledge.ErrNotFound) {
		s.NotFound(w, r)
		return pr, knowledge.Version{}, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return pr, knowledge.Version{}, false
	}
	wv, has, err := s.Practices.Working(r.Context(), pr.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return pr, wv, false
	}
	if !has || wv.State != knowledge.Submitted {
		web.Redirect(w, r, reviewPath+"?done=practice_not_waiting")
		return pr, wv, false
	}
	return pr, wv, true
}

func (s *Pages) decide(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	pr, wv, ok := s.submitted(w, r)
	if !ok {
		return
	}
	publish := r.PostForm.Get("decision") == "publish"
	err := s.Practices.Decide(r.Context(), web.Actor(r), pr.Slug, publish, r.PostForm.Get("comment"))
	if errors.Is(err, knowledge.ErrNeedComment) {
		p := s.NewPage(r, "exchange.review.title")
		p.Form = r.PostForm
		p.Errors.Add("comment", knowledge.ErrNeedComment.Error())
		s.renderDecision(w, p, pr, wv, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	done := "practice_returned"
	if publish {
		done = "practice_published"
	}
	web.Redirect(w, r, reviewPath+"?done="+done)
}

// changes lists what the submitted version changes, field by field (all
// of it for a practice never published).
func changes(p *web.Page, before, after knowledge.Content) []change {
	var out []change
	add := func(field, b, a string) {
		if b != a {
			out = append(out, change{Field: field, Before: b, After: a})
		}
	}
	bt, at := before.TextsOf(), after.TextsOf()
	for _, lang := range knowledge.Langs {
		for i, name := range knowledge.TextFields {
			if bt[i][lang] != at[i][lang] {
				out = append(out, change{Field: p.T("exchange.field."+name) + " (" + p.T("exchange.lang."+lang) + ")",
					Before: bt[i][lang], After: at[i][lang], Lang: lang})
			}
		}
	}
	add(p.T("exchange.fact.status"), string(before.Status), string(after.Status))
	add(p.T("exchange.fact.started"), year(before.Started), year(after.Started))
	add(p.T("exchange.fact.tags"), strings.Join(before.Tags, ", "), strings.Join(after.Tags, ", "))
	add(p.T("exchange.metrics"), metricsText(before), metricsText(after))
	add(p.T("exchange.stages"), stagesText(before), stagesText(after))
	add(p.T("exchange.sources"), strings.Join(before.Sources, "\n"), strings.Join(after.Sources, "\n"))
	add(p.T("exchange.contact"), contactText(before.Contact), contactText(after.Contact))
	add(p.T("exchange.field.licence"), before.Licence, after.Licence)
	return out
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func metricsText(c knowledge.Content) string {
	var b []string
	for _, m := range c.Metrics {
		name, _ := m.Name.In(c.Original)
		b = append(b, fmt.Sprintf("%s: %s → %s %s %s", name, figure(m.Before), figure(m.After), m.Unit, m.Measured))
	}
	return strings.Join(b, "\n")
}

func stagesText(c knowledge.Content) string {
	var b []string
	for _, st := range c.Stages {
		name, _ := st.Name.In(c.Original)
		b = append(b, strings.TrimSpace(st.Date+" "+name))
	}
	return strings.Join(b, "\n")
}

func contactText(c knowledge.Contact) string {
	return strings.TrimSpace(strings.Join([]string{c.Name, c.Role, c.Email}, " "))
}
