package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/tenant"
)

// What a learner leaves in a twin, and how to find one person's part of
// it. The services and counters copied in stay (they are the city's);
// the audit trail stays (it is append-only, and says who practised), and
// so does the copy of the tenant's calendar.
//
// A test lists every table with a tenant_id and fails on one that holds a
// twin's rows after a sweep and is not here or among what stays.

// scope chooses what is removed: made before a time, or one person's.
type scope struct {
	before time.Time
	person ids.User // set: only this person's, of any age
}

// where is the condition for a table whose row is made at madeCol by
// personCol.
func (sc scope) where(madeCol, personCol string) (string, any) {
	if sc.person != "" {
		return personCol + " = ?", sc.person
	}
	return madeCol + " < ?", sc.before
}

// Sweep deletes, in every twin, what was made more than Keep ago, and
// returns how many applications, tickets, appointments and files went.
func (s *Service) Sweep(ctx context.Context) (_ int, err error) {
	defer wrapf(&err, "empty the practice twins")
	twins, err := s.tenants.Practices(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	before := s.clock.Now().UTC().Add(-Keep)
	for _, twin := range twins {
		n, err := s.clear(ctx, twin.ID, scope{before: before})
		total += n
		if err != nil {
			return total, fmt.Errorf("practice twin %s: %w", twin.Slug, err)
		}
	}
	return total, nil
}

// Finish deletes at once everything person did in twin: the learner said
// they have finished practising.
func (s *Service) Finish(ctx context.Context, twin tenant.Tenant, person ids.User) (_ int, err error) {
	defer wrapf(&err, "finish the practice of %s", person)
	if !twin.IsPractice() || person == "" {
		return 0, tenant.ErrNotFound // never a real tenant's data
	}
	return s.clear(ctx, twin.ID, scope{person: person})
}

// clear removes the files first (each with its bytes, through the
// document store), then the rows in one transaction, children first.
func (s *Service) clear(ctx context.Context, twinID ids.Tenant, sc scope) (int, error) {
	files, err := s.files(ctx, twinID, sc)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, id := range files {
		err := s.docs.Delete(ctx, audit.System, twinID, id)
		if err != nil && !errors.Is(err, document.ErrNotFound) {
			return removed, err
		}
		removed++
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		n, err := clearRows(ctx, tx, twinID, sc)
		removed += n
		return err
	})
	return removed, err
}

// files are the documents in scope: uploaded in it, or attached to an
// application in it.
func (s *Service) files(ctx context.Context, twinID ids.Tenant, sc scope) ([]ids.Document, error) {
	cond, arg := sc.where("created_at", "owner_id")
	appCond, appArg := sc.where("created_at", "applicant_id")
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM documents WHERE tenant_id = ? AND (`+cond+`
		OR application_id IN (SELECT id FROM applications WHERE tenant_id = ? AND `+appCond+`))`,
		twinID, arg, twinID, appArg)
	if err != nil {
		return nil, fmt.Errorf("list practice files: %w", err)
	}
	defer rows.Close()
	var out []ids.Document
	for rows.Next() {
		var id ids.Document
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// clearRows deletes the scope's rows, children before their parents.
func clearRows(ctx context.Context, tx *db.Tx, twinID ids.Tenant, sc scope) (int, error) {
	apps, appArg := sc.where("created_at", "applicant_id")
	appsIn := `SELECT id FROM applications WHERE tenant_id = ? AND ` + apps
	appts, apptArg := sc.where("created_at", "resident_id")
	apptsIn := `SELECT id FROM appointments WHERE tenant_id = ? AND ` + appts
	tickets, ticketArg := sc.where("created_at", "resident_id")
	mail, mailArg := sc.where("created_at", "recipient_id")
	members, memberArg := sc.where("created_at", "user_id")
	steps := []struct {
		sql   string
		args  []any
		count bool
	}{
		{`DELETE FROM application_events WHERE application_id IN (` + appsIn + `)`, []any{twinID, appArg}, false},
		{`DELETE FROM results WHERE application_id IN (` + appsIn + `)`, []any{twinID, appArg}, false},
		{`DELETE FROM applications WHERE tenant_id = ? AND ` + apps, []any{twinID, appArg}, true},
		{`DELETE FROM appointment_reminders WHERE appointment_id IN (` + apptsIn + `)`, []any{twinID, apptArg}, false},
		{`DELETE FROM appointments WHERE tenant_id = ? AND ` + appts, []any{twinID, apptArg}, true},
		{`DELETE FROM tickets WHERE tenant_id = ? AND ` + tickets, []any{twinID, ticketArg}, true},
		{`DELETE FROM messages WHERE tenant_id = ? AND ` + mail, []any{twinID, mailArg}, false},
		{`DELETE FROM memberships WHERE tenant_id = ? AND ` + members, []any{twinID, memberArg}, false},
	}
	n := 0
	for _, st := range steps {
		res, err := tx.ExecContext(ctx, st.sql, st.args...)
		if err != nil {
			return n, fmt.Errorf("clear practice rows (%s): %w", st.sql[:30], err)
		}
		if st.count {
			k, err := res.RowsAffected()
			if err != nil {
				return n, err
			}
			n += int(k)
		}
	}
	return n, nil
}
