// Package config reads Serambi's settings from command-line flags and their
// SERAMBI_* environment equivalents (a flag wins over the environment).
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is everything a command needs to reach its data.
type Config struct {
	Addr      string
	Database  string // "sqlite:PATH" or "postgres://..."
	DataDir   string
	BaseURL   string
	Demo      bool
	SecretKey []byte
	LogLevel  string
	SMTPURL   string // "" keeps emails in the outbox page
	// TURNAddr is the address (UDP and TCP, one port) of the embedded TURN
	// relay for video calls; "off" runs none (browsers then reach each other only when no
	// NAT stands between them).
	TURNAddr string
	// TURNPublicIP is the address browsers reach the relay at; nil means
	// the listen address, or 127.0.0.1 when that is unspecified.
	TURNPublicIP net.IP
	// MediaAddr is the UDP address online classes' media comes and goes
	// through (the server forwards the instructor's video to the
	// learners); "off" or "" runs no online classes. Browsers reach it at
	// TURNPublicIP when that is set.
	MediaAddr string
	// MetricsToken is the bearer token /metrics asks for
	// (SERAMBI_METRICS_TOKEN, environment only so it is not in the process
	// list); empty turns /metrics off.
	MetricsToken string
	// UploadQuotaMB is how many megabytes one person may upload in any 24
	// hours (--upload-quota-mb, SERAMBI_UPLOAD_QUOTA_MB; 200 by default
	// for serve); 0 means no limit.
	UploadQuotaMB int
}

// Error is a bad option; commands print it on one line and exit with 2.
type Error struct {
	Option string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid --%s: %s", e.Option, e.Reason) }

// Options says which flags a command takes: every command that touches data
// takes --data and --database; only serve takes the network ones.
type Options struct {
	Serve bool
}

// NewFlagSet declares the flags onto fs and returns a function that, after
// fs.Parse, merges the environment and validates the result.
func NewFlagSet(fs *flag.FlagSet, o Options, getenv func(string) string) func() (*Config, error) {
	c := &Config{}
	fs.StringVar(&c.DataDir, "data", envOr(getenv, "SERAMBI_DATA", "serambi-data"), "data directory: SQLite file, uploads, secret key (SERAMBI_DATA)")
	fs.StringVar(&c.Database, "database", getenv("SERAMBI_DATABASE"), "database URL: sqlite:PATH or postgres://... (SERAMBI_DATABASE; default sqlite:DATA/serambi.db)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(getenv, "SERAMBI_LOG_LEVEL", "info"), "debug, info, warn or error (SERAMBI_LOG_LEVEL)")
	fs.StringVar(&c.SMTPURL, "smtp-url", getenv("SERAMBI_SMTP_URL"), "send email through smtp://user:pass@host:587?from=... or smtps://...; empty keeps emails in the outbox page (SERAMBI_SMTP_URL)")
	demo := envOr(getenv, "SERAMBI_DEMO", "false")
	turnIP := getenv("SERAMBI_TURN_PUBLIC_IP")
	quota := envOr(getenv, "SERAMBI_UPLOAD_QUOTA_MB", "200")
	if o.Serve {
		fs.StringVar(&c.Addr, "addr", envOr(getenv, "SERAMBI_ADDR", "127.0.0.1:8080"), "address to listen on (SERAMBI_ADDR)")
		fs.StringVar(&c.BaseURL, "base-url", getenv("SERAMBI_BASE_URL"), "public URL of the site, e.g. https://serambi.example.go.id (SERAMBI_BASE_URL; default http://ADDR)")
		fs.StringVar(&c.TURNAddr, "turn-addr", envOr(getenv, "SERAMBI_TURN_ADDR", ":3478"), "address (UDP and TCP) of the embedded TURN relay for video calls, or off (SERAMBI_TURN_ADDR)")
		fs.StringVar(&c.MediaAddr, "media-addr", envOr(getenv, "SERAMBI_MEDIA_ADDR", ":3480"), "UDP address for online classes' video (the server forwards the instructor's to the learners), or off (SERAMBI_MEDIA_ADDR)")
		fs.Func("turn-public-ip", "public IP address of the TURN relay, as browsers reach it; default the listen address or 127.0.0.1 (SERAMBI_TURN_PUBLIC_IP)", func(v string) error {
			turnIP = v
			return nil
		})
		fs.Var((*rawBool)(&demo), "demo", "load demo tenants and accounts (SERAMBI_DEMO)")
		fs.Func("upload-quota-mb", "megabytes one person may upload in any 24 hours, 0 for no limit (SERAMBI_UPLOAD_QUOTA_MB; default 200)", func(v string) error {
			quota = v
			return nil
		})
	}
	return func() (*Config, error) {
		var err error
		if c.Demo, err = strconv.ParseBool(demo); err != nil {
			return nil, &Error{"demo", "want true or false, got " + strconv.Quote(demo)}
		}
		if o.Serve {
			n, err := strconv.Atoi(quota)
			if err != nil || n < 0 || n > 1<<20 {
				return nil, &Error{"upload-quota-mb", "want a whole number of megabytes, 0 for no limit, got " + strconv.Quote(quota)}
			}
			c.UploadQuotaMB = n
		}
		if turnIP != "" {
			if c.TURNPublicIP = net.ParseIP(turnIP); c.TURNPublicIP == nil {
				return nil, &Error{"turn-public-ip", "want an IP address such as 203.0.113.7, got " + strconv.Quote(turnIP)}
			}
		}
		return c, c.finish(o, getenv)
	}
}

func envOr(getenv func(string) string, k, def string) string {
	if v := getenv(k); v != "" {
		return v
	}
	return def
}

func (c *Config) finish(o Options, getenv func(string) string) error {
	if c.DataDir == "" {
		return &Error{"data", "must not be empty"}
	}
	if c.Database == "" {
		c.Database = "sqlite:" + filepath.Join(c.DataDir, "serambi.db")
	}
	if err := checkDatabase(c.Database); err != nil {
		return err
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &Error{"log-level", "want debug, info, warn or error, got " + strconv.Quote(c.LogLevel)}
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" || u.Query().Get("from") == "" {
			return &Error{"smtp-url", "want smtp://user:pass@host:587?from=serambi@example.go.id (or smtps://)"}
		}
	}
	if o.Serve {
		c.MetricsToken = getenv("SERAMBI_METRICS_TOKEN")
		if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
			return &Error{"metrics-token", "SERAMBI_METRICS_TOKEN must be at least 16 characters"}
		}
		if err := c.checkServe(); err != nil {
			return err
		}
	}
	if k := getenv("SERAMBI_SECRET_KEY"); k != "" {
		key, err := hex.DecodeString(k)
		if err != nil || len(key) < 32 {
			return &Error{"secret-key", "SERAMBI_SECRET_KEY must be at least 64 hexadecimal characters (32 bytes)"}
		}
		c.SecretKey = key
	}
	return nil
}

func checkDatabase(dsn string) error {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		if strings.TrimPrefix(dsn, "sqlite:") == "" {
			return &Error{"database", "sqlite: needs a file path, e.g. sqlite:serambi-data/serambi.db"}
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return &Error{"database", "not a valid postgres:// URL"}
		}
	default:
		return &Error{"database", "must start with sqlite: or postgres://"}
	}
	return nil
}

func (c *Config) checkServe() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return &Error{"addr", "want HOST:PORT such as 127.0.0.1:8080, got " + strconv.Quote(c.Addr)}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return &Error{"addr", "port must be a number from 0 to 65535"}
	}
	if c.BaseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{"base-url", "want an absolute http(s) URL, got " + strconv.Quote(c.BaseURL)}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if err := checkAddr("turn-addr", c.TURNAddr, ":3478"); err != nil {
		return err
	}
	return checkAddr("media-addr", c.MediaAddr, ":3480")
}

// checkAddr validates a HOST:PORT flag that may be "off" (or unset).
func checkAddr(flag, v, example string) error {
	if v == "off" || v == "" {
		return nil
	}
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		return &Error{flag, "want HOST:PORT such as " + example + ", or off, got " + strconv.Quote(v)}
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return &Error{flag, "port must be a number from 0 to 65535"}
	}
	return nil
}

// LoadSecretKey returns the configured key, or reads DATA/secret.key,
// creating it with 32 random bytes on first start.
func (c *Config) LoadSecretKey() ([]byte, error) {
	if c.SecretKey != nil {
		return c.SecretKey, nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("%s is damaged: want 64 hexadecimal characters", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	// O_EXCL: two nodes starting at once must not overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		return nil, err
	}
	c.SecretKey = key
	return key, nil
}

// rawBool is a boolean flag (usable bare, as --demo) whose text is validated
// later, so a bad SERAMBI_DEMO and a bad --demo=x give the same message.
type rawBool string

func (b *rawBool) String() string     { return string(*b) }
func (b *rawBool) Set(s string) error { *b = rawBool(s); return nil }
func (b *rawBool) IsBoolFlag() bool   { return true }
