package counters

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// streamEvents runs a Server-Sent Events stream: it sends what next
// returns at once and again after every signal on changes (skipping a
// value equal to the last one sent when same says so), with a comment
// every 25 s so proxies keep the line open. It ends when the client goes,
// the server shuts down, or next fails. Browsers reconnect by themselves.
//
// One change wakes every page watching a counter, thousands at a time, so
// an event costs one write and as little garbage as can be: the frame is
// built in a buffer the stream keeps, and nothing is boxed or formatted.
func streamEvents[T any](w http.ResponseWriter, r *http.Request, event string, changes <-chan struct{},
	next func() (T, error), same func(a, b T) bool) {
	// The middleware wraps the writer; the controller finds the flusher.
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	var (
		last  T
		sent  bool
		frame bytes.Buffer
	)
	prefix := "event: " + event + "\ndata: "
	enc := json.NewEncoder(&frame)
	send := func() bool {
		v, err := next()
		if err != nil {
			return false
		}
		if sent && same != nil && same(last, v) {
			return true
		}
		last, sent = v, true
		frame.Reset()
		frame.WriteString(prefix)
		// &last, not v: last lives as long as the stream, so handing the
		// encoder a pointer to it boxes nothing per event.
		if enc.Encode(&last) != nil { // Encode ends the line
			return false
		}
		frame.WriteByte('\n')
		if _, err := w.Write(frame.Bytes()); err != nil {
			return false
		}
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
			_, _ = w.Write(stillHere)
			_ = rc.Flush()
		case _, open := <-changes:
			if !open || !send() {
				return
			}
		}
	}
}

var stillHere = []byte(": still here\n\n")
