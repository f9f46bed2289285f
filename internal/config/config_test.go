package config

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parse(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	done := NewFlagSet(fs, Options{Serve: true}, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return done()
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Database != "sqlite:serambi-data/serambi.db" || c.BaseURL != "http://127.0.0.1:8080" || c.Demo ||
		c.TURNAddr != ":3478" || c.TURNPublicIP != nil {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagsAndEnvironment(t *testing.T) {
	t.Parallel()
	c, err := parse(t, []string{"--demo", "--addr", ":9000", "--turn-public-ip", "203.0.113.7"}, map[string]string{
		"SERAMBI_DATABASE": "postgres://u@h/db", "SERAMBI_ADDR": "1.2.3.4:1", "SERAMBI_BASE_URL": "https://x.example/",
		"SERAMBI_TURN_ADDR": "0.0.0.0:3479", "SERAMBI_TURN_PUBLIC_IP": "198.51.100.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.TURNAddr != "0.0.0.0:3479" || c.TURNPublicIP.String() != "203.0.113.7" {
		t.Fatalf("turn = %q %v", c.TURNAddr, c.TURNPublicIP)
	}
	if !c.Demo || c.Addr != ":9000" || c.Database != "postgres://u@h/db" || c.BaseURL != "https://x.example" {
		t.Fatalf("got %+v", c)
	}
}

func TestBadValuesNameTheOption(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args   []string
		env    map[string]string
		option string
	}{
		{[]string{"--addr", "nonsense"}, nil, "addr"},
		{[]string{"--addr", "1.2.3.4:99999"}, nil, "addr"},
		{[]string{"--turn-addr", "3478"}, nil, "turn-addr"},
		{[]string{"--turn-addr", ":70000"}, nil, "turn-addr"},
		{[]string{"--turn-public-ip", "example.com"}, nil, "turn-public-ip"},
		{nil, map[string]string{"SERAMBI_TURN_PUBLIC_IP": "1.2.3"}, "turn-public-ip"},
		{[]string{"--database", "mysql://x"}, nil, "database"},
		{[]string{"--database", "sqlite:"}, nil, "database"},
		{[]string{"--base-url", "ftp://x"}, nil, "base-url"},
		{[]string{"--demo=maybe"}, nil, "demo"},
		{nil, map[string]string{"SERAMBI_DEMO": "yes please"}, "demo"},
		{nil, map[string]string{"SERAMBI_SECRET_KEY": "abc"}, "secret-key"},
		{[]string{"--log-level", "loud"}, nil, "log-level"},
		{[]string{"--smtp-url", "http://mail"}, nil, "smtp-url"},
		{nil, map[string]string{"SERAMBI_SMTP_URL": "smtp://mail.example:587"}, "smtp-url"},
	}
	for _, c := range cases {
		_, err := parse(t, c.args, c.env)
		var ce *Error
		if !errors.As(err, &ce) || ce.Option != c.option {
			t.Errorf("%v %v: err = %v, want option %s", c.args, c.env, err, c.option)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error must be one line: %q", err)
		}
	}
}

func TestSecretKeyGeneratedOnceAndKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c1 := &Config{DataDir: dir}
	k1, err := c1.LoadSecretKey()
	if err != nil || len(k1) != 32 {
		t.Fatalf("key = %x, %v", k1, err)
	}
	info, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key mode = %v, %v", info, err)
	}
	k2, err := (&Config{DataDir: dir}).LoadSecretKey()
	if err != nil || string(k1) != string(k2) {
		t.Fatal("second start must read the same key")
	}
}
