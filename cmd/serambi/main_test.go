package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
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

// TestBackupAndRestore: a backup holds the database and the documents; a
// restore into an empty directory (with the secret key put back) serves
// the same document again. Files with personal data are 0600.
func TestBackupAndRestore(t *testing.T) {
	flags := seedAudit(t)
	dir := flags[1]
	content := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	docID := saveDocument(t, dir, content)

	to := filepath.Join(t.TempDir(), "serambi-backup.tar.gz")
	code, out, e := runCLI(t, "", append([]string{"backup", "--to", to}, flags...)...)
	if code != 0 {
		t.Fatalf("backup: %d %s", code, e)
	}
	if !strings.Contains(out, "secret key") {
		t.Errorf("backup output does not mention the secret key: %q", out)
	}
	for _, p := range []string{to, filepath.Join(dir, "serambi.db")} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", p, st.Mode().Perm(), err)
		}
	}
	if code, _, _ := runCLI(t, "", append([]string{"backup", "--to", to}, flags...)...); code == 0 {
		t.Error("backup overwrote an existing file")
	}

	fresh := t.TempDir()
	code, out, e = runCLI(t, "", "restore", "--from", to, "--data", fresh)
	if code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %d %q %s", code, out, e)
	}
	if st, err := os.Stat(filepath.Join(fresh, "serambi.db")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("restored database mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	key, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fresh, "secret.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCLI(t, "", "audit", "verify", "--data", fresh); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify of the restored data: %d %q", code, out)
	}
	if got := readDocument(t, fresh, docID); !bytes.Equal(got, content) {
		t.Fatalf("restored document: %q, want %q", got, content)
	}
	if code, _, e := runCLI(t, "", "restore", "--from", to, "--data", fresh); code == 0 || !strings.Contains(e, "empty") {
		t.Errorf("restore over existing data: %d %s", code, e)
	}
}

// saveDocument stores a document in the data directory's first tenant, as
// an upload would.
func saveDocument(t *testing.T, dir string, content []byte) string {
	t.Helper()
	a, err := app.Open(context.Background(), &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "serambi.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ten, err := a.Tenants.BySlug(context.Background(), "banyuwangi")
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Identity.ByLogin(context.Background(), "kepala@banyuwangi.example")
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Docs.Save(context.Background(), audit.CLI, document.Upload{TenantID: ten.ID, OwnerID: u.ID, Filename: "akta.pdf"}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return string(ten.ID) + "/" + string(d.ID)
}

func readDocument(t *testing.T, dir, ref string) []byte {
	t.Helper()
	a, err := app.Open(context.Background(), &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "serambi.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tenantID, id, _ := strings.Cut(ref, "/")
	d, err := a.Docs.Get(context.Background(), ids.Tenant(tenantID), ids.Document(id))
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.Docs.Open(context.Background(), d)
	if err != nil {
		t.Fatalf("open the restored document: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
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

// TestPracticeImport: the seed file loads, loading it again changes
// nothing, and a file with bad lines loads the good ones and names each
// bad one with why, in words.
func TestPracticeImport(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"--data", dir}
	seed := filepath.Join("..", "..", "internal", "knowledge", "seed", "practices.jsonl")
	code, out, e := runCLI(t, "", append([]string{"practice", "import", "--file", seed}, flags...)...)
	if code != 0 || !strings.Contains(out, "30 added, 0 updated, 0 unchanged, 0 refused") {
		t.Fatalf("first import: %d %q %q", code, out, e)
	}
	code, out, _ = runCLI(t, "", append([]string{"practice", "import", "--file", seed}, flags...)...)
	if code != 0 || !strings.Contains(out, "0 added, 0 updated, 30 unchanged") {
		t.Fatalf("second import: %d %q", code, out)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	lines := `{"slug":"good-one","country":"ID","region_code":"35.10","title":{"id":"Baik"},"status":"unknown","tags":["village"]}
not json at all
{"slug":"odd-tag","country":"ID","region_code":"35.10","title":{"id":"Aneh"},"status":"unknown","tags":["teleportation"]}
`
	if err := os.WriteFile(bad, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, e = runCLI(t, "", append([]string{"practice", "import", "--file", bad}, flags...)...)
	if code != 1 || !strings.Contains(out, "1 added, 0 updated, 0 unchanged, 2 refused") ||
		!strings.Contains(e, "line 2 () refused: not a valid practice line") ||
		!strings.Contains(e, "line 3 (odd-tag) refused: tags: teleportation is not one of the topics in the list.") {
		t.Fatalf("bad lines: %d %q %q", code, out, e)
	}
	if code, _, e := runCLI(t, "", append([]string{"practice", "import"}, flags...)...); code != 2 || !strings.Contains(e, "--file is required") {
		t.Errorf("no --file: %d %q", code, e)
	}
}

func TestStatsRebuild(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"--data", dir}
	if code, out, e := runCLI(t, "", append([]string{"tenant", "create", "--slug", "kota-madiun", "--region", "35.77"}, flags...)...); code != 0 {
		t.Fatalf("tenant create: %d %q %q", code, out, e)
	}
	code, out, e := runCLI(t, "", append([]string{"stats", "rebuild", "--tenant", "kota-madiun"}, flags...)...)
	if code != 0 || !strings.Contains(out, "kota-madiun: ") || !strings.Contains(out, "days summed") {
		t.Fatalf("rebuild: %d %q %q", code, out, e)
	}
	if code, _, e := runCLI(t, "", append([]string{"stats", "rebuild", "--tenant", "nowhere"}, flags...)...); code != 1 || !strings.Contains(e, `no government "nowhere"`) {
		t.Errorf("unknown tenant: %d %q", code, e)
	}
}
