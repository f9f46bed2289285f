package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/serambi/serambi/internal/app"
)

// lockedBuffer is a log sink shared by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(l.b.String(), "\n")
}

// TestServerErrorIsTraceable: every answer carries a request ID, and a
// server error is logged with that ID, the route and the wrapped cause,
// so "it said something went wrong" can be found in the logs.
func TestServerErrorIsTraceable(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	s := startSiteWith(t, false, []app.Option{app.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil)))})
	admin := s.browser(t)
	admin.signin("admin@banyuwangi.demo")
	first, second := admin.get("/banyuwangi/"), admin.get("/banyuwangi/")
	if id := first.header.Get("X-Request-Id"); len(id) != 16 || id == second.header.Get("X-Request-Id") {
		t.Fatalf("request IDs %q and %q", id, second.header.Get("X-Request-Id"))
	}
	// Break the calendar's table under the running server.
	if _, err := s.app.DB.ExecContext(t.Context(), `DROP TABLE tenant_calendar`); err != nil {
		t.Fatal(err)
	}
	broken := admin.get("/banyuwangi/admin/calendar")
	if broken.status != http.StatusInternalServerError {
		t.Fatalf("status %d with the table gone", broken.status)
	}
	id := broken.header.Get("X-Request-Id")
	for _, line := range logs.lines() {
		var e map[string]any
		if json.Unmarshal([]byte(line), &e) != nil || e["msg"] != "handler" {
			continue
		}
		if e["request_id"] == id && e["route"] == "GET /{tenant}/admin/calendar" && strings.Contains(e["err"].(string), "tenant_calendar") {
			return
		}
	}
	t.Fatalf("no handler error logged with request %s, its route and cause; logs:\n%s", id, strings.Join(logs.lines(), "\n"))
}
