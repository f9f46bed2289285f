package web_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/config"
)

// mailbox is a real SMTP server that keeps what it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	to, subject, body string
	contentType       string // of the whole message; bodies of multipart messages stay raw
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box *mailbox
	to  string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	body, _ := io.ReadAll(msg.Body)
	text := string(body)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		text = decodeBase64Lines(text)
	} else if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		text = decodeQP(text)
	}
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, received{to: s.to, subject: subject, body: text, contentType: msg.Header.Get("Content-Type")})
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

// waitFor returns the first message to `to` whose subject contains want.
func (m *mailbox) waitFor(t *testing.T, to, want string) received {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		m.mu.Lock()
		for _, msg := range m.msgs {
			if msg.to == to && strings.Contains(msg.subject, want) {
				m.mu.Unlock()
				return msg
			}
		}
		m.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email to %s with %q in the subject arrived; got %d others", to, want, len(m.msgs))
	return received{}
}

// TestEmailsArriveInTheResidentsLanguage runs the whole path: a submission
// and a send-back are queued in their transactions, the job queue delivers
// them to a real SMTP server, in Japanese for a Japanese resident.
func TestEmailsArriveInTheResidentsLanguage(t *testing.T) {
	box := &mailbox{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(box)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })

	dir := t.TempDir()
	httpSrv := httptest.NewUnstartedServer(nil)
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true, LogLevel: "info",
		BaseURL: "http://" + httpSrv.Listener.Addr().String(), SMTPURL: "smtp://" + l.Addr().String() + "?from=serambi@fukuoka.example"}
	a, err := app.New(context.Background(), cfg, app.WithoutDemoVisitors())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	httpSrv.Config.Handler = a.Handler()
	httpSrv.Start()
	t.Cleanup(func() {
		httpSrv.Close()
		stop, done := context.WithTimeout(context.Background(), 5*time.Second)
		_ = a.Jobs.Stop(stop)
		done()
		cancel()
		a.Close()
	})
	s := &site{app: a, srv: httpSrv}

	app := applicationIn(t, s, "fukuoka", "resident@fukuoka.demo")
	got := box.waitFor(t, "resident@fukuoka.demo", app.TrackingNumber)
	if !strings.Contains(got.body, "田中 一郎") || !strings.Contains(got.body, string("/fukuoka/applications/"+app.ID)) {
		t.Fatalf("submission email:\n%s\n%s", got.subject, got.body)
	}
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	page := "/fukuoka/applications/" + app.ID
	r := off.post(string(page+"/actions"), url.Values{"action": {"send_back"}, "version": {version(t, off.get(string(page)).body)},
		"comment": {"本人確認書類の写真が暗くて読めません"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("send back: %d", r.status)
	}
	back := box.waitFor(t, "resident@fukuoka.demo", "ご確認ください")
	if !strings.Contains(back.body, "本人確認書類の写真が暗くて読めません") {
		t.Fatalf("send-back email lacks the reason:\n%s", back.body)
	}
	// The outbox page shows both as sent.
	admin := s.browser(t)
	admin.signin("admin@fukuoka.demo")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(admin.get("/fukuoka/admin/outbox").body, "送信済み") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	mustContain(t, admin.get("/fukuoka/admin/outbox"), app.TrackingNumber, "送信済み")
}

func decodeBase64Lines(s string) string {
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(s))
	if err != nil {
		return s
	}
	return string(b)
}

func decodeQP(s string) string {
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(s)))
	if err != nil {
		return s
	}
	return string(b)
}
