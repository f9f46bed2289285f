package knowledge

import (
	"context"
	"slices"
	"sort"

	"github.com/serambi/serambi/internal/region"
)

// Peer is a government in the library that is like the asker's: why,
// and its practices.
type Peer struct {
	Region                                region.Region
	Kind                                  string
	Population                            string
	Score                                 int
	SameCountry, SameKind, SamePopulation bool
	SharedTags                            []string
	Practices                             []*Entry
}

// Peers ranks the governments with published practices by how much they
// are like ours: the same country (3), the same kind of government (2),
// the same population band (1), and each topic shared with what we do
// or replicate (1, at most 3). Ours is left out.
func (l *Library) Peers(ctx context.Context, ours region.Region, ourTags []string, n int) ([]Peer, error) {
	snap, err := l.current(ctx)
	if err != nil {
		return nil, err
	}
	byRegion := map[string]*Peer{}
	var order []string
	for _, e := range snap.entries {
		if e.State != Published || e.RegionCode == ours.Code {
			continue
		}
		p, ok := byRegion[e.RegionCode]
		if !ok {
			p = &Peer{Region: e.Region, Kind: e.Kind, Population: e.Population}
			byRegion[e.RegionCode] = p
			order = append(order, e.RegionCode)
		}
		p.Practices = append(p.Practices, e)
		for _, t := range e.Live.Tags {
			if slices.Contains(ourTags, t) && !slices.Contains(p.SharedTags, t) {
				p.SharedTags = append(p.SharedTags, t)
			}
		}
	}
	band := PopulationBand(ours.Population)
	out := make([]Peer, 0, len(order))
	for _, code := range order {
		p := byRegion[code]
		p.SameCountry = p.Region.Country == ours.Country
		p.SameKind = p.Kind == ours.Kind()
		p.SamePopulation = band != "" && p.Population == band
		p.Score = min(len(p.SharedTags), 3)
		for _, add := range []struct {
			yes    bool
			weight int
		}{{p.SameCountry, 3}, {p.SameKind, 2}, {p.SamePopulation, 1}} {
			if add.yes {
				p.Score += add.weight
			}
		}
		out = append(out, *p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}
