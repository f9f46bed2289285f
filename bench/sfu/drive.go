package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/serambi/serambi/bench/proc"
)

// packetBytes is a video packet's payload, as browsers fill them.
const packetBytes = 1100

// learnerStats is what one learner saw while measuring.
type learnerStats struct {
	mu      sync.Mutex
	delays  []time.Duration // per frame: its last packet's arrival minus its sending
	packets atomic.Int64
}

// drive connects the instructor and the learners and measures.
func drive(o options) error {
	if o.pid == 0 {
		return fmt.Errorf("-pid of the room is required")
	}
	api, err := clientAPI()
	if err != nil {
		return err
	}
	voice, camera, err := instructor(api, o.server)
	if err != nil {
		return err
	}
	var measuring atomic.Bool
	stats := make([]*learnerStats, o.learners)
	for i := range stats {
		stats[i] = &learnerStats{}
		if err := learner(api, o.server, fmt.Sprintf("learner-%d", i), stats[i], &measuring); err != nil {
			return fmt.Errorf("learner %d: %w", i, err)
		}
	}
	var sent atomic.Int64
	stop := make(chan struct{})
	go sendVideo(camera, o, &sent, &measuring, stop)
	go sendVoice(voice, stop)
	defer close(stop)

	time.Sleep(o.warmup)
	cpu0, err := proc.CPUSeconds(o.pid)
	if err != nil {
		return err
	}
	start := time.Now()
	measuring.Store(true)
	time.Sleep(o.duration)
	measuring.Store(false)
	elapsed := time.Since(start).Seconds()
	cpu1, err := proc.CPUSeconds(o.pid)
	if err != nil {
		return err
	}
	report(o, stats, sent.Load(), (cpu1-cpu0)/elapsed)
	return nil
}

func report(o options, stats []*learnerStats, sent int64, cores float64) {
	var all []time.Duration
	var got int64
	for _, s := range stats {
		s.mu.Lock()
		all = append(all, s.delays...)
		s.mu.Unlock()
		got += s.packets.Load()
	}
	slices.Sort(all)
	at := func(q float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(q*float64(len(all))))].Microseconds()) / 1000
	}
	// Packets in flight at the window's two edges make this ±0.3 %;
	// below zero reads as none lost.
	loss := 0.0
	if want := sent * int64(o.learners); want > 0 {
		loss = max(0, 100*(1-float64(got)/float64(want)))
	}
	perLearner := 0.0
	if o.learners > 0 {
		perLearner = cores / float64(o.learners) * 100
	}
	fmt.Printf("RESULT learners=%d kbps=%d fps=%d server_cpu_pct=%.1f cpu_pct_per_learner=%.2f frames=%d delay_p50_ms=%.2f delay_p99_ms=%.2f delay_max_ms=%.2f loss_pct=%.2f\n",
		o.learners, o.kbps, o.fps, cores*100, perLearner, len(all), at(0.5), at(0.99), at(1), loss)
}

// clientAPI is a browser's: every pion codec, loopback allowed.
func clientAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)), nil
}

// offer sends pc's offer (ICE gathered) to url and sets the answer, then
// waits for the connection.
func offer(pc *webrtc.PeerConnection, url string) error {
	connected := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(connected) })
		}
	})
	o, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(o); err != nil {
		return err
	}
	<-gathered
	resp, err := http.Post(url, "application/sdp", strings.NewReader(pc.LocalDescription().SDP))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	ans, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s %v", url, resp.StatusCode, ans, err)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(ans)}); err != nil {
		return err
	}
	select {
	case <-connected:
		return nil
	case <-time.After(15 * time.Second):
		return fmt.Errorf("%s: not connected", url)
	}
}

// instructor publishes a voice and a camera.
func instructor(api *webrtc.API, server string) (voice, camera *webrtc.TrackLocalStaticRTP, err error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, nil, err
	}
	voice, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "voice", "teacher")
	if err != nil {
		return nil, nil, err
	}
	camera, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "camera", "teacher")
	if err != nil {
		return nil, nil, err
	}
	for _, tr := range []*webrtc.TrackLocalStaticRTP{voice, camera} {
		tx, err := pc.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return nil, nil, err
		}
		go drainRTCP(tx.Sender())
	}
	return voice, camera, offer(pc, server+"/publish")
}

func drainRTCP(s *webrtc.RTPSender) {
	for {
		if _, _, err := s.ReadRTCP(); err != nil {
			return
		}
	}
}

// learner joins with the four places and times each frame's arrival.
func learner(api *webrtc.API, server, id string, st *learnerStats, measuring *atomic.Bool) error {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return err
		}
	}
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		video := remote.Kind() == webrtc.RTPCodecTypeVideo
		buf := make([]byte, 1500)
		var p rtp.Packet
		for {
			n, _, err := remote.Read(buf)
			if err != nil {
				return
			}
			if !video || !measuring.Load() || p.Unmarshal(buf[:n]) != nil {
				continue
			}
			st.packets.Add(1)
			if p.Marker && len(p.Payload) >= 8 {
				d := time.Since(time.Unix(0, int64(binary.BigEndian.Uint64(p.Payload))))
				st.mu.Lock()
				st.delays = append(st.delays, d)
				st.mu.Unlock()
			}
		}
	})
	return offer(pc, server+"/subscribe?id="+id)
}

// sendVideo sends frames at o.fps of o.kbps, split into packets; each
// packet carries its sending time, the frame's last one is marked.
func sendVideo(track *webrtc.TrackLocalStaticRTP, o options, sent *atomic.Int64, measuring *atomic.Bool, stop <-chan struct{}) {
	perFrame := max(1, (o.kbps*1000/8/o.fps+packetBytes-1)/packetBytes)
	tick := time.NewTicker(time.Second / time.Duration(o.fps))
	defer tick.Stop()
	payload := make([]byte, packetBytes)
	var seq uint16
	var ts uint32
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ts += 90000 / uint32(o.fps)
		for i := 0; i < perFrame; i++ {
			seq++
			binary.BigEndian.PutUint64(payload, uint64(time.Now().UnixNano()))
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: i == perFrame-1}, Payload: payload}
			if err := track.WriteRTP(pkt); err != nil {
				return
			}
			if measuring.Load() {
				sent.Add(1)
			}
		}
	}
}

// sendVoice sends 20 ms voice packets, as Opus does.
func sendVoice(track *webrtc.TrackLocalStaticRTP, stop <-chan struct{}) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	payload := make([]byte, 120)
	var seq uint16
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		seq++
		if track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: payload}) != nil {
			return
		}
	}
}
