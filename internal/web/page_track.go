package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/validation"
)

// trackGuesses is how many wrong tracking look-ups an address may make in
// 15 minutes.
const trackGuesses = 10

// trackNumberGuesses is how many wrong checks one tracking number takes,
// from all addresses together, in the same window.
const trackNumberGuesses = 20

// publicStatus is what anyone with the number and the check may see: no
// names, no answers.
type publicStatus struct {
	TrackingNumber string     `json:"tracking_number"`
	Tenant         string     `json:"tenant"`
	Service        string     `json:"service"`
	State          string     `json:"state"`
	StateLabel     string     `json:"state_label"`
	Outcome        string     `json:"outcome,omitempty"`
	SubmittedAt    string     `json:"submitted_at,omitempty"`
	DueAt          string     `json:"due_at,omitempty"`
	Steps          []pubEvent `json:"timeline"`
}

type pubEvent struct {
	At    string `json:"at"` // RFC 3339 in UTC, for programs
	State string `json:"state"`
	Label string `json:"label"`
	When  string `json:"-"` // for people: the tenant's zone, the reader's language
}

// lookupPublic finds an application by tracking number when check matches
// the applicant; any failure looks the same, so numbers cannot be probed.
func (s *Server) lookupPublic(r *http.Request, number, check, lang string) (*publicStatus, *Page, bool) {
	a, ok := s.confirmPublic(r, number, check)
	if !ok {
		return nil, nil, false
	}
	return s.publicStatus(r, a, lang)
}

// confirmPublic finds the application when check matches its applicant.
// Numbers are sequential and a phone suffix has 10,000 values: wrong
// guesses per address are limited as sign-in does.
func (s *Server) confirmPublic(r *http.Request, number, check string) (application.Application, bool) {
	// A number typed on a Japanese keyboard (ＦＵＫ－２０２６…) is the same number.
	number, check = strings.TrimSpace(validation.Narrow(number)), strings.TrimSpace(validation.Narrow(check))
	// A pair confirmed a moment ago needs neither the guess throttle nor
	// the applicant check again: nobody gets a hit without knowing it.
	pair := trackPair(number, check)
	if appID, ok := s.confirmed.Get(pair); ok {
		if a, err := s.Apps.ByTrackingNumber(r.Context(), number); err == nil && a.ID == appID {
			return a, true
		}
	}
	// Per address, and per number: many addresses guessing one number's
	// check digits would otherwise each get their own ten tries.
	keys := []struct {
		key   string
		limit int
	}{{"track:" + getState(r).ip, trackGuesses}, {"track-number:" + strings.ToUpper(strings.TrimSpace(number)), trackNumberGuesses}}
	for _, k := range keys {
		if throttled, err := s.Identity.Throttled(r.Context(), k.key, k.limit); throttled || err != nil {
			if err != nil {
				s.Log.Error("track: read throttle", "err", err) // refused: a throttle we cannot read does not let guesses through
			}
			return application.Application{}, false
		}
	}
	gen := s.confirmed.Generation()
	a, err := s.Apps.ByTrackingNumber(r.Context(), number)
	// The check code every applicant gets, or what only they know (the
	// phone's last four digits, the NIK's birth date).
	if err != nil || !(application.CheckMatches(s.CheckKey, a.ID, check) || s.Identity.ConfirmsApplicant(r.Context(), a.ApplicantID, check)) {
		for _, k := range keys {
			if err := s.Identity.RecordFailure(r.Context(), k.key); err != nil {
				s.Log.Error("track: count failed look-up", "err", err)
			}
		}
		return application.Application{}, false
	}
	s.confirmed.Put(pair, a.ID, gen)
	return a, true
}

// trackPair keys a confirmed look-up without keeping the check in clear.
func trackPair(number, check string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(number)) + "\x00" + strings.TrimSpace(check)))
	return hex.EncodeToString(h[:])
}

func (s *Server) publicStatus(r *http.Request, a application.Application, lang string) (*publicStatus, *Page, bool) {
	t, err := s.Tenants.ByID(r.Context(), a.TenantID)
	if err != nil || !t.IsActive() {
		return nil, nil, false
	}
	if st := getState(r); !st.langExplicit {
		st.lang, lang = t.DefaultLang, t.DefaultLang
	}
	svc, err := s.Services.ByID(r.Context(), t.ID, a.ServiceID)
	if err != nil {
		return nil, nil, false
	}
	p := s.NewPage(r, "track.title")
	p.Tenant = &t
	st, _ := svc.Workflow.State(a.State)
	ps := &publicStatus{TrackingNumber: a.TrackingNumber, Tenant: t.Slug, Service: svc.Names.In(lang), State: a.State,
		StateLabel: st.Labels.In(lang), Outcome: st.Outcome}
	if a.SubmittedAt != nil {
		ps.SubmittedAt = a.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	if a.DueAt != nil {
		ps.DueAt = a.DueAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	events, err := s.Apps.Timeline(r.Context(), t.ID, a.ID)
	if err != nil {
		return nil, nil, false
	}
	for _, e := range events {
		es, _ := svc.Workflow.State(e.To)
		ps.Steps = append(ps.Steps, pubEvent{At: e.At.UTC().Format("2006-01-02T15:04:05Z"), State: e.To, Label: es.Labels.In(lang),
			When: locale.DateTime(lang, e.At, t.Location())})
	}
	return ps, p, true
}

func (s *Server) trackPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	number, check := strings.TrimSpace(validation.Narrow(q.Get("number"))), strings.TrimSpace(q.Get("check"))
	p := s.NewPage(r, "track.title")
	p.NoIndex = true
	p.Form.Set("number", number)
	if number != "" {
		if a, ok := s.confirmPublic(r, number, check); ok {
			s.renderTrack(w, r, p, a)
			return
		}
		p.Errors = append(p.Errors, validationProblem("number", "error.track.notfound"))
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusNotFound
	}
	s.Render(w, status, "track", p)
}

func (s *Server) apiTrack(w http.ResponseWriter, r *http.Request) {
	lang := getState(r).lang
	ps, _, ok := s.lookupPublic(r, r.PathValue("number"), r.URL.Query().Get("check"), lang)
	if !ok {
		s.Problem(w, r, http.StatusNotFound, "not_found", "error.track.notfound")
		return
	}
	WriteJSON(w, http.StatusOK, ps)
}

// renderTrack shows the status; the page is cached per application version
// and exact query, since residents refresh it while they wait.
func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, p *Page, a application.Application) {
	cacheKey := string(a.ID) + "|" + strconv.Itoa(a.Version) + "|" + r.URL.RawQuery
	if t, err := s.Tenants.ByID(r.Context(), a.TenantID); err == nil {
		if st := getState(r); !st.langExplicit {
			st.lang = t.DefaultLang
		}
		probe := s.NewPage(r, "track.title")
		probe.Tenant = &t
		if cp := s.cache.get(s.cacheKey("track", probe) + "|" + cacheKey); cp != nil {
			writeCached(w, r, http.StatusOK, cp)
			return
		}
	}
	ps, tp, ok := s.publicStatus(r, a, p.Lang())
	if !ok {
		s.NotFound(w, r)
		return
	}
	tp.Data = ps
	tp.Form = p.Form
	tp.NoIndex = true
	tp.CacheKey = cacheKey
	s.Render(w, http.StatusOK, "track", tp)
}
