package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/ids"
)

// These tests hold real calls between two pion PeerConnections (standing
// in for the resident's and the officer's browsers) through the running
// server's signalling socket and its embedded TURN relay, with relay-only
// ICE: media can only flow if the relay relays it.

type callSite struct {
	app  *app.App
	srv  *httptest.Server
	slug string
	// counter of the demo tenant whose queue the calls use
	counter string
}

func startCallSite(t testing.TB) *callSite {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "s.db"), Demo: true, LogLevel: "info",
		TURNAddr: "127.0.0.1:0"}
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	a, err := app.New(context.Background(), cfg, app.WithoutDemoVisitors())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.StartRelay(); err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler()
	srv.Start()
	t.Cleanup(func() { srv.Close(); a.Close() })
	ten, _ := a.Tenants.BySlug(context.Background(), "fukuoka")
	cs, err := a.Counters.List(context.Background(), ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no demo counter: %v", err)
	}
	return &callSite{app: a, srv: srv, slug: "fukuoka", counter: string(cs[0].ID)}
}

// openCall: a walk-in takes a number, the officer calls it and opens its
// video call. It returns the call and the walk-in's ticket.
func (s *callSite) openCall(t testing.TB) (string, string) {
	t.Helper()
	ctx := context.Background()
	ten, _ := s.app.Tenants.BySlug(ctx, s.slug)
	officer, _ := s.app.Identity.ByLogin(ctx, "officer@fukuoka.demo")
	tk, err := s.app.Queue.Take(ctx, audit.System, ten, ids.Counter(s.counter), "", "web", "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.app.Calls.Begin(ctx, audit.Actor{ID: officer.ID, Label: "officer"}, ten.ID,
		call.Subject{CounterID: ids.Counter(s.counter), TicketID: tk.ID})
	if err != nil {
		t.Fatal(err)
	}
	return string(c.ID), string(tk.ID)
}

// officerClient is an HTTP client signed in as the demo officer.
func (s *callSite) officerClient(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.srv.URL+"/signin", url.Values{"login": {"officer@fukuoka.demo"}, "password": {app.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("officer sign-in: %d", resp.StatusCode)
	}
	return c
}

// peer is one side of a call: its socket and its PeerConnection.
type peer struct {
	t        testing.TB
	conn     *websocket.Conn
	me       call.Peer
	others   []call.Peer
	ice      []webrtc.ICEServer
	pc       *webrtc.PeerConnection
	received atomic.Int64
	first    chan struct{} // closed at the first media packet received
	once     sync.Once
	mu       sync.Mutex
	pending  []webrtc.ICECandidateInit
}

func dialPeer(t testing.TB, ctx context.Context, s *callSite, path string, client *http.Client) *peer {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, strings.Replace(s.srv.URL, "http://", "ws://", 1)+path,
		&websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	p := &peer{t: t, conn: conn, first: make(chan struct{})}
	_, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		call.Message
		Extra struct {
			ICE []webrtc.ICEServer `json:"ice"`
		} `json:"extra"`
	}
	if err := json.Unmarshal(data, &w); err != nil || w.Type != "welcome" {
		t.Fatalf("first message: %s (%v)", data, err)
	}
	p.me, p.others, p.ice = *w.You, w.Peers, w.Extra.ICE
	return p
}

// relayAPI is pion without its wait before accepting relayed candidate
// pairs (2 s by default, to give direct paths a chance): with relay-only
// ICE there is nothing to wait for, and browsers do not wait like that.
var relayAPI = func() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetRelayAcceptanceMinWait(0)
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
}()

// newPC makes a relay-only PeerConnection sending a steady stream of Opus
// packets and counting what arrives.
func (p *peer) newPC(ctx context.Context) {
	pc, err := relayAPI.NewPeerConnection(webrtc.Configuration{ICEServers: p.ice,
		ICETransportPolicy: webrtc.ICETransportPolicyRelay})
	if err != nil {
		p.t.Fatal(err)
	}
	p.pc = pc
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus,
		ClockRate: 48000, Channels: 2}, "audio", p.me.ID)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := pc.AddTrack(track); err != nil {
		p.t.Fatal(err)
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			p.received.Add(1)
			p.once.Do(func() { close(p.first) })
		}
	})
	go sendAudio(ctx, track)
}

// sendAudio writes a 20 ms Opus-sized packet every 20 ms, as a talking
// microphone does (packets written before the track is connected are
// dropped by pion, like a browser's).
func sendAudio(ctx context.Context, track *webrtc.TrackLocalStaticRTP) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	payload := make([]byte, 120)
	var seq uint16
	for ts := uint32(0); ; ts += 960 {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		seq++
		_ = track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq,
			Timestamp: ts, SSRC: 4242}, Payload: payload})
	}
}

func (p *peer) send(ctx context.Context, to string, data any) {
	b, _ := json.Marshal(map[string]any{"type": "signal", "to": to, "data": data})
	_ = p.conn.Write(ctx, websocket.MessageText, b)
}

// run handles signalling messages until ctx ends, answering offers and
// adding candidates, as call.js does.
func (p *peer) run(ctx context.Context) {
	for {
		_, data, err := p.conn.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Type string `json:"type"`
			From string `json:"from"`
			Data struct {
				Description *webrtc.SessionDescription `json:"description"`
				Candidate   *webrtc.ICECandidateInit   `json:"candidate"`
			} `json:"data"`
		}
		if json.Unmarshal(data, &m) != nil || m.Type != "signal" {
			continue
		}
		p.apply(ctx, m.From, m.Data.Description, m.Data.Candidate)
	}
}

func (p *peer) apply(ctx context.Context, from string, d *webrtc.SessionDescription, c *webrtc.ICECandidateInit) {
	switch {
	case d != nil && d.Type == webrtc.SDPTypeOffer:
		p.newPC(ctx)
		p.trickle(ctx, from)
		if err := p.pc.SetRemoteDescription(*d); err != nil {
			p.t.Error(err)
			return
		}
		answer, err := p.pc.CreateAnswer(nil)
		if err == nil {
			err = p.pc.SetLocalDescription(answer)
		}
		if err != nil {
			p.t.Error(err)
			return
		}
		p.send(ctx, from, map[string]any{"description": p.pc.LocalDescription()})
		p.flush()
	case d != nil:
		if err := p.pc.SetRemoteDescription(*d); err != nil {
			p.t.Error(err)
		}
		p.flush()
	case c != nil:
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.pc == nil || p.pc.RemoteDescription() == nil {
			p.pending = append(p.pending, *c)
			return
		}
		_ = p.pc.AddICECandidate(*c)
	}
}

func (p *peer) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.pending {
		_ = p.pc.AddICECandidate(c)
	}
	p.pending = nil
}

func (p *peer) trickle(ctx context.Context, to string) {
	p.pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			p.send(ctx, to, map[string]any{"candidate": c.ToJSON()})
		}
	})
}

// offer: the later joiner offers to the one already there.
func (p *peer) offer(ctx context.Context, to string) {
	p.newPC(ctx)
	p.trickle(ctx, to)
	o, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(o)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.send(ctx, to, map[string]any{"description": p.pc.LocalDescription()})
}

// selectedType is the type of the local candidate the connection uses.
func (p *peer) selectedType() string { return p.selected().CandidateType.String() }

// selected is the local candidate the connection uses.
func (p *peer) selected() webrtc.ICECandidateStats {
	for _, s := range p.pc.GetStats() {
		if pair, ok := s.(webrtc.ICECandidatePairStats); ok && pair.Nominated {
			if local, ok := p.pc.GetStats()[pair.LocalCandidateID].(webrtc.ICECandidateStats); ok {
				return local
			}
		}
	}
	return webrtc.ICECandidateStats{}
}

func (p *peer) close() {
	if p.pc != nil {
		_ = p.pc.Close()
	}
	_ = p.conn.CloseNow()
}

// hold runs one call from "join" until both sides have received media,
// and returns how long the resident waited from joining to the first
// packet from the officer.
func hold(t testing.TB, s *callSite, officer *http.Client) (time.Duration, *peer, *peer) {
	t.Helper()
	return holdVia(t, s, officer, "")
}

// holdVia is hold with the resident reaching the relay only over
// transport ("udp" or "tcp"; "" for whatever the server offers), as on a
// network that blocks the other.
func holdVia(t testing.TB, s *callSite, officer *http.Client, transport string) (time.Duration, *peer, *peer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	callID, ticketID := s.openCall(t)
	path := "/" + s.slug + "/calls/" + callID + "/socket"
	off := dialPeer(t, ctx, s, path, officer)
	go off.run(ctx)
	joined := time.Now()
	res := dialPeer(t, ctx, s, path+"?ticket="+ticketID, http.DefaultClient)
	if len(res.others) != 1 || res.others[0].Role != call.RoleOfficer {
		t.Fatalf("resident's welcome lists %+v", res.others)
	}
	if transport != "" {
		for i := range res.ice {
			res.ice[i].URLs = slices.DeleteFunc(res.ice[i].URLs, func(u string) bool { return !strings.HasSuffix(u, "?transport="+transport) })
			if len(res.ice[i].URLs) == 0 {
				t.Fatalf("the server offers no TURN URL over %s", transport)
			}
		}
	}
	go res.run(ctx)
	res.offer(ctx, res.others[0].ID)
	select {
	case <-res.first:
	case <-ctx.Done():
		t.Fatalf("no media reached the resident (%d packets)", res.received.Load())
	}
	setup := time.Since(joined)
	select {
	case <-off.first:
	case <-ctx.Done():
		t.Fatalf("no media reached the officer (%d packets)", off.received.Load())
	}
	t.Cleanup(func() { off.close(); res.close() })
	return setup, off, res
}

func TestCallMediaThroughRelay(t *testing.T) {
	t.Parallel()
	s := startCallSite(t)
	officer := s.officerClient(t)
	_, off, res := hold(t, s, officer)
	for _, p := range []*peer{off, res} {
		if len(p.ice) != 1 || !slices.ContainsFunc(p.ice[0].URLs, func(u string) bool { return strings.HasPrefix(u, "turn:") }) {
			t.Fatalf("ICE servers handed out: %+v", p.ice)
		}
		if !strings.Contains(p.ice[0].Username, ":") {
			t.Fatalf("TURN username %v is not time-limited", p.ice[0].Username)
		}
	}
	// Media keeps flowing both ways, and only through the relay.
	deadline := time.Now().Add(10 * time.Second)
	for off.received.Load() < 25 || res.received.Load() < 25 {
		if time.Now().After(deadline) {
			t.Fatalf("packets: officer %d, resident %d", off.received.Load(), res.received.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for name, p := range map[string]*peer{"officer": off, "resident": res} {
		if typ := p.selectedType(); typ != "relay" {
			t.Errorf("%s's connection uses a %q candidate, want relay", name, typ)
		}
	}
}

// TestCallMediaThroughRelayOverTCP: a resident whose network blocks UDP
// reaches the relay over TCP, and the call still carries media both ways.
func TestCallMediaThroughRelayOverTCP(t *testing.T) {
	t.Parallel()
	s := startCallSite(t)
	officer := s.officerClient(t)
	_, off, res := holdVia(t, s, officer, "tcp")
	deadline := time.Now().Add(10 * time.Second)
	for off.received.Load() < 25 || res.received.Load() < 25 {
		if time.Now().After(deadline) {
			t.Fatalf("packets: officer %d, resident %d", off.received.Load(), res.received.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if c := res.selected(); c.CandidateType.String() != "relay" || c.RelayProtocol != "tcp" {
		t.Errorf("resident's connection uses a %s candidate relayed over %q, want relay over tcp", c.CandidateType, c.RelayProtocol)
	}
}

// BenchmarkCallSetup measures "join" to the first remote media packet on
// loopback through the relay; the median of 20 is recorded in
// docs/benchmarks.md (target: under 1 s).
func BenchmarkCallSetup(b *testing.B) {
	s := startCallSite(b)
	officer := s.officerClient(b)
	var times []time.Duration
	for b.Loop() {
		d, off, res := hold(b, s, officer)
		times = append(times, d)
		off.close()
		res.close()
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(times[len(times)-1].Milliseconds()), "max-ms")
}
