package serviceadmin

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// The form builder: a tenant admin edits a service's form page by page and
// question by question instead of as JSON. Every change builds the whole
// new form and saves it through the catalog, which checks the service in
// full, so the builder cannot save anything the JSON editor would refuse.

// builderView is the question list.
type builderView struct {
	Code, Service, Base string
	Sections            []builderSection
	NewPage             int
}

type builderSection struct {
	Index, Number int
	Title         string
	Questions     []builderQuestion
}

type builderQuestion struct {
	Name, Label, Type, Condition string
	Required, First, Last        bool
	Page                         int
}

// questionTypes are the answer types in the order the builder offers them,
// with the words that name them.
var questionTypes = []struct {
	Type form.Type
	Key  string
}{
	{form.TypeText, "builder.type.text"}, {form.TypeTextarea, "builder.type.textarea"},
	{form.TypeNumber, "builder.type.number"}, {form.TypeDate, "builder.type.date"},
	{form.TypeChoice, "builder.type.choice"}, {form.TypeMulti, "builder.type.multi"},
	{form.TypeYesNo, "builder.type.yesno"}, {form.TypeEmail, "builder.type.email"},
	{form.TypePhone, "builder.type.phone"}, {form.TypeNIK, "builder.type.nik"},
	{form.TypeMyNumber, "builder.type.mynumber"}, {form.TypeAddress, "builder.type.address"},
	{form.TypeFile, "builder.type.file"},
}

func typeKey(t form.Type) (string, bool) {
	for _, qt := range questionTypes {
		if qt.Type == t {
			return qt.Key, true
		}
	}
	return "", false
}

// typeWords names a type in the page's language.
func typeWords(p *web.Page, t form.Type) string {
	if k, ok := typeKey(t); ok {
		return p.T(k)
	}
	return string(t)
}

func builderBase(t *tenant.Tenant, svc *catalog.Service) string {
	return web.PathOf("/{tenant}/admin/services/{code}/form", t.Slug, svc.Code)
}

func (s *Pages) adminForm(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok {
		return
	}
	s.renderBuilder(w, r, t, svc, nil, http.StatusOK)
}

// renderBuilder shows the stored form's questions, with errors of a change
// that was refused.
func (s *Pages) renderBuilder(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc *catalog.Service, errs validation.Errors, status int) {
	p := s.NewPage(r, "builder.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	p.Errors = errs
	p.NoIndex = true
	for _, k := range []string{"title_id", "title_ja", "title_en"} {
		p.Form.Set(k, strings.TrimSpace(r.PostFormValue(k)))
	}
	f := svc.Form.Ordered()
	v := builderView{Code: svc.Code, Service: svc.Names.In(p.Lang()), Base: builderBase(t, svc), NewPage: len(f.Sections)}
	for i, sec := range f.Sections {
		v.Sections = append(v.Sections, builderSection{Index: i, Number: i + 1, Title: sec.Labels.In(p.Lang())})
	}
	for i, fd := range f.Fields {
		q := builderQuestion{Name: fd.Name, Label: fd.Labels.In(p.Lang()), Type: typeWords(p, fd.Type), Required: fd.Required,
			First: i == 0, Last: i == len(f.Fields)-1, Page: fd.Section + 1, Condition: conditionWords(p, f, fd)}
		if fd.Section >= 0 && fd.Section < len(v.Sections) {
			v.Sections[fd.Section].Questions = append(v.Sections[fd.Section].Questions, q)
		}
	}
	p.Data = v
	s.Render(w, status, "admin_form_builder", p)
}

// conditionWords says in words when fd is asked, or "" when always.
func conditionWords(p *web.Page, f form.Form, fd form.Field) string {
	c := fd.ShowIf
	if c == nil {
		return ""
	}
	ref, ok := f.Field(c.Field)
	if !ok {
		return p.T("builder.condition", p.T("builder.quoted", c.Field), c.Equals)
	}
	return p.T("builder.condition", quoted(p, ref), answerWords(p, ref, c.Equals))
}

// answerWords shows a stored answer value as the resident sees it.
func answerWords(p *web.Page, ref form.Field, v string) string {
	switch ref.Type {
	case form.TypeYesNo:
		switch v {
		case "yes":
			return p.T("form.yes")
		case "no":
			return p.T("form.no")
		}
	case form.TypeChoice, form.TypeMulti:
		for _, o := range ref.Options {
			if o.Value == v {
				return o.Labels.In(p.Lang())
			}
		}
	}
	return v
}

// quoted names a question by its label in the page's language.
func quoted(p *web.Page, fd form.Field) string {
	l := fd.Labels.In(p.Lang())
	if l == "" {
		l = fd.Name
	}
	return p.T("builder.quoted", l)
}

// save stores svc; stored, the browser goes on to where(saved) with
// ?done=saved. A refusal comes back as the problems to show with the page
// again; any other failure is answered as a server error. answered says
// whether the request has been answered.
func (s *Pages) save(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc catalog.Service,
	where func(saved catalog.Service) string) (errs validation.Errors, answered bool) {
	saved, err := s.Services.Save(r.Context(), web.Actor(r), t.ID, svc)
	switch {
	case err == nil:
		web.Redirect(w, r, where(saved)+"?done=saved")
		return nil, true
	case errors.As(err, &errs):
		return errs, false
	}
	s.ServerError(w, r, err)
	return nil, true
}

// saveForm saves svc with the form f; a refusal comes back as errors.
func (s *Pages) saveForm(r *http.Request, t *tenant.Tenant, svc catalog.Service, f form.Form) (validation.Errors, error) {
	svc.Form = f
	_, err := s.Services.Save(r.Context(), web.Actor(r), t.ID, svc)
	var errs validation.Errors
	if errors.As(err, &errs) {
		return errs, nil
	}
	return nil, err
}

// adminFormAddPage checks the new page's titles and goes on to its first
// question: a page without questions cannot be saved, so the page is saved
// together with that question.
func (s *Pages) adminFormAddPage(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	titles := form.Labels{}
	for _, l := range locale.Langs {
		titles[l] = strings.TrimSpace(r.PostForm.Get("title_" + l))
	}
	f := svc.Form.Ordered()
	n := len(f.Sections)
	f.Sections = append(f.Sections, form.Section{Labels: titles})
	p := s.NewPage(r, "builder.title")
	var errs validation.Errors
	// A title in one language is enough; with none, the tenant's own
	// language's box is the one to fill.
	title := "title_" + tenantLang(t)
	for _, pr := range f.Validate() {
		if pr.Subject == "sections."+strconv.Itoa(n)+".labels" {
			errs.Add(title, pr.Code, p.T(inputLabels[title]))
		}
	}
	if len(errs) > 0 {
		s.renderBuilder(w, r, t, svc, errs, http.StatusUnprocessableEntity)
		return
	}
	q := url.Values{"section": {strconv.Itoa(n)}}
	for l, v := range titles {
		q.Set("title_"+l, v)
	}
	web.Redirect(w, r, builderBase(t, svc)+"/questions/new?"+q.Encode())
}

// adminQuestionMove moves a question one place up or down.
func (s *Pages) adminQuestionMove(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	name := r.PathValue("name")
	if _, found := svc.Form.Field(name); !found {
		s.NotFound(w, r)
		return
	}
	nf, moved := svc.Form.Move(name, r.PostForm.Get("direction") == "up")
	if !moved {
		web.Redirect(w, r, builderBase(t, svc)+"#q-"+name)
		return
	}
	s.saveFromList(w, r, t, svc, nf, "#q-"+name)
}

// adminQuestionDelete removes a question, unless another question is asked
// depending on its answer: that condition would point at nothing.
func (s *Pages) adminQuestionDelete(w http.ResponseWriter, r *http.Request) {
	t, svc, ok := s.adminServiceFor(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	name := r.PathValue("name")
	fd, found := svc.Form.Field(name)
	if !found {
		s.NotFound(w, r)
		return
	}
	if deps := svc.Form.Dependents(name); len(deps) > 0 {
		p := s.NewPage(r, "builder.title")
		var errs validation.Errors
		errs.Add("q-"+name, "builder.error.depended", quoted(p, fd), quoted(p, deps[0]))
		s.renderBuilder(w, r, t, svc, errs, http.StatusUnprocessableEntity)
		return
	}
	nf, _ := svc.Form.Remove(name)
	s.saveFromList(w, r, t, svc, nf, "")
}

// saveFromList saves a change made on the question list, or shows the list
// again with what was wrong.
func (s *Pages) saveFromList(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, svc *catalog.Service, nf form.Form, anchor string) {
	errs, err := s.saveForm(r, t, *svc, nf)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if len(errs) == 0 {
		web.Redirect(w, r, builderBase(t, svc)+"?done=saved"+anchor)
		return
	}
	p := s.NewPage(r, "builder.title")
	s.renderBuilder(w, r, t, svc, listErrors(p, nf, errs), http.StatusUnprocessableEntity)
}

// listErrors points each problem of the form at its question or page on
// the list, and names it in words instead of the definition's path.
func listErrors(p *web.Page, f form.Form, errs validation.Errors) validation.Errors {
	var out validation.Errors
	for _, e := range errs {
		subj, isForm := formSubject(e)
		if !isForm {
			out = append(out, e)
			continue
		}
		kind, at, _ := splitSubject(f, subj)
		switch {
		case kind == "fields" && at >= 0:
			out.Add("q-"+f.Fields[at].Name, e.Code, quoted(p, f.Fields[at]))
		case kind == "sections" && at >= 0:
			out.Add("page-"+strconv.Itoa(at), e.Code, p.T("builder.page.number", at+1))
		default:
			out.Add("questions", e.Code, "")
		}
	}
	return out
}

// formSubject is the definition path of a problem found in the form.
func formSubject(e validation.Problem) (string, bool) {
	if e.Field != "form" || len(e.Args) == 0 {
		return "", false
	}
	s, ok := e.Args[0].(string)
	return s, ok
}

// splitSubject reads a form.Problem subject: "fields.sex.options.1" is
// kind "fields", the index of sex, rest "options.1"; at is -1 when the
// subject names nothing in f.
func splitSubject(f form.Form, subject string) (kind string, at int, rest string) {
	parts := strings.SplitN(subject, ".", 3)
	kind, at = parts[0], -1
	if len(parts) > 2 {
		rest = parts[2]
	}
	if len(parts) < 2 {
		return kind, at, rest
	}
	n, err := strconv.Atoi(parts[1])
	switch {
	case kind == "fields" && err != nil:
		at = slices.IndexFunc(f.Fields, func(fd form.Field) bool { return fd.Name == parts[1] })
	case kind == "fields" && n >= 0 && n < len(f.Fields):
		at = n
	case kind == "sections" && err == nil && n >= 0 && n < len(f.Sections):
		at = n
	}
	return kind, at, rest
}
