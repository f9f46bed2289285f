package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// streamEvents runs a Server-Sent Events stream: it sends what next
// returns at once and again after every signal on changes (skipping a
// value equal to the last one sent when same says so), with a comment
// every 25 s so proxies keep the line open. It ends when the client goes,
// the server shuts down, or next fails. Browsers reconnect by themselves.
func streamEvents(w http.ResponseWriter, r *http.Request, event string, changes <-chan struct{},
	next func() (any, error), same func(a, b any) bool) {
	// The middleware wraps the writer; the controller finds the flusher.
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	var last any
	send := func() bool {
		v, err := next()
		if err != nil {
			return false
		}
		if last != nil && same != nil && same(last, v) {
			return true
		}
		last = v
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		return rc.Flush() == nil
	}
	if !send() {
		return
	}
	keepAlive := time.NewTicker(25 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-keepAlive.C:
			fmt.Fprint(w, ": still here\n\n")
			_ = rc.Flush()
		case _, open := <-changes:
			if !open || !send() {
				return
			}
		}
	}
}
