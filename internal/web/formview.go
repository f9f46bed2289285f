package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/validation"
)

// InputView is one question of a service form, ready for the template.
type InputView struct {
	Name, Kind, InputType, InputMode, Autocomplete string
	Label, Hint, Error, ErrorPrefix, OptionalText  string
	Required                                       bool
	Value                                          string
	Day, Month, Year                               string
	DayLabel, MonthLabel, YearLabel                string
	YearFirst                                      bool // Japanese writes 年 月 日
	Options                                        []OptionView
}

type OptionView struct {
	Value, Label string
	Checked      bool
}

// DescribedBy links hint and error to the input for screen readers.
func (v InputView) DescribedBy() string {
	var ids []string
	if v.Hint != "" {
		ids = append(ids, v.Name+"-hint")
	}
	if v.Error != "" {
		ids = append(ids, v.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// FormInputs builds the views of fields with their answers and errors.
func FormInputs(p *Page, fields []form.Field, a form.Answers, errs validation.Errors) []InputView {
	var out []InputView
	for _, fd := range fields {
		out = append(out, p.input(fd, a[fd.Name], errs))
	}
	return out
}

func (p *Page) input(fd form.Field, v any, errs validation.Errors) InputView {
	lang := p.Lang()
	iv := InputView{Name: fd.Name, Label: fd.Labels.In(lang), Hint: fd.Help.In(lang), Required: fd.Required,
		ErrorPrefix: p.T("form.error.prefix"), OptionalText: p.T("form.optional"), Value: answerText(v)}
	if e, ok := errs.For(fd.Name); ok {
		iv.Error = p.T(e.Code, e.Args...)
	}
	iv.Kind, iv.InputType, iv.InputMode, iv.Autocomplete = inputKind(fd.Type)
	switch fd.Type {
	case form.TypeDate:
		iv.Year, iv.Month, iv.Day = splitDate(iv.Value)
		iv.DayLabel, iv.MonthLabel, iv.YearLabel = p.T("form.date.day"), p.T("form.date.month"), p.T("form.date.year")
		iv.YearFirst = lang == "ja"
		if iv.Hint == "" {
			iv.Hint = p.T("form.date.hint")
		}
	case form.TypeChoice, form.TypeMulti:
		chosen := answerList(v)
		for _, o := range fd.Options {
			iv.Options = append(iv.Options, OptionView{Value: o.Value, Label: o.Labels.In(lang), Checked: chosen[o.Value]})
		}
	case form.TypeYesNo:
		iv.Options = []OptionView{{"yes", p.T("form.yes"), iv.Value == "yes"}, {"no", p.T("form.no"), iv.Value == "no"}}
	}
	return iv
}

// inputKind maps a field type to how it is asked in HTML.
func inputKind(t form.Type) (kind, inputType, mode, autocomplete string) {
	switch t {
	case form.TypeTextarea, form.TypeAddress:
		return "textarea", "", "", ""
	case form.TypeDate:
		return "date", "", "", ""
	case form.TypeChoice, form.TypeYesNo:
		return "radio", "", "", ""
	case form.TypeMulti:
		return "checkbox", "", "", ""
	case form.TypeNumber:
		return "text", "text", "decimal", "off"
	case form.TypeEmail:
		return "text", "email", "email", "email"
	case form.TypePhone:
		return "text", "tel", "tel", "tel"
	case form.TypeNIK, form.TypeMyNumber:
		return "text", "text", "numeric", "off"
	}
	return "text", "text", "", "off"
}

func answerText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func answerList(v any) map[string]bool {
	out := map[string]bool{}
	switch x := v.(type) {
	case string:
		out[x] = true
	case []string:
		for _, s := range x {
			out[s] = true
		}
	case []any:
		for _, s := range x {
			out[fmt.Sprint(s)] = true
		}
	}
	return out
}

func splitDate(s string) (y, m, d string) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return "", "", ""
	}
	return fmt.Sprint(t.Year()), fmt.Sprint(int(t.Month())), fmt.Sprint(t.Day())
}

// DateInput is a date asked as day, month and year boxes, as service forms
// ask it (in the order of the page's language), outside a service form:
// an admin's date. Typed values come back from p.Form (NAME-day, …).
func (p *Page) DateInput(name, labelKey, hintKey string) InputView {
	iv := InputView{Name: name, Kind: "date", Label: p.T(labelKey), Hint: p.T(hintKey), Required: true,
		ErrorPrefix: p.T("form.error.prefix"), OptionalText: p.T("form.optional"),
		Day: p.Form.Get(name + "-day"), Month: p.Form.Get(name + "-month"), Year: p.Form.Get(name + "-year"),
		DayLabel: p.T("form.date.day"), MonthLabel: p.T("form.date.month"), YearLabel: p.T("form.date.year"),
		YearFirst: p.Lang() == "ja"}
	if e, ok := p.Errors.For(name); ok {
		iv.Error = p.T(e.Code, e.Args...)
	}
	return iv
}

// DateFromForm reads the boxes of DateInput as "YYYY-MM-DD", digits typed
// full-width included; a single NAME field (a script's, or an old form's)
// is read as it is. What is not a date is left for the store to refuse.
func DateFromForm(v url.Values, name string) string {
	if s := strings.TrimSpace(validation.Narrow(v.Get(name))); s != "" {
		return s
	}
	part := func(k string, width int) string {
		s := strings.TrimSpace(validation.Narrow(v.Get(name + "-" + k)))
		for len(s) > 0 && len(s) < width {
			s = "0" + s
		}
		return s
	}
	return part("year", 0) + "-" + part("month", 2) + "-" + part("day", 2)
}
