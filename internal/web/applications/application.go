package applications

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/web"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/workflow"
)

type timelineRow struct {
	When, Action, State, Comment, Who string
}

type actionView struct {
	Name, Label     string
	CommentRequired bool
	Danger          bool
}

type applicationPage struct {
	Documents    []requirementView
	Assisted     bool // filled by an officer, not yet confirmed
	AssistedByMe bool
	IsApplicant  bool
	CheckCode    string        // for public tracking, shown to the applicant
	Next         []string      // what happens next, for the applicant of a sent application
	FilledBy     string        // the name of the officer who filled it
	Colleagues   []stateOption // officers and admins to assign to
	AC           *appContext
	Service      string
	State        string
	Outcome      string
	Timeline     []timelineRow
	Answers      []checkRow
	Actions      []actionView
	Editable     bool
	Staff        bool
	Due          string
	DaysLeft     int
	Overdue      bool
	Unlisted     string // years of the deadline without national holidays, for staff
	Applicant    string
	Assignee     string
	Changed      bool
	Survey       string // the satisfaction survey's link, while the applicant can still answer it
}

func (s *Pages) applicationPage(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	s.renderApplication(w, r, ac, nil, http.StatusOK)
}

func (s *Pages) renderApplication(w http.ResponseWriter, r *http.Request, ac *appContext, errs validation.Errors, status int) {
	p := s.NewPage(r, "application.title")
	p.Tenant = ac.T
	p.Errors = errs
	p.Flash = web.FlashFrom(r)
	data, err := s.applicationData(r.Context(), p, ac)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	data.Changed = r.URL.Query().Get("changed") == "1"
	p.Data = data
	s.Render(w, status, "application", p)
}

func (s *Pages) applicationData(ctx context.Context, p *web.Page, ac *appContext) (applicationPage, error) {
	lang := p.Lang()
	wf := ac.Svc.Workflow
	state, _ := wf.State(ac.App.State)
	d := applicationPage{AC: ac, Service: ac.Svc.Names.In(lang), State: state.Labels.In(lang), Outcome: state.Outcome,
		Editable: ac.editable(), Staff: slices.Contains(ac.Roles, workflow.Officer) || slices.Contains(ac.Roles, workflow.Admin)}
	events, err := s.Apps.Timeline(ctx, ac.T.ID, ac.App.ID)
	if err != nil {
		return d, err
	}
	for _, e := range events {
		to, _ := wf.State(e.To)
		row := timelineRow{When: p.DateTime(e.At), State: to.Labels.In(lang), Comment: e.Comment}
		if a, ok := wf.Action(e.Action); ok {
			row.Action = a.Labels.In(lang)
		} else {
			row.Action = p.T("timeline." + e.Action)
		}
		if d.Staff && e.ActorID != "" {
			if u, err := s.Identity.ByID(ctx, e.ActorID); err == nil {
				row.Who = u.Name
			}
		}
		d.Timeline = append(d.Timeline, row)
	}
	for _, fd := range ac.Svc.Form.Visible(ac.App.Answers) {
		d.Answers = append(d.Answers, checkRow{Label: fd.Labels.In(lang), Value: ac.Svc.Form.Display(fd, ac.App.Answers, lang)})
	}
	for _, a := range wf.Allowed(ac.App.State, ac.Roles) {
		if a.Name == "submit" || a.Name == "resubmit" {
			continue // submitting goes through "check your answers"
		}
		to, _ := wf.State(a.To)
		d.Actions = append(d.Actions, actionView{Name: a.Name, Label: a.Labels.In(lang), CommentRequired: a.CommentRequired,
			Danger: to.Outcome == workflow.Rejected || to.Outcome == workflow.Withdrawn})
	}
	me := p.User()
	d.Assisted = ac.App.FilledBy != "" && ac.App.TrackingNumber == "" && ac.App.DecidedAt == nil
	d.AssistedByMe = d.Assisted && ac.assistedByMe(me)
	d.IsApplicant = me != nil && me.ID == ac.App.ApplicantID
	if d.IsApplicant && ac.App.TrackingNumber != "" {
		d.CheckCode = application.CheckCode(s.CheckKey, ac.App.ID)
	}
	if d.IsApplicant && ac.App.SubmittedAt != nil && ac.App.DecidedAt == nil {
		d.Next = nextSteps(p, ac)
	}
	if d.IsApplicant && ac.App.DecidedAt != nil {
		if d.Survey, err = s.surveyLink(ctx, ac); err != nil {
			return d, err
		}
	}
	if ac.App.FilledBy != "" {
		if u, err := s.Identity.ByID(ctx, ac.App.FilledBy); err == nil {
			d.FilledBy = u.Name
		}
	}
	if err := s.fillDue(ctx, p, ac, &d); err != nil {
		return d, err
	}
	docs, err := s.Docs.ForApplication(ctx, ac.T.ID, ac.App.ID)
	if err != nil {
		return d, err
	}
	d.Documents = requirementViews(p, ac.Svc, docs, ac.T.Slug)
	if d.Staff {
		staff, err := s.Identity.Staff(ctx, ac.T.ID)
		if err != nil {
			return d, err
		}
		for _, m := range staff {
			if hasStaffRole(m.Roles) {
				d.Colleagues = append(d.Colleagues, stateOption{Value: string(m.User.ID), Label: m.User.Name})
			}
		}
		if u, err := s.Identity.ByID(ctx, ac.App.ApplicantID); err == nil {
			d.Applicant = u.Name
		}
		if u, err := s.Identity.ByID(ctx, ac.App.AssignedTo); err == nil {
			d.Assignee = u.Name
		}
	}
	return d, nil
}

// act takes a workflow action from a button on the application page (or
// the submit button of "check your answers").
func (s *Pages) act(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	action := r.PostForm.Get("action")
	if action == "submit" || action == "resubmit" {
		docs, err := s.Docs.ForApplication(r.Context(), ac.T.ID, ac.App.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if errs := missingDocuments(ac.Svc, docs); len(errs) > 0 {
			s.renderCheck(w, r, ac, errs, http.StatusUnprocessableEntity)
			return
		}
	}
	outcome := s.actionOutcome(r, ac, action)
	if (outcome == workflow.Withdrawn || outcome == workflow.Rejected) && r.PostForm.Get("confirm") != "yes" {
		s.confirmAction(w, r, ac, action, outcome, version)
		return
	}
	_, err := s.Apps.Act(r.Context(), ac.caller(r), *ac.T, ac.Svc, ac.App.ID, version, action, r.PostForm.Get("comment"))
	if err != nil {
		s.appError(w, r, ac, err)
		return
	}
	switch {
	case action == "submit" || action == "resubmit":
		web.Redirect(w, r, appURL(ac)+"?done=submitted")
		return
	}
	switch outcome {
	case workflow.Withdrawn:
		web.Redirect(w, r, appURL(ac)+"?done=withdrawn")
	case workflow.Rejected:
		web.Redirect(w, r, appURL(ac)+"?done=rejected")
	default:
		web.Redirect(w, r, appURL(ac)+"?done=action")
	}
}

// actionOutcome is the outcome of the state an action the caller may take
// now leads to ("" for an action that decides nothing, or one not allowed,
// which Act then refuses).
func (s *Pages) actionOutcome(r *http.Request, ac *appContext, action string) string {
	for _, a := range ac.Svc.Workflow.Allowed(ac.App.State, ac.Roles) {
		if a.Name == action {
			to, _ := ac.Svc.Workflow.State(a.To)
			return to.Outcome
		}
	}
	return ""
}

// confirmAction asks before an action that cannot be undone (withdrawing,
// rejecting): a page of its own, so it works without JavaScript, that says
// plainly what will happen.
func (s *Pages) confirmAction(w http.ResponseWriter, r *http.Request, ac *appContext, action string, outcome string, version int) {
	p := s.NewPage(r, "confirm.withdraw.title")
	p.Tenant = ac.T
	kind := "withdraw"
	if outcome == workflow.Rejected {
		kind = "reject"
		p.Title = p.T("confirm.reject.title")
	}
	number := ac.App.TrackingNumber
	if number == "" {
		number = p.T("confirm.draft")
	}
	name := ac.Svc.Names.In(p.Lang())
	p.Data = web.ConfirmView{Question: p.T("confirm." + kind + ".title"), Explain: p.T("confirm."+kind+".explain", number, name),
		Yes: p.T("confirm." + kind + ".yes"), No: p.T("confirm." + kind + ".no"), Action: appURL(ac) + "/actions", Back: appURL(ac),
		Hidden: [][2]string{{"version", strconv.Itoa(version)}, {"action", action}, {"comment", r.PostForm.Get("comment")}}}
	s.Render(w, http.StatusOK, "confirm_action", p)
}

// myApplications lists the signed-in resident's applications here.
func (s *Pages) myApplications(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	apps, err := s.Apps.Mine(r.Context(), t.ID, web.UserOf(r).ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "mine.title")
	p.Tenant = t
	rows, err := s.ListRows(r.Context(), p, t, apps)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = rows
	s.Render(w, http.StatusOK, "my_applications", p)
}

// fillDue: residents see the service's promise (its SLA counted from
// submission); staff see the deadline of the current state, which is what
// escalates.
func (s *Pages) fillDue(ctx context.Context, p *web.Page, ac *appContext, d *applicationPage) error {
	cal, err := s.CalendarFor(ctx, ac.T)
	if err != nil {
		return err
	}
	var due time.Time
	switch {
	case d.Staff && ac.App.DueAt != nil:
		due = *ac.App.DueAt
	case !d.Staff && ac.App.SubmittedAt != nil && ac.App.DecidedAt == nil:
		due = cal.Due(*ac.App.SubmittedAt, ac.Svc.SLADays)
	default:
		return nil
	}
	d.Due = p.Date(web.LastMoment(due))
	d.DaysLeft = cal.WorkingDaysLeft(s.Clock.Now(), due)
	d.Overdue = s.Clock.Now().After(due)
	if d.Staff {
		// The officer is told when the count reached into a year whose
		// national holidays are not published: the date may be too early.
		var years []string
		for _, y := range cal.Unlisted(ac.App.StateSince, web.LastMoment(due)) {
			years = append(years, strconv.Itoa(y))
		}
		d.Unlisted = strings.Join(years, ", ")
	}
	return nil
}

// nextSteps says, in plain words, what a resident who has sent an
// application can expect: the fee and how it is paid, what to bring, and
// how the result reaches them (with the postal address they gave).
func nextSteps(p *web.Page, ac *appContext) []string {
	var out []string
	if ac.Svc.Free() {
		out = append(out, p.T("next.fee.none"))
	} else {
		out = append(out, p.T("next.fee", formatFee(p.Lang(), ac.Svc.FeeAmount, ac.Svc.FeeCurrency)))
	}
	out = append(out, p.T("next.bring"))
	switch delivery, _ := ac.App.Answers["delivery"].(string); delivery {
	case "post":
		addr, _ := ac.App.Answers["postal_address"].(string)
		if addr == "" {
			out = append(out, p.T("next.post.no_address"))
		} else {
			out = append(out, p.T("next.post", addr))
		}
	default:
		out = append(out, p.T("next.counter"))
	}
	return out
}

// formatFee writes an amount the way residents read prices: "Rp 10.000",
// "300円", "¥300".
func formatFee(lang string, amount int64, currency string) string {
	digits := strconv.FormatInt(amount, 10)
	sep := ","
	if currency == "IDR" {
		sep = "."
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	n := b.String()
	switch {
	case currency == "IDR":
		return "Rp " + n
	case currency == "JPY" && lang == "ja":
		return n + "円"
	case currency == "JPY":
		return "¥" + n
	}
	return n + " " + currency
}

// surveyLink is the link to the survey about ac's application, "" when
// it was answered, has expired or was never sent.
func (s *Pages) surveyLink(ctx context.Context, ac *appContext) (string, error) {
	if s.Surveys == nil {
		return "", nil
	}
	inv, ok, err := s.Surveys.BySubject(ctx, ac.T.ID, "application:"+string(ac.App.ID))
	if err != nil || !ok || inv.Answered || !s.Clock.Now().Before(inv.ExpiresAt) {
		return "", err
	}
	return s.Path("/{tenant}/survey/{token}", ac.T.Slug, s.Surveys.Token(inv.ID)), nil
}
