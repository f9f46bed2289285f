package relay

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/pion/turn/v5"
)

// client4 is a pion client reaching a relay that listens on every
// interface by IPv4 loopback.
func client4(t *testing.T, s *Server, username, password string) *turn.Client {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Addr().Port))
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: addr, TURNServerAddr: addr, Username: username,
		Password: password, Realm: DefaultRealm, Conn: conn, LoggerFactory: pionLogs{s.log}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); _ = conn.Close() })
	return c
}

func allocate4(t *testing.T, s *Server, name string) net.PacketConn {
	t.Helper()
	ice := s.Credentials(name, time.Hour)
	rc, err := client4(t, s, ice.Username, ice.Credential).Allocate()
	if err != nil {
		t.Fatalf("allocate as %s: %v", name, err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	return rc
}

// ownIPv4 is a non-loopback IPv4 address of this machine, or nil.
func ownIPv4() net.IP {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.To4()
		}
	}
	return nil
}

// TestRelayNeverReachesTheServersOwnServices: with the relay listening on
// every interface (the default ":3478"), a credential holder cannot send
// through it to a UDP service on the server, by loopback or by the server's
// own address; two callers relayed by the same server still reach each
// other through their relay ports.
func TestRelayNeverReachesTheServersOwnServices(t *testing.T) {
	t.Parallel()
	own := ownIPv4()
	if own == nil {
		t.Skip("relay self-guard test skipped: this machine has no non-loopback IPv4 address to play the server's own address")
	}
	s := start(t, Config{Addr: "0.0.0.0:0", PublicIP: own})
	ice := s.Credentials("mallory", time.Hour)
	c := client4(t, s, ice.Username, ice.Credential)
	rc, err := c.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()

	if err := c.CreatePermission(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000}); err == nil {
		t.Error("permission to loopback granted by a relay listening on every interface")
	}
	service, err := net.ListenPacket("udp4", net.JoinHostPort(own.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer service.Close()
	buf := make([]byte, 1500)
	for i := 0; i < 10; i++ {
		_, _ = rc.WriteTo([]byte("probe"), service.LocalAddr())
		_ = service.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if n, _, err := service.ReadFrom(buf); err == nil {
			t.Fatalf("a service on the server's own address received %q through the relay", buf[:n])
		}
	}

	// Relay to relay on the server's own address still works.
	alice, bob := allocate4(t, s, "alice"), allocate4(t, s, "bob")
	_, _ = alice.WriteTo([]byte("prime"), bob.LocalAddr())
	_, _ = bob.WriteTo([]byte("prime"), alice.LocalAddr())
	drain(alice)
	drain(bob)
	exchange(t, alice, bob, []byte("alice to bob"))
	exchange(t, bob, alice, []byte("bob to alice"))
}

// TestRelayReachesAnOpenedPort: the online classes' media port on the
// server's own address is opened to the relay (Config.OpenPorts), so a
// learner whose network lets them reach only the relay still reaches the
// class; the server's other ports stay closed.
func TestRelayReachesAnOpenedPort(t *testing.T) {
	t.Parallel()
	own := ownIPv4()
	if own == nil {
		t.Skip("relay open-port test skipped: this machine has no non-loopback IPv4 address to play the server's own address")
	}
	media, err := net.ListenPacket("udp4", net.JoinHostPort(own.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer media.Close()
	other, err := net.ListenPacket("udp4", net.JoinHostPort(own.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s := start(t, Config{Addr: "0.0.0.0:0", PublicIP: own, OpenPorts: []int{media.LocalAddr().(*net.UDPAddr).Port}})
	rc := allocate4(t, s, "learner")
	reached := func(service net.PacketConn) bool {
		buf := make([]byte, 1500)
		for i := 0; i < 10; i++ {
			_, _ = rc.WriteTo([]byte("hello class"), service.LocalAddr())
			_ = service.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if n, _, err := service.ReadFrom(buf); err == nil && string(buf[:n]) == "hello class" {
				return true
			}
		}
		return false
	}
	if !reached(media) {
		t.Error("the opened media port was not reached through the relay")
	}
	if reached(other) {
		t.Error("a port not opened was reached through the relay")
	}
}
