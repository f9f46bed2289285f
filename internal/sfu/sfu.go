// Package sfu forwards an online class's media through the server: the
// instructor sends their camera, shared screen and voice once, and the
// server copies each packet to every learner (a selective forwarding
// unit), instead of every phone connecting to every other. A learner the
// instructor lets speak sends their voice the same way, to everyone.
//
// Each learner's connection has four fixed places, negotiated once when
// they join: the camera, the screen, the instructor's voice and the
// floor (the learner who may speak). What fills them changes without a
// new negotiation, so a phone on a poor network never has to renegotiate
// mid-class. Packets are forwarded as they come (no decoding): the cost
// per learner is one encryption and one send per packet.
//
// Signalling is one offer and one answer over HTTP (as WHIP and WHEP
// do), with ICE gathered before answering, so a page needs no socket.
package sfu

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// Slot is one of the fixed places a learner receives.
type Slot int

// The slots, in the order of a learner's offer: two videos, then two
// audios.
const (
	Camera Slot = iota // the instructor's camera
	Screen             // the instructor's shared screen
	Voice              // the instructor's microphone
	Floor              // the learner allowed to speak
	slots
)

func (s Slot) kind() webrtc.RTPCodecType {
	if s == Camera || s == Screen {
		return webrtc.RTPCodecTypeVideo
	}
	return webrtc.RTPCodecTypeAudio
}

// Errors callers turn into answers.
var (
	ErrClosed   = errors.New("sfu: the room is closed")
	ErrBadOffer = errors.New("sfu: the offer does not fit")
	ErrNoFloor  = errors.New("sfu: this learner may not speak now")
)

// gatherWait bounds how long an answer waits for ICE gathering.
const gatherWait = 10 * time.Second

// NewAPI makes the WebRTC API the rooms use: VP8 and Opus only (every
// browser sends both, and one codec per kind lets packets be forwarded
// untouched), with pion's default interceptors (NACK, reports).
func NewAPI(se webrtc.SettingEngine) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	for _, c := range []struct {
		p webrtc.RTPCodecParameters
		k webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: vp8, PayloadType: 96}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: opus, PayloadType: 111}, webrtc.RTPCodecTypeAudio},
	} {
		if err := m.RegisterCodec(c.p, c.k); err != nil {
			return nil, fmt.Errorf("sfu: register %s: %w", c.p.MimeType, err)
		}
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, fmt.Errorf("sfu: interceptors: %w", err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(ir)), nil
}

var (
	vp8  = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: videoFeedback}
	opus = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}
	// Browsers ask for a key frame (PLI) and resend lost packets (NACK).
	videoFeedback = []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}}
)

// Room is one online class session on this server.
type Room struct {
	api *webrtc.API
	cfg webrtc.Configuration

	mu         sync.Mutex
	tracks     [slots]*webrtc.TrackLocalStaticRTP
	sources    [slots]uint32 // SSRC of what fills each slot, for key-frame requests
	publisher  *webrtc.PeerConnection
	speaker    *webrtc.PeerConnection
	floor      string // who may speak ("" for no one)
	learners   map[string]*webrtc.PeerConnection
	hands      map[string]time.Time // raised hands, by when
	made       time.Time
	call       bool // a practice call of two: the speaker's camera fills the screen's place
	host       string
	closed     bool
	lastPLI    time.Time
	pliPending bool
}

// NewRoom makes an empty room; cfg holds the ICE servers browsers get too.
func NewRoom(api *webrtc.API, cfg webrtc.Configuration) (*Room, error) {
	r := &Room{api: api, cfg: cfg, learners: map[string]*webrtc.PeerConnection{}, made: time.Now()}
	for s := Camera; s < slots; s++ {
		codec := vp8
		if s.kind() == webrtc.RTPCodecTypeAudio {
			codec = opus
		}
		t, err := webrtc.NewTrackLocalStaticRTP(codec, fmt.Sprintf("slot-%d", s), "class")
		if err != nil {
			return nil, fmt.Errorf("sfu: make slot %d: %w", s, err)
		}
		r.tracks[s] = t
	}
	return r, nil
}

// Learners is how many learners are connected.
func (r *Room) Learners() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.learners)
}

// Close hangs up everyone.
func (r *Room) Close() {
	r.mu.Lock()
	pcs := []*webrtc.PeerConnection{r.publisher, r.speaker}
	for _, pc := range r.learners {
		pcs = append(pcs, pc)
	}
	r.publisher, r.speaker, r.learners, r.closed = nil, nil, map[string]*webrtc.PeerConnection{}, true
	r.mu.Unlock()
	for _, pc := range pcs {
		if pc != nil {
			_ = pc.Close()
		}
	}
}

// answer sets offer on pc and returns its answer once ICE is gathered.
func answer(ctx context.Context, pc *webrtc.PeerConnection, offer string) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	return answerSet(ctx, pc)
}

// answerSet answers the offer already set on pc, once ICE is gathered:
// the page gets every candidate in one answer and needs no socket.
func answerSet(ctx context.Context, pc *webrtc.PeerConnection) (string, error) {
	a, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(a); err != nil {
		return "", fmt.Errorf("sfu: set the answer: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, gatherWait)
	defer cancel()
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", fmt.Errorf("sfu: gather ICE candidates: %w", ctx.Err())
	}
	return pc.LocalDescription().SDP, nil
}

// closeOnFailure hangs pc up when its connection fails or closes, and
// calls gone then.
func closeOnFailure(pc *webrtc.PeerConnection, gone func()) {
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateFailed || s == webrtc.PeerConnectionStateClosed {
			_ = pc.Close()
			gone()
		}
	})
}

// requestKeyFrame asks the instructor's browser for a key frame of each
// video, so a learner who just joined sees a picture at once instead of
// waiting for the next one. At most one ask goes per keyFrameGap: asks
// within it are sent together at its end (a class starting is many
// learners joining within a second).
func (r *Room) requestKeyFrame() {
	r.mu.Lock()
	pc := r.publisher
	var pkts []rtcp.Packet
	for _, s := range []Slot{Camera, Screen} {
		if ssrc := r.sources[s]; ssrc != 0 {
			pkts = append(pkts, &rtcp.PictureLossIndication{MediaSSRC: ssrc})
		}
	}
	if pc == nil || len(pkts) == 0 || r.pliPending {
		r.mu.Unlock()
		return
	}
	if wait := keyFrameGap - time.Since(r.lastPLI); wait > 0 {
		r.pliPending = true
		r.mu.Unlock()
		time.AfterFunc(wait, func() {
			r.mu.Lock()
			r.pliPending = false
			r.mu.Unlock()
			r.requestKeyFrame()
		})
		return
	}
	r.lastPLI = time.Now()
	r.mu.Unlock()
	_ = pc.WriteRTCP(pkts) // a lost ask is asked again by the learner's own PLI
}

// keyFrameGap is the least time between two key-frame asks: key frames
// are large, and a burst of them would stall a slow learner's video.
const keyFrameGap = 500 * time.Millisecond

// Rooms are the online classes running on this server, by session.
// Until Start is given the API (the media port is open), there are none.
type Rooms struct {
	mu    sync.Mutex
	api   *webrtc.API
	rooms map[string]*Room
}

// ErrOff: this server forwards no media (its media port is off).
var ErrOff = errors.New("sfu: online classes are off on this server")

// NewRooms makes the registry, off until Start.
func NewRooms() *Rooms { return &Rooms{rooms: map[string]*Room{}} }

// Start turns the rooms on with api.
func (rs *Rooms) Start(api *webrtc.API) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.api = api
}

// On tells whether online classes can run here.
func (rs *Rooms) On() bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.api != nil
}

// Room is session id's room, made on first use.
func (rs *Rooms) Room(id string) (*Room, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.api == nil {
		return nil, ErrOff
	}
	if r := rs.rooms[id]; r != nil {
		return r, nil
	}
	r, err := NewRoom(rs.api, webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	rs.rooms[id] = r
	return r, nil
}

// Existing is room id if it is open, else nil (it is not made).
func (rs *Rooms) Existing(id string) *Room {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.rooms[id]
}

// CloseIdle closes the rooms nobody is connected to (a class that ended,
// a call the instructor left) and returns how many it closed. A room
// made in the last minute is kept: its first connection may be on its way.
func (rs *Rooms) CloseIdle() int {
	rs.mu.Lock()
	var idle []*Room
	for id, r := range rs.rooms {
		if time.Since(r.made) > time.Minute && r.idle() {
			idle = append(idle, r)
			delete(rs.rooms, id)
		}
	}
	rs.mu.Unlock()
	for _, r := range idle {
		r.Close()
	}
	return len(idle)
}

// End closes session id's room, if any.
func (rs *Rooms) End(id string) {
	rs.mu.Lock()
	r := rs.rooms[id]
	delete(rs.rooms, id)
	rs.mu.Unlock()
	if r != nil {
		r.Close()
	}
}
