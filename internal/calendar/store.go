package calendar

import (
	"context"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/cache"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Store keeps each tenant's changes to its calendar (table tenant_calendar).
type Store struct {
	db       *db.DB
	cache    *cache.TTL[string, *Calendar]
	national *cache.TTL[string, National]
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store {
	return &Store{db: d, cache: cache.New[string, *Calendar](10*time.Second, 5000),
		national: cache.New[string, National](10*time.Second, 10)}
}

// Changes lists a tenant's own days in date order.
func (s *Store) Changes(ctx context.Context, tenantID ids.Tenant) (_ []Day, err error) {
	defer wrapf(&err, "read the calendar changes of tenant %s", tenantID)
	rows, err := s.db.QueryContext(ctx,
		`SELECT day, kind, name FROM tenant_calendar WHERE tenant_id = ? ORDER BY day`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var days []Day
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	return days, rows.Err()
}

// Set adds or replaces the tenant's change for d.Date. It takes the caller's
// transaction so the change and its audit entry commit together. Bad input
// comes back as validation.Errors (fields "date" and "kind").
func (s *Store) Set(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, d Day) (err error) {
	defer wrapf(&err, "set a calendar day of tenant %s", tenantID)
	defer s.cache.Forget()
	d.Name = strings.TrimSpace(d.Name)
	if err := d.validate().Err(); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tenant_calendar (tenant_id, day, kind, name) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name`,
		tenantID, d.Date, d.Kind, d.Name)
	return err
}

// Remove drops the tenant's change for date, restoring the national
// calendar for that day. Removing a day that has no change is not an error,
// so a repeated click does no harm.
func (s *Store) Remove(ctx context.Context, tx *db.Tx, tenantID ids.Tenant, date string) (err error) {
	defer wrapf(&err, "remove a calendar day of tenant %s", tenantID)
	defer s.cache.Forget()
	_, err = tx.ExecContext(ctx, `DELETE FROM tenant_calendar WHERE tenant_id = ? AND day = ?`, tenantID, date)
	return err
}

// For builds the calendar of a tenant: country's holidays with its changes.
func (s *Store) For(ctx context.Context, tenantID ids.Tenant, country string, loc *time.Location) (_ *Calendar, err error) {
	defer wrapf(&err, "read the calendar of tenant %s", tenantID)
	key := string(tenantID) + "|" + country + "|" + loc.String()
	if c, ok := s.cache.Get(key); ok {
		return c, nil
	}
	gen := s.cache.Generation()
	c, err := s.load(ctx, tenantID, country, loc)
	if err == nil {
		s.cache.Put(key, c, gen)
	}
	return c, err
}

func (s *Store) load(ctx context.Context, tenantID ids.Tenant, country string, loc *time.Location) (*Calendar, error) {
	changes, err := s.Changes(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	n, ok := s.national.Get(country)
	if !ok {
		gen := s.national.Generation()
		if n, err = s.National(ctx, country); err != nil {
			return nil, err
		}
		s.national.Put(country, n, gen)
	}
	return NewFrom(n, loc, changes), nil
}

func (d Day) validate() validation.Errors {
	var errs validation.Errors
	if !validDate(d.Date) {
		errs.Add("date", "error.calendar.date")
	}
	if d.Kind != Holiday && d.Kind != Workday {
		errs.Add("kind", "error.calendar.kind")
	}
	return errs
}

// Changed drops cached calendars; call it after the transaction that
// called Set or Remove commits, so no read in between keeps the old days.
func (s *Store) Changed() {
	s.cache.Forget()
	s.national.Forget()
}
