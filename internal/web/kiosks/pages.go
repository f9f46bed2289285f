package kiosks

import (
	"errors"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/kiosk"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// A registered device holds its token in a cookie; its pages show the
// counters as huge buttons, take a number, and open the video call by
// themselves when an officer calls it. After each use (and when left idle)
// the kiosk clears every trace of the resident — session, language, text
// size, site storage — and returns to its start.

// loadKiosk answers the kiosk pages: a device that is not a kiosk of this
// tenant, or one switched off, gets a page saying so (403).
func (s *Pages) loadKiosk(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, kiosk.Kiosk, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, kiosk.Kiosk{}, false
	}
	k, err := s.KioskOf(r, t)
	if err != nil {
		s.LogFailure(r, "audit a refusal", audit.Record(r.Context(), s.DB, web.Actor(r).Entry(t.ID, "authz.denied", r.Method+" "+r.URL.Path, audit.Say("audit.detail.not_kiosk"))))
		p := s.NewPage(r, "kiosk.off.title")
		p.Tenant = t
		p.NoIndex = true
		p.Data = errors.Is(err, kiosk.ErrRevoked)
		s.Render(w, http.StatusForbidden, "kiosk_off", p)
		return nil, kiosk.Kiosk{}, false
	}
	return t, k, true
}

func (s *Pages) kioskPage(r *http.Request, t *tenant.Tenant, title string, idle int) *web.Page {
	p := s.NewPage(r, title)
	p.Tenant = t
	p.NoIndex = true
	p.Kiosk = true
	p.KioskIdle = idle
	return p
}

// kioskHome is the start screen: one huge button per counter.
func (s *Pages) kioskHome(w http.ResponseWriter, r *http.Request) {
	t, k, ok := s.loadKiosk(w, r)
	if !ok {
		return
	}
	cs, err := s.Counters.List(r.Context(), t.ID, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.kioskPage(r, t, "kiosk.title", 0)
	type topic struct{ ID, Name string }
	var topics []topic
	for _, c := range cs {
		topics = append(topics, topic{string(c.ID), c.Name(p.Lang())})
	}
	p.Data = struct {
		Kiosk  kiosk.Kiosk
		Topics []topic
	}{k, topics}
	s.Render(w, http.StatusOK, "kiosk", p)
}

// kioskCounter asks the one question before the number: does the person
// need priority.
func (s *Pages) kioskCounter(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.loadKiosk(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	p := s.kioskPage(r, t, "kiosk.priority.title", web.KioskIdle)
	p.Data = struct {
		ID, Name   string
		Priorities []string
	}{string(c.ID), c.Name(p.Lang()), []string{queue.Regular, queue.Elderly, queue.Disability, queue.Pregnancy}}
	s.Render(w, http.StatusOK, "kiosk_counter", p)
}

// kioskTake takes a number at the kiosk.
func (s *Pages) kioskTake(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.loadKiosk(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	c, err := s.Counters.Get(r.Context(), t.ID, ids.Counter(r.PostForm.Get("counter")))
	if errors.Is(err, counter.ErrNotFound) || (err == nil && !c.Active) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !s.TakingAllowed(w, r, t, c.ID) {
		return
	}
	tk, err := s.Queue.Take(r.Context(), web.Actor(r), *t, c.ID, "", queue.SourceKiosk, r.PostForm.Get("priority"))
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/kiosk/tickets/{id}", t.Slug, string(tk.ID)))
}

// kioskTicket shows the number across the room and waits; kiosk.js moves
// to the call when the officer opens it.
func (s *Pages) kioskTicket(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.loadKiosk(w, r)
	if !ok {
		return
	}
	tk, err := s.Queue.Get(r.Context(), t.ID, ids.Ticket(r.PathValue("id")))
	if err == nil && tk.Source != queue.SourceKiosk {
		err = queue.ErrNotFound // a kiosk shows only its own kind of ticket
	}
	if err != nil {
		s.QueueError(w, r, t, err)
		return
	}
	ts, err := s.TicketStatus(r, t, string(tk.ID))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	idle := 0
	if ts.Status != queue.Waiting && ts.Status != queue.Called && ts.Status != queue.Serving {
		idle = web.KioskDoneIdle // served, missed or cancelled: nothing left to wait for
	}
	p := s.kioskPage(r, t, "ticket.title", idle)
	v, err := s.TicketView(r, p, t, ts)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p.Data = v
	s.Render(w, http.StatusOK, "kiosk_ticket", p)
}

// kioskReset is the privacy reset: the waiting number (if the person
// gives up) is cancelled, any sign-in on the device is ended, language and
// text size go back to the tenant's, and the browser is told to drop its
// cache and storage. The kiosk's own cookie stays.
func (s *Pages) kioskReset(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.loadKiosk(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if id := r.PostForm.Get("ticket"); id != "" {
		if tk, err := s.Queue.Get(r.Context(), t.ID, ids.Ticket(id)); err == nil && tk.Source == queue.SourceKiosk && tk.Status == queue.Waiting {
			if err := s.Queue.Cancel(r.Context(), web.Actor(r), t.ID, tk.ID, ""); queue.Code(err) == "" {
				s.LogFailure(r, "kiosk reset: give up the number", err) // a number called meanwhile is not an error
			}
		}
	}
	if st := web.VisitorOf(r); st.Session != "" {
		// The cookie goes below in any case; the session row must go too,
		// or the last visitor's account would stay open on the server.
		s.LogFailure(r, "kiosk reset: end the session", s.Identity.EndSession(r.Context(), web.Actor(r), st.Session))
	}
	for _, name := range []string{web.SessionCookie, web.LangCookie, web.TextCookie} {
		http.SetCookie(w, s.Cookie(name, "", -time.Second))
	}
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	web.Redirect(w, r, s.Path("/{tenant}/kiosk", t.Slug))
}

// kioskSetupPage is what an admin opens on the device: one button makes
// it the kiosk (a GET changes nothing, so link previews are harmless).
func (s *Pages) kioskSetupPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	k, err := s.Kiosks.SetupKiosk(r.Context(), t.ID, r.PathValue("token"))
	s.renderKioskSetup(w, r, t, k, err)
}

// renderKioskSetup shows the setup page, or why the link no longer works.
func (s *Pages) renderKioskSetup(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, k kiosk.Kiosk, err error) {
	if err != nil && !errors.Is(err, kiosk.ErrNotFound) && !errors.Is(err, kiosk.ErrRevoked) && !errors.Is(err, kiosk.ErrSetupUsed) {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "kiosk.setup.title")
	p.Tenant = t
	p.NoIndex = true
	status, why := http.StatusOK, ""
	switch {
	case errors.Is(err, kiosk.ErrSetupUsed):
		status, why = http.StatusGone, "kiosk.setup.used"
	case err != nil:
		status, why = http.StatusNotFound, "kiosk.setup.invalid"
	}
	p.Data = struct {
		Valid bool
		Name  string
		Why   string
	}{err == nil, k.Name, why}
	s.Render(w, status, "kiosk_setup", p)
}

// kioskSetup spends the setup link and gives this browser the kiosk's
// device token, which its pages then ask for.
func (s *Pages) kioskSetup(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	device, k, err := s.Kiosks.Setup(r.Context(), web.Actor(r), t.ID, r.PathValue("token"))
	if err != nil {
		s.renderKioskSetup(w, r, t, k, err)
		return
	}
	c := s.Cookie(web.KioskCookie, device, 5*365*24*time.Hour)
	c.Path = s.Path("/{tenant}/{$}", t.Slug)
	http.SetCookie(w, c)
	web.Redirect(w, r, s.Path("/{tenant}/kiosk", t.Slug))
}

// Admin pages.

type kioskAdminView struct {
	Kiosks   []kiosk.Kiosk
	NewLink  string // the setup link of the kiosk just added, shown once
	NewName  string
	Location string
}

func (s *Pages) adminKiosks(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	s.renderAdminKiosks(w, r, t, kioskAdminView{}, nil, http.StatusOK)
}

func (s *Pages) renderAdminKiosks(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, v kioskAdminView,
	errs validation.Errors, status int) {
	ks, err := s.Kiosks.List(r.Context(), t.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Kiosks = ks
	p := s.NewPage(r, "kiosk.admin.title")
	p.Tenant = t
	p.Flash = web.FlashFrom(r)
	p.Errors = errs
	if r.PostForm != nil && len(errs) > 0 {
		p.Form = r.PostForm
	}
	p.Data = v
	s.Render(w, status, "admin_kiosks", p)
}

func (s *Pages) adminKioskCreate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	token := kiosk.NewToken()
	k, err := s.Kiosks.Register(r.Context(), web.Actor(r), t.ID, r.PostForm.Get("name"), r.PostForm.Get("place"), token, false)
	var errs validation.Errors
	if errors.As(err, &errs) {
		s.renderAdminKiosks(w, r, t, kioskAdminView{}, errs, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.renderAdminKiosks(w, r, t, kioskAdminView{NewLink: s.BaseURL + s.Path("/{tenant}/kiosk/setup/{token}", t.Slug, token),
		NewName: k.Name}, nil, http.StatusCreated)
}

func (s *Pages) adminKioskRevoke(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	err := s.Kiosks.Revoke(r.Context(), web.Actor(r), t.ID, r.PathValue("id"))
	if errors.Is(err, kiosk.ErrNotFound) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path("/{tenant}/admin/kiosks", t.Slug)+"?done=saved")
}
