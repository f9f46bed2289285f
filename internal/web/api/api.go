package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/web"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
)

func (s *Pages) apiRegions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rq := region.Query{Country: region.Country(q.Get("country")), Level: region.Level(q.Get("level")), Parent: q.Get("parent"), Q: q.Get("q")}
	if rq.Country != "" && rq.Country != region.Indonesia && rq.Country != region.Japan {
		s.Problem(w, r, http.StatusBadRequest, "bad_country", "problem.bad_country")
		return
	}
	switch rq.Level {
	case "", region.Province, region.Regency, region.City, region.Prefecture, region.Municipality, region.Ward:
	default:
		s.Problem(w, r, http.StatusBadRequest, "bad_level", "problem.bad_level")
		return
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			s.Problem(w, r, http.StatusBadRequest, "bad_limit", "problem.bad_limit")
			return
		}
		rq.Limit = n
	}
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > 1_000_000 {
			s.Problem(w, r, http.StatusBadRequest, "bad_cursor", "problem.bad_cursor")
			return
		}
		rq.Offset = n
	}
	rq.Q = web.TruncateRunes(rq.Q, 100)
	items, more := s.Regions.Page(rq)
	if items == nil {
		items = []region.Region{}
	}
	out := web.List[region.Region]{Items: items}
	if more {
		// The cursor is the count of matches already given; clients pass
		// it back unread (its form may change).
		out.Next = strconv.Itoa(rq.Offset + len(items))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

type tenantJSON struct {
	ID             string            `json:"id"`
	Slug           string            `json:"slug"`
	RegionCode     string            `json:"region_code"`
	Country        string            `json:"country"`
	Names          map[string]string `json:"names"`
	TimeZone       string            `json:"time_zone"`
	DefaultLang    string            `json:"default_lang"`
	Contact        contactJSON       `json:"contact"`
	BrandColor     string            `json:"brand_color"`
	AskCivilID     bool              `json:"ask_civil_id"`
	QueueClosed    bool              `json:"queue_while_closed"`
	TrackingPrefix string            `json:"tracking_prefix"`
	Status         string            `json:"status"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

type contactJSON struct {
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
	Website string `json:"website"`
}

func toTenantJSON(t tenant.Tenant) tenantJSON {
	return tenantJSON{
		ID: string(t.ID), Slug: t.Slug, RegionCode: t.RegionCode, Country: string(t.Country),
		Names: map[string]string{"id": t.NameID, "ja": t.NameJA, "en": t.NameEN}, TimeZone: t.TimeZone,
		DefaultLang: t.DefaultLang, Contact: contactJSON{t.ContactEmail, t.ContactPhone, t.Address, t.Website},
		BrandColor: t.BrandColor, AskCivilID: t.AskCivilID, QueueClosed: t.QueueWhileClosed, TrackingPrefix: t.TrackingPrefix, Status: t.Status, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(),
	}
}

func (s *Pages) apiTenants(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Tenants.List(r.Context(), true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[tenantJSON]{Items: []tenantJSON{}}
	for _, t := range ts {
		out.Items = append(out.Items, toTenantJSON(t))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Pages) apiTenant(w http.ResponseWriter, r *http.Request) {
	t, err := s.Tenants.BySlug(r.Context(), r.PathValue("slug"))
	u := web.UserOf(r)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !t.IsActive() && (u == nil || !u.Coordinator)) {
		s.Problem(w, r, http.StatusNotFound, "not_found", "problem.not_found")
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, toTenantJSON(t))
}

// tenantBody is the JSON a coordinator sends; absent fields keep their value
// on PATCH.
type tenantBody struct {
	Slug           *string           `json:"slug"`
	RegionCode     *string           `json:"region_code"`
	Names          map[string]string `json:"names"`
	DefaultLang    *string           `json:"default_lang"`
	Contact        *contactJSON      `json:"contact"`
	BrandColor     *string           `json:"brand_color"`
	AskCivilID     *bool             `json:"ask_civil_id"`
	QueueClosed    *bool             `json:"queue_while_closed"`
	TrackingPrefix *string           `json:"tracking_prefix"`
	Status         *string           `json:"status"`
}

func (b tenantBody) apply(in *tenant.Input) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Slug, b.Slug)
	set(&in.RegionCode, b.RegionCode)
	set(&in.DefaultLang, b.DefaultLang)
	set(&in.BrandColor, b.BrandColor)
	set(&in.TrackingPrefix, b.TrackingPrefix)
	for k, dst := range map[string]*string{"id": &in.NameID, "ja": &in.NameJA, "en": &in.NameEN} {
		if v, ok := b.Names[k]; ok {
			*dst = v
		}
	}
	if b.Contact != nil {
		in.ContactEmail, in.ContactPhone, in.Address, in.Website = b.Contact.Email, b.Contact.Phone, b.Contact.Address, b.Contact.Website
	}
	if b.AskCivilID != nil {
		in.AskCivilID = *b.AskCivilID
	}
	if b.QueueClosed != nil {
		in.QueueWhileClosed = *b.QueueClosed
	}
}

func (s *Pages) apiTenantCreate(w http.ResponseWriter, r *http.Request) {
	var b tenantBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	var in tenant.Input
	b.apply(&in)
	t, err := s.Tenants.Create(r.Context(), web.Actor(r), in)
	if !s.APIResult(w, r, renameTenantFields(err)) {
		return
	}
	w.Header().Set("Location", "/api/v1/tenants/"+t.Slug)
	web.WriteJSON(w, http.StatusCreated, toTenantJSON(t))
}

func (s *Pages) apiTenantUpdate(w http.ResponseWriter, r *http.Request) {
	old, err := s.Tenants.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, tenant.ErrNotFound) {
		s.Problem(w, r, http.StatusNotFound, "not_found", "problem.not_found")
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	var b tenantBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	// Check everything before changing anything: a PATCH is all or nothing.
	var errs validation.Errors
	if b.Slug != nil && *b.Slug != old.Slug {
		errs.Add("slug", "error.tenant.immutable")
	}
	if b.RegionCode != nil && *b.RegionCode != old.RegionCode {
		errs.Add("region_code", "error.tenant.immutable")
	}
	if b.Status != nil && *b.Status != tenant.Active && *b.Status != tenant.Suspended {
		errs.Add("status", "error.tenant.status")
	}
	if len(errs) > 0 {
		s.Invalid(w, r, errs)
		return
	}
	in := tenant.Input{NameID: old.NameID, NameJA: old.NameJA, NameEN: old.NameEN, DefaultLang: old.DefaultLang,
		ContactEmail: old.ContactEmail, ContactPhone: old.ContactPhone, Address: old.Address, Website: old.Website,
		BrandColor: old.BrandColor, AskCivilID: old.AskCivilID, QueueWhileClosed: old.QueueWhileClosed, TrackingPrefix: old.TrackingPrefix}
	b.apply(&in)
	t, err := s.Tenants.Update(r.Context(), web.Actor(r), old.Slug, in)
	if !s.APIResult(w, r, renameTenantFields(err)) {
		return
	}
	if b.Status != nil && *b.Status != t.Status {
		t, err = s.Tenants.SetStatus(r.Context(), web.Actor(r), t.Slug, *b.Status)
		if !s.APIResult(w, r, err) {
			return
		}
	}
	web.WriteJSON(w, http.StatusOK, toTenantJSON(t))
}

// renameTenantFields names invalid fields as the JSON body does.
func renameTenantFields(err error) error {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		return err
	}
	names := map[string]string{"region": "region_code", "contact_email": "contact.email", "name_id": "names"}
	out := make(validation.Errors, len(errs))
	for i, e := range errs {
		if n, ok := names[e.Field]; ok {
			e.Field = n
		}
		out[i] = e
	}
	return out
}

// apiTenantHome is a tenant's public face in the API; a suspended tenant
// answers 403 (loadTenant does it).
func (s *Pages) apiTenantHome(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	web.WriteJSON(w, http.StatusOK, toTenantJSON(*t))
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
}

func (s *Pages) apiToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if !s.ReadJSON(w, r, &req) {
		return
	}
	tok, exp, _, err := s.Identity.IssueToken(r.Context(), req.Email, req.Password, req.OTP, web.Actor(r).IP)
	switch {
	case errors.Is(err, identity.ErrBadLogin):
		s.Problem(w, r, http.StatusUnauthorized, "bad_credentials", "error.signin.bad")
	case errors.Is(err, identity.ErrThrottled):
		w.Header().Set("Retry-After", "900")
		s.Problem(w, r, http.StatusTooManyRequests, "throttled", "error.signin.throttled")
	case errors.Is(err, identity.ErrOTPRequired):
		s.Problem(w, r, http.StatusUnauthorized, "otp_required", "problem.otp_required")
	case errors.Is(err, identity.ErrBadOTP):
		s.Problem(w, r, http.StatusUnauthorized, "bad_otp", "error.otp.bad")
	case errors.Is(err, identity.ErrEnrolFirst):
		s.Problem(w, r, http.StatusForbidden, "totp_enrolment_required", "problem.totp_required")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.WriteJSON(w, http.StatusCreated, map[string]any{"token": tok, "token_type": "Bearer", "expires_at": exp})
	}
}

type membershipJSON struct {
	Tenant string `json:"tenant"`
	Role   string `json:"role"`
}

func (s *Pages) apiMe(w http.ResponseWriter, r *http.Request) {
	v := web.VisitorOf(r)
	ms := []membershipJSON{}
	for _, m := range v.Memberships {
		t, err := s.Tenants.ByID(r.Context(), m.TenantID)
		if err != nil {
			s.ServerError(w, r, fmt.Errorf("api: read tenant %s of a membership: %w", m.TenantID, err))
			return
		}
		ms = append(ms, membershipJSON{Tenant: t.Slug, Role: string(m.Role)})
	}
	u := v.User
	web.WriteJSON(w, http.StatusOK, map[string]any{
		"id": u.ID, "name": u.Name, "email": u.Email, "phone": u.Phone, "lang": u.Lang,
		"coordinator": u.Coordinator, "civil_id": u.CivilIDMasked, "memberships": ms,
	})
}

type staffJSON struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Roles []string `json:"roles"`
}

func (s *Pages) apiStaff(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	staff, err := s.Identity.Staff(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	out := web.List[staffJSON]{Items: []staffJSON{}}
	for _, m := range staff {
		j := staffJSON{ID: string(m.User.ID), Name: m.User.Name, Email: m.User.Email}
		for _, role := range m.Roles {
			j.Roles = append(j.Roles, string(role))
		}
		out.Items = append(out.Items, j)
	}
	web.WriteJSON(w, http.StatusOK, out)
}

type staffBody struct {
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Password string   `json:"password"`
	Lang     string   `json:"lang"`
	Roles    []string `json:"roles"`
}

func (s *Pages) apiStaffCreate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	var b staffBody
	if !s.ReadJSON(w, r, &b) {
		return
	}
	if b.Lang == "" {
		b.Lang = t.DefaultLang
	}
	u, err := s.Identity.CreateStaff(r.Context(), web.Actor(r), t.ID, identity.StaffInput{Name: b.Name, Email: b.Email, Password: b.Password, Lang: b.Lang, Roles: identity.RolesFrom(b.Roles)})
	if !s.APIResult(w, r, err) {
		return
	}
	web.WriteJSON(w, http.StatusCreated, staffJSON{ID: string(u.ID), Name: u.Name, Email: u.Email, Roles: b.Roles})
}
