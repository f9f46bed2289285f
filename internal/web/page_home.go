package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/tenant"
)

// networkHome lets a resident find their local government by name, typed
// in Latin letters, kana or kanji.
func (s *Server) networkHome(w http.ResponseWriter, r *http.Request) {
	q := TruncateRunes(strings.TrimSpace(r.URL.Query().Get("q")), 100)
	ts, err := s.Tenants.Search(r.Context(), q)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "home.title")
	p.Form.Set("q", q)
	newest, err := s.Practices.Library().Recent(r.Context(), 5)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	counts, err := s.Practices.ReplicationCounts(r.Context())
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	most, err := s.Practices.Library().MostReplicated(r.Context(), counts, 5)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	replicated := practiceLinks(p, most)
	total := 0
	for i, e := range most {
		replicated[i].Replicas = counts[e.ID]
	}
	for _, n := range counts {
		total += n
	}
	p.Data = struct {
		Query      string
		Tenants    []tenant.Tenant
		Practices  []practiceLink
		Replicated []practiceLink
	}{q, ts, practiceLinks(p, newest), replicated}
	if getState(r).user == nil && q == "" {
		p.CacheKey, err = s.libraryKey(r)
		p.CacheKey += "|replications-" + strconv.Itoa(total) + "-" + strconv.Itoa(len(counts))
		s.LogFailure(r, "read the library's version", err)
	}
	s.Render(w, http.StatusOK, "home", p)
}

// practiceLink is a good practice as the home pages list it.
type practiceLink struct {
	Slug, Title, Lang, Government string
	Replicas                      int // governments replicating it
}

func practiceLinks(p *Page, list []*knowledge.Entry) []practiceLink {
	out := make([]practiceLink, 0, len(list))
	for _, e := range list {
		title, lang := e.Live.Title.In(p.Lang(), e.Live.Original)
		gov := e.Region.NameLatin
		if p.Lang() == "ja" || gov == "" {
			gov = e.Region.Name
		}
		out = append(out, practiceLink{Slug: e.Slug, Title: title, Lang: lang, Government: gov})
	}
	return out
}

// practicesOf are a tenant's own published practices and those it is
// replicating (not stopped), for its home page.
func (s *Server) practicesOf(r *http.Request, t *tenant.Tenant) (own, replicating []*knowledge.Entry, err error) {
	lib := s.Practices.Library()
	if own, err = lib.OfRegion(r.Context(), t.RegionCode); err != nil {
		return nil, nil, err
	}
	reps, err := s.Practices.ReplicationsBy(r.Context(), t.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, rep := range reps {
		if rep.Stage == knowledge.Halted {
			continue
		}
		if e, err := lib.Get(r.Context(), rep.Slug); err == nil && e.State == knowledge.Published {
			replicating = append(replicating, e)
		}
	}
	return own, replicating, nil
}

// libraryKey caches a page that lists practices under the library's
// version, so a newly published one shows at once ("" when unknown:
// not cached).
func (s *Server) libraryKey(r *http.Request) (string, error) {
	v, err := s.Practices.Library().Version(r.Context())
	if err != nil {
		return "", err
	}
	return "library-" + strconv.FormatInt(v, 10), nil
}

// tile is one thing a tenant offers on its home page.
type tile struct {
	Key  string // message key prefix: tile.X.title / tile.X.text
	Icon string // static SVG name
	URL  string // "" while the service is not open yet
}

func (s *Server) tenantHome(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	var err error
	p := s.NewPage(r, "tenant.home.title")
	p.Tenant = t
	p.Flash = FlashFrom(r)
	st := getState(r)
	tiles := []tile{
		{Key: "services", Icon: "services", URL: s.Path("/{tenant}/services", t.Slug)},
		{Key: "counter", Icon: "counter", URL: s.Path("/{tenant}/counters", t.Slug)},
		{Key: "classes", Icon: "classes", URL: s.Path("/{tenant}/classes", t.Slug)},
		{Key: "knowledge", Icon: "knowledge", URL: "/exchange"},
	}
	if st.user == nil {
		tiles = append([]tile{{Key: "register", Icon: "register", URL: s.Path("/{tenant}/register", t.Slug)}}, tiles...)
	} else {
		tiles = append([]tile{{Key: "mine", Icon: "services", URL: s.Path("/{tenant}/applications", t.Slug)},
			{Key: "account", Icon: "account", URL: "/account"}}, tiles...)
		if hasRole(st, t.ID, "officer") || hasRole(st, t.ID, "admin") {
			tiles = append([]tile{{Key: "inbox", Icon: "staff", URL: s.Path("/{tenant}/inbox", t.Slug)},
				{Key: "assist", Icon: "services", URL: s.Path("/{tenant}/assist", t.Slug)},
				{Key: "desk", Icon: "counter", URL: s.Path("/{tenant}/desk", t.Slug)}}, tiles...)
			tiles = append(tiles, tile{Key: "dashboard", Icon: "staff", URL: s.Path("/{tenant}/admin/dashboard", t.Slug)})
		}
		if hasRole(st, t.ID, "editor") || hasRole(st, t.ID, "admin") || st.user.Coordinator {
			tiles = append(tiles, tile{Key: "practices", Icon: "knowledge", URL: s.Path("/{tenant}/exchange", t.Slug)})
		}
		if hasRole(st, t.ID, "admin") || st.user.Coordinator {
			tiles = append(tiles, tile{Key: "staff", Icon: "staff", URL: s.Path("/{tenant}/admin/staff", t.Slug)})
			tiles = append(tiles, tile{Key: "survey", Icon: "staff", URL: s.Path("/{tenant}/admin/survey", t.Slug)})
		}
	}
	var own, replicating []*knowledge.Entry
	if t.IsPractice() {
		tiles = practiceTiles(tiles) // only what a practice twin serves (ServesPractice)
	} else if own, replicating, err = s.practicesOf(r, t); err != nil {
		s.ServerError(w, r, err)
		return
	}
	var waiting []surveyLink
	if st.user != nil && !t.IsPractice() {
		if waiting, err = s.waitingSurveys(r, p, t, st.user.ID); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	p.Data = struct {
		Tiles       []tile
		Practices   []practiceLink
		Replicating []practiceLink
		Surveys     []surveyLink
		Report      string
	}{tiles, practiceLinks(p, own), practiceLinks(p, replicating), waiting, s.Path("/{tenant}/survey-report", t.Slug)}
	if st.user == nil && p.Flash == "" {
		p.CacheKey, err = s.libraryKey(r)
		p.CacheKey += "|" + strconv.Itoa(len(replicating)) // a new replication shows at once
		s.LogFailure(r, "read the library's version", err)
	}
	s.Render(w, http.StatusOK, "tenant_home", p)
}

// practiceTiles keeps the tiles of a resident's services: a practice
// twin has no registration, classes or staff pages.
func practiceTiles(all []tile) []tile {
	var out []tile
	for _, t := range all {
		if t.Key == "mine" || t.Key == "services" || t.Key == "counter" {
			out = append(out, t)
		}
	}
	return out
}

// FlashFrom reads a one-word notice passed in the URL after a redirect
// (?done=registered); only known words are shown, as message keys.
func FlashFrom(r *http.Request) string {
	switch d := r.URL.Query().Get("done"); d {
	case "registered", "signedin", "signedout", "saved", "password", "totp", "sessions", "action", "code_sent", "confirmed", "booked", "cancelled", "slot_taken", "already_booked", "called", "queue_empty",
		"call_ended", "call_not_called", "notes_too_long", "thanks", "invite_used", "document_refused", "family_asked", "withdrawn", "rejected", "ticket_cancelled", "submitted", "finish_first", "enrolled", "waitlisted", "class_cancelled", "checked_in", "enrolled_other", "waitlisted_other", "class_called_off", "no_help_waiting", "volunteer_applied", "hours_logged", "not_assignable", "lesson_practised", "copied", "capacity_range", "capacity_below", "picture_missing", "picture_alt", "picture_refused", "class_moved", "practice_finished", "not_present", "practice_call_ended",
		"action_added", "practice_saved", "practice_incomplete", "practice_submitted", "practice_published", "practice_returned", "practice_retired", "practice_not_waiting", "translation_requested", "question_asked", "question_empty", "answer_sent", "answer_empty",
		"event_created", "event_full", "event_registered", "event_past", "event_registered_now", "file_missing", "file_description", "file_refused":
		return "flash." + d
	}
	return ""
}

// theme serves the tenant's brand colour as a tiny stylesheet, because the
// Content-Security-Policy forbids inline styles. The colour was checked for
// contrast with white text when it was saved.
func (s *Server) theme(w http.ResponseWriter, r *http.Request) {
	t, err := s.Tenants.BySlug(r.Context(), r.PathValue("tenant"))
	if err != nil {
		s.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write([]byte(":root{--brand:" + t.BrandColor + "}\n"))
}

// surveyLink is a survey the signed-in person may still answer.
type surveyLink struct{ Label, URL string }

// waitingSurveys lists the surveys waiting for user in t, newest first:
// about what (an application, a video call, a class) and when.
func (s *Server) waitingSurveys(r *http.Request, p *Page, t *tenant.Tenant, user ids.User) ([]surveyLink, error) {
	if s.Surveys == nil {
		return nil, nil
	}
	invs, err := s.Surveys.ForResident(r.Context(), t.ID, user)
	if err != nil {
		return nil, err
	}
	var out []surveyLink
	for _, inv := range invs {
		out = append(out, surveyLink{Label: p.T("survey.waiting."+inv.Channel, p.Date(inv.CreatedAt)),
			URL: s.Path("/{tenant}/survey/{token}", t.Slug, s.Surveys.Token(inv.ID))})
	}
	return out, nil
}
