package survey

import (
	"github.com/serambi/serambi/internal/region"
)

// Template codes.
const (
	SKMCode     = "skm" // Indonesia's SKM: nine elements on 4 points
	CounterCode = "jp5" // Japan's counter survey: five items on 5 points
)

// Channels an answer can be about.
const (
	Online = "online"  // an application made from home
	Remote = "counter" // a call with the remote counter
	Kiosk  = "kiosk"   // a visit to a kiosk in a community hall
	Class  = "class"   // a smartphone class attended
)

// Channels lists them in the order reports show them.
var Channels = []string{Online, Remote, Kiosk, Class}

// Unit kinds: what part of the government an answer is about, besides
// its service.
const (
	UnitTenant  = "tenant"
	UnitCounter = "counter"
	UnitClass   = "class"
)

// Template is a country's standard questionnaire. Its wording lives in
// the message catalogs under survey.<code>.<item>.question and
// survey.<code>.<item>.a<n> (the regulation's own answer words per
// element, not one scale for all).
type Template struct {
	Code  string
	Scale int      // answers run 1..Scale
	Items []string // item keys, in the order asked
	// Profile: the SKM asks who answered (sex, age, education,
	// occupation), each optional.
	Profile bool
}

// SKMTemplate is Indonesia's questionnaire (PermenPANRB 14/2017): U1
// requirements, U2 procedure, U3 time, U4 cost, U5 product, U6
// competence, U7 behaviour, U8 facilities, U9 complaints.
var SKMTemplate = Template{Code: SKMCode, Scale: 4, Profile: true,
	Items: []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"}}

// CounterTemplate is the 5-point survey Japanese cities ask at the
// counter: waiting time, staff manner, clarity of explanation, ease of
// the procedure, overall.
var CounterTemplate = Template{Code: CounterCode, Scale: 5,
	Items: []string{"wait", "manner", "clarity", "ease", "overall"}}

// ForCountry is the template a government of country c asks.
func ForCountry(c region.Country) Template {
	if c == region.Japan {
		return CounterTemplate
	}
	return SKMTemplate
}

// ByCode returns the template with code; ok is false for an unknown one.
func ByCode(code string) (Template, bool) {
	switch code {
	case SKMCode:
		return SKMTemplate, true
	case CounterCode:
		return CounterTemplate, true
	}
	return Template{}, false
}

// Profile questions of the SKM and their answers (message keys
// survey.profile.<question> and survey.profile.<question>.<answer>).
var ProfileQuestions = []string{"sex", "age", "education", "occupation"}

// ProfileAnswers are the answers each profile question offers; "" (not
// said) is always allowed.
var ProfileAnswers = map[string][]string{
	"sex":        {"male", "female"},
	"age":        {"under20", "20s", "30s", "40s", "50s", "60plus"},
	"education":  {"primary", "junior", "senior", "diploma", "bachelor", "postgraduate"},
	"occupation": {"civil", "military", "police", "private", "self", "student", "other"},
}

// Profile is who answered, each part optional.
type Profile struct {
	Sex, Age, Education, Occupation string
}

// Get returns the answer to profile question q.
func (p Profile) Get(q string) string {
	switch q {
	case "sex":
		return p.Sex
	case "age":
		return p.Age
	case "education":
		return p.Education
	case "occupation":
		return p.Occupation
	}
	return ""
}

// set sets the answer to profile question q.
func (p *Profile) set(q, v string) {
	switch q {
	case "sex":
		p.Sex = v
	case "age":
		p.Age = v
	case "education":
		p.Education = v
	case "occupation":
		p.Occupation = v
	}
}

// validProfile says whether v is an answer q offers ("" is).
func validProfile(q, v string) bool {
	if v == "" {
		return true
	}
	for _, a := range ProfileAnswers[q] {
		if a == v {
			return true
		}
	}
	return false
}
