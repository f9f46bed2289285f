package classes

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
)

// The practice mailbox: a handful of messages that arrive inside Serambi
// and never leave it. The learner opens them, replies to the ones from
// people they know, opens a photo attached to one, and says of each
// whether it is safe or a scam; after each answer the page explains the
// signs. The mailbox exercise is done when every message has been judged
// rightly (a wrong answer counts as a miss, and may be changed).

// Mail is one practice message; its words are in the message catalogs
// under practice.mail.<Key>.
type Mail struct {
	Key        string
	Scam       bool
	Attachment bool // carries a photo to open
	Replyable  bool // from someone the learner knows: practise replying
}

// Mails are the practice messages, newest first as a mailbox shows them.
var Mails = []Mail{
	{Key: "family", Attachment: true, Replyable: true},
	{Key: "prize", Scam: true},
	{Key: "city", Replyable: true},
	{Key: "bank", Scam: true},
	{Key: "tax", Scam: true},
}

// MailByKey finds a practice message.
func MailByKey(key string) (Mail, bool) {
	for _, m := range Mails {
		if m.Key == key {
			return m, true
		}
	}
	return Mail{}, false
}

// Verdicts on a practice message.
const (
	VerdictSafe = "safe"
	VerdictScam = "scam"
)

// maxReply is the longest practice reply kept.
const maxReply = 1000

// MailState is what a practiser did with one message.
type MailState struct {
	Opened, AttachmentOpened bool
	Verdict                  string // "", VerdictSafe or VerdictScam
	Reply                    string
}

// Right tells whether the verdict on m is the right one.
func (st MailState) Right(m Mail) bool {
	return st.Verdict != "" && (st.Verdict == VerdictScam) == m.Scam
}

// MailAction is one thing done in the mailbox.
type MailAction struct {
	Open, OpenAttachment bool
	Verdict              string
	Reply                *string
}

// Mailbox reads what p did in the mailbox of lessonID.
func (s *Store) Mailbox(ctx context.Context, tenantID ids.Tenant, lessonID string, p Practiser) (_ map[string]MailState, err error) {
	defer wrapf(&err, "read the practice mailbox of lesson %s", lessonID)
	return mailbox(ctx, s.db, tenantID, lessonID, p)
}

func mailbox(ctx context.Context, q db.Querier, tenantID ids.Tenant, lessonID string, p Practiser) (map[string]MailState, error) {
	rows, err := q.QueryContext(ctx, `SELECT message, opened_at, attachment_at, verdict, reply FROM practice_mail
		WHERE tenant_id = ? AND lesson_id = ? AND learner_id = ? AND guest_id = ?`, tenantID, lessonID, p.LearnerID, p.GuestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]MailState{}
	for rows.Next() {
		var key string
		var opened, attachment *time.Time
		var st MailState
		if err := rows.Scan(&key, &opened, &attachment, &st.Verdict, &st.Reply); err != nil {
			return nil, err
		}
		st.Opened, st.AttachmentOpened = opened != nil, attachment != nil
		out[key] = st
	}
	return out, rows.Err()
}

// ActOnMail records one action of p on message key in the mailbox of
// lessonID, in one transaction. A verdict is also a try of the mailbox
// exercise (a wrong one a miss); the try that leaves every message
// rightly judged completes it. It returns the message's state after.
func (s *Store) ActOnMail(ctx context.Context, tenantID ids.Tenant, lessonID string, p Practiser, key string, a MailAction) (_ MailState, err error) {
	defer wrapf(&err, "act on practice message %s in lesson %s", key, lessonID)
	m, ok := MailByKey(key)
	if !ok {
		return MailState{}, ErrNotFound
	}
	if !p.Known() {
		return MailState{}, ErrNotPractiser
	}
	if err := checkMailAction(m, &a); err != nil {
		return MailState{}, err
	}
	var st MailState
	now := s.clock.Now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lessonOffers(ctx, tx, tenantID, lessonID, Mailbox); err != nil {
			return err
		}
		if err := upsertMail(ctx, tx, now, tenantID, lessonID, p, key, a); err != nil {
			return err
		}
		all, err := mailbox(ctx, tx, tenantID, lessonID, p)
		if err != nil {
			return err
		}
		st = all[key]
		if a.Verdict == "" {
			return nil
		}
		r := Result{Done: allJudged(all)}
		if !st.Right(m) {
			r.Misses = 1
		}
		return record(ctx, tx, now, tenantID, lessonID, Mailbox, p, r)
	})
	return st, err
}

func checkMailAction(m Mail, a *MailAction) error {
	if a.Verdict != "" && a.Verdict != VerdictSafe && a.Verdict != VerdictScam {
		return validation.Errors{{Field: "verdict", Code: "error.field.choice"}}
	}
	if a.OpenAttachment && !m.Attachment {
		return ErrNotFound
	}
	if a.Reply != nil {
		r := strings.TrimSpace(*a.Reply)
		switch {
		case !m.Replyable:
			return ErrNotFound
		case r == "":
			return validation.Errors{{Field: "reply", Code: "error.field.required"}}
		case utf8.RuneCountInString(r) > maxReply:
			return validation.Errors{{Field: "reply", Code: "error.field.too_long", Args: []any{fmt.Sprint(maxReply)}}}
		}
		a.Reply = &r
	}
	return nil
}

func upsertMail(ctx context.Context, tx *db.Tx, now time.Time, tenantID ids.Tenant, lessonID string, p Practiser, key string, a MailAction) error {
	var attachment *time.Time
	if a.OpenAttachment {
		attachment = &now
	}
	reply := ""
	if a.Reply != nil {
		reply = *a.Reply
	}
	// Every action opens the message; the other columns keep what was
	// there unless this action sets them.
	_, err := tx.ExecContext(ctx, `INSERT INTO practice_mail (id, tenant_id, lesson_id, learner_id, guest_id, message,
		opened_at, attachment_at, verdict, reply, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (lesson_id, learner_id, guest_id, message) DO UPDATE SET
		opened_at = COALESCE(practice_mail.opened_at, excluded.opened_at),
		attachment_at = COALESCE(practice_mail.attachment_at, excluded.attachment_at),
		verdict = CASE WHEN excluded.verdict = '' THEN practice_mail.verdict ELSE excluded.verdict END,
		reply = CASE WHEN excluded.reply = '' THEN practice_mail.reply ELSE excluded.reply END,
		updated_at = excluded.updated_at`,
		db.NewID(), tenantID, lessonID, p.LearnerID, p.GuestID, key, now, attachment, a.Verdict, reply, now)
	return err
}

// allJudged: every message has its right verdict.
func allJudged(all map[string]MailState) bool {
	for _, m := range Mails {
		if !all[m.Key].Right(m) {
			return false
		}
	}
	return true
}
