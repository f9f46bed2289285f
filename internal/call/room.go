package call

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/serambi/serambi/internal/ids"
)

// The signalling room of a call relays what the browsers need to reach
// each other (offers, answers, ICE candidates: "signal", always to one
// named peer), and what everyone in the call shares: chat, camera and
// microphone state, the document being shown and the officer's highlights
// on it. The room keeps the chat, the document and the highlights, so
// someone who reconnects after a dropped network sees the call as it is.
//
// Rooms live in one process: every participant of a call must reach the
// same node (a load balancer's affinity on the call path does this).

// MaxPeople is the most a call holds: resident, officer and one helper.
const MaxPeople = 3

// Roles in a call.
const (
	RoleResident = "resident"
	RoleOfficer  = "officer"
	RoleHelper   = "helper"
)

const (
	maxSignal   = 64 << 10 // an SDP with many candidates stays far below this
	keepChat    = 100
	maxMarks    = 50
	outboxSize  = 256
	maxLabel    = 100
	ratePerSec  = 40 // ICE trickles a burst of candidates, then quiets down
	rateBurst   = 200
	idBytes     = 6
	maxNameRune = 80
)

// Peer describes one person in the call to the others.
type Peer struct {
	ID    string `json:"id"`
	Role  string `json:"role"`
	Name  string `json:"name"`
	Audio bool   `json:"audio"`
	Video bool   `json:"video"`
}

// Mark is a highlight the officer draws on the shown document, in
// fractions of the image's width and height so it lands on the same spot
// on every screen size.
type Mark struct {
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
	Label string  `json:"label,omitempty"`
}

// Chat is one chat line.
type Chat struct {
	From string    `json:"from"`
	Name string    `json:"name"`
	Role string    `json:"role"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Message is what travels over a participant's socket, both ways. Only
// the fields of its type are set.
type Message struct {
	Type  string          `json:"type"`
	From  string          `json:"from,omitempty"`
	To    string          `json:"to,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Text  string          `json:"text,omitempty"`
	Code  string          `json:"code,omitempty"`
	You   *Peer           `json:"you,omitempty"`
	Peer  *Peer           `json:"peer,omitempty"`
	Peers []Peer          `json:"peers,omitempty"`
	Chat  []Chat          `json:"chat,omitempty"`
	Doc   string          `json:"doc,omitempty"`
	Marks []Mark          `json:"marks,omitempty"`
	// Extra carries what the web layer adds (ICE servers in a welcome, an
	// application's tracking number).
	Extra any `json:"extra,omitempty"`
}

// Error codes sent back to a client whose message was refused; the
// connection stays open.
const (
	CodeBadMessage = "bad_message"
	CodeNoPeer     = "no_such_peer"
	CodeTooLarge   = "too_large"
	CodeForbidden  = "forbidden"
	CodeTooFast    = "too_fast"
)

// Rooms holds the signalling rooms of this process. With several nodes a
// call's sockets and its own pages (/{tenant}/calls/{id}/…) go to one node
// (the load balancer's affinity), so its room lives there; the server
// events other pages raise (an application started from an officer's desk
// served by another node, a call ended there) reach it through publish.
type Rooms struct {
	mu    sync.Mutex
	rooms map[string]*room
	// OnStart is called (outside the lock) when a second person joins a
	// call for the first time.
	OnStart func(callID string)
	publish func(callID ids.Call, msg Message)
}

// PublishTo sends every server event and every end of a call to the other
// nodes too (they Deliver it). Set it before serving.
func (rs *Rooms) PublishTo(publish func(callID ids.Call, msg Message)) { rs.publish = publish }

type room struct {
	members map[string]*Member
	chat    []Chat
	doc     string
	marks   []Mark
	started bool
}

// Member is one connected participant.
type Member struct {
	Peer
	callID  ids.Call
	key     string
	rooms   *Rooms
	out     chan Message
	closed  bool
	limiter *rate.Limiter
}

// NewRooms returns an empty set of rooms.
func NewRooms() *Rooms { return &Rooms{rooms: map[string]*room{}} }

func newPeerID() string {
	b := make([]byte, idBytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Join enters the call's room. key identifies the person (their account,
// or a helper's pass): joining again with the same key replaces the old
// connection, which is what a reconnect after a dropped network looks like
// before the server has noticed the old one is gone. A fourth person is
// ErrRoomFull.
func (rs *Rooms) Join(callID ids.Call, key, role, name string) (*Member, error) {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxNameRune {
		name = string([]rune(name)[:maxNameRune])
	}
	m := &Member{Peer: Peer{ID: newPeerID(), Role: role, Name: name, Audio: true, Video: true}, callID: callID, key: key,
		rooms: rs, out: make(chan Message, outboxSize), limiter: rate.NewLimiter(ratePerSec, rateBurst)}
	rs.mu.Lock()
	r := rs.rooms[string(callID)]
	if r == nil {
		r = &room{members: map[string]*Member{}}
		rs.rooms[string(callID)] = r
	}
	var old *Member
	for _, o := range r.members {
		if o.key == key {
			old = o
		}
	}
	if old == nil && len(r.members) >= MaxPeople {
		rs.mu.Unlock()
		return nil, ErrRoomFull
	}
	if old != nil {
		rs.removeLocked(r, old, "replaced")
	}
	r.members[m.ID] = m
	you := m.Peer // copies: the writers encode them while Receive may change m
	welcome := Message{Type: "welcome", You: &you, Chat: append([]Chat(nil), r.chat...), Doc: r.doc,
		Marks: append([]Mark(nil), r.marks...)}
	for _, o := range r.members {
		if o != m {
			welcome.Peers = append(welcome.Peers, o.Peer)
			joined := m.Peer
			rs.sendLocked(o, Message{Type: "join", Peer: &joined})
		}
	}
	m.out <- welcome
	start := !r.started && len(r.members) >= 2
	r.started = r.started || start
	rs.mu.Unlock()
	if start && rs.OnStart != nil {
		rs.OnStart(string(callID))
	}
	return m, nil
}

// Out is the member's outgoing messages; it is closed when the member
// leaves, is replaced, is too slow, or the call ends.
func (m *Member) Out() <-chan Message { return m.out }

// Leave takes the member out of the room (their socket closed).
func (m *Member) Leave() {
	rs := m.rooms
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r := rs.rooms[string(m.callID)]; r != nil && r.members[m.ID] == m {
		rs.removeLocked(r, m, "")
		if len(r.members) == 0 {
			// An empty room keeps its chat and highlights only while
			// someone is there to reconnect; the call record stays.
			delete(rs.rooms, string(m.callID))
		}
	}
}

// removeLocked drops m from r, tells the others it left, and closes its
// outbox after a last message saying why (when reason is set).
func (rs *Rooms) removeLocked(r *room, m *Member, reason string) {
	delete(r.members, m.ID)
	if reason != "" && !m.closed {
		select {
		case m.out <- Message{Type: "bye", Code: reason}:
		default:
		}
	}
	rs.closeLocked(m)
	for _, o := range r.members {
		rs.sendLocked(o, Message{Type: "leave", From: m.ID})
	}
}

func (rs *Rooms) closeLocked(m *Member) {
	if !m.closed {
		m.closed = true
		close(m.out)
	}
}

// sendLocked queues msg for m; a member whose outbox is full is too slow
// to keep up (a dead network the socket has not noticed yet) and is
// dropped rather than holding everyone else up. Its browser reconnects.
func (rs *Rooms) sendLocked(m *Member, msg Message) {
	if m.closed {
		return
	}
	select {
	case m.out <- msg:
	default:
		rs.closeLocked(m)
	}
}

// Close ends the call's room, here and on the other nodes: everyone is
// told and disconnected.
func (rs *Rooms) Close(callID ids.Call) { rs.Broadcast(callID, Message{Type: "ended"}) }

// Broadcast sends a server event to everyone in the call (a document was
// shown, an application was started or confirmed; "ended" closes the
// room), wherever their room is.
func (rs *Rooms) Broadcast(callID ids.Call, msg Message) {
	rs.Deliver(callID, msg)
	if rs.publish != nil {
		rs.publish(callID, msg)
	}
}

// Deliver sends a server event to the call's room on this node only (one
// another node published). A "show" also becomes the document a
// reconnecting member sees.
func (rs *Rooms) Deliver(callID ids.Call, msg Message) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.rooms[string(callID)]
	if r == nil {
		return
	}
	if msg.Type == "show" {
		r.doc, r.marks = msg.Doc, nil
	}
	for _, m := range r.members {
		rs.sendLocked(m, msg)
		if msg.Type == "ended" {
			rs.closeLocked(m)
		}
	}
	if msg.Type == "ended" {
		delete(rs.rooms, string(callID))
	}
}

// People returns who is in the call now.
func (rs *Rooms) People(callID ids.Call) []Peer {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []Peer
	if r := rs.rooms[string(callID)]; r != nil {
		for _, m := range r.members {
			out = append(out, m.Peer)
		}
	}
	return out
}

// Receive handles one message from the member's socket. A refused message
// is answered with an "error" to the sender only; the error returned is
// for logs and metrics.
func (m *Member) Receive(raw []byte) error {
	if !m.limiter.Allow() {
		return m.refuse(CodeTooFast, errors.New("messages too fast"))
	}
	if len(raw) > maxSignal {
		return m.refuse(CodeTooLarge, errors.New("message too large"))
	}
	var in Message
	if err := json.Unmarshal(raw, &in); err != nil {
		return m.refuse(CodeBadMessage, err)
	}
	switch in.Type {
	case "ping":
		return nil
	case "signal":
		return m.signal(in)
	case "chat":
		return m.chat(in)
	case "media":
		return m.media(in)
	case "mark", "unmark":
		return m.mark(in)
	}
	return m.refuse(CodeBadMessage, errors.New("unknown message type"))
}

// lockRoom takes the rooms' lock and returns m's room; when m is no
// longer in it (replaced, or the call ended) the lock is released and the
// room is nil.
func (m *Member) lockRoom() (*room, *Rooms) {
	rs := m.rooms
	rs.mu.Lock()
	r := rs.rooms[string(m.callID)]
	if r == nil || r.members[m.ID] != m {
		rs.mu.Unlock()
		return nil, rs
	}
	return r, rs
}

func (m *Member) refuse(code string, err error) error {
	rs := m.rooms
	rs.mu.Lock()
	rs.sendLocked(m, Message{Type: "error", Code: code})
	rs.mu.Unlock()
	return err
}

// signal forwards WebRTC negotiation to one other member of the call; the
// server does not read the SDP, it only makes sure it is a JSON object and
// goes to someone in this call.
func (m *Member) signal(in Message) error {
	var obj map[string]json.RawMessage
	if len(in.Data) == 0 || json.Unmarshal(in.Data, &obj) != nil {
		return m.refuse(CodeBadMessage, errors.New("signal without an object"))
	}
	r, rs := m.lockRoom()
	if r == nil {
		return ErrForbidden
	}
	defer rs.mu.Unlock()
	to := r.members[in.To]
	if to == nil {
		rs.sendLocked(m, Message{Type: "error", Code: CodeNoPeer})
		return errors.New("signal to a peer not in the call")
	}
	rs.sendLocked(to, Message{Type: "signal", From: m.ID, Data: in.Data})
	return nil
}

func (m *Member) chat(in Message) error {
	text := strings.TrimSpace(in.Text)
	if text == "" || utf8.RuneCountInString(text) > MaxChat || !utf8.ValidString(text) {
		return m.refuse(CodeBadMessage, errors.New("chat text empty or too long"))
	}
	r, rs := m.lockRoom()
	if r == nil {
		return ErrForbidden
	}
	defer rs.mu.Unlock()
	c := Chat{From: m.ID, Name: m.Name, Role: m.Role, Text: text, At: time.Now().UTC().Truncate(time.Second)}
	r.chat = append(r.chat, c)
	if len(r.chat) > keepChat {
		r.chat = r.chat[len(r.chat)-keepChat:]
	}
	for _, o := range r.members {
		rs.sendLocked(o, Message{Type: "chat", Chat: []Chat{c}})
	}
	return nil
}

// media tells the others whether this member's microphone and camera are
// on, so their screens can say "muted" instead of showing a frozen face.
func (m *Member) media(in Message) error {
	var st struct {
		Audio *bool `json:"audio"`
		Video *bool `json:"video"`
	}
	if json.Unmarshal(in.Data, &st) != nil || st.Audio == nil || st.Video == nil {
		return m.refuse(CodeBadMessage, errors.New("media state needs audio and video"))
	}
	r, rs := m.lockRoom()
	if r == nil {
		return ErrForbidden
	}
	defer rs.mu.Unlock()
	m.Audio, m.Video = *st.Audio, *st.Video
	p := m.Peer
	for _, o := range r.members {
		if o != m {
			rs.sendLocked(o, Message{Type: "media", Peer: &p})
		}
	}
	return nil
}

// mark adds the officer's highlight to the shown document ("unmark" clears
// them all). Only officers mark: the resident's screen must show what the
// officer means, not what anyone drew.
func (m *Member) mark(in Message) error {
	if m.Role != RoleOfficer {
		return m.refuse(CodeForbidden, ErrForbidden)
	}
	var mk Mark
	if in.Type == "mark" {
		if json.Unmarshal(in.Data, &mk) != nil || !validMark(mk) {
			return m.refuse(CodeBadMessage, errors.New("mark outside the document"))
		}
	}
	r, rs := m.lockRoom()
	if r == nil {
		return ErrForbidden
	}
	defer rs.mu.Unlock()
	if r.doc == "" {
		rs.sendLocked(m, Message{Type: "error", Code: CodeBadMessage})
		return errors.New("mark without a document")
	}
	if in.Type == "unmark" {
		r.marks = nil
	} else if len(r.marks) < maxMarks {
		r.marks = append(r.marks, mk)
	}
	out := Message{Type: "marks", Doc: r.doc, Marks: append([]Mark{}, r.marks...)}
	for _, o := range r.members {
		rs.sendLocked(o, out)
	}
	return nil
}

func validMark(mk Mark) bool {
	for _, v := range []float64{mk.X, mk.Y, mk.W, mk.H} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return false
		}
	}
	return mk.W > 0 && mk.H > 0 && mk.X+mk.W <= 1.0001 && mk.Y+mk.H <= 1.0001 &&
		utf8.RuneCountInString(mk.Label) <= maxLabel
}
