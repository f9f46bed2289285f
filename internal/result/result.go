// Package result issues what an approved application produces — a
// certificate or decision letter — and lets anyone verify it: each result
// has an unguessable code (in a QR code on the paper) and a fingerprint of
// its content, so a changed paper no longer matches the record.
package result

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/form"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/proof"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/workflow"
)

// Line is one fact on the document, in every language it is printed in.
type Line struct {
	Label form.Labels `json:"label"`
	Value form.Labels `json:"value"`
}

// Content is everything printed on the document. It is stored as issued,
// so later edits of the service or the tenant never change an old paper.
type Content struct {
	Kind           string      `json:"kind"`
	Title          form.Labels `json:"title"`
	Tenant         form.Labels `json:"tenant"`
	Service        form.Labels `json:"service"`
	TrackingNumber string      `json:"tracking_number"`
	Holder         string      `json:"holder"`
	DecidedAt      time.Time   `json:"decided_at"`
	Langs          []string    `json:"langs"` // the resident's and the tenant's language
	Lines          []Line      `json:"lines"`
}

// Result is an issued document.
type Result struct {
	Code          string
	TenantID      ids.Tenant
	ApplicationID ids.Application
	Content       Content
	Digest        string
	IssuedAt      time.Time
	RevokedAt     *time.Time
}

// Fingerprint is the digest as people can read and compare it.
func (r Result) Fingerprint() string { return proof.Fingerprint(r.Digest) }

// ErrNotFound is returned for an unknown code or application.
var ErrNotFound = errors.New("result not found")

// Issuer creates results when applications are approved.
type Issuer struct {
	db    *db.DB
	clock clock.Clock
	names func(ctx context.Context, q db.Querier, userID ids.User) (string, error)
}

// NewIssuer returns an issuer; names looks up a user's display name
// through the deciding transaction.
func NewIssuer(d *db.DB, c clock.Clock, names func(ctx context.Context, q db.Querier, userID ids.User) (string, error)) *Issuer {
	return &Issuer{db: d, clock: c, names: names}
}

// OnDecision implements application.DecisionHook: an approval issues the
// service's output inside the same transaction as the approval.
func (is *Issuer) OnDecision(ctx context.Context, tx *db.Tx, t tenant.Tenant, svc catalog.Service, a application.Application, outcome string) (err error) {
	defer wrapf(&err, "issue the result of a decision")
	if outcome != workflow.Approved {
		return nil
	}
	c, err := is.content(ctx, tx, t, svc, a)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	digest, err := proof.Digest(c)
	if err != nil {
		return err
	}
	code := proof.NewCode()
	_, err = tx.ExecContext(ctx, `INSERT INTO results (code, tenant_id, application_id, kind, content, digest, issued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, code, t.ID, a.ID, c.Kind, string(raw), digest, is.clock.Now())
	if err != nil {
		return err
	}
	return audit.Append(ctx, tx, audit.System.Entry(t.ID, "result.issue", "application:"+a.TrackingNumber, c.Kind+" "+code))
}

func (is *Issuer) content(ctx context.Context, q db.Querier, t tenant.Tenant, svc catalog.Service, a application.Application) (Content, error) {
	holder, err := is.names(ctx, q, a.ApplicantID)
	if err != nil {
		return Content{}, fmt.Errorf("result: the holder's name for application %s: %w", a.ID, err)
	}
	langs := []string{a.Lang}
	if t.DefaultLang != a.Lang {
		langs = append(langs, t.DefaultLang)
	}
	c := Content{Kind: svc.Output.Kind, Title: svc.Output.Labels, Service: svc.Names, TrackingNumber: a.TrackingNumber,
		Tenant: form.Labels{"id": t.NameID, "ja": t.NameJA, "en": t.NameEN}, Holder: holder,
		DecidedAt: is.clock.Now(), Langs: langs}
	for _, fd := range svc.Form.Visible(a.Answers) {
		if fd.Type == form.TypeFile || fd.Type == form.TypeMyNumber {
			continue // never print a My Number or a file reference on a public-facing paper
		}
		v := form.Labels{}
		for _, l := range langs {
			v[l] = svc.Form.Display(fd, a.Answers, l)
		}
		c.Lines = append(c.Lines, Line{Label: fd.Labels, Value: v})
	}
	return c, nil
}

const columns = "code, tenant_id, application_id, content, digest, issued_at, revoked_at"

func scan(r interface{ Scan(...any) error }) (Result, error) {
	var res Result
	var raw string
	var revoked sql.NullTime
	err := r.Scan(&res.Code, &res.TenantID, &res.ApplicationID, &raw, &res.Digest, &res.IssuedAt, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return res, ErrNotFound
	}
	if err != nil {
		return res, err
	}
	if revoked.Valid {
		res.RevokedAt = &revoked.Time
	}
	return res, json.Unmarshal([]byte(raw), &res.Content)
}

// ByCode finds a result for the public verification page.
func (is *Issuer) ByCode(ctx context.Context, code string) (_ Result, err error) {
	defer wrapf(&err, "read result %s", code)
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != proof.CodeLength {
		return Result{}, ErrNotFound
	}
	return scan(is.db.QueryRowContext(ctx, "SELECT "+columns+" FROM results WHERE code = ?", code))
}

// ForApplication finds the result of one of a tenant's applications.
func (is *Issuer) ForApplication(ctx context.Context, tenantID ids.Tenant, applicationID ids.Application) (_ Result, err error) {
	defer wrapf(&err, "read the result of application %s", applicationID)
	return scan(is.db.QueryRowContext(ctx, "SELECT "+columns+" FROM results WHERE tenant_id = ? AND application_id = ?", tenantID, applicationID))
}

// Genuine recomputes the fingerprint from the stored content, so a record
// edited in the database shows as altered too.
func (r Result) Genuine() bool {
	digest, err := proof.Digest(r.Content)
	return err == nil && digest == r.Digest && r.RevokedAt == nil
}

// QRCode renders url as a PNG QR code of about size pixels.
func QRCode(url string, size int) ([]byte, error) {
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	scaled, err := barcode.Scale(code, size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = png.Encode(&buf, scaled)
	return buf.Bytes(), err
}
