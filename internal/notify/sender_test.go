package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
)

// A real SMTP server (go-smtp) that records what it receives and can be told
// to refuse.

type received struct {
	from, user string
	to         []string
	tls        bool
	data       []byte
}

type backend struct {
	user, pass string     // when set, AUTH PLAIN is required
	rcptErr    error      // answer to RCPT TO
	dataErr    error      // answer to the end of DATA
	mu         sync.Mutex //
	got        []received
}

func (be *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{be: be, tls: isTLS}, nil
}

func (be *backend) messages() []received {
	be.mu.Lock()
	defer be.mu.Unlock()
	return append([]received(nil), be.got...)
}

type session struct {
	be   *backend
	tls  bool
	user string
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if s.be.user != "" && (username != s.be.user || password != s.be.pass) {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.rcptErr != nil {
		return s.be.rcptErr
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.be.dataErr != nil {
		return s.be.dataErr
	}
	s.be.mu.Lock()
	s.be.got = append(s.be.got, received{from: s.from, user: s.user, to: s.to, data: b, tls: s.tls})
	s.be.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

type tlsMode int

const (
	plainOnly tlsMode = iota
	startTLS
	implicitTLS
)

// startServer runs be on 127.0.0.1 and returns its address.
func startServer(t *testing.T, be *backend, mode tlsMode) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	switch mode {
	case startTLS:
		srv.TLSConfig = selfSigned(t)
	case implicitTLS:
		l = tls.NewListener(l, selfSigned(t))
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func newSender(t *testing.T, rawURL string) *Sender {
	t.Helper()
	s, err := NewSender(rawURL)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

// arrived parses a received message the way a mail client would.
type arrived struct {
	header  mail.Header
	subject string
	body    string
}

func parseArrived(t *testing.T, raw []byte) arrived {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	var r io.Reader
	switch cte := msg.Header.Get("Content-Transfer-Encoding"); cte {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, msg.Body)
	case "quoted-printable":
		r = quotedprintable.NewReader(msg.Body)
	default:
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	for _, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 78 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	return arrived{msg.Header, subject, strings.ReplaceAll(string(body), "\r\n", "\n")}
}

func TestDeliverOverSMTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		be := &backend{user: "serambi", pass: "p@ss word/ü"}
		addr := startServer(t, be, plainOnly)
		s := newSender(t, "smtp://serambi:"+strings.ReplaceAll("p%40ss%20word%2F%C3%BC", " ", "")+"@"+addr+"?from=serambi@example.go.id")
		o := NewOutbox(d, clock.NewFixed(start), true)
		tenantID := ids.Tenant(db.NewID())

		tests := []struct {
			name, lang, to string
			data           map[string]string
			subject, cte   string
			bodyHas        []string
		}{
			{
				name: "japanese", lang: "ja", to: "hanako@example.jp",
				data:    map[string]string{"name": "山田 花子", "tracking_number": "FUK-2026-000123", "service": "住民票の写し", "url": "https://serambi.example.jp/fuk/track?n=FUK-2026-000123", "contact": "福岡市 市民課 092-000-0000", "tenant": "福岡市"},
				subject: "申請を受け付けました（受付番号 FUK-2026-000123）", cte: "base64",
				bodyHas: []string{"山田 花子 様", "住民票の写しの申請を受け付けました。ありがとうございます。", "受付番号：FUK-2026-000123", "https://serambi.example.jp/fuk/track?n=FUK-2026-000123", "福岡市 市民課 092-000-0000"},
			},
			{
				name: "indonesian", lang: "id", to: "siti@example.id",
				data:    map[string]string{"name": "Siti Rahayu", "tracking_number": "BWI-2026-000777", "service": "Akta Kelahiran", "url": "https://serambi.example.go.id/bwi/track?n=BWI-2026-000777&x=1"},
				subject: "Permohonan Anda sudah kami terima (BWI-2026-000777)", cte: "quoted-printable",
				bodyHas: []string{"Yth. Bapak/Ibu Siti Rahayu,", "Permohonan Akta Kelahiran Anda sudah kami terima.", "Nomor pelacakan Anda: BWI-2026-000777", "https://serambi.example.go.id/bwi/track?n=BWI-2026-000777&x=1"},
			},
		}
		for i, tt := range tests {
			id := queue(t, d, o, Event{Template: ApplicationSubmitted, TenantID: tenantID, To: tt.to, Lang: tt.lang, Data: tt.data})
			if err := s.Deliver(ctx, o, id); err != nil {
				t.Fatalf("%s: Deliver: %v", tt.name, err)
			}
			got := be.messages()
			if len(got) != i+1 {
				t.Fatalf("%s: server has %d messages, want %d", tt.name, len(got), i+1)
			}
			r := got[i]
			if r.user != "serambi" || r.from != "serambi@example.go.id" || len(r.to) != 1 || r.to[0] != tt.to {
				t.Errorf("%s: envelope user=%q from=%q to=%v", tt.name, r.user, r.from, r.to)
			}
			a := parseArrived(t, r.data)
			if a.subject != tt.subject {
				t.Errorf("%s: subject %q, want %q", tt.name, a.subject, tt.subject)
			}
			if cte := a.header.Get("Content-Transfer-Encoding"); cte != tt.cte {
				t.Errorf("%s: Content-Transfer-Encoding %q, want %q", tt.name, cte, tt.cte)
			}
			for _, want := range tt.bodyHas {
				if !strings.Contains(a.body, want) {
					t.Errorf("%s: body lacks %q:\n%s", tt.name, want, a.body)
				}
			}
			if from, err := a.header.AddressList("From"); err != nil || from[0].Address != "serambi@example.go.id" {
				t.Errorf("%s: From %v %v", tt.name, from, err)
			}
			if to, err := a.header.AddressList("To"); err != nil || to[0].Address != tt.to {
				t.Errorf("%s: To %v %v", tt.name, to, err)
			}
			if date, err := a.header.Date(); err != nil || !date.Equal(start) {
				t.Errorf("%s: Date %v %v", tt.name, date, err)
			}
			if mid := a.header.Get("Message-ID"); mid != "<"+id+"@example.go.id>" {
				t.Errorf("%s: Message-ID %q", tt.name, mid)
			}
			m, err := o.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != Sent || m.SentAt == nil || !m.SentAt.Equal(start) || m.Attempts != 1 || m.LastError != "" {
				t.Errorf("%s: after delivery %+v", tt.name, m)
			}
			// A second run (the job retried after a crash) sends nothing more.
			if err := s.Deliver(ctx, o, id); err != nil || len(be.messages()) != i+1 {
				t.Errorf("%s: second Deliver: %v, %d messages", tt.name, err, len(be.messages()))
			}
		}
	})
}

func TestDeliverOverTLS(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	for _, tt := range []struct {
		name, scheme string
		mode         tlsMode
	}{{"starttls", "smtp", startTLS}, {"implicit", "smtps", implicitTLS}} {
		t.Run(tt.name, func(t *testing.T) {
			be := &backend{user: "serambi", pass: "secret"}
			addr := startServer(t, be, tt.mode)
			o := NewOutbox(d, clock.NewFixed(start), true)
			id := queue(t, d, o, event(ids.Tenant(db.NewID()), "en", "A-1"))
			s := newSender(t, tt.scheme+"://serambi:secret@"+addr+"?from=serambi@example.go.id&insecure_skip_verify=1")
			if err := s.Deliver(context.Background(), o, id); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if got := be.messages(); len(got) != 1 || !got[0].tls {
				t.Fatalf("received %d messages, over TLS: %v", len(got), len(got) == 1 && got[0].tls)
			}
			// Without insecure_skip_verify the self-signed certificate is refused.
			id = queue(t, d, o, event(ids.Tenant(db.NewID()), "en", "A-2"))
			s = newSender(t, tt.scheme+"://serambi:secret@"+addr+"?from=serambi@example.go.id")
			if err := s.Deliver(context.Background(), o, id); err == nil {
				t.Error("an unverified certificate was trusted")
			}
		})
	}
}

func TestDeliverFailures(t *testing.T) {
	t.Parallel()
	closedPort := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	serve := func(be *backend) func(t *testing.T) string {
		return func(t *testing.T) string { return startServer(t, be, plainOnly) }
	}
	tests := []struct {
		name       string
		addr       func(t *testing.T) string
		to         string
		wantErr    bool
		wantStatus string
		errHas     string
	}{
		{"451 on DATA is temporary",
			serve(&backend{dataErr: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}}),
			"warga@example.id", true, Queued, "451"},
		{"550 on RCPT is permanent",
			serve(&backend{rcptErr: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}}),
			"warga@example.id", false, Failed, "550"},
		{"554 on DATA is permanent",
			serve(&backend{dataErr: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Rejected"}}),
			"warga@example.id", false, Failed, "554"},
		{"wrong password is retried (configuration, not the message)",
			serve(&backend{user: "serambi", pass: "right"}),
			"warga@example.id", true, Queued, "AUTH"},
		{"server down", closedPort, "warga@example.id", true, Queued, "connect"},
		{"bad address", serve(&backend{}), "not an address", false, Failed, "bad address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.SQLite(t)
			o := NewOutbox(d, clock.NewFixed(start), true)
			e := event(ids.Tenant(db.NewID()), "ja", "FUK-2026-000001")
			e.To = tt.to
			id := queue(t, d, o, e)
			s := newSender(t, "smtp://serambi:wrong@"+tt.addr(t)+"?from=serambi@example.go.id")
			err := s.Deliver(context.Background(), o, id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver error = %v, want error: %v", err, tt.wantErr)
			}
			m, gerr := o.Get(context.Background(), id)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if m.Status != tt.wantStatus || m.Attempts != 1 || m.SentAt != nil || !strings.Contains(m.LastError, tt.errHas) {
				t.Errorf("after failure: status %q attempts %d sent_at %v last_error %q; want %q, 1, nil, containing %q",
					m.Status, m.Attempts, m.SentAt, m.LastError, tt.wantStatus, tt.errHas)
			}
			if strings.Contains(m.LastError, "wrong") {
				t.Errorf("last_error shows the password: %q", m.LastError)
			}
		})
	}
}

// After maxAttempts temporary failures the message is Failed and the job
// queue is told to stop (nil).
func TestDeliverGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		be := &backend{dataErr: &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "Busy"}}
		s := newSender(t, "smtp://"+startServer(t, be, plainOnly)+"?from=serambi@example.go.id")
		c := clock.NewFixed(start)
		o := NewOutbox(d, c, true)
		id := queue(t, d, o, event(ids.Tenant(db.NewID()), "en", "A-1"))
		for i := 1; i <= maxAttempts; i++ {
			c.Advance(time.Minute)
			err := s.Deliver(context.Background(), o, id)
			if (err != nil) != (i < maxAttempts) {
				t.Fatalf("attempt %d: Deliver = %v", i, err)
			}
		}
		m, err := o.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != Failed || m.Attempts != maxAttempts || !m.UpdatedAt.Equal(start.Add(maxAttempts*time.Minute)) {
			t.Errorf("after %d attempts: %+v", maxAttempts, m)
		}
		if err := s.Deliver(context.Background(), o, id); err != nil {
			t.Errorf("Deliver of a failed message: %v", err)
		}
	})
}

func TestDeliverSkipsKeptAndUnknown(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	be := &backend{}
	s := newSender(t, "smtp://"+startServer(t, be, plainOnly)+"?from=serambi@example.go.id")
	o := NewOutbox(d, clock.NewFixed(start), false)
	id := queue(t, d, o, event(ids.Tenant(db.NewID()), "en", "A-1"))
	if err := s.Deliver(context.Background(), o, id); err != nil {
		t.Fatal(err)
	}
	if m, _ := o.Get(context.Background(), id); m.Status != Kept || len(be.messages()) != 0 {
		t.Errorf("a Kept message was sent: %+v", m)
	}
	if err := s.Deliver(context.Background(), o, db.NewID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Deliver(unknown) = %v", err)
	}
}

func TestDeliverHonoursContext(t *testing.T) {
	t.Parallel()
	// A server that accepts the connection and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	d := dbtest.SQLite(t)
	o := NewOutbox(d, clock.NewFixed(start), true)
	id := queue(t, d, o, event(ids.Tenant(db.NewID()), "en", "A-1"))
	s := newSender(t, "smtp://"+l.Addr().String()+"?from=serambi@example.go.id")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := s.Deliver(ctx, o, id); err == nil {
		t.Fatal("Deliver to a silent server succeeded")
	}
	if m, _ := o.Get(context.Background(), id); m.Status != Queued || m.Attempts != 1 {
		t.Errorf("after a timeout: %+v", m)
	}
}

func TestComposeLongJapaneseSubject(t *testing.T) {
	t.Parallel()
	s := newSender(t, "smtp://mail.example.go.id?from=Serambi%20Kab.%20Banyuwangi%20%3Cserambi@example.go.id%3E")
	subject := strings.Repeat("申請の状況が変わりました", 5)
	raw := s.compose(Message{ID: db.NewID(), Subject: subject, Body: "本文です。\n", Lang: "ja"}, "a@example.jp", start)
	a := parseArrived(t, raw)
	if a.subject != subject || a.body != "本文です。\n" {
		t.Errorf("round trip: subject %q body %q", a.subject, a.body)
	}
	if from, err := a.header.AddressList("From"); err != nil || from[0].Name != "Serambi Kab. Banyuwangi" {
		t.Errorf("From %v %v", from, err)
	}
}

func TestNewSender(t *testing.T) {
	t.Parallel()
	good := []struct {
		url        string
		host, port string
		tls        bool
		user, pass string
		from       string
		skip       bool
	}{
		{"smtp://mail.example.go.id?from=serambi@example.go.id", "mail.example.go.id", "587", false, "", "", "serambi@example.go.id", false},
		{"smtp://user:pa%40ss@mail.example.go.id:25?from=serambi@example.go.id", "mail.example.go.id", "25", false, "user", "pa@ss", "serambi@example.go.id", false},
		{"smtps://user:secret@smtp.example.jp/?from=%E7%A6%8F%E5%B2%A1%E5%B8%82%20%3Cno-reply@example.jp%3E", "smtp.example.jp", "465", true, "user", "secret", "no-reply@example.jp", false},
		{"smtps://127.0.0.1:2465?from=a@b.example&insecure_skip_verify=1&helo=serambi.example", "127.0.0.1", "2465", true, "", "", "a@b.example", true},
		{"smtp://[::1]:2525?from=a@b.example&insecure_skip_verify=0", "::1", "2525", false, "", "", "a@b.example", false},
	}
	for _, tt := range good {
		s, err := NewSender(tt.url)
		if err != nil {
			t.Errorf("NewSender(%q): %v", tt.url, err)
			continue
		}
		if s.host != tt.host || s.port != tt.port || s.implicitTLS != tt.tls || s.user != tt.user || s.pass != tt.pass ||
			s.from.Address != tt.from || s.skipVerify != tt.skip || s.helo == "" {
			t.Errorf("NewSender(%q) = %+v", tt.url, s)
		}
	}
	bad := []struct{ url, errHas string }{
		{"", "empty"},
		{"http://mail.example?from=a@b.example", "smtp://"},
		{"mail.example.go.id:587", "smtp://"},
		{"smtp:mail.example?from=a@b.example", "no host"},
		{"smtp://?from=a@b.example", "no host"},
		{"smtp://mail.example:99999?from=a@b.example", "port"},
		{"smtp://mail.example:abc?from=a@b.example", "port"},
		{"smtp://mail.example", "from="},
		{"smtp://mail.example?from=not-an-address", "not an email address"},
		{"smtp://user@mail.example?from=a@b.example", "no password"},
		{"smtp://:secret@mail.example?from=a@b.example", "no user"},
		{"smtp://mail.example?from=a@b.example&insecure_skip_verify=yes", "insecure_skip_verify"},
		{"smtp://mail.example?from=a@b.example&tls=1", `unknown parameter "tls"`},
		{"smtp://mail.example/inbox?from=a@b.example", "path"},
		{"smtp://mail.example?from=a@b.example&helo=a%20b", "helo"},
		{"smtp://user:topsecret@mail.example:bad?from=a@b.example", "port"},
	}
	for _, tt := range bad {
		_, err := NewSender(tt.url)
		if err == nil {
			t.Errorf("NewSender(%q) accepted", tt.url)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.errHas) || !strings.Contains(msg, "SERAMBI_SMTP_URL") {
			t.Errorf("NewSender(%q) = %q, want it to name SERAMBI_SMTP_URL and %q", tt.url, msg, tt.errHas)
		}
		if strings.Contains(msg, "topsecret") {
			t.Errorf("NewSender(%q) error shows the password: %q", tt.url, msg)
		}
	}
}

// TestDeliverWithAttachment: a reminder carries its .ics file; the message
// arrives as multipart/mixed with the text and the file intact.
func TestDeliverWithAttachment(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	be := &backend{}
	addr := startServer(t, be, plainOnly)
	s := newSender(t, "smtp://"+addr+"?from=serambi@example.jp")
	o := NewOutbox(d, clock.NewFixed(start), true)
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:窓口: 住民記録\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	id := queue(t, d, o, Event{Template: AppointmentReminder, TenantID: ids.Tenant(db.NewID()), To: "hanako@example.jp", Lang: "ja",
		Data:       map[string]string{"name": "山田 花子", "when": "2026年12月1日 10:00", "counter": "住民記録", "url": "https://x.example/fukuoka/appointments"},
		Attachment: &Attachment{Name: "appointment.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ics}})
	if m, _ := o.Get(context.Background(), id); m.Attachment == nil || m.Attachment.Data != ics {
		t.Fatalf("stored attachment: %+v", m.Attachment)
	}
	if err := s.Deliver(context.Background(), o, id); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(be.messages()[0].data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(p)
		var dec []byte
		switch p.Header.Get("Content-Transfer-Encoding") {
		case "base64":
			dec, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
		default:
			dec = raw
		}
		if p.FileName() != "" {
			if p.FileName() != "appointment.ics" || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/calendar") {
				t.Errorf("attachment header %v", p.Header)
			}
		}
		parts = append(parts, string(dec))
	}
	if len(parts) != 2 || !strings.Contains(parts[0], "山田 花子 様") || !strings.Contains(parts[0], "2026年12月1日 10:00") || parts[1] != ics {
		t.Fatalf("parts: %q", parts)
	}
}
