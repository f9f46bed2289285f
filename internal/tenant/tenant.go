// Package tenant keeps the local governments that use Serambi: one tenant
// per region of the official directory, with its names, zone and contacts.
package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/validation"
)

// Status of a tenant.
const (
	Active    = "active"
	Suspended = "suspended"
)

// Tenant is one local government.
type Tenant struct {
	ID           ids.Tenant
	Slug         string
	RegionCode   string
	Country      region.Country
	NameID       string
	NameJA       string
	NameEN       string
	TimeZone     string
	DefaultLang  string
	ContactEmail string
	ContactPhone string
	Address      string
	Website      string
	BrandColor   string
	AskCivilID   bool
	// QueueWhileClosed lets people take a number while a counter is
	// closed, to be called when it opens; by default they are told when
	// it opens and come back then.
	QueueWhileClosed bool
	// TrackingPrefix starts every tracking number (BWI-2026-000123): short
	// letters a resident can read aloud on the phone.
	TrackingPrefix string
	Status         string
	// PracticeOf is, for a practice twin, the real tenant it copies (see
	// Practice); empty for every real tenant.
	PracticeOf ids.Tenant
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// IsPractice tells a practice twin, where learners try the services.
func (t Tenant) IsPractice() bool { return t.PracticeOf != "" }

// RealSlug is the slug of the tenant a practice twin copies (a real
// tenant's own slug for a real one): where "back to the class" leads.
func (t Tenant) RealSlug() string {
	if !t.IsPractice() {
		return t.Slug
	}
	return strings.TrimSuffix(t.Slug, PracticeSuffix)
}

// Name returns the tenant's name in lang, falling back to its default
// language and then to any name it has.
func (t Tenant) Name(lang string) string {
	for _, l := range []string{lang, t.DefaultLang, "en", "id", "ja"} {
		switch {
		case l == "id" && t.NameID != "":
			return t.NameID
		case l == "ja" && t.NameJA != "":
			return t.NameJA
		case l == "en" && t.NameEN != "":
			return t.NameEN
		}
	}
	return t.Slug
}

// Location is the tenant's time zone (UTC if the name is unknown).
func (t Tenant) Location() *time.Location { return loadLocation(t.TimeZone) }

// IsActive tells whether the tenant serves residents now.
func (t Tenant) IsActive() bool { return t.Status == Active }

// ErrNotFound is returned for an unknown tenant.
var ErrNotFound = errors.New("tenant not found")

// Service manages tenants.
type Service struct {
	db      *db.DB
	regions *region.Directory
	clock   clock.Clock
	cache   slugCache
}

// NewService returns a tenant service.
func NewService(d *db.DB, regions *region.Directory, c clock.Clock) *Service {
	return &Service{db: d, regions: regions, clock: c}
}

// Input is what a coordinator gives to create or edit a tenant. Empty names,
// zone and language are filled from the region directory.
type Input struct {
	Slug             string
	RegionCode       string
	NameID           string
	NameJA           string
	NameEN           string
	DefaultLang      string
	ContactEmail     string
	ContactPhone     string
	Address          string
	Website          string
	BrandColor       string
	AskCivilID       bool
	QueueWhileClosed bool
	TrackingPrefix   string
}

var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// reserved are first path segments the site itself uses.
var reserved = map[string]bool{
	"api": true, "static": true, "signin": true, "signout": true, "register": true, "account": true,
	"network": true, "healthz": true, "readyz": true, "metrics": true, "verify": true, "prefs": true,
	"admin": true, "track": true, "favicon.ico": true, "robots.txt": true, "feeds": true,
	"practices": true, "exchange": true,
}

// Reserved tells whether slug is a path segment the site uses itself (a
// web test checks every route's first segment is here).
func Reserved(slug string) bool { return reserved[strings.ToLower(slug)] }

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

var prefixPattern = regexp.MustCompile(`^[A-Z]{2,5}$`)

func (s *Service) validate(in *Input, creating bool) (region.Region, validation.Errors) {
	var errs validation.Errors
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	if creating && (!slugPattern.MatchString(in.Slug) || reserved[in.Slug] || strings.HasSuffix(in.Slug, PracticeSuffix)) {
		errs.Add("slug", "error.tenant.slug")
	}
	r, ok := s.regions.Get(strings.TrimSpace(in.RegionCode))
	if !ok || !isLocalGovernment(r) {
		errs.Add("region", "error.tenant.region")
	}
	if in.DefaultLang == "" && ok {
		in.DefaultLang = defaultLang(r.Country)
	}
	if in.DefaultLang != "id" && in.DefaultLang != "ja" && in.DefaultLang != "en" {
		errs.Add("default_lang", "error.lang")
	}
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	if in.ContactEmail != "" && !strings.Contains(in.ContactEmail, "@") {
		errs.Add("contact_email", "error.email")
	}
	if in.BrandColor == "" {
		in.BrandColor = "#0b5cad"
	}
	if !colorPattern.MatchString(in.BrandColor) || contrastWithWhite(in.BrandColor) < 4.5 {
		errs.Add("brand_color", "error.tenant.color")
	}
	in.TrackingPrefix = strings.ToUpper(strings.TrimSpace(in.TrackingPrefix))
	if in.TrackingPrefix == "" {
		in.TrackingPrefix = defaultPrefix(in.Slug)
	}
	if !prefixPattern.MatchString(in.TrackingPrefix) {
		errs.Add("tracking_prefix", "error.tenant.prefix")
	}
	for _, f := range []*string{&in.NameID, &in.NameJA, &in.NameEN, &in.ContactPhone, &in.Address, &in.Website} {
		*f = strings.TrimSpace(*f)
	}
	if in.Website != "" && !isWebAddress(in.Website) {
		errs.Add("website", "error.tenant.website")
	}
	if utf8.RuneCountInString(in.NameID) > 120 || utf8.RuneCountInString(in.NameJA) > 120 || utf8.RuneCountInString(in.NameEN) > 120 {
		errs.Add("name_id", "error.too_long")
	}
	return r, errs
}

// isLocalGovernment: a tenant is a regency, city or municipality, or a
// province/prefecture government; designated-city wards are part of a city.
func isLocalGovernment(r region.Region) bool { return r.Level != region.Ward }

// defaultPrefix is the slug's first three letters: "banyuwangi" -> "BAN".
func defaultPrefix(slug string) string {
	var b strings.Builder
	for _, r := range slug {
		if r >= 'a' && r <= 'z' && b.Len() < 3 {
			b.WriteRune(r - 'a' + 'A')
		}
	}
	return b.String()
}

func defaultLang(c region.Country) string {
	if c == region.Japan {
		return "ja"
	}
	return "id"
}

// defaultNames gives names for the three languages from the directory.
func defaultNames(r region.Region) (id, ja, en string) {
	if r.Country == region.Japan {
		return r.NameLatin, r.Name, r.NameLatin
	}
	en = r.Name
	switch {
	case strings.HasPrefix(r.Name, "Kabupaten "):
		en = strings.TrimPrefix(r.Name, "Kabupaten ") + " Regency"
	case strings.HasPrefix(r.Name, "Kota "):
		en = strings.TrimPrefix(r.Name, "Kota ") + " City"
	}
	return r.Name, en, en
}

// contrastWithWhite is the WCAG contrast ratio of white text on hex colour,
// because the brand colour is the background of the page header.
func contrastWithWhite(hex string) float64 {
	lum := 0.0
	weights := []float64{0.2126, 0.7152, 0.0722}
	for i := 0; i < 3; i++ {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += weights[i] * c
	}
	return 1.05 / (lum + 0.05)
}

func fillDefaults(in *Input, r region.Region) {
	id, ja, en := defaultNames(r)
	if in.NameID == "" {
		in.NameID = id
	}
	if in.NameJA == "" {
		in.NameJA = ja
	}
	if in.NameEN == "" {
		in.NameEN = en
	}
}

// Create adds a tenant for a region that has none yet.
func (s *Service) Create(ctx context.Context, actor audit.Actor, in Input) (_ Tenant, err error) {
	defer wrapf(&err, "create a tenant")
	r, errs := s.validate(&in, true)
	if len(errs) > 0 {
		return Tenant{}, errs
	}
	fillDefaults(&in, r)
	now := s.clock.Now()
	t := Tenant{
		ID: ids.Tenant(db.NewID()), Slug: in.Slug, RegionCode: r.Code, Country: r.Country, TimeZone: r.TimeZone,
		Status: Active, CreatedAt: now, UpdatedAt: now,
	}
	t.apply(in)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := taken(ctx, tx, t); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tenants (id, slug, region_code, country, name_id, name_ja, name_en,
			time_zone, default_lang, contact_email, contact_phone, address, website, brand_color, ask_civil_id, tracking_prefix,
			status, created_at, updated_at, queue_while_closed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.Slug, t.RegionCode, string(t.Country), t.NameID, t.NameJA, t.NameEN, t.TimeZone, t.DefaultLang,
			t.ContactEmail, t.ContactPhone, t.Address, t.Website, t.BrandColor, t.AskCivilID, t.TrackingPrefix, t.Status,
			t.CreatedAt, t.UpdatedAt, t.QueueWhileClosed)
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, entry(actor, t, "tenant.create", audit.Say("audit.detail.tenant.create", t.RegionCode, t.NameEN)))
	})
	return t, err
}

// taken reports a slug or region that already has a tenant as a field error.
func taken(ctx context.Context, q db.Querier, t Tenant) error {
	var errs validation.Errors
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM tenants WHERE slug = ? AND id <> ?", t.Slug, t.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		errs.Add("slug", "error.tenant.slug_taken")
	}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM tenants WHERE region_code = ? AND id <> ?", t.RegionCode, t.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		errs.Add("region", "error.tenant.region_taken")
	}
	return errs.Err()
}

func (t *Tenant) apply(in Input) {
	t.NameID, t.NameJA, t.NameEN = in.NameID, in.NameJA, in.NameEN
	t.DefaultLang, t.ContactEmail, t.ContactPhone = in.DefaultLang, in.ContactEmail, in.ContactPhone
	t.Address, t.Website, t.BrandColor, t.AskCivilID = in.Address, in.Website, in.BrandColor, in.AskCivilID
	t.QueueWhileClosed = in.QueueWhileClosed
	t.TrackingPrefix = in.TrackingPrefix
}

func entry(actor audit.Actor, t Tenant, action, summary string) audit.Entry {
	return audit.Entry{
		ActorID: actor.ID, ActorLabel: actor.Label, IP: actor.IP, TenantID: t.ID,
		Action: action, Object: "tenant:" + t.Slug, Summary: summary,
	}
}

// Update changes a tenant's names, language, contacts and brand. The slug and
// region stay: links and records point at them.
func (s *Service) Update(ctx context.Context, actor audit.Actor, slug string, in Input) (_ Tenant, err error) {
	defer wrapf(&err, "update tenant %s", slug)
	old, err := s.fresh(ctx, slug)
	if err == nil && old.IsPractice() {
		err = ErrNotFound // a twin follows its real tenant (Practice), it is not edited
	}
	if err != nil {
		return Tenant{}, err
	}
	in.Slug, in.RegionCode = old.Slug, old.RegionCode
	r, errs := s.validate(&in, false)
	if len(errs) > 0 {
		return Tenant{}, errs
	}
	fillDefaults(&in, r)
	t := old
	t.apply(in)
	t.UpdatedAt = s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tenants SET name_id = ?, name_ja = ?, name_en = ?, default_lang = ?,
			contact_email = ?, contact_phone = ?, address = ?, website = ?, brand_color = ?, ask_civil_id = ?,
			tracking_prefix = ?, queue_while_closed = ?, updated_at = ? WHERE id = ?`, t.NameID, t.NameJA, t.NameEN, t.DefaultLang, t.ContactEmail,
			t.ContactPhone, t.Address, t.Website, t.BrandColor, t.AskCivilID, t.TrackingPrefix, t.QueueWhileClosed, t.UpdatedAt, t.ID)
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, entry(actor, t, "tenant.update", diff(old, t)))
	})
	s.cache.forget(t.Slug)
	return t, err
}

// diff summarises what changed, for the audit trail.
func diff(a, b Tenant) string {
	var parts []string
	add := func(name, x, y string) {
		if x != y {
			parts = append(parts, fmt.Sprintf("%s %q -> %q", name, x, y))
		}
	}
	add("name_id", a.NameID, b.NameID)
	add("name_ja", a.NameJA, b.NameJA)
	add("name_en", a.NameEN, b.NameEN)
	add("lang", a.DefaultLang, b.DefaultLang)
	add("email", a.ContactEmail, b.ContactEmail)
	add("phone", a.ContactPhone, b.ContactPhone)
	add("address", a.Address, b.Address)
	add("website", a.Website, b.Website)
	add("color", a.BrandColor, b.BrandColor)
	add("ask_civil_id", strconv.FormatBool(a.AskCivilID), strconv.FormatBool(b.AskCivilID))
	add("queue_while_closed", strconv.FormatBool(a.QueueWhileClosed), strconv.FormatBool(b.QueueWhileClosed))
	add("tracking_prefix", a.TrackingPrefix, b.TrackingPrefix)
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

// SetStatus suspends or reactivates a tenant.
func (s *Service) SetStatus(ctx context.Context, actor audit.Actor, slug, status string) (_ Tenant, err error) {
	defer wrapf(&err, "set the status of tenant %s", slug)
	if status != Active && status != Suspended {
		return Tenant{}, validation.Errors{{Field: "status", Code: "error.tenant.status"}}
	}
	t, err := s.fresh(ctx, slug)
	if err == nil && t.IsPractice() {
		err = ErrNotFound
	}
	if err != nil {
		return Tenant{}, err
	}
	old := t.Status
	t.Status, t.UpdatedAt = status, s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The practice twin is suspended and reopened with its tenant.
		if _, err := tx.ExecContext(ctx, "UPDATE tenants SET status = ?, updated_at = ? WHERE id = ? OR practice_of = ?",
			t.Status, t.UpdatedAt, t.ID, t.ID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, entry(actor, t, "tenant.status", audit.Say("audit.detail.tenant.status", "~audit.tenant."+old, "~audit.tenant."+status)))
	})
	s.cache.forget(t.Slug)
	return t, err
}

const columns = `id, slug, region_code, country, name_id, name_ja, name_en, time_zone, default_lang, contact_email,
	contact_phone, address, website, brand_color, ask_civil_id, tracking_prefix, status, created_at, updated_at, queue_while_closed,
	practice_of`

func scan(r interface{ Scan(...any) error }) (Tenant, error) {
	var t Tenant
	var country string
	err := r.Scan(&t.ID, &t.Slug, &t.RegionCode, &country, &t.NameID, &t.NameJA, &t.NameEN, &t.TimeZone, &t.DefaultLang,
		&t.ContactEmail, &t.ContactPhone, &t.Address, &t.Website, &t.BrandColor, &t.AskCivilID, &t.TrackingPrefix, &t.Status,
		&t.CreatedAt, &t.UpdatedAt, &t.QueueWhileClosed, &t.PracticeOf)
	t.Country = region.Country(country)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// BySlug finds a tenant by its slug, whatever its status.
func (s *Service) BySlug(ctx context.Context, slug string) (_ Tenant, err error) {
	defer wrapf(&err, "read tenant %s", slug)
	now := time.Now()
	if t, ok := s.cache.get(slug, now); ok {
		return t, nil
	}
	gen := s.cache.generation()
	t, err := s.fresh(ctx, slug)
	if err == nil {
		s.cache.put(t, now, gen)
	}
	return t, err
}

// fresh reads a tenant from the database, bypassing the cache, for changes
// whose audit summary must describe the true "before".
func (s *Service) fresh(ctx context.Context, slug string) (Tenant, error) {
	return scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM tenants WHERE slug = ?", slug))
}

// ByID finds a tenant by ID (through the same short cache as BySlug:
// lists and status pages look tenants up by ID).
func (s *Service) ByID(ctx context.Context, id ids.Tenant) (_ Tenant, err error) {
	defer wrapf(&err, "read tenant %s", id)
	now := time.Now()
	if t, ok := s.cache.get("id:"+string(id), now); ok {
		return t, nil
	}
	gen := s.cache.generation()
	t, err := scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM tenants WHERE id = ?", id))
	if err == nil {
		s.cache.putKey("id:"+string(id), t, now, gen)
	}
	return t, err
}

// ByRegion is the tenant of a local government by its region code
// (ErrNotFound when that government is not on Serambi); a practice twin
// is never one.
func (s *Service) ByRegion(ctx context.Context, code string) (_ Tenant, err error) {
	defer wrapf(&err, "read the tenant of region %s", code)
	return scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM tenants WHERE region_code = ? AND practice_of = ''", code))
}

// List returns tenants ordered by English name; all of them, or only active.
func (s *Service) List(ctx context.Context, activeOnly bool) (_ []Tenant, err error) {
	defer wrapf(&err, "list tenants")
	// Practice twins are never listed: they are reached only from a class.
	q := "SELECT " + columns + " FROM tenants WHERE practice_of = ''"
	var args []any
	if activeOnly {
		q += " AND status = ?"
		args = append(args, Active)
	}
	return s.query(ctx, q+" ORDER BY name_en", args...)
}

// query reads the tenants a SELECT of columns returns.
func (s *Service) query(ctx context.Context, q string, args ...any) ([]Tenant, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tenant
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Search finds active tenants whose names or region match q in any script
// (Latin, kana or kanji): the region directory does the matching, so a
// Japanese tenant is found by "fukuoka", "ふくおか" and "福岡" alike.
func (s *Service) Search(ctx context.Context, q string) (_ []Tenant, err error) {
	defer wrapf(&err, "search tenants")
	all, err := s.List(ctx, true)
	if err != nil || strings.TrimSpace(q) == "" {
		return all, err
	}
	hits := map[string]bool{}
	for _, r := range s.regions.Search(region.Query{Q: q, Limit: 500}) {
		hits[r.Code] = true
	}
	needle := strings.ToLower(strings.TrimSpace(q))
	var out []Tenant
	for _, t := range all {
		names := strings.ToLower(t.NameID + "\x00" + t.NameJA + "\x00" + t.NameEN + "\x00" + t.Slug)
		if hits[t.RegionCode] || strings.Contains(names, needle) {
			out = append(out, t)
		}
	}
	return out, nil
}

// isWebAddress accepts only an absolute http(s) address with a host: the
// website is shown as a link on every home page, and a javascript: or data:
// "address" there would run in residents' browsers.
func isWebAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && len(s) <= 500
}
