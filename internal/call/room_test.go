package call

import (
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/serambi/serambi/internal/ids"
)

// next reads the member's next message, failing when there is none.
func next(t *testing.T, m *Member) Message {
	t.Helper()
	select {
	case msg, ok := <-m.Out():
		if !ok {
			t.Fatalf("%s: outbox closed", m.Role)
		}
		return msg
	default:
		t.Fatalf("%s: no message waiting", m.Role)
	}
	return Message{}
}

// quiet fails when the member has a message waiting.
func quiet(t *testing.T, m *Member) {
	t.Helper()
	select {
	case msg, ok := <-m.Out():
		if ok {
			t.Fatalf("%s: unexpected %+v", m.Role, msg)
		}
	default:
	}
}

func join(t *testing.T, rs *Rooms, call, key, role string) *Member {
	t.Helper()
	m, err := rs.Join(ids.Call(call), key, role, strings.ToUpper(role))
	if err != nil {
		t.Fatal(err)
	}
	if w := next(t, m); w.Type != "welcome" || w.You.ID != m.ID {
		t.Fatalf("first message = %+v", w)
	}
	return m
}

func send(t *testing.T, m *Member, v string) error {
	t.Helper()
	return m.Receive([]byte(v))
}

func TestRoomSignalsGoToOnePeer(t *testing.T) {
	rs := NewRooms()
	var started atomic.Int32
	rs.OnStart = func(string) { started.Add(1) }
	officer := join(t, rs, "c1", "u-officer", RoleOfficer)
	resident := join(t, rs, "c1", "u-resident", RoleResident)
	if j := next(t, officer); j.Type != "join" || j.Peer.ID != resident.ID {
		t.Fatalf("officer saw %+v", j)
	}
	other := join(t, rs, "c2", "u-x", RoleResident) // another call
	helper := join(t, rs, "c1", "pass-1", RoleHelper)
	next(t, officer)
	next(t, resident)
	if started.Load() != 1 {
		t.Fatalf("OnStart ran %d times, want once", started.Load())
	}

	offer := `{"type":"signal","to":"` + resident.ID + `","data":{"sdp":{"type":"offer","sdp":"v=0"}}}`
	if err := send(t, officer, offer); err != nil {
		t.Fatal(err)
	}
	got := next(t, resident)
	if got.Type != "signal" || got.From != officer.ID || !strings.Contains(string(got.Data), "offer") {
		t.Fatalf("resident got %+v", got)
	}
	quiet(t, helper)
	quiet(t, officer)
	quiet(t, other)

	// A signal to someone outside the call goes nowhere.
	if err := send(t, officer, `{"type":"signal","to":"`+other.ID+`","data":{}}`); err == nil {
		t.Fatal("signal to another call's peer accepted")
	}
	if e := next(t, officer); e.Type != "error" || e.Code != CodeNoPeer {
		t.Fatalf("officer got %+v", e)
	}
	quiet(t, other)
	for _, bad := range []string{`not json`, `{"type":"signal","to":"` + resident.ID + `","data":"x"}`,
		`{"type":"shout"}`, `{"type":"chat","text":"   "}`, `{"type":"media","data":{"audio":true}}`} {
		if err := send(t, officer, bad); err == nil {
			t.Fatalf("%s accepted", bad)
		}
		if e := next(t, officer); e.Code != CodeBadMessage {
			t.Fatalf("%s: %+v", bad, e)
		}
	}
	quiet(t, resident)
}

func TestRoomFullAndReconnect(t *testing.T) {
	rs := NewRooms()
	a := join(t, rs, "c", "a", RoleOfficer)
	b := join(t, rs, "c", "b", RoleResident)
	c := join(t, rs, "c", "c", RoleHelper)
	next(t, a) // b joined
	next(t, a) // c joined
	next(t, b) // c joined
	if _, err := rs.Join("c", "d", RoleHelper, "D"); !errors.Is(err, ErrRoomFull) {
		t.Fatalf("fourth = %v", err)
	}
	// b's network drops and comes back before the server noticed: the new
	// connection replaces the old one and the room stays at three.
	if err := send(t, a, `{"type":"chat","text":"こんにちは"}`); err != nil {
		t.Fatal(err)
	}
	b2, err := rs.Join("c", "b", RoleResident, "B")
	if err != nil {
		t.Fatal(err)
	}
	w := next(t, b2)
	if len(w.Peers) != 2 || len(w.Chat) != 1 || w.Chat[0].Text != "こんにちは" {
		t.Fatalf("welcome after reconnect = %+v", w)
	}
	// The old connection is told it was replaced, then closed.
	var last Message
	for msg := range b.Out() {
		last = msg
	}
	if last.Type != "bye" || last.Code != "replaced" {
		t.Fatalf("old connection's last message = %+v", last)
	}
	for _, m := range []*Member{a, c} {
		next(t, m) // the chat
		if l := next(t, m); l.Type != "leave" || l.From != b.ID {
			t.Fatalf("%s saw %+v", m.Role, l)
		}
		if j := next(t, m); j.Type != "join" || j.Peer.ID != b2.ID {
			t.Fatalf("%s saw %+v", m.Role, j)
		}
	}
	c.Leave()
	if l := next(t, a); l.Type != "leave" || l.From != c.ID {
		t.Fatalf("leave = %+v", l)
	}
	rs.Close("c")
	if e := next(t, a); e.Type != "ended" {
		t.Fatalf("close = %+v", e)
	}
	if _, ok := <-a.Out(); ok {
		t.Fatal("outbox open after the call ended")
	}
}

func TestRoomMarksOnlyByOfficer(t *testing.T) {
	rs := NewRooms()
	officer := join(t, rs, "c", "o", RoleOfficer)
	resident := join(t, rs, "c", "r", RoleResident)
	next(t, officer)
	mark := `{"type":"mark","data":{"x":0.1,"y":0.2,"w":0.3,"h":0.1,"label":"NIK"}}`
	// No document shown yet.
	if err := send(t, officer, mark); err == nil {
		t.Fatal("mark without a document accepted")
	}
	next(t, officer)
	rs.Broadcast("c", Message{Type: "show", Doc: "doc-1"})
	next(t, officer)
	next(t, resident)
	if err := send(t, resident, mark); err == nil {
		t.Fatal("resident's mark accepted")
	}
	if e := next(t, resident); e.Code != CodeForbidden {
		t.Fatalf("resident got %+v", e)
	}
	for _, bad := range []string{`{"x":-0.1,"y":0,"w":0.1,"h":0.1}`, `{"x":0.9,"y":0,"w":0.5,"h":0.1}`,
		`{"x":0,"y":0,"w":0,"h":0.1}`, `{"x":0,"y":0,"w":0.1,"h":0.1,"label":"` + strings.Repeat("x", 101) + `"}`} {
		if err := send(t, officer, `{"type":"mark","data":`+bad+`}`); err == nil {
			t.Fatalf("mark %s accepted", bad)
		}
		next(t, officer)
	}
	if err := send(t, officer, mark); err != nil {
		t.Fatal(err)
	}
	got := next(t, resident)
	if got.Type != "marks" || got.Doc != "doc-1" || len(got.Marks) != 1 || got.Marks[0].Label != "NIK" {
		t.Fatalf("resident saw %+v", got)
	}
	next(t, officer)
	// Someone reconnecting sees the document and its highlights.
	resident.Leave()
	next(t, officer)
	back := join2(t, rs, "c", "r", RoleResident)
	if back.Doc != "doc-1" || len(back.Marks) != 1 {
		t.Fatalf("welcome = %+v", back)
	}
	// A new document starts clean.
	rs.Broadcast("c", Message{Type: "show", Doc: "doc-2"})
	again := join2(t, rs, "c", "r", RoleResident)
	if again.Doc != "doc-2" || len(again.Marks) != 0 {
		t.Fatalf("welcome after new document = %+v", again)
	}
}

// join2 joins and returns the welcome.
func join2(t *testing.T, rs *Rooms, call, key, role string) Message {
	t.Helper()
	m, err := rs.Join(ids.Call(call), key, role, role)
	if err != nil {
		t.Fatal(err)
	}
	return next(t, m)
}

func TestRoomMediaAndRate(t *testing.T) {
	rs := NewRooms()
	a := join(t, rs, "c", "a", RoleOfficer)
	b := join(t, rs, "c", "b", RoleResident)
	next(t, a)
	if err := send(t, b, `{"type":"media","data":{"audio":false,"video":true}}`); err != nil {
		t.Fatal(err)
	}
	if m := next(t, a); m.Type != "media" || m.Peer.Audio || !m.Peer.Video {
		t.Fatalf("media = %+v", m)
	}
	quiet(t, b)
	// Flooding is cut off without closing the connection.
	refused := 0
	for range rateBurst + 50 {
		if err := send(t, b, `{"type":"ping"}`); err != nil {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("no message refused in a flood")
	}
	raw, _ := json.Marshal(Message{Type: "chat", Text: strings.Repeat("x", maxSignal)})
	c := join(t, rs, "c", "c", RoleHelper)
	if err := c.Receive(raw); err == nil {
		t.Fatal("oversized message accepted")
	}
}
