package classes_test

import (
	"errors"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

// TestCertificate: no certificate before the learner came to a class and
// did every exercise of the course; then one, the same on asking again,
// found by its code, genuine until its record is changed.
func TestCertificate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 5)
		en := e.enrol(t, x)
		me := classes.Practiser{LearnerID: en.LearnerID}
		lesson := e.course.Lessons[0].ID
		issue := func() (classes.Certificate, error) {
			return e.st.IssueCertificate(e.Ctx, e.officer, e.tenant, e.course, en.LearnerID, "木村 正",
				classes.Text{"ja": "福岡市", "en": "Fukuoka City"}, []string{"ja", "en"})
		}
		// Every exercise done, but never came to a class.
		for _, ex := range []classes.Exercise{classes.Tap, classes.Mailbox} {
			if err := e.st.Record(e.Ctx, e.tenant, lesson, ex, me, classes.Result{Done: ex == classes.Tap}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := issue(); !errors.Is(err, classes.ErrNotComplete) {
			t.Fatalf("before coming to a class, with the mailbox undone: %v", err)
		}
		e.Clock.Advance(7*24*time.Hour + 5*time.Minute)
		if _, err := e.st.MarkAttended(e.Ctx, e.officer, e.tenant, en.ID, true); err != nil {
			t.Fatal(err)
		}
		done, err := e.st.CourseCompletion(e.Ctx, e.tenant, e.course, en.LearnerID)
		if err != nil || done.Attended != 1 || done.DoneCount() != 1 || len(done.Needs) != 2 || done.Complete() {
			t.Fatalf("completion = %+v, %v; want came once, 1 of 2 exercises", done, err)
		}
		if _, err := issue(); !errors.Is(err, classes.ErrNotComplete) {
			t.Fatalf("with the mailbox undone: %v", err)
		}
		if err := e.st.Record(e.Ctx, e.tenant, lesson, classes.Mailbox, me, classes.Result{Done: true}); err != nil {
			t.Fatal(err)
		}
		cert, err := issue()
		if err != nil {
			t.Fatal(err)
		}
		if !cert.Genuine() || cert.Content.Holder != "木村 正" || cert.Content.Attended != 1 || cert.Content.Exercises != 2 || len(cert.Fingerprint()) != 19 {
			t.Errorf("certificate = %+v", cert)
		}
		again, err := issue()
		if err != nil || again.Code != cert.Code {
			t.Errorf("asking again: %s, %v; want %s", again.Code, err, cert.Code)
		}
		found, err := e.st.CertificateByCode(e.Ctx, " "+cert.Code+" ")
		if err != nil || found.Code != cert.Code || !found.Genuine() {
			t.Fatalf("by code: %+v, %v", found, err)
		}
		if _, err := e.st.CertificateByCode(e.Ctx, "AAAAAAAAAAAAAAAA"); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("an unknown code: %v", err)
		}
		if _, err := d.ExecContext(e.Ctx, `UPDATE class_certificates SET content = REPLACE(content, '木村 正', '林 久美子') WHERE code = ?`, cert.Code); err != nil {
			t.Fatal(err)
		}
		if changed, err := e.st.CertificateByCode(e.Ctx, cert.Code); err != nil || changed.Genuine() {
			t.Errorf("a changed record: genuine=%v, %v", changed.Genuine(), err)
		}
	})
}

// TestFiguresOfCompletionAgesAndStruggles: the month's certificates per
// course, the seated learners by the age band they gave (the waiting one
// left out), and the exercises with the most misses per try first.
func TestFiguresOfCompletionAgesAndStruggles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 2)
		var ens []classes.Enrolment
		for _, band := range []string{"70s", "", "80plus"} { // the third waits
			learner := e.User(t, "learner")
			en, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, learner.ID, classes.Questions{Phone: classes.PhoneAndroid, AgeBand: band})
			if err != nil {
				t.Fatal(err)
			}
			ens = append(ens, en)
		}
		learner := e.User(t, "learner")
		if _, err := e.st.Enrol(e.Ctx, learner, e.tenant, x.ID, learner.ID, classes.Questions{Phone: classes.PhoneAndroid, AgeBand: "90s"}); err == nil {
			t.Error("an age band that is not one of the list was taken")
		}
		e.Clock.Advance(7*24*time.Hour + time.Minute)
		lesson := e.course.Lessons[0].ID
		first := classes.Practiser{LearnerID: ens[0].LearnerID}
		second := classes.Practiser{LearnerID: ens[1].LearnerID}
		for _, r := range []struct {
			p  classes.Practiser
			ex classes.Exercise
			r  classes.Result
		}{
			{first, classes.Tap, classes.Result{Done: true}},
			{second, classes.Tap, classes.Result{Misses: 1}},
			{first, classes.Mailbox, classes.Result{Misses: 3}},
			{first, classes.Mailbox, classes.Result{Done: true, Misses: 1}},
		} {
			if err := e.st.Record(e.Ctx, e.tenant, lesson, r.ex, r.p, r.r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.st.MarkAttended(e.Ctx, e.officer, e.tenant, ens[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.IssueCertificate(e.Ctx, e.officer, e.tenant, e.course, ens[0].LearnerID, "A", classes.Text{"en": "City"}, []string{"en"}); err != nil {
			t.Fatal(err)
		}
		from, to := e.Clock.Now().Add(-30*24*time.Hour), e.Clock.Now().Add(24*time.Hour)
		figures, err := e.st.Figures(e.Ctx, e.tenant, from, to)
		if err != nil || len(figures) != 1 {
			t.Fatalf("figures: %+v, %v", figures, err)
		}
		f := figures[0]
		if f.Completed != 1 || f.Ages["70s"] != 1 || f.Ages[""] != 1 || f.Ages["80plus"] != 0 {
			t.Errorf("figures = %+v, want 1 certificate, one learner in their 70s and one not saying (the one in their 80s waits)", f)
		}
		hard, err := e.st.Struggles(e.Ctx, e.tenant, from, to, 10)
		if err != nil || len(hard) != 2 {
			t.Fatalf("struggles: %+v, %v", hard, err)
		}
		if hard[0].Exercise != classes.Mailbox || hard[0].Tries != 2 || hard[0].Misses != 4 || hard[0].Done != 1 || hard[0].MissesPerTry() != 2 {
			t.Errorf("hardest = %+v, want the mailbox: 4 misses in 2 tries", hard[0])
		}
		if hard[1].Exercise != classes.Tap || hard[1].Practisers != 2 || hard[1].Done != 1 {
			t.Errorf("second = %+v, want tap practised by 2, finished by 1", hard[1])
		}
		if later, _ := e.st.Struggles(e.Ctx, e.tenant, to, to.Add(24*time.Hour), 10); len(later) != 0 {
			t.Errorf("a month without practice: %+v", later)
		}
	})
}
