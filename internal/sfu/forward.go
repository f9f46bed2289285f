package sfu

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// Publish takes the instructor's offer — their voice, their camera and
// (second video, possibly without a track until they share) their
// screen, all sendonly — and answers it. A new Publish replaces the
// previous one (the instructor reloaded the page or changed network).
func (r *Room) Publish(ctx context.Context, offer string) (_ string, err error) {
	pc, err := r.api.NewPeerConnection(r.cfg)
	if err != nil {
		return "", fmt.Errorf("sfu: open the instructor's connection: %w", err)
	}
	defer func() {
		if err != nil {
			_ = pc.Close()
		}
	}()
	pc.OnTrack(func(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		slot, ok := publisherSlot(pc, recv)
		if !ok {
			return
		}
		r.mu.Lock()
		current := r.publisher == pc
		if current {
			r.sources[slot] = uint32(remote.SSRC())
		}
		r.mu.Unlock()
		if current {
			r.requestKeyFrame()
			r.forward(remote, slot, func() bool { return r.isPublisher(pc) })
		}
	})
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return "", ErrClosed
	}
	old := r.publisher
	r.publisher, r.sources[Camera], r.sources[Screen], r.sources[Voice] = pc, 0, 0, 0
	r.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	closeOnFailure(pc, func() {})
	return answer(ctx, pc, offer)
}

func (r *Room) isPublisher(pc *webrtc.PeerConnection) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.publisher == pc
}

// publisherSlot: the first video of the instructor's offer is the camera,
// the second the screen; their audio is the voice.
func publisherSlot(pc *webrtc.PeerConnection, recv *webrtc.RTPReceiver) (Slot, bool) {
	videos := 0
	for _, t := range pc.GetTransceivers() {
		if t.Kind() == webrtc.RTPCodecTypeAudio {
			if t.Receiver() == recv {
				return Voice, true
			}
			continue
		}
		if t.Receiver() == recv {
			return []Slot{Camera, Screen}[min(videos, 1)], videos < 2
		}
		videos++
	}
	return 0, false
}

// forward copies every packet of remote into slot's track (which sends it
// to every learner) for as long as still says so.
func (r *Room) forward(remote *webrtc.TrackRemote, slot Slot, still func() bool) {
	buf := make([]byte, 1500)
	for {
		n, _, err := remote.Read(buf)
		if err != nil {
			return // the sender hung up
		}
		if !still() {
			return
		}
		if _, err := r.tracks[slot].Write(buf[:n]); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			return
		}
	}
}

// Subscribe takes a learner's offer — two videos and two audios, all
// recvonly, in that order — and answers it with the room's four slots.
// A second Subscribe with the same id replaces the first.
func (r *Room) Subscribe(ctx context.Context, id, offer string) (_ string, err error) {
	pc, err := r.api.NewPeerConnection(r.cfg)
	if err != nil {
		return "", fmt.Errorf("sfu: open a learner's connection: %w", err)
	}
	defer func() {
		if err != nil {
			_ = pc.Close()
		}
	}()
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	offered := pc.GetTransceivers()
	if len(offered) != int(slots) {
		return "", fmt.Errorf("%w: %d media lines, want %d", ErrBadOffer, len(offered), slots)
	}
	for s := Camera; s < slots; s++ {
		if offered[s].Kind() != s.kind() {
			return "", fmt.Errorf("%w: media line %d is %s", ErrBadOffer, s, offered[s].Kind())
		}
		// The offer's lines fill in order: the first unused one of the
		// slot's kind is the slot's own.
		sender, err := pc.AddTrack(r.tracks[s])
		if err != nil {
			return "", fmt.Errorf("sfu: add slot %d: %w", s, err)
		}
		go r.readFeedback(sender)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return "", ErrClosed
	}
	old := r.learners[id]
	r.learners[id] = pc
	r.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			r.requestKeyFrame()
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			_ = pc.Close()
			r.drop(id, pc)
		}
	})
	return answerSet(ctx, pc)
}

// readFeedback reads a learner's reports on one slot (the interceptors
// need them read) and passes their key-frame requests on.
func (r *Room) readFeedback(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				r.requestKeyFrame()
			}
		}
	}
}

// drop forgets a learner's connection (if it is still theirs).
func (r *Room) drop(id string, pc *webrtc.PeerConnection) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.learners[id] == pc {
		delete(r.learners, id)
	}
	if r.floor == id && r.speaker != nil {
		_ = r.speaker.Close()
		r.speaker = nil
	}
}

// GiveFloor lets learner id speak ("" takes the floor back); their voice
// connection, if any, is hung up when the floor moves on.
func (r *Room) GiveFloor(id string) {
	r.mu.Lock()
	old := r.speaker
	if r.floor == id {
		r.mu.Unlock()
		return
	}
	r.floor, r.speaker = id, nil
	delete(r.hands, id) // a hand is answered by the floor
	r.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

// Floor is who may speak now.
func (r *Room) Floor() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.floor
}

// Speak takes the offer (one sendonly audio) of the learner who has the
// floor and forwards their voice to everyone's floor slot. In a call of
// two (SetCall) the speaker may send their camera too: it fills the
// screen's place, which the instructor of a call does not share.
func (r *Room) Speak(ctx context.Context, id, offer string) (_ string, err error) {
	if r.Floor() != id || id == "" {
		return "", ErrNoFloor
	}
	pc, err := r.api.NewPeerConnection(r.cfg)
	if err != nil {
		return "", fmt.Errorf("sfu: open a speaker's connection: %w", err)
	}
	defer func() {
		if err != nil {
			_ = pc.Close()
		}
	}()
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		still := func() bool { return r.isSpeaker(pc) }
		switch {
		case remote.Kind() == webrtc.RTPCodecTypeAudio:
			r.forward(remote, Floor, still)
		case r.isCall():
			r.mu.Lock()
			r.sources[Screen] = uint32(remote.SSRC())
			r.mu.Unlock()
			r.forward(remote, Screen, still)
		}
	})
	r.mu.Lock()
	if r.closed || r.floor != id {
		r.mu.Unlock()
		return "", ErrNoFloor
	}
	old := r.speaker
	r.speaker = pc
	r.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	closeOnFailure(pc, func() {})
	return answer(ctx, pc, offer)
}

// SetCall makes the room a call of two (see Speak).
func (r *Room) SetCall() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.call = true
}

func (r *Room) isCall() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.call
}

func (r *Room) isSpeaker(pc *webrtc.PeerConnection) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.speaker == pc
}
