package surveys

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

const (
	actionsPath = "/{tenant}/admin/survey/actions"
	actionPath  = "/{tenant}/admin/survey/actions/{id}"
)

// actionRow is one follow-up action as the index shows it.
type actionRow struct {
	ID, Element, What, Owner, Due string
	Done                          bool
	Toggle                        string
}

// itemName names element n (1-based) of t.
func itemName(p *web.Page, t survey.Template, n int) string {
	if n < 1 || n > len(t.Items) {
		return ""
	}
	return p.T("survey." + t.Code + "." + t.Items[n-1] + ".short")
}

// fillActions lists the period's follow-up actions and offers the form
// to add one, the weakest element chosen first.
func (s *Pages) fillActions(ctx context.Context, p *web.Page, t *tenant.Tenant, tpl survey.Template, period survey.Period, v *indexView) error {
	actions, err := s.Surveys.Actions(ctx, t.ID, period.Code())
	if err != nil {
		return err
	}
	for _, a := range actions {
		v.Actions = append(v.Actions, actionRow{ID: a.ID, Element: itemName(p, tpl, a.Element), What: a.What, Owner: a.Owner,
			Due: dueDate(p, a.Due, t), Done: a.Done, Toggle: s.Path(actionPath, t.Slug, a.ID)})
	}
	chosen := p.Val("element")
	for i := range tpl.Items {
		n := strconv.Itoa(i + 1)
		label := itemName(p, tpl, i+1)
		for _, e := range v.Elements {
			if e.Weak && e.Code == tpl.Items[i] {
				label += " — " + p.T("survey.index.weak")
			}
		}
		v.ElementChoices = append(v.ElementChoices, option{Value: n, Label: label, Selected: n == chosen})
	}
	v.PeriodCode, v.AddAction = period.Code(), s.Path(actionsPath, t.Slug)
	return nil
}

// dueDate shows a YYYY-MM-DD date through the one formatter.
func dueDate(p *web.Page, due string, t *tenant.Tenant) string {
	d, err := time.ParseInLocation("2006-01-02", due, t.Location())
	if err != nil {
		return due
	}
	return p.Date(d)
}

// addAction records a follow-up action for a weak element.
func (s *Pages) addAction(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	element, _ := strconv.Atoi(validation.Narrow(f.Get("element")))
	_, err := s.Surveys.AddAction(r.Context(), web.Actor(r), survey.ForCountry(t.Country), survey.Action{TenantID: t.ID,
		Element: element, Period: f.Get("period"), What: f.Get("what"), Owner: f.Get("owner"), Due: f.Get("due")})
	back := url.Values{"period": {f.Get("period")}}
	var errs validation.Errors
	if errors.As(err, &errs) {
		s.renderIndex(w, r, t, back, http.StatusUnprocessableEntity, errs)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(indexPath, t.Slug)+"?"+back.Encode()+"&done=action_added#actions-h")
}

// toggleAction marks a follow-up action done or not done.
func (s *Pages) toggleAction(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	err := s.Surveys.SetDone(r.Context(), web.Actor(r), t.ID, r.PathValue("id"), r.PostForm.Get("done") == "yes")
	if errors.Is(err, survey.ErrNoAction) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	back := url.Values{"period": {r.PostForm.Get("period")}}
	web.Redirect(w, r, s.Path(indexPath, t.Slug)+"?"+back.Encode()+"&done=saved#actions-h")
}
