package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/config"
)

// demoPassword is the password of every demo account.
const demoPassword = "serambi-demo"

// shared is the one app every browser test talks to: seeding the demo data
// hashes a dozen passwords, so it is done once per run, on first use, and
// only when a test gets as far as needing it (a skipped suite starts nothing).
var shared struct {
	once   sync.Once
	url    string
	err    error
	dir    string
	cancel context.CancelFunc
	app    *app.App
	jobs   bool // the app's job queue was started
	srv    *httptest.Server
	mail   *mailbox // where the app's emails go
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Close()
	}
	if shared.app != nil && shared.jobs {
		// Let the job queue finish what it is doing (an email, say)
		// before the database closes under it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := shared.app.Jobs.Stop(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the job queue:", err)
		}
		cancel()
	}
	if shared.app != nil {
		if err := shared.app.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: closing the app:", err)
		}
	}
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.mail != nil {
		shared.mail.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// serverURL starts the shared app on first call and returns its base URL.
func serverURL(t *testing.T) string {
	t.Helper()
	shared.once.Do(startServer)
	if shared.err != nil {
		t.Fatalf("starting the app with demo data: %v", shared.err)
	}
	return shared.url
}

func startServer() {
	// A panic while building the app (a bad route table, say) would kill the
	// whole test binary mid-test; report it as the start-up error instead.
	defer func() {
		if r := recover(); r != nil {
			shared.err = fmt.Errorf("app.New panicked: %v", r)
		}
	}()
	dir, err := os.MkdirTemp("", "serambi-e2e-")
	if err != nil {
		shared.err = err
		return
	}
	shared.dir = dir
	// The app sends real email, through its job queue, to an SMTP server
	// of the tests' own, so that a journey can check what a resident gets.
	box, err := startMailbox()
	if err != nil {
		shared.err = fmt.Errorf("starting the SMTP server: %w", err)
		return
	}
	shared.mail = box
	// The base URL must be known before the app is built (it is used for
	// links and cookie flags), so take the listener's address first.
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cfg := &config.Config{
		DataDir:  dir,
		Database: "sqlite:" + filepath.Join(dir, "serambi.db"),
		BaseURL:  base,
		Demo:     true,
		LogLevel: "warn",
		SMTPURL:  "smtp://" + box.addr + "?from=serambi@example.jp",
		// Online classes' media on a port of its own on every interface,
		// as on a server (the browsers reach it at the machine's address).
		MediaAddr: ":0",
	}
	// The app may keep using its context for background work, so it lives
	// until TestMain ends.
	ctx, cancel := context.WithCancel(context.Background())
	shared.cancel = cancel
	a, err := app.New(ctx, cfg, app.WithoutDemoVisitors())
	if err != nil {
		srv.Listener.Close()
		shared.err = err
		return
	}
	shared.app = a
	if err := a.Jobs.Start(ctx); err != nil {
		srv.Listener.Close()
		shared.err = fmt.Errorf("starting the job queue: %w", err)
		return
	}
	shared.jobs = true
	if err := a.StartMedia(); err != nil {
		srv.Listener.Close()
		shared.err = fmt.Errorf("opening the media port: %w", err)
		return
	}
	srv.Config.Handler = a.Handler()
	srv.Start()
	shared.srv = srv
	shared.url = base
}
