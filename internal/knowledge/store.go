package knowledge

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
)

// ErrNotFound: no practice has that slug (or it is not one the caller may
// see).
var ErrNotFound = errors.New("knowledge: practice not found")

// VersionState is where one version of a practice is in its review.
type VersionState string

const (
	Draft      VersionState = "draft"
	Submitted  VersionState = "submitted"
	Returned   VersionState = "returned"   // sent back with the coordinator's comments
	Live       VersionState = "published"  // what the public sees
	Superseded VersionState = "superseded" // published once, replaced by a later one
)

// Store keeps the practices and their versions, and the library readers
// search.
type Store struct {
	db      *db.DB
	clock   clock.Clock
	regions *region.Directory
	library *Library
	// onAnswer emails a question's answer to its asker (set by the app).
	onAnswer AnswerHook
	// activity counts this node's changes to replications, events and
	// questions, which pages about a practice show (see Activity).
	activity atomic.Int64
}

// Activity names the state of what this node changed around the
// practices (replications, events, questions): a practice's public page
// is cached under it, so a change made here shows at once. A change made
// on another node shows when the minute turns (the page's cache key
// holds the minute too).
func (s *Store) Activity() int64 { return s.activity.Load() }

// touched counts a change around the practices once it committed.
func (s *Store) touched(ctx context.Context) {
	db.AfterCommit(ctx, func() { s.activity.Add(1) })
}

// NewStore returns the store of d.
func NewStore(d *db.DB, c clock.Clock, regions *region.Directory) *Store {
	s := &Store{db: d, clock: c, regions: regions}
	s.library = newLibrary(s)
	return s
}

// Library is the published practices, searchable.
func (s *Store) Library() *Library { return s.library }

// BySlug loads a practice with its live content.
func (s *Store) BySlug(ctx context.Context, slug string) (_ Practice, err error) {
	defer wrap(&err, "load practice %q", slug)
	return s.one(ctx, s.db, "p.slug = ?", slug)
}

const practiceColumns = `p.id, p.slug, p.country, p.region_code, p.state, p.looking_for_partners,
	p.created_at, p.updated_at, p.published_at, COALESCE(v.number, 0), COALESCE(v.body, '')`

// practiceFrom joins each practice to its live version.
const practiceFrom = ` FROM practices p LEFT JOIN practice_versions v ON v.practice_id = p.id AND v.state = 'published'`

func (s *Store) one(ctx context.Context, q db.Querier, where string, args ...any) (Practice, error) {
	list, err := s.list(ctx, q, where, args...)
	if err != nil {
		return Practice{}, err
	}
	if len(list) == 0 {
		return Practice{}, ErrNotFound
	}
	return list[0], nil
}

func (s *Store) list(ctx context.Context, q db.Querier, where string, args ...any) ([]Practice, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+practiceColumns+practiceFrom+" WHERE "+where+" ORDER BY p.slug", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Practice
	for rows.Next() {
		p, err := scanPractice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func scanPractice(rows *sql.Rows) (Practice, error) {
	var p Practice
	var published sql.NullTime
	var body string
	err := rows.Scan(&p.ID, &p.Slug, &p.Country, &p.RegionCode, &p.State, &p.LookingForPartners,
		&p.CreatedAt, &p.UpdatedAt, &published, &p.LiveVersion, &body)
	if err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt, p.PublishedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC(), published.Time.UTC()
	if body != "" {
		if err := json.Unmarshal([]byte(body), &p.Live); err != nil {
			return p, fmt.Errorf("read version %d of %s: %w", p.LiveVersion, p.Slug, err)
		}
	}
	return p, nil
}

// Published lists every published practice in slug order, and the
// retired ones (whose pages stay, saying so).
func (s *Store) Published(ctx context.Context) (_ []Practice, err error) {
	defer wrap(&err, "list published practices")
	return s.list(ctx, s.db, "p.state IN (?, ?)", string(Published), string(Retired))
}

// stamp says whether the practices changed: their number and the last
// change. It is cheap (an index read), so a library asks before each
// search whether to rebuild.
func (s *Store) stamp(ctx context.Context) (n int, last time.Time, err error) {
	// Not MAX(updated_at): SQLite answers an aggregate as text, not a time.
	err = s.db.QueryRowContext(ctx, "SELECT updated_at FROM practices ORDER BY updated_at DESC LIMIT 1").Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, fmt.Errorf("knowledge: read the library's last change: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM practices").Scan(&n); err != nil {
		return 0, time.Time{}, fmt.Errorf("knowledge: count the practices: %w", err)
	}
	return n, last.UTC(), nil
}

// publish makes content the practice's live version (a new one, the old
// superseded), creating the practice when it is new. changed is false
// when the live content already says exactly this.
func (s *Store) publish(ctx context.Context, tx *db.Tx, actor audit.Actor, p Practice, c Content, note string) (changed bool, err error) {
	body, err := json.Marshal(c)
	if err != nil {
		return false, err
	}
	now := s.clock.Now().UTC().Truncate(time.Microsecond)
	if p.ID == "" {
		p.ID = ids.Practice(db.NewID())
		if _, err := tx.ExecContext(ctx, `INSERT INTO practices (id, slug, country, region_code, state, looking_for_partners, created_at, updated_at, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Slug, p.Country, p.RegionCode, Published, p.LookingForPartners, now, now, now); err != nil {
			return false, fmt.Errorf("insert practice: %w", err)
		}
	} else {
		var live string
		err := tx.QueryRowContext(ctx, "SELECT body FROM practice_versions WHERE practice_id = ? AND state = 'published'", p.ID).Scan(&live)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("read the live version: %w", err)
		}
		if bytes.Equal([]byte(live), body) {
			return false, nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practice_versions SET state = 'superseded' WHERE practice_id = ? AND state = 'published'", p.ID); err != nil {
			return false, fmt.Errorf("supersede the live version: %w", err)
		}
		state := p.State
		if state == Unpublished {
			state = Published
		}
		if _, err := tx.ExecContext(ctx, `UPDATE practices SET country = ?, region_code = ?, state = ?, updated_at = ?,
			published_at = COALESCE(published_at, ?) WHERE id = ?`, p.Country, p.RegionCode, state, now, now, p.ID); err != nil {
			return false, fmt.Errorf("update practice: %w", err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM practice_versions WHERE practice_id = ?", p.ID).Scan(&n); err != nil {
		return false, fmt.Errorf("number the version: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO practice_versions (practice_id, number, state, body, author_id, author_label, note, created_at, submitted_at, decided_at, decided_by)
		VALUES (?, ?, 'published', ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, n, string(body), actor.ID, actor.Label, note, now, now, now, actor.Label)
	if err != nil {
		return false, fmt.Errorf("insert version %d: %w", n, err)
	}
	for _, l := range Langs {
		if c.Title[l] == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM practice_translation_requests WHERE practice_id = ? AND lang = ?", p.ID, l); err != nil {
			return false, fmt.Errorf("close translation requests: %w", err)
		}
	}
	db.AfterCommit(ctx, s.library.invalidate)
	return true, nil
}

// wrap prefixes a failure with what was being done.
func wrap(err *error, format string, args ...any) {
	if *err != nil && !errors.Is(*err, ErrNotFound) {
		*err = fmt.Errorf("knowledge: "+format+": %w", append(args, *err)...)
	}
}

// write runs fn in one transaction whose AfterCommit work (telling the
// library) runs only once it committed.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx *db.Tx) error) error {
	return s.db.Atomically(ctx, func(ctx context.Context) error {
		return s.db.InTx(ctx, func(tx *db.Tx) error { return fn(ctx, tx) })
	})
}
