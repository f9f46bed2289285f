package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

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
	srv    *httptest.Server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Close()
	}
	if shared.app != nil {
		if err := shared.app.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: closing the app:", err)
		}
	}
	if shared.cancel != nil {
		shared.cancel()
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
	}
	// The app may keep using its context for background work, so it lives
	// until TestMain ends.
	ctx, cancel := context.WithCancel(context.Background())
	shared.cancel = cancel
	a, err := app.New(ctx, cfg)
	if err != nil {
		srv.Listener.Close()
		shared.err = err
		return
	}
	shared.app = a
	srv.Config.Handler = a.Handler()
	srv.Start()
	shared.srv = srv
	shared.url = base
}
