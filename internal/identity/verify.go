package identity

import (
	"context"
	"crypto/subtle"
	"strings"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// ConfirmsApplicant tells whether check matches what only the applicant is
// likely to know: the last four digits of their mobile number, or their
// birth date (YYYY-MM-DD) as held in their NIK. Public tracking needs it,
// because tracking numbers are sequential and easy to guess.
func (s *Service) ConfirmsApplicant(ctx context.Context, userID ids.User, check string) bool {
	check = strings.TrimSpace(validation.Narrow(check))
	if check == "" || len(check) > 20 {
		return false
	}
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return false
	}
	if len(check) == 4 && len(u.Phone) >= 4 {
		return subtle.ConstantTimeCompare([]byte(check), []byte(u.Phone[len(u.Phone)-4:])) == 1
	}
	if u.CivilIDKind != "nik" || u.civilSealed == "" {
		return false
	}
	nik, err := s.cipher.Open(u.civilSealed, "user.civil_id:"+string(u.ID))
	if err != nil {
		return false
	}
	info, err := ValidateNIK(nik, s.regions, s.clock.Now())
	return err == nil && info.BirthDate.Format("2006-01-02") == check
}

// NamesLike returns the IDs of users whose name contains q, for an
// officer's inbox search; the inbox itself filters by tenant.
func (s *Service) NamesLike(ctx context.Context, q string, limit int) (_ []string, err error) {
	defer wrapf(&err, "find users by name")
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	pattern := "%" + strings.NewReplacer("%", "", "_", "").Replace(strings.ToLower(q)) + "%"
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM users WHERE LOWER(name) LIKE ? LIMIT ?", pattern, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
