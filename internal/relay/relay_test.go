package relay

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the TURN REST API convention
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/turn/v5"

	"github.com/serambi/serambi/internal/clock"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef-test")

// start runs a relay on loopback for one test.
func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Secret == nil {
		cfg.Secret = testSecret
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// client is a real pion TURN client talking to s over loopback UDP.
func client(t *testing.T, s *Server, username, password string) *turn.Client {
	t.Helper()
	local := "127.0.0.1:0"
	if s.Addr().IP.To4() == nil {
		local = "[::1]:0"
	}
	conn, err := net.ListenPacket("udp", local)
	if err != nil {
		t.Fatal(err)
	}
	return turnClient(t, s, conn, username, password)
}

// tcpClient is a real pion TURN client that reaches s over TCP, as a
// browser on a network that blocks UDP does.
func tcpClient(t *testing.T, s *Server, username, password string) *turn.Client {
	t.Helper()
	conn, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return turnClient(t, s, turn.NewSTUNConn(conn), username, password)
}

// turnClient starts a pion client on conn, closed after the test.
func turnClient(t *testing.T, s *Server, conn net.PacketConn, username, password string) *turn.Client {
	t.Helper()
	c, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: s.Addr().String(),
		TURNServerAddr: s.Addr().String(),
		Username:       username,
		Password:       password,
		Realm:          DefaultRealm,
		Conn:           conn,
		LoggerFactory:  pionLogs{s.log},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		_ = conn.Close()
	})
	return c
}

// allocate asks for a relay and closes it (deallocating) after the test.
func allocate(c *turn.Client) (net.PacketConn, error) {
	rc, err := c.Allocate()
	if err != nil {
		return nil, err
	}
	return rc, nil
}

func mustAllocate(t *testing.T, s *Server, ice ICEServer) net.PacketConn {
	t.Helper()
	rc, err := allocate(client(t, s, ice.Username, ice.Credential))
	if err != nil {
		t.Fatalf("allocate as %q: %v", ice.Username, err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	return rc
}

func refuseAllocate(t *testing.T, s *Server, username, password string) {
	t.Helper()
	rc, err := allocate(client(t, s, username, password))
	if err == nil {
		_ = rc.Close()
		t.Fatalf("allocation as %q was accepted, want refused", username)
	}
}

// exchange sends msg from one relay to the other until it arrives (the
// first packets may be dropped while permissions are being installed) and
// checks what arrived and from where.
func exchange(t *testing.T, from, to net.PacketConn, msg []byte) {
	t.Helper()
	buf := make([]byte, 1500)
	for attempt := 0; attempt < 20; attempt++ {
		if _, err := from.WriteTo(msg, to.LocalAddr()); err != nil {
			t.Fatalf("write: %v", err)
		}
		_ = to.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, src, err := to.ReadFrom(buf)
		if err != nil {
			continue // timeout: permission not there yet, try again
		}
		if !bytes.Equal(buf[:n], msg) {
			t.Fatalf("received %q, want %q", buf[:n], msg)
		}
		if src.String() != from.LocalAddr().String() {
			t.Fatalf("received from %v, want %v", src, from.LocalAddr())
		}
		return
	}
	t.Fatalf("%q never arrived through the relay", msg)
}

func TestRelaysDataBothWays(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	alice := mustAllocate(t, s, s.Credentials("alice", time.Hour))
	bob := mustAllocate(t, s, s.Credentials("bob", time.Hour))

	if alice.LocalAddr().String() == bob.LocalAddr().String() {
		t.Fatalf("both clients got relay %v", alice.LocalAddr())
	}
	// Each side must have asked for a permission before the other's
	// packets are let through, so the first writes prime both directions.
	_, _ = alice.WriteTo([]byte("prime"), bob.LocalAddr())
	_, _ = bob.WriteTo([]byte("prime"), alice.LocalAddr())
	drain(alice)
	drain(bob)

	for i := range 3 {
		exchange(t, alice, bob, []byte(fmt.Sprintf("alice to bob %d", i)))
		exchange(t, bob, alice, []byte(fmt.Sprintf("bob to alice %d", i)))
	}
}

// TestRelaysOverTCP: a client that can only reach the relay by TCP gets a
// UDP relay and exchanges data with one that uses UDP; the same
// credentials rules apply.
func TestRelaysOverTCP(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	ice := s.Credentials("carol", time.Hour)
	carol, err := allocate(tcpClient(t, s, ice.Username, ice.Credential))
	if err != nil {
		t.Fatalf("allocate over TCP: %v", err)
	}
	t.Cleanup(func() { _ = carol.Close() })
	if _, ok := carol.LocalAddr().(*net.UDPAddr); !ok {
		t.Fatalf("relay over TCP is %T, want a UDP relay", carol.LocalAddr())
	}
	dave := mustAllocate(t, s, s.Credentials("dave", time.Hour))
	_, _ = carol.WriteTo([]byte("prime"), dave.LocalAddr())
	_, _ = dave.WriteTo([]byte("prime"), carol.LocalAddr())
	drain(carol)
	drain(dave)
	for i := range 3 {
		exchange(t, carol, dave, []byte(fmt.Sprintf("carol to dave %d", i)))
		exchange(t, dave, carol, []byte(fmt.Sprintf("dave to carol %d", i)))
	}
	if _, err := allocate(tcpClient(t, s, ice.Username, "wrong")); err == nil {
		t.Fatal("a wrong password was accepted over TCP")
	}
}

// drain drops what is already queued, so exchange sees fresh packets.
func drain(c net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, _, err := c.ReadFrom(buf); err != nil {
			return
		}
	}
}

func TestExpiredCredentialsRefused(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Now())
	s := start(t, Config{Now: clk.Now})
	ice := s.Credentials("carol", time.Minute)
	mustAllocate(t, s, ice) // valid now

	clk.Advance(time.Minute + time.Second)
	refuseAllocate(t, s, ice.Username, ice.Credential)
}

func TestExpiredCredentialStillRefreshesItsAllocation(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Now())
	s := start(t, Config{Now: clk.Now})
	ice := s.Credentials("dave", time.Minute)
	c := client(t, s, ice.Username, ice.Credential)
	rc, err := c.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()

	// A call that outlives its credential keeps its relay: permissions
	// (like refreshes and channel binds) need the password, not a fresh expiry.
	clk.Advance(time.Hour)
	peer := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}
	if err := c.CreatePermission(peer); err != nil {
		t.Fatalf("CreatePermission after expiry: %v", err)
	}
}

func TestWrongPasswordRefused(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	ice := s.Credentials("eve", time.Hour)
	refuseAllocate(t, s, ice.Username, "d3JvbmcgcGFzc3dvcmQ=")

	other := start(t, Config{Secret: []byte(strings.Repeat("x", 32))})
	forged := other.Credentials("eve", time.Hour) // signed with another secret
	refuseAllocate(t, s, forged.Username, forged.Credential)
}

func TestMalformedUsernameRefused(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	for _, username := range []string{
		future,              // no label
		future + ":",        // empty label
		"frank",             // no expiry
		"soon:frank",        // expiry not a number
		":frank",            // empty expiry
		"-" + future + ":f", // negative expiry
	} {
		// The password is right for the username, so only its form is wrong.
		refuseAllocate(t, s, username, s.password(username))
	}
}

func TestQuotaPerUsername(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	ice := s.Credentials("grace", time.Hour)
	relays := make([]net.PacketConn, 0, MaxAllocationsPerUser)
	for range MaxAllocationsPerUser {
		relays = append(relays, mustAllocate(t, s, ice))
	}
	refuseAllocate(t, s, ice.Username, ice.Credential)

	// Someone else is not affected.
	mustAllocate(t, s, s.Credentials("heidi", time.Hour))

	// Releasing one allocation frees a place.
	if err := relays[0].Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return s.quota.count(ice.Username) < MaxAllocationsPerUser })
	mustAllocate(t, s, ice)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 3s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPeerPermissions(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	ice := s.Credentials("ivan", time.Hour)
	c := client(t, s, ice.Username, ice.Credential)
	rc, err := c.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()

	for _, ip := range []string{"127.0.0.1", "10.1.2.3", "192.168.1.20", "172.16.0.5", "203.0.113.9"} {
		if err := c.CreatePermission(&net.UDPAddr{IP: net.ParseIP(ip), Port: 5000}); err != nil {
			t.Errorf("permission to %s refused: %v", ip, err)
		}
	}
	for _, ip := range []string{"0.0.0.0", "0.1.2.3", "224.0.0.251", "239.255.255.250", "255.255.255.255", "169.254.169.254"} {
		if err := c.CreatePermission(&net.UDPAddr{IP: net.ParseIP(ip), Port: 5000}); err == nil {
			t.Errorf("permission to %s granted, want refused", ip)
		}
	}
}

func TestAddrURLAndPublicIP(t *testing.T) {
	t.Parallel()
	public := net.ParseIP("203.0.113.7")
	s := start(t, Config{PublicIP: public})

	addr := s.Addr()
	if addr.Port == 0 || !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("Addr() = %v, want 127.0.0.1 with a real port", addr)
	}
	want := "turn:203.0.113.7:" + strconv.Itoa(addr.Port) + "?transport=udp"
	if s.URL() != want {
		t.Fatalf("URL() = %q, want %q", s.URL(), want)
	}
	// The port really is ours, for UDP and for TCP: a second server
	// cannot take it, and nobody else can listen on it by TCP.
	if _, err := Start(Config{Addr: addr.String(), Secret: testSecret}); err == nil {
		t.Fatal("second Start on the same port succeeded")
	}
	if ln, err := net.Listen("tcp", addr.String()); err == nil {
		ln.Close()
		t.Fatal("the relay's TCP port was free")
	}
	// Relays bind on loopback but announce the public IP.
	rc := mustAllocate(t, s, s.Credentials("judy", time.Hour))
	relayed := rc.LocalAddr().(*net.UDPAddr)
	if !relayed.IP.Equal(public) || relayed.Port == 0 {
		t.Fatalf("relayed address %v, want %v with a port", relayed, public)
	}
}

func TestIPv6(t *testing.T) {
	t.Parallel()
	probe, err := net.ListenPacket("udp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	_ = probe.Close()
	s := start(t, Config{Addr: "[::1]:0"})
	if want := "turn:[::1]:" + strconv.Itoa(s.Addr().Port) + "?transport=udp"; s.URL() != want {
		t.Fatalf("URL() = %q, want %q", s.URL(), want)
	}
	a := mustAllocate(t, s, s.Credentials("ken", time.Hour))
	b := mustAllocate(t, s, s.Credentials("lin", time.Hour))
	if ip := a.LocalAddr().(*net.UDPAddr).IP; !ip.Equal(net.IPv6loopback) {
		t.Fatalf("relayed address %v, want ::1", a.LocalAddr())
	}
	_, _ = a.WriteTo([]byte("prime"), b.LocalAddr())
	_, _ = b.WriteTo([]byte("prime"), a.LocalAddr())
	drain(a)
	drain(b)
	exchange(t, a, b, []byte("over IPv6"))
	exchange(t, b, a, []byte("and back"))

	// An IPv6 relay cannot be announced under an IPv4 public address.
	mixed := start(t, Config{Addr: "[::1]:0", PublicIP: net.ParseIP("203.0.113.7")})
	ice := mixed.Credentials("mia", time.Hour)
	refuseAllocate(t, mixed, ice.Username, ice.Credential)
}

func TestPublicIPDefaults(t *testing.T) {
	t.Parallel()
	loop := start(t, Config{Addr: "127.0.0.1:0"})
	if want := "turn:127.0.0.1:" + strconv.Itoa(loop.Addr().Port) + "?transport=udp"; loop.URL() != want {
		t.Errorf("listen IP as public: URL() = %q, want %q", loop.URL(), want)
	}
	wild := start(t, Config{Addr: ":0"})
	if wild.Addr().Port == 0 {
		t.Error("Addr() of :0 has no port")
	}
	if want := "turn:127.0.0.1:" + strconv.Itoa(wild.Addr().Port) + "?transport=udp"; wild.URL() != want {
		t.Errorf("unspecified listen IP: URL() = %q, want %q", wild.URL(), want)
	}
}

func TestStartRejectsShortSecret(t *testing.T) {
	t.Parallel()
	if s, err := Start(Config{Addr: "127.0.0.1:0", Secret: make([]byte, 31)}); err == nil {
		_ = s.Close()
		t.Fatal("31-byte secret accepted")
	}
}

func TestCredentialsFormat(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	s := start(t, Config{Now: func() time.Time { return now }})
	ice := s.Credentials("participant-42", 90*time.Minute)

	wantUser := strconv.FormatInt(now.Add(90*time.Minute).Unix(), 10) + ":participant-42"
	if ice.Username != wantUser {
		t.Fatalf("username %q, want %q", ice.Username, wantUser)
	}
	mac := hmac.New(sha1.New, testSecret)
	mac.Write([]byte(wantUser))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); ice.Credential != want {
		t.Fatalf("credential %q, want %q", ice.Credential, want)
	}
	port := strconv.Itoa(s.Addr().Port)
	wantURLs := []string{"turn:127.0.0.1:" + port + "?transport=udp", "turn:127.0.0.1:" + port + "?transport=tcp"}
	if !slices.Equal(ice.URLs, wantURLs) {
		t.Fatalf("urls %v, want %v", ice.URLs, wantURLs)
	}
	// A fraction of a second is rounded up, never down.
	now = now.Add(300 * time.Millisecond)
	if got := s.Credentials("p", time.Minute).Username; got != strconv.FormatInt(now.Unix()+61, 10)+":p" {
		t.Fatalf("username at a fractional second %q", got)
	}
	js, err := json.Marshal(ice)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"urls":["` + wantURLs[0] + `","` + wantURLs[1] + `"],"username":"` + wantUser + `","credential":"` + ice.Credential + `"}`
	if string(js) != wantJSON {
		t.Fatalf("json %s, want %s", js, wantJSON)
	}
}

// TestLoopbackPeersOnlyForLoopbackRelays: a relay announced on a public
// address must not relay to the server's own loopback services.
func TestLoopbackPeersOnlyForLoopbackRelays(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	client := &net.UDPAddr{IP: net.ParseIP("198.51.100.4"), Port: 40000}
	// The demo's default: listening on every interface, announced on
	// 127.0.0.1. Loopback must still be refused there.
	for _, listen := range []string{"0.0.0.0", "203.0.113.7", "::"} {
		s := &Server{addr: &net.UDPAddr{IP: net.ParseIP(listen)}, public: net.ParseIP("127.0.0.1"), log: quiet}
		if s.permitPeer(client, net.ParseIP("127.0.0.1")) {
			t.Errorf("relay listening on %s permits loopback peers", listen)
		}
	}
	public := &Server{addr: &net.UDPAddr{IP: net.IPv4zero}, public: net.ParseIP("203.0.113.7"), log: quiet}
	for _, ip := range []string{"127.0.0.1", "127.0.0.53", "::1"} {
		if public.permitPeer(client, net.ParseIP(ip)) {
			t.Errorf("public relay permits loopback peer %s", ip)
		}
	}
	if !public.permitPeer(client, net.ParseIP("10.1.2.3")) || !public.permitPeer(client, net.ParseIP("198.51.100.9")) {
		t.Error("public relay refuses ordinary peers")
	}
	local := &Server{addr: &net.UDPAddr{IP: net.ParseIP("127.0.0.1")}, public: net.ParseIP("127.0.0.1"), log: quiet}
	if !local.permitPeer(client, net.ParseIP("127.0.0.1")) {
		t.Error("loopback relay refuses loopback peers")
	}
}
