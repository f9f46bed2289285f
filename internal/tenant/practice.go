package tenant

import (
	"context"
	"errors"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
)

// A practice twin is a hidden tenant beside a real one, where smartphone
// class learners apply for the real tenant's services and take a queue
// number without any of it reaching the city: being another tenant, it
// has its own applications, tracking sequence, queue, documents and (no)
// staff, and every store already keeps tenants apart. It is never listed
// or edited; it follows its real tenant's names, zone and contacts.

// PracticeSuffix ends a twin's slug ("banyuwangi-practice"); no real
// tenant's slug may end with it.
const PracticeSuffix = "-practice"

// practiceWord marks a practice tracking number in the country's language
// (BWI-LATIHAN-2026-000001): a real prefix has no hyphen, so a practice
// number can never be a real one.
func practiceWord(c region.Country) string {
	if c == region.Japan {
		return "RENSHU"
	}
	return "LATIHAN"
}

// Practice returns real's practice twin, making it on first use and
// bringing its names, zone, language, contacts and status up to date.
func (s *Service) Practice(ctx context.Context, actor audit.Actor, real Tenant) (_ Tenant, err error) {
	defer wrapf(&err, "open the practice twin of tenant %s", real.Slug)
	if real.IsPractice() {
		return real, nil
	}
	want := twinOf(real)
	old, err := scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM tenants WHERE practice_of = ?", real.ID))
	switch {
	case errors.Is(err, ErrNotFound):
		return s.createTwin(ctx, actor, real, want)
	case err != nil:
		return Tenant{}, err
	}
	want.ID, want.CreatedAt, want.UpdatedAt = old.ID, old.CreatedAt, old.UpdatedAt
	if sameTwin(old, want) {
		return old, nil
	}
	want.UpdatedAt = s.clock.Now()
	_, err = s.db.ExecContext(ctx, `UPDATE tenants SET name_id = ?, name_ja = ?, name_en = ?, time_zone = ?, default_lang = ?,
		contact_email = ?, contact_phone = ?, address = ?, website = ?, brand_color = ?, ask_civil_id = ?, status = ?,
		updated_at = ? WHERE id = ?`, want.NameID, want.NameJA, want.NameEN, want.TimeZone, want.DefaultLang, want.ContactEmail,
		want.ContactPhone, want.Address, want.Website, want.BrandColor, want.AskCivilID, want.Status, want.UpdatedAt, want.ID)
	s.cache.forget(want.Slug)
	return want, err
}

// twinOf is the twin real should have (without ID and times).
func twinOf(real Tenant) Tenant {
	t := real
	t.ID, t.PracticeOf = "", real.ID
	t.Slug = real.Slug + PracticeSuffix
	t.RegionCode = real.RegionCode + "/practice" // no directory code has a slash
	t.TrackingPrefix = real.TrackingPrefix + "-" + practiceWord(real.Country)
	// A learner can always take a practice number, whatever the hour.
	t.QueueWhileClosed = true
	return t
}

func sameTwin(a, b Tenant) bool {
	return a.NameID == b.NameID && a.NameJA == b.NameJA && a.NameEN == b.NameEN && a.TimeZone == b.TimeZone &&
		a.DefaultLang == b.DefaultLang && a.ContactEmail == b.ContactEmail && a.ContactPhone == b.ContactPhone &&
		a.Address == b.Address && a.Website == b.Website && a.BrandColor == b.BrandColor && a.AskCivilID == b.AskCivilID &&
		a.Status == b.Status
}

// createTwin inserts t; two learners opening practice at once both try,
// and the loser reads the winner's twin.
func (s *Service) createTwin(ctx context.Context, actor audit.Actor, real, t Tenant) (Tenant, error) {
	now := s.clock.Now()
	t.ID, t.CreatedAt, t.UpdatedAt = ids.Tenant(db.NewID()), now, now
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tenants (id, slug, region_code, country, name_id, name_ja, name_en,
			time_zone, default_lang, contact_email, contact_phone, address, website, brand_color, ask_civil_id, tracking_prefix,
			status, created_at, updated_at, queue_while_closed, practice_of)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			t.ID, t.Slug, t.RegionCode, string(t.Country), t.NameID, t.NameJA, t.NameEN, t.TimeZone, t.DefaultLang,
			t.ContactEmail, t.ContactPhone, t.Address, t.Website, t.BrandColor, t.AskCivilID, t.TrackingPrefix, t.Status,
			t.CreatedAt, t.UpdatedAt, t.QueueWhileClosed, t.PracticeOf)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // another request made it: read theirs below
		}
		return audit.Append(ctx, tx, entry(actor, real, "tenant.practice", audit.Say("audit.detail.tenant.practice", t.Slug)))
	})
	if err != nil {
		return Tenant{}, err
	}
	return scan(s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM tenants WHERE practice_of = ?", real.ID))
}

// Practices lists every practice twin (for the sweep that empties them).
func (s *Service) Practices(ctx context.Context) (_ []Tenant, err error) {
	defer wrapf(&err, "list the practice twins")
	return s.query(ctx, "SELECT "+columns+" FROM tenants WHERE practice_of <> '' ORDER BY slug")
}
