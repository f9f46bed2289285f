package classes_test

import (
	"errors"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/validation"
)

// TestPracticeProgress: tries, misses and the first success add up per
// practiser, lesson and exercise; a lesson that does not offer the
// exercise, a lesson of another tenant and an unknown practiser are
// refused and record nothing.
func TestPracticeProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lesson := e.course.Lessons[0].ID
		me := classes.Practiser{LearnerID: e.User(t, "learner").ID}
		other := classes.Practiser{LearnerID: e.User(t, "learner").ID}
		for _, r := range []classes.Result{{Misses: 2}, {Done: true, Misses: 1}, {Misses: 4}} {
			if err := e.st.Record(e.Ctx, e.tenant, lesson, classes.Tap, me, r); err != nil {
				t.Fatalf("record %+v: %v", r, err)
			}
			e.Clock.Advance(time.Minute)
		}
		got, err := e.st.ProgressOf(e.Ctx, e.tenant, me)
		if err != nil {
			t.Fatal(err)
		}
		p := got[lesson][classes.Tap]
		if p.Tries != 3 || p.Misses != 7 || p.DoneAt == nil {
			t.Fatalf("progress = %+v, want 3 tries, 7 misses, done", p)
		}
		if want := e.Clock.Now().Add(-2 * time.Minute); !p.DoneAt.Equal(want) {
			t.Errorf("done at %v, want the first success %v", p.DoneAt, want)
		}
		refusals := []struct {
			name   string
			lesson string
			ex     classes.Exercise
			who    classes.Practiser
			want   error
		}{
			{"an exercise the lesson does not offer", lesson, classes.Pinch, me, classes.ErrNoExercise},
			{"a lesson with no exercises", e.course.Lessons[1].ID, classes.Tap, me, classes.ErrNoExercise},
			{"a lesson that does not exist", "01a2453e-0000-7000-8000-000000000000", classes.Tap, me, classes.ErrNotFound},
			{"no one", lesson, classes.Tap, classes.Practiser{}, classes.ErrNotPractiser},
			{"a learner and a guest at once", lesson, classes.Tap, classes.Practiser{LearnerID: me.LearnerID, GuestID: "x"}, classes.ErrNotPractiser},
		}
		for _, c := range refusals {
			if err := e.st.Record(e.Ctx, e.tenant, c.lesson, c.ex, c.who, classes.Result{Done: true}); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		var verr validation.Errors
		if err := e.st.Record(e.Ctx, e.tenant, lesson, classes.Tap, me, classes.Result{Misses: -1}); !errors.As(err, &verr) {
			t.Errorf("negative misses: %v, want a validation error", err)
		}
		if err := e.st.Record(e.Ctx, e.Tenants["banyuwangi"].ID, lesson, classes.Tap, me, classes.Result{Done: true}); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("the lesson through another tenant: %v, want not found", err)
		}
		if got, _ := e.st.ProgressOf(e.Ctx, e.tenant, me); got[lesson][classes.Tap].Tries != 3 || len(got) != 1 {
			t.Errorf("after the refusals: %+v, want only the 3 tries", got)
		}
		if got, _ := e.st.ProgressOf(e.Ctx, e.tenant, other); len(got) != 0 {
			t.Errorf("another learner's progress = %+v, want none", got)
		}
	})
}

// TestPracticeGuests: the session's practice code lets a guest in from an
// hour before it starts to a week after it ends; their progress is their
// own; a wrong code, a cancelled session's and a guest from another
// tenant are refused.
func TestPracticeGuests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 10) // in a week
		code := e.st.PracticeCode(x.ID)
		if _, _, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, code, "Sato"); !errors.Is(err, classes.ErrPracticeCode) {
			t.Fatalf("a week early: %v, want refused", err)
		}
		e.Clock.Advance(7*24*time.Hour - 30*time.Minute)
		token, g, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, fullWidth(code), " 佐藤 ")
		if err != nil {
			t.Fatalf("half an hour before, with the code in full-width digits: %v", err)
		}
		if g.SessionID != x.ID || g.Name != "佐藤" {
			t.Errorf("guest = %+v", g)
		}
		if _, _, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, wrongCode(code), ""); !errors.Is(err, classes.ErrPracticeCode) {
			t.Errorf("a wrong code: %v", err)
		}
		got, err := e.st.GuestByToken(e.Ctx, e.tenant, token)
		if err != nil || got.ID != g.ID {
			t.Fatalf("guest by token = %+v, %v", got, err)
		}
		if _, err := e.st.GuestByToken(e.Ctx, e.Tenants["banyuwangi"].ID, token); !errors.Is(err, classes.ErrNotPractiser) {
			t.Errorf("the token at another tenant: %v", err)
		}
		if _, err := e.st.GuestByToken(e.Ctx, e.tenant, g.ID); !errors.Is(err, classes.ErrNotPractiser) {
			t.Errorf("the stored hash used as a token: %v", err)
		}
		guest := classes.Practiser{GuestID: g.ID}
		if err := e.st.Record(e.Ctx, e.tenant, e.course.Lessons[0].ID, classes.Tap, guest, classes.Result{Done: true}); err != nil {
			t.Fatal(err)
		}
		if p, _ := e.st.ProgressOf(e.Ctx, e.tenant, guest); p[e.course.Lessons[0].ID][classes.Tap].DoneAt == nil {
			t.Errorf("guest progress = %+v", p)
		}
		e.Clock.Advance(30*time.Minute + 90*time.Minute + 7*24*time.Hour + time.Minute) // a week and a minute after the end
		if _, _, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, code, ""); !errors.Is(err, classes.ErrPracticeCode) {
			t.Errorf("a week after the end: %v, want refused", err)
		}
		if _, err := e.st.GuestByToken(e.Ctx, e.tenant, token); err != nil {
			t.Errorf("the guest's browser a week later: %v, want still in (30 days)", err)
		}
		e.Clock.Advance(30 * 24 * time.Hour)
		if _, err := e.st.GuestByToken(e.Ctx, e.tenant, token); !errors.Is(err, classes.ErrNotPractiser) {
			t.Errorf("after 30 days: %v, want expired", err)
		}
		y := e.session(t, 10)
		e.Clock.Advance(7*24*time.Hour - 30*time.Minute)
		if _, err := e.st.CancelSession(e.Ctx, e.officer, e.tenant, y.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, e.st.PracticeCode(y.ID), ""); !errors.Is(err, classes.ErrPracticeCode) {
			t.Errorf("a cancelled session's code: %v", err)
		}
	})
}

// TestPracticeMailbox: opening, the attachment and a reply are kept; each
// verdict is a try and a wrong one a miss; the mailbox is done only when
// every message is judged rightly; replying to a scam or opening an
// attachment that is not there is refused.
func TestPracticeMailbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lesson := e.course.Lessons[0].ID
		me := classes.Practiser{LearnerID: e.User(t, "learner").ID}
		act := func(key string, a classes.MailAction) classes.MailState {
			t.Helper()
			st, err := e.st.ActOnMail(e.Ctx, e.tenant, lesson, me, key, a)
			if err != nil {
				t.Fatalf("%s %+v: %v", key, a, err)
			}
			return st
		}
		reply := "ありがとう。かわいいね。"
		act("family", classes.MailAction{Open: true})
		act("family", classes.MailAction{OpenAttachment: true})
		if st := act("family", classes.MailAction{Reply: &reply}); !st.Opened || !st.AttachmentOpened || st.Reply != reply {
			t.Errorf("family = %+v", st)
		}
		// A scam taken for safe is a miss; changing the answer is allowed.
		if st := act("prize", classes.MailAction{Verdict: classes.VerdictSafe}); st.Right(mail(t, "prize")) {
			t.Error("a prize scam judged safe counts as right")
		}
		for _, m := range classes.Mails {
			verdict := classes.VerdictSafe
			if m.Scam {
				verdict = classes.VerdictScam
			}
			p, _ := e.st.ProgressOf(e.Ctx, e.tenant, me)
			if p[lesson][classes.Mailbox].DoneAt != nil {
				t.Fatalf("done before %s was judged", m.Key)
			}
			act(m.Key, classes.MailAction{Verdict: verdict})
		}
		p, _ := e.st.ProgressOf(e.Ctx, e.tenant, me)
		if got := p[lesson][classes.Mailbox]; got.DoneAt == nil || got.Tries != 6 || got.Misses != 1 {
			t.Errorf("mailbox progress = %+v, want done after 6 tries with 1 miss", got)
		}
		st, _ := e.st.Mailbox(e.Ctx, e.tenant, lesson, me)
		if st["family"].Reply != reply || st["bank"].Verdict != classes.VerdictScam {
			t.Errorf("mailbox = %+v", st)
		}
		scamReply := "口座番号は 1234 です"
		for name, c := range map[string]struct {
			key string
			a   classes.MailAction
		}{
			"replying to a scam":          {"bank", classes.MailAction{Reply: &scamReply}},
			"an attachment not there":     {"city", classes.MailAction{OpenAttachment: true}},
			"a message that is not there": {"lottery", classes.MailAction{Open: true}},
		} {
			if _, err := e.st.ActOnMail(e.Ctx, e.tenant, lesson, me, c.key, c.a); !errors.Is(err, classes.ErrNotFound) {
				t.Errorf("%s: %v, want not found", name, err)
			}
		}
		var verr validation.Errors
		if _, err := e.st.ActOnMail(e.Ctx, e.tenant, lesson, me, "city", classes.MailAction{Verdict: "maybe"}); !errors.As(err, &verr) {
			t.Errorf("verdict maybe: %v", err)
		}
		empty := "  "
		if _, err := e.st.ActOnMail(e.Ctx, e.tenant, lesson, me, "city", classes.MailAction{Reply: &empty}); !errors.As(err, &verr) {
			t.Errorf("an empty reply: %v", err)
		}
		if _, err := e.st.ActOnMail(e.Ctx, e.tenant, e.course.Lessons[1].ID, me, "city", classes.MailAction{Open: true}); !errors.Is(err, classes.ErrNoExercise) {
			t.Errorf("the mailbox of a lesson without one: %v", err)
		}
		if st, _ := e.st.Mailbox(e.Ctx, e.tenant, lesson, me); st["bank"].Reply != "" || st["city"].Verdict != classes.VerdictSafe {
			t.Errorf("the refusals changed the mailbox: %+v", st)
		}
	})
}

func mail(t *testing.T, key string) classes.Mail {
	t.Helper()
	m, ok := classes.MailByKey(key)
	if !ok {
		t.Fatalf("no practice message %q", key)
	}
	return m
}

// fullWidth writes ASCII digits as full-width ones, as a Japanese phone
// keyboard may type them.
func fullWidth(s string) string {
	r := []rune(s)
	for i, c := range r {
		if c >= '0' && c <= '9' {
			r[i] = c - '0' + '０'
		}
	}
	return string(r)
}

// wrongCode changes the last digit.
func wrongCode(code string) string {
	last := (code[len(code)-1]-'0'+1)%10 + '0'
	return code[:len(code)-1] + string(last)
}

// TestRemoveExpiredGuests: once a guest's token has expired, the guest and
// everything they left (practice, mailbox, a help request) go; a learner's
// practice and a guest still within their time stay.
func TestRemoveExpiredGuests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 5)
		e.Clock.Advance(7*24*time.Hour - 30*time.Minute)
		_, old, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, e.st.PracticeCode(x.ID), "old")
		if err != nil {
			t.Fatal(err)
		}
		lesson := e.course.Lessons[0].ID
		guest := classes.Practiser{GuestID: old.ID}
		learner := classes.Practiser{LearnerID: e.enrol(t, x).LearnerID}
		for _, p := range []classes.Practiser{guest, learner} {
			if err := e.st.Record(e.Ctx, e.tenant, lesson, classes.Tap, p, classes.Result{Done: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.st.ActOnMail(e.Ctx, e.tenant, lesson, p, "prize", classes.MailAction{Verdict: classes.VerdictScam}); err != nil {
				t.Fatal(err)
			}
		}
		e.Clock.Advance(time.Hour) // the class is on
		if _, err := e.st.AskHelp(e.Ctx, e.tenant, x.ID, guest, "old"); err != nil {
			t.Fatal(err)
		}
		if n, err := e.st.RemoveExpiredGuests(e.Ctx); err != nil || n != 0 {
			t.Fatalf("before expiry: %d, %v", n, err)
		}
		e.Clock.Advance(29 * 24 * time.Hour)
		_, fresh, err := e.st.StartGuest(e.Ctx, e.officer, e.tenant, e.st.PracticeCode(x.ID), "fresh")
		if err == nil {
			t.Fatalf("a code a month after the class still opened it: %+v", fresh)
		}
		e.Clock.Advance(2 * 24 * time.Hour)
		if n, err := e.st.RemoveExpiredGuests(e.Ctx); err != nil || n != 1 {
			t.Fatalf("after expiry: %d, %v; want 1", n, err)
		}
		for _, table := range []string{"practice_results", "practice_mail", "class_help"} {
			var n int
			if err := d.QueryRowContext(e.Ctx, "SELECT COUNT(*) FROM "+table+" WHERE guest_id = ?", old.ID).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s still holds %d rows of the expired guest (%v)", table, n, err)
			}
		}
		if p, _ := e.st.ProgressOf(e.Ctx, e.tenant, learner); p[lesson][classes.Tap].DoneAt == nil {
			t.Error("the learner's practice went with the guest's")
		}
		if st, _ := e.st.Mailbox(e.Ctx, e.tenant, lesson, learner); st["prize"].Verdict != classes.VerdictScam {
			t.Error("the learner's mailbox went with the guest's")
		}
		if err := e.st.ResetMailbox(e.Ctx, e.tenant, lesson, learner); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.st.Mailbox(e.Ctx, e.tenant, lesson, learner); len(st) != 0 {
			t.Errorf("after starting the mailbox again: %+v", st)
		}
		if p, _ := e.st.ProgressOf(e.Ctx, e.tenant, learner); p[lesson][classes.Mailbox].Tries != 1 {
			t.Errorf("starting again lost the record of tries: %+v", p[lesson][classes.Mailbox])
		}
	})
}
