// Package knowledge is the knowledge exchange (pillar 4): a library of
// good practices of Indonesian and Japanese local governments, shared by
// the whole network and written in Bahasa Indonesia, Japanese and
// English; its moderation by the network's coordinators; and the search
// that finds a practice whatever language the query is in.
package knowledge

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/validation"
)

// Langs are the languages every practice is written in, in the order
// they are offered.
var Langs = locale.Langs

// Words is one text in the three languages ("id", "ja", "en").
type Words map[string]string

// In returns the text in lang and the language it is really in: lang's
// when there is one, else the first of the fallbacks that has it.
func (w Words) In(lang string, fallbacks ...string) (string, string) {
	for _, l := range append([]string{lang}, fallbacks...) {
		if s := w[l]; s != "" {
			return s, l
		}
	}
	for _, l := range Langs {
		if s := w[l]; s != "" {
			return s, l
		}
	}
	return "", ""
}

// Origin says how a language's text came to be.
type Origin string

const (
	Original   Origin = "original"   // written in it by the government
	Translated Origin = "translated" // translated by a person
)

// Status is whether the practice still runs.
type Status string

const (
	Continuing Status = "continuing"
	Stopped    Status = "stopped"
	Unknown    Status = "unknown"
)

// Statuses lists them in the order they are offered.
var Statuses = []Status{Continuing, Stopped, Unknown}

// Tags is the controlled list a practice's tags come from (the one the
// seed file uses), in the order they are offered.
var Tags = []string{
	"remote-service", "online-application", "queue", "elderly", "digital-literacy", "one-stop",
	"complaints", "health", "population-registry", "identity", "payments", "mobile-app",
	"chat-app", "open-data", "village", "disaster", "education", "transparency",
	"no-writing-counter", "accessibility",
}

// Metric is one measured result: a figure before and after, in a unit.
// Before or After is nil where the source gave none.
type Metric struct {
	Name     Words    `json:"name"`
	Unit     string   `json:"unit,omitempty"`
	Before   *float64 `json:"before"`
	After    *float64 `json:"after"`
	Measured string   `json:"measured,omitempty"` // YYYY, YYYY-MM or YYYY-MM-DD
}

// Stage is one step of putting the practice in place, with when.
type Stage struct {
	Name Words  `json:"name"`
	Date string `json:"date,omitempty"` // YYYY, YYYY-MM or YYYY-MM-DD
}

// Contact is who at the government answers questions about it.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
}

// Content is what a practice says: one version of it.
type Content struct {
	Original string            `json:"original"` // the language it was written in
	Origins  map[string]Origin `json:"origins"`  // lang → how its text came; a language not here is missing
	Title    Words             `json:"title"`
	Summary  Words             `json:"summary"`
	Problem  Words             `json:"problem"`
	Solution Words             `json:"solution"`
	Results  Words             `json:"results"`
	Cost     Words             `json:"cost,omitempty"`
	Team     Words             `json:"team,omitempty"`
	Metrics  []Metric          `json:"metrics"`
	Stages   []Stage           `json:"stages"`
	Started  int               `json:"started,omitempty"` // year; 0 when not known
	Status   Status            `json:"status"`
	Tags     []string          `json:"tags"`
	Sources  []string          `json:"sources"`
	Contact  Contact           `json:"contact"`
	Licence  string            `json:"licence"`
	// Runs names what the practice runs on Serambi at its government (a
	// smartphone course, an online service), which an adopter may copy.
	Runs []Run `json:"runs,omitempty"`
	// Files are its pictures and PDFs, in the document store of its
	// government's tenant.
	Files []File `json:"files,omitempty"`
}

// File is a picture or PDF of a practice, with what it shows (a
// picture's text alternative, a PDF's link text).
type File struct {
	ID          ids.Document `json:"id"`
	Name        string       `json:"name"`
	MediaType   string       `json:"media_type"`
	Size        int64        `json:"size"`
	Description Words        `json:"description"`
}

// Picture tells whether the file is shown as an image.
func (f File) Picture() bool { return f.MediaType == "image/jpeg" || f.MediaType == "image/png" }

// Run is one thing a practice runs on Serambi: a course or a service of
// the origin's tenant, by its code.
type Run struct {
	Kind string `json:"kind"` // "course", "service" or "counter"
	Code string `json:"code"`
}

// DefaultLicence is the licence of a practice whose writer chose none.
const DefaultLicence = "CC BY 4.0"

// Origin is how lang's text came to be; "" when it is missing.
func (c Content) Origin(lang string) Origin { return c.Origins[lang] }

// TextFields name the content's texts, in the order of texts (and as
// form fields and problems name them, with "_" and the language).
var TextFields = []string{"title", "summary", "problem", "solution", "results", "cost", "team"}

// texts are the content's texts, for checks and the search index.
func (c Content) texts() []Words { return c.TextsOf() }

// TextsOf are the content's texts in the order of TextFields. A text
// that is nil is made, so a form can fill it.
func (c *Content) TextsOf() []Words {
	for _, w := range []*Words{&c.Title, &c.Summary, &c.Problem, &c.Solution, &c.Results, &c.Cost, &c.Team} {
		if *w == nil {
			*w = Words{}
		}
	}
	return []Words{c.Title, c.Summary, c.Problem, c.Solution, c.Results, c.Cost, c.Team}
}

// State is where a practice is in its life, as the public sees it.
type State string

const (
	Unpublished State = "unpublished" // written, not yet published
	Published   State = "published"
	Retired     State = "retired" // no longer offered; its page says so
)

// Practice is one good practice of one government.
type Practice struct {
	ID                 ids.Practice
	Slug               string
	Country            region.Country
	RegionCode         string
	State              State
	LookingForPartners bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
	PublishedAt        time.Time // zero until first published
	Live               Content   // the published version's content
	LiveVersion        int       // 0 when none is published
}

// Limits on what a practice may hold.
const (
	maxTitle   = 200
	maxText    = 6000
	maxShort   = 200
	maxMetrics = 20
	maxStages  = 20
	maxSources = 20
	maxTags    = 5
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug tells whether s can name a practice in its address.
func ValidSlug(s string) bool { return len(s) >= 3 && len(s) <= 80 && slugPattern.MatchString(s) }

// Check returns what is wrong with c, as message keys by field.
func (c *Content) Check(now time.Time) validation.Errors {
	var errs validation.Errors
	if !slices.Contains(Langs, c.Original) {
		errs.Add("original", "exchange.error.original")
	} else if strings.TrimSpace(c.Title[c.Original]) == "" {
		errs.Add("title_"+c.Original, "exchange.error.title_required")
	}
	c.checkTexts(&errs)
	if !slices.Contains(Statuses, c.Status) {
		errs.Add("status", "exchange.error.status")
	}
	if c.Started != 0 && (c.Started < 1945 || c.Started > now.Year()+1) {
		errs.Add("started", "exchange.error.started")
	}
	checkTags(c.Tags, &errs)
	c.checkMetrics(&errs)
	c.checkStages(&errs)
	checkSources(c.Sources, &errs)
	c.checkContact(&errs)
	for _, f := range c.Files {
		if _, lang := f.Description.In(c.Original); lang == "" || !db.ValidID(string(f.ID)) {
			errs.Add("file_description", "exchange.error.file_description")
			break
		}
	}
	for _, r := range c.Runs {
		if (r.Kind != "course" && r.Kind != "service" && r.Kind != "counter") || r.Code == "" || len(r.Code) > 100 {
			errs.Add("runs", "exchange.error.runs")
			break
		}
	}
	return errs
}

// checkTexts: every language that has any text has a title, and no text
// is too long or holds hidden characters.
func (c *Content) checkTexts(errs *validation.Errors) {
	for _, lang := range Langs {
		has := false
		for i, w := range c.texts() {
			s := w[lang]
			if s == "" {
				continue
			}
			has = true
			limit := maxText
			if i == 0 {
				limit = maxTitle
			}
			if utf8.RuneCountInString(s) > limit || validation.HasHiddenControls(s) {
				errs.Add(TextFields[i]+"_"+lang, "exchange.error.text", limit)
			}
		}
		if has && strings.TrimSpace(c.Title[lang]) == "" && lang != c.Original {
			errs.Add("title_"+lang, "exchange.error.title_required")
		}
		if o := c.Origins[lang]; o != "" && o != Original && o != Translated {
			errs.Add("origin_"+lang, "exchange.error.origin")
		}
	}
}

func checkTags(tags []string, errs *validation.Errors) {
	if len(tags) == 0 || len(tags) > maxTags {
		errs.Add("tags", "exchange.error.tag_count", maxTags)
		return
	}
	for _, t := range tags {
		if !slices.Contains(Tags, t) {
			errs.Add("tags", "exchange.error.tag", t)
			return
		}
	}
}

func (c *Content) checkMetrics(errs *validation.Errors) {
	if len(c.Metrics) > maxMetrics {
		errs.Add("metrics", "exchange.error.too_many", maxMetrics)
	}
	for _, m := range c.Metrics {
		if _, lang := m.Name.In(c.Original); lang == "" {
			errs.Add("metrics", "exchange.error.metric_name")
			return
		}
		if utf8.RuneCountInString(m.Unit) > maxShort || (m.Measured != "" && !validDate(m.Measured)) {
			errs.Add("metrics", "exchange.error.metric")
			return
		}
	}
}

func (c *Content) checkStages(errs *validation.Errors) {
	if len(c.Stages) > maxStages {
		errs.Add("stages", "exchange.error.too_many", maxStages)
	}
	for _, s := range c.Stages {
		if _, lang := s.Name.In(c.Original); lang == "" || (s.Date != "" && !validDate(s.Date)) {
			errs.Add("stages", "exchange.error.stage")
			return
		}
	}
}

func checkSources(sources []string, errs *validation.Errors) {
	if len(sources) > maxSources {
		errs.Add("sources", "exchange.error.too_many", maxSources)
	}
	for _, s := range sources {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 2000 {
			errs.Add("sources", "exchange.error.source")
			return
		}
	}
}

func (c *Content) checkContact(errs *validation.Errors) {
	ct := c.Contact
	if utf8.RuneCountInString(ct.Name) > maxShort || utf8.RuneCountInString(ct.Role) > maxShort ||
		validation.HasHiddenControls(ct.Name+ct.Role+ct.Email) {
		errs.Add("contact_name", "exchange.error.contact")
	}
	if ct.Email != "" && !strings.Contains(ct.Email, "@") {
		errs.Add("contact_email", "exchange.error.contact_email")
	}
}

// validDate reads YYYY, YYYY-MM or YYYY-MM-DD.
func validDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
