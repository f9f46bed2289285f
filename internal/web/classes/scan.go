package classes

import (
	"errors"
	"net/http"
	"strings"

	"github.com/serambi/serambi/internal/qrscan"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// Reading a QR code with the phone's camera, for checking in from the
// room's screen and for the QR practice: scan.js sends a camera frame now
// and then, the server reads it (internal/qrscan: no script library to
// ship to the phone, and the frame is never kept) and answers what the
// code says. Only a link to this tenant's own pages is offered to open:
// a code elsewhere may lead anywhere, which the practice explains.

const scanPath = "/{tenant}/classes/scan"

// scanAnswer is what a frame held: the code's text ("" for none yet) and,
// when it is a link to one of this tenant's pages, its path.
type scanAnswer struct {
	Text string `json:"text"`
	Next string `json:"next,omitempty"`
}

// scan reads one camera frame.
func (s *Pages) scan(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	text, err := qrscan.Read(r.Body)
	switch {
	case errors.Is(err, qrscan.ErrNoCode):
	case errors.Is(err, qrscan.ErrNotPicture):
		s.Problem(w, r, http.StatusUnsupportedMediaType, "not_picture", "problem.scan.not_picture")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, scanAnswer{Text: text, Next: s.ownLink(t, text)})
}

// ownLink is the path of text when it is a link to t's pages on this
// site, "" otherwise.
func (s *Pages) ownLink(t *tenant.Tenant, text string) string {
	path, ok := strings.CutPrefix(text, s.BaseURL)
	if !ok || !strings.HasPrefix(path, "/"+t.Slug+"/") || strings.ContainsAny(path, "\\\r\n") {
		return ""
	}
	return path
}

// cameraAllowed lets this page's own scripts use the camera (every other
// page forbids it): the pages that scan.
func cameraAllowed(w http.ResponseWriter) {
	w.Header().Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
}

// mediaAllowed lets this page's own scripts use the camera, the
// microphone and the screen: the online class and the practice call.
func mediaAllowed(w http.ResponseWriter) {
	w.Header().Set("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self), geolocation=()")
}
