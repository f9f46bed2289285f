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

// TestSupporters: a resident applies (once), is approved, has training
// recorded, is assigned to a session, and logs time once it has begun;
// the month's hours add up. Assigning someone not approved, logging
// before the start or for a session one is not on, are refused.
func TestSupporters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.session(t, 10)
		vol := e.User(t, "volunteer")
		if err := e.st.ApplySupporter(e.Ctx, vol, e.tenant, vol.ID, "I like helping."); err != nil {
			t.Fatal(err)
		}
		if err := e.st.ApplySupporter(e.Ctx, vol, e.tenant, vol.ID, "again"); !errors.Is(err, classes.ErrAlreadyApplied) {
			t.Errorf("applying twice: %v", err)
		}
		if err := e.st.Assign(e.Ctx, e.officer, e.tenant, x.ID, vol.ID, classes.AssignedSupporter); !errors.Is(err, classes.ErrNotSupporter) {
			t.Errorf("assigning before approval: %v", err)
		}
		if err := e.st.DecideSupporter(e.Ctx, e.officer, e.tenant, vol.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := e.st.ApplySupporter(e.Ctx, vol, e.tenant, vol.ID, "Please, I took the course."); err != nil {
			t.Errorf("applying again after being declined: %v", err)
		}
		if err := e.st.DecideSupporter(e.Ctx, e.officer, e.tenant, vol.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.st.RecordTraining(e.Ctx, e.officer, e.tenant, vol.ID, "  Supporter basics (2 h)  "); err != nil {
			t.Fatal(err)
		}
		var verr validation.Errors
		if err := e.st.RecordTraining(e.Ctx, e.officer, e.tenant, vol.ID, " "); !errors.As(err, &verr) {
			t.Errorf("training without a topic: %v", err)
		}
		sup, err := e.st.Supporter(e.Ctx, e.tenant, vol.ID)
		if err != nil || sup.Status != classes.SupporterApproved || len(sup.Training) != 1 || sup.Training[0].Topic != "Supporter basics (2 h)" ||
			sup.Motivation != "Please, I took the course." {
			t.Fatalf("supporter = %+v, %v", sup, err)
		}
		if err := e.st.Assign(e.Ctx, e.officer, e.tenant, x.ID, vol.ID, classes.AssignedSupporter); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Assign(e.Ctx, e.officer, e.tenant, x.ID, e.officer.ID, classes.AssignedInstructor); err != nil {
			t.Fatal(err)
		}
		if err := e.st.LogHours(e.Ctx, vol, e.tenant, x.ID, vol.ID, 90); !errors.Is(err, classes.ErrHoursTooEarly) {
			t.Errorf("hours before the start: %v", err)
		}
		e.Clock.Advance(7*24*time.Hour + 2*time.Hour)
		if err := e.st.LogHours(e.Ctx, vol, e.tenant, x.ID, vol.ID, 0); !errors.As(err, &verr) {
			t.Errorf("0 minutes: %v", err)
		}
		if err := e.st.LogHours(e.Ctx, vol, e.tenant, x.ID, vol.ID, 120); err != nil {
			t.Fatal(err)
		}
		if err := e.st.LogHours(e.Ctx, vol, e.tenant, x.ID, vol.ID, 150); err != nil { // corrected
			t.Fatal(err)
		}
		stranger := e.User(t, "stranger")
		if err := e.st.LogHours(e.Ctx, stranger, e.tenant, x.ID, stranger.ID, 60); !errors.Is(err, classes.ErrNotAssigned) {
			t.Errorf("hours for a session one is not on: %v", err)
		}
		if ok, err := e.st.IsAssigned(e.Ctx, e.tenant, x.ID, vol.ID); err != nil || !ok {
			t.Errorf("is assigned: %v %v", ok, err)
		}
		hours, err := e.st.HoursIn(e.Ctx, e.tenant, x.StartsAt.Add(-time.Hour), x.StartsAt.Add(time.Hour))
		if err != nil || len(hours) != 1 || hours[0].UserID != vol.ID || hours[0].Minutes != 150 || hours[0].Sessions != 1 {
			t.Errorf("hours = %+v, %v; want the supporter's 150 minutes only", hours, err)
		}
		if err := e.st.Unassign(e.Ctx, e.officer, e.tenant, x.ID, vol.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := e.st.IsAssigned(e.Ctx, e.tenant, x.ID, vol.ID); ok {
			t.Error("still assigned after being taken off")
		}
		if err := e.st.DecideSupporter(e.Ctx, e.officer, e.Tenants["banyuwangi"].ID, vol.ID, true); !errors.Is(err, classes.ErrNotFound) {
			t.Errorf("deciding on them at another tenant: %v", err)
		}
	})
}
