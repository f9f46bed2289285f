package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/tenant"
)

// Why a copy from a practice was refused (message keys).
var (
	ErrNotRun       = errors.New("exchange.error.not_run")       // the practice does not run that on Serambi
	ErrOriginAbsent = errors.New("exchange.error.origin_absent") // its government is not on Serambi (any more)
	ErrAlreadyHave  = errors.New("exchange.error.already_have")  // the adopter has a service with that code
)

// CopyRefusal is the message key of a copy's own refusal (not replicating
// is knowledge.Refusal's); ok is false for any other error.
func CopyRefusal(err error) (string, bool) {
	for _, e := range []error{ErrNotRun, ErrOriginAbsent, ErrAlreadyHave} {
		if errors.Is(err, e) {
			return e.Error(), true
		}
	}
	return "", false
}

// CopyFromPractice gives the adopter its own copy of what the practice
// it replicates runs on Serambi at its origin — a smartphone course or an
// online service, a remote counter's set-up — unpublished (a counter
// switched off), for the adopter to adapt (URBACT's
// "adapt" before "re-use"). Only a replicating tenant may, and only what
// the practice names.
func (f *Flows) CopyFromPractice(ctx context.Context, actor audit.Actor, adopter *tenant.Tenant, slug string, run knowledge.Run) (code string, err error) {
	err = f.atomically(ctx, "copy from practice "+slug, func(ctx context.Context) error {
		if _, err := f.practices.ReplicationOf(ctx, adopter.ID, slug); err != nil {
			return err
		}
		p, err := f.practices.BySlug(ctx, slug)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Live.Runs, run) {
			return ErrNotRun
		}
		origin, err := f.tenants.ByRegion(ctx, p.RegionCode)
		if errors.Is(err, tenant.ErrNotFound) {
			return ErrOriginAbsent
		}
		if err != nil {
			return err
		}
		switch run.Kind {
		case "course":
			c, err := f.classes.CopyPracticeCourse(ctx, actor, adopter.ID, origin.ID, run.Code)
			if errors.Is(err, classes.ErrNotFound) {
				return ErrOriginAbsent
			}
			code = c.Code
			return err
		case "service":
			code = run.Code
			return f.copyService(ctx, actor, adopter, origin, run.Code)
		case "counter":
			code = run.Code
			return f.copyCounter(ctx, actor, adopter, origin, run.Code)
		}
		return ErrNotRun
	})
	return code, err
}

// copyCounter copies the origin's counter set-up (names, meeting length,
// buffers, seats, weekly hours) switched off, for the adopter to give it
// officers and open it.
func (f *Flows) copyCounter(ctx context.Context, actor audit.Actor, adopter *tenant.Tenant, origin tenant.Tenant, code string) error {
	ours, err := f.counters.List(ctx, adopter.ID, false)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(ours, func(c counter.Counter) bool { return c.Code == code }) {
		return ErrAlreadyHave
	}
	theirs, err := f.counters.List(ctx, origin.ID, false)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(theirs, func(c counter.Counter) bool { return c.Code == code })
	if i < 0 {
		return ErrOriginAbsent
	}
	c := theirs[i]
	plan, err := f.counters.Plan(ctx, c.ID)
	if err != nil {
		return err
	}
	_, err = f.counters.Save(ctx, actor, adopter.ID, counter.Counter{Code: c.Code, Names: c.Names, SlotMinutes: c.SlotMinutes,
		BufferBefore: c.BufferBefore, BufferAfter: c.BufferAfter, Capacity: c.Capacity}, plan, nil)
	return err
}

// copyService copies the origin's service definition (form, documents,
// workflow, fees) through its export, unpublished.
func (f *Flows) copyService(ctx context.Context, actor audit.Actor, adopter *tenant.Tenant, origin tenant.Tenant, code string) error {
	if _, err := f.services.ByCode(ctx, adopter.ID, code); err == nil {
		return ErrAlreadyHave
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return err
	}
	svc, err := f.services.ByCode(ctx, origin.ID, code)
	if errors.Is(err, catalog.ErrNotFound) {
		return ErrOriginAbsent
	}
	if err != nil {
		return err
	}
	raw, err := catalog.Export(svc)
	if err != nil {
		return err
	}
	copied, err := catalog.Import(raw)
	if err != nil {
		return err
	}
	copied.Published = false
	_, err = f.services.Save(ctx, actor, adopter.ID, copied)
	return err
}

// PracticeAnswered emails the answer to a question about a good practice
// to the staff member who asked, in their language (a
// knowledge.AnswerHook).
func (n *Notices) PracticeAnswered(ctx context.Context, tx *db.Tx, q knowledge.Question) error {
	u, ok, err := n.recipient(ctx, tx, q.AskerID)
	if !ok {
		return err
	}
	origin, err := n.tenants.ByRegion(ctx, q.RegionCode)
	if err != nil {
		return fmt.Errorf("flow: the government answering about %s: %w", q.Slug, err)
	}
	title, _ := q.Title.In(u.Lang)
	return n.send(ctx, tx, notify.Event{Template: notify.PracticeAnswered, TenantID: q.TenantID, RecipientID: u.ID, To: u.Email, Lang: u.Lang,
		Related: "practice:" + q.Slug, Data: map[string]string{"name": u.Name, "practice": title, "government": origin.Name(u.Lang), "question": q.Body,
			"answer": q.Answer, "answered_by": q.AnsweredBy, "url": n.baseURL + "/exchange/practices/" + q.Slug + "#questions"}})
}
