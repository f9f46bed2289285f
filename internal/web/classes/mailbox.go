package classes

import (
	"errors"
	"net/http"
	"time"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// The practice mailbox, in plain pages and forms: the list of messages,
// one message (opening it marks it read) with its photo, a reply box for
// the people the learner knows, and the two buttons "safe" and "scam"
// followed by the signs to look for.

const mailPath = "/{tenant}/classes/lessons/{id}/mailbox/{message}"

// mailView is one practice message as the mailbox shows it.
type mailView struct {
	Key, Href, Received         string
	Scam, Attachment, Replyable bool
	class.MailState             // what the practiser did with it
	Judged, Right               bool
}

// mailViews are the messages with the practiser's state; each "arrived"
// an hour apart before the page was drawn, in the tenant's zone.
func (s *Pages) mailViews(p *web.Page, t *tenant.Tenant, lessonID string, state map[string]class.MailState) []mailView {
	now := s.Clock.Now()
	var out []mailView
	for i, m := range class.Mails {
		st := state[m.Key]
		out = append(out, mailView{Key: m.Key, Href: s.Path(mailPath, t.Slug, lessonID, m.Key),
			Received: p.DateTime(now.Add(-time.Duration(i*67+12) * time.Minute)),
			Scam:     m.Scam, Attachment: m.Attachment, Replyable: m.Replyable,
			MailState: st, Judged: st.Verdict != "", Right: st.Right(m)})
	}
	return out
}

// mailboxPage is the mailbox exercise's page: the messages, newest first.
func (s *Pages) mailboxPage(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, c class.Course, l class.Lesson) {
	state, err := s.Classes.Mailbox(r.Context(), t.ID, l.ID, web.PractiserOf(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "practice.ex.mailbox.title")
	p.Tenant = t
	p.NoIndex = true
	mails := s.mailViews(p, t, l.ID, state)
	right := 0
	for _, m := range mails {
		if m.Right {
			right++
		}
	}
	p.Data = struct {
		Lesson, Next string
		Mails        []mailView
		Right, All   int
	}{l.Title.In(p.Lang()), s.nextExercise(t, c, l, class.Mailbox), mails, right, len(mails)}
	s.Render(w, http.StatusOK, "class_mailbox", p)
}

// lessonMail loads the lesson (offering the mailbox) and message of the
// path.
func (s *Pages) lessonMail(w http.ResponseWriter, r *http.Request, t *tenant.Tenant) (class.Lesson, class.Mail, bool) {
	_, l, _, ok := s.lessonExercise(w, r, t)
	if !ok {
		return class.Lesson{}, class.Mail{}, false
	}
	m, ok := class.MailByKey(r.PathValue("message"))
	if !ok {
		s.NotFound(w, r)
	}
	return l, m, ok
}

// mailPage opens one message (and marks it read).
func (s *Pages) mailPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	l, m, ok := s.lessonMail(w, r, t)
	if !ok {
		return
	}
	if _, err := s.Classes.ActOnMail(r.Context(), t.ID, l.ID, web.PractiserOf(r), m.Key, class.MailAction{Open: true}); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.renderMail(w, r, t, l, m, http.StatusOK, nil)
}

func (s *Pages) renderMail(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, l class.Lesson, m class.Mail, status int, errs validation.Errors) {
	state, err := s.Classes.Mailbox(r.Context(), t.ID, l.ID, web.PractiserOf(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "practice.mail."+m.Key+".subject")
	p.Tenant = t
	p.NoIndex = true
	p.Errors = errs
	if errs != nil {
		p.Form = r.PostForm
	}
	var v mailView
	for _, x := range s.mailViews(p, t, l.ID, state) {
		if x.Key == m.Key {
			v = x
		}
	}
	p.Data = struct {
		Mail     mailView
		LessonID string
		Box      string
	}{v, l.ID, s.Path(exercisePath, t.Slug, l.ID, string(class.Mailbox))}
	s.Render(w, status, "class_mail", p)
}

// mailAct records a verdict or a reply, then shows the message again with
// what it taught.
func (s *Pages) mailAct(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	l, m, ok := s.lessonMail(w, r, t)
	if !ok {
		return
	}
	a := class.MailAction{Verdict: r.PostForm.Get("verdict")}
	if r.PostForm.Has("reply") {
		reply := r.PostForm.Get("reply")
		a.Reply = &reply
	}
	_, err := s.Classes.ActOnMail(r.Context(), t.ID, l.ID, web.PractiserOf(r), m.Key, a)
	var errs validation.Errors
	switch {
	case errors.As(err, &errs):
		s.renderMail(w, r, t, l, m, http.StatusUnprocessableEntity, errs)
	case errors.Is(err, class.ErrNotFound):
		s.NotFound(w, r)
	case err != nil:
		s.ServerError(w, r, err)
	case a.Reply != nil:
		web.Redirect(w, r, s.Path(mailPath, t.Slug, l.ID, m.Key)+"#sent")
	default:
		web.Redirect(w, r, s.Path(mailPath, t.Slug, l.ID, m.Key)+"#verdict")
	}
}

// mailAttachment opens the photo a message carries.
func (s *Pages) mailAttachment(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	l, m, ok := s.lessonMail(w, r, t)
	if !ok {
		return
	}
	_, err := s.Classes.ActOnMail(r.Context(), t.ID, l.ID, web.PractiserOf(r), m.Key, class.MailAction{OpenAttachment: true})
	if errors.Is(err, class.ErrNotFound) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "practice.mail.photo.title")
	p.Tenant = t
	p.NoIndex = true
	p.Data = s.Path(mailPath, t.Slug, l.ID, m.Key)
	s.Render(w, http.StatusOK, "class_mail_photo", p)
}
