// Command serambi is the digital front porch of a local government: one
// binary that serves the site and runs its maintenance commands.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/workflow"
)

const usage = `Serambi — the digital front porch of a local government.

Usage:
  serambi serve   [--addr ADDR] [--base-url URL] [--demo] [data flags]
  serambi migrate [data flags]
  serambi tenant create --slug SLUG --region CODE [--name-id N] [--name-ja N] [--name-en N] [data flags]
  serambi user create --email EMAIL --name NAME (--coordinator | --tenant SLUG --role ROLE) [data flags]
                     (password from SERAMBI_NEW_PASSWORD or the first line of standard input)
  serambi user end-sessions --email EMAIL [data flags]
  serambi service import --tenant SLUG --file FILE [--publish] [data flags]
  serambi practice import --file FILE [data flags]
  serambi stats rebuild [--tenant SLUG] [data flags]
  serambi audit verify [data flags]
  serambi backup --to FILE [data flags]
  serambi restore --from FILE [data flags]
  serambi version

Data flags: --data DIR (default serambi-data), --database URL (sqlite:PATH or postgres://...), --log-level LEVEL.
Every flag has a SERAMBI_* environment variable; see README.md.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run returns the exit status: 0 ok, 1 failure, 2 bad usage or option.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "tenant" || cmd == "user" || cmd == "audit" || cmd == "service" || cmd == "practice" || cmd == "stats") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	c := &command{stdin: stdin, stdout: stdout, stderr: stderr}
	switch cmd {
	case "serve":
		return c.serve(rest)
	case "migrate":
		return c.migrate(rest)
	case "tenant create":
		return c.tenantCreate(rest)
	case "user create":
		return c.userCreate(rest)
	case "user end-sessions":
		return c.userEndSessions(rest)
	case "audit verify":
		return c.auditVerify(rest)
	case "backup":
		return c.backup(rest)
	case "restore":
		return c.restore(rest)
	case "service import":
		return c.serviceImport(rest)
	case "practice import":
		return c.practiceImport(rest)
	case "stats rebuild":
		return c.statsRebuild(rest)
	case "version":
		fmt.Fprintln(stdout, "serambi", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "serambi: unknown command %q\n\n%s", strings.Join(args[:1], " "), usage)
	return 2
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return bi.Main.Version + " " + s.Value[:12]
			}
		}
		return bi.Main.Version
	}
	return "unknown"
}

type command struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// flags parses a command's flags; ok is false (with the status to exit
// with) when they are wrong.
func (c *command) flags(name string, args []string, o config.Options, extra func(fs *flag.FlagSet)) (*config.Config, int, bool) {
	fs := flag.NewFlagSet("serambi "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	done := config.NewFlagSet(fs, o, os.Getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0, false
		}
		return nil, 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "serambi %s: unexpected argument %q\n", name, fs.Arg(0))
		return nil, 2, false
	}
	cfg, err := done()
	if err != nil {
		fmt.Fprintf(c.stderr, "serambi %s: %v\n", name, err)
		return nil, 2, false
	}
	return cfg, 0, true
}

func (c *command) logger(cfg *config.Config) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewJSONHandler(c.stderr, &slog.HandlerOptions{Level: lvl}))
}

func (c *command) fail(name string, err error) int {
	fmt.Fprintf(c.stderr, "serambi %s: %v\n", name, err)
	return 1
}

func (c *command) serve(args []string) int {
	cfg, code, ok := c.flags("serve", args, config.Options{Serve: true}, nil)
	if !ok {
		return code
	}
	log := c.logger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	a, err := app.New(ctx, cfg, app.WithLogger(log))
	if err != nil {
		return c.fail("serve", err)
	}
	defer a.Close()
	err = a.Serve(ctx, func(addr string) {
		log.Info("ready", "addr", addr, "base_url", cfg.BaseURL, "database", a.DB.Dialect(), "ms", time.Since(start).Milliseconds())
		if cfg.Demo {
			fmt.Fprintf(c.stdout, "\nSerambi demo at %s\nDemo accounts (password %q):\n", cfg.BaseURL, app.DemoPassword)
			for _, acct := range app.DemoAccounts() {
				fmt.Fprintf(c.stdout, "  %s\n", acct)
			}
			fmt.Fprintln(c.stdout)
		}
	})
	if err != nil {
		return c.fail("serve", err)
	}
	return 0
}

func (c *command) open(name string, cfg *config.Config) (*app.App, int, bool) {
	a, err := app.Open(context.Background(), cfg, app.WithLogger(c.logger(cfg)))
	if err != nil {
		return nil, c.fail(name, err), false
	}
	return a, 0, true
}

func (c *command) migrate(args []string) int {
	cfg, code, ok := c.flags("migrate", args, config.Options{}, nil)
	if !ok {
		return code
	}
	a, code, ok := c.open("migrate", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	fmt.Fprintln(c.stdout, "migrations applied")
	return 0
}

func (c *command) tenantCreate(args []string) int {
	var in tenant.Input
	cfg, code, ok := c.flags("tenant create", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&in.Slug, "slug", "", "web name, e.g. banyuwangi")
		fs.StringVar(&in.RegionCode, "region", "", "region code from the directory, e.g. 35.10 or 401307")
		fs.StringVar(&in.NameID, "name-id", "", "name in Bahasa Indonesia")
		fs.StringVar(&in.NameJA, "name-ja", "", "name in Japanese")
		fs.StringVar(&in.NameEN, "name-en", "", "name in English")
		fs.StringVar(&in.DefaultLang, "lang", "", "default language: id, ja or en")
		fs.StringVar(&in.ContactEmail, "email", "", "contact email")
		fs.StringVar(&in.ContactPhone, "phone", "", "contact phone")
	})
	if !ok {
		return code
	}
	a, code, ok := c.open("tenant create", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	t, err := a.Tenants.Create(context.Background(), audit.CLI, in)
	if err != nil {
		return c.fail("tenant create", describe(err))
	}
	fmt.Fprintf(c.stdout, "created tenant %s (%s, %s, %s)\n", t.Slug, t.NameEN, t.RegionCode, t.TimeZone)
	return 0
}

// describe turns field errors into one readable line for the terminal.
func describe(err error) error {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		return err
	}
	var parts []string
	for _, e := range errs {
		parts = append(parts, "--"+strings.ReplaceAll(e.Field, "_", "-")+": "+e.Code)
	}
	return errors.New(strings.Join(parts, "; "))
}

func (c *command) userCreate(args []string) int {
	var in identity.EnsureInput
	var tenantSlug, role string
	cfg, code, ok := c.flags("user create", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&in.Email, "email", "", "email address")
		fs.StringVar(&in.Name, "name", "", "full name")
		fs.StringVar(&in.Lang, "lang", "en", "language: id, ja or en")
		fs.BoolVar(&in.Coordinator, "coordinator", false, "network coordinator")
		fs.StringVar(&tenantSlug, "tenant", "", "tenant slug for a staff role")
		fs.StringVar(&role, "role", "", "admin, officer, instructor or editor")
	})
	if !ok {
		return code
	}
	if in.Email == "" || in.Name == "" || (!in.Coordinator && (tenantSlug == "" || !identity.ValidStaffRole(identity.Role(role)))) {
		fmt.Fprintln(c.stderr, "serambi user create: need --email, --name and either --coordinator or --tenant with --role admin|officer|instructor")
		return 2
	}
	in.Password = os.Getenv("SERAMBI_NEW_PASSWORD")
	if in.Password == "" {
		line, _ := bufio.NewReader(c.stdin).ReadString('\n')
		in.Password = strings.TrimRight(line, "\r\n")
	}
	a, code, ok := c.open("user create", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	ctx := context.Background()
	if tenantSlug != "" {
		t, err := a.Tenants.BySlug(ctx, tenantSlug)
		if err != nil {
			return c.fail("user create", fmt.Errorf("--tenant %q: %w", tenantSlug, err))
		}
		in.TenantID, in.Roles = t.ID, []identity.Role{identity.Role(role)}
	}
	u, err := a.Identity.EnsureUser(ctx, audit.CLI, in)
	if err != nil {
		return c.fail("user create", describe(err))
	}
	fmt.Fprintf(c.stdout, "user %s ready (id %s); a second factor is required at first sign-in\n", u.Email, u.ID)
	return 0
}

func (c *command) userEndSessions(args []string) int {
	var email string
	cfg, code, ok := c.flags("user end-sessions", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address")
	})
	if !ok {
		return code
	}
	a, code, ok := c.open("user end-sessions", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	u, err := a.Identity.ByLogin(context.Background(), email)
	if err != nil {
		return c.fail("user end-sessions", fmt.Errorf("--email %q: %w", email, err))
	}
	n, err := a.Identity.EndAllSessions(context.Background(), audit.CLI, "", u.ID)
	if err != nil {
		return c.fail("user end-sessions", err)
	}
	fmt.Fprintf(c.stdout, "ended %d sessions of %s\n", n, u.Email)
	return 0
}

func (c *command) auditVerify(args []string) int {
	cfg, code, ok := c.flags("audit verify", args, config.Options{}, nil)
	if !ok {
		return code
	}
	a, code, ok := c.open("audit verify", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	n, problem, err := audit.Verify(context.Background(), a.DB)
	if err != nil {
		return c.fail("audit verify", err)
	}
	if problem != nil {
		fmt.Fprintf(c.stdout, "audit trail BROKEN: entry %d was %s (%d entries before it are intact)\n", problem.Seq, problem.Reason, n)
		return 1
	}
	fmt.Fprintf(c.stdout, "audit trail intact: %d entries\n", n)
	return 0
}

func (c *command) backup(args []string) int {
	var to string
	cfg, code, ok := c.flags("backup", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "file to write the copy to (must not exist)")
	})
	if !ok {
		return code
	}
	if to == "" {
		fmt.Fprintln(c.stderr, "serambi backup: --to FILE is required")
		return 2
	}
	a, code, ok := c.open("backup", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	if err := a.Backup(context.Background(), to); err != nil {
		return c.fail("backup", err)
	}
	fmt.Fprintf(c.stdout, "backup written to %s (the database and documents; keep the secret key apart, see RESTORE.txt inside)\n", to)
	if !strings.HasPrefix(cfg.Database, "sqlite:") {
		fmt.Fprintln(c.stdout, "PostgreSQL: the backup holds the documents only; dump the database with pg_dump (docs/operations.md)")
	}
	return 0
}

// restore unpacks a backup into an empty data directory.
func (c *command) restore(args []string) int {
	var from string
	cfg, code, ok := c.flags("restore", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&from, "from", "", "backup file written by serambi backup")
	})
	if !ok {
		return code
	}
	if from == "" {
		fmt.Fprintln(c.stderr, "serambi restore: --from FILE is required")
		return 2
	}
	dbPath, _ := strings.CutPrefix(cfg.Database, "sqlite:")
	if !strings.HasPrefix(cfg.Database, "sqlite:") {
		dbPath = "" // PostgreSQL: restored with its own tools
	}
	n, err := app.Restore(from, cfg.DataDir, dbPath)
	if err != nil {
		return c.fail("restore", err)
	}
	fmt.Fprintf(c.stdout, "restored %d files into %s; put the secret key back (DATA/secret.key or SERAMBI_SECRET_KEY), then run serambi audit verify\n", n, cfg.DataDir)
	return 0
}

// serviceImport reads an exported service into a tenant: the same check as
// the admin page, from a script (for example to seed many tenants).
func (c *command) serviceImport(args []string) int {
	var slug, file string
	var publish bool
	cfg, code, ok := c.flags("service import", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "tenant slug")
		fs.StringVar(&file, "file", "", "exported service JSON")
		fs.BoolVar(&publish, "publish", false, "publish it for residents at once")
	})
	if !ok {
		return code
	}
	if slug == "" || file == "" {
		fmt.Fprintln(c.stderr, "serambi service import: --tenant and --file are required")
		return 2
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return c.fail("service import", err)
	}
	a, code, ok := c.open("service import", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	ctx := context.Background()
	t, err := a.Tenants.BySlug(ctx, slug)
	if err != nil {
		return c.fail("service import", fmt.Errorf("--tenant %q: %w", slug, err))
	}
	svc, err := catalog.Import(raw)
	if err != nil {
		return c.fail("service import", describe(err))
	}
	if len(svc.Workflow.States) == 0 {
		svc.Workflow = workflow.Standard()
	}
	svc.Published = publish
	if _, err := a.Catalog.Save(ctx, audit.CLI, t.ID, svc); err != nil {
		return c.fail("service import", describe(err))
	}
	fmt.Fprintf(c.stdout, "service %s saved in %s (published %v)\n", svc.Code, slug, publish)
	return 0
}

// practiceImport loads good practices into the knowledge exchange from a
// JSON Lines file (as shared/data/practices.jsonl): each line is added or
// updated by its slug, and a line that is refused is reported with why,
// in English, without stopping the others. It exits 1 when any line was
// refused, so a script notices.
func (c *command) practiceImport(args []string) int {
	var file string
	cfg, code, ok := c.flags("practice import", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "practices, one JSON object a line")
	})
	if !ok {
		return code
	}
	if file == "" {
		fmt.Fprintln(c.stderr, "serambi practice import: --file is required")
		return 2
	}
	f, err := os.Open(file)
	if err != nil {
		return c.fail("practice import", err)
	}
	defer f.Close()
	messages, err := locale.Load()
	if err != nil {
		return c.fail("practice import", err)
	}
	a, code, ok := c.open("practice import", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	rep, err := a.Practices.Import(context.Background(), audit.CLI, f)
	for _, l := range rep.Lines {
		if l.Outcome != knowledge.Refused {
			continue
		}
		why := l.Reason
		for _, p := range l.Problems {
			why += fmt.Sprintf("%s: %s; ", p.Field, messages.T("en", p.Code, p.Args...))
		}
		fmt.Fprintf(c.stderr, "line %d (%s) refused: %s\n", l.Line, l.Slug, strings.TrimSuffix(why, "; "))
	}
	if err != nil {
		return c.fail("practice import", err)
	}
	fmt.Fprintf(c.stdout, "%d added, %d updated, %d unchanged, %d refused\n",
		rep.Count(knowledge.Added), rep.Count(knowledge.Updated), rep.Count(knowledge.Unchanged), rep.Count(knowledge.Refused))
	if rep.Count(knowledge.Refused) > 0 {
		return 1
	}
	return 0
}

// statsRebuild sums the dashboards' days again from the raw tables, for
// one government or all: after history was loaded with past dates, or to
// repair.
func (c *command) statsRebuild(args []string) int {
	var slug string
	cfg, code, ok := c.flags("stats rebuild", args, config.Options{}, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "the government's slug (default: every one)")
	})
	if !ok {
		return code
	}
	a, code, ok := c.open("stats rebuild", cfg)
	if !ok {
		return code
	}
	defer a.Close()
	ctx := context.Background()
	tenants, err := a.Tenants.List(ctx, false)
	if err != nil {
		return c.fail("stats rebuild", err)
	}
	found := false
	for _, t := range tenants {
		if slug != "" && t.Slug != slug {
			continue
		}
		found = true
		n, err := a.Stats.Rebuild(ctx, t)
		if err != nil {
			return c.fail("stats rebuild", err)
		}
		fmt.Fprintf(c.stdout, "%s: %d days summed\n", t.Slug, n)
	}
	if !found {
		fmt.Fprintf(c.stderr, "serambi stats rebuild: no government %q\n", slug)
		return 1
	}
	return 0
}
