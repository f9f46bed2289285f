package notify

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"text/template"
)

// Templates are the messages Serambi sends. Each exists in every language as
// templates/{lang}/{name}.txt: a "Subject: ..." line, a blank line, the body.
const (
	ApplicationSubmitted = "application_submitted" // to the applicant, on submission
	ApplicationChanged   = "application_changed"   // to the applicant, when the state moves on
	ApplicationSentBack  = "application_sent_back" // to the applicant, when something must be fixed
	ApplicationDecided   = "application_decided"   // to the applicant, on the decision
	SLAEscalated         = "sla_escalated"         // to officers and admins, when a state is overdue
	AssistCode           = "assist_code"           // to the resident, to confirm what an officer filled in
	AppointmentReminder  = "appointment_reminder"  // to the resident, the day and the hour before
	ClassPromoted        = "class_promoted"        // to a learner who moved up from the waiting list
	ClassReminder        = "class_reminder"        // to a seated learner, the day before the class
	ClassCancelled       = "class_cancelled"       // to every learner with a place, when staff call a class off
	ClassChanged         = "class_changed"         // to every learner with a place, when a class moves to another time or place
	PracticeAnswered     = "practice_answered"     // to staff who asked about another government's good practice
	SurveyInvitation     = "survey_invitation"     // to a learner after a class they came to: the survey's link
)

// Templates lists every template name.
var Templates = []string{ApplicationSubmitted, ApplicationChanged, ApplicationSentBack, ApplicationDecided, SLAEscalated, AssistCode,
	AppointmentReminder, ClassPromoted, ClassReminder, ClassCancelled, ClassChanged, PracticeAnswered, SurveyInvitation}

// fallbackLang is used when a language has no file for a template.
const fallbackLang = "en"

//go:embed templates
var templateFiles embed.FS

type mailTemplate struct {
	subject, body *template.Template
}

// parsed maps language -> template name -> template. Parsed once at start-up
// so a broken file fails the first test, not the first resident.
var parsed = mustParseTemplates(templateFiles)

func mustParseTemplates(fsys fs.FS) map[string]map[string]mailTemplate {
	m, err := parseTemplates(fsys)
	if err != nil {
		panic(err)
	}
	return m
}

func parseTemplates(fsys fs.FS) (map[string]map[string]mailTemplate, error) {
	files, err := fs.Glob(fsys, "templates/*/*.txt")
	if err != nil {
		return nil, err
	}
	m := map[string]map[string]mailTemplate{}
	for _, f := range files {
		lang := path.Base(path.Dir(f))
		name := strings.TrimSuffix(path.Base(f), ".txt")
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		t, err := parseTemplate(f, string(b))
		if err != nil {
			return nil, err
		}
		if m[lang] == nil {
			m[lang] = map[string]mailTemplate{}
		}
		m[lang][name] = t
	}
	return m, nil
}

func parseTemplate(file, src string) (mailTemplate, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	first, rest, _ := strings.Cut(src, "\n")
	subject, ok := strings.CutPrefix(first, "Subject: ")
	if !ok || strings.TrimSpace(subject) == "" {
		return mailTemplate{}, fmt.Errorf("notify: %s: the first line must be \"Subject: ...\"", file)
	}
	body, ok := strings.CutPrefix(rest, "\n")
	if !ok || strings.TrimSpace(body) == "" {
		return mailTemplate{}, fmt.Errorf("notify: %s: a blank line and a body must follow the subject", file)
	}
	// missingkey=zero: an absent Data key renders as "" (Data is a
	// map[string]string), never as "<no value>".
	st, err := template.New(file + ":subject").Option("missingkey=zero").Parse(subject)
	if err != nil {
		return mailTemplate{}, fmt.Errorf("notify: %w", err)
	}
	bt, err := template.New(file).Option("missingkey=zero").Parse(body)
	if err != nil {
		return mailTemplate{}, fmt.Errorf("notify: %w", err)
	}
	return mailTemplate{subject: st, body: bt}, nil
}

// Render renders an event's subject and body in its language, falling back
// to English when that language has no file for the template.
func Render(e Event) (subject, body string, err error) {
	subject, body, _, err = render(e)
	return subject, body, err
}

// render also tells which language it used, so the outbox records it.
func render(e Event) (subject, body, lang string, err error) {
	lang = e.Lang
	t, ok := parsed[lang][e.Template]
	if !ok {
		lang = fallbackLang
		t, ok = parsed[lang][e.Template]
	}
	if !ok {
		return "", "", "", fmt.Errorf("notify: unknown template %q", e.Template)
	}
	data := e.Data
	if data == nil {
		data = map[string]string{}
	}
	var sb, bb strings.Builder
	if err := t.subject.Execute(&sb, data); err != nil {
		return "", "", "", fmt.Errorf("notify: %s subject: %w", e.Template, err)
	}
	if err := t.body.Execute(&bb, data); err != nil {
		return "", "", "", fmt.Errorf("notify: %s body: %w", e.Template, err)
	}
	return oneLine(sb.String()), tidyBody(bb.String()), lang, nil
}

// oneLine keeps a subject on one line whatever the data holds: a newline in
// a value must never turn into a header of its own.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var manyBlankLines = regexp.MustCompile(`\n{3,}`)

// tidyBody drops trailing spaces and the extra blank lines that empty
// optional parts leave behind, so the email stays short and even.
func tidyBody(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	s = manyBlankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.Trim(s, "\n") + "\n"
}
