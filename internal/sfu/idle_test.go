package sfu

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// A room nobody is connected to is closed by CloseIdle once it is more
// than a minute old; one with a connection on its way is kept.
func TestCloseIdle(t *testing.T) {
	t.Parallel()
	rs := NewRooms()
	rs.Start(webrtc.NewAPI())
	empty, err := rs.Room("empty")
	if err != nil {
		t.Fatal(err)
	}
	busy, err := rs.Room("busy")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := rs.Room("fresh")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	busy.learners["ana"] = pc // new: still connecting
	empty.made, busy.made = time.Now().Add(-2*time.Minute), time.Now().Add(-2*time.Minute)
	if n := rs.CloseIdle(); n != 1 {
		t.Fatalf("closed %d rooms, want the empty one", n)
	}
	if rs.Existing("empty") != nil || rs.Existing("busy") != busy || rs.Existing("fresh") != fresh {
		t.Fatal("the wrong rooms were closed")
	}
	_ = pc.Close()
	if n := rs.CloseIdle(); n != 1 || rs.Existing("busy") != nil {
		t.Fatalf("a room whose last learner hung up was kept (%d closed)", n)
	}
}
