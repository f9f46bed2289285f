package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
)

var start = time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)

func event(tenantID ids.Tenant, lang, number string) Event {
	return Event{
		Template: ApplicationSubmitted, TenantID: tenantID, RecipientID: ids.User(db.NewID()), To: "warga@example.id",
		Lang: lang, Related: "application:" + number,
		Data: map[string]string{"tracking_number": number, "service": "Akta Kelahiran", "url": "https://serambi.example/t/" + number},
	}
}

func queue(t *testing.T, d *db.DB, o *Outbox, e Event) string {
	t.Helper()
	var id string
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = o.Queue(context.Background(), tx, e)
		return err
	})
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	return id
}

func TestQueueStoresTheRenderedMessage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, tt := range []struct {
			smtp bool
			want string
		}{{true, Queued}, {false, Kept}} {
			o := NewOutbox(d, clock.NewFixed(start), tt.smtp)
			e := event(ids.Tenant(db.NewID()), "ja", "FUK-2026-000001")
			id := queue(t, d, o, e)
			m, err := o.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			subject, body, _ := Render(e)
			want := Message{ID: id, TenantID: e.TenantID, RecipientID: e.RecipientID, To: e.To, Lang: "ja",
				Template: ApplicationSubmitted, Subject: subject, Body: body, Related: e.Related, Status: tt.want,
				CreatedAt: start, UpdatedAt: start}
			if m.SentAt != nil || m.CreatedAt.Location() != time.UTC {
				t.Errorf("smtp=%v: sent_at %v, created_at %v", tt.smtp, m.SentAt, m.CreatedAt)
			}
			m.SentAt = nil
			if m != want {
				t.Errorf("smtp=%v:\n got %+v\nwant %+v", tt.smtp, m, want)
			}
		}
	})
}

func TestQueueRollsBackWithTheCaller(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o := NewOutbox(d, clock.NewFixed(start), true)
		tenantID := ids.Tenant(db.NewID())
		boom := errors.New("submission failed")
		var id string
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if id, err = o.Queue(ctx, tx, event(tenantID, "id", "BWI-2026-000001")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if _, err := o.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("message of a rolled-back transaction: %v", err)
		}
	})
}

func TestQueueRefuses(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o := NewOutbox(d, clock.NewFixed(start), true)
		noTenant := event("", "en", "A-1")
		noAddress := event(ids.Tenant(db.NewID()), "en", "A-1")
		noAddress.To = " "
		unknown := event(ids.Tenant(db.NewID()), "en", "A-1")
		unknown.Template = "birthday_greeting"
		for name, e := range map[string]Event{"no tenant": noTenant, "no address": noAddress, "unknown template": unknown} {
			err := d.InTx(context.Background(), func(tx *db.Tx) error {
				_, err := o.Queue(context.Background(), tx, e)
				return err
			})
			if err == nil {
				t.Errorf("%s: queued", name)
			}
		}
	})
}

func TestQueueRecordsTheLanguageUsed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o := NewOutbox(d, clock.NewFixed(start), false)
		m, err := o.Get(context.Background(), queue(t, d, o, event(ids.Tenant(db.NewID()), "fr", "A-1")))
		if err != nil {
			t.Fatal(err)
		}
		if m.Lang != "en" || !strings.Contains(m.Subject, "We received") {
			t.Errorf("lang %q subject %q, want the English fallback", m.Lang, m.Subject)
		}
	})
}

func TestListNewestFirstPerTenant(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewFixed(start)
		o := NewOutbox(d, c, false)
		a, b := ids.Tenant(db.NewID()), ids.Tenant(db.NewID())
		var wantA []string
		for i, n := range []string{"A-1", "A-2", "A-3"} {
			wantA = append([]string{queue(t, d, o, event(a, "id", n))}, wantA...)
			queue(t, d, o, event(b, "en", "B-"+n))
			if i == 0 {
				c.Advance(time.Minute)
			}
			// share a timestamp: the ID (time-ordered) breaks the tie.
		}
		got, err := o.List(ctx, a, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("List = %d messages, want 3", len(got))
		}
		for i, m := range got {
			if m.ID != wantA[i] || m.TenantID != a {
				t.Errorf("List[%d] = %s of tenant %s, want %s of %s", i, m.ID, m.TenantID, wantA[i], a)
			}
		}
		if got, _ := o.List(ctx, a, 2); len(got) != 2 || got[0].ID != wantA[0] {
			t.Errorf("List limit 2 = %d messages", len(got))
		}
		if got, _ := o.List(ctx, ids.Tenant(db.NewID()), 10); len(got) != 0 {
			t.Errorf("an unknown tenant sees %d messages", len(got))
		}
	})
}

func TestGetUnknown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o := NewOutbox(d, clock.NewFixed(start), true)
		for _, id := range []string{db.NewID(), "not-an-id", ""} {
			if _, err := o.Get(context.Background(), id); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(%q) = %v, want ErrNotFound", id, err)
			}
		}
	})
}
