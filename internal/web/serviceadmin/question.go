package serviceadmin

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// The question editor of the form builder: one question per page.

// questionView is the editor page.
type questionView struct {
	Service, Base, Action, Name string
	New, NewPage, PickType      bool
	Section, PageNumber         int
	PageTitle                   string
	Type                        form.Type
	Types, Conditions, Accept   []choiceView
	Answers                     []answerHint
}

type choiceView struct {
	Value, Label string
	Selected     bool
}

// answerHint lists the answers a condition on an earlier question can use.
type answerHint struct {
	Question string
	Answers  []string
}

// The settings shown for the question's type.
func (v questionView) HasLength() bool {
	return v.Type == form.TypeText || v.Type == form.TypeTextarea || v.Type == form.TypeAddress
}
func (v questionView) HasPattern() bool { return v.Type == form.TypeText }
func (v questionView) HasNumber() bool  { return v.Type == form.TypeNumber }
func (v questionView) HasDate() bool    { return v.Type == form.TypeDate }
func (v questionView) HasOptions() bool { return v.Type == form.TypeChoice || v.Type == form.TypeMulti }
func (v questionView) HasFile() bool    { return v.Type == form.TypeFile }
func (v questionView) HasSettings() bool {
	return v.HasLength() || v.HasNumber() || v.HasDate() || v.HasOptions() || v.HasFile()
}

// inputLabels are the message keys of the editor's inputs, to name an
// input in an error message.
var inputLabels = map[string]string{
	"name": "builder.name", "type": "builder.type", "label_id": "builder.label_id", "label_ja": "builder.label_ja",
	"label_en": "builder.label_en", "help_id": "builder.help_id", "help_ja": "builder.help_ja", "help_en": "builder.help_en",
	"min_len": "builder.min_len", "max_len": "builder.max_len", "pattern": "builder.pattern", "min": "builder.min",
	"max": "builder.max", "min_date": "builder.min_date", "max_date": "builder.max_date", "options": "builder.options",
	"accept": "builder.accept", "max_mb": "builder.max_mb", "show_if_field": "builder.show_if.field",
	"show_if_equals": "builder.show_if.equals", "title_id": "builder.title_id", "title_ja": "builder.title_ja",
	"title_en": "builder.title_en",
}

var acceptLabels = []struct{ Type, Key string }{
	{"application/pdf", "builder.accept.pdf"}, {"image/jpeg", "builder.accept.jpeg"}, {"image/png", "builder.accept.png"},
}

const megabyte = 1 << 20

// adminQuestionNew starts a question at the end of page "section"; the page
// after the last is a new page, whose titles come along in the query.
// Without a type it first asks for one, so that the editor shows only the
// settings of that type.
func (s *Pages) adminQuestionNew(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := svc.Form.Ordered()
	sec, err := strconv.Atoi(q.Get("section"))
	if err != nil || sec < 0 || sec > len(f.Sections) {
		s.NotFound(w, r)
		return
	}
	p := s.NewPage(r, "builder.question.new")
	p.Tenant = t
	p.NoIndex = true
	for _, k := range []string{"title_id", "title_ja", "title_en"} {
		p.Form.Set(k, q.Get(k))
	}
	typ := form.Type(q.Get("type"))
	_, known := typeKey(typ)
	if known {
		p.Form.Set("type", string(typ))
		p.Form.Set("required", "on")
		questionDefaults(p.Form, typ)
	} else if q.Has("type") || q.Has("picking") {
		// "Continue" with no type ticked sends no type at all: say so
		// rather than show the same page again without a word.
		p.Errors.Add("type", "builder.error.type")
	}
	v := s.questionView(p, t, svc, f, "", sec, typ)
	v.PickType = !known
	p.Data = v
	s.Render(w, http.StatusOK, "admin_form_question", p)
}

func (s *Pages) adminQuestionEdit(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	f := svc.Form.Ordered()
	fd, found := f.Field(r.PathValue("name"))
	if !found {
		s.NotFound(w, r)
		return
	}
	p := s.NewPage(r, "builder.question.edit")
	p.Tenant = t
	p.NoIndex = true
	p.Form = questionValues(fd)
	p.Data = s.questionView(p, t, svc, f, fd.Name, fd.Section, fd.Type)
	s.Render(w, http.StatusOK, "admin_form_question", p)
}

// adminQuestionCreate adds a question (and, for a new page, the page).
func (s *Pages) adminQuestionCreate(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	v := r.PostForm
	f := svc.Form.Ordered()
	sec, err := strconv.Atoi(v.Get("section"))
	newPage := v.Get("new_page") == "1"
	if newPage {
		sec = len(f.Sections)
		f.Sections = append(f.Sections, form.Section{Labels: form.Labels{"id": strings.TrimSpace(v.Get("title_id")),
			"ja": strings.TrimSpace(v.Get("title_ja")), "en": strings.TrimSpace(v.Get("title_en"))}})
	} else if err != nil || sec < 0 || sec >= len(f.Sections) {
		s.ErrorPage(w, r, http.StatusBadRequest, t)
		return
	}
	name := strings.TrimSpace(v.Get("name"))
	if name == "" {
		// The admin thinks in questions, not field names: one is made
		// from the question's words.
		name = f.NameFrom(form.Labels{"id": v.Get("label_id"), "ja": v.Get("label_ja"), "en": v.Get("label_en")})
	}
	s.saveQuestion(w, r, t, svc, f, name, sec, true, newPage)
}

// adminQuestionSave saves an edited question in its place.
func (s *Pages) adminQuestionSave(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	f := svc.Form.Ordered()
	old, found := f.Field(r.PathValue("name"))
	if !found {
		s.NotFound(w, r)
		return
	}
	s.saveQuestion(w, r, t, svc, f, old.Name, old.Section, false, false)
}

// saveQuestion reads the editor, builds the new form and saves it; on any
// problem the editor comes back with what was typed.
func (s *Pages) saveQuestion(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc *catalog.Service,
	f form.Form, name string, sec int, isNew, newPage bool) {
	v := r.PostForm
	key := map[bool]string{true: "builder.question.new", false: "builder.question.edit"}[isNew]
	p := s.NewPage(r, key)
	p.Tenant = t
	p.NoIndex = true
	p.Form = cloneValues(v)
	typ := form.Type(v.Get("type"))
	fd, lines, errs := s.questionFromForm(v, f, name, sec)
	if isNew && name == "new" {
		errs.Add("name", "builder.error.name_new")
	}
	if _, known := typeKey(typ); !known {
		errs = append(validation.Errors{{Field: "type", Code: "builder.error.type"}}, errs...)
	}
	status := http.StatusUnprocessableEntity
	if shown := v.Get("shown_type"); shown != "" && shown != string(typ) && (questionView{Type: typ}).HasSettings() {
		// The settings of the new type were not on the page: show them first.
		questionDefaults(p.Form, typ)
		p.Flash, status, errs = "builder.type_changed", http.StatusOK, nil
	} else {
		var nf form.Form
		var at int
		if isNew {
			nf, at = f.Insert(fd)
		} else {
			nf, at = f.Replace(fd)
		}
		newSec := -1
		if newPage {
			newSec = sec
		}
		if len(errs) > 0 {
			// Not saved, but say at once all that is wrong with the form too.
			whole := *svc
			whole.Form = nf
			errs = mergeErrors(errs, questionErrors(p, nf, at, newSec, fd, lines, catalog.Validate(&whole)))
		} else {
			saveErrs, err := s.saveForm(r, t, *svc, nf)
			if err != nil {
				s.ServerError(w, r, err)
				return
			}
			if len(saveErrs) == 0 {
				web.Redirect(w, r, builderBase(t, svc)+"?done=saved#q-"+fd.Name)
				return
			}
			errs = questionErrors(p, nf, at, newSec, fd, lines, saveErrs)
		}
	}
	p.Errors = errs
	if newPage {
		sec = len(svc.Form.Sections)
	}
	view := s.questionView(p, t, svc, svc.Form.Ordered(), map[bool]string{true: "", false: name}[isNew], sec, typ)
	p.Data = view
	s.Render(w, status, "admin_form_question", p)
}

// mergeErrors adds to errs the problems of inputs that have none yet.
func mergeErrors(errs, more validation.Errors) validation.Errors {
	for _, e := range more {
		if _, taken := errs.For(e.Field); !taken {
			errs = append(errs, e)
		}
	}
	return errs
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// questionView gathers what the editor shows for question name ("" when
// new) on page sec of f.
func (s *Pages) questionView(p *web.Page, t *tenant.Tenant, svc *catalog.Service, f form.Form, name string, sec int, typ form.Type) questionView {
	base := builderBase(t, svc)
	v := questionView{Service: svc.Names.In(p.Lang()), Base: base, Name: name, New: name == "", Section: sec,
		PageNumber: sec + 1, Type: typ, NewPage: sec >= len(f.Sections)}
	if !v.NewPage {
		v.PageTitle = f.Sections[sec].Labels.In(p.Lang())
	}
	v.Action = base + "/questions"
	if !v.New {
		v.Action += "/" + name
	}
	for _, qt := range questionTypes {
		v.Types = append(v.Types, choiceView{Value: string(qt.Type), Label: p.T(qt.Key), Selected: qt.Type == typ})
	}
	for _, a := range acceptLabels {
		v.Accept = append(v.Accept, choiceView{Value: a.Type, Label: p.T(a.Key), Selected: slices.Contains(p.Form["accept"], a.Type)})
	}
	chosen := p.Form.Get("show_if_field")
	for _, c := range conditionCandidates(f, name, sec) {
		v.Conditions = append(v.Conditions, choiceView{Value: c.Name, Label: c.Labels.In(p.Lang()) + " (" + c.Name + ")",
			Selected: c.Name == chosen})
		if hint := hintFor(p, c); len(hint.Answers) > 0 {
			v.Answers = append(v.Answers, hint)
		}
	}
	return v
}

// conditionCandidates are the questions a condition of question name (or
// of a new question at the end of page sec) may refer to: those asked
// before it, except file uploads.
func conditionCandidates(f form.Form, name string, sec int) []form.Field {
	var out []form.Field
	for _, fd := range f.Fields {
		if name != "" && fd.Name == name {
			break
		}
		if name == "" && fd.Section > sec {
			break
		}
		if fd.Type != form.TypeFile {
			out = append(out, fd)
		}
	}
	return out
}

// hintFor is what a condition on fd can test, worded for the page.
func hintFor(p *web.Page, fd form.Field) answerHint {
	h := answerHint{Question: fd.Labels.In(p.Lang())}
	switch fd.Type {
	case form.TypeYesNo:
		h.Answers = []string{p.T("form.yes"), p.T("form.no")}
	case form.TypeChoice, form.TypeMulti:
		for _, o := range fd.Options {
			h.Answers = append(h.Answers, o.Value+" ("+o.Labels.In(p.Lang())+")")
		}
	}
	return h
}

// questionDefaults fills settings a new question of type t starts with.
func questionDefaults(v url.Values, t form.Type) {
	switch t {
	case form.TypeFile:
		if len(v["accept"]) == 0 {
			v["accept"] = slices.Clone(form.AcceptedMediaTypes)
		}
		if v.Get("max_mb") == "" {
			v.Set("max_mb", "10")
		}
	case form.TypeDate:
		for _, k := range []string{"min_date_kind", "max_date_kind"} {
			if v.Get(k) == "" {
				v.Set(k, "none")
			}
		}
	}
}

// questionValues writes a question into the editor's inputs.
func questionValues(fd form.Field) url.Values {
	v := url.Values{"type": {string(fd.Type)}}
	for _, l := range locale.Langs {
		v.Set("label_"+l, fd.Labels[l])
		v.Set("help_"+l, fd.Help[l])
	}
	if fd.Required {
		v.Set("required", "on")
	}
	if fd.Integer {
		v.Set("integer", "on")
	}
	for k, n := range map[string]int{"min_len": fd.MinLen, "max_len": fd.MaxLen} {
		if n != 0 {
			v.Set(k, strconv.Itoa(n))
		}
	}
	for k, n := range map[string]*float64{"min": fd.Min, "max": fd.Max} {
		if n != nil {
			v.Set(k, strconv.FormatFloat(*n, 'f', -1, 64))
		}
	}
	v.Set("pattern", fd.Pattern)
	for k, d := range map[string]string{"min_date": fd.MinDate, "max_date": fd.MaxDate} {
		switch d {
		case "":
			v.Set(k+"_kind", "none")
		case "today":
			v.Set(k+"_kind", "today")
		default:
			v.Set(k+"_kind", "date")
			v.Set(k, d)
		}
	}
	var lines []string
	for _, o := range fd.Options {
		lines = append(lines, strings.Join([]string{o.Value, o.Labels["id"], o.Labels["ja"], o.Labels["en"]}, " | "))
	}
	v.Set("options", strings.Join(lines, "\n"))
	if len(fd.Accept) > 0 {
		v["accept"] = slices.Clone(fd.Accept)
	}
	if fd.MaxBytes > 0 {
		v.Set("max_mb", strconv.FormatFloat(float64(fd.MaxBytes)/megabyte, 'f', -1, 64))
	}
	if fd.ShowIf != nil {
		v.Set("show_if_field", fd.ShowIf.Field)
		v.Set("show_if_equals", fd.ShowIf.Equals)
	}
	return v
}

// questionFromForm reads the editor into a question. Only the settings of
// the chosen type are read, so a type change leaves no stale rule behind.
// lines are the textarea line numbers of the options, for messages.
func (s *Pages) questionFromForm(v url.Values, f form.Form, name string, sec int) (form.Field, []int, validation.Errors) {
	var errs validation.Errors
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	fd := form.Field{Name: name, Type: form.Type(get("type")), Section: sec, Required: v.Get("required") == "on",
		Labels: form.Labels{"id": get("label_id"), "ja": get("label_ja"), "en": get("label_en")}}
	if help := (form.Labels{"id": get("help_id"), "ja": get("help_ja"), "en": get("help_en")}); help["id"]+help["ja"]+help["en"] != "" {
		fd.Help = help
	}
	view := questionView{Type: fd.Type}
	intOf := func(k string) int {
		n, err := strconv.Atoi(get(k))
		if err != nil && get(k) != "" {
			errs.Add(k, "error.field.integer")
		}
		return n
	}
	numOf := func(k string) *float64 {
		raw := get(k)
		if raw == "" {
			return nil
		}
		if !strings.Contains(raw, ".") {
			raw = strings.Replace(raw, ",", ".", 1) // a decimal comma, as written in Indonesia
		}
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			errs.Add(k, "error.field.number")
			return nil
		}
		return &n
	}
	dateOf := func(k string) string {
		switch v.Get(k + "_kind") {
		case "today":
			return "today"
		case "date":
			if get(k) == "" {
				errs.Add(k, "builder.error.date_missing")
			}
			return get(k)
		}
		return ""
	}
	var lines []int
	switch {
	case view.HasLength():
		fd.MinLen, fd.MaxLen = intOf("min_len"), intOf("max_len")
		if view.HasPattern() {
			fd.Pattern = get("pattern")
		}
	case view.HasNumber():
		fd.Min, fd.Max, fd.Integer = numOf("min"), numOf("max"), v.Get("integer") == "on"
	case view.HasDate():
		fd.MinDate, fd.MaxDate = dateOf("min_date"), dateOf("max_date")
	case view.HasOptions():
		fd.Options, lines = parseOptions(v.Get("options"), &errs)
	case view.HasFile():
		fd.Accept = slices.Clone(v["accept"])
		if mb := numOf("max_mb"); mb != nil {
			fd.MaxBytes = int64(*mb * megabyte)
		}
	}
	if ref := get("show_if_field"); ref != "" {
		fd.ShowIf = &form.Condition{Field: ref, Equals: get("show_if_equals")}
		if rf, ok := f.Field(ref); ok {
			fd.ShowIf.Equals = s.conditionValue(rf, fd.ShowIf.Equals)
		}
	}
	return fd, lines, errs
}

// parseOptions reads "value | id | ja | en" lines; blank lines are skipped.
func parseOptions(text string, errs *validation.Errors) ([]form.Option, []int) {
	var opts []form.Option
	var lines []int
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 4 {
			errs.Add("options", "builder.error.option_line", i+1)
			continue
		}
		for k := range parts {
			parts[k] = strings.TrimSpace(parts[k])
		}
		opts = append(opts, form.Option{Value: parts[0], Labels: form.Labels{"id": parts[1], "ja": parts[2], "en": parts[3]}})
		lines = append(lines, i+1)
	}
	return opts, lines
}

// conditionValue turns what the admin typed into the answer value it
// means: "はい" or "Ya" for yes, an option's text for its value.
func (s *Pages) conditionValue(ref form.Field, typed string) string {
	same := func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
	switch ref.Type {
	case form.TypeYesNo:
		for _, l := range locale.Langs {
			if same(typed, s.Catalog.T(l, "form.yes")) {
				return "yes"
			}
			if same(typed, s.Catalog.T(l, "form.no")) {
				return "no"
			}
		}
	case form.TypeChoice, form.TypeMulti:
		for _, o := range ref.Options {
			if o.Value == typed {
				return typed
			}
		}
		for _, o := range ref.Options {
			for _, label := range o.Labels {
				if same(typed, label) {
					return o.Value
				}
			}
		}
	}
	return typed
}

// questionErrors points each problem of the new form at the editor's
// input that can fix it, named in words. at is the question's index in f,
// newSec the index of a page being added with it (or -1).
func questionErrors(p *web.Page, f form.Form, at, newSec int, fd form.Field, lines []int, errs validation.Errors) validation.Errors {
	var out validation.Errors
	for _, e := range errs {
		subj, isForm := formSubject(e)
		if !isForm {
			out = append(out, validation.Problem{Field: "question", Code: e.Code, Args: e.Args})
			continue
		}
		parts := strings.SplitN(subj, ".", 3)
		rest := ""
		if len(parts) == 3 {
			rest = parts[2]
		}
		kind, i, _ := splitSubject(f, subj)
		mine := len(parts) > 1 && kind == "fields" && (parts[1] == fd.Name || parts[1] == strconv.Itoa(at))
		switch {
		case mine:
			input, arg := questionInput(p, e.Code, rest, fd, lines)
			out.Add(input, e.Code, arg)
		case kind == "sections" && i == newSec && rest == "labels":
			input := "title_" + tenantLang(p.Tenant)
			out.Add(input, e.Code, p.T(inputLabels[input]))
		case kind == "fields" && i >= 0 && f.Fields[i].ShowIf != nil && f.Fields[i].ShowIf.Field == fd.Name:
			// Another question's condition no longer fits this one's answers.
			input := "type"
			if (questionView{Type: fd.Type}).HasOptions() {
				input = "options"
			}
			out.Add(input, e.Code, quoted(p, f.Fields[i]))
		case kind == "fields" && i >= 0:
			out.Add("question", e.Code, quoted(p, f.Fields[i]))
		case kind == "sections" && i >= 0:
			out.Add("question", e.Code, p.T("builder.page.number", i+1))
		default:
			out.Add("question", e.Code, "")
		}
	}
	return out
}

// tenantLang is the language a tenant's admins write in first.
func tenantLang(t *tenant.Tenant) string {
	if t == nil || t.DefaultLang == "" {
		return "id"
	}
	return t.DefaultLang
}

// questionInput finds the input of the edited question that a problem is
// about: rest is the subject after "fields.<name>.".
func questionInput(p *web.Page, code, rest string, fd form.Field, lines []int) (input, arg string) {
	named := func(input string) (string, string) { return input, p.T(inputLabels[input]) }
	view := questionView{Type: fd.Type}
	switch {
	case rest == "labels":
		// No text in any language: the tenant's own language's box.
		return named("label_" + tenantLang(p.Tenant))
	case rest == "show_if" && code == "error.form.show_if_value":
		return named("show_if_equals")
	case rest == "show_if":
		return named("show_if_field")
	case strings.HasPrefix(rest, "options."):
		n, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(rest, "options."), ".", 2)[0])
		if n >= 0 && n < len(lines) {
			return "options", p.T("builder.options.line", lines[n])
		}
		return named("options")
	}
	switch code {
	case "error.form.name", "error.form.name_taken":
		return named("name")
	case "error.form.options":
		return named("options")
	case "error.form.pattern":
		return named("pattern")
	case "error.form.accept":
		return named("accept")
	case "error.form.max_bytes":
		return named("max_mb")
	case "error.form.date":
		if fd.MinDate != "" && fd.MinDate != "today" && !validDate(fd.MinDate) {
			return named("min_date")
		}
		return named("max_date")
	case "error.form.range":
		switch {
		case view.HasNumber():
			return named("min")
		case view.HasDate():
			return named("min_date")
		}
		return named("min_len")
	}
	return named("type")
}

// validDate tells whether d is a real "YYYY-MM-DD" day.
func validDate(d string) bool {
	t, err := time.Parse(time.DateOnly, d)
	return err == nil && t.Format(time.DateOnly) == d
}

// dateLimit is one of a date question's bounds: none, today or a date.
type dateLimit struct {
	Name, Legend, None, Today, Fixed, Kind string
	Input                                  web.FieldView
}

// dateLimitOf builds the inputs of a date bound for the "datelimit"
// template (its function "dateLimit").
func dateLimitOf(p *web.Page, name, legendKey, valueKey string) dateLimit {
	return dateLimit{Name: name, Legend: p.T(legendKey), None: p.T("builder.date.none"), Today: p.T("builder.date.today"),
		Fixed: p.T("builder.date.fixed"), Kind: p.Val(name + "_kind"),
		Input: p.Field(name, "text,off", valueKey, "calendar.date.hint", true)}
}
