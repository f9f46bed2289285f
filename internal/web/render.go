package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/sandbox"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

//go:embed templates
var templateFS embed.FS

// parseTemplates pairs the layout with each page template of the core's
// and the areas' file systems; a page name used twice is refused.
func (s *Server) parseTemplates(sources []pageSource) (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for i, src := range sources {
		names, err := fs.Glob(src.files, "templates/*.html")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
			if base == "layout" && i == 0 {
				continue
			}
			if pages[base] != nil {
				return nil, fmt.Errorf("web: page template %q defined twice", base)
			}
			t, err := template.Must(layout.Clone()).Funcs(src.funcs).ParseFS(src.files, n)
			if err != nil {
				return nil, err
			}
			pages[base] = t
		}
	}
	return pages, nil
}

// Page is what every template receives.
type Page struct {
	s       *Server
	st      *state
	r       *http.Request
	Title   string
	Tenant  *tenant.Tenant
	Errors  validation.Errors
	Form    url.Values
	Flash   string
	Data    any
	NoIndex bool
	// Kiosk shows the page as a community-hall kiosk: no account menu, a
	// big "finish" button that clears every trace of the resident.
	Kiosk bool
	// KioskIdle, when above 0, resets the kiosk after that many seconds
	// without a touch.
	KioskIdle int
	// Cacheable marks a page that is the same for every anonymous visitor.
	Cacheable bool
	// CacheKey, when set, caches the page under this key (which must hold
	// everything the page shows that can vary), whatever the query.
	CacheKey string
	// Zone is where times are shown on a page outside any tenant (the
	// account page shows sign-in times in the zone of the person's own
	// local government); a tenant's page uses the tenant's zone.
	Zone *time.Location
	// Untranslated says that some of the page's service texts are shown
	// in another language, since the admin has not translated them yet.
	Untranslated bool
}

func (s *Server) NewPage(r *http.Request, titleKey string) *Page {
	p := &Page{s: s, st: getState(r), r: r, Form: url.Values{}}
	p.Title = p.T(titleKey)
	return p
}

// N translates a message about a count, in the right plural form.
func (p *Page) N(key string, n int, args ...any) string {
	return p.s.Catalog.N(p.st.lang, key, n, args...)
}

// AuditAction names an audit action in the reader's language: the audit
// trail stores stable codes ("ticket.no_show"); people read "Number
// called, nobody came". A service's own workflow actions get a generic
// "Application: reject_late"; an unknown code shows as it is.
func (p *Page) AuditAction(action string) string {
	if key := "audit.action." + action; p.s.Catalog.Has(p.st.lang, key) {
		return p.T(key)
	}
	if rest, ok := strings.CutPrefix(action, "application."); ok {
		return p.T("audit.action.other_application", rest)
	}
	return action
}

// T translates a message key in the page's language.
// AuditDetail words an audit entry's summary in the reader's language
// (audit.Say summaries; older ones are shown as stored).
func (p *Page) AuditDetail(summary string) string {
	return audit.Word(summary, func(key string, args ...any) (string, bool) {
		if !p.s.Catalog.Has(p.st.lang, key) {
			return "", false
		}
		return p.T(key, args...), true
	})
}

func (p *Page) T(key string, args ...any) string { return p.s.Catalog.T(p.st.lang, key, args...) }

// Lang is the page's language code.
func (p *Page) Lang() string { return p.st.lang }

// Count writes a count as the reader's language groups its thousands
// ("1.234" in Indonesian, "1,234" in English and Japanese).
func (p *Page) Count(n int) string { return locale.Number(p.st.lang, strconv.Itoa(n)) }

// Paragraphs is the message key in the page's language, one item per
// line (for texts a template shows as paragraphs or a list).
func (p *Page) Paragraphs(key string) []string {
	var out []string
	for _, line := range strings.Split(p.T(key), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Langs lists the language switch entries.
func (p *Page) Langs() []langLink {
	var out []langLink
	for _, l := range locale.Langs {
		q := p.r.URL.Query()
		q.Set("lang", l)
		out = append(out, langLink{Code: l, Name: p.s.Catalog.T(l, "lang.name"), URL: p.r.URL.Path + "?" + q.Encode(), Current: l == p.st.lang})
	}
	return out
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

// TextSize is the class for the chosen text size.
func (p *Page) TextSize() string { return p.st.textSize }

// User is the signed-in user, or nil.
func (p *Page) User() *identity.User { return p.st.user }

// IsCoordinator tells whether the signed-in user is a network coordinator.
func (p *Page) IsCoordinator() bool { return p.st.user != nil && p.st.user.Coordinator }

// HasRole tells whether the user holds role in the page's tenant.
func (p *Page) HasRole(role string) bool {
	if p.Tenant == nil {
		return false
	}
	return hasRole(p.st, p.Tenant.ID, role)
}

// Asset is the fingerprinted URL of a static file.
func (p *Page) Asset(name string) string { return p.s.assets.URL(name) }

// RequestURI is the path with its query (a kiosk's call page keeps its
// ticket when the text size changes).
func (p *Page) RequestURI() string { return p.r.URL.RequestURI() }

// Query is one parameter of the request's query.
func (p *Page) Query(key string) string { return p.r.URL.Query().Get(key) }

// Path is the current path, for "come back here" links.
func (p *Page) Path() string { return p.r.URL.Path }

// Date and DateTime write times in the page language and tenant zone.
func (p *Page) Date(t time.Time) string     { return locale.Date(p.st.lang, t, p.loc()) }
func (p *Page) DateTime(t time.Time) string { return locale.DateTime(p.st.lang, t, p.loc()) }
func (p *Page) Clock(t time.Time) string    { return locale.Clock(p.st.lang, t, p.loc()) }

func (p *Page) loc() *time.Location {
	if p.Tenant != nil {
		return p.Tenant.Location()
	}
	if p.Zone != nil {
		return p.Zone
	}
	return time.UTC
}

// Val is what the user typed in a field, to show it again after an error.
func (p *Page) Val(field string) string { return p.Form.Get(field) }

// Err is the translated inline error of a field, or "".
func (p *Page) Err(field string) string {
	if e, ok := p.Errors.For(field); ok {
		return p.T(e.Code, e.Args...)
	}
	return ""
}

// Summary lists the errors for the summary box at the top of a form.
func (p *Page) Summary() []summaryItem {
	var out []summaryItem
	for _, e := range p.Errors {
		out = append(out, summaryItem{Field: e.Field, Message: p.T(e.Code, e.Args...)})
	}
	return out
}

type summaryItem struct{ Field, Message string }

// Practice tells a page of a practice twin (tenant.Practice): the layout
// says so on every one, with the way back to the class.
func (p *Page) Practice() bool { return p.Tenant != nil && p.Tenant.IsPractice() }

// PracticeHours is how long practice is kept, for the banner.
func (p *Page) PracticeHours() int { return int(sandbox.Keep.Hours()) }

// ScanBox is the camera box of scan.js (the "scan" template): URL reads
// a frame, Follow opens a link to the tenant's own page at once.
type ScanBox struct {
	*Page
	URL    string
	Follow bool
	Hint   string // a message key: where the code to scan is
}

// Scan gives the "scan" template its box.
func (p *Page) Scan(url string, follow bool, hint string) ScanBox {
	return ScanBox{p, url, follow, hint}
}

// TenantName is the tenant's name in the page language.
func (p *Page) TenantName() string {
	if p.Tenant == nil {
		return ""
	}
	return p.Tenant.Name(p.st.lang)
}

// Brand is the tenant's colour for the header (checked for contrast when saved).
func (p *Page) Brand() string {
	if p.Tenant == nil {
		return ""
	}
	return p.Tenant.BrandColor
}

func (s *Server) Render(w http.ResponseWriter, status int, name string, p *Page) {
	t, ok := s.pages[name]
	if !ok {
		s.Log.Error("missing template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	var key string
	p.Cacheable = (p.Cacheable && onlyLangQuery(p.r)) || p.CacheKey != ""
	if p.Cacheable {
		key = s.cacheKey(name, p) + "|" + p.CacheKey
		if cp := s.cache.get(key); cp != nil {
			writeCached(w, p.r, status, cp)
			return
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	if p.Cacheable {
		writeCached(w, p.r, status, s.cache.put(key, buf.Bytes()))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// ServeCached answers from the page cache when p (with its CacheKey set)
// was rendered as name before; false means the handler goes on to load
// and Render it. A page whose data costs database reads checks here
// first, so a cached visit reads nothing.
func (s *Server) ServeCached(w http.ResponseWriter, status int, name string, p *Page) bool {
	if p.CacheKey == "" {
		return false
	}
	if cp := s.cache.get(s.cacheKey(name, p) + "|" + p.CacheKey); cp != nil {
		writeCached(w, p.r, status, cp)
		return true
	}
	return false
}

// ErrorPage renders the 403/404/500 pages in the user's language.
func (s *Server) ErrorPage(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant) {
	key := map[int]string{
		http.StatusForbidden: "error.page.403", http.StatusNotFound: "error.page.404",
		http.StatusTooManyRequests: "error.page.429", http.StatusBadRequest: "error.page.400",
		http.StatusMethodNotAllowed: "error.page.405", http.StatusRequestEntityTooLarge: "error.page.413",
		http.StatusUnprocessableEntity: "error.page.text", http.StatusGone: "error.page.410",
	}[status]
	if key == "" {
		key, status = "error.page.500", http.StatusInternalServerError
	}
	p := s.NewPage(r, key+".title")
	p.Tenant = t
	p.Data = struct {
		Status int
		Key    string
	}{status, key}
	p.NoIndex = true
	s.Render(w, status, "error", p)
}

// unrouted answers requests no route took: 405 when the path exists with
// other methods, else 404.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	if s.verifyDispatch(w, r) {
		return
	}
	if h, pattern := s.methods.Handler(r); pattern != "" {
		if allow, ok := h.(allowHeader); ok {
			w.Header().Set("Allow", string(allow))
			if IsAPI(r) {
				s.Problem(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "problem.method")
				return
			}
			s.ErrorPage(w, r, http.StatusMethodNotAllowed, nil)
			return
		}
	}
	s.NotFound(w, r)
}

func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.Problem(w, r, http.StatusNotFound, "not_found", "problem.not_found")
		return
	}
	s.ErrorPage(w, r, http.StatusNotFound, nil)
}

// LogFailure records an error of a step whose failure must not stop the
// answer (a refusal's audit entry, a best-effort follow-up), so it is
// seen in the logs instead of lost.
func (s *Server) LogFailure(r *http.Request, what string, err error) {
	if err == nil {
		return
	}
	route, id := requestInfo(r)
	s.Log.Error(what, "route", route, "request_id", id, "path", loggedPath(r), "err", err)
}

func (s *Server) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	route, id := requestInfo(r)
	s.Log.Error("handler", "route", route, "request_id", id, "path", loggedPath(r), "err", err)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.Problem(w, r, http.StatusInternalServerError, "internal", "problem.internal")
		return
	}
	s.ErrorPage(w, r, http.StatusInternalServerError, nil)
}

// problemBody is RFC 9457 problem details with our stable code and, for
// invalid input, one entry per field.
type problemBody struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Code   string         `json:"code"`
	Detail string         `json:"detail,omitempty"`
	Errors []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Problem answers an API request with an RFC 9457 problem, its detail in
// the visitor's language (key and args from the message catalog).
func (s *Server) Problem(w http.ResponseWriter, r *http.Request, status int, code, key string, args ...any) {
	st := getState(r)
	body := problemBody{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code,
		Detail: s.Catalog.T(st.lang, key, args...)}
	writeJSONType(w, status, "application/problem+json", body)
}

// Invalid answers an API request whose fields did not validate (422),
// each field's message in the visitor's language.
func (s *Server) Invalid(w http.ResponseWriter, r *http.Request, errs validation.Errors) {
	st := getState(r)
	body := problemBody{Type: "about:blank", Title: "Unprocessable Content", Status: http.StatusUnprocessableEntity,
		Code: "invalid", Detail: s.Catalog.T(st.lang, "problem.invalid")}
	for _, e := range errs {
		body.Errors = append(body.Errors, problemField{Field: e.Field, Code: e.Code, Message: s.Catalog.T(st.lang, e.Code, e.Args...)})
	}
	writeJSONType(w, http.StatusUnprocessableEntity, "application/problem+json", body)
}

// WriteJSON answers with v as JSON, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, status, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, status int, ct string, v any) {
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// ReadJSON decodes a JSON body, answering 415/400/413 itself when it cannot.
func (s *Server) ReadJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.Problem(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type", "problem.content_type")
		return false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.Problem(w, r, http.StatusRequestEntityTooLarge, "too_large", "problem.too_large")
			return false
		}
		s.Problem(w, r, http.StatusBadRequest, "bad_json", "problem.bad_json")
		return false
	}
	if jsonHasHiddenControls(body) {
		s.Problem(w, r, http.StatusUnprocessableEntity, "hidden_controls", "problem.hidden_controls")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.Problem(w, r, http.StatusRequestEntityTooLarge, "too_large", "problem.too_large")
			return false
		}
		s.Problem(w, r, http.StatusBadRequest, "bad_json", "problem.bad_json")
		return false
	}
	if !AtJSONEnd(dec) {
		s.Problem(w, r, http.StatusBadRequest, "bad_json", "problem.bad_json")
		return false
	}
	return true
}

// AtJSONEnd tells whether nothing but white space follows the value just
// decoded: `{"a":1} garbage` is not one JSON document, and a client sending
// it has a bug worth hearing about.
func AtJSONEnd(dec *json.Decoder) bool {
	_, err := dec.Token()
	return errors.Is(err, io.EOF)
}

// ParseForm reads a form body, answering 413/400 itself when it cannot.
func (s *Server) ParseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.ErrorPage(w, r, http.StatusRequestEntityTooLarge, nil)
			return false
		}
		s.ErrorPage(w, r, http.StatusBadRequest, nil)
		return false
	}
	if formHasHiddenControls(r.Form) {
		s.ErrorPage(w, r, http.StatusUnprocessableEntity, nil)
		return false
	}
	return true
}

// formHasHiddenControls checks every field of every form in one place, so
// no handler stores a NUL or a bidi override because it forgot to look.
func formHasHiddenControls(f url.Values) bool {
	for k, vs := range f {
		if validation.HasHiddenControls(k) {
			return true
		}
		for _, v := range vs {
			if validation.HasHiddenControls(v) {
				return true
			}
		}
	}
	return false
}

// jsonHasHiddenControls walks every string (keys too) of a JSON document.
func jsonHasHiddenControls(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false // malformed JSON is the decoder's to refuse
		}
		if s, ok := tok.(string); ok && validation.HasHiddenControls(s) {
			return true
		}
	}
}

// Redirect sends the browser on after a successful POST.
func Redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// safeNext keeps "next" links on this site.
func safeNext(next, fallback string) string {
	if !isLocalPath(next) {
		return fallback
	}
	return next
}

// isLocalPath accepts only a path on this site that every browser reads the
// same way. Browsers drop tabs and newlines anywhere in a URL and read "\"
// as "/", so "/\t/evil.example" becomes "//evil.example", another host:
// anything but printable ASCII is refused outright (the site's own paths are
// percent-encoded), then the parsed form must have no scheme, host or user
// and a path that starts with exactly one slash.
func isLocalPath(p string) bool {
	if len(p) == 0 || len(p) > 2048 || p[0] != '/' || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	return strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}

func validationProblem(field, code string) validation.Problem {
	return validation.Problem{Field: field, Code: code}
}

// ConfirmView is the page that asks before something that cannot be
// undone: the question, what will happen, and a form that repeats the
// request (Hidden fields) with confirm=yes.
type ConfirmView struct {
	Question, Explain, Yes, No, Action, Back string
	Hidden                                   [][2]string
}

// List is a page of an API listing; Next, when set, is the cursor of
// the next page.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// TruncateRunes cuts s to at most n characters without splitting one.
func TruncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// APIResult answers a domain error (422 with field errors, or 500) and
// reports whether the handler may go on.
func (s *Server) APIResult(w http.ResponseWriter, r *http.Request, err error) bool {
	if err == nil {
		return true
	}
	var errs validation.Errors
	if errors.As(err, &errs) {
		s.Invalid(w, r, errs)
		return false
	}
	s.ServerError(w, r, err)
	return false
}
