package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// urlVar names the setting in error messages, so an operator knows where to look.
const urlVar = "SERAMBI_SMTP_URL"

// sendTimeout bounds one SMTP conversation when the caller's context does not.
const sendTimeout = time.Minute

// Sender delivers one message by SMTP.
type Sender struct {
	host, port  string
	implicitTLS bool // smtps://: TLS from the first byte; smtp:// upgrades with STARTTLS when offered
	user, pass  string
	from        mail.Address
	helo        string
	skipVerify  bool // tests only
}

// NewSender parses SERAMBI_SMTP_URL:
//
//	smtp://user:pass@host:port?from=serambi@example.go.id   plain, STARTTLS when offered (port 587 if omitted)
//	smtps://user:pass@host:port?from=...                    implicit TLS (port 465 if omitted)
//
// Optional query parameters: helo=NAME (default: this machine's host name)
// and insecure_skip_verify=1 (tests only). The user part is optional; a
// password must be percent-encoded. Errors name what is wrong and never
// repeat the password.
func NewSender(rawURL string) (*Sender, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, fmt.Errorf("%s is empty", urlVar)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error would repeat the URL, password included
		}
		return nil, fmt.Errorf("%s is not a valid URL: %v", urlVar, err)
	}
	s := &Sender{}
	switch u.Scheme {
	case "smtp":
		s.port = "587"
	case "smtps":
		s.port, s.implicitTLS = "465", true
	default:
		return nil, fmt.Errorf("%s must start with smtp:// (STARTTLS when offered) or smtps:// (TLS), not %q", urlVar, u.Scheme+":")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%s has no host: write %s://host:port?from=...", urlVar, u.Scheme)
	}
	s.host = u.Hostname()
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%s has an invalid port %q", urlVar, p)
		}
		s.port = p
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("%s must have no path, got %q", urlVar, u.Path)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" {
			return nil, fmt.Errorf("%s has a password but no user name", urlVar)
		}
		if s.pass == "" {
			return nil, fmt.Errorf("%s has user %q but no password", urlVar, s.user)
		}
	}
	if err := s.parseQuery(u.RawQuery); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Sender) parseQuery(raw string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return fmt.Errorf("%s has an invalid query: %v", urlVar, err)
	}
	for k := range q {
		switch k {
		case "from", "helo", "insecure_skip_verify":
		default:
			return fmt.Errorf("%s has an unknown parameter %q (known: from, helo, insecure_skip_verify)", urlVar, k)
		}
	}
	from := q.Get("from")
	if from == "" {
		return fmt.Errorf("%s has no sender address: add ?from=serambi@example.go.id", urlVar)
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("%s: from=%q is not an email address", urlVar, from)
	}
	s.from = *a
	switch v := q.Get("insecure_skip_verify"); v {
	case "", "0", "false":
	case "1", "true":
		s.skipVerify = true
	default:
		return fmt.Errorf("%s: insecure_skip_verify must be 1 or 0, not %q", urlVar, v)
	}
	s.helo = q.Get("helo")
	if s.helo == "" {
		s.helo = defaultHelo()
	}
	if strings.ContainsAny(s.helo, " \t\r\n") {
		return fmt.Errorf("%s: helo=%q is not a host name", urlVar, s.helo)
	}
	return nil
}

func defaultHelo() string {
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \t\r\n") {
		return h
	}
	return "localhost"
}

// Deliver loads the message, sends it and records the outcome: Sent with
// sent_at, or one more attempt with last_error. It returns an error on a
// temporary failure, so the job queue retries with backoff, and nil once
// the message needs nothing more: sent, failed for good (a 5xx answer to the
// message, a bad address, or maxAttempts reached), Kept, or already handled
// by an earlier run. An unknown id returns ErrNotFound.
func (s *Sender) Deliver(ctx context.Context, o *Outbox, id string) error {
	m, err := o.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("notify: deliver %s: %w", id, err)
	}
	if m.Status != Queued {
		return nil
	}
	// Record the outcome even when ctx ends meanwhile: an email that left
	// but was not marked Sent would go out twice.
	record := context.WithoutCancel(ctx)
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		_, dbErr := o.markAttempt(record, m, fmt.Errorf("bad address %q: %v", m.To, err), true)
		return dbErr
	}
	now := o.clock.Now().UTC()
	sendErr := s.send(ctx, to.Address, s.compose(m, to.Address, now))
	if sendErr == nil {
		return o.markSent(record, m.ID, now)
	}
	status, dbErr := o.markAttempt(record, m, sendErr, isPermanent(sendErr))
	if dbErr != nil {
		return errors.Join(sendErr, dbErr)
	}
	if status == Failed {
		return nil
	}
	return fmt.Errorf("notify: deliver %s: %w", id, sendErr)
}

// stepError says which part of the SMTP conversation failed.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func step(name string, err error) error {
	if err == nil {
		return nil
	}
	return &stepError{name, err}
}

// isPermanent tells a 5xx answer about this message (its sender, recipient
// or content) from everything else. A 5xx to AUTH or STARTTLS is the
// server's configuration, not the message's fault: it is retried, so
// fixing the configuration lets the message go out.
func isPermanent(err error) bool {
	var se *stepError
	var te *textproto.Error
	if !errors.As(err, &se) || !errors.As(err, &te) || te.Code < 500 {
		return false
	}
	return se.step == "MAIL FROM" || se.step == "RCPT TO" || se.step == "DATA"
}

func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.host, InsecureSkipVerify: s.skipVerify, MinVersion: tls.VersionTLS12}
}

// send runs one SMTP conversation.
func (s *Sender) send(ctx context.Context, rcpt string, msg []byte) error {
	deadline := time.Now().Add(sendTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	addr := net.JoinHostPort(s.host, s.port)
	dialer := &net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if s.implicitTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return step("connect", err)
	}
	defer context.AfterFunc(ctx, func() { conn.Close() })()
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return step("connect", err)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return step("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.helo); err != nil {
		return step("EHLO", err)
	}
	if !s.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return step("STARTTLS", err)
			}
		}
	}
	if s.user != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return step("AUTH", errors.New("the server offers no AUTH"))
		}
		// PlainAuth refuses to send the password over an unencrypted
		// connection to anything but localhost.
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return step("AUTH", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return step("MAIL FROM", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return step("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return step("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return step("DATA", err)
	}
	if err := w.Close(); err != nil { // the server's verdict on the message
		return step("DATA", err)
	}
	_ = c.Quit() // accepted already; a failed goodbye changes nothing
	return nil
}

// compose builds the RFC 5322 message: UTF-8 plain text, the subject as
// RFC 2047 encoded-words when not ASCII, the body quoted-printable when it
// is mostly ASCII (readable even undecoded) and base64 otherwise (Japanese).
func (s *Sender) compose(m Message, to string, now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", (&mail.Address{Address: to}).String())
	header("Subject", encodeSubject(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+m.ID+"@"+domainOf(s.from.Address)+">")
	header("MIME-Version", "1.0")
	if m.Lang != "" {
		header("Content-Language", m.Lang)
	}
	header("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies, please
	cte, body := encodeBody(m.Body)
	if m.Attachment == nil {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", cte)
		b.WriteString("\r\n")
		b.Write(body)
		return b.Bytes()
	}
	// multipart/mixed: the text first, then the file, written by
	// mime/multipart (boundary, part headers) and mime (the file name,
	// RFC 2231-encoded when it is not ASCII).
	mw := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	text, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {cte},
	})
	_, _ = text.Write(body)
	a := m.Attachment
	file, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {a.ContentType},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})},
		"Content-Transfer-Encoding": {"base64"},
	})
	_, _ = file.Write(base64Lines([]byte(a.Data)))
	_ = mw.Close() // writes into a bytes.Buffer: nothing can fail
	return b.Bytes()
}

// base64Lines encodes data in lines of 76 characters (RFC 2045), each
// ended by CRLF: the one place base64 is wrapped.
func base64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var out bytes.Buffer
	for len(enc) > 0 {
		n := min(76, len(enc))
		out.WriteString(enc[:n] + "\r\n")
		enc = enc[n:]
	}
	return out.Bytes()
}

// encodeSubject writes a non-ASCII subject as RFC 2047 encoded-words, each
// short enough that every header line, "Subject: " included, stays within
// 78 octets, folded between words (whitespace there is not part of the
// text). mime.BEncoding is not used: its words may be 75 characters (too
// long after "Subject: "), and it leaves an ASCII piece unencoded, which
// would make the folding whitespace part of the text.
func encodeSubject(s string) string {
	s = oneLine(s)
	if isASCII(s) && !strings.Contains(s, "=?") { // "=?" would read as the start of an encoded-word
		return s
	}
	const maxChunk = 42 // bytes: 56 base64 characters, 68 with the =?utf-8?b?...?= around them
	var words []string
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > maxChunk {
				break
			}
			n += size
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return false
		}
	}
	return true
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

func encodeBody(body string) (cte string, out []byte) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if !utf8.ValidString(body) {
		body = strings.ToValidUTF8(body, "\uFFFD")
	}
	var b bytes.Buffer
	if mostlyASCII(body) {
		w := quotedprintable.NewWriter(&b) // writes "\n" as CRLF
		_, _ = w.Write([]byte(body))
		_ = w.Close()
		return "quoted-printable", b.Bytes()
	}
	return "base64", base64Lines([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
}

func mostlyASCII(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			n++
		}
	}
	return n*4 <= len(s)
}
