package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/ids"
)

// onlineClass makes an online session of fukuoka starting in ten minutes
// (its room is open) with the demo resident seated, and returns its page.
func onlineClass(t *testing.T, s *site, starts time.Duration) (string, ids.User) {
	t.Helper()
	ctx := context.Background()
	ten, _ := s.app.Tenants.BySlug(ctx, "fukuoka")
	cs, err := s.app.Classes.Courses(ctx, ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("courses: %v", err)
	}
	at := s.app.Clock.Now().Add(starts)
	x, err := s.app.Classes.CreateSession(ctx, audit.System, ten.ID, classes.Session{CourseID: cs[0].ID, StartsAt: at,
		EndsAt: at.Add(time.Hour), Online: true, Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	resident, _ := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	if _, err := s.app.Classes.Enrol(ctx, audit.Actor{ID: resident.ID, Label: resident.Email}, ten.ID, x.ID, resident.ID,
		classes.Questions{Phone: classes.PhoneAndroid}); err != nil {
		t.Fatal(err)
	}
	return "/fukuoka/classes/sessions/" + string(x.ID) + "/online", resident.ID
}

// offerFrom is a pion browser's offer: the learner's four places
// (recvonly), or one sending voice.
func offerFrom(t *testing.T, kinds []webrtc.RTPCodecType, dir webrtc.RTPTransceiverDirection) *webrtc.PeerConnection {
	t.Helper()
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	for _, k := range kinds {
		if dir == webrtc.RTPTransceiverDirectionSendonly {
			tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "mic", "me")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pc.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: dir}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: dir}); err != nil {
			t.Fatal(err)
		}
	}
	o, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(o); err != nil {
		t.Fatal(err)
	}
	<-done
	return pc
}

var places = []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeAudio}

func postSDP(b *browser, path, sdp string) answer {
	return b.do("POST", path, strings.NewReader(sdp), "application/sdp")
}

// The online class's pages: a seated learner joins (the server answers a
// real browser's offer), raises a hand, which the instructor sees; the
// instructor gives them the floor and only then may they send their
// voice; a learner may not send the class's video nor give the floor,
// a resident not in the class may not come in; a class at a hall has no
// online page, one far off is not open yet; with no media port the page
// says online classes cannot run here.
func TestOnlineClassPages(t *testing.T) {
	t.Parallel()
	s := startSite(t, false, func(c *config.Config) { c.MediaAddr = "127.0.0.1:0" })
	off := startSite(t, false)
	if err := s.app.StartMedia(); err != nil {
		t.Fatal(err)
	}
	hall := todaySession(t, s, "fukuoka")
	page, resident := onlineClass(t, s, 10*time.Minute)
	learner := s.browser(t)
	learner.signin("resident@fukuoka.demo")
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")

	view := learner.get(page)
	mustContain(t, view, `data-role="learner"`, `action="`+page+`/hand"`, "/static/v/online.")
	if pp := view.header.Get("Permissions-Policy"); !strings.Contains(pp, "microphone=(self)") || !strings.Contains(pp, "camera=(self)") {
		t.Errorf("the online class may not use the camera and microphone: %q", pp)
	}
	watch := postSDP(learner, page+"/watch", offerFrom(t, places, webrtc.RTPTransceiverDirectionRecvonly).LocalDescription().SDP)
	if watch.status != http.StatusOK || watch.header.Get("Content-Type") != "application/sdp" || !strings.HasPrefix(watch.body, "v=0") {
		t.Fatalf("watch: %d %q", watch.status, watch.body)
	}
	if a := postSDP(learner, page+"/watch", "hello"); a.status != http.StatusBadRequest {
		t.Errorf("a nonsense offer: %d", a.status)
	}
	mic := offerFrom(t, []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio}, webrtc.RTPTransceiverDirectionSendonly).LocalDescription().SDP
	if a := postSDP(learner, page+"/speak", mic); a.status != http.StatusForbidden {
		t.Errorf("speaking without the floor: %d", a.status)
	}
	if a := learner.post(page+"/hand", url.Values{"up": {"1"}}); a.status != http.StatusSeeOther {
		t.Fatalf("raise a hand: %d", a.status)
	}
	mustContain(t, teacher.get(page), `data-role="teacher"`, "田中 一郎", `name="learner" value="`+string(resident)+`"`)
	if a := learner.post(page+"/floor", url.Values{"learner": {string(resident)}}); a.status != http.StatusForbidden {
		t.Errorf("a learner gives the floor: %d", a.status)
	}
	if a := postSDP(learner, page+"/publish", mic); a.status != http.StatusForbidden {
		t.Errorf("a learner sends the class's video: %d", a.status)
	}
	if a := teacher.post(page+"/floor", url.Values{"learner": {string(resident)}}); a.status != http.StatusSeeOther || strings.Contains(a.header.Get("Location"), "not_present") {
		t.Fatalf("give the floor: %d %q", a.status, a.header.Get("Location"))
	}
	// The instructor hears the floor through the room too, but is not
	// counted among the learners.
	if a := postSDP(teacher, page+"/watch", offerFrom(t, places, webrtc.RTPTransceiverDirectionRecvonly).LocalDescription().SDP); a.status != http.StatusOK {
		t.Fatalf("the instructor watches: %d", a.status)
	}
	var st struct {
		MyFloor bool `json:"my_floor"`
		Present int  `json:"present"`
	}
	stateBody := learner.get(page + "/state")
	if err := json.Unmarshal([]byte(stateBody.body), &st); err != nil || !st.MyFloor || st.Present != 1 {
		t.Fatalf("state: %s %v", stateBody.body, err)
	}
	if a := postSDP(learner, page+"/speak", mic); a.status != http.StatusOK {
		t.Errorf("speaking with the floor: %d %s", a.status, a.body)
	}
	mustContain(t, learner.get(page), jaText(t)("online.my_floor"))

	// Not in the class, at a hall, far off, and no media port.
	other := s.browser(t)
	other.signin("learner1@fukuoka.demo")
	if a := other.get(page); a.status != http.StatusForbidden {
		t.Errorf("a resident not in the class: %d", a.status)
	}
	if a := teacher.get("/fukuoka/classes/sessions/" + string(hall.ID) + "/online"); a.status != http.StatusNotFound {
		t.Errorf("the online page of a class at a hall: %d", a.status)
	}
	later, _ := onlineClass(t, s, 72*time.Hour)
	mustContain(t, learner.get(later), jaText(t)("online.not_open"))
	if a := postSDP(learner, later+"/watch", offerFrom(t, places, webrtc.RTPTransceiverDirectionRecvonly).LocalDescription().SDP); a.status != http.StatusConflict {
		t.Errorf("watching a class not open: %d", a.status)
	}
	offPage, _ := onlineClass(t, off, 10*time.Minute)
	offLearner := off.browser(t)
	offLearner.signin("resident@fukuoka.demo")
	mustContain(t, offLearner.get(offPage), jaText(t)("online.off"))
	if a := offLearner.get(offPage + "/state"); a.status != http.StatusServiceUnavailable {
		t.Errorf("state without a media port: %d", a.status)
	}
}

// connected offers from pc to path as b, sets the answer and waits until
// the connection is up.
func connected(t *testing.T, b *browser, pc *webrtc.PeerConnection, path string) {
	t.Helper()
	up := make(chan struct{})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			select {
			case <-up:
			default:
				close(up)
			}
		}
	})
	a := postSDP(b, path, pc.LocalDescription().SDP)
	if a.status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, a.status, a.body)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: a.body}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-up:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: not connected", path)
	}
}

// A practice video call: the instructor calls a learner of the tenant
// (not anyone else); the learner's phone says who is ringing only while
// the instructor's camera is on; the learner answers and may speak at
// once; nobody else can answer it; hanging up stops the ringing. A
// learner may not call.
func TestPracticeCall(t *testing.T) {
	t.Parallel()
	s := startSite(t, false, func(c *config.Config) { c.MediaAddr = "127.0.0.1:0" })
	if err := s.app.StartMedia(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	resident, _ := s.app.Identity.ByLogin(ctx, "resident@fukuoka.demo")
	officer, _ := s.app.Identity.ByLogin(ctx, "officer@fukuoka.demo")
	call := "/fukuoka/classes/calls/" + string(resident.ID)
	teacher := s.browser(t)
	teacher.signin("instructor@fukuoka.demo")
	learner := s.browser(t)
	learner.signin("resident@fukuoka.demo")

	mustContain(t, teacher.get(call), `data-role="teacher"`, `data-base="`+call+`"`, "田中 一郎")
	if a := teacher.get("/fukuoka/classes/calls/" + string(officer.ID)); a.status != http.StatusNotFound {
		t.Errorf("calling someone who is no learner: %d", a.status)
	}
	if a := learner.get(call); a.status != http.StatusForbidden {
		t.Errorf("a learner opens the instructor's side: %d", a.status)
	}
	ringing := func() (bool, string) {
		var st struct {
			Ringing bool
			Caller  string
		}
		a := learner.get("/fukuoka/classes/call/state")
		if err := json.Unmarshal([]byte(a.body), &st); err != nil {
			t.Fatalf("ring state: %d %s", a.status, a.body)
		}
		return st.Ringing, st.Caller
	}
	if r, _ := ringing(); r {
		t.Fatal("ringing before anyone calls")
	}
	if a := postSDP(learner, "/fukuoka/classes/call/answer", offerFrom(t, places, webrtc.RTPTransceiverDirectionRecvonly).LocalDescription().SDP); a.status != http.StatusConflict {
		t.Errorf("answering when nobody calls: %d", a.status)
	}

	// The instructor's camera and voice, sent from a pion peer.
	sender, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sender.Close() })
	for _, c := range []webrtc.RTPCodecCapability{{MimeType: webrtc.MimeTypeOpus}, {MimeType: webrtc.MimeTypeVP8}} {
		tr, err := webrtc.NewTrackLocalStaticRTP(c, c.MimeType, "teacher")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sender.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
			t.Fatal(err)
		}
	}
	o, _ := sender.CreateOffer(nil)
	gathered := webrtc.GatheringCompletePromise(sender)
	if err := sender.SetLocalDescription(o); err != nil {
		t.Fatal(err)
	}
	<-gathered
	connected(t, teacher, sender, call+"/publish")
	// The server's side of the connection comes up a moment after the
	// instructor's.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		r, caller := ringing()
		if r && caller == "中村 由美" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the learner's phone does not ring: %v %q", r, caller)
		}
	}
	other := s.browser(t)
	other.signin("learner1@fukuoka.demo")
	if a := postSDP(other, "/fukuoka/classes/call/answer", offerFrom(t, places, webrtc.RTPTransceiverDirectionRecvonly).LocalDescription().SDP); a.status != http.StatusConflict {
		t.Errorf("someone else answers the call: %d", a.status)
	}
	connected(t, learner, offerFrom(t, places, webrtc.RTPTransceiverDirectionRecvonly), "/fukuoka/classes/call/answer")
	mic := offerFrom(t, []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio}, webrtc.RTPTransceiverDirectionSendonly)
	connected(t, learner, mic, "/fukuoka/classes/call/speak")

	if a := teacher.post(call+"/end", nil); a.status != http.StatusSeeOther || !strings.HasSuffix(a.header.Get("Location"), "done=practice_call_ended") {
		t.Fatalf("hang up: %d %q", a.status, a.header.Get("Location"))
	}
	if r, _ := ringing(); r {
		t.Error("still ringing after the instructor hung up")
	}
	_, lesson := lessonWith(t, s, "fukuoka", classes.AnswerCall)
	ex := learner.get("/fukuoka/classes/lessons/" + lesson.ID + "/practice/call")
	mustContain(t, ex, `data-role="answerer"`, `data-base="/fukuoka/classes/call"`, "/static/v/online.")
	if pp := ex.header.Get("Permissions-Policy"); !strings.Contains(pp, "microphone=(self)") {
		t.Errorf("the call exercise may not use the microphone: %q", pp)
	}
}
