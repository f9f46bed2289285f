// Package region is the directory of local governments that can become
// tenants: Indonesia's provinces, regencies and cities and Japan's
// prefectures, municipalities and designated-city wards. The data is embedded
// (see data/ATTRIBUTION.md for sources and licences) so the binary needs no
// network or database to offer the list at sign-up.
package region

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Country is an ISO 3166-1 alpha-2 code.
type Country string

const (
	Indonesia Country = "ID"
	Japan     Country = "JP"
)

// Level is a tier of local government, as named in the CSV level column.
type Level string

const (
	Province     Level = "province"     // ID provinsi
	Regency      Level = "regency"      // ID kabupaten
	City         Level = "city"         // ID kota
	Prefecture   Level = "prefecture"   // JP 都道府県
	Municipality Level = "municipality" // JP 市町村 and Tokyo's special wards
	Ward         Level = "ward"         // JP ward of a designated city (政令市の区)
)

// Region is one local government.
type Region struct {
	Code       string  `json:"code"` // "35.10", "401307"
	Country    Country `json:"country"`
	Level      Level   `json:"level"`
	Name       string  `json:"name"`                // official name: "Kabupaten Banyuwangi", "福岡市"
	NameKana   string  `json:"name_kana,omitempty"` // JP only, hiragana
	NameLatin  string  `json:"name_latin"`          // "Kabupaten Banyuwangi", "Fukuoka City"
	Parent     string  `json:"parent,omitempty"`    // code of the province or prefecture
	Population int64   `json:"population,omitempty"`
	TimeZone   string  `json:"time_zone"` // IANA name
}

// Directory is the loaded, read-only set of regions. It is safe for
// concurrent use.
type Directory struct {
	regions  []Region
	index    []searchEntry // parallel to regions
	byCode   map[string]int
	children map[string][]int // parent code → indexes, in code order
}

var (
	//go:embed data/regions-id.csv
	regionsID []byte
	//go:embed data/regions-jp.csv
	regionsJP []byte
)

// source is one embedded CSV and how to read its rows.
type source struct {
	name    string
	data    []byte
	columns []string // those parse reads
	parse   func(row) (Region, error)
}

var sources = []source{
	{"regions-id.csv", regionsID, idColumns, indonesianRegion},
	{"regions-jp.csv", regionsJP, jpColumns, japaneseRegion},
}

// Load parses the embedded CSVs and builds the search index. It runs at every
// start-up, so it does the work once here rather than on each query.
func Load() (*Directory, error) {
	d := &Directory{byCode: make(map[string]int, 2600)}
	for _, src := range sources {
		if err := d.addCSV(src); err != nil {
			return nil, fmt.Errorf("region: %s: %w", src.name, err)
		}
	}
	if err := d.link(); err != nil {
		return nil, fmt.Errorf("region: %w", err)
	}
	return d, nil
}

// row is one CSV record addressed by column name, so the parsers do not
// depend on column order.
type row struct {
	rec []string
	col map[string]int
}

func (r row) get(name string) string { return strings.TrimSpace(r.rec[r.col[name]]) }

// addCSV reads one source, converting each record with its parser.
func (d *Directory) addCSV(src source) error {
	cr := csv.NewReader(bytes.NewReader(src.data))
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	r := row{col: make(map[string]int, len(header))}
	for i, name := range header {
		r.col[name] = i
	}
	if err := requireColumns(r, src.columns); err != nil {
		return err
	}
	cr.ReuseRecord = true
	for line := 2; ; line++ {
		if r.rec, err = cr.Read(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		reg, err := src.parse(r)
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if err := d.add(reg); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

// requireColumns fails if the CSV lacks a column the parser reads; without
// it a renamed column would silently read column 0.
func requireColumns(r row, names []string) error {
	for _, n := range names {
		if _, ok := r.col[n]; !ok {
			return fmt.Errorf("missing column %q", n)
		}
	}
	return nil
}

func (d *Directory) add(reg Region) error {
	if _, dup := d.byCode[reg.Code]; dup {
		return fmt.Errorf("duplicate code %q", reg.Code)
	}
	d.byCode[reg.Code] = len(d.regions)
	d.regions = append(d.regions, reg)
	d.index = append(d.index, newSearchEntry(reg))
	return nil
}

// link checks that every parent exists and records each region under it.
func (d *Directory) link() error {
	d.children = make(map[string][]int, 100)
	for i, reg := range d.regions {
		if reg.Parent == "" {
			continue
		}
		if _, ok := d.byCode[reg.Parent]; !ok {
			return fmt.Errorf("%s: unknown parent %q", reg.Code, reg.Parent)
		}
		d.children[reg.Parent] = append(d.children[reg.Parent], i)
	}
	for _, kids := range d.children {
		slices.SortFunc(kids, func(a, b int) int { return strings.Compare(d.regions[a].Code, d.regions[b].Code) })
	}
	return nil
}

// Get returns the region with the given code.
func (d *Directory) Get(code string) (Region, bool) {
	i, ok := d.byCode[code]
	if !ok {
		return Region{}, false
	}
	return d.regions[i], true
}

// Children returns the regions whose parent is code, in code order. In Japan
// the CSV gives the prefecture as the parent of designated-city wards, so they
// are children of the prefecture, not of their city.
func (d *Directory) Children(code string) []Region {
	return d.collect(d.children[code])
}

// Count returns how many regions have country c and level l; an empty c or l
// matches any.
func (d *Directory) Count(c Country, l Level) int {
	n := 0
	for _, reg := range d.regions {
		if (c == "" || reg.Country == c) && (l == "" || reg.Level == l) {
			n++
		}
	}
	return n
}

// collect copies the regions at idx into a fresh slice, so callers cannot
// modify the directory.
func (d *Directory) collect(idx []int) []Region {
	out := make([]Region, len(idx))
	for i, j := range idx {
		out[i] = d.regions[j]
	}
	return out
}

func parsePopulation(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("population %q: %w", s, err)
	}
	return n, nil
}

// Exists tells whether code is in the directory; it lets the directory
// serve directly where NIK validation needs a region lookup.
func (d *Directory) Exists(code string) bool {
	_, ok := d.Get(code)
	return ok
}
