package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/ids"
)

// TestQueueLive: a walk-in takes a number, watches it over SSE, and sees
// it change when the officer calls the next one.
func TestQueueLive(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	counterID, _ := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	anon := s.browser(t)
	r := anon.post("/fukuoka/counters/"+counterID+"/tickets", nil)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/fukuoka/tickets/") {
		t.Fatalf("take: %d %q", r.status, loc)
	}
	page := anon.get(loc)
	mustContain(t, page, "A-001", "次はあなたの番です", "/static/v/queue.")
	// A priority ticket goes first.
	api := s.browser(t)
	pr := api.do("POST", "/api/v1/t/fukuoka/counters/"+counterID+"/tickets", strings.NewReader(`{"priority":"elderly"}`), "application/json")
	if pr.status != http.StatusCreated {
		t.Fatalf("api take: %d %s", pr.status, pr.body)
	}
	mustContain(t, pr, `"label":"P-002"`, `"position":0`)
	mustContain(t, anon.get(loc), "あなたの前に1人います")
	if bad := api.do("POST", "/api/v1/t/fukuoka/counters/"+counterID+"/tickets", strings.NewReader(`{"priority":"vip"}`), "application/json"); bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad priority: %d", bad.status)
	}

	// Watch over SSE.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.srv.URL+loc+"/events", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream headers: %v", resp.Header)
	}
	events := make(chan map[string]any, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m map[string]any
				_ = json.Unmarshal([]byte(data), &m)
				events <- m
			}
		}
	}()
	first := <-events
	if first["position"].(float64) != 1 || first["status"] != "waiting" {
		t.Fatalf("first event: %v", first)
	}
	off := s.browser(t)
	off.signin("officer@fukuoka.demo")
	// The desk lists who waits, in call order: the priority number first.
	line := regexp.MustCompile(`(?s)<tr><th scope="row">(P-002|A-001)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td></tr>`)
	desk := off.get("/fukuoka/desk")
	mustContain(t, desk, "/call-next", "2人がお待ちです")
	rows := line.FindAllStringSubmatch(desk.body, -1)
	if len(rows) != 2 || rows[0][1] != "P-002" || !strings.Contains(rows[0][2], "高齢の方") || rows[0][4] != "予約なし（ウェブ）" ||
		rows[1][1] != "A-001" || rows[1][2] != "一般" || rows[1][3] != "いま" {
		t.Fatalf("desk line: %q", rows)
	}
	finish := regexp.MustCompile(`action="(/fukuoka/tickets/[0-9a-f-]+/finish)"`)
	for i, want := range []struct {
		pos    float64
		status string
	}{{0, "waiting"}, {-1, "called"}} {
		if i > 0 {
			// One number at a time: the officer finishes the first
			// before calling the next (the button is gone until then).
			desk := off.get("/fukuoka/desk")
			mustContain(t, desk, `class="note desk-busy"`)
			mustNotContain(t, desk, "/call-next")
			if r := off.post("/fukuoka/counters/"+counterID+"/call-next", nil); !strings.Contains(r.header.Get("Location"), "done=finish_first") {
				t.Fatalf("second call with one called: %d %s", r.status, r.header.Get("Location"))
			}
			m := finish.FindStringSubmatch(desk.body)
			if m == nil {
				t.Fatal("no finish button on the desk")
			}
			off.post(m[1], nil)
		}
		if r := off.post("/fukuoka/counters/"+counterID+"/call-next", nil); r.status != http.StatusSeeOther {
			t.Fatalf("call next: %d", r.status)
		}
		// Finishing may also be announced, with the position unchanged.
		for got := false; !got; {
			select {
			case ev := <-events:
				got = ev["position"].(float64) == want.pos && ev["status"] == want.status
				if !got && (i == 0 || ev["position"].(float64) != 0) {
					t.Fatalf("event after call-next = %v, want position %v %s", ev, want.pos, want.status)
				}
			case <-ctx.Done():
				t.Fatal("no event after call-next")
			}
		}
	}
	mustContain(t, anon.get(loc), "あなたの番です")
	// Residents cannot call; an empty queue says so.
	res := s.browser(t)
	tok := res.token("resident@fukuoka.demo")
	if r := res.do("POST", "/api/v1/t/fukuoka/counters/"+counterID+"/call-next", nil, "", "Authorization", "Bearer "+tok); r.status != http.StatusForbidden {
		t.Fatalf("resident call-next: %d", r.status)
	}
	offTok := off.token("officer@fukuoka.demo")
	if r := off.do("POST", "/api/v1/t/fukuoka/counters/"+counterID+"/call-next", nil, "", "Authorization", "Bearer "+offTok); r.status != http.StatusConflict {
		t.Fatalf("empty queue: %d %s", r.status, r.body)
	}
	// The officer finishes the called ticket from the desk.
	desk = off.get("/fukuoka/desk")
	done := finish.FindStringSubmatch(desk.body)
	if done == nil {
		t.Fatal("no finish button on the desk")
	}
	if r := off.post(done[1], nil); r.status != http.StatusSeeOther {
		t.Fatalf("finish: %d", r.status)
	}
}

func TestDisplayBoard(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	counterID, _ := appointmentIn(t, s, "neyagawa", "resident@neyagawa.demo")
	anon := s.browser(t)
	anon.post("/neyagawa/counters/"+counterID+"/tickets", nil)
	board := anon.get("/neyagawa/board/" + counterID)
	mustContain(t, board, "ただいまお呼びしている番号", `id="board-calling"`, "/static/v/board.", "番の方、窓口へお越しください")
	off := s.browser(t)
	off.signin("officer@neyagawa.demo")
	off.post("/neyagawa/counters/"+counterID+"/call-next", nil)
	mustContain(t, anon.get("/neyagawa/board/"+counterID), `id="board-calling" aria-live="assertive">A-001<`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.srv.URL+"/neyagawa/board/"+counterID+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if !strings.Contains(data, `"calling":"A-001"`) {
				t.Fatalf("board event: %s", data)
			}
			return
		}
	}
	t.Fatal("no board event")
}

// TestQRPoster: officers print a poster whose QR code opens the counter's
// page; a number taken from there is counted as taken by QR.
func TestQRPoster(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	counterID, _ := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	poster := officer.get("/fukuoka/counters/" + counterID + "/poster")
	want := s.srv.URL + "/fukuoka/counters/" + counterID + "?from=qr"
	mustContain(t, poster, "ここで整理券を取れます", "Take a number here", "Ambil nomor antrean di sini", want,
		"/fukuoka/counters/"+counterID+"/poster.png")
	if a := s.browser(t).get("/fukuoka/counters/" + counterID + "/poster"); a.status != http.StatusSeeOther {
		t.Fatalf("poster for anonymous: %d", a.status)
	}
	png := s.browser(t).get("/fukuoka/counters/" + counterID + "/poster.png")
	if png.status != http.StatusOK || png.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png.body, "\x89PNG") {
		t.Fatalf("QR: %d %s", png.status, png.header.Get("Content-Type"))
	}
	// The page the QR opens takes a number counted as from the QR code.
	phone := s.browser(t)
	mustContain(t, phone.get("/fukuoka/counters/"+counterID+"?from=qr"), `name="source" value="qr"`)
	loc := phone.post("/fukuoka/counters/"+counterID+"/tickets", map[string][]string{"source": {"qr"}}).header.Get("Location")
	tk, err := s.app.Queue.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Ticket(strings.TrimPrefix(loc, "/fukuoka/tickets/")))
	if err != nil || tk.Source != "qr" {
		t.Fatalf("ticket from the poster: %+v %v", tk, err)
	}
}
