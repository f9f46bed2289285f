package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/validation"
)

// Refusals of a moderation step, each a message key the page shows.
var (
	ErrNotYours      = errors.New("exchange.error.not_yours")     // another government's practice
	ErrNothingToSend = errors.New("exchange.error.nothing")       // no draft to submit
	ErrNotSubmitted  = errors.New("exchange.error.not_submitted") // no version waits for review
	ErrNeedComment   = errors.New("exchange.error.comment")       // returning without saying why
	ErrNotPublished  = errors.New("exchange.error.not_published") // retiring what is not published
)

// refusals are the errors whose text is a message key for the person
// refused: moderation's, replication's, events' and questions'.
var refusals = []error{ErrNotYours, ErrNothingToSend, ErrNotSubmitted, ErrNeedComment, ErrNotPublished, ErrNoQuestion,
	ErrOwnPractice, ErrRetired, ErrReplicating, ErrNoRepl, ErrStopReason, ErrNoteEmpty, ErrNotMentoring,
	ErrEventFull, ErrEventRegistered, ErrEventPast}

// Refusal is the message key of a refusal (one of the knowledge
// package's errors that says why a step cannot be taken); ok is false
// for any other error.
func Refusal(err error) (key string, ok bool) {
	for _, r := range refusals {
		if errors.Is(err, r) {
			return r.Error(), true
		}
	}
	return "", false
}

// Version is one version of a practice's content, with its review.
type Version struct {
	Number      int
	State       VersionState
	Body        Content
	AuthorLabel string
	Note        string // the editor's word on what changed
	Comment     string // the coordinator's, when returned
	CreatedAt   time.Time
	SubmittedAt time.Time
	DecidedAt   time.Time
	DecidedBy   string
}

// Government is who a practice belongs to: a tenant's region.
type Government struct {
	TenantID   ids.Tenant
	RegionCode string
	Country    region.Country
	Slug       string // the tenant's, for a new practice's slug
}

// Create starts a practice of gov as a draft (version 1). Only the
// draft's form is checked (lengths, formats): what it lacks is asked for
// when it is submitted.
func (s *Store) Create(ctx context.Context, actor audit.Actor, gov Government, c Content, note string) (_ Practice, err error) {
	defer wrap(&err, "create a practice of %s", gov.RegionCode)
	prepare(&c)
	if errs := draftProblems(c.Check(s.clock.Now())); len(errs) > 0 {
		return Practice{}, errs
	}
	now := s.now()
	p := Practice{ID: ids.Practice(db.NewID()), Country: gov.Country, RegionCode: gov.RegionCode, State: Unpublished, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		if p.Slug, err = s.freeSlug(ctx, tx, gov.Slug, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO practices (id, slug, country, region_code, state, looking_for_partners, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Slug, p.Country, p.RegionCode, p.State, false, now, now); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		if err := s.insertVersion(ctx, tx, actor, p.ID, 1, Draft, c, note); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.create", "practice:"+p.Slug, c.Title[c.Original]))
	})
	return p, err
}

// prepare fills what a writer need not choose.
func prepare(c *Content) {
	if c.Licence == "" {
		c.Licence = DefaultLicence
	}
	if c.Status == "" {
		c.Status = Unknown
	}
	if c.Origins == nil {
		c.Origins = map[string]Origin{}
	}
	for _, l := range Langs {
		switch {
		case c.Title[l] == "":
			delete(c.Origins, l)
		case l == c.Original:
			c.Origins[l] = Original
		case c.Origins[l] == "":
			c.Origins[l] = Translated
		}
	}
}

// draftProblems keeps the problems a draft may not have: what is there
// must be right, but it need not be all there yet.
func draftProblems(errs validation.Errors) validation.Errors {
	var out validation.Errors
	for _, e := range errs {
		if e.Code != "exchange.error.title_required" && e.Code != "exchange.error.tag_count" {
			out = append(out, e)
		}
	}
	return out
}

// freeSlug names a new practice after its government and its title in
// Latin letters, with a number when that is taken.
func (s *Store) freeSlug(ctx context.Context, tx *db.Tx, prefix string, c Content) (string, error) {
	title, _ := c.Title.In("en", "id")
	base := prefix + "-practice" // a title with no Latin letters
	if words := slugWords(title); words != "" {
		base = prefix + "-" + words
	}
	for n := 1; n < 1000; n++ {
		slug := base
		if n > 1 {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM practices WHERE slug = ?", slug).Scan(&taken); err != nil {
			return "", fmt.Errorf("check slug: %w", err)
		}
		if taken == 0 {
			return slug, nil
		}
	}
	return "", errors.New("no free slug")
}

// slugWords is the first words of a title as a slug part: small ASCII
// letters and digits, at most 40 characters.
func slugWords(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

func (s *Store) insertVersion(ctx context.Context, tx *db.Tx, actor audit.Actor, id ids.Practice, n int, st VersionState, c Content, note string) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO practice_versions (practice_id, number, state, body, author_id, author_label, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, n, st, string(body), actor.ID, actor.Label, note, s.now())
	if err != nil {
		return fmt.Errorf("insert version %d: %w", n, err)
	}
	return nil
}

// Owned loads a practice for its government's staff: ErrNotYours when
// gov is not the one it belongs to.
func (s *Store) Owned(ctx context.Context, gov Government, slug string) (Practice, error) {
	p, err := s.BySlug(ctx, slug)
	if err != nil {
		return p, err
	}
	if p.RegionCode != gov.RegionCode {
		return Practice{}, ErrNotYours
	}
	return p, nil
}

// Working is the version being written or reviewed (draft, submitted or
// returned), if there is one.
func (s *Store) Working(ctx context.Context, id ids.Practice) (_ Version, ok bool, err error) {
	defer wrap(&err, "load the working version of %s", id)
	vs, err := s.versions(ctx, s.db, id, "state IN ('draft', 'submitted', 'returned')")
	if err != nil || len(vs) == 0 {
		return Version{}, false, err
	}
	return vs[len(vs)-1], true, nil
}

// Versions is a practice's whole history, oldest first.
func (s *Store) Versions(ctx context.Context, id ids.Practice) (_ []Version, err error) {
	defer wrap(&err, "load the history of %s", id)
	return s.versions(ctx, s.db, id, "1 = 1")
}

func (s *Store) versions(ctx context.Context, q db.Querier, id ids.Practice, where string) ([]Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT number, state, body, author_label, note, comment, created_at, submitted_at, decided_at, decided_by
		FROM practice_versions WHERE practice_id = ? AND `+where+` ORDER BY number`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var body string
		var sub, dec sql.NullTime
		if err := rows.Scan(&v.Number, &v.State, &body, &v.AuthorLabel, &v.Note, &v.Comment, &v.CreatedAt, &sub, &dec, &v.DecidedBy); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &v.Body); err != nil {
			return nil, fmt.Errorf("read version %d: %w", v.Number, err)
		}
		v.CreatedAt, v.SubmittedAt, v.DecidedAt = v.CreatedAt.UTC(), sub.Time.UTC(), dec.Time.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// SaveDraft writes c as the practice's working version: into the draft
// (or the returned or submitted one, which goes back to being a draft),
// or a new draft beside the published version when there is none. The
// public keeps seeing the published version until a coordinator
// publishes the new one.
func (s *Store) SaveDraft(ctx context.Context, actor audit.Actor, gov Government, slug string, c Content, note string) (err error) {
	defer wrap(&err, "save a draft of %s", slug)
	prepare(&c)
	if errs := draftProblems(c.Check(s.clock.Now())); len(errs) > 0 {
		return errs
	}
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, w, ok, err := s.ownedForUpdate(ctx, tx, gov, slug)
		if err != nil {
			return err
		}
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if ok {
			_, err = tx.ExecContext(ctx, `UPDATE practice_versions SET state = 'draft', body = ?, note = ?, author_id = ?, author_label = ?, submitted_at = NULL
				WHERE practice_id = ? AND number = ?`, string(body), note, actor.ID, actor.Label, p.ID, w.Number)
		} else {
			err = s.insertVersion(ctx, tx, actor, p.ID, s.nextNumber(ctx, tx, p.ID), Draft, c, note)
		}
		if err != nil {
			return fmt.Errorf("write the draft: %w", err)
		}
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.draft", "practice:"+slug, c.Title[c.Original]))
	})
}

// ownedForUpdate loads the practice and its working version inside tx.
func (s *Store) ownedForUpdate(ctx context.Context, tx *db.Tx, gov Government, slug string) (Practice, Version, bool, error) {
	p, err := s.one(ctx, tx, "p.slug = ?", slug)
	if err != nil {
		return p, Version{}, false, err
	}
	if gov.RegionCode != "" && p.RegionCode != gov.RegionCode {
		return p, Version{}, false, ErrNotYours
	}
	vs, err := s.versions(ctx, tx, p.ID, "state IN ('draft', 'submitted', 'returned')")
	if err != nil || len(vs) == 0 {
		return p, Version{}, false, err
	}
	return p, vs[len(vs)-1], true, nil
}

func (s *Store) nextNumber(ctx context.Context, tx *db.Tx, id ids.Practice) int {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM practice_versions WHERE practice_id = ?", id).Scan(&n); err != nil {
		return 0 // the insert then fails on the primary key, and says so
	}
	return n
}

// Submit sends the working version to the network's coordinators. It
// must be whole now: a title in the original language, topics.
func (s *Store) Submit(ctx context.Context, actor audit.Actor, gov Government, slug string) (err error) {
	defer wrap(&err, "submit %s", slug)
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, w, ok, err := s.ownedForUpdate(ctx, tx, gov, slug)
		if err != nil {
			return err
		}
		if !ok || w.State == Submitted {
			return ErrNothingToSend
		}
		if errs := w.Body.Check(s.clock.Now()); len(errs) > 0 {
			return errs
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practice_versions SET state = 'submitted', submitted_at = ? WHERE practice_id = ? AND number = ?",
			s.now(), p.ID, w.Number); err != nil {
			return fmt.Errorf("mark submitted: %w", err)
		}
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.submit", "practice:"+slug, fmt.Sprintf("version %d", w.Number)))
	})
}

// Decide is a coordinator's review of the submitted version: publish it
// (the published one before it is kept as history), or return it with
// comments saying what to change.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, slug string, publish bool, comment string) (err error) {
	defer wrap(&err, "decide on %s", slug)
	comment = strings.TrimSpace(comment)
	if !publish && comment == "" {
		return ErrNeedComment
	}
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, w, ok, err := s.ownedForUpdate(ctx, tx, Government{}, slug)
		if err != nil {
			return err
		}
		if !ok || w.State != Submitted {
			return ErrNotSubmitted
		}
		now := s.now()
		state, action := Returned, "practice.return"
		if publish {
			state, action = Live, "practice.publish"
			if err := s.goLive(ctx, tx, p, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practice_versions SET state = ?, comment = ?, decided_at = ?, decided_by = ? WHERE practice_id = ? AND number = ?",
			state, comment, now, actor.Label, p.ID, w.Number); err != nil {
			return fmt.Errorf("record the decision: %w", err)
		}
		db.AfterCommit(ctx, s.library.invalidate)
		return audit.Append(ctx, tx, actor.Entry("", action, "practice:"+slug, fmt.Sprintf("version %d %s", w.Number, comment)))
	})
}

// goLive supersedes the published version and marks the practice
// published (a retired one stays retired: its update is for the record).
func (s *Store) goLive(ctx context.Context, tx *db.Tx, p Practice, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE practice_versions SET state = 'superseded' WHERE practice_id = ? AND state = 'published'", p.ID); err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	state := p.State
	if state == Unpublished {
		state = Published
	}
	_, err := tx.ExecContext(ctx, "UPDATE practices SET state = ?, updated_at = ?, published_at = COALESCE(published_at, ?) WHERE id = ?", state, now, now, p.ID)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return s.answerRequests(ctx, tx, p.ID)
}

// answerRequests closes the translation requests the version now
// published answers (it has their language).
func (s *Store) answerRequests(ctx context.Context, tx *db.Tx, id ids.Practice) error {
	var body string
	if err := tx.QueryRowContext(ctx, "SELECT body FROM practice_versions WHERE practice_id = ? AND state = 'submitted'", id).Scan(&body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return fmt.Errorf("read the version to publish: %w", err)
	}
	var c Content
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return err
	}
	for _, l := range Langs {
		if c.Title[l] == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM practice_translation_requests WHERE practice_id = ? AND lang = ?", id, l); err != nil {
			return fmt.Errorf("close translation requests: %w", err)
		}
	}
	return nil
}

// Retire takes a published practice out of the library's lists and
// search; its page stays, saying so, for those who link to it.
func (s *Store) Retire(ctx context.Context, actor audit.Actor, gov Government, slug string) (err error) {
	defer wrap(&err, "retire %s", slug)
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, _, _, err := s.ownedForUpdate(ctx, tx, gov, slug)
		if err != nil {
			return err
		}
		if p.State != Published {
			return ErrNotPublished
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practices SET state = 'retired', updated_at = ? WHERE id = ?", s.now(), p.ID); err != nil {
			return fmt.Errorf("retire: %w", err)
		}
		db.AfterCommit(ctx, s.library.invalidate)
		return audit.Append(ctx, tx, actor.Entry(gov.TenantID, "practice.retire", "practice:"+slug, ""))
	})
}

// Summary is a practice in a list for its editors or the coordinators:
// its public state and where its working version is.
type Summary struct {
	Practice
	Title   Words
	Working VersionState // "" when nothing is being written
	Since   time.Time    // when the working version was last saved or submitted
}

// OfGovernment lists every practice of gov, in every state.
func (s *Store) OfGovernment(ctx context.Context, regionCode string) (_ []Summary, err error) {
	defer wrap(&err, "list the practices of %s", regionCode)
	return s.summaries(ctx, "p.region_code = ?", regionCode)
}

// AwaitingReview lists the practices with a version submitted, oldest
// submission first.
func (s *Store) AwaitingReview(ctx context.Context) (_ []Summary, err error) {
	defer wrap(&err, "list the submissions")
	return s.summaries(ctx, "EXISTS (SELECT 1 FROM practice_versions w WHERE w.practice_id = p.id AND w.state = 'submitted')")
}

func (s *Store) summaries(ctx context.Context, where string, args ...any) ([]Summary, error) {
	list, err := s.list(ctx, s.db, where, args...)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(list))
	for _, p := range list {
		sum := Summary{Practice: p, Title: p.Live.Title}
		w, ok, err := s.Working(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			sum.Working, sum.Title, sum.Since = w.State, w.Body.Title, w.CreatedAt
			if !w.SubmittedAt.IsZero() {
				sum.Since = w.SubmittedAt
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// RequestTranslation records that a reader would like the practice in
// lang; asking twice counts once. A practice that has lang already
// needs no request.
func (s *Store) RequestTranslation(ctx context.Context, user ids.User, slug, lang string) (err error) {
	defer wrap(&err, "request %s in %s", slug, lang)
	return s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		p, err := s.one(ctx, tx, "p.slug = ?", slug)
		if err != nil {
			return err
		}
		if p.State != Published || p.Live.Title[lang] != "" {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM practice_translation_requests WHERE practice_id = ? AND lang = ? AND user_id = ?",
			p.ID, lang, user).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO practice_translation_requests (practice_id, lang, user_id, requested_at) VALUES (?, ?, ?, ?)",
			p.ID, lang, user, s.now())
		return err
	})
}

// TranslationRequest is how many readers asked for a practice in a
// language it does not have yet.
type TranslationRequest struct {
	Slug    string
	Title   Words
	Lang    string
	Readers int
}

// TranslationRequests lists the open requests for the practices of a
// government (regionCode), or of every government ("").
func (s *Store) TranslationRequests(ctx context.Context, regionCode string) (_ []TranslationRequest, err error) {
	defer wrap(&err, "list translation requests")
	rows, err := s.db.QueryContext(ctx, `SELECT p.slug, t.lang, COUNT(*) FROM practice_translation_requests t JOIN practices p ON p.id = t.practice_id
		WHERE (? = '' OR p.region_code = ?) GROUP BY p.slug, t.lang ORDER BY COUNT(*) DESC, p.slug, t.lang`, regionCode, regionCode)
	if err != nil {
		return nil, err
	}
	var out []TranslationRequest
	for rows.Next() {
		var r TranslationRequest
		if err := rows.Scan(&r.Slug, &r.Lang, &r.Readers); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if e, err := s.library.Get(ctx, out[i].Slug); err == nil {
			out[i].Title = e.Live.Title
			if e.Live.Title[out[i].Lang] != "" {
				out[i].Readers = 0 // answered in a version the library has, cleared at the next publish
			}
		}
	}
	return out, nil
}
