package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

func TestAssistedApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		resident, officer := e.user(t, "Ibu Sari"), e.user(t, "Petugas Loket")
		off := officerOf(officer)
		a, err := e.apps.Create(e.ctx, off, s.tn, s.svc, application.Draft{ApplicantID: resident.ID, FilledBy: officer.ID, Lang: "id", Answers: complete()})
		if err != nil {
			t.Fatal(err)
		}
		// Not assisted: no code can be asked for.
		plain := e.draft(t, s, resident, complete())
		if _, _, err := e.apps.RequestConfirmation(e.ctx, off, s.tn, plain.ID, nil); !errors.Is(err, application.ErrNotAssisted) {
			t.Fatalf("code for a resident's own draft: %v", err)
		}
		var sent string
		send := func(_ context.Context, _ *db.Tx, got application.Application, code string) error {
			if got.ID != a.ID {
				t.Errorf("code sent for %s", got.ID)
			}
			sent = code
			return nil
		}
		if _, _, err := e.apps.RequestConfirmation(e.ctx, off, s.tn, a.ID, send); err != nil || len(sent) != 6 {
			t.Fatalf("request: %v, code %q", err, sent)
		}
		wrong := "000000"
		if sent == wrong {
			wrong = "111111"
		}
		if _, err := e.apps.Confirm(e.ctx, off, s.tn, s.svc, a.ID, wrong, false); !errors.Is(err, application.ErrBadCode) {
			t.Fatalf("wrong code: %v", err)
		}
		// A code expires.
		e.clk.Advance(application.ConfirmLifetime + time.Second)
		if _, err := e.apps.Confirm(e.ctx, off, s.tn, s.svc, a.ID, sent, false); !errors.Is(err, application.ErrBadCode) {
			t.Fatalf("expired code: %v", err)
		}
		if _, _, err := e.apps.RequestConfirmation(e.ctx, off, s.tn, a.ID, send); err != nil {
			t.Fatal(err)
		}
		done, err := e.apps.Confirm(e.ctx, off, s.tn, s.svc, a.ID, sent, false)
		if err != nil {
			t.Fatalf("confirm: %v", err)
		}
		if done.State != "submitted" || done.TrackingNumber == "" || done.FilledBy != officer.ID || done.ConfirmedBy != resident.ID {
			t.Fatalf("confirmed = state %s number %q filled %s confirmed %s", done.State, done.TrackingNumber, done.FilledBy, done.ConfirmedBy)
		}
		// The code is spent.
		if _, err := e.apps.Confirm(e.ctx, off, s.tn, s.svc, a.ID, sent, false); err == nil {
			t.Fatal("a code worked twice")
		}
		// The resident confirms another one in their own account.
		b, _ := e.apps.Create(e.ctx, off, s.tn, s.svc, application.Draft{ApplicantID: resident.ID, FilledBy: officer.ID, Lang: "id", Answers: complete()})
		got, err := e.apps.Confirm(e.ctx, residentOf(resident), s.tn, s.svc, b.ID, "", true)
		if err != nil || got.ConfirmedBy != resident.ID || got.State != "submitted" {
			t.Fatalf("confirm in account: %+v %v", got.State, err)
		}
		e.verifyAudit(t)
	})
}
