package exchange

import (
	"net/http"
	"slices"
	"strings"

	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

const peersPath = "/{tenant}/exchange/peers"

type peerView struct {
	Government, Country, Kind string
	Reasons                   []string
	Practices                 []practiceRef
}

type practiceRef struct{ Slug, Title, Lang string }

// peersPage is "governments like yours" (by the region directory and the
// topics of what the tenant does or replicates) and "who solved this":
// the practices whose texts match a problem the user describes.
func (s *Pages) peersPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "exchange.peers.title")
	p.Tenant = t
	ours, _ := s.Regions.Get(t.RegionCode)
	tags, err := s.ourTags(r, t)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	peers, err := s.Practices.Library().Peers(r.Context(), ours, tags, 8)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	problem := strings.TrimSpace(r.URL.Query().Get("problem"))
	var solved []resultView
	if problem != "" {
		res, err := s.Practices.Library().Find(r.Context(), knowledge.Search{Text: web.TruncateRunes(problem, 200), Lang: p.Lang(), Limit: 5})
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for _, f := range res.Found {
			solved = append(solved, s.resultOf(p, f))
		}
	}
	p.Form.Set("problem", problem)
	p.Data = struct {
		Peers   []peerView
		Problem string
		Solved  []resultView
	}{s.peerViews(p, peers), problem, solved}
	s.Render(w, http.StatusOK, "exchange_peers", p)
}

// ourTags are the topics of the tenant's own practices and of those it
// replicates.
func (s *Pages) ourTags(r *http.Request, t *tenant.Tenant) ([]string, error) {
	var tags []string
	add := func(ts []string) {
		for _, x := range ts {
			if !slices.Contains(tags, x) {
				tags = append(tags, x)
			}
		}
	}
	own, err := s.Practices.Library().OfRegion(r.Context(), t.RegionCode)
	if err != nil {
		return nil, err
	}
	for _, e := range own {
		add(e.Live.Tags)
	}
	reps, err := s.Practices.ReplicationsBy(r.Context(), t.ID)
	if err != nil {
		return nil, err
	}
	for _, rep := range reps {
		if e, err := s.Practices.Library().Get(r.Context(), rep.Slug); err == nil {
			add(e.Live.Tags)
		}
	}
	return tags, nil
}

func (s *Pages) peerViews(p *web.Page, peers []knowledge.Peer) []peerView {
	var out []peerView
	for _, peer := range peers {
		v := peerView{Government: government(peer.Region, p.Lang()), Country: p.T("exchange.country." + string(peer.Region.Country)),
			Kind: p.T("exchange.kind." + peer.Kind)}
		if peer.SameCountry {
			v.Reasons = append(v.Reasons, p.T("exchange.peers.same_country"))
		}
		if peer.SameKind {
			v.Reasons = append(v.Reasons, p.T("exchange.peers.same_kind"))
		}
		if peer.SamePopulation {
			v.Reasons = append(v.Reasons, p.T("exchange.peers.same_population"))
		}
		if len(peer.SharedTags) > 0 {
			var names []string
			for _, t := range peer.SharedTags {
				names = append(names, p.T("exchange.tag."+t))
			}
			v.Reasons = append(v.Reasons, p.T("exchange.peers.shared_tags", strings.Join(names, ", ")))
		}
		for _, e := range peer.Practices {
			title, lang := e.Live.Title.In(p.Lang(), e.Live.Original)
			v.Practices = append(v.Practices, practiceRef{e.Slug, title, lang})
		}
		out = append(out, v)
	}
	return out
}
