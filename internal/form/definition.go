package form

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a form definition, for the tenant admin
// who edits it. Subject says where: "sections.1.labels.ja",
// "fields.sex.options.f", or "fields.3" for a field without a usable name.
type Problem struct {
	Code    string `json:"code"`
	Subject string `json:"subject"`
}

// Definition problem codes (message-catalog keys).
const (
	codeFormEmpty        = "error.form.empty"
	codeFormSectionEmpty = "error.form.section_empty"
	codeFormName         = "error.form.name"
	codeFormNameTaken    = "error.form.name_taken"
	codeFormType         = "error.form.type"
	codeFormLabels       = "error.form.labels"
	codeFormSection      = "error.form.section"
	codeFormOptions      = "error.form.options"
	codeFormOptionValue  = "error.form.option_value"
	codeFormOptionTaken  = "error.form.option_taken"
	codeFormShowIf       = "error.form.show_if"
	codeFormShowIfValue  = "error.form.show_if_value"
	codeFormPattern      = "error.form.pattern"
	codeFormRange        = "error.form.range"
	codeFormDate         = "error.form.date"
	codeFormAccept       = "error.form.accept"
	codeFormMaxBytes     = "error.form.max_bytes"
)

// MaxFileBytes is the largest upload a form may allow: enough for a
// scanned page as PDF or a phone photo, small enough for slow mobile data.
const MaxFileBytes = 20 << 20

// AcceptedMediaTypes are the upload types a file field may accept: ones
// every officer's computer opens and the upload check can recognise.
var AcceptedMediaTypes = []string{"application/pdf", "image/jpeg", "image/png"}

var (
	fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// definition collects the problems of one form.
type definition struct {
	form     Form
	problems []Problem
}

func (d *definition) add(code, subject string) {
	d.problems = append(d.problems, Problem{Code: code, Subject: subject})
}

// Validate checks a definition before it is saved, so that residents never
// meet a form that cannot be filled in or read in their language.
func (f Form) Validate() []Problem {
	d := &definition{form: f}
	if len(f.Fields) == 0 {
		d.add(codeFormEmpty, "fields")
	}
	for i, s := range f.Sections {
		d.labels(s.Labels, "sections."+strconv.Itoa(i)+".labels")
	}
	for i := range f.Fields {
		d.field(i)
	}
	d.emptySections()
	return d.problems
}

// labels wants a non-blank text in at least one language. An admin
// writes in the tenant's language and leaves the others for later: readers
// of a missing language get Labels.In's fallback with a notice (see
// Labels.Missing), rather than the admin being stopped at the door.
func (d *definition) labels(l Labels, subject string) {
	if l.Empty() {
		d.add(codeFormLabels, subject)
	}
}

func (d *definition) emptySections() {
	for s := range d.form.Sections {
		if !slices.ContainsFunc(d.form.Fields, func(fd Field) bool { return fd.Section == s }) {
			d.add(codeFormSectionEmpty, "sections."+strconv.Itoa(s))
		}
	}
}

// subject names field i by its name when it has a usable one.
func subject(i int, fd Field) string {
	if fieldName.MatchString(fd.Name) {
		return "fields." + fd.Name
	}
	return "fields." + strconv.Itoa(i)
}

func (d *definition) field(i int) {
	fd := d.form.Fields[i]
	subj := subject(i, fd)
	d.name(i, fd, subj)
	if !knownTypes[fd.Type] {
		d.add(codeFormType, subj)
	}
	d.labels(fd.Labels, subj+".labels")
	if len(fd.Help) > 0 {
		d.labels(fd.Help, subj+".help")
	}
	if fd.Section < 0 || fd.Section >= len(d.form.Sections) {
		d.add(codeFormSection, subj)
	}
	d.showIf(i, fd, subj)
	d.pattern(fd, subj)
	d.rules(fd, subj)
}

func (d *definition) name(i int, fd Field, subj string) {
	switch {
	case !fieldName.MatchString(fd.Name):
		d.add(codeFormName, subj)
	case slices.ContainsFunc(d.form.Fields[:i], func(e Field) bool { return e.Name == fd.Name }):
		d.add(codeFormNameTaken, subj)
	}
}

// showIf wants the controlling field asked before this one (earlier in the
// list and on the same or an earlier page), so the answer is known when the
// page is shown, and a value that field can actually take.
func (d *definition) showIf(i int, fd Field, subj string) {
	c := fd.ShowIf
	if c == nil {
		return
	}
	at := slices.IndexFunc(d.form.Fields[:i], func(e Field) bool { return e.Name == c.Field })
	if at < 0 || d.form.Fields[at].Section > fd.Section || d.form.Fields[at].Type == TypeFile {
		d.add(codeFormShowIf, subj+".show_if")
		return
	}
	if !canEqual(d.form.Fields[at], c.Equals) {
		d.add(codeFormShowIfValue, subj+".show_if")
	}
}

// canEqual tells whether an answer of ref can ever equal want.
func canEqual(ref Field, want string) bool {
	switch ref.Type {
	case TypeChoice, TypeMulti:
		_, ok := ref.option(want)
		return ok
	case TypeYesNo:
		return want == "yes" || want == "no"
	}
	return strings.TrimSpace(want) != ""
}

// rules checks the settings that belong to the field's type.
func (d *definition) rules(fd Field, subj string) {
	switch fd.Type {
	case TypeText, TypeTextarea, TypeAddress:
		d.lengths(fd, subj)
	case TypeNumber:
		if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
			d.add(codeFormRange, subj)
		}
	case TypeDate:
		d.dates(fd, subj)
	case TypeChoice, TypeMulti:
		d.options(fd, subj)
	case TypeFile:
		d.file(fd, subj)
	}
}

func (d *definition) lengths(fd Field, subj string) {
	if fd.MinLen < 0 || fd.MaxLen < 0 || fd.MinLen > fd.maxLen() {
		d.add(codeFormRange, subj)
	}
}

// pattern must compile, and only text fields use one: on any other type it
// would look like a rule to the admin while never being applied.
func (d *definition) pattern(fd Field, subj string) {
	if fd.Pattern == "" {
		return
	}
	if _, err := regexp.Compile(fd.Pattern); err != nil || fd.Type != TypeText {
		d.add(codeFormPattern, subj)
	}
}

func (d *definition) dates(fd Field, subj string) {
	for _, b := range []string{fd.MinDate, fd.MaxDate} {
		if b != "" && b != "today" && !realDate(b) {
			d.add(codeFormDate, subj)
			return
		}
	}
	if realDate(fd.MinDate) && realDate(fd.MaxDate) && fd.MinDate > fd.MaxDate {
		d.add(codeFormRange, subj)
	}
}

func (d *definition) options(fd Field, subj string) {
	if len(fd.Options) == 0 {
		d.add(codeFormOptions, subj)
	}
	seen := map[string]bool{}
	for i, o := range fd.Options {
		osubj := subj + ".options." + strconv.Itoa(i)
		// Answers are trimmed, so a value with outer blanks could never be chosen.
		if o.Value == "" || o.Value != cleanLine(o.Value) {
			d.add(codeFormOptionValue, osubj)
		} else if seen[o.Value] {
			d.add(codeFormOptionTaken, osubj)
		}
		seen[o.Value] = true
		d.labels(o.Labels, osubj+".labels")
	}
}

func (d *definition) file(fd Field, subj string) {
	if len(fd.Accept) == 0 || slices.ContainsFunc(fd.Accept, func(t string) bool { return !slices.Contains(AcceptedMediaTypes, t) }) {
		d.add(codeFormAccept, subj)
	}
	if fd.MaxBytes <= 0 || fd.MaxBytes > MaxFileBytes {
		d.add(codeFormMaxBytes, subj)
	}
}

// NameFrom makes a field name for a question the admin gave no name: from
// its English, else Indonesian, label ("Date of birth" -> "date_of_birth"),
// or "question" when neither has plain letters (a Japanese-only label),
// with _2, _3 … added while the name is taken.
func (f Form) NameFrom(l Labels) string { return f.NameOr(l, "question") }

// NameOr is NameFrom with another word for labels without plain letters.
func (f Form) NameOr(l Labels, fallback string) string {
	base := ""
	for _, lang := range []string{"en", "id"} {
		if base = slugOf(l[lang]); base != "" {
			break
		}
	}
	if base == "" {
		base = fallback
	}
	name := base
	for n := 2; ; n++ {
		if _, taken := f.Field(name); !taken {
			return name
		}
		name = base + "_" + strconv.Itoa(n)
	}
}

// slugOf keeps a label's ASCII letters and digits, lower-cased, with one
// underscore for each run of anything else, at most 40 characters,
// starting with a letter.
func slugOf(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		default:
			gap = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.TrimRight(b.String(), "_")
}
