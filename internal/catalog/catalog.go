// Package catalog keeps each tenant's services: what a resident can apply
// for, what it needs, what it costs, how long it takes, its form and its
// workflow.
package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/cache"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/workflow"
)

// Labels is text in id, ja and en.
type Labels = form.Labels

// Requirement is a document the resident must bring or upload.
type Requirement struct {
	Name     string   `json:"name"`
	Labels   Labels   `json:"labels"`
	Required bool     `json:"required"`
	Accept   []string `json:"accept"`
	MaxBytes int64    `json:"max_bytes"`
}

// Eligibility says who may apply, in words, and whether a resident account
// of this tenant is needed.
type Eligibility struct {
	Labels        Labels `json:"labels"`
	ResidentsOnly bool   `json:"residents_only"`
}

// Output is what an approved application produces.
type Output struct {
	Kind   string `json:"kind"` // "certificate" or "letter"
	Labels Labels `json:"labels"`
}

// Service is one thing a resident can apply for.
type Service struct {
	ID           string              `json:"-"`
	TenantID     ids.Tenant          `json:"-"`
	Code         string              `json:"code"`
	Category     string              `json:"category"`
	Names        Labels              `json:"names"`
	Descriptions Labels              `json:"descriptions"`
	Eligibility  Eligibility         `json:"eligibility"`
	Requirements []Requirement       `json:"requirements"`
	FeeAmount    int64               `json:"fee_amount"`
	FeeCurrency  string              `json:"fee_currency"`
	SLADays      int                 `json:"sla_days"`
	Form         form.Form           `json:"form"`
	Workflow     workflow.Definition `json:"workflow"`
	Output       Output              `json:"output"`
	Published    bool                `json:"published"`
	CreatedAt    time.Time           `json:"-"`
	UpdatedAt    time.Time           `json:"-"`
}

// Free tells whether the service costs nothing.
func (s Service) Free() bool { return s.FeeAmount == 0 }

// Requirement is the document the service asks for under name, or nil.
func (s Service) Requirement(name string) *Requirement {
	for i := range s.Requirements {
		if s.Requirements[i].Name == name {
			return &s.Requirements[i]
		}
	}
	return nil
}

// ErrNotFound is returned for an unknown service.
var ErrNotFound = errors.New("service not found")

// Store manages services.
type Store struct {
	db    *db.DB
	clock clock.Clock
	cache *cache.TTL[string, Service]
}

// NewStore returns a catalog store.
func NewStore(d *db.DB, c clock.Clock) *Store {
	return &Store{db: d, clock: c, cache: cache.New[string, Service](10*time.Second, 5000)}
}

var codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,19}$`)

// Validate checks a whole service definition, its form and workflow too.
func Validate(s *Service) validation.Errors {
	var errs validation.Errors
	s.Code = strings.ToUpper(strings.TrimSpace(s.Code))
	if !codePattern.MatchString(s.Code) {
		errs.Add("code", "error.service.code")
	}
	// A name in one language is enough to start; the others may wait
	// for a translation (see Untranslated).
	if s.Names.Empty() {
		errs.Add("names", "error.service.name")
	}
	if s.SLADays < 1 || s.SLADays > 365 {
		errs.Add("sla_days", "error.service.sla")
	}
	if s.FeeAmount < 0 || (s.FeeAmount > 0 && s.FeeCurrency != "IDR" && s.FeeCurrency != "JPY") {
		errs.Add("fee", "error.service.fee")
	}
	errs = append(errs, requirementProblems(s.Requirements)...)
	if s.hasHiddenControls() {
		// A JSON import can carry them as \u escapes, which the check of
		// the raw request body does not see.
		errs.Add("names", "error.service.hidden")
	}
	if s.Output.Kind != "certificate" && s.Output.Kind != "letter" {
		errs.Add("output", "error.service.output")
	}
	for _, p := range s.Form.Validate() {
		errs.Add("form", p.Code, p.Subject)
	}
	for _, p := range s.Workflow.Validate() {
		errs.Add("workflow", p.Code, p.Subject)
	}
	return errs
}

// Save creates or replaces the service with s.Code in tenantID.
func (st *Store) Save(ctx context.Context, actor audit.Actor, tenantID ids.Tenant, s Service) (_ Service, err error) {
	defer wrapf(&err, "save a service of tenant %s", tenantID)
	if errs := Validate(&s); len(errs) > 0 {
		return Service{}, errs
	}
	blobs, err := encode(s)
	if err != nil {
		return Service{}, err
	}
	now := st.clock.Now()
	old, err := st.ByCode(ctx, tenantID, s.Code)
	switch {
	case errors.Is(err, ErrNotFound):
		s.ID, s.CreatedAt = db.NewID(), now
	case err != nil:
		return Service{}, err
	default:
		s.ID, s.CreatedAt = old.ID, old.CreatedAt
	}
	s.TenantID, s.UpdatedAt = tenantID, now
	defer st.cache.Forget()
	err = st.db.InTx(ctx, func(tx *db.Tx) error {
		if err := upsert(ctx, tx, s, blobs); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(tenantID, "service.save", "service:"+s.Code,
			audit.Say("audit.detail.service.save", yesNo(s.Published), strconv.Itoa(s.SLADays))))
	})
	return s, err
}

type blobs struct{ eligibility, requirements, form, workflow, output string }

func encode(s Service) (blobs, error) {
	var b blobs
	for dst, v := range map[*string]any{&b.eligibility: s.Eligibility, &b.requirements: s.Requirements, &b.form: s.Form,
		&b.workflow: s.Workflow, &b.output: s.Output} {
		raw, err := json.Marshal(v)
		if err != nil {
			return b, err
		}
		*dst = string(raw)
	}
	return b, nil
}

func upsert(ctx context.Context, tx *db.Tx, s Service, b blobs) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO services (id, tenant_id, code, category, name_id, name_ja, name_en,
		desc_id, desc_ja, desc_en, eligibility, requirements, fee_amount, fee_currency, sla_days, form, workflow, output,
		published, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, code) DO UPDATE SET category = excluded.category, name_id = excluded.name_id,
		name_ja = excluded.name_ja, name_en = excluded.name_en, desc_id = excluded.desc_id, desc_ja = excluded.desc_ja,
		desc_en = excluded.desc_en, eligibility = excluded.eligibility, requirements = excluded.requirements,
		fee_amount = excluded.fee_amount, fee_currency = excluded.fee_currency, sla_days = excluded.sla_days,
		form = excluded.form, workflow = excluded.workflow, output = excluded.output, published = excluded.published,
		updated_at = excluded.updated_at`,
		s.ID, s.TenantID, s.Code, s.Category, s.Names["id"], s.Names["ja"], s.Names["en"], s.Descriptions["id"],
		s.Descriptions["ja"], s.Descriptions["en"], b.eligibility, b.requirements, s.FeeAmount, s.FeeCurrency, s.SLADays,
		b.form, b.workflow, b.output, s.Published, s.CreatedAt, s.UpdatedAt)
	return err
}

const columns = `id, tenant_id, code, category, name_id, name_ja, name_en, desc_id, desc_ja, desc_en, eligibility,
	requirements, fee_amount, fee_currency, sla_days, form, workflow, output, published, created_at, updated_at`

func scan(r interface{ Scan(...any) error }) (Service, error) {
	var s Service
	var nid, nja, nen, did, dja, den string
	var b blobs
	err := r.Scan(&s.ID, &s.TenantID, &s.Code, &s.Category, &nid, &nja, &nen, &did, &dja, &den, &b.eligibility,
		&b.requirements, &s.FeeAmount, &s.FeeCurrency, &s.SLADays, &b.form, &b.workflow, &b.output, &s.Published,
		&s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, err
	}
	s.Names = Labels{"id": nid, "ja": nja, "en": nen}
	s.Descriptions = Labels{"id": did, "ja": dja, "en": den}
	for src, dst := range map[string]any{b.eligibility: &s.Eligibility, b.requirements: &s.Requirements,
		b.form: &s.Form, b.workflow: &s.Workflow, b.output: &s.Output} {
		if err := json.Unmarshal([]byte(src), dst); err != nil {
			return s, fmt.Errorf("service %s: stored definition is damaged: %w", s.Code, err)
		}
	}
	return s, nil
}

// ByCode finds a tenant's service by its code.
func (st *Store) ByCode(ctx context.Context, tenantID ids.Tenant, code string) (_ Service, err error) {
	defer wrapf(&err, "read service %s", code)
	code = strings.ToUpper(code)
	return st.cached(string(tenantID)+"|code|"+code, func() (Service, error) {
		return scan(st.db.QueryRowContext(ctx, "SELECT "+columns+" FROM services WHERE tenant_id = ? AND code = ?", tenantID, code))
	})
}

// ByID finds a tenant's service by its ID.
func (st *Store) ByID(ctx context.Context, tenantID ids.Tenant, id string) (_ Service, err error) {
	defer wrapf(&err, "read service %s", id)
	return st.cached(string(tenantID)+"|id|"+id, func() (Service, error) {
		return scan(st.db.QueryRowContext(ctx, "SELECT "+columns+" FROM services WHERE tenant_id = ? AND id = ?", tenantID, id))
	})
}

// cached saves the query and the JSON decoding of a service's form and
// workflow, which every submission and status page needs. Callers get a
// shared value: they must not change its maps and slices.
func (st *Store) cached(key string, load func() (Service, error)) (Service, error) {
	if s, ok := st.cache.Get(key); ok {
		return s, nil
	}
	gen := st.cache.Generation()
	s, err := load()
	if err == nil {
		st.cache.Put(key, s, gen)
	}
	return s, err
}

// List returns a tenant's services by category and code; residents see
// only published ones.
func (st *Store) List(ctx context.Context, tenantID ids.Tenant, publishedOnly bool) (_ []Service, err error) {
	defer wrapf(&err, "list the services of tenant %s", tenantID)
	q := "SELECT " + columns + " FROM services WHERE tenant_id = ?"
	args := []any{tenantID}
	if publishedOnly {
		q += " AND published = ?"
		args = append(args, true)
	}
	rows, err := st.db.QueryContext(ctx, q+" ORDER BY category, code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Export writes a service as JSON that Import can read into another tenant.
func Export(s Service) ([]byte, error) { return json.MarshalIndent(s, "", "  ") }

// Import reads an exported service; the caller saves it into its tenant.
func Import(raw []byte) (Service, error) {
	var s Service
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Service{}, validation.Errors{{Field: "file", Code: "error.service.import"}}
	}
	return s, nil
}

// yesNo is a flag for an audit summary: a message key the page words.
func yesNo(b bool) string {
	if b {
		return "~form.yes"
	}
	return "~form.no"
}

// Untranslated tells whether some text a resident reads of s — its name,
// description, who may apply, requirements, result, or a question — is
// written in other languages but not in lang. Pages then say that parts
// are shown in another language, rather than leave readers guessing.
func (s Service) Untranslated(lang string) bool {
	texts := []Labels{s.Names, s.Descriptions, s.Eligibility.Labels, s.Output.Labels}
	for _, r := range s.Requirements {
		texts = append(texts, r.Labels)
	}
	for _, sec := range s.Form.Sections {
		texts = append(texts, sec.Labels)
	}
	for _, f := range s.Form.Fields {
		texts = append(texts, f.Labels, f.Help)
		for _, o := range f.Options {
			texts = append(texts, o.Labels)
		}
	}
	for _, l := range texts {
		if l.Missing(lang) {
			return true
		}
	}
	return false
}

// DocumentTypes are the kinds of file a requirement may accept: what
// document.DetectType recognises.
var DocumentTypes = []string{"application/pdf", "image/jpeg", "image/png"}

// MaxDocumentBytes is the largest file a requirement may allow.
const MaxDocumentBytes = 20 << 20

var requirementName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// requirementProblems checks the documents a service asks for. Problems
// are on the field "requirements" with the requirement's name as argument.
func requirementProblems(reqs []Requirement) validation.Errors {
	var errs validation.Errors
	seen := map[string]bool{}
	for _, r := range reqs {
		switch {
		case !requirementName.MatchString(r.Name):
			errs.Add("requirements", "error.requirement.name", r.Name)
		case seen[r.Name]:
			errs.Add("requirements", "error.requirement.name_taken", r.Name)
		}
		seen[r.Name] = true
		if r.Labels.Empty() {
			errs.Add("requirements", "error.requirement.label", r.Name)
		}
		for _, a := range r.Accept {
			if !slices.Contains(DocumentTypes, a) {
				errs.Add("requirements", "error.requirement.accept", r.Name)
				break
			}
		}
		if r.MaxBytes < 0 || r.MaxBytes > MaxDocumentBytes {
			errs.Add("requirements", "error.requirement.size", r.Name)
		}
	}
	return errs
}

// RequirementName makes a name for a requirement the admin added by its
// words ("Family card" -> "family_card"), unique among reqs.
func RequirementName(reqs []Requirement, l Labels) string {
	f := form.Form{}
	for _, r := range reqs {
		f.Fields = append(f.Fields, form.Field{Name: r.Name})
	}
	return f.NameOr(l, "document")
}

// hasHiddenControls tells whether any text of s carries control
// characters (NUL, bidi overrides and the like) that would hide or reorder
// what residents and officers read.
func (s Service) hasHiddenControls() bool {
	texts := []string{s.Code, s.Category}
	add := func(l Labels) {
		for _, v := range l {
			texts = append(texts, v)
		}
	}
	for _, l := range []Labels{s.Names, s.Descriptions, s.Eligibility.Labels, s.Output.Labels} {
		add(l)
	}
	for _, r := range s.Requirements {
		texts = append(texts, r.Name)
		add(r.Labels)
	}
	for _, sec := range s.Form.Sections {
		add(sec.Labels)
	}
	for _, f := range s.Form.Fields {
		texts = append(texts, f.Name)
		add(f.Labels)
		add(f.Help)
		for _, o := range f.Options {
			texts = append(texts, o.Value)
			add(o.Labels)
		}
	}
	for _, st := range s.Workflow.States {
		for _, v := range st.Labels {
			texts = append(texts, v)
		}
	}
	for _, a := range s.Workflow.Actions {
		for _, v := range a.Labels {
			texts = append(texts, v)
		}
	}
	for _, t := range texts {
		if validation.HasHiddenControls(t) {
			return true
		}
	}
	return false
}
