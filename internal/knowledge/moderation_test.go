package knowledge_test

import (
	"errors"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/validation"
)

// A practice goes draft → submitted → returned with comments → draft →
// submitted → published, then an update is written beside the published
// version (the public keeps the old one until it is published), and the
// practice is retired. Another government cannot touch it.
func TestModeration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fuk := e.Tenants["fukuoka"]
		gov := knowledge.Government{TenantID: fuk.ID, RegionCode: fuk.RegionCode, Country: fuk.Country, Slug: fuk.Slug}
		other := knowledge.Government{TenantID: e.Tenants["banyuwangi"].ID, RegionCode: e.Tenants["banyuwangi"].RegionCode}
		editor, coord := e.User(t, "editor"), e.User(t, "coordinator")
		lib := e.st.Library()

		c := knowledge.Content{Original: "ja", Title: knowledge.Words{"ja": "公民館のスマホ相談", "en": "Smartphone help at halls"}}
		p, err := e.st.Create(e.Ctx, editor, gov, c, "")
		if err != nil {
			t.Fatal(err)
		}
		if p.Slug != "fukuoka-smartphone-help-at-halls" || p.State != knowledge.Unpublished {
			t.Fatalf("created %s %s", p.Slug, p.State)
		}
		// Without topics it cannot be submitted; the problem names the field.
		var errs validation.Errors
		if err := e.st.Submit(e.Ctx, editor, gov, p.Slug); !errors.As(err, &errs) || len(errs) == 0 || errs[0].Field != "tags" {
			t.Fatalf("submit without topics: %v", err)
		}
		c.Tags, c.Status = []string{"elderly"}, knowledge.Continuing
		if err := e.st.SaveDraft(e.Ctx, editor, gov, p.Slug, c, "topics"); err != nil {
			t.Fatal(err)
		}
		if err := e.st.SaveDraft(e.Ctx, editor, other, p.Slug, c, ""); !errors.Is(err, knowledge.ErrNotYours) {
			t.Errorf("another government's edit: %v", err)
		}
		must(t, e.st.Submit(e.Ctx, editor, gov, p.Slug))
		if err := e.st.Decide(e.Ctx, coord, p.Slug, false, "  "); !errors.Is(err, knowledge.ErrNeedComment) {
			t.Errorf("return without a comment: %v", err)
		}
		must(t, e.st.Decide(e.Ctx, coord, p.Slug, false, "Add the results, please."))
		w, ok, err := e.st.Working(e.Ctx, p.ID)
		if err != nil || !ok || w.State != knowledge.Returned || w.Comment != "Add the results, please." {
			t.Fatalf("returned: %v %v %+v", err, ok, w)
		}
		if _, err := lib.Get(e.Ctx, p.Slug); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("an unpublished practice is in the library: %v", err)
		}
		c.Results = knowledge.Words{"ja": "月に40人が相談"}
		must(t, e.st.SaveDraft(e.Ctx, editor, gov, p.Slug, c, "results"))
		must(t, e.st.Submit(e.Ctx, editor, gov, p.Slug))
		if err := e.st.Decide(e.Ctx, coord, "no-such", true, ""); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("decide on a missing practice: %v", err)
		}
		must(t, e.st.Decide(e.Ctx, coord, p.Slug, true, ""))
		if err := e.st.Decide(e.Ctx, coord, p.Slug, true, ""); !errors.Is(err, knowledge.ErrNotSubmitted) {
			t.Errorf("a second publish: %v", err)
		}
		res, err := lib.Find(e.Ctx, knowledge.Search{Text: "スマホ相談 公民館", Limit: 1})
		if err != nil || len(res.Found) != 1 || res.Found[0].Slug != p.Slug {
			t.Fatalf("the published practice is not found first: %v %+v", err, res.Found)
		}

		// An update waits beside the published version.
		c.Title["ja"] = "公民館のスマホ相談(改訂)"
		must(t, e.st.SaveDraft(e.Ctx, editor, gov, p.Slug, c, "new title"))
		live, _ := lib.Get(e.Ctx, p.Slug)
		if live.Live.Title["ja"] != "公民館のスマホ相談" || live.LiveVersion != 1 {
			t.Errorf("the public sees the draft: %q v%d", live.Live.Title["ja"], live.LiveVersion)
		}
		must(t, e.st.Submit(e.Ctx, editor, gov, p.Slug))
		must(t, e.st.Decide(e.Ctx, coord, p.Slug, true, ""))
		live, _ = lib.Get(e.Ctx, p.Slug)
		if live.Live.Title["ja"] != "公民館のスマホ相談(改訂)" || live.LiveVersion != 2 {
			t.Errorf("after the update: %q v%d", live.Live.Title["ja"], live.LiveVersion)
		}
		vs, err := e.st.Versions(e.Ctx, p.ID)
		if err != nil || len(vs) != 2 || vs[0].State != knowledge.Superseded || vs[1].State != knowledge.Live {
			t.Fatalf("history: %v %+v", err, vs)
		}

		if err := e.st.Retire(e.Ctx, editor, other, p.Slug); !errors.Is(err, knowledge.ErrNotYours) {
			t.Errorf("another government retires: %v", err)
		}
		must(t, e.st.Retire(e.Ctx, editor, gov, p.Slug))
		if res, _ := lib.Find(e.Ctx, knowledge.Search{Text: "スマホ相談 公民館"}); len(res.Found) > 0 && res.Found[0].Slug == p.Slug {
			t.Error("a retired practice is still found")
		}
		if r, err := lib.Get(e.Ctx, p.Slug); err != nil || r.State != knowledge.Retired {
			t.Errorf("the retired practice's page: %v %v", err, r)
		}
		if err := e.st.Retire(e.Ctx, editor, gov, p.Slug); !errors.Is(err, knowledge.ErrNotPublished) {
			t.Errorf("retire twice: %v", err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
