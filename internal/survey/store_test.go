package survey_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/testenv"
)

type env struct {
	*testenv.Env
	st *survey.Store
}

func newEnv(t *testing.T, d *db.DB) env {
	t.Helper()
	e := testenv.New(t, d)
	st, err := survey.NewStore(d, e.Clock, []byte("test secret key of thirty-two by"))
	if err != nil {
		t.Fatal(err)
	}
	return env{e, st}
}

// invite makes an invitation about subject in tenant slug and returns its
// link token.
func (e env) invite(t *testing.T, slug, subject, service, channel string) string {
	t.Helper()
	tn := e.Tenants[slug]
	var inv survey.Invitation
	err := e.DB.InTx(e.Ctx, func(tx *db.Tx) error {
		var err error
		var created bool
		inv, created, err = e.st.Invite(e.Ctx, tx, survey.Invitation{TenantID: tn.ID, Template: survey.ForCountry(tn.Country),
			Channel: channel, Subject: subject, ServiceID: service})
		if err == nil && !created {
			err = fmt.Errorf("%s was invited before", subject)
		}
		return err
	})
	if err != nil {
		t.Fatalf("invite: %v", err)
	}
	return e.st.Token(inv.ID)
}

// answer fills every standard question of token's invitation with
// answers.
func (e env) answer(t *testing.T, slug, token string, answers []int) {
	t.Helper()
	tn := e.Tenants[slug]
	tpl := survey.ForCountry(tn.Country)
	for i, v := range answers {
		if _, err := e.st.Change(e.Ctx, tn.ID, token, func(d *survey.Draft) error { return d.Answer(tpl, i, v) }); err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
	}
}

func TestOneResponsePerInvitationUnderConcurrentSubmits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.Tenants["banyuwangi"]
		token := e.invite(t, "banyuwangi", "application:1", "svc-1", survey.Online)
		e.answer(t, "banyuwangi", token, []int{4, 3, 3, 2, 4, 4, 4, 3, 2})
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() { errs[i] = e.st.Submit(e.Ctx, tn.ID, token, tn.Location()) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, survey.ErrAnswered) && !errors.Is(err, survey.ErrLink):
				t.Errorf("a losing submit: %v, want ErrAnswered", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d submits counted, want exactly 1 (%v)", ok, errs)
		}
		var responses int
		if err := d.QueryRowContext(e.Ctx, "SELECT COUNT(*) FROM survey_responses WHERE tenant_id = ?", tn.ID).Scan(&responses); err != nil {
			t.Fatal(err)
		}
		rs, err := e.st.Rollups(e.Ctx, tn.ID, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if responses != 1 || len(rs) != 1 || rs[0].Respondents != 1 || rs[0].Sum[3] != 2 {
			t.Fatalf("%d responses, rollups %+v; want one response of 1 respondent", responses, rs)
		}
		// The draft left the invitation with the response, and it cannot
		// be opened again.
		if _, err := e.st.Open(e.Ctx, tn.ID, token); !errors.Is(err, survey.ErrAnswered) {
			t.Fatalf("opening an answered invitation: %v, want ErrAnswered", err)
		}
		var draft string
		if err := d.QueryRowContext(e.Ctx, "SELECT draft FROM survey_invitations WHERE tenant_id = ?", tn.ID).Scan(&draft); err != nil || draft != "" {
			t.Fatalf("draft after sending: %q %v", draft, err)
		}
	})
}

func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bwi, fuk := e.Tenants["banyuwangi"], e.Tenants["fukuoka"]
		token := e.invite(t, "banyuwangi", "application:2", "svc-1", survey.Online)
		other := e.invite(t, "fukuoka", "call:9", "", survey.Remote)
		forged := token[:len(token)-2] + "xx"
		cases := []struct {
			name  string
			err   error
			check func() error
		}{
			{"forged link", survey.ErrLink, func() error { _, err := e.st.Open(e.Ctx, bwi.ID, forged); return err }},
			{"not a link", survey.ErrLink, func() error { _, err := e.st.Open(e.Ctx, bwi.ID, "nothing"); return err }},
			{"another government's link", survey.ErrLink, func() error { _, err := e.st.Open(e.Ctx, bwi.ID, other); return err }},
			{"missing answers", survey.ErrMissing, func() error { return e.st.Submit(e.Ctx, bwi.ID, token, bwi.Location()) }},
			{"answer 5 on a 4-point scale", survey.ErrScale, func() error {
				_, err := e.st.Change(e.Ctx, bwi.ID, token, func(d *survey.Draft) error { return d.Answer(survey.SKMTemplate, 0, 5) })
				return err
			}},
			{"answer 0", survey.ErrScale, func() error {
				_, err := e.st.Change(e.Ctx, bwi.ID, token, func(d *survey.Draft) error { return d.Answer(survey.SKMTemplate, 0, 0) })
				return err
			}},
			{"item 10 of 9", survey.ErrScale, func() error {
				_, err := e.st.Change(e.Ctx, bwi.ID, token, func(d *survey.Draft) error { return d.Answer(survey.SKMTemplate, 9, 3) })
				return err
			}},
			{"a profile answer not offered", survey.ErrProfile, func() error {
				_, err := e.st.Change(e.Ctx, bwi.ID, token, func(d *survey.Draft) error { return d.SetProfile(survey.Profile{Age: "99"}) })
				return err
			}},
			{"a hidden character in the comment", survey.ErrComment, func() error {
				_, err := e.st.Change(e.Ctx, bwi.ID, token, func(d *survey.Draft) error { return d.SetComment("ok\u202e") })
				return err
			}},
		}
		for _, c := range cases {
			if err := c.check(); !errors.Is(err, c.err) {
				t.Errorf("%s: %v, want %v", c.name, err, c.err)
			}
		}
		// Nothing was kept by any refusal, and Fukuoka's own link works.
		inv, err := e.st.Open(e.Ctx, bwi.ID, token)
		if err != nil || inv.Draft.Next(survey.SKMTemplate) != 0 || inv.Draft.Profile != (survey.Profile{}) {
			t.Fatalf("after refusals: %+v %v", inv.Draft, err)
		}
		if inv, err := e.st.Open(e.Ctx, fuk.ID, other); err != nil || inv.Template.Code != survey.CounterCode {
			t.Fatalf("Fukuoka's invitation: %+v %v (want the 5-point counter survey)", inv, err)
		}
		// Thirty days later the link has expired.
		e.Clock.Advance(survey.Lifetime)
		if _, err := e.st.Open(e.Ctx, bwi.ID, token); !errors.Is(err, survey.ErrExpired) {
			t.Fatalf("after 30 days: %v, want ErrExpired", err)
		}
	})
}

// TestRollupsEqualTheResponses sends many random responses over three
// months and compares the kept sums with sums computed from the raw
// responses, by month, service and channel.
func TestRollupsEqualTheResponses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.Tenants["banyuwangi"]
		rng := rand.New(rand.NewPCG(1, 2))
		services := []string{"svc-a", "svc-b"}
		channels := []string{survey.Online, survey.Remote}
		for i := range 60 {
			if i%20 == 0 && i > 0 {
				e.Clock.Advance(31 * 24 * time.Hour)
			}
			token := e.invite(t, "banyuwangi", fmt.Sprintf("application:%d", i), services[i%2], channels[(i/2)%2])
			answers := make([]int, survey.Elements)
			for j := range answers {
				answers[j] = 1 + rng.IntN(4)
			}
			e.answer(t, "banyuwangi", token, answers)
			if err := e.st.Submit(e.Ctx, tn.ID, token, tn.Location()); err != nil {
				t.Fatal(err)
			}
		}
		// Five answers and three unanswered invitations recorded three
		// months back (the demo's history) go through the same sums.
		back := testenv.Start.AddDate(0, -3, 0)
		for i := range 8 {
			var dr survey.Draft
			if i < 5 {
				dr.Answers = []int{1 + i%4, 2, 3, 4, 1, 2, 3, 4, 1 + (i+1)%4}
			}
			if err := e.st.Record(e.Ctx, survey.Invitation{TenantID: tn.ID, Template: survey.SKMTemplate, Channel: survey.Online,
				Subject: fmt.Sprintf("history:%d", i), ServiceID: "svc-a"}, dr, back, tn.Location()); err != nil {
				t.Fatal(err)
			}
		}
		// Recording the same subject again changes nothing.
		if err := e.st.Record(e.Ctx, survey.Invitation{TenantID: tn.ID, Template: survey.SKMTemplate, Channel: survey.Online,
			Subject: "history:0", ServiceID: "svc-a"}, survey.Draft{Answers: []int{4, 4, 4, 4, 4, 4, 4, 4, 4}}, back, tn.Location()); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Record(e.Ctx, survey.Invitation{TenantID: tn.ID, Template: survey.SKMTemplate, Subject: "history:bad"},
			survey.Draft{Answers: []int{5, 4, 4, 4, 4, 4, 4, 4, 4}}, back, tn.Location()); !errors.Is(err, survey.ErrScale) {
			t.Fatalf("recording an answer of 5: %v", err)
		}
		rows, err := d.QueryContext(e.Ctx, `SELECT period, service_id, channel, COUNT(*), SUM(a1), SUM(a2), SUM(a3), SUM(a4), SUM(a5),
			SUM(a6), SUM(a7), SUM(a8), SUM(a9) FROM survey_responses WHERE tenant_id = ? GROUP BY period, service_id, channel`, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw := map[string]survey.Tally{}
		for rows.Next() {
			var period, service, channel string
			var tl survey.Tally
			dest := []any{&period, &service, &channel, &tl.Respondents}
			for i := range tl.Sum {
				dest = append(dest, &tl.Sum[i])
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			for i := range tl.Count {
				tl.Count[i] = int64(tl.Respondents)
			}
			raw[period+"|"+service+"|"+channel] = tl
		}
		rows.Close()
		rs, err := e.st.Rollups(e.Ctx, tn.ID, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != len(raw) || len(rs) < 10 {
			t.Fatalf("%d rollup rows, %d groups of raw responses", len(rs), len(raw))
		}
		for _, r := range rs {
			if got, want := r.Tally(), raw[r.Period+"|"+r.ServiceID+"|"+r.Channel]; got != want {
				t.Errorf("%s %s %s: rollup %+v, raw %+v", r.Period, r.ServiceID, r.Channel, got, want)
			}
		}
		// A period's index is the merge of its months; one service's is its
		// own rows only.
		var all survey.Tally
		for _, r := range rs {
			all.Merge(r.Tally())
		}
		if all.Respondents != 65 || all.SKM().Empty {
			t.Fatalf("all months: %+v", all)
		}
		if rs[0].Respondents != 5 || rs[0].Sum[0] != 1+2+3+4+1 {
			t.Fatalf("the recorded month: %+v", rs[0])
		}
		history, err := e.st.Served(e.Ctx, tn.ID, survey.Filter{From: rs[0].Period, To: rs[0].Period}, tn.Location())
		if err != nil || history != 8 {
			t.Fatalf("served in the recorded month: %d %v, want 8 (5 answered, 3 not)", history, err)
		}
		rs = rs[1:]
		only, err := e.st.Rollups(e.Ctx, tn.ID, survey.Filter{ServiceID: "svc-a", From: rs[0].Period, To: rs[0].Period})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range only {
			n += r.Respondents
			if r.ServiceID != "svc-a" || r.Period != rs[0].Period {
				t.Fatalf("filter let %+v through", r)
			}
		}
		if n != 10 {
			t.Fatalf("svc-a in the first month: %d respondents, want 10", n)
		}
		served, err := e.st.Served(e.Ctx, tn.ID, survey.Filter{ServiceID: "svc-a", From: rs[0].Period, To: rs[0].Period}, tn.Location())
		if err != nil || served != 10 {
			t.Fatalf("served: %d %v, want 10", served, err)
		}
		// The counts of those invited add up to the invitations made.
		var invitations, counted int
		if err := d.QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM survey_invitations WHERE tenant_id = ?`, tn.ID).Scan(&invitations); err != nil {
			t.Fatal(err)
		}
		if counted, err = e.st.Served(e.Ctx, tn.ID, survey.Filter{}, tn.Location()); err != nil || counted != invitations {
			t.Fatalf("served over every month: %d (%v), invitations made: %d", counted, err, invitations)
		}
	})
}

// A subject is invited once, whoever asks twice.
func TestInviteOncePerSubject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.Tenants["fukuoka"]
		e.invite(t, "fukuoka", "call:1", "", survey.Remote)
		err := d.InTx(e.Ctx, func(tx *db.Tx) error {
			_, created, err := e.st.Invite(e.Ctx, tx, survey.Invitation{TenantID: tn.ID, Template: survey.CounterTemplate,
				Channel: survey.Remote, Subject: "call:1", ResidentID: ids.User("someone")})
			if err == nil && created {
				err = errors.New("invited twice")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestCommentsPaged: an admin pages through every comment of a period,
// newest month first, each once, and the count says how many there are;
// a service filter and another government select their own.
func TestCommentsPaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tn := e.Tenants["banyuwangi"]
		answers := []int{3, 3, 3, 3, 3, 3, 3, 3, 3}
		want := map[string]string{} // comment -> month
		for i := range 40 {
			at := testenv.Start.AddDate(0, -(i % 3), 0)
			dr := survey.Draft{Answers: answers}
			if i%4 != 3 { // one in four says nothing
				dr.Comment = fmt.Sprintf("comment %02d", i)
				want[dr.Comment] = at.In(tn.Location()).Format("2006-01")
			}
			svc := []string{"svc-a", "svc-b"}[i%2]
			if err := e.st.Record(e.Ctx, survey.Invitation{TenantID: tn.ID, Template: survey.SKMTemplate, Channel: survey.Online,
				Subject: fmt.Sprintf("c:%d", i), ServiceID: svc}, dr, at, tn.Location()); err != nil {
				t.Fatal(err)
			}
		}
		f := survey.Filter{From: testenv.Start.AddDate(0, -2, 0).Format("2006-01"), To: testenv.Start.Format("2006-01")}
		seen, last := map[string]bool{}, "9999-12"
		for offset := 0; ; offset += 7 {
			page, total, err := e.st.Comments(e.Ctx, tn.ID, f, 7, offset)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want) {
				t.Fatalf("total %d, want %d", total, len(want))
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				if seen[c.Text] || want[c.Text] != c.Month || c.Month > last {
					t.Fatalf("offset %d: %+v (seen %v, month %q, after %q)", offset, c, seen[c.Text], want[c.Text], last)
				}
				seen[c.Text], last = true, c.Month
			}
		}
		if len(seen) != len(want) {
			t.Errorf("paged through %d comments of %d", len(seen), len(want))
		}
		f.ServiceID = "svc-b"
		// svc-b had the odd ones: i%4 == 1 said something, i%4 == 3 not.
		if _, total, err := e.st.Comments(e.Ctx, tn.ID, f, 100, 0); err != nil || total != 10 {
			t.Errorf("svc-b: %d comments (%v), want 10", total, err)
		}
		if page, total, err := e.st.Comments(e.Ctx, e.Tenants["fukuoka"].ID, survey.Filter{}, 100, 0); err != nil || total != 0 || len(page) != 0 {
			t.Errorf("another government: %d, %d (%v)", total, len(page), err)
		}
	})
}
