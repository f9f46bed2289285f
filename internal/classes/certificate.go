package classes

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
	"github.com/serambi/serambi/internal/proof"
)

// Certificates: a learner who came to a class of a course and did every
// exercise its lessons offer has completed it, and may print a
// certificate whose QR code leads to the public verification page the
// results of services use.

// Need is one exercise a course asks for, and whether the learner did it.
type Need struct {
	LessonID string
	Lesson   Text
	Exercise Exercise
	Done     bool
}

// Completion is how far a learner is through a course.
type Completion struct {
	Attended int    // classes of the course the learner came to
	Needs    []Need // every exercise of its lessons, in order
}

// Complete: came to at least one class and did every exercise.
func (c Completion) Complete() bool {
	for _, n := range c.Needs {
		if !n.Done {
			return false
		}
	}
	return c.Attended > 0
}

// DoneCount is how many of the exercises are done.
func (c Completion) DoneCount() int {
	n := 0
	for _, x := range c.Needs {
		if x.Done {
			n++
		}
	}
	return n
}

// ErrNotComplete refuses a certificate for a course not yet completed.
var ErrNotComplete = errors.New("classes: the course is not completed")

// CertificateKind is the kind of paper a class certificate is.
const CertificateKind = "class_certificate"

// CertificateContent is everything printed on a certificate, stored as
// issued: a later edit of the course never changes an old paper.
type CertificateContent struct {
	Kind        string    `json:"kind"`
	Course      Text      `json:"course"`
	Level       Level     `json:"level"`
	Tenant      Text      `json:"tenant"`
	Holder      string    `json:"holder"`
	CompletedAt time.Time `json:"completed_at"`
	Attended    int       `json:"attended"`
	Exercises   int       `json:"exercises"`
	Langs       []string  `json:"langs"`
}

// Certificate is an issued certificate.
type Certificate struct {
	Code      string
	TenantID  ids.Tenant
	CourseID  ids.Course
	LearnerID ids.User
	Content   CertificateContent
	Digest    string
	IssuedAt  time.Time
	RevokedAt *time.Time
}

// Fingerprint is the digest as people read and compare it.
func (c Certificate) Fingerprint() string { return proof.Fingerprint(c.Digest) }

// Genuine recomputes the digest from the stored content.
func (c Certificate) Genuine() bool {
	d, err := proof.Digest(c.Content)
	return err == nil && d == c.Digest && c.RevokedAt == nil
}

// CourseCompletion reads how far learnerID is through course c.
func (s *Store) CourseCompletion(ctx context.Context, tenantID ids.Tenant, c Course, learnerID ids.User) (_ Completion, err error) {
	defer wrapf(&err, "read how far %s is through course %s", learnerID, c.ID)
	var out Completion
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrolments e JOIN class_sessions x ON x.id = e.session_id
		WHERE e.tenant_id = ? AND x.course_id = ? AND e.learner_id = ? AND e.attended_at IS NOT NULL`,
		tenantID, c.ID, learnerID).Scan(&out.Attended)
	if err != nil {
		return Completion{}, err
	}
	progress, err := s.ProgressOf(ctx, tenantID, Practiser{LearnerID: learnerID})
	if err != nil {
		return Completion{}, err
	}
	for _, l := range c.Lessons {
		for _, e := range l.Exercises {
			out.Needs = append(out.Needs, Need{LessonID: l.ID, Lesson: l.Title, Exercise: e, Done: progress[l.ID][e].DoneAt != nil})
		}
	}
	return out, nil
}

// IssueCertificate gives learnerID the certificate of course c, once it
// is completed (ErrNotComplete before): holder is the name printed,
// tenant the issuer's names, langs the languages printed. A learner has
// one certificate per course: asking again returns it.
func (s *Store) IssueCertificate(ctx context.Context, by audit.Actor, tenantID ids.Tenant, c Course, learnerID ids.User,
	holder string, tenant Text, langs []string) (_ Certificate, err error) {
	defer wrapf(&err, "issue the certificate of course %s to %s", c.ID, learnerID)
	if have, err := s.CertificateOf(ctx, tenantID, c.ID, learnerID); err == nil || !errors.Is(err, ErrNotFound) {
		return have, err
	}
	done, err := s.CourseCompletion(ctx, tenantID, c, learnerID)
	if err != nil {
		return Certificate{}, err
	}
	if !done.Complete() {
		return Certificate{}, ErrNotComplete
	}
	now := s.clock.Now().UTC()
	cert := Certificate{Code: proof.NewCode(), TenantID: tenantID, CourseID: c.ID, LearnerID: learnerID, IssuedAt: now,
		Content: CertificateContent{Kind: CertificateKind, Course: c.Title, Level: c.Level, Tenant: tenant, Holder: holder,
			CompletedAt: now, Attended: done.Attended, Exercises: len(done.Needs), Langs: langs}}
	if cert.Digest, err = proof.Digest(cert.Content); err != nil {
		return Certificate{}, err
	}
	raw, err := json.Marshal(cert.Content)
	if err != nil {
		return Certificate{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO class_certificates (code, tenant_id, course_id, learner_id, content, digest, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, cert.Code, tenantID, c.ID, learnerID, string(raw), cert.Digest, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(tenantID, "class.certificate", "course:"+c.Code,
			audit.Say("audit.detail.class.certificate", string(learnerID), cert.Code)))
	})
	if db.IsUniqueViolation(err) { // issued by a request at the same moment
		return s.CertificateOf(ctx, tenantID, c.ID, learnerID)
	}
	if err != nil {
		return Certificate{}, err
	}
	return cert, nil
}

const certificateColumns = "code, tenant_id, course_id, learner_id, content, digest, issued_at, revoked_at"

func scanCertificate(r interface{ Scan(...any) error }) (Certificate, error) {
	var c Certificate
	var raw string
	err := r.Scan(&c.Code, &c.TenantID, &c.CourseID, &c.LearnerID, &raw, &c.Digest, &c.IssuedAt, &c.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Certificate{}, ErrNotFound
	}
	if err != nil {
		return Certificate{}, err
	}
	if err := json.Unmarshal([]byte(raw), &c.Content); err != nil {
		return Certificate{}, fmt.Errorf("the stored content of certificate %s: %w", c.Code, err)
	}
	return c, nil
}

// CertificateOf is learnerID's certificate of courseID.
func (s *Store) CertificateOf(ctx context.Context, tenantID ids.Tenant, courseID ids.Course, learnerID ids.User) (_ Certificate, err error) {
	defer wrapf(&err, "read the certificate of course %s for %s", courseID, learnerID)
	return scanCertificate(s.db.QueryRowContext(ctx, "SELECT "+certificateColumns+
		" FROM class_certificates WHERE tenant_id = ? AND course_id = ? AND learner_id = ?", tenantID, courseID, learnerID))
}

// CertificateByCode finds a certificate for the public verification page.
func (s *Store) CertificateByCode(ctx context.Context, code string) (_ Certificate, err error) {
	defer wrapf(&err, "read certificate %s", code)
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != proof.CodeLength {
		return Certificate{}, ErrNotFound
	}
	return scanCertificate(s.db.QueryRowContext(ctx, "SELECT "+certificateColumns+" FROM class_certificates WHERE code = ?", code))
}
