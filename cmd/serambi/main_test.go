package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/db"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadOptionsExitTwoWithOneLine(t *testing.T) {
	cases := [][]string{
		{"serve", "--addr", "nonsense"},
		{"serve", "--database", "mysql://x"},
		{"serve", "--base-url", "ftp://x"},
		{"migrate", "--log-level", "loud"},
		{"backup"},
		{"frobnicate"},
	}
	for _, args := range cases {
		code, _, stderr := runCLI(t, "", args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if args[0] != "frobnicate" && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: want one line, got %q", args, stderr)
		}
	}
}

// seedAudit creates a tenant and a user through the CLI so the audit trail
// has several entries, and returns the data flags.
func seedAudit(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	flags := []string{"--data", dir}
	if code, _, e := runCLI(t, "", append([]string{"tenant", "create", "--slug", "banyuwangi", "--region", "35.10"}, flags...)...); code != 0 {
		t.Fatalf("tenant create: %d %s", code, e)
	}
	if code, _, e := runCLI(t, "", append([]string{"tenant", "create", "--slug", "fukuoka", "--region", "401307"}, flags...)...); code != 0 {
		t.Fatalf("tenant create: %d %s", code, e)
	}
	if code, _, e := runCLI(t, "sebuah kalimat rahasia\n", append([]string{"user", "create", "--email", "kepala@banyuwangi.example",
		"--name", "Kepala Dinas", "--tenant", "banyuwangi", "--role", "admin"}, flags...)...); code != 0 {
		t.Fatalf("user create: %d %s", code, e)
	}
	return flags
}

func TestAuditVerifyCatchesTampering(t *testing.T) {
	cases := []struct {
		name, sql, want string
	}{
		{"intact", "", "intact: 3 entries"},
		{"edited", "UPDATE audit_log SET summary = 'nothing to see' WHERE seq = 2", "entry 2 was altered"},
		{"deleted", "DELETE FROM audit_log WHERE seq = 2", "entry 2 was deleted"},
		{"inserted", "INSERT INTO audit_log (seq, at, actor_id, actor_label, tenant_id, action, object, summary, ip, prev_hash, hash) " +
			"SELECT 4, at, actor_id, actor_label, tenant_id, 'tenant.delete', object, summary, ip, hash, hash FROM audit_log WHERE seq = 3", "entry 4 was inserted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flags := seedAudit(t)
			if c.sql != "" {
				d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(flags[1], "serambi.db"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.ExecContext(context.Background(), c.sql); err != nil {
					t.Fatal(err)
				}
				d.Close()
			}
			code, out, _ := runCLI(t, "", append([]string{"audit", "verify"}, flags...)...)
			wantCode := 1
			if c.sql == "" {
				wantCode = 0
			}
			if code != wantCode || !strings.Contains(out, c.want) {
				t.Fatalf("exit %d, output %q; want %d and %q", code, out, wantCode, c.want)
			}
		})
	}
}

func TestBackupWritesACopy(t *testing.T) {
	flags := seedAudit(t)
	to := filepath.Join(t.TempDir(), "copy.db")
	if code, _, e := runCLI(t, "", append([]string{"backup", "--to", to}, flags...)...); code != 0 {
		t.Fatalf("backup: %d %s", code, e)
	}
	code, out, _ := runCLI(t, "", "audit", "verify", "--database", "sqlite:"+to, "--data", flags[1])
	if code != 0 || !strings.Contains(out, "intact: 3 entries") {
		t.Fatalf("verify of the copy: %d %q", code, out)
	}
}

func TestUserCreateRefusesWeakPassword(t *testing.T) {
	flags := seedAudit(t)
	code, _, e := runCLI(t, "password\n", append([]string{"user", "create", "--email", "x@y.example", "--name", "X", "--coordinator"}, flags...)...)
	if code != 1 || !strings.Contains(e, "error.password") {
		t.Fatalf("weak password: %d %q", code, e)
	}
}

// TestServeSaysWhatToDoWhenTheRelayPortIsTaken: a second serambi (or any
// program) holding the TURN port must not end serve with a bare "address
// already in use"; the message names the two ways out.
func TestServeSaysWhatToDoWhenTheRelayPortIsTaken(t *testing.T) {
	held, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	turnAddr := held.LocalAddr().String()
	code, _, stderr := runCLI(t, "", "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--turn-addr", turnAddr, "--log-level", "error")
	if code == 0 {
		t.Fatalf("serve started although %s was taken", turnAddr)
	}
	for _, want := range []string{"--turn-addr HOST:PORT", "--turn-addr off", "SERAMBI_TURN_ADDR"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message %q does not say %q", stderr, want)
		}
	}
}
