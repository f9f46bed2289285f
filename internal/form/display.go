package form

import (
	"strings"
	"time"

	"github.com/serambi/serambi/internal/locale"
)

var yesNoWords = map[string][2]string{
	"id": {"Ya", "Tidak"},
	"ja": {"はい", "いいえ"},
	"en": {"Yes", "No"},
}

// Display writes an answer as people read it, for the "check your answers"
// page and the officer's view: option labels instead of values, dates in the
// language's style, yes/no in words. ID numbers are shown in full (the
// officer compares them with the card). Files give "": the web layer shows
// the document itself. An unanswered field, or a value of the wrong kind,
// gives "".
func (f Form) Display(fd Field, a Answers, lang string) string {
	v := a[fd.Name]
	switch fd.Type {
	case TypeFile:
		return ""
	case TypeChoice:
		return fd.optionLabel(v, lang)
	case TypeMulti:
		return fd.multiLabels(v, lang)
	case TypeYesNo:
		return yesNoWord(v, lang)
	case TypeDate:
		return dateWords(v, lang)
	case TypeNumber:
		if n, ok := v.(float64); ok {
			return formatNumber(n)
		}
	}
	s, _ := v.(string)
	return s
}

func (fd Field) optionLabel(v any, lang string) string {
	s, _ := v.(string)
	if o, ok := fd.option(s); ok {
		return o.Labels.In(lang)
	}
	return s
}

// multiLabels joins with the language's list separator: Japanese uses 、
// where Indonesian and English use a comma.
func (fd Field) multiLabels(v any, lang string) string {
	list, _ := stringList(v)
	labels := make([]string, 0, len(list))
	for _, s := range list {
		labels = append(labels, fd.optionLabel(s, lang))
	}
	sep := ", "
	if lang == "ja" {
		sep = "、"
	}
	return strings.Join(labels, sep)
}

func yesNoWord(v any, lang string) string {
	b, ok := v.(bool)
	if !ok {
		return ""
	}
	words, ok := yesNoWords[lang]
	if !ok {
		words = yesNoWords["en"]
	}
	if b {
		return words[0]
	}
	return words[1]
}

func dateWords(v any, lang string) string {
	s, _ := v.(string)
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return s
	}
	return locale.Date(lang, t, nil)
}
