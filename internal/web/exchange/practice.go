package exchange

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/web"
)

// section is one titled text of a practice.
type section struct {
	Heading, Text, Lang string
}

// metricView is one row of the results table.
type metricView struct {
	Name, NameLang, Unit, Before, After, Measured string
}

type stageView struct {
	Name, NameLang, Date string
}

// practiceView is a practice as its page shows it, in the reader's
// language where it has one.
type practiceView struct {
	Slug, Title, Lang   string
	Fallback            bool   // the reader's language is missing: shown in Lang
	Translated          bool   // the reader's language is a person's translation
	OriginalName        string // the original language's name, in the reader's
	Government, Country string
	Kind, Population    string
	Status              string
	Started             int
	Tags                []tagView
	Sections            []section
	Metrics             []metricView
	Stages              []stageView
	Contact             knowledge.Contact
	Sources             []string
	Licence             string
	Retired             bool
	LookingForPartners  bool
	Published, Updated  time.Time
	Replicators         []replicatorView
	AdoptAs             []adoptView
	NetworkStaff        bool // sees the questions' thread
	Questions           []questionView
	Events              []eventView
	Files               []fileView
	Holder              string // the origin tenant's slug, for its staff's links
	RegisterAs          []adoptView
}

// replicatorView is one government replicating the practice.
type replicatorView struct {
	Government, Stage, StopReason string
	Mentored                      bool
}

// adoptView offers the signed-in staff to replicate the practice in one
// of their tenants (or to open the replication they have).
type adoptView struct {
	Slug, Name  string
	Replicating bool
}

type tagView struct{ Value, Label string }

func (s *Pages) practicePage(w http.ResponseWriter, r *http.Request) {
	e, err := s.Practices.Library().Get(r.Context(), r.PathValue("slug"))
	if errors.Is(err, knowledge.ErrNotFound) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "exchange.library.title")
	p.Flash = web.FlashFrom(r)
	if zone, err := time.LoadLocation(e.Region.TimeZone); err == nil {
		p.Zone = zone // dates as the government that wrote it counts them
	}
	if p.User() == nil && p.Flash == "" {
		// Anonymous readers share one page per practice, version, local
		// activity and minute: served without a database read.
		p.CacheKey = fmt.Sprintf("%s|%d|%d|%d", e.Slug, e.UpdatedAt.UnixNano(), s.Practices.Activity(), s.Clock.Now().Unix()/60)
		if s.ServeCached(w, http.StatusOK, "exchange_practice", p) {
			return
		}
	}
	v := s.viewOf(p, e)
	p.Title = v.Title
	if err := s.addReplications(r, p, e, &v); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := s.addEvents(r, p, e, &v); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.NetworkStaff = len(web.StaffTenants(r)) > 0 || p.IsCoordinator(); v.NetworkStaff {
		qs, err := s.Practices.Thread(r.Context(), e.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		v.Questions = s.questionViews(r, p, qs)
	}
	p.Data = v
	s.Render(w, http.StatusOK, "exchange_practice", p)
}

func (s *Pages) viewOf(p *web.Page, e *knowledge.Entry) practiceView {
	c := e.Live
	lang, fallback := langOf(c, p.Lang())
	v := practiceView{
		Slug: e.Slug, Title: c.Title[lang], Lang: lang, Fallback: fallback,
		Translated: !fallback && c.Origin(lang) == knowledge.Translated, OriginalName: p.T("exchange.lang." + c.Original),
		Government: government(e.Region, p.Lang()), Country: p.T("exchange.country." + string(e.Country)),
		Kind: p.T("exchange.kind." + e.Kind), Status: p.T("exchange.status." + string(c.Status)), Started: c.Started,
		Contact: c.Contact, Sources: c.Sources, Licence: c.Licence, Retired: e.State == knowledge.Retired,
		LookingForPartners: e.LookingForPartners, Published: e.PublishedAt, Updated: e.UpdatedAt,
	}
	v.Files = s.fileViews(p, c)
	if e.Population != "" {
		v.Population = p.T("exchange.population." + e.Population)
	}
	for _, t := range c.Tags {
		v.Tags = append(v.Tags, tagView{t, p.T("exchange.tag." + t)})
	}
	for _, sec := range []struct {
		key string
		w   knowledge.Words
	}{{"summary", c.Summary}, {"problem", c.Problem}, {"solution", c.Solution}, {"results", c.Results}, {"cost", c.Cost}, {"team", c.Team}} {
		if text, l := sec.w.In(lang, c.Original); text != "" {
			v.Sections = append(v.Sections, section{Heading: p.T("exchange.section." + sec.key), Text: text, Lang: l})
		}
	}
	for _, m := range c.Metrics {
		name, l := m.Name.In(p.Lang(), lang, c.Original)
		v.Metrics = append(v.Metrics, metricView{Name: name, NameLang: l, Unit: m.Unit, Before: figure(m.Before), After: figure(m.After), Measured: m.Measured})
	}
	for _, st := range c.Stages {
		name, l := st.Name.In(p.Lang(), lang, c.Original)
		v.Stages = append(v.Stages, stageView{Name: name, NameLang: l, Date: st.Date})
	}
	return v
}

// addReplications lists who replicates the practice and, for signed-in
// staff of other governments, offers to replicate it.
func (s *Pages) addReplications(r *http.Request, p *web.Page, e *knowledge.Entry, v *practiceView) error {
	reps, err := s.Practices.ReplicationsOfPractice(r.Context(), e.ID)
	if err != nil {
		return err
	}
	mine := map[ids.Tenant]bool{}
	for _, rep := range reps {
		t, err := s.Tenants.ByID(r.Context(), rep.TenantID)
		if err != nil {
			return err
		}
		mine[rep.TenantID] = true
		v.Replicators = append(v.Replicators, replicatorView{Government: t.Name(p.Lang()), Stage: p.T("exchange.step." + string(rep.Stage)),
			StopReason: rep.StopReason, Mentored: rep.MentorState == knowledge.MentorAccepted})
	}
	if e.State != knowledge.Published {
		return nil
	}
	for _, id := range web.StaffTenants(r) {
		t, err := s.Tenants.ByID(r.Context(), id)
		if err != nil {
			return err
		}
		if t.RegionCode != e.RegionCode && !t.IsPractice() {
			v.AdoptAs = append(v.AdoptAs, adoptView{Slug: t.Slug, Name: t.Name(p.Lang()), Replicating: mine[id]})
		}
	}
	return nil
}

// requestTranslation records a reader's wish to read the practice in
// their language; its government's editors see the requests.
func (s *Pages) requestTranslation(w http.ResponseWriter, r *http.Request) {
	if !s.ParseForm(w, r) {
		return
	}
	slug, lang := r.PathValue("slug"), r.PostForm.Get("lang")
	if !locale.Supported(lang) {
		s.ErrorPage(w, r, http.StatusBadRequest, nil)
		return
	}
	err := s.Practices.RequestTranslation(r.Context(), web.UserOf(r).ID, slug, lang)
	if errors.Is(err, knowledge.ErrNotFound) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, s.Path(practicePath, slug)+"?done=translation_requested")
}

// addEvents lists the practice's study visits and webinars; staff of the
// network may register (as any government they work for), the holder's
// staff see who did.
func (s *Pages) addEvents(r *http.Request, p *web.Page, e *knowledge.Entry, v *practiceView) error {
	events, err := s.Practices.Events(r.Context(), e.ID)
	if err != nil || len(events) == 0 {
		return err
	}
	holder, err := s.Tenants.ByRegion(r.Context(), e.RegionCode)
	if err != nil {
		return nil // events are held by a government on Serambi; it left
	}
	for _, ev := range events {
		v.Events = append(v.Events, s.eventView(p, &holder, ev))
	}
	for _, id := range web.StaffTenants(r) {
		if id == holder.ID {
			v.Holder = holder.Slug
			continue
		}
		if t, err := s.Tenants.ByID(r.Context(), id); err == nil && !t.IsPractice() {
			v.RegisterAs = append(v.RegisterAs, adoptView{Slug: t.Slug, Name: t.Name(p.Lang())})
		}
	}
	return nil
}
