package knowledge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/validation"
)

// importLine is one line of a practices file (JSON Lines), as
// shared/data/practices.jsonl writes it: the texts as {"id","ja","en"},
// metrics with an English name. The optional fields after Sources are
// what Serambi's own export adds.
type importLine struct {
	Slug       string         `json:"slug"`
	Country    string         `json:"country"`
	RegionCode string         `json:"region_code"`
	Government string         `json:"government"`
	Title      Words          `json:"title"`
	Summary    Words          `json:"summary"`
	Problem    Words          `json:"problem"`
	Solution   Words          `json:"solution"`
	Results    Words          `json:"results"`
	Metrics    []importMetric `json:"metrics"`
	Started    *int           `json:"started"`
	Status     string         `json:"status"`
	Tags       []string       `json:"tags"`
	Sources    []string       `json:"sources"`

	Original string            `json:"original,omitempty"`
	Origins  map[string]Origin `json:"origins,omitempty"`
	Cost     Words             `json:"cost,omitempty"`
	Team     Words             `json:"team,omitempty"`
	Stages   []Stage           `json:"stages,omitempty"`
	Contact  Contact           `json:"contact,omitempty"`
	Licence  string            `json:"licence,omitempty"`
	Partners bool              `json:"looking_for_partners,omitempty"`
	Runs     []Run             `json:"runs,omitempty"`
}

// importMetric takes the figures as they come, so "12,5" or "１２" is read
// and a word is refused by name rather than by a JSON type error.
type importMetric struct {
	NameEN   string          `json:"name_en"`
	Name     Words           `json:"name"`
	Unit     string          `json:"unit"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	Measured string          `json:"measured"`
}

// Outcome is what an import did with one line.
type Outcome string

const (
	Added     Outcome = "added"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Refused   Outcome = "refused"
)

// LineResult is one line's outcome; a refused line says why, as message
// keys (Problems) or a sentence (Reason) for a line that is not JSON.
type LineResult struct {
	Line     int
	Slug     string
	Outcome  Outcome
	Problems validation.Errors
	Reason   string
}

// Report is what an import did, line by line.
type Report struct{ Lines []LineResult }

// Count is how many lines had outcome o.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, l := range r.Lines {
		if l.Outcome == o {
			n++
		}
	}
	return n
}

// maxLine is the longest line an import reads (a practice with every text
// at its longest is well under it).
const maxLine = 1 << 20

// Import reads a practices file and publishes each line's practice,
// matched by slug: a new slug is added, a known one updated when its
// content differs (a new version; the old one kept in the history) and
// left alone when it does not, so importing a file twice changes nothing.
// Each line is its own transaction: a refused line (reported with why)
// does not stop the others. The error is for a file that cannot be read
// or a database that fails.
func (s *Store) Import(ctx context.Context, actor audit.Actor, r io.Reader) (Report, error) {
	var rep Report
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		res, err := s.importOne(ctx, actor, n, line)
		if err != nil {
			return rep, fmt.Errorf("knowledge: import line %d: %w", n, err)
		}
		rep.Lines = append(rep.Lines, res)
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("knowledge: read the import file after line %d: %w", len(rep.Lines), err)
	}
	return rep, nil
}

func (s *Store) importOne(ctx context.Context, actor audit.Actor, n int, line []byte) (LineResult, error) {
	res := LineResult{Line: n, Outcome: Refused}
	var in importLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		res.Reason = "not a valid practice line: " + err.Error()
		return res, nil
	}
	res.Slug = in.Slug
	p, c, errs := s.fromLine(in)
	if len(errs) > 0 {
		res.Problems = errs
		return res, nil
	}
	err := s.write(ctx, func(ctx context.Context, tx *db.Tx) error {
		old, err := s.one(ctx, tx, "p.slug = ?", p.Slug)
		switch {
		case errors.Is(err, ErrNotFound):
			res.Outcome = Added
		case err != nil:
			return err
		default:
			p.ID, p.State, res.Outcome = old.ID, old.State, Updated
		}
		changed, err := s.publish(ctx, tx, actor, p, c, "import")
		if err != nil || !changed {
			res.Outcome = Unchanged
			return err
		}
		return audit.Append(ctx, tx, actor.Entry("", "practice.import", "practice:"+p.Slug, string(res.Outcome)))
	})
	return res, err
}

// fromLine checks a line and turns it into a practice and its content.
func (s *Store) fromLine(in importLine) (Practice, Content, validation.Errors) {
	var errs validation.Errors
	p := Practice{Slug: in.Slug, Country: region.Country(in.Country), RegionCode: in.RegionCode, LookingForPartners: in.Partners}
	if !ValidSlug(in.Slug) {
		errs.Add("slug", "exchange.error.slug")
	}
	if reg, ok := s.regions.Get(in.RegionCode); !ok || reg.Country != p.Country {
		errs.Add("region_code", "exchange.error.region")
	}
	c := Content{
		Original: in.Original, Origins: in.Origins, Title: in.Title, Summary: in.Summary, Problem: in.Problem,
		Solution: in.Solution, Results: in.Results, Cost: in.Cost, Team: in.Team, Stages: in.Stages,
		Status: Status(in.Status), Tags: in.Tags, Sources: in.Sources, Contact: in.Contact, Licence: in.Licence,
		Runs: in.Runs,
	}
	if in.Started != nil {
		c.Started = *in.Started
	}
	if c.Original == "" {
		c.Original = defaultOriginal(p.Country)
	}
	if c.Origins == nil {
		c.Origins = originsOf(c)
	}
	if c.Licence == "" {
		c.Licence = DefaultLicence
	}
	for _, m := range in.Metrics {
		metric, ok := m.read()
		if !ok {
			errs.Add("metrics", "exchange.error.metric_number")
			break
		}
		c.Metrics = append(c.Metrics, metric)
	}
	errs = append(errs, c.Check(s.clock.Now())...)
	return p, c, errs
}

// defaultOriginal is the language a government of country writes in.
func defaultOriginal(c region.Country) string {
	if c == region.Japan {
		return "ja"
	}
	return "id"
}

// originsOf marks the original language's text original and every other
// language that has a title translated.
func originsOf(c Content) map[string]Origin {
	out := map[string]Origin{}
	for _, l := range Langs {
		switch {
		case l == c.Original:
			out[l] = Original
		case c.Title[l] != "":
			out[l] = Translated
		}
	}
	return out
}

// read turns the line's metric into a Metric; ok is false when a figure
// is not a number.
func (m importMetric) read() (Metric, bool) {
	out := Metric{Name: m.Name, Unit: m.Unit, Measured: m.Measured}
	if out.Name == nil {
		out.Name = Words{}
	}
	if m.NameEN != "" && out.Name["en"] == "" {
		out.Name["en"] = m.NameEN
	}
	var ok1, ok2 bool
	out.Before, ok1 = figure(m.Before)
	out.After, ok2 = figure(m.After)
	return out, ok1 && ok2
}

// plainNumber is a figure as a person writes one: no exponent, no hex,
// no NaN.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// figure reads a JSON number, null, or a string holding a number as a
// person typed it (full-width digits, a decimal comma); ok is false for
// anything else.
func figure(raw json.RawMessage) (*float64, bool) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, true
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		s = validation.Narrow(strings.TrimSpace(str))
		if s == "" {
			return nil, true
		}
		if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
			s = strings.Replace(s, ",", ".", 1) // a decimal comma: "12,5"
		}
	}
	if !plainNumber.MatchString(s) {
		return nil, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}
