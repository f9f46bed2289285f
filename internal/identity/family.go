package identity

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

// Family links: an older resident lets a family member act for them —
// book their appointments at the remote counter and join their video calls
// as a helper. The family member asks (naming the parent's email or
// phone); the parent approves in their own account; either can end it.
// Nothing is shared until the parent approves.

// Family link statuses.
const (
	FamilyAsked    = "asked"
	FamilyApproved = "approved"
	FamilyEnded    = "ended"
)

// FamilyLink is one link between two accounts.
type FamilyLink struct {
	HelperID, PersonID     ids.User
	ID, Status             string
	HelperName, PersonName string
	CreatedAt              time.Time
}

// Errors of family links.
var (
	ErrFamilySelf    = errors.New("cannot link an account to itself")
	ErrFamilyUnknown = errors.New("no account with that email or phone")
	ErrFamilyNotYour = errors.New("not your family link")
)

// AskFamily records helperID's request to act for the account found by
// login. Asking again returns the live link.
func (s *Service) AskFamily(ctx context.Context, actor audit.Actor, helperID ids.User, login string) (_ FamilyLink, err error) {
	defer wrapf(&err, "ask %s to help as family", helperID)
	person, err := s.ByLogin(ctx, login)
	if err != nil {
		return FamilyLink{}, ErrFamilyUnknown
	}
	if person.ID == helperID {
		return FamilyLink{}, ErrFamilySelf
	}
	var l FamilyLink
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if l, err = liveLink(ctx, tx, helperID, person.ID); !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		l = FamilyLink{ID: db.NewID(), HelperID: helperID, PersonID: person.ID, Status: FamilyAsked, CreatedAt: s.clock.Now().UTC()}
		if _, err := tx.ExecContext(ctx, `INSERT INTO family_links (id, helper_id, person_id, status, created_at)
			VALUES (?, ?, ?, ?, ?)`, l.ID, l.HelperID, l.PersonID, l.Status, l.CreatedAt); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "family.ask", "family:"+l.ID, "user:"+string(person.ID)))
	})
	if db.IsUniqueViolation(err) {
		return liveLink(ctx, s.db, helperID, person.ID)
	}
	return l, err
}

func liveLink(ctx context.Context, q db.Querier, helperID, personID ids.User) (FamilyLink, error) {
	var l FamilyLink
	err := q.QueryRowContext(ctx, `SELECT id, helper_id, person_id, status, created_at FROM family_links
		WHERE helper_id = ? AND person_id = ? AND status <> 'ended'`, helperID, personID).
		Scan(&l.ID, &l.HelperID, &l.PersonID, &l.Status, &l.CreatedAt)
	return l, err
}

// FamilyOf lists the live links where userID is either side, with names.
func (s *Service) FamilyOf(ctx context.Context, userID ids.User) (_ []FamilyLink, err error) {
	defer wrapf(&err, "list the family of user %s", userID)
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.helper_id, f.person_id, f.status, f.created_at, h.name, p.name
		FROM family_links f JOIN users h ON h.id = f.helper_id JOIN users p ON p.id = f.person_id
		WHERE (f.helper_id = ? OR f.person_id = ?) AND f.status <> 'ended' ORDER BY f.created_at`, userID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FamilyLink
	for rows.Next() {
		var l FamilyLink
		if err := rows.Scan(&l.ID, &l.HelperID, &l.PersonID, &l.Status, &l.CreatedAt, &l.HelperName, &l.PersonName); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ApproveFamily is the person's yes; only the person asked may give it.
func (s *Service) ApproveFamily(ctx context.Context, actor audit.Actor, personID ids.User, linkID string) (err error) {
	defer wrapf(&err, "approve family link %s of %s", linkID, personID)
	return s.changeFamily(ctx, actor, linkID, func(l FamilyLink) (string, error) {
		if l.PersonID != personID {
			return "", ErrFamilyNotYour
		}
		return FamilyApproved, nil
	})
}

// EndFamily ends the link; either side may.
func (s *Service) EndFamily(ctx context.Context, actor audit.Actor, userID ids.User, linkID string) (err error) {
	defer wrapf(&err, "end family link %s of %s", linkID, userID)
	return s.changeFamily(ctx, actor, linkID, func(l FamilyLink) (string, error) {
		if l.PersonID != userID && l.HelperID != userID {
			return "", ErrFamilyNotYour
		}
		return FamilyEnded, nil
	})
}

func (s *Service) changeFamily(ctx context.Context, actor audit.Actor, linkID string, decide func(FamilyLink) (string, error)) error {
	if !db.ValidID(linkID) {
		return ErrFamilyNotYour
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var l FamilyLink
		err := tx.QueryRowContext(ctx, `SELECT id, helper_id, person_id, status, created_at FROM family_links
			WHERE id = ? AND status <> 'ended'`, linkID).Scan(&l.ID, &l.HelperID, &l.PersonID, &l.Status, &l.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrFamilyNotYour
		}
		if err != nil {
			return err
		}
		status, err := decide(l)
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		q := `UPDATE family_links SET status = ?, ended_at = ? WHERE id = ?`
		if status == FamilyApproved {
			q = `UPDATE family_links SET status = ?, approved_at = ? WHERE id = ?`
		}
		if _, err := tx.ExecContext(ctx, q, status, now, l.ID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "family."+status, "family:"+l.ID, ""))
	})
}

// ActsFor tells whether helperID may act for personID (an approved link).
func (s *Service) ActsFor(ctx context.Context, helperID, personID ids.User) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM family_links WHERE helper_id = ? AND person_id = ?
		AND status = 'approved'`, helperID, personID).Scan(&n)
	return err == nil && n > 0
}
