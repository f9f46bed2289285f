package app

import (
	"context"
	"fmt"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
)

// demoHalls are where each demo tenant's classes meet: name, address and
// a map link.
var demoHalls = map[string][3]string{
	"banyuwangi": {"Balai Desa Kemiren", "Jl. Barong, Kemiren, Glagah, Banyuwangi", "https://www.openstreetmap.org/search?query=Kemiren%20Banyuwangi"},
	"fukuoka":    {"博多区 公民館", "福岡県福岡市博多区博多駅前2-8-1", "https://www.openstreetmap.org/search?query=%E5%8D%9A%E5%A4%9A%E5%8C%BA"},
	"neyagawa":   {"寝屋川市 地域センター", "大阪府寝屋川市本町1-1", "https://www.openstreetmap.org/search?query=%E5%AF%9D%E5%B1%8B%E5%B7%9D%E5%B8%82"},
}

// demoLearners are the demo tenants' other learners, so one class is
// nearly full and another has a waiting list.
var demoLearners = map[string][]string{
	"banyuwangi": {"Pak Slamet", "Bu Sumiati", "Pak Hartono", "Bu Kartini", "Pak Suparman", "Bu Ngatini"},
	"fukuoka":    {"木村 正", "林 久美子", "清水 勇", "森 和代", "池田 茂", "橋本 光子"},
	"neyagawa":   {"松本 進", "井上 節子", "山口 博", "小林 芳子", "加藤 實", "吉田 文子"},
}

// seedDemoClasses gives a demo tenant the starter curriculum and, unless
// it has classes coming already, three sessions: one nearly full, one
// with a waiting list, and an online one the demo resident is enrolled in.
func seedDemoClasses(ctx context.Context, a *App, t tenant.Tenant) error {
	if _, err := a.Classes.CopyStarter(ctx, audit.System, t.ID, string(t.Country)); err != nil {
		return err
	}
	now := a.Clock.Now()
	coming, err := a.Classes.Sessions(ctx, t.ID, now, now.AddDate(0, 3, 0))
	if err != nil || len(coming) > 0 {
		return err
	}
	courses, err := a.Classes.Courses(ctx, t.ID, true)
	if err != nil || len(courses) < 3 {
		return err
	}
	learners, err := demoLearnerIDs(ctx, a, t)
	if err != nil {
		return err
	}
	resident, err := a.Identity.ByLogin(ctx, "resident@"+t.Slug+".demo")
	if err != nil {
		return err
	}
	hall := demoHalls[t.Slug]
	local := now.In(t.Location())
	at := func(days, hour int) time.Time {
		return time.Date(local.Year(), local.Month(), local.Day()+days, hour, 0, 0, 0, t.Location())
	}
	plan := []demoClass{
		{courses[0], at(3, 10), 6, false, learners[:5]},
		{courses[1], at(10, 14), 4, false, learners},
		{courses[2], at(17, 10), 20, true, []identity.User{resident}},
	}
	// And one today, starting within the half hour, so that check-in and
	// the practice code are open whenever the demo is tried.
	soon := now.Add(15 * time.Minute).Truncate(5 * time.Minute)
	plan = append(plan, demoClass{courses[0], soon, 10, false, []identity.User{resident, learners[5]}})
	// And an online one just after it, whose room is already open, so the
	// online class can be tried too (the instructor starts it).
	plan = append(plan, demoClass{courses[1], soon.Add(10 * time.Minute), 15, true, []identity.User{resident, learners[0]}})
	var sessions []classes.Session
	for _, p := range plan {
		in := classes.Session{CourseID: p.course.ID, StartsAt: p.start, EndsAt: p.start.Add(90 * time.Minute),
			Online: p.online, Capacity: p.capacity}
		if !p.online {
			in.VenueName, in.VenueAddress, in.MapURL = hall[0], hall[1], hall[2]
		}
		x, err := a.Classes.CreateSession(ctx, audit.System, t.ID, in)
		if err != nil {
			return fmt.Errorf("session of %s: %w", p.course.Code, err)
		}
		sessions = append(sessions, x)
		for i, u := range p.who {
			q := classes.Questions{Phone: []string{classes.PhoneAndroid, classes.PhoneIPhone, classes.PhoneNone}[i%3]}
			q.Borrow = q.Phone == classes.PhoneNone
			if _, err := a.Classes.Enrol(ctx, audit.Actor{ID: u.ID, Label: u.Email}, t.ID, x.ID, u.ID, q); err != nil {
				return fmt.Errorf("enrol %s: %w", u.Email, err)
			}
		}
	}
	if err := demoTeam(ctx, a, t, sessions); err != nil {
		return err
	}
	return demoPractice(ctx, a, t, courses[0], resident)
}

// demoClass is one demo session to make, with who is enrolled.
type demoClass struct {
	course   classes.Course
	start    time.Time
	capacity int
	online   bool
	who      []identity.User
}

// demoTeam: the instructor teaches every demo class, and an approved,
// trained digital supporter (supporter@…demo) helps in today's and the
// nearly full one.
func demoTeam(ctx context.Context, a *App, t tenant.Tenant, sessions []classes.Session) error {
	instructor, err := a.Identity.ByLogin(ctx, "instructor@"+t.Slug+".demo")
	if err != nil {
		return err
	}
	sup, err := a.Identity.EnsureUser(ctx, audit.System, identity.EnsureInput{
		Email: "supporter@" + t.Slug + ".demo", Name: demoSupporters[t.Slug], Password: DemoPassword,
		Lang: t.DefaultLang, MFAExempt: true, TenantID: t.ID, Roles: []identity.Role{identity.Resident},
	})
	if err != nil {
		return err
	}
	by := audit.Actor{ID: sup.ID, Label: sup.Email}
	steps := []func() error{
		func() error { return a.Classes.ApplySupporter(ctx, by, t.ID, sup.ID, "") },
		func() error { return a.Classes.DecideSupporter(ctx, audit.System, t.ID, sup.ID, true) },
		func() error {
			return a.Classes.RecordTraining(ctx, audit.System, t.ID, sup.ID, demoTraining[t.Country])
		},
	}
	for _, x := range sessions {
		steps = append(steps, func() error {
			return a.Classes.Assign(ctx, audit.System, t.ID, x.ID, instructor.ID, classes.AssignedInstructor)
		})
	}
	for _, x := range []classes.Session{sessions[0], sessions[len(sessions)-1]} {
		steps = append(steps, func() error {
			return a.Classes.Assign(ctx, audit.System, t.ID, x.ID, sup.ID, classes.AssignedSupporter)
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("demo supporter: %w", err)
		}
	}
	return nil
}

// demoSupporters are the demo tenants' digital supporters.
var demoSupporters = map[string]string{"banyuwangi": "Mas Dimas", "fukuoka": "中村 早苗", "neyagawa": "西田 健一"}

// demoTraining is the training the demo supporter has done.
var demoTraining = map[region.Country]string{region.Indonesia: "Pelatihan dasar pendamping digital (3 jam)", region.Japan: "デジタル活用支援員 基礎研修（3時間）"}

// demoPractice: the demo resident has done the first exercise of the
// first course and tried the next one.
func demoPractice(ctx context.Context, a *App, t tenant.Tenant, brief classes.Course, resident identity.User) error {
	c, err := a.Classes.Course(ctx, t.ID, brief.ID)
	if err != nil {
		return err
	}
	me := classes.Practiser{LearnerID: resident.ID}
	for _, l := range c.Lessons {
		for i, e := range l.Exercises {
			if err := a.Classes.Record(ctx, t.ID, l.ID, e, me, classes.Result{Done: i == 0, Misses: 2}); err != nil {
				return fmt.Errorf("demo practice %s: %w", e, err)
			}
		}
		if len(l.Exercises) > 0 {
			return nil
		}
	}
	return nil
}

// demoLearnerIDs makes (once) the demo tenant's other learners, residents
// who sign in with the demo password too: learner1@…demo to learner6@…demo.
func demoLearnerIDs(ctx context.Context, a *App, t tenant.Tenant) ([]identity.User, error) {
	var out []identity.User
	for i, name := range demoLearners[t.Slug] {
		u, err := a.Identity.EnsureUser(ctx, audit.System, identity.EnsureInput{
			Email: fmt.Sprintf("learner%d@%s.demo", i+1, t.Slug), Name: name, Password: DemoPassword,
			Lang: t.DefaultLang, MFAExempt: true, TenantID: t.ID, Roles: []identity.Role{identity.Resident},
		})
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
