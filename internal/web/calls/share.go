package calls

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/web"
)

// What people share in a call: a one-time link for a helper, and the
// documents shown on screen (a photo of a form or a card).

// inviteHelper makes a one-time link and shows it to pass on (read out on
// the phone, sent by chat).
func (s *Pages) inviteHelper(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok {
		return
	}
	if who.role == call.RoleHelper {
		s.Deny(w, r, t)
		return
	}
	token, err := s.Calls.Invite(r.Context(), web.Actor(r), t.ID, c.ID)
	if errors.Is(err, call.ErrEnded) {
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}/done", t.Slug, string(c.ID))+queryOf(callPath(t, c, who)))
		return
	}
	if errors.Is(err, call.ErrTooMany) {
		s.Problem(w, r, http.StatusTooManyRequests, "too_many_invites", "problem.call_invites")
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	link := s.BaseURL + s.Path("/{tenant}/join/{token}", t.Slug, token)
	if web.IsAPI(r) || r.Header.Get("Accept") == "application/json" {
		web.WriteJSON(w, http.StatusCreated, map[string]any{"url": link, "expires_in_seconds": int(call.InviteTTL.Seconds())})
		return
	}
	p := s.NewPage(r, "call.invite.title")
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct {
		Link, Back string
		Hours      int
	}{link, callPath(t, c, who), int(call.InviteTTL.Hours())}
	s.Render(w, http.StatusOK, "call_invite", p)
}

// joinPage is where a helper's link lands: it says whose call it is and
// asks them to press "join" (a chat app fetching the link for a preview
// must not spend it).
func (s *Pages) joinPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, err := s.Calls.Invitation(r.Context(), t.ID, r.PathValue("token"))
	p := s.NewPage(r, "call.join.title")
	p.Tenant = t
	p.NoIndex = true
	status := http.StatusOK
	switch {
	case errors.Is(err, call.ErrInvite), errors.Is(err, call.ErrEnded), errors.Is(err, call.ErrNotFound):
		status = http.StatusGone
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	counterName := ""
	if err == nil {
		if cn, err := s.Counters.Get(r.Context(), t.ID, c.CounterID); err == nil {
			counterName = cn.Name(p.Lang())
		}
	}
	p.Data = struct {
		Valid   bool
		Counter string
	}{status == http.StatusOK, counterName}
	s.Render(w, status, "call_join", p)
}

func (s *Pages) joinCall(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, pass, err := s.Calls.Redeem(r.Context(), web.Actor(r), t.ID, r.PathValue("token"))
	if errors.Is(err, call.ErrInvite) || errors.Is(err, call.ErrEnded) {
		s.joinPage(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	ck := s.Cookie(passCookie, pass, 12*time.Hour)
	ck.Path = s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID))
	http.SetCookie(w, ck)
	web.Redirect(w, r, s.Path("/{tenant}/calls/{id}", t.Slug, string(c.ID)))
}

// showDocument takes a photo or an image file from a participant, keeps it
// as a document of the resident, and puts it on everyone's screen.
func (s *Pages) showDocument(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok {
		return
	}
	self := callPath(t, c, who)
	if c.Status != call.Open {
		web.Redirect(w, r, s.Path("/{tenant}/calls/{id}/done", t.Slug, string(c.ID))+queryOf(self))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, document.DefaultMaxBytes+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		s.callDocError(w, r, self, "error.call.document_missing")
		return
	}
	defer file.Close()
	owner := c.ResidentID
	if owner == "" {
		// An anonymous visitor (a kiosk, a walk-in) has no account to own
		// the photo; the officer who opened the call holds it until the
		// officer finds the visitor's account for an application and the
		// visitor agrees, in the call, to add the photo to it.
		owner = c.OfficerID
	}
	d, err := s.Docs.Save(r.Context(), web.Actor(r), document.Upload{TenantID: t.ID, OwnerID: owner,
		Accept: []string{"image/jpeg", "image/png"}, Filename: "call-" + strconv.Itoa(int(s.Clock.Now().Unix()))},
		io.Reader(file))
	switch {
	case errors.Is(err, document.ErrType), errors.Is(err, document.ErrEmpty):
		s.callDocError(w, r, self, "error.call.document_type")
		return
	case errors.Is(err, document.ErrTooLarge):
		s.callDocError(w, r, self, "error.call.document_size")
		return
	case errors.Is(err, document.ErrQuota):
		s.callDocError(w, r, self, "error.call.document_quota")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	if err := s.Calls.AddShown(r.Context(), t.ID, c.ID, d.ID, who.key); err != nil {
		if errors.Is(err, call.ErrTooMany) {
			s.callDocError(w, r, self, "error.call.document_many")
			return
		}
		s.ServerError(w, r, err)
		return
	}
	s.Calls.Rooms().Broadcast(c.ID, call.Message{Type: "show", Doc: string(d.ID)})
	if r.Header.Get("Accept") == "application/json" {
		web.WriteJSON(w, http.StatusCreated, map[string]string{"id": string(d.ID)})
		return
	}
	web.Redirect(w, r, self)
}

// callDocError answers a refused document: JSON for the page's script, a
// message on the call page otherwise.
func (s *Pages) callDocError(w http.ResponseWriter, r *http.Request, self, key string) {
	if r.Header.Get("Accept") == "application/json" {
		s.Problem(w, r, http.StatusUnprocessableEntity, "invalid_document", key)
		return
	}
	web.Redirect(w, r, self+sep(self)+"done=document_refused")
}

// callDocument serves an image shown in the call to its participants.
func (s *Pages) callDocument(w http.ResponseWriter, r *http.Request) {
	t, c, _, ok := s.loadCall(w, r)
	if !ok {
		return
	}
	id := r.PathValue("doc")
	if !s.Calls.WasShown(r.Context(), c.ID, ids.Document(id)) {
		s.NotFound(w, r)
		return
	}
	d, err := s.Docs.Get(r.Context(), t.ID, ids.Document(id))
	if err != nil {
		s.NotFound(w, r)
		return
	}
	rc, err := s.Docs.Open(r.Context(), d)
	if errors.Is(err, document.ErrNotFound) {
		s.Log.Error("shown document's file missing", "tenant", t.Slug, "document", d.ID, "err", err)
		s.ErrorPage(w, r, http.StatusGone, t)
		return
	}
	if err != nil {
		s.ServerError(w, r, fmt.Errorf("web: open shown document %s: %w", d.ID, err))
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", d.MediaType)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	_, _ = io.Copy(w, rc)
}
