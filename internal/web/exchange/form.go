package exchange

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/validation"
)

// fillForm puts c into the form's values: the facts, and lang's texts
// and names of figures and stages.
func fillForm(f url.Values, c knowledge.Content, lang string) {
	f.Set("lang", lang)
	f.Set("original", c.Original)
	for i, name := range knowledge.TextFields {
		f.Set(name+"_"+lang, c.TextsOf()[i][lang])
	}
	f.Set("origin_"+lang, string(c.Origin(lang)))
	f.Set("status", string(c.Status))
	if c.Started != 0 {
		f.Set("started", strconv.Itoa(c.Started))
	}
	f["tags"] = append([]string(nil), c.Tags...)
	for i, m := range c.Metrics {
		n := strconv.Itoa(i)
		f.Set("metric_name_"+n, m.Name[lang]) // only this language's: a missing one stays empty to translate
		f.Set("metric_unit_"+n, m.Unit)
		f.Set("metric_before_"+n, figure(m.Before))
		f.Set("metric_after_"+n, figure(m.After))
		f.Set("metric_measured_"+n, m.Measured)
	}
	for i, st := range c.Stages {
		n := strconv.Itoa(i)
		f.Set("stage_name_"+n, st.Name[lang])
		f.Set("stage_date_"+n, st.Date)
	}
	f.Set("sources", strings.Join(c.Sources, "\n"))
	f.Set("contact_name", c.Contact.Name)
	f.Set("contact_role", c.Contact.Role)
	f.Set("contact_email", c.Contact.Email)
	f.Set("licence", c.Licence)
	f.Del("runs")
	for _, r := range c.Runs {
		f.Add("runs", r.Kind+":"+r.Code)
	}
}

// readForm is base with what the form changed: the facts, and lang's
// texts (the other languages' are kept). A figure that is not a number
// is a problem by its box.
func readForm(f url.Values, base knowledge.Content, lang string) (knowledge.Content, validation.Errors) {
	c := clone(base)
	var errs validation.Errors
	if o := f.Get("original"); o != "" {
		c.Original = o
	}
	for i, name := range knowledge.TextFields {
		setWord(c.TextsOf()[i], lang, f.Get(name+"_"+lang))
	}
	if f.Get("origin_"+lang) == string(knowledge.Original) && lang != c.Original {
		c.Original = lang // the writer says this language is the original
	}
	c.Status = knowledge.Status(f.Get("status"))
	c.Started = 0
	if y := validation.Narrow(strings.TrimSpace(f.Get("started"))); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			errs.Add("started", "exchange.error.started")
		}
		c.Started = n
	}
	c.Tags = f["tags"]
	c.Metrics, errs = readMetrics(f, base, lang, errs)
	c.Stages = readStages(f, base, lang)
	c.Sources = lines(f.Get("sources"))
	c.Contact = knowledge.Contact{Name: strings.TrimSpace(f.Get("contact_name")), Role: strings.TrimSpace(f.Get("contact_role")),
		Email: strings.TrimSpace(validation.Narrow(f.Get("contact_email")))}
	c.Licence = strings.TrimSpace(f.Get("licence"))
	c.Runs = nil
	for _, v := range f["runs"] {
		kind, code, _ := strings.Cut(v, ":")
		c.Runs = append(c.Runs, knowledge.Run{Kind: kind, Code: code})
	}
	return c, errs
}

// clone copies c deeply enough that setting a text does not change base.
func clone(c knowledge.Content) knowledge.Content {
	cp := func(w knowledge.Words) knowledge.Words {
		out := knowledge.Words{}
		for k, v := range w {
			out[k] = v
		}
		return out
	}
	c.Title, c.Summary, c.Problem, c.Solution = cp(c.Title), cp(c.Summary), cp(c.Problem), cp(c.Solution)
	c.Results, c.Cost, c.Team = cp(c.Results), cp(c.Cost), cp(c.Team)
	origins := map[string]knowledge.Origin{}
	for k, v := range c.Origins {
		origins[k] = v
	}
	c.Origins = origins
	return c
}

func setWord(w knowledge.Words, lang, s string) {
	if s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")); s == "" {
		delete(w, lang)
		return
	}
	w[lang] = s
}

// readMetrics reads the figure rows: a row with a name is kept (its name
// in lang; the other languages' names of the same row are kept), an
// empty row is dropped.
func readMetrics(f url.Values, base knowledge.Content, lang string, errs validation.Errors) ([]knowledge.Metric, validation.Errors) {
	var out []knowledge.Metric
	for i := 0; i < 40; i++ {
		n := strconv.Itoa(i)
		name := strings.TrimSpace(f.Get("metric_name_" + n))
		before, after := f.Get("metric_before_"+n), f.Get("metric_after_"+n)
		if name == "" && strings.TrimSpace(before+after) == "" && !namedElsewhere(base.Metrics, i, lang) {
			continue
		}
		m := knowledge.Metric{Name: knowledge.Words{}, Unit: strings.TrimSpace(f.Get("metric_unit_" + n)),
			Measured: validation.Narrow(strings.TrimSpace(f.Get("metric_measured_" + n)))}
		if i < len(base.Metrics) {
			for k, v := range base.Metrics[i].Name {
				m.Name[k] = v
			}
		}
		setWord(m.Name, lang, name)
		var ok1, ok2 bool
		m.Before, ok1 = number(before)
		m.After, ok2 = number(after)
		if !ok1 {
			errs.Add("metric_before_"+n, "exchange.error.metric_number")
		}
		if !ok2 {
			errs.Add("metric_after_"+n, "exchange.error.metric_number")
		}
		out = append(out, m)
	}
	return out, errs
}

func readStages(f url.Values, base knowledge.Content, lang string) []knowledge.Stage {
	var out []knowledge.Stage
	for i := 0; i < 40; i++ {
		n := strconv.Itoa(i)
		name, date := strings.TrimSpace(f.Get("stage_name_"+n)), validation.Narrow(strings.TrimSpace(f.Get("stage_date_"+n)))
		if name == "" && date == "" && (i >= len(base.Stages) || !hasOther(base.Stages[i].Name, lang)) {
			continue
		}
		st := knowledge.Stage{Name: knowledge.Words{}, Date: date}
		if i < len(base.Stages) {
			for k, v := range base.Stages[i].Name {
				st.Name[k] = v
			}
		}
		setWord(st.Name, lang, name)
		out = append(out, st)
	}
	return out
}

// namedElsewhere tells whether row i of the metrics has a name in another
// language than the one being written: the row is kept though this
// language's boxes are empty (not translated yet).
func namedElsewhere(ms []knowledge.Metric, i int, lang string) bool {
	return i < len(ms) && hasOther(ms[i].Name, lang)
}

func hasOther(w knowledge.Words, lang string) bool {
	for l, v := range w {
		if l != lang && v != "" {
			return true
		}
	}
	return false
}

// plainNumber is a figure as a person types one, after Narrow: digits
// with a decimal point or comma, thousands grouped or not.
var plainNumber = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

// number reads a typed figure ("１２", "12,5", "1 200"); nil for an empty
// box; ok is false for anything else.
func number(s string) (*float64, bool) {
	s = strings.ReplaceAll(validation.Narrow(strings.TrimSpace(s)), " ", "")
	if s == "" {
		return nil, true
	}
	if !plainNumber.MatchString(s) {
		return nil, false
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return nil, false
	}
	return &v, true
}

// lines are the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
