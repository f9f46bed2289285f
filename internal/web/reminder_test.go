package web_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/config"
)

// TestAppointmentReminders: the day before and the hour before, the
// resident gets an email in their language with the appointment as an
// .ics attachment, through a real SMTP server; each only once.
func TestAppointmentReminders(t *testing.T) {
	t.Parallel()
	box := &mailbox{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(box)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })

	// Friday 13 November 2026, 09:00 in Fukuoka.
	clk := clock.NewFixed(time.Date(2026, 11, 13, 0, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true, LogLevel: "info",
		BaseURL: "http://serambi.example", SMTPURL: "smtp://" + l.Addr().String() + "?from=serambi@fukuoka.example", TURNAddr: "off"}
	a, err := app.New(context.Background(), cfg, app.WithoutDemoVisitors(), app.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 5*time.Second)
		_ = a.Jobs.Stop(stop)
		done()
		cancel()
		a.Close()
	})
	ten, _ := a.Tenants.BySlug(ctx, "fukuoka")
	jst := ten.Location()
	u, _ := a.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	cs, _ := a.Counters.List(ctx, ten.ID, true)
	monday := time.Date(2026, 11, 16, 0, 0, 0, 0, jst)
	slots, err := a.Counters.Slots(ctx, ten, cs[0].ID, monday, monday.AddDate(0, 0, 1))
	if err != nil || len(slots) == 0 {
		t.Fatalf("Monday's slots: %v", err)
	}
	start := slots[0].Start.In(jst)
	if _, err := a.Counters.Book(ctx, audit.Actor{ID: u.ID}, ten, cs[0].ID, u.ID, start, ""); err != nil {
		t.Fatal(err)
	}
	// send runs the reminder job at at and counts the appointment
	// reminders it queued (the demo's classes have reminders of their own).
	send := func(at time.Time) int {
		t.Helper()
		count := func() (n int) {
			if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE template = ?`, "appointment_reminder").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		clk.Advance(at.Sub(clk.Now()))
		if _, err := a.SendReminders(ctx); err != nil {
			t.Fatal(err)
		}
		return count() - before
	}
	if n := send(start.Add(-25 * time.Hour)); n != 0 {
		t.Fatalf("25 hours before: %d reminders", n)
	}
	if n := send(start.Add(-24 * time.Hour)); n != 1 {
		t.Fatalf("24 hours before: %d reminders", n)
	}
	if n := send(start.Add(-23 * time.Hour)); n != 0 {
		t.Fatalf("the day reminder went twice: %d", n)
	}
	day := box.waitFor(t, "resident@fukuoka.demo", "明日")
	text, ics := reminderParts(t, day)
	if !strings.Contains(text, "2026年11月16日") || !strings.Contains(text, fmt.Sprintf("%d:%02d", start.Hour(), start.Minute())) || !strings.Contains(text, "http://serambi.example/fukuoka/appointments") {
		t.Fatalf("day reminder text:\n%s", text)
	}
	if !strings.Contains(ics, "BEGIN:VEVENT") || !strings.Contains(ics, "DTSTART:"+start.UTC().Format("20060102T150405Z")) {
		t.Fatalf("attached calendar:\n%s", ics)
	}
	if n := send(start.Add(-time.Hour)); n != 1 {
		t.Fatalf("an hour before: %d reminders", n)
	}
	box.waitFor(t, "resident@fukuoka.demo", "1時間後")
}

// reminderParts splits a multipart reminder into its text and its .ics.
func reminderParts(t *testing.T, m received) (string, string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.contentType)
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q: %v", m.contentType, err)
	}
	mr := multipart.NewReader(strings.NewReader(m.body), params["boundary"])
	var text, ics string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(p)
		body := string(raw)
		switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
		case "base64":
			body = decodeBase64Lines(body)
		case "quoted-printable":
			body = decodeQP(body)
		}
		if p.FileName() == "appointment.ics" {
			ics = body
		} else {
			text = body
		}
	}
	return text, ics
}
