package sfu

import (
	"slices"
	"time"

	"github.com/pion/webrtc/v4"
)

// What the class pages show besides the media: who is here, who raised
// a hand (oldest first) and whether the instructor is sending.

// State is the room as its pages show it.
type State struct {
	Live    bool     // the instructor's connection is up
	Present []string // learners connected, by id
	Hands   []string // learners with a hand up, who raised first first
	Floor   string   // who may speak
	// Speaking: the floor's voice is connected.
	Speaking bool
	Host     string // who leads the room (SetHost): the caller of a practice call
}

// State reads the room.
func (r *Room) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := State{Floor: r.floor, Live: connected(r.publisher), Speaking: connected(r.speaker), Host: r.host}
	for id := range r.learners {
		st.Present = append(st.Present, id)
	}
	slices.Sort(st.Present)
	for id := range r.hands {
		st.Hands = append(st.Hands, id)
	}
	slices.SortFunc(st.Hands, func(a, b string) int { return r.hands[a].Compare(r.hands[b]) })
	return st
}

// RaiseHand puts id's hand up (keeping its first time) or down.
func (r *Room) RaiseHand(id string, up bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hands == nil {
		r.hands = map[string]time.Time{}
	}
	if !up {
		delete(r.hands, id)
		return
	}
	if _, ok := r.hands[id]; !ok {
		r.hands[id] = time.Now()
	}
}

func connected(pc *webrtc.PeerConnection) bool {
	return pc != nil && pc.ConnectionState() == webrtc.PeerConnectionStateConnected
}

// SetHost names who leads the room, for the others to see.
func (r *Room) SetHost(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.host = name
}

// idle tells a room nobody is connected to (or trying to be): every
// connection it holds has failed or closed, or it holds none.
func (r *Room) idle() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	pcs := []*webrtc.PeerConnection{r.publisher, r.speaker}
	for _, pc := range r.learners {
		pcs = append(pcs, pc)
	}
	for _, pc := range pcs {
		if pc == nil {
			continue
		}
		switch pc.ConnectionState() {
		case webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateFailed:
		default:
			return false
		}
	}
	return true
}
