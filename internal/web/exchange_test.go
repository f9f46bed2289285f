package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/document"
)

// A visitor finds practices in the demo library in any language, without
// signing in: an Indonesian query finds Fukuoka's remote counter, a
// Japanese one Banyuwangi's practices, the passage that matched is
// marked, and the facets narrow the list.
func TestExchangeLibrarySearch(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.lang = "id"
	home := b.get("/fukuoka/")
	mustContain(t, home, `href="/exchange"`)

	all := b.get("/exchange")
	// Newest first: the seed file's last line was imported last.
	mustContain(t, all, "30 praktik, terbaru di atas", `href="/exchange/practices/malang-sipaduka-whatsapp"`, "Menampilkan 1 sampai 20 dari 30.")
	mustNotContain(t, all, `href="/exchange/practices/fukuoka-remote-counter"`)
	mustContain(t, b.get("/exchange?cursor=20"), `href="/exchange/practices/fukuoka-remote-counter"`, "Halaman sebelumnya")

	id := b.get("/exchange?q=" + url.QueryEscape("loket jarak jauh lewat video"))
	first := strings.Index(id.body, `href="/exchange/practices/`)
	if first < 0 || !strings.HasPrefix(id.body[first:], `href="/exchange/practices/fukuoka-remote-counter"`) {
		t.Errorf("an Indonesian query does not list Fukuoka's remote counter first:\n%s", id.body)
	}
	mustContain(t, id, "<mark>")

	b.lang = "en"
	ja := b.get("/exchange?q=" + url.QueryEscape("バニュワンギ"))
	mustContain(t, ja, "banyuwangi-smart-kampung", "banyuwangi-mpp-digital", "2 practices found")
	// The passage that matched is in Japanese (the English text says
	// "Banyuwangi"), marked and labelled as Japanese for screen readers.
	mustContain(t, ja, `lang="ja"><mark>`)

	jp := b.get("/exchange?country=JP&tag=elderly")
	mustNotContain(t, jp, "banyuwangi-")
	mustContain(t, jp, "fukuoka-remote-counter", `<option value="JP" selected>`)

	long := b.get("/exchange?q=" + strings.Repeat("窓口", 5000))
	if long.status != http.StatusOK {
		t.Fatalf("a 10,000-character query: %d", long.status)
	}
	mustContain(t, long, "only its first 200 characters were used")
	ops := b.get("/exchange?q=" + url.QueryEscape(`" * : OR`))
	mustContain(t, ops, "no words to look for")
	evil := b.get("/exchange?q=" + url.QueryEscape(`<script>alert(1)</script> loket`))
	mustNotContain(t, evil, "<script>alert")
}

// The practice page shows the reader's language, says when a text is a
// translation, and falls back to the original with a notice when the
// reader's language is missing.
func TestExchangePracticePage(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.lang = "en"
	p := b.get("/exchange/practices/banyuwangi-smart-kampung")
	mustContain(t, p, "Smart Kampung: digital public services at the village office", "Translated from Indonesian by a person.",
		"Kabupaten Banyuwangi", "The problem before", "CC BY 4.0", `href="/exchange?tag=village"`)
	b.lang = "ja"
	mustContain(t, b.get("/exchange/practices/fukuoka-remote-counter"), "公民館のリモート窓口", "福岡市", "13 sites")
	if nf := b.get("/exchange/practices/no-such-practice"); nf.status != http.StatusNotFound {
		t.Errorf("an unknown practice: %d", nf.status)
	}

	// A practice written only in Japanese, read in Indonesian.
	line := `{"slug":"only-japanese","country":"JP","region_code":"272159","government":"寝屋川市","title":{"ja":"スマホ教室"},"summary":{"ja":"高齢者向けのスマホ教室です。"},"problem":{},"solution":{},"results":{},"metrics":[],"started":2020,"status":"continuing","tags":["elderly","digital-literacy"],"sources":[]}`
	if _, err := s.app.Practices.Import(t.Context(), audit.CLI, strings.NewReader(line)); err != nil {
		t.Fatal(err)
	}
	b.lang = "id"
	only := b.get("/exchange/practices/only-japanese")
	mustContain(t, only, `<h1 lang="ja">スマホ教室</h1>`, "belum diterjemahkan ke bahasa Anda", "bahasa Jepang")
}

// The open API lists and pages the practices, searches them, and
// refuses what it cannot read by name.
func TestExchangeAPI(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	type list struct {
		Items []struct {
			Slug, Lang, Title, Passage string
		}
		Next string
	}
	var seen int
	cursor := ""
	for page := 0; page < 10; page++ {
		a := b.get("/api/v1/practices?limit=12&lang=en&cursor=" + cursor)
		var l list
		if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &l) != nil {
			t.Fatalf("list: %d %s", a.status, a.body)
		}
		seen += len(l.Items)
		if l.Next == "" {
			break
		}
		cursor = l.Next
	}
	if seen != 30 {
		t.Errorf("paging through the list gave %d practices, want 30", seen)
	}
	var found list
	a := b.get("/api/v1/practices?q=" + url.QueryEscape("窓口") + "&country=JP&lang=ja&limit=3")
	if err := json.Unmarshal([]byte(a.body), &found); err != nil || len(found.Items) != 3 || found.Items[0].Lang != "ja" || !strings.Contains(found.Items[0].Passage, "窓口") {
		t.Errorf("search 窓口: %v %s", err, a.body)
	}
	var one struct {
		Title   string
		Origins map[string]string
		Content struct{ Title map[string]string }
	}
	a = b.get("/api/v1/practices/fukuoka-remote-counter?lang=id")
	if err := json.Unmarshal([]byte(a.body), &one); err != nil || one.Title != "Loket jarak jauh lewat video di balai warga" ||
		one.Origins["ja"] != "original" || len(one.Content.Title) != 3 {
		t.Errorf("one practice: %v %s", err, a.body)
	}
	for q, code := range map[string]string{
		"q=" + strings.Repeat("x", 10000): "query_too_long", "tag=teleportation": "bad_tag", "country=FR": "bad_country",
		"year=abc": "bad_year", "cursor=-1": "bad_cursor", "limit=0": "bad_limit", "lang=fr": "bad_lang",
	} {
		a := b.get("/api/v1/practices?" + q)
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, `"code":"`+code+`"`) {
			t.Errorf("%s: %d %s, want 400 %s", q[:min(len(q), 30)], a.status, a.body, code)
		}
	}
	if a := b.get("/api/v1/practices/nope"); a.status != http.StatusNotFound {
		t.Errorf("an unknown practice: %d", a.status)
	}
}

// An editor of Fukuoka writes a practice in Japanese, saves it, sends it
// for review (refused while a topic is missing, with the field named), a
// coordinator sends it back with a comment and then publishes it, and it
// is found in the library with an Indonesian query's Japanese
// counterpart. Banyuwangi's staff cannot open it for editing; a
// Banyuwangi practice is not Fukuoka's to edit either.
func TestExchangeEditorAndCoordinator(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ed := s.browser(t)
	ed.lang = "ja"
	ed.signin("editor@fukuoka.demo")
	mustContain(t, ed.get("/fukuoka/"), `href="/fukuoka/exchange"`)
	mustContain(t, ed.get("/fukuoka/exchange"), "当自治体の事例", "fukuoka-remote-counter")
	form := url.Values{"lang": {"ja"}, "original": {"ja"}, "title_ja": {"公民館のスマホよろず相談"},
		"summary_ja": {"毎週木曜日、公民館でスマホの困りごとを聞きます。"}, "status": {"continuing"},
		"metric_name_0": {"相談件数"}, "metric_before_0": {"０"}, "metric_after_0": {"４０"}, "metric_unit_0": {"件/月"},
		"licence": {"CC BY 4.0"}, "action": {"submit"}}
	a := ed.post("/fukuoka/exchange/new", form)
	if a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Location"), "done=practice_incomplete") {
		t.Fatalf("submit without topics: %d %s", a.status, a.header.Get("Location"))
	}
	edit := a.header.Get("Location")
	slug := strings.Split(strings.TrimPrefix(edit, "/fukuoka/exchange/practices/"), "?")[0]
	page := ed.get(edit)
	mustContain(t, page, "テーマを1〜5個選んでください。", `value="公民館のスマホよろず相談"`, `value="40"`)
	form.Set("tags", "elderly")
	form.Add("tags", "digital-literacy")
	form.Set("metric_after_0", "たくさん")
	bad := ed.post("/fukuoka/exchange/practices/"+slug, form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a figure that is not a number: %d", bad.status)
	}
	mustContain(t, bad, "数字ではありません", `value="たくさん"`)
	form.Set("metric_after_0", "４０")
	if a := ed.post("/fukuoka/exchange/practices/"+slug, form); a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Location"), "practice_submitted") {
		t.Fatalf("submit: %d %s", a.status, a.header.Get("Location"))
	}

	co := s.browser(t)
	co.lang = "en"
	co.signin("coordinator@serambi.demo")
	mustContain(t, co.get("/exchange/review"), "/exchange/review/"+slug, "new practice")
	mustContain(t, co.get("/exchange/review/"+slug), "公民館のスマホよろず相談", "相談件数: 0 → 40")
	if a := co.post("/exchange/review/"+slug, url.Values{"decision": {"return"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "Say what should change") {
		t.Errorf("return without a comment: %d", a.status)
	}
	co.post("/exchange/review/"+slug, url.Values{"decision": {"return"}, "comment": {"結果の時期を書いてください。"}})
	mustContain(t, ed.get("/fukuoka/exchange/practices/"+slug), "結果の時期を書いてください。")
	form.Set("metric_measured_0", "２０２６－１１")
	ed.post("/fukuoka/exchange/practices/"+slug, form)
	if a := co.post("/exchange/review/"+slug, url.Values{"decision": {"publish"}}); a.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", a.status, a.body)
	}
	found := s.browser(t).get("/exchange?q=" + url.QueryEscape("スマホ 相談 公民館"))
	mustContain(t, found, "/exchange/practices/"+slug)
	pub := s.browser(t)
	pub.lang = "id"
	mustContain(t, pub.get("/exchange/practices/"+slug), "belum diterjemahkan", "2026-11")

	// Another government's staff: not on Fukuoka's paths, nor with
	// Fukuoka's practice on their own paths.
	bw := s.browser(t)
	bw.signin("editor@banyuwangi.demo")
	if a := bw.get("/fukuoka/exchange/practices/" + slug); a.status != http.StatusForbidden {
		t.Errorf("Banyuwangi's editor on Fukuoka's path: %d", a.status)
	}
	if a := bw.get("/banyuwangi/exchange/practices/" + slug); a.status != http.StatusForbidden || !strings.Contains(a.body, "pemerintah daerah lain") {
		t.Errorf("Banyuwangi's editor opens Fukuoka's practice: %d", a.status)
	}
	if a := bw.post("/banyuwangi/exchange/practices/"+slug, form); a.status != http.StatusForbidden {
		t.Errorf("Banyuwangi's editor saves Fukuoka's practice: %d", a.status)
	}
	if a := ed.get("/fukuoka/exchange/practices/banyuwangi-smart-kampung"); a.status != http.StatusForbidden {
		t.Errorf("Fukuoka's editor opens a Banyuwangi practice: %d", a.status)
	}
	if a := bw.post("/banyuwangi/exchange/practices/"+slug+"/retire", url.Values{"confirm": {"yes"}}); a.status != http.StatusForbidden {
		t.Errorf("Banyuwangi's editor retires Fukuoka's practice: %d", a.status)
	}
	// Retiring asks first, then the practice leaves the library.
	mustContain(t, ed.post("/fukuoka/exchange/practices/"+slug+"/retire", url.Values{}), "はい、終了します")
	ed.post("/fukuoka/exchange/practices/"+slug+"/retire", url.Values{"confirm": {"yes"}})
	mustNotContain(t, s.browser(t).get("/exchange?q="+url.QueryEscape("スマホ 相談 公民館")), "/exchange/practices/"+slug+`"`)
	mustContain(t, ed.get("/fukuoka/exchange/practices/"+slug+"/history"), "編集の履歴")
}

// The open data: the library as CSV (the same search as the page) and
// an Atom feed of the newest practices.
func TestExchangeOpenData(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.lang = "en"
	all := b.get("/exchange/practices.csv")
	if ct := all.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || strings.Count(all.body, "\n") != 31 {
		t.Errorf("CSV of the library: %q, %d lines", ct, strings.Count(all.body, "\n"))
	}
	mustContain(t, all, "\ufeffslug,Country,region_code,Government", "fukuoka-remote-counter,JP,401307,Fukuoka City,en,Remote counter")
	jp := b.get("/exchange/practices.csv?country=JP&q=" + url.QueryEscape("窓口"))
	mustNotContain(t, jp, "banyuwangi-")
	feed := b.get("/exchange/feed.atom?lang=ja")
	if ct := feed.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("feed type %q", ct)
	}
	var f struct {
		Entries []struct {
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feed.body), &f); err != nil || len(f.Entries) != 30 || f.Entries[0].Title != "シパドゥカ:WhatsAppで住民登録の手続き" ||
		!strings.HasSuffix(f.Entries[0].Link.Href, "/exchange/practices/malang-sipaduka-whatsapp") {
		t.Errorf("feed: %v %+v", err, f.Entries[:min(len(f.Entries), 1)])
	}
}

// Banyuwangi's officer adopts Neyagawa's smartphone classes from the
// practice's page, records the stages (stopping asks why), plans, notes,
// compares a figure, asks Neyagawa for a mentor (whose editor accepts),
// and copies Neyagawa's course into Banyuwangi's classes, unpublished.
// Adopting its own practice or a second time is answered in words.
func TestExchangeReplication(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	const slug = "neyagawa-city-app"
	public := s.browser(t)
	public.lang = "en"
	// An anonymous reader's page is cached: it must still show the
	// replication once there is one.
	mustContain(t, public.get("/exchange/practices/"+slug), "No government has started to replicate it yet.")
	off := s.browser(t)
	off.lang = "id"
	off.signin("officer@banyuwangi.demo")
	page := off.get("/exchange/practices/" + slug)
	mustContain(t, page, "Replikasi di Kabupaten Banyuwangi", "Belum ada pemerintah daerah yang mulai mereplikasi.")
	a := off.post("/banyuwangi/exchange/replications", url.Values{"practice": {slug}})
	rep := "/banyuwangi/exchange/replications/" + slug
	if a.status != http.StatusSeeOther || a.header.Get("Location") != rep {
		t.Fatalf("adopt: %d %s", a.status, a.header.Get("Location"))
	}
	if a := off.post("/banyuwangi/exchange/replications", url.Values{"practice": {"banyuwangi-smart-kampung"}}); a.status != http.StatusUnprocessableEntity ||
		!strings.Contains(a.body, "praktik pemerintah daerah Anda sendiri") {
		t.Errorf("adopting one's own practice: %d", a.status)
	}
	first := off.get(rep)
	mustContain(t, first, "Memahami", "Salin kursus ke kelas kami")
	mustNotContain(t, first, `href="/banyuwangi/exchange"`) // the editors' list is not the officer's to open

	if a := off.post(rep, url.Values{"action": {"stage"}, "stage": {"stopped"}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "mengapa replikasi berhenti") {
		t.Errorf("stop without a reason: %d", a.status)
	}
	off.post(rep, url.Values{"action": {"stage"}, "stage": {"adapt"}, "stage_note": {"Kursus disesuaikan untuk balai desa."}})
	off.post(rep, url.Values{"action": {"milestone"}, "milestone_title": {"Kelas pertama di Desa Kemiren"}, "milestone_due": {"2027-02-01"}})
	off.post(rep, url.Values{"action": {"note"}, "note": {"Relawan desa sudah dilatih."}, "shared": {"yes"}})
	if a := off.post(rep, url.Values{"action": {"copy"}, "kind": {"course"}, "code": {"first-steps"}}); a.status != http.StatusSeeOther {
		t.Fatalf("copy the course: %d %s", a.status, a.body)
	}
	if a := off.post(rep, url.Values{"action": {"copy"}, "kind": {"course"}, "code": {"daily-life"}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("copying what the practice does not run: %d", a.status)
	}
	off.post(rep, url.Values{"action": {"mentor"}})
	now := off.get(rep)
	mustContain(t, now, "Sudah disalin", "Kelas pertama di Desa Kemiren", "2027-02-01", "Relawan desa sudah dilatih.", "Anda sudah meminta mentor")

	bwi, _ := s.app.Tenants.BySlug(t.Context(), "banyuwangi")
	courses, err := s.app.Classes.Courses(t.Context(), bwi.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	copied := 0
	for _, c := range courses {
		if c.CopiedFrom != "" {
			copied++
			if c.Published || c.Code != "first-steps-2" {
				t.Errorf("the copy: code %s published %v", c.Code, c.Published)
			}
		}
	}
	if copied != 1 {
		t.Errorf("%d courses copied into Banyuwangi, want 1", copied)
	}

	ney := s.browser(t)
	ney.lang = "ja"
	ney.signin("editor@neyagawa.demo")
	mine := ney.get("/neyagawa/exchange")
	mustContain(t, mine, "当自治体の事例を取り入れている自治体", "バニュワンギ県")
	id := between(mine.body, `/neyagawa/exchange/mentoring/`, `"`)
	if a := ney.post("/neyagawa/exchange/mentoring/"+id, url.Values{"answer": {"accept"}}); a.status != http.StatusSeeOther {
		t.Fatalf("accept mentoring: %d", a.status)
	}
	mustContain(t, off.get(rep), "editor@neyagawa.demo")
	mustContain(t, public.get("/exchange/practices/"+slug), "Banyuwangi Regency</strong> — Adapt", "with a mentor from the origin")
	mustContain(t, public.get("/banyuwangi/"), "Good practices we are taking up from other governments", `href="/exchange/practices/`+slug+`"`)

	// Fukuoka's remote counter: its set-up is copied switched off.
	off.post("/banyuwangi/exchange/replications", url.Values{"practice": {"fukuoka-remote-counter"}})
	counterRep := "/banyuwangi/exchange/replications/fukuoka-remote-counter"
	if a := off.post(counterRep, url.Values{"action": {"copy"}, "kind": {"counter"}, "code": {"JUMIN"}}); a.status != http.StatusSeeOther {
		t.Fatalf("copy the counter: %d", a.status)
	}
	counters, err := s.app.Counters.List(t.Context(), bwi.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(counters, func(c counter.Counter) bool { return c.Code == "JUMIN" })
	if i < 0 || counters[i].Active {
		t.Errorf("the counter's copy: %+v", counters)
	} else if plan, _ := s.app.Counters.Plan(t.Context(), counters[i].ID); len(plan) == 0 {
		t.Error("the copied counter has no opening hours")
	}
	if a := off.post(counterRep, url.Values{"action": {"copy"}, "kind": {"counter"}, "code": {"JUMIN"}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("copying the counter twice: %d", a.status)
	}
}

// between is the text of s after the first from, up to to.
func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	out, _, _ := strings.Cut(rest, to)
	return out
}

// A reader who finds a practice only in its original language asks for
// their own; its government's editor sees the request, and publishing a
// version in that language answers it.
func TestExchangeTranslationRequest(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	line := `{"slug":"neyagawa-only-japanese","country":"JP","region_code":"272159","title":{"ja":"スマホ教室の出前"},"summary":{"ja":"自治会館に出向いて教えます。"},"status":"continuing","tags":["elderly"]}`
	if _, err := s.app.Practices.Import(t.Context(), audit.CLI, strings.NewReader(line)); err != nil {
		t.Fatal(err)
	}
	reader := s.browser(t)
	reader.lang = "id"
	if a := reader.post("/exchange/practices/neyagawa-only-japanese/translation", url.Values{"lang": {"id"}}); a.status != http.StatusSeeOther ||
		!strings.HasPrefix(a.header.Get("Location"), "/signin") {
		t.Errorf("asking without an account: %d %s", a.status, a.header.Get("Location"))
	}
	reader.signin("resident@banyuwangi.demo")
	for i := 0; i < 2; i++ { // asking twice counts once
		reader.post("/exchange/practices/neyagawa-only-japanese/translation", url.Values{"lang": {"id"}})
	}
	mustContain(t, reader.get("/exchange/practices/neyagawa-only-japanese?done=translation_requested"), "Terima kasih")
	ed := s.browser(t)
	ed.signin("editor@neyagawa.demo")
	// The editor's account speaks Japanese.
	mustContain(t, ed.get("/neyagawa/exchange"), "インドネシア語で読みたい人:1人", "/neyagawa/exchange/practices/neyagawa-only-japanese?lang=id")
	line = strings.Replace(line, `"title":{"ja":"スマホ教室の出前"}`, `"title":{"ja":"スマホ教室の出前","id":"Kelas ponsel keliling"}`, 1)
	if _, err := s.app.Practices.Import(t.Context(), audit.CLI, strings.NewReader(line)); err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, ed.get("/neyagawa/exchange"), "読みたい人")
}

// "Governments like ours" ranks Indonesian governments first for
// Banyuwangi, with the reasons in words; "who solved this" finds the
// practices whose texts match a problem written in any language.
func TestExchangePeers(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	b := s.browser(t)
	b.signin("officer@banyuwangi.demo") // an Indonesian account
	page := b.get("/banyuwangi/exchange/peers")
	mustContain(t, page, "Negara yang sama", "Jenis pemerintah daerah yang sama")
	first := between(page.body, `<h3>`, `</h3>`)
	if !strings.HasPrefix(first, "Kabupaten ") {
		t.Errorf("the government most like Banyuwangi is %q, want another regency", first)
	}
	solved := b.get("/banyuwangi/exchange/peers?problem=" + url.QueryEscape("高齢者が役所まで来られない"))
	mustContain(t, solved, "<mark>")
}

// Banyuwangi's officer asks Fukuoka a question about its remote counter;
// Fukuoka's editor answers from their list; the answer is emailed to the
// officer in Indonesian and kept in the thread, which network staff see
// and the public does not.
func TestExchangeQuestions(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	const slug = "fukuoka-remote-counter"
	off := s.browser(t)
	off.signin("officer@banyuwangi.demo")
	mustContain(t, off.get("/exchange/practices/"+slug), `action="/banyuwangi/exchange/questions"`)
	if a := off.post("/banyuwangi/exchange/questions", url.Values{"practice": {slug}, "question": {"  "}}); !strings.Contains(a.header.Get("Location"), "question_empty") {
		t.Errorf("an empty question: %d %s", a.status, a.header.Get("Location"))
	}
	off.post("/banyuwangi/exchange/questions", url.Values{"practice": {slug}, "question": {"Berapa biaya satu titik layanan?"}})
	ed := s.browser(t)
	ed.signin("editor@fukuoka.demo")
	mine := ed.get("/fukuoka/exchange")
	mustContain(t, mine, "Berapa biaya satu titik layanan?")
	id := between(mine.body, `/fukuoka/exchange/questions/`, `"`)
	bw := s.browser(t)
	bw.signin("editor@banyuwangi.demo")
	if a := bw.post("/banyuwangi/exchange/questions/"+id, url.Values{"answer": {"Gratis!"}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("another government answers Fukuoka's question: %d", a.status)
	}
	if a := ed.post("/fukuoka/exchange/questions/"+id, url.Values{"answer": {"約200万円でした。"}}); !strings.Contains(a.header.Get("Location"), "answer_sent") {
		t.Fatalf("answer: %d %s", a.status, a.header.Get("Location"))
	}
	bwi, _ := s.app.Tenants.BySlug(t.Context(), "banyuwangi")
	msgs, err := s.app.Outbox.List(t.Context(), bwi.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range msgs {
		if m.To == "officer@banyuwangi.demo" && strings.Contains(m.Body, "約200万円でした。") && strings.Contains(m.Subject, "Jawaban tentang") {
			found = true
		}
	}
	if !found {
		t.Errorf("no answer emailed to the officer in Indonesian among %d messages", len(msgs))
	}
	mustContain(t, off.get("/exchange/practices/"+slug), "約200万円でした。", "Berapa biaya satu titik layanan?")
	mustNotContain(t, s.browser(t).get("/exchange/practices/"+slug), "Berapa biaya")
}

// Fukuoka's editor announces a webinar about its remote counter (a time
// past or a plain-http link refused by field); staff of other
// governments register until the seats are gone; the holder sees who
// registered; the calendar file carries the time.
func TestExchangeEvents(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	const slug = "fukuoka-remote-counter"
	ed := s.browser(t)
	ed.lang = "en"
	ed.signin("editor@fukuoka.demo")
	form := url.Values{"practice": {slug}, "event_kind": {"webinar"}, "event_title": {"リモート窓口の始め方"}, "event_date": {"2020-01-10"},
		"event_start": {"14:00"}, "event_end": {"15:00"}, "event_link": {"http://meet.example/x"}, "event_capacity": {"１"}}
	bad := ed.post("/fukuoka/exchange/events", form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a past webinar with a plain link: %d %s", bad.status, bad.body)
	}
	mustContain(t, bad, "過ぎた日時です", "https:// で始まる") // the editor's account speaks Japanese
	when := s.app.Clock.Now().AddDate(0, 0, 10).Format("2006-01-02")
	form.Set("event_date", when)
	form.Set("event_link", "https://meet.example/remote-counter")
	if a := ed.post("/fukuoka/exchange/events", form); a.status != http.StatusSeeOther {
		t.Fatalf("announce: %d %s", a.status, a.body)
	}
	page := s.browser(t).get("/exchange/practices/" + slug)
	mustContain(t, page, "リモート窓口の始め方")
	mustNotContain(t, page, "meet.example") // the link is for network staff
	id := between(page.body, `/exchange/events/`, `/calendar.ics`)
	off := s.browser(t)
	off.signin("officer@banyuwangi.demo")
	if a := off.post("/banyuwangi/exchange/events/"+id+"/register", nil); !strings.Contains(a.header.Get("Location"), "event_registered_now") {
		t.Fatalf("register: %d %s", a.status, a.header.Get("Location"))
	}
	if a := off.post("/banyuwangi/exchange/events/"+id+"/register", nil); !strings.Contains(a.header.Get("Location"), "done=event_registered") {
		t.Errorf("register twice: %s", a.header.Get("Location"))
	}
	ney := s.browser(t)
	ney.signin("editor@neyagawa.demo")
	if a := ney.post("/neyagawa/exchange/events/"+id+"/register", nil); !strings.Contains(a.header.Get("Location"), "event_full") {
		t.Errorf("the last seat twice: %s", a.header.Get("Location"))
	}
	mustContain(t, ed.get("/fukuoka/exchange/events/"+id), "officer@banyuwangi.demo")
	if a := ney.get("/neyagawa/exchange/events/" + id); a.status != http.StatusNotFound {
		t.Errorf("another government's roster: %d", a.status)
	}
	ics := s.browser(t).get("/exchange/events/" + id + "/calendar.ics")
	mustContain(t, ics, "DTSTART:"+strings.ReplaceAll(when, "-", "")+"T050000Z", "LOCATION:https://meet.example/remote-counter")
}

// fileUpload posts a practice file with its description.
func fileUpload(b *browser, path, description, filename string, content []byte) answer {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("description", description)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	return b.do("POST", path, &buf, mw.FormDataContentType())
}

// A picture added to a practice waits in its draft, is public (and
// sandboxed) once a coordinator publishes it, and needs a description;
// a file of another type is refused; nothing but a published practice's
// file is served.
func TestExchangeFiles(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	ed := s.browser(t)
	ed.signin("editor@fukuoka.demo")
	const slug = "fukuoka-remote-counter"
	files := "/fukuoka/exchange/practices/" + slug + "/files?lang=ja"
	if a := fileUpload(ed, files, "", "hall.png", samplePNG(t)); !strings.Contains(a.header.Get("Location"), "file_description") {
		t.Errorf("a picture without a description: %s", a.header.Get("Location"))
	}
	if a := fileUpload(ed, files, "説明", "notes.html", []byte("<html><script>alert(1)</script></html>")); !strings.Contains(a.header.Get("Location"), "file_refused") {
		t.Errorf("an HTML file: %s", a.header.Get("Location"))
	}
	if a := fileUpload(ed, files, "公民館のモニターで区役所と話す様子", "hall.png", samplePNG(t)); !strings.Contains(a.header.Get("Location"), "practice_saved") {
		t.Fatalf("a picture: %d %s", a.status, a.header.Get("Location"))
	}
	edit := ed.get("/fukuoka/exchange/practices/" + slug + "?lang=ja")
	id := between(edit.body, `/exchange/files/`, `"`)
	if a := s.browser(t).get("/exchange/files/" + id); a.status != http.StatusNotFound {
		t.Errorf("a draft's picture served: %d", a.status)
	}
	ed.post("/fukuoka/exchange/practices/"+slug, url.Values{"lang": {"ja"}, "original": {"ja"}, "title_ja": {"公民館のリモート窓口"},
		"status": {"continuing"}, "tags": {"remote-service"}, "licence": {"CC BY 4.0"}, "action": {"submit"}})
	co := s.browser(t)
	co.signin("coordinator@serambi.demo")
	if a := co.post("/exchange/review/"+slug, url.Values{"decision": {"publish"}}); a.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", a.status)
	}
	img := s.browser(t).get("/exchange/files/" + id)
	if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/png" || !strings.Contains(img.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("the published picture: %d %q %q", img.status, img.header.Get("Content-Type"), img.header.Get("Content-Security-Policy"))
	}
	mustContain(t, s.browser(t).get("/exchange/practices/"+slug), `alt="公民館のモニターで区役所と話す様子"`)
	fuk, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	resident, _ := s.app.Identity.ByLogin(t.Context(), "resident@fukuoka.demo")
	other, err := s.app.Docs.Save(t.Context(), audit.System, document.Upload{TenantID: fuk.ID, OwnerID: resident.ID, Requirement: "id_card"}, bytes.NewReader(samplePNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	if a := s.browser(t).get("/exchange/files/" + string(other.ID)); a.status != http.StatusNotFound {
		t.Errorf("a resident's document through the practice files: %d", a.status)
	}
}
