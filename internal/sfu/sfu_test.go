package sfu_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/serambi/serambi/internal/sfu"
)

// These tests run real pion PeerConnections (standing in for the
// instructor's and the learners' browsers) against a room over loopback.

const wait = 10 * time.Second

func loopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	api, err := sfu.NewAPI(se)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// client is a browser: its own API (all of pion's codecs, as a browser
// offers many), on loopback.
func client(t *testing.T) *webrtc.PeerConnection {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return pc
}

// connect offers from pc (gathering first), hands the offer to signal
// and sets the answer.
func connect(t *testing.T, pc *webrtc.PeerConnection, signal func(ctx context.Context, offer string) (string, error)) error {
	t.Helper()
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	ans, err := signal(context.Background(), pc.LocalDescription().SDP)
	if err != nil {
		return err
	}
	return pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ans})
}

// sender keeps writing packets whose payload names what they are.
func sender(t *testing.T, track *webrtc.TrackLocalStaticRTP, label string, stop <-chan struct{}) {
	go func() {
		seq := uint16(0)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			seq++
			_ = track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 900, Marker: true},
				Payload: []byte(label)})
		}
	}()
}

func localTrack(t *testing.T, mime, id string) *webrtc.TrackLocalStaticRTP {
	t.Helper()
	tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: mime}, id, "me")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// heard records, per transceiver index of a learner, the payloads that
// arrived there.
type heard struct {
	mu   sync.Mutex
	got  map[int]map[string]bool
	cond chan struct{}
}

func learner(t *testing.T, room *sfu.Room, id string) (*webrtc.PeerConnection, *heard) {
	t.Helper()
	pc := client(t)
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	h := &heard{got: map[int]map[string]bool{}, cond: make(chan struct{}, 1)}
	pc.OnTrack(func(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		slot := -1
		for i, tr := range pc.GetTransceivers() {
			if tr.Receiver() == recv {
				slot = i
			}
		}
		buf := make([]byte, 1500)
		for {
			n, _, err := remote.Read(buf)
			if err != nil {
				return
			}
			var p rtp.Packet
			if p.Unmarshal(buf[:n]) != nil {
				continue
			}
			h.mu.Lock()
			if h.got[slot] == nil {
				h.got[slot] = map[string]bool{}
			}
			h.got[slot][string(p.Payload)] = true
			h.mu.Unlock()
			select {
			case h.cond <- struct{}{}:
			default:
			}
		}
	})
	if err := connect(t, pc, func(ctx context.Context, offer string) (string, error) { return room.Subscribe(ctx, id, offer) }); err != nil {
		t.Fatalf("subscribe %s: %v", id, err)
	}
	return pc, h
}

// waitFor waits until slot has heard label.
func (h *heard) waitFor(t *testing.T, who string, slot int, label string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		h.mu.Lock()
		ok := h.got[slot][label]
		h.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-h.cond:
		case <-deadline:
			h.mu.Lock()
			defer h.mu.Unlock()
			t.Fatalf("%s: slot %d never got %q (got %v)", who, slot, label, h.got)
		}
	}
}

// An instructor's camera, screen and voice reach every learner in their
// own places; the instructor is asked for a key frame when a learner
// joins; only the learner given the floor may speak, and everyone hears
// them in the floor's place; taking the floor back silences them.
func TestRoomForwardsToEveryLearner(t *testing.T) {
	t.Parallel()
	room, err := sfu.NewRoom(loopbackAPI(t), webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(room.Close)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })

	teacher := client(t)
	voice, camera, screen := localTrack(t, webrtc.MimeTypeOpus, "voice"), localTrack(t, webrtc.MimeTypeVP8, "camera"), localTrack(t, webrtc.MimeTypeVP8, "screen")
	var senders []*webrtc.RTPSender
	for _, tr := range []*webrtc.TrackLocalStaticRTP{voice, camera, screen} {
		tx, err := teacher.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			t.Fatal(err)
		}
		senders = append(senders, tx.Sender())
	}
	askedKeyFrame := make(chan struct{}, 1)
	go func() {
		for {
			pkts, _, err := senders[1].ReadRTCP()
			if err != nil {
				return
			}
			for _, p := range pkts {
				if _, ok := p.(*rtcp.PictureLossIndication); ok {
					select {
					case askedKeyFrame <- struct{}{}:
					default:
					}
				}
			}
		}
	}()
	if err := connect(t, teacher, room.Publish); err != nil {
		t.Fatalf("publish: %v", err)
	}
	sender(t, voice, "voice", stop)
	sender(t, camera, "camera", stop)
	sender(t, screen, "screen", stop)

	_, ana := learner(t, room, "ana")
	_, budi := learner(t, room, "budi")
	for _, c := range []struct {
		h    *heard
		who  string
		slot int
		what string
	}{{ana, "ana", 0, "camera"}, {ana, "ana", 1, "screen"}, {ana, "ana", 2, "voice"}, {budi, "budi", 0, "camera"}, {budi, "budi", 2, "voice"}} {
		c.h.waitFor(t, c.who, c.slot, c.what)
	}
	select {
	case <-askedKeyFrame:
	case <-time.After(wait):
		t.Fatal("the instructor was never asked for a key frame")
	}
	if n := room.Learners(); n != 2 {
		t.Fatalf("learners: %d", n)
	}

	// Budi may not speak until given the floor.
	mic := client(t)
	budiVoice := localTrack(t, webrtc.MimeTypeOpus, "budi")
	if _, err := mic.AddTransceiverFromTrack(budiVoice, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
		t.Fatal(err)
	}
	speak := func(ctx context.Context, offer string) (string, error) { return room.Speak(ctx, "budi", offer) }
	if err := connect(t, mic, speak); !errors.Is(err, sfu.ErrNoFloor) {
		t.Fatalf("speaking without the floor: %v", err)
	}
	room.GiveFloor("budi")
	mic2 := client(t)
	budiVoice2 := localTrack(t, webrtc.MimeTypeOpus, "budi")
	if _, err := mic2.AddTransceiverFromTrack(budiVoice2, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
		t.Fatal(err)
	}
	if err := connect(t, mic2, speak); err != nil {
		t.Fatalf("speaking with the floor: %v", err)
	}
	sender(t, budiVoice2, "budi speaks", stop)
	ana.waitFor(t, "ana", 3, "budi speaks")
	budi.waitFor(t, "budi", 3, "budi speaks")

	// A learner who leaves is dropped from the room.
	room.GiveFloor("")
	if room.Floor() != "" {
		t.Fatal("the floor was not taken back")
	}
}

// An offer that does not have the four places is refused.
func TestSubscribeRefusesAnOddOffer(t *testing.T) {
	t.Parallel()
	room, err := sfu.NewRoom(loopbackAPI(t), webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(room.Close)
	pc := client(t)
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	err = connect(t, pc, func(ctx context.Context, offer string) (string, error) { return room.Subscribe(ctx, "x", offer) })
	if !errors.Is(err, sfu.ErrBadOffer) {
		t.Fatalf("one video only: %v", err)
	}
	if _, err := room.Subscribe(context.Background(), "y", "v=0 nonsense"); !errors.Is(err, sfu.ErrBadOffer) || strings.Contains(err.Error(), "panic") {
		t.Fatalf("nonsense: %v", err)
	}
	if room.Learners() != 0 {
		t.Fatal("a refused learner was kept")
	}
}

// In a call of two, the learner who answers sends their camera too, and
// it comes in the screen's place; in a class it does not.
func TestCallForwardsTheSpeakersCamera(t *testing.T) {
	t.Parallel()
	for _, call := range []bool{true, false} {
		room, err := sfu.NewRoom(loopbackAPI(t), webrtc.Configuration{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(room.Close)
		if call {
			room.SetCall()
		}
		stop := make(chan struct{})
		t.Cleanup(func() { close(stop) })
		_, teacher := learner(t, room, "staff:teacher")
		room.GiveFloor("ana")
		mic := client(t)
		voice, face := localTrack(t, webrtc.MimeTypeOpus, "voice"), localTrack(t, webrtc.MimeTypeVP8, "face")
		for _, tr := range []*webrtc.TrackLocalStaticRTP{voice, face} {
			if _, err := mic.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
				t.Fatal(err)
			}
		}
		if err := connect(t, mic, func(ctx context.Context, offer string) (string, error) { return room.Speak(ctx, "ana", offer) }); err != nil {
			t.Fatal(err)
		}
		sender(t, voice, "ana's voice", stop)
		sender(t, face, "ana's face", stop)
		teacher.waitFor(t, "the instructor", 3, "ana's voice")
		teacher.mu.Lock()
		gotFace := teacher.got[1]["ana's face"]
		teacher.mu.Unlock()
		if call {
			teacher.waitFor(t, "the instructor in a call", 1, "ana's face")
		} else if gotFace {
			t.Error("in a class, a speaking learner's camera took the screen's place")
		}
	}
}
