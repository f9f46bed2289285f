package relay

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
)

// selfGuard keeps relayed packets away from services on the server itself.
// Permissions name only a peer's IP, and a call between two residents who
// both go through this relay needs the server's own address as a peer (one
// allocation sends to the other's relayed port). So the server's own
// addresses stay permitted, and each packet to one of them is checked here:
// it passes only to a port of a live allocation, never to a database, a
// metrics port or the relay's own listener on the same machine.
type selfGuard struct {
	// loopbackOK: the relay listens on loopback (a demo or test on one
	// machine), so its peers are programs on this machine and loopback is
	// theirs to use. permitPeer refuses loopback in every other case.
	loopbackOK bool
	own        map[netip.Addr]bool
	mu         sync.Mutex
	live       map[int]int  // relay socket port -> live sockets (udp4 and udp6 may share a number)
	opened     map[int]bool // ports of the server's own services relayed packets may reach
	log        *slog.Logger
}

// newSelfGuard collects the addresses packets must not reach unchecked:
// every interface address, the announced one and the listen one.
func newSelfGuard(log *slog.Logger, loopbackOK bool, extra ...net.IP) *selfGuard {
	g := &selfGuard{loopbackOK: loopbackOK, own: map[netip.Addr]bool{}, live: map[int]int{}, log: log}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				g.addOwn(n.IP)
			}
		}
	} else {
		log.Warn("turn: listing the server's addresses failed; only the configured ones are guarded", "err", err)
	}
	for _, ip := range extra {
		g.addOwn(ip)
	}
	return g
}

func (g *selfGuard) addOwn(ip net.IP) {
	if a, ok := netip.AddrFromSlice(ip); ok && !a.IsUnspecified() {
		g.own[a.Unmap()] = true
	}
}

// allowed tells whether a relayed packet may go to dst.
func (g *selfGuard) allowed(dst net.Addr) bool {
	u, ok := dst.(*net.UDPAddr)
	if !ok {
		return false
	}
	a, ok := netip.AddrFromSlice(u.IP)
	if !ok {
		return false
	}
	a = a.Unmap()
	if a.IsLoopback() {
		if g.loopbackOK {
			return true
		}
	} else if !g.own[a] {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.live[u.Port] > 0 || g.opened[u.Port]
}

// open lets relayed packets reach ports of the server's own addresses
// (the online classes' media port: a learner who can reach only the relay
// reaches the class through it).
func (g *selfGuard) open(ports ...int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.opened == nil {
		g.opened = map[int]bool{}
	}
	for _, p := range ports {
		if p > 0 {
			g.opened[p] = true
		}
	}
}

// wrap registers a relay socket's port and returns the socket with its
// writes checked; closing it forgets the port.
func (g *selfGuard) wrap(c net.PacketConn) net.PacketConn {
	port := c.LocalAddr().(*net.UDPAddr).Port
	g.mu.Lock()
	g.live[port]++
	g.mu.Unlock()
	return &guardedConn{PacketConn: c, g: g, port: port}
}

type guardedConn struct {
	net.PacketConn
	g      *selfGuard
	port   int
	closed sync.Once
}

// WriteTo drops a packet bound for the server's own non-relay ports. It
// reports the packet as written: a relay drops silently, as for a peer
// without permission.
func (c *guardedConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if !c.g.allowed(addr) {
		c.g.log.Debug("turn: packet to the server's own address refused", "peer", addr.String())
		return len(p), nil
	}
	return c.PacketConn.WriteTo(p, addr)
}

func (c *guardedConn) Close() error {
	c.closed.Do(func() {
		c.g.mu.Lock()
		if c.g.live[c.port]--; c.g.live[c.port] <= 0 {
			delete(c.g.live, c.port)
		}
		c.g.mu.Unlock()
	})
	return c.PacketConn.Close()
}
