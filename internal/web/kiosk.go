package web

import (
	"net/http"

	"github.com/serambi/serambi/internal/kiosk"
	"github.com/serambi/serambi/internal/tenant"
)

// Kiosks in community halls (their pages: internal/web/kiosks). The core
// knows a kiosk by its cookie, since other pages change for one: the call
// page and the page after a call show in kiosk mode.

const (
	// KioskCookie holds a registered device's token.
	KioskCookie = "serambi_kiosk"
	// KioskIdle is how long a kiosk page waits for a touch before it
	// resets itself; the waiting and call pages do not time out.
	KioskIdle = 90
	// KioskDoneIdle is the shorter wait on the page after a call.
	KioskDoneIdle = 45
)

// KioskOf returns the kiosk this request comes from, if its cookie holds
// an active token of t.
func (s *Server) KioskOf(r *http.Request, t *tenant.Tenant) (kiosk.Kiosk, error) {
	c, err := r.Cookie(KioskCookie)
	if err != nil {
		return kiosk.Kiosk{}, kiosk.ErrNotFound
	}
	return s.Kiosks.ByToken(r.Context(), t.ID, c.Value)
}
