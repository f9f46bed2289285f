package queue

import (
	"errors"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
)

// TestErrorsSayWhatAndWhich: a refused step names the operation and the
// ticket, and the cause is still found by errors.Is and Code.
func TestErrorsSayWhatAndWhich(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.counter(t, "fukuoka", nil)
		tk := e.take(t, "fukuoka", c, "")
		_, err := e.st.Finish(e.ctx, officer, e.tenants["fukuoka"].ID, tk.ID)
		if !errors.Is(err, ErrNotCalled) || Code(err) != "error.queue.not_called" {
			t.Fatalf("finish a waiting ticket: %v (code %q), want ErrNotCalled", err, Code(err))
		}
		if want := "queue: finish ticket " + tk.ID + ": "; !strings.HasPrefix(err.Error(), string(want)) {
			t.Fatalf("error %q does not start with %q", err, want)
		}
	})
}
