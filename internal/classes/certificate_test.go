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
