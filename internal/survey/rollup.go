package survey

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/ids"
)

// Filter narrows the sums read: every field "" means any.
type Filter struct {
	Template  string
	From, To  string // months "2006-01", inclusive
	ServiceID string
	UnitKind  string
	UnitID    string
	Channel   string
}

// Rollup is one month's sums for one service, unit and channel.
type Rollup struct {
	Period, Template, Channel, ServiceID, UnitKind, UnitID string
	Respondents                                            int
	Sum, Count                                             [Elements]int64
	Satisfied                                              [Items]int64
}

// Tally is the SKM tally of r.
func (r Rollup) Tally() Tally {
	return Tally{Respondents: r.Respondents, Sum: r.Sum, Count: r.Count}
}

// Tally5 is the counter survey's tally of r.
func (r Rollup) Tally5() Tally5 {
	t := Tally5{Respondents: r.Respondents, Satisfied: r.Satisfied}
	copy(t.Sum[:], r.Sum[:Items])
	copy(t.Count[:], r.Count[:Items])
	return t
}

// dims are the filter's conditions but its months.
func (f Filter) dims(tenantID ids.Tenant) ([]string, []any) {
	conds, args := []string{"tenant_id = ?"}, []any{tenantID}
	for _, c := range [][2]string{{"template", f.Template}, {"service_id", f.ServiceID}, {"unit_kind", f.UnitKind},
		{"unit_id", f.UnitID}, {"channel", f.Channel}} {
		if c[1] != "" {
			conds, args = append(conds, c[0]+" = ?"), append(args, c[1])
		}
	}
	return conds, args
}

// where builds the filter's conditions on tables kept by month.
func (f Filter) where(tenantID ids.Tenant) (string, []any) {
	conds, args := f.dims(tenantID)
	if f.From != "" {
		conds, args = append(conds, "period >= ?"), append(args, f.From)
	}
	if f.To != "" {
		conds, args = append(conds, "period <= ?"), append(args, f.To)
	}
	return strings.Join(conds, " AND "), args
}

// Rollups reads the monthly sums f selects, by month.
func (s *Store) Rollups(ctx context.Context, tenantID ids.Tenant, f Filter) ([]Rollup, error) {
	where, args := f.where(tenantID)
	rows, err := s.db.QueryContext(ctx, `SELECT period, template, channel, service_id, unit_kind, unit_id, respondents,
		s1, s2, s3, s4, s5, s6, s7, s8, s9, c1, c2, c3, c4, c5, c6, c7, c8, c9, t1, t2, t3, t4, t5
		FROM survey_rollups WHERE `+where+" ORDER BY period", args...)
	if err != nil {
		return nil, fmt.Errorf("survey: read the sums of %s: %w", tenantID, err)
	}
	defer rows.Close()
	var out []Rollup
	for rows.Next() {
		var r Rollup
		dest := []any{&r.Period, &r.Template, &r.Channel, &r.ServiceID, &r.UnitKind, &r.UnitID, &r.Respondents}
		for i := range r.Sum {
			dest = append(dest, &r.Sum[i])
		}
		for i := range r.Count {
			dest = append(dest, &r.Count[i])
		}
		for i := range r.Satisfied {
			dest = append(dest, &r.Satisfied[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("survey: read the sums of %s: %w", tenantID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("survey: read the sums of %s: %w", tenantID, err)
	}
	return out, nil
}

// Served counts the invitations f selects made from month From to month
// To (each counted in its month in the government's zone when it was
// made): everyone served through Serambi is invited, so this is the
// population the minimum sample is taken from.
func (s *Store) Served(ctx context.Context, tenantID ids.Tenant, f Filter, _ *time.Location) (int, error) {
	where, args := f.where(tenantID)
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COALESCE(SUM(invited), 0) FROM survey_invited WHERE "+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("survey: count those served by %s: %w", tenantID, err)
	}
	return n, nil
}

// Comment is one free comment and the month it was given in (a
// response keeps nothing finer of when).
type Comment struct {
	Month, Text string
}

// Comments lists limit of the free comments of the responses f selects
// from offset on, newest month first (within a month in the order of
// their random ids, which is stable from page to page and says nothing
// of who answered when), without anything else of the response, and how
// many there are in all.
func (s *Store) Comments(ctx context.Context, tenantID ids.Tenant, f Filter, limit, offset int) ([]Comment, int, error) {
	where, args := f.where(tenantID)
	where += " AND comment <> ''"
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM survey_responses WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("survey: count the comments of %s: %w", tenantID, err)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT period, comment FROM survey_responses WHERE "+where+
		" ORDER BY period DESC, id LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("survey: read the comments of %s: %w", tenantID, err)
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.Month, &c.Text); err != nil {
			return nil, 0, fmt.Errorf("survey: read the comments of %s: %w", tenantID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("survey: read the comments of %s: %w", tenantID, err)
	}
	return out, total, nil
}

// Own is the sum of the answers to one of the government's own
// questions.
type Own struct {
	Respondents int
	Total       int64
}

// Mean is the mean answer, ok false when nobody answered.
func (o Own) Mean() (float64, bool) {
	if o.Respondents == 0 {
		return 0, false
	}
	return float64(o.Total) / float64(o.Respondents), true
}

// OwnSums reads the sums of the government's own questions f selects,
// by question id (f.Template is not used: own questions follow the
// government).
func (s *Store) OwnSums(ctx context.Context, tenantID ids.Tenant, f Filter) (map[string]Own, error) {
	f.Template = ""
	where, args := f.where(tenantID)
	rows, err := s.db.QueryContext(ctx, "SELECT question_id, SUM(respondents), SUM(total) FROM survey_extra_rollups WHERE "+
		where+" GROUP BY question_id", args...)
	if err != nil {
		return nil, fmt.Errorf("survey: read the own questions' sums of %s: %w", tenantID, err)
	}
	defer rows.Close()
	out := map[string]Own{}
	for rows.Next() {
		var id string
		var o Own
		if err := rows.Scan(&id, &o.Respondents, &o.Total); err != nil {
			return nil, fmt.Errorf("survey: read the own questions' sums of %s: %w", tenantID, err)
		}
		out[id] = o
	}
	return out, rows.Err()
}
