package classes

import (
	"net/http"
	"strconv"
	"time"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
)

// monthOf reads ?month=YYYY-MM (full-width digits too) in the tenant's
// zone; this month when not given or not a month.
func (s *Pages) monthOf(r *http.Request, t *tenant.Tenant) time.Time {
	now := s.Clock.Now().In(t.Location())
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, t.Location())
	if v := validation.Narrow(r.URL.Query().Get("month")); v != "" {
		if m, err := time.ParseInLocation("2006-01", v, t.Location()); err == nil {
			return m
		}
	}
	return this
}

type figuresRow struct {
	Title                                     string
	Sessions, Seats, Enrolled, Waiting, Ended int
	Attended, Rate, Completed                 int
	Ages                                      []int // by class.AgeBands, then not said
}

// ageCounts lists f's learners by age band in class.AgeBands order, then
// those who did not say.
func ageCounts(f class.CourseFigures) []int {
	var out []int
	for _, b := range append(append([]string{}, class.AgeBands...), "") {
		out = append(out, f.Ages[b])
	}
	return out
}

// struggleRow is an exercise where learners miss most.
type struggleRow struct {
	Course, Lesson, Kind    string
	Practisers, Done, Tries int
	Misses                  int
	PerTry                  string
}

// strugglesShown is how many of the hardest exercises the page lists.
const strugglesShown = 10

// figuresPage shows, per course, a month's sessions, seats, learners,
// waiting lists and attendance, with a CSV of the same.
func (s *Pages) figuresPage(w http.ResponseWriter, r *http.Request) {
	t, month, figures, ok := s.loadFigures(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "classes.figures.title")
	p.Tenant = t
	p.NoIndex = true
	var rows []figuresRow
	for _, f := range figures {
		rows = append(rows, figuresRow{f.Title.In(p.Lang()), f.Sessions, f.Seats, f.Enrolled, f.Waiting, f.Ended, f.Attended, f.Rate(),
			f.Completed, ageCounts(f)})
	}
	struggles, err := s.Classes.Struggles(r.Context(), t.ID, month, month.AddDate(0, 1, 0), strugglesShown)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	hours, err := s.Classes.HoursIn(r.Context(), t.ID, month, month.AddDate(0, 1, 0))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	minutes := 0
	for _, h := range hours {
		minutes += h.Minutes
	}
	var hard []struggleRow
	for _, x := range struggles {
		hard = append(hard, struggleRow{x.Course.In(p.Lang()), x.Lesson.In(p.Lang()), string(x.Exercise), x.Practisers, x.Done,
			x.Tries, x.Misses, strconv.FormatFloat(x.MissesPerTry(), 'f', 1, 64)})
	}
	p.Data = struct {
		Month, Prev, Next, This string
		Rows                    []figuresRow
		AgeBands                []string
		Struggles               []struggleRow
		Supporters, Minutes     int
	}{p.T("classes.figures.month", month.Year(), int(month.Month())), month.AddDate(0, -1, 0).Format("2006-01"),
		month.AddDate(0, 1, 0).Format("2006-01"), month.Format("2006-01"), rows, append(append([]string{}, class.AgeBands...), "unsaid"), hard, len(hours), minutes}
	s.Render(w, http.StatusOK, "class_figures", p)
}

// figuresCSV is the month's figures as a spreadsheet file (UTF-8 with a
// byte-order mark, so spreadsheet programs read Japanese right).
func (s *Pages) figuresCSV(w http.ResponseWriter, r *http.Request) {
	_, month, figures, ok := s.loadFigures(w, r)
	if !ok {
		return
	}
	lang := web.LangOf(r)
	tr := func(k string) string { return s.Catalog.T(lang, k) }
	rows := [][]string{{tr("classes.figures.course_code"), tr("classes.form.course"), tr("classes.figures.sessions"),
		tr("classes.figures.seats"), tr("classes.figures.enrolled"), tr("classes.figures.waiting"),
		tr("classes.figures.ended"), tr("classes.figures.attended"), tr("classes.figures.rate"), tr("classes.figures.completed")}}
	for _, b := range append(append([]string{}, class.AgeBands...), "unsaid") {
		rows[0] = append(rows[0], tr("classes.q.age")+": "+tr("classes.q.age."+b))
	}
	for _, f := range figures {
		rate := ""
		if f.Rate() >= 0 {
			rate = strconv.Itoa(f.Rate())
		}
		row := []string{f.Code, f.Title.In(lang), strconv.Itoa(f.Sessions), strconv.Itoa(f.Seats),
			strconv.Itoa(f.Enrolled), strconv.Itoa(f.Waiting), strconv.Itoa(f.Ended), strconv.Itoa(f.Attended), rate, strconv.Itoa(f.Completed)}
		for _, n := range ageCounts(f) {
			row = append(row, strconv.Itoa(n))
		}
		rows = append(rows, row)
	}
	w.Header().Set("Cache-Control", "private, no-store")
	if err := web.WriteCSV(w, "classes-"+month.Format("2006-01"), rows); err != nil {
		s.LogFailure(r, "send the classes' figures", err)
	}
}

// loadFigures reads the tenant, the month asked for and its figures.
func (s *Pages) loadFigures(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, time.Time, []class.CourseFigures, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return nil, time.Time{}, nil, false
	}
	month := s.monthOf(r, t)
	figures, err := s.Classes.Figures(r.Context(), t.ID, month, month.AddDate(0, 1, 0))
	if err != nil {
		s.ServerError(w, r, err)
		return nil, time.Time{}, nil, false
	}
	return t, month, figures, true
}
