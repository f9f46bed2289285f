package survey

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// Refusals, as message keys the pages show.
var (
	ErrLink     = errors.New("survey.error.link")     // forged, unknown or another government's
	ErrExpired  = errors.New("survey.error.expired")  // past its 30 days
	ErrAnswered = errors.New("survey.error.answered") // one response per invitation
	ErrMissing  = errors.New("survey.error.missing")  // a standard question not answered yet
	ErrProfile  = errors.New("survey.error.profile")  // an answer the profile question does not offer
	ErrComment  = errors.New("survey.error.comment")  // too long, or hidden characters
)

// Lifetime is how long an invitation can be answered.
const Lifetime = 30 * 24 * time.Hour

// MaxComment is the longest free comment, in characters.
const MaxComment = 2000

// Store keeps invitations, responses and their monthly sums.
type Store struct {
	db    *db.DB
	clock clock.Clock
	key   []byte
}

// NewStore derives the key of invitation links from the server's secret
// key (HKDF, its own label: a link proves nothing elsewhere).
func NewStore(d *db.DB, c clock.Clock, secret []byte) (*Store, error) {
	k, err := hkdf.Key(sha256.New, secret, nil, "serambi survey link", 32)
	if err != nil {
		return nil, fmt.Errorf("survey: derive the link key: %w", err)
	}
	return &Store{db: d, clock: c, key: k}, nil
}

// Invitation asks one person about one thing they were served.
type Invitation struct {
	ID         string
	TenantID   ids.Tenant
	Template   Template
	Channel    string
	Subject    string // what it is about, e.g. "application:<id>": one invitation each
	ServiceID  string
	UnitKind   string
	UnitID     string
	ResidentID ids.User // "" for a kiosk visit or a poster
	Draft      Draft
	Answered   bool
	CreatedAt  time.Time
	ExpiresAt  time.Time
	// Settings are the government's additions, read by Open: its own
	// questions and whether the comment is asked.
	Settings Settings
}

// Draft is what a respondent answered so far.
type Draft struct {
	Answers []int   `json:"a"` // by item; 0 not yet
	Profile Profile `json:"p"`
	Comment string  `json:"c"`
	// Extra are the answers to the government's own questions, by
	// question id; 0 when skipped (they are optional).
	Extra map[string]int `json:"x,omitempty"`
	// Reached is how many screens the respondent has passed (the pages
	// number them), so coming back from the link finds their place.
	Reached int `json:"r"`
}

// Answer records item's answer v (1..Scale).
func (d *Draft) Answer(t Template, item, v int) error {
	if item < 0 || item >= len(t.Items) || v < 1 || v > t.Scale {
		return ErrScale
	}
	if len(d.Answers) != len(t.Items) {
		d.Answers = append(d.Answers, make([]int, len(t.Items))...)[:len(t.Items)]
	}
	d.Answers[item] = v
	return nil
}

// AnswerExtra records the answer to the government's own question id
// (0 skips it).
func (d *Draft) AnswerExtra(t Template, id string, v int) error {
	if v < 0 || v > t.Scale || id == "" {
		return ErrScale
	}
	if d.Extra == nil {
		d.Extra = map[string]int{}
	}
	d.Extra[id] = v
	return nil
}

// SetProfile records who answered; every part may stay "".
func (d *Draft) SetProfile(p Profile) error {
	for _, q := range ProfileQuestions {
		if !validProfile(q, p.Get(q)) {
			return ErrProfile
		}
	}
	d.Profile = p
	return nil
}

// SetComment records the free comment, trimmed.
func (d *Draft) SetComment(s string) error {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxComment || validation.HasHiddenControls(s) || !utf8.ValidString(s) {
		return ErrComment
	}
	d.Comment = s
	return nil
}

// Next is the first item not answered yet, or len(Items) when all are.
func (d Draft) Next(t Template) int {
	for i := range t.Items {
		if i >= len(d.Answers) || d.Answers[i] == 0 {
			return i
		}
	}
	return len(t.Items)
}

// Token is the invitation's link token: its id and a MAC of it, so a
// link cannot be made up and nothing secret is stored.
func (s *Store) Token(id string) string {
	return id + "." + s.mac(id)
}

func (s *Store) mac(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// idOf checks token and returns the invitation id it names.
func (s *Store) idOf(token string) (string, error) {
	id, mac, ok := strings.Cut(token, ".")
	if !ok || !db.ValidID(id) || !hmac.Equal([]byte(mac), []byte(s.mac(id))) {
		return "", ErrLink
	}
	return id, nil
}

// Invite records an invitation in tx (the transaction of what it follows:
// a decision, a call's end). created is false when the subject was
// already invited (once per subject).
func (s *Store) Invite(ctx context.Context, tx *db.Tx, inv Invitation) (_ Invitation, created bool, err error) {
	now := s.clock.Now()
	inv.ID, inv.CreatedAt, inv.ExpiresAt = db.NewID(), now, now.Add(Lifetime)
	if inv.UnitKind == "" {
		inv.UnitKind = UnitTenant
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO survey_invitations (id, tenant_id, template, channel, subject, service_id,
		unit_kind, unit_id, resident_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, subject) DO NOTHING`,
		inv.ID, inv.TenantID, inv.Template.Code, inv.Channel, inv.Subject, inv.ServiceID, inv.UnitKind, inv.UnitID,
		inv.ResidentID, inv.CreatedAt, inv.ExpiresAt)
	if err != nil {
		return inv, false, fmt.Errorf("survey: invite for %s: %w", inv.Subject, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return inv, false, fmt.Errorf("survey: invite for %s: %w", inv.Subject, err)
	}
	if n == 0 {
		return inv, false, nil
	}
	var zone string
	if err := tx.QueryRowContext(ctx, `SELECT time_zone FROM tenants WHERE id = ?`, inv.TenantID).Scan(&zone); err != nil {
		return inv, false, fmt.Errorf("survey: the zone of %s: %w", inv.TenantID, err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return inv, false, fmt.Errorf("survey: the zone of %s: %w", inv.TenantID, err)
	}
	return inv, true, countInvited(ctx, tx, inv, now.In(loc).Format("2006-01"))
}

// countInvited adds an invitation to the month's count of those invited
// (the people served the sample is judged against).
func countInvited(ctx context.Context, tx *db.Tx, inv Invitation, period string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO survey_invited (tenant_id, period, template, channel, service_id, unit_kind, unit_id, invited)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (tenant_id, period, template, channel, service_id, unit_kind, unit_id) DO UPDATE SET invited = survey_invited.invited + 1`,
		inv.TenantID, period, inv.Template.Code, inv.Channel, inv.ServiceID, inv.UnitKind, inv.UnitID)
	if err != nil {
		return fmt.Errorf("survey: count the invitation about %s: %w", inv.Subject, err)
	}
	return nil
}

const invitationColumns = `id, tenant_id, template, channel, subject, service_id, unit_kind, unit_id, resident_id,
	draft, answered, created_at, expires_at`

func scanInvitation(row interface{ Scan(...any) error }) (Invitation, error) {
	var inv Invitation
	var template, draft string
	err := row.Scan(&inv.ID, &inv.TenantID, &template, &inv.Channel, &inv.Subject, &inv.ServiceID, &inv.UnitKind,
		&inv.UnitID, &inv.ResidentID, &draft, &inv.Answered, &inv.CreatedAt, &inv.ExpiresAt)
	if err != nil {
		return inv, err
	}
	var ok bool
	if inv.Template, ok = ByCode(template); !ok {
		return inv, fmt.Errorf("survey: invitation %s has unknown template %q", inv.ID, template)
	}
	if draft != "" {
		if err := json.Unmarshal([]byte(draft), &inv.Draft); err != nil {
			return inv, fmt.Errorf("survey: read the draft of invitation %s: %w", inv.ID, err)
		}
	}
	return inv, nil
}

// Open returns the invitation token names in tenantID, refused when the
// link is not one (ErrLink), was answered (ErrAnswered) or expired
// (ErrExpired).
func (s *Store) Open(ctx context.Context, tenantID ids.Tenant, token string) (Invitation, error) {
	return s.open(ctx, s.db, tenantID, token)
}

func (s *Store) open(ctx context.Context, q db.Querier, tenantID ids.Tenant, token string) (Invitation, error) {
	id, err := s.idOf(token)
	if err != nil {
		return Invitation{}, err
	}
	inv, err := scanInvitation(q.QueryRowContext(ctx, "SELECT "+invitationColumns+
		" FROM survey_invitations WHERE id = ? AND tenant_id = ?", id, tenantID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return inv, ErrLink
	case err != nil:
		return inv, fmt.Errorf("survey: open invitation %s: %w", id, err)
	case inv.Answered:
		return inv, ErrAnswered
	case !s.clock.Now().Before(inv.ExpiresAt):
		return inv, ErrExpired
	}
	inv.Settings, err = s.settingsIn(ctx, q, tenantID)
	return inv, err
}

// Change applies change to the draft of the invitation token names and
// keeps it, so a respondent who stops half way finds their answers.
func (s *Store) Change(ctx context.Context, tenantID ids.Tenant, token string, change func(*Draft) error) (Invitation, error) {
	var inv Invitation
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if inv, err = s.open(ctx, tx, tenantID, token); err != nil {
			return err
		}
		if err := change(&inv.Draft); err != nil {
			return err
		}
		draft, err := json.Marshal(inv.Draft)
		if err != nil {
			return fmt.Errorf("survey: keep the draft of %s: %w", inv.ID, err)
		}
		_, err = tx.ExecContext(ctx, "UPDATE survey_invitations SET draft = ? WHERE id = ? AND answered = ?", string(draft), inv.ID, false)
		if err != nil {
			return fmt.Errorf("survey: keep the draft of %s: %w", inv.ID, err)
		}
		return nil
	})
	return inv, err
}

// Submit turns the draft into the invitation's one response, counted in
// the month (in loc, the government's zone) it is sent. The invitation
// is marked answered by a conditional update in the same transaction, so
// of two submits at once exactly one counts; the draft leaves the
// invitation, and the response keeps no link to it.
func (s *Store) Submit(ctx context.Context, tenantID ids.Tenant, token string, loc *time.Location) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		inv, err := s.open(ctx, tx, tenantID, token)
		if err != nil {
			return err
		}
		if inv.Draft.Next(inv.Template) < len(inv.Template.Items) {
			return ErrMissing
		}
		res, err := tx.ExecContext(ctx, "UPDATE survey_invitations SET answered = ?, draft = '' WHERE id = ? AND answered = ?", true, inv.ID, false)
		if err != nil {
			return fmt.Errorf("survey: mark %s answered: %w", inv.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return fmt.Errorf("survey: mark %s answered: %w", inv.ID, err)
			}
			return ErrAnswered
		}
		period := s.clock.Now().In(loc).Format("2006-01")
		st, err := s.settingsIn(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		inv.Draft.Extra = keptExtra(inv.Draft.Extra, st.Questions)
		if err := s.insertResponse(ctx, tx, inv, period); err != nil {
			return err
		}
		if err := s.addExtraToRollups(ctx, tx, inv, period); err != nil {
			return err
		}
		return s.addToRollup(ctx, tx, inv, period)
	})
}

// keptExtra keeps the answers to questions still asked, skipped ones out.
func keptExtra(extra map[string]int, asked []Question) map[string]int {
	out := map[string]int{}
	for _, q := range asked {
		if v := extra[q.ID]; v > 0 {
			out[q.ID] = v
		}
	}
	return out
}

// addExtraToRollups adds the answers to the government's own questions
// to their month's sums.
func (s *Store) addExtraToRollups(ctx context.Context, tx *db.Tx, inv Invitation, period string) error {
	for id, v := range inv.Draft.Extra {
		_, err := tx.ExecContext(ctx, `INSERT INTO survey_extra_rollups (tenant_id, period, question_id, channel, service_id, unit_kind,
			unit_id, respondents, total) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
			ON CONFLICT (tenant_id, period, question_id, channel, service_id, unit_kind, unit_id) DO UPDATE
			SET respondents = survey_extra_rollups.respondents + 1, total = survey_extra_rollups.total + excluded.total`,
			inv.TenantID, period, id, inv.Channel, inv.ServiceID, inv.UnitKind, inv.UnitID, v)
		if err != nil {
			return fmt.Errorf("survey: add own question %s of %s to its month: %w", id, inv.ID, err)
		}
	}
	return nil
}

// randomID is a response's id: random, so it tells nothing of when the
// response came (a UUIDv7 would).
func randomID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func (s *Store) insertResponse(ctx context.Context, tx *db.Tx, inv Invitation, period string) error {
	var a [Elements]int
	copy(a[:], inv.Draft.Answers)
	p := inv.Draft.Profile
	extra := ""
	if len(inv.Draft.Extra) > 0 {
		raw, err := json.Marshal(inv.Draft.Extra)
		if err != nil {
			return fmt.Errorf("survey: keep the own answers of %s: %w", inv.ID, err)
		}
		extra = string(raw)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO survey_responses (id, tenant_id, template, channel, service_id, unit_kind, unit_id,
		period, a1, a2, a3, a4, a5, a6, a7, a8, a9, sex, age, education, occupation, comment, extra)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		randomID(), inv.TenantID, inv.Template.Code, inv.Channel, inv.ServiceID, inv.UnitKind, inv.UnitID, period,
		a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], p.Sex, p.Age, p.Education, p.Occupation, inv.Draft.Comment, extra)
	if err != nil {
		return fmt.Errorf("survey: store the response to %s: %w", inv.ID, err)
	}
	return nil
}

// addToRollup adds one response to its month's sums (an upsert both
// databases read the same way).
func (s *Store) addToRollup(ctx context.Context, tx *db.Tx, inv Invitation, period string) error {
	var sum, count [Elements]int
	var satisfied [Items]int
	for i, v := range inv.Draft.Answers {
		if i >= Elements || v == 0 {
			continue
		}
		sum[i], count[i] = v, 1
		if inv.Template.Scale == 5 && i < Items && v >= 4 {
			satisfied[i] = 1
		}
	}
	args := []any{inv.TenantID, period, inv.Template.Code, inv.Channel, inv.ServiceID, inv.UnitKind, inv.UnitID}
	for _, v := range sum {
		args = append(args, v)
	}
	for _, v := range count {
		args = append(args, v)
	}
	for _, v := range satisfied {
		args = append(args, v)
	}
	_, err := tx.ExecContext(ctx, rollupUpsert, args...)
	if err != nil {
		return fmt.Errorf("survey: add the response to %s's month: %w", inv.ID, err)
	}
	return nil
}

var rollupUpsert = func() string {
	cols := []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "t1", "t2", "t3", "t4", "t5"}
	sets := []string{"respondents = survey_rollups.respondents + 1"}
	for _, c := range cols {
		sets = append(sets, c+" = survey_rollups."+c+" + excluded."+c)
	}
	return `INSERT INTO survey_rollups (tenant_id, period, template, channel, service_id, unit_kind, unit_id, respondents, ` +
		strings.Join(cols, ", ") + `) VALUES (?, ?, ?, ?, ?, ?, ?, 1` + strings.Repeat(", ?", len(cols)) + `)
		ON CONFLICT (tenant_id, period, template, channel, service_id, unit_kind, unit_id) DO UPDATE SET ` + strings.Join(sets, ", ")
}()

// ForResident lists the invitations resident may still answer, newest
// first (their own pages show them).
func (s *Store) ForResident(ctx context.Context, tenantID ids.Tenant, resident ids.User) ([]Invitation, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+invitationColumns+` FROM survey_invitations
		WHERE tenant_id = ? AND resident_id = ? AND answered = ? AND expires_at > ? ORDER BY created_at DESC LIMIT 20`,
		tenantID, resident, false, s.clock.Now())
	if err != nil {
		return nil, fmt.Errorf("survey: invitations of %s: %w", resident, err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("survey: invitations of %s: %w", resident, err)
		}
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("survey: invitations of %s: %w", resident, err)
	}
	return out, nil
}

// BySubject returns the invitation about subject, if any (ok false).
func (s *Store) BySubject(ctx context.Context, tenantID ids.Tenant, subject string) (Invitation, bool, error) {
	inv, err := scanInvitation(s.db.QueryRowContext(ctx, "SELECT "+invitationColumns+
		" FROM survey_invitations WHERE tenant_id = ? AND subject = ?", tenantID, subject))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return inv, false, nil
	case err != nil:
		return inv, false, fmt.Errorf("survey: invitation about %s: %w", subject, err)
	}
	return inv, true, nil
}

// Record stores what was answered at a past time in one transaction: a
// new invitation about inv's subject, and, when d answers every standard
// question, its response added to the sums of its month (in loc) as
// Submit adds one. Without answers the invitation stays unanswered. For
// the demo's history and the benchmarks, which need months of answers
// counted the same way; a subject recorded before is left as it is.
func (s *Store) Record(ctx context.Context, inv Invitation, d Draft, at time.Time, loc *time.Location) error {
	answered := d.Next(inv.Template) == len(inv.Template.Items)
	for i, v := range d.Answers {
		if i >= len(inv.Template.Items) || v < 0 || v > inv.Template.Scale {
			return ErrScale
		}
	}
	if inv.UnitKind == "" {
		inv.UnitKind = UnitTenant
	}
	inv.ID, inv.Draft = db.NewID(), d
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO survey_invitations (id, tenant_id, template, channel, subject, service_id,
			unit_kind, unit_id, resident_id, answered, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, subject) DO NOTHING`,
			inv.ID, inv.TenantID, inv.Template.Code, inv.Channel, inv.Subject, inv.ServiceID, inv.UnitKind, inv.UnitID,
			inv.ResidentID, answered, at.UTC(), at.Add(Lifetime).UTC()) // in UTC, as every time stored (SQLite compares them as text)
		if err != nil {
			return fmt.Errorf("survey: record an invitation about %s: %w", inv.Subject, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		period := at.In(loc).Format("2006-01")
		if err := countInvited(ctx, tx, inv, period); err != nil || !answered {
			return err
		}
		if err := s.insertResponse(ctx, tx, inv, period); err != nil {
			return err
		}
		return s.addToRollup(ctx, tx, inv, period)
	})
}

// AtPoster starts an invitation for someone who scanned a poster's QR
// code at a counter or hall (people without email or an account): a new
// subject each time, about the unit (a counter, or the whole government
// when unitID is "").
func (s *Store) AtPoster(ctx context.Context, tenantID ids.Tenant, tpl Template, unitKind, unitID string) (Invitation, error) {
	var inv Invitation
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		inv, _, err = s.Invite(ctx, tx, Invitation{TenantID: tenantID, Template: tpl, Channel: Remote,
			Subject: "poster:" + db.NewID(), UnitKind: unitKind, UnitID: unitID})
		return err
	})
	return inv, err
}
