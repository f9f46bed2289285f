package e2e

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/emersion/go-smtp"
)

// mailWait is how long a test waits for an email: the app queues it in the
// transaction that causes it and a job delivers it, within a second or two.
const mailWait = 15 * time.Second

// mailbox is a real SMTP server on 127.0.0.1 that the shared app sends its
// emails to (config.Config.SMTPURL). It keeps every message it is given,
// decoded, for the tests to look through.
type mailbox struct {
	srv  *smtp.Server
	addr string

	mu   sync.Mutex
	msgs []email
}

// email is one received message, decoded.
type email struct {
	To      []string // envelope recipients
	Subject string   // RFC 2047 decoded
	Lang    string   // Content-Language
	CTE     string   // Content-Transfer-Encoding as sent
	Body    string   // decoded per CTE
	Problem string   // why the message could not be decoded as sent, if it could not
}

func (m email) String() string {
	return fmt.Sprintf("to %s, %q (Content-Language %q, %s)", strings.Join(m.To, ", "), m.Subject, m.Lang, m.CTE)
}

// startMailbox listens on a free port of 127.0.0.1.
func startMailbox() (*mailbox, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	box := &mailbox{addr: l.Addr().String()}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	box.srv = srv
	go func() { _ = srv.Serve(l) }()
	return box, nil
}

func (b *mailbox) Close() error { return b.srv.Close() }

// NewSession implements smtp.Backend.
func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: b}, nil }

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	m := email{To: s.to, Lang: msg.Header.Get("Content-Language"), CTE: msg.Header.Get("Content-Transfer-Encoding")}
	var problems []string
	m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		problems = append(problems, "subject: "+err.Error())
		m.Subject = msg.Header.Get("Subject")
	}
	if _, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type")); err != nil || !strings.EqualFold(params["charset"], "utf-8") {
		problems = append(problems, fmt.Sprintf("Content-Type %q, want a utf-8 charset", msg.Header.Get("Content-Type")))
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(m.CTE)) {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
		if err != nil {
			problems = append(problems, "base64 body: "+err.Error())
		}
		m.Body = string(b)
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw))))
		if err != nil {
			problems = append(problems, "quoted-printable body: "+err.Error())
		}
		m.Body = string(b)
	case "", "7bit", "8bit":
		m.Body = string(raw)
	default:
		problems = append(problems, "unknown Content-Transfer-Encoding "+m.CTE)
		m.Body = string(raw)
	}
	m.Body = strings.ReplaceAll(m.Body, "\r\n", "\n")
	m.Problem = strings.Join(problems, "; ")
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, m)
	s.box.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// to lists the messages received so far for the address.
func (b *mailbox) to(addr string) []email {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []email
	for _, m := range b.msgs {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// waitForEmail waits up to mailWait for a message to addr that match
// accepts, and fails the test (naming what did arrive) when none comes.
func waitForEmail(t *testing.T, addr, what string, match func(email) bool) email {
	t.Helper()
	box := shared.mail
	if box == nil {
		t.Fatal("the shared app has no mailbox")
	}
	deadline := time.Now().Add(mailWait)
	for {
		for _, m := range box.to(addr) {
			if match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var got []string
	for _, m := range box.to(addr) {
		got = append(got, m.String())
	}
	t.Fatalf("no email to %s %s arrived within %v; %d others did:\n\t%s", addr, what, mailWait, len(got), strings.Join(got, "\n\t"))
	return email{}
}

// japanese reports whether s holds kana: Japanese, not Chinese characters
// or another language's text with a Japanese name in it.
func japanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}
