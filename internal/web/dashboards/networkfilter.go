package dashboards

import (
	"net/url"
	"sort"

	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// networkFilter is which governments the network dashboard compares: all,
// one country's, or one province's or prefecture's (the region
// directory's parent of each government). A network of hundreds is read
// a part at a time, and governments are compared with their neighbours.
type networkFilter struct {
	country, area string
}

// networkFilterOf reads the filter from q. A value that names no country
// or area of the network's governments is read as "all", as the lists
// offer only those.
func (s *Pages) networkFilterOf(q url.Values, tenants []tenant.Tenant) networkFilter {
	f := networkFilter{country: q.Get("country"), area: q.Get("area")}
	countries, areas := map[string]bool{}, map[string]string{} // area -> its country
	for _, t := range tenants {
		countries[string(t.Country)] = true
		areas[s.areaOf(t)] = string(t.Country)
	}
	if !countries[f.country] {
		f.country = ""
	}
	// An area of another country than the one chosen (the country was
	// changed and the area left) selects nothing: it is dropped.
	if c, ok := areas[f.area]; !ok || f.area == "" || f.country != "" && c != f.country {
		f.area = ""
	}
	return f
}

// areaOf is the code of the province or prefecture t lies in (t's own
// for a province or prefecture), "" when the directory does not know t.
func (s *Pages) areaOf(t tenant.Tenant) string {
	reg, ok := s.Regions.Get(t.RegionCode)
	switch {
	case !ok:
		return ""
	case reg.Parent == "":
		return reg.Code
	}
	return reg.Parent
}

// keep tells whether f selects t.
func (s *Pages) keep(f networkFilter, t tenant.Tenant) bool {
	return (f.country == "" || string(t.Country) == f.country) && (f.area == "" || s.areaOf(t) == f.area)
}

// values are f as query parameters (for the CSV links).
func (f networkFilter) values(v url.Values) url.Values {
	if f.country != "" {
		v.Set("country", f.country)
	}
	if f.area != "" {
		v.Set("area", f.area)
	}
	return v
}

// networkOptions offers the countries and the areas the network's
// governments are in (areas of the chosen country only), "all" first.
func (s *Pages) networkOptions(p *web.Page, tenants []tenant.Tenant, f networkFilter) (countries, areas []option) {
	countries = []option{{Value: "", Label: p.T("dashboard.network.all_countries"), Selected: f.country == ""}}
	areas = []option{{Value: "", Label: p.T("dashboard.network.all_areas"), Selected: f.area == ""}}
	seen := map[string]bool{}
	var areaOpts []option
	for _, t := range tenants {
		c := string(t.Country)
		if !seen["c:"+c] {
			seen["c:"+c] = true
			countries = append(countries, option{Value: c, Label: p.T("dashboard.network.country." + c), Selected: c == f.country})
		}
		a := s.areaOf(t)
		if a == "" || seen["a:"+a] || (f.country != "" && c != f.country) {
			continue
		}
		seen["a:"+a] = true
		areaOpts = append(areaOpts, option{Value: a, Label: s.areaName(p, a), Selected: a == f.area})
	}
	sort.SliceStable(countries[1:], func(i, j int) bool { return countries[1+i].Label < countries[1+j].Label })
	sort.Slice(areaOpts, func(i, j int) bool { return areaOpts[i].Label < areaOpts[j].Label })
	return countries, append(areas, areaOpts...)
}

// areaName names a province or prefecture as its reader would: Japanese
// readers a prefecture's own name (福岡県), others its Latin one; an
// Indonesian province's official name is already Latin.
func (s *Pages) areaName(p *web.Page, code string) string {
	reg, ok := s.Regions.Get(code)
	switch {
	case !ok:
		return code
	case reg.Country == region.Japan && p.Lang() == "ja":
		return reg.Name
	case reg.NameLatin != "":
		return reg.NameLatin
	}
	return reg.Name
}
