package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
)

// samplePNG is a small picture standing in for a photo of a form.
func samplePNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		img.Set(x, 10, color.RGBA{200, 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// callIn opens a call for a ticket of slug's counter and shows one
// document in it; it returns the call and document IDs.
func callIn(t testing.TB, s *site, slug string, counterID ids.Counter, ticketID ids.Ticket) (string, string) {
	t.Helper()
	ctx := context.Background()
	ten, _ := s.app.Tenants.BySlug(ctx, slug)
	officer, err := s.app.Identity.ByLogin(ctx, "officer@"+slug+".demo")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.app.Calls.Begin(ctx, audit.Actor{ID: officer.ID, Label: "officer"}, ten.ID,
		call.Subject{CounterID: counterID, TicketID: ticketID})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.app.Docs.Save(ctx, audit.System, document.Upload{TenantID: ten.ID, OwnerID: officer.ID},
		bytes.NewReader(samplePNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.app.Calls.AddShown(ctx, ten.ID, c.ID, d.ID, "test"); err != nil {
		t.Fatal(err)
	}
	return string(c.ID), string(d.ID)
}

// socket is one participant's signalling connection.
type socket struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan call.Message
}

func (b *browser) socket(path string) *socket {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, strings.Replace(b.base, "http://", "ws://", 1)+path,
		&websocket.DialOptions{HTTPClient: b.c})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		b.t.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	s := &socket{t: b.t, conn: conn, msgs: make(chan call.Message, 64)}
	go func() {
		defer close(s.msgs)
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var m call.Message
			if json.Unmarshal(data, &m) == nil {
				s.msgs <- m
			}
		}
	}()
	b.t.Cleanup(func() { _ = conn.CloseNow() })
	return s
}

func (s *socket) send(v string) {
	s.t.Helper()
	if err := s.conn.Write(context.Background(), websocket.MessageText, []byte(v)); err != nil {
		s.t.Fatal(err)
	}
}

// expect waits for the next message of type typ, skipping others.
func (s *socket) expect(typ string) call.Message {
	s.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				s.t.Fatalf("socket closed while waiting for %q", typ)
			}
			if m.Type == typ {
				return m
			}
		case <-deadline:
			s.t.Fatalf("no %q message within 5 s", typ)
		}
	}
}

// closed waits until the server closes the socket.
func (s *socket) closed() {
	s.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.msgs:
			if !ok {
				return
			}
		case <-deadline:
			s.t.Fatal("socket still open")
		}
	}
}

func (b *browser) upload(path, field string, content []byte) answer {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile(field, "photo.png")
	_, _ = fw.Write(content)
	_ = mw.Close()
	return b.do("POST", path, &body, mw.FormDataContentType(), "Accept", "application/json")
}

var joinLinkRe = regexp.MustCompile(`(/fukuoka/join/[A-Za-z0-9_-]+)`)

// TestVideoCallFlow: an officer calls a walk-in's number and opens a
// video call; the resident joins from the ticket page, a helper joins by a
// one-time link; signals reach only their peer; a document shown appears
// for everyone with the officer's highlight; the officer ends the call, and
// the resident answers the satisfaction question.
func TestVideoCallFlow(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	counterID, _ := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	walkin := s.browser(t)
	ticketPath := walkin.post("/fukuoka/counters/"+counterID+"/tickets", nil).header.Get("Location")
	ticketID := strings.TrimPrefix(ticketPath, "/fukuoka/tickets/")
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")

	// A video call needs the number called first.
	if a := officer.post("/fukuoka/tickets/"+ticketID+"/video", nil); !strings.Contains(a.header.Get("Location"), "call_not_called") {
		t.Fatalf("video before calling: %d %s", a.status, a.header.Get("Location"))
	}
	officer.post("/fukuoka/counters/"+counterID+"/call-next", nil)
	a := officer.post("/fukuoka/tickets/"+ticketID+"/video", nil)
	callPath := a.header.Get("Location")
	if a.status != http.StatusSeeOther || !strings.HasPrefix(callPath, "/fukuoka/calls/") {
		t.Fatalf("start call: %d %q", a.status, callPath)
	}
	callID := strings.TrimPrefix(callPath, "/fukuoka/calls/")
	if again := officer.post("/fukuoka/tickets/"+ticketID+"/video", nil); again.header.Get("Location") != callPath {
		t.Fatalf("second click opened %q", again.header.Get("Location"))
	}
	mustContain(t, officer.get(callPath), `data-role="officer"`, "/static/v/call.", `id="notes"`)

	// The walk-in's ticket page now leads into the call.
	residentPath := callPath + "?ticket=" + ticketID
	mustContain(t, walkin.get(ticketPath), residentPath)
	mustContain(t, walkin.get("/api/v1/t/fukuoka/tickets/"+ticketID), `"call":"`+residentPath)
	page := walkin.get(residentPath)
	if page.status != http.StatusOK || strings.Contains(page.body, `id="notes"`) {
		t.Fatalf("resident call page: %d", page.status)
	}
	mustContain(t, page, `data-role="resident"`)
	if pp := page.header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") || !strings.Contains(pp, "microphone=(self)") {
		t.Fatalf("call page forbids the camera: %q", pp)
	}
	if pp := walkin.get(ticketPath).header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") {
		t.Fatalf("other pages allow the camera: %q", pp)
	}
	// Without the ticket, an anonymous visitor is sent to sign in; another
	// tenant's officer is refused.
	if a := s.browser(t).get(callPath); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/signin") {
		t.Fatalf("anonymous: %d %s", a.status, a.header.Get("Location"))
	}
	stranger := s.browser(t)
	stranger.signin("officer@banyuwangi.demo")
	if a := stranger.get(callPath); a.status != http.StatusForbidden && a.status != http.StatusNotFound {
		t.Fatalf("other tenant's officer: %d", a.status)
	}
	if a := s.browser(t).get(callPath + "?ticket=" + callID); a.status == http.StatusOK {
		t.Fatal("a wrong ticket opened the call")
	}

	// Both connect; signals go to the named peer only.
	off := officer.socket(callPath + "/socket")
	offWelcome := off.expect("welcome")
	if offWelcome.You.Role != "officer" || len(offWelcome.Peers) != 0 {
		t.Fatalf("officer welcome: %+v", offWelcome)
	}
	res := walkin.socket(residentPath[:strings.Index(residentPath, "?")] + "/socket?ticket=" + ticketID)
	resWelcome := res.expect("welcome")
	if len(resWelcome.Peers) != 1 || resWelcome.Peers[0].Role != "officer" {
		t.Fatalf("resident welcome: %+v", resWelcome)
	}
	if off.expect("join").Peer.ID != resWelcome.You.ID {
		t.Fatal("officer was not told who joined")
	}
	res.send(`{"type":"signal","to":"` + offWelcome.You.ID + `","data":{"description":{"type":"offer","sdp":"v=0"}}}`)
	if sig := off.expect("signal"); sig.From != resWelcome.You.ID || !strings.Contains(string(sig.Data), "offer") {
		t.Fatalf("officer got %+v", sig)
	}
	res.send(`{"type":"chat","text":"もしもし"}`)
	if c := off.expect("chat"); c.Chat[0].Text != "もしもし" || c.Chat[0].Role != "resident" {
		t.Fatalf("chat: %+v", c)
	}
	if ws, err := s.app.Calls.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Call(callID)); err != nil || ws.StartedAt == nil {
		t.Fatalf("call not marked started: %+v %v", ws, err)
	}

	// The resident shows a photo; everyone sees it; the officer marks it.
	up := walkin.upload(callPath+"/documents?ticket="+ticketID, "file", samplePNG(t))
	if up.status != http.StatusCreated {
		t.Fatalf("show document: %d %s", up.status, up.body)
	}
	var shown struct{ ID string }
	_ = json.Unmarshal([]byte(up.body), &shown)
	if off.expect("show").Doc != shown.ID || res.expect("show").Doc != shown.ID {
		t.Fatal("document not shown to both")
	}
	if bad := walkin.upload(callPath+"/documents?ticket="+ticketID, "file", []byte("<html>not a picture</html>")); bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("html as a document: %d", bad.status)
	}
	img := walkin.get(callPath + "/documents/" + shown.ID + "?ticket=" + ticketID)
	if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/png" || !strings.Contains(img.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("document for resident: %d %v", img.status, img.header)
	}
	if a := stranger.get(callPath + "/documents/" + shown.ID); a.status == http.StatusOK {
		t.Fatal("another tenant's officer saw the document")
	}
	off.send(`{"type":"mark","data":{"x":0.1,"y":0.2,"w":0.5,"h":0.3}}`)
	if m := res.expect("marks"); len(m.Marks) != 1 || m.Marks[0].W != 0.5 || m.Doc != shown.ID {
		t.Fatalf("resident saw marks %+v", m)
	}
	res.send(`{"type":"mark","data":{"x":0.1,"y":0.2,"w":0.5,"h":0.3}}`)
	if e := res.expect("error"); e.Code != call.CodeForbidden {
		t.Fatalf("resident mark: %+v", e)
	}

	// A helper joins by a one-time link.
	inv := walkin.post(callPath+"/invite?ticket="+ticketID, nil)
	link := joinLinkRe.FindString(inv.body)
	if inv.status != http.StatusOK || link == "" {
		t.Fatalf("invite: %d", inv.status)
	}
	helper := s.browser(t)
	mustContain(t, helper.get(link), "<form method=\"post\">")
	j := helper.post(link, nil)
	if j.status != http.StatusSeeOther || j.header.Get("Location") != callPath {
		t.Fatalf("join: %d %s", j.status, j.header.Get("Location"))
	}
	mustContain(t, helper.get(callPath), `data-role="helper"`)
	if again := s.browser(t).post(link, nil); again.status != http.StatusGone {
		t.Fatalf("link used twice: %d", again.status)
	}
	hlp := helper.socket(callPath + "/socket")
	if w := hlp.expect("welcome"); len(w.Peers) != 2 || w.Doc != shown.ID || len(w.Marks) != 1 || len(w.Chat) != 1 {
		t.Fatalf("helper welcome: %+v", w)
	}
	// A helper cannot end the call or invite more people.
	if a := helper.post(callPath+"/end", nil); a.status != http.StatusForbidden && !strings.HasPrefix(a.header.Get("Location"), "/signin") {
		t.Fatalf("helper ended the call: %d", a.status)
	}
	if a := helper.post(callPath+"/invite", nil); a.status != http.StatusForbidden {
		t.Fatalf("helper invited: %d", a.status)
	}

	// The officer ends the call; everyone is told; the resident rates it.
	if a := officer.post(callPath+"/end", mapForm("notes", "Explained 住民票 form.")); a.status != http.StatusSeeOther {
		t.Fatalf("end: %d", a.status)
	}
	for _, sk := range []*socket{off, res, hlp} {
		sk.expect("ended")
		sk.closed()
	}
	// The walk-in (no account, no email) is asked the counter survey on
	// the closing page instead of the one question.
	done := walkin.get(callPath + "/done?ticket=" + ticketID)
	mustContain(t, done, `/fukuoka/survey/`, "アンケートに答える")
	mustNotContain(t, done, `name="score"`)
	// The older one-question rating still answers a form sent to it.
	if a := walkin.post(callPath+"/rating?ticket="+ticketID, mapForm("score", "9")); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad score: %d", a.status)
	}
	if a := walkin.post(callPath+"/rating?ticket="+ticketID, mapForm("score", "4")); a.status != http.StatusSeeOther {
		t.Fatalf("rate: %d", a.status)
	}
	if a := officer.post(callPath+"/rating", mapForm("score", "1")); a.status != http.StatusForbidden {
		t.Fatalf("officer rated: %d", a.status)
	}
	// The officer's desk lists today's calls with the resident's answer.
	mustContain(t, officer.get("/fukuoka/desk"), "本日のビデオ通話", "とても満足")
	got, _ := s.app.Calls.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Call(callID))
	if got.Status != call.Ended || got.Satisfaction != 4 || got.Notes != "Explained 住民票 form." {
		t.Fatalf("call record: %+v", got)
	}
	tk, _ := s.app.Queue.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Ticket(ticketID))
	if tk.Status != "done" {
		t.Fatalf("ticket after the call: %s", tk.Status)
	}
	// The socket of an ended call is gone.
	if a := officer.get(callPath + "/socket"); a.status != http.StatusGone {
		t.Fatalf("socket after end: %d", a.status)
	}
}

// TestCallSocketRefusesOtherSites: a page on another origin cannot open
// the socket with the officer's cookie.
func TestCallSocketRefusesOtherSites(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	counterID, _ := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	fk, _ := s.app.Tenants.BySlug(t.Context(), "fukuoka")
	tk, err := s.app.Queue.Take(t.Context(), audit.System, fk, ids.Counter(counterID), "", "web", "")
	if err != nil {
		t.Fatal(err)
	}
	callID, _ := callIn(t, s, "fukuoka", ids.Counter(counterID), tk.ID)
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, strings.Replace(s.srv.URL, "http://", "ws://", 1)+"/fukuoka/calls/"+callID+"/socket",
		&websocket.DialOptions{HTTPClient: officer.c, HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin socket: err=%v resp=%v", err, resp)
	}
}

func mustTenant(t *testing.T, s *site, slug string) ids.Tenant {
	t.Helper()
	ten, err := s.app.Tenants.BySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ten.ID
}

func mapForm(k, v string) map[string][]string { return map[string][]string{k: {v}} }

// TestAssistedApplicationInCall: during an appointment's call the officer
// fills an application for the resident, asks for confirmation, the
// resident taps "confirm" on the call screen, and both screens get the
// tracking number.
func TestAssistedApplicationInCall(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	_, appointment := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	callPath := officer.post("/fukuoka/appointments/"+appointment+"/video", nil).header.Get("Location")
	if !strings.HasPrefix(callPath, "/fukuoka/calls/") {
		t.Fatalf("start: %q", callPath)
	}
	callID := strings.TrimPrefix(callPath, "/fukuoka/calls/")
	resident := s.browser(t)
	resident.signin("resident@fukuoka.demo")
	mustContain(t, resident.get("/fukuoka/appointments"), callPath)
	mustContain(t, resident.get(callPath), `data-role="resident"`, `data-signed-in="true"`)
	off := officer.socket(callPath + "/socket")
	off.expect("welcome")
	res := resident.socket(callPath + "/socket")
	res.expect("welcome")

	// Confirming before anything was filled is refused.
	if a := resident.do("POST", callPath+"/confirm", nil, "", "Accept", "application/json"); a.status != http.StatusForbidden {
		t.Fatalf("confirm with no application: %d", a.status)
	}
	mustContain(t, officer.get("/fukuoka/assist?call="+callID), `name="call" value="`+callID+`"`, `value="resident@fukuoka.demo"`)
	a := officer.post("/fukuoka/assist", map[string][]string{"resident": {"resident@fukuoka.demo"}, "service": {"JUMINHYO"}, "call": {callID}})
	edit := a.header.Get("Location")
	app := strings.TrimSuffix(edit, "/edit?section=0")
	appID := ids.Application(strings.TrimPrefix(app, "/fukuoka/applications/"))
	if ev := res.expect("application"); !strings.Contains(string(mustJSON(t, ev.Extra)), string(appID)) {
		t.Fatalf("resident was not told: %+v", ev)
	}
	off.expect("application")
	// The officer's call page now lists the resident's applications.
	mustContain(t, officer.get(callPath), "この住民の申請", app, "下書き")
	page := map[string][]string{"shown": {"copies,household,mynumber,purpose,delivery"}, "copies": {"1"}, "household": {"no"},
		"mynumber": {"no"}, "purpose": {"procedure"}, "delivery": {"counter"}}
	if r := officer.post(edit, page); r.status != http.StatusSeeOther {
		t.Fatalf("officer fills: %d", r.status)
	}
	// The resident shows their card to the camera; the officer asks to add
	// the picture as the proof of identity; the resident agrees.
	up := resident.upload(callPath+"/documents", "file", samplePNG(t))
	var shown struct{ ID string }
	_ = json.Unmarshal([]byte(up.body), &shown)
	if up.status != http.StatusCreated || res.expect("show").Doc != shown.ID {
		t.Fatalf("show: %d", up.status)
	}
	off.expect("show")
	docPath := callPath + "/documents/" + shown.ID
	if a := officer.do("POST", docPath+"/offer", strings.NewReader("requirement=nonexistent"), "application/x-www-form-urlencoded"); a.status != http.StatusConflict {
		t.Fatalf("offer as an unknown requirement: %d", a.status)
	}
	if a := resident.do("POST", docPath+"/offer", strings.NewReader("requirement=id_card"), "application/x-www-form-urlencoded"); a.status != http.StatusForbidden {
		t.Fatalf("resident offers: %d", a.status)
	}
	if a := officer.do("POST", docPath+"/offer", strings.NewReader("requirement=id_card"), "application/x-www-form-urlencoded"); a.status != http.StatusAccepted {
		t.Fatalf("offer: %d %s", a.status, a.body)
	}
	if o := res.expect("attach_offer"); o.Doc != shown.ID || !strings.Contains(string(mustJSON(t, o.Extra)), "本人確認書類") {
		t.Fatalf("offer event: %+v", o)
	}
	if a := officer.do("POST", docPath+"/attach", strings.NewReader("requirement=id_card"), "application/x-www-form-urlencoded"); a.status != http.StatusForbidden {
		t.Fatalf("officer attaches for the resident: %d", a.status)
	}
	if a := resident.do("POST", docPath+"/attach", strings.NewReader("requirement=id_card"), "application/x-www-form-urlencoded"); a.status != http.StatusOK {
		t.Fatalf("attach: %d %s", a.status, a.body)
	}
	if at := off.expect("attached"); at.Doc != shown.ID {
		t.Fatalf("attached event: %+v", at)
	}
	if r := officer.post(app+"/confirmation", nil); r.status != http.StatusSeeOther {
		t.Fatalf("request confirmation: %d", r.status)
	}
	ask := res.expect("confirm")
	var ev struct{ Confirm, View string }
	_ = json.Unmarshal(mustJSON(t, ask.Extra), &ev)
	if ev.Confirm != callPath+"/confirm" || ev.View != app {
		t.Fatalf("confirm event: %+v", ev)
	}
	// The officer cannot tap for the resident; a stranger cannot either.
	if a := officer.do("POST", callPath+"/confirm", nil, "", "Accept", "application/json"); a.status != http.StatusForbidden {
		t.Fatalf("officer tapped: %d", a.status)
	}
	if a := resident.do("POST", callPath+"/confirm", nil, "", "Accept", "application/json"); a.status != http.StatusOK {
		t.Fatalf("resident taps: %d %s", a.status, a.body)
	}
	for _, sk := range []*socket{off, res} {
		done := sk.expect("application")
		if !strings.Contains(string(mustJSON(t, done.Extra)), `"tracking_number":"FUK-`) {
			t.Fatalf("no tracking number: %s", mustJSON(t, done.Extra))
		}
	}
	got, _ := s.app.Calls.Get(t.Context(), mustTenant(t, s, "fukuoka"), ids.Call(callID))
	if got.ApplicationID != appID {
		t.Fatalf("call not linked: %+v", got)
	}
	sent, _ := s.app.Apps.Get(t.Context(), mustTenant(t, s, "fukuoka"), appID)
	if sent.TrackingNumber == "" || sent.ConfirmedBy != sent.ApplicantID {
		t.Fatalf("application: %+v", sent)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWalkInPhotoJoinsApplication: an anonymous walk-in shows their card
// in the call before the officer has found their account; the photo is
// held by the officer meanwhile and cannot be offered; once the officer
// starts an application for the resident in the call, the same photo can
// be added with the walk-in's "yes", and from then on it is the
// resident's.
func TestWalkInPhotoJoinsApplication(t *testing.T) {
	t.Parallel()
	s := startSite(t, false)
	counterID, _ := appointmentIn(t, s, "fukuoka", "resident@fukuoka.demo")
	walkin := s.browser(t)
	ticketID := strings.TrimPrefix(walkin.post("/fukuoka/counters/"+counterID+"/tickets", nil).header.Get("Location"), "/fukuoka/tickets/")
	officer := s.browser(t)
	officer.signin("officer@fukuoka.demo")
	officer.post("/fukuoka/counters/"+counterID+"/call-next", nil)
	callPath := officer.post("/fukuoka/tickets/"+ticketID+"/video", nil).header.Get("Location")
	callID := strings.TrimPrefix(callPath, "/fukuoka/calls/")
	off := officer.socket(callPath + "/socket")
	off.expect("welcome")
	res := walkin.socket(callPath + "/socket?ticket=" + ticketID)
	res.expect("welcome")

	up := walkin.upload(callPath+"/documents?ticket="+ticketID, "file", samplePNG(t))
	var shown struct{ ID string }
	_ = json.Unmarshal([]byte(up.body), &shown)
	if up.status != http.StatusCreated || off.expect("show").Doc != shown.ID {
		t.Fatalf("walk-in shows a photo: %d %s", up.status, up.body)
	}
	tn := mustTenant(t, s, "fukuoka")
	c, _ := s.app.Calls.Get(t.Context(), tn, ids.Call(callID))
	if d, _ := s.app.Docs.Get(t.Context(), tn, ids.Document(shown.ID)); d.OwnerID != c.OfficerID {
		t.Fatalf("the anonymous visitor's photo is held by %q, want the officer %q", d.OwnerID, c.OfficerID)
	}
	docPath := callPath + "/documents/" + shown.ID
	form := "application/x-www-form-urlencoded"
	if a := officer.do("POST", docPath+"/offer", strings.NewReader("requirement=id_card"), form); a.status != http.StatusConflict {
		t.Fatalf("offer before any application: %d", a.status)
	}

	a := officer.post("/fukuoka/assist", map[string][]string{"resident": {"resident@fukuoka.demo"}, "service": {"JUMINHYO"}, "call": {callID}})
	appID := ids.Application(strings.TrimSuffix(strings.TrimPrefix(a.header.Get("Location"), "/fukuoka/applications/"), "/edit?section=0"))
	off.expect("application")
	if a := officer.do("POST", docPath+"/offer", strings.NewReader("requirement=id_card"), form); a.status != http.StatusAccepted {
		t.Fatalf("offer once the resident is known: %d %s", a.status, a.body)
	}
	res.expect("attach_offer")
	if a := walkin.do("POST", docPath+"/attach?ticket="+ticketID, strings.NewReader("requirement=id_card"), form); a.status != http.StatusOK {
		t.Fatalf("the walk-in says yes: %d %s", a.status, a.body)
	}
	off.expect("attached")
	app, _ := s.app.Apps.Get(t.Context(), tn, appID)
	d, _ := s.app.Docs.Get(t.Context(), tn, ids.Document(shown.ID))
	if d.OwnerID != app.ApplicantID || d.ApplicationID != appID || d.Requirement != "id_card" {
		t.Fatalf("after yes: %+v (application of %s)", d, app.ApplicantID)
	}
	// A second "yes" (a double tap) is answered the same and changes nothing.
	if a := walkin.do("POST", docPath+"/attach?ticket="+ticketID, strings.NewReader("requirement=id_card"), form); a.status != http.StatusOK {
		t.Fatalf("second yes: %d %s", a.status, a.body)
	}
	if again, _ := s.app.Docs.Get(t.Context(), tn, ids.Document(shown.ID)); again != d {
		t.Fatalf("second yes changed the document: %+v, was %+v", again, d)
	}
}
