package relay

import (
	"context"
	"net"
	"strconv"

	"github.com/pion/turn/v5"
)

// socketBuffer is the receive buffer asked for on every socket (the kernel
// caps it at net.core.rmem_max). Video arrives in bursts (a key frame is
// dozens of packets at once) and the default ~200 KiB fills quickly; on an
// allocation's socket an overflow drops a packet the relay has already
// paid to receive and forward once. With the default buffer a loaded relay
// lost about a quarter of its work that way (see docs/benchmarks.md).
const socketBuffer = 1 << 20

// listenBoth opens the server's UDP socket and its TCP listener on one
// address. With port 0 the UDP socket picks the port and TCP follows; if
// another program holds that TCP port, both are given up and tried again.
func listenBoth(addr string) (*net.UDPConn, net.Listener, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, err
	}
	tries := 1
	if port == "0" {
		tries = 10
	}
	for {
		c, err := new(net.ListenConfig).ListenPacket(context.Background(), "udp", addr)
		if err != nil {
			return nil, nil, err
		}
		uc := c.(*net.UDPConn)
		_ = uc.SetReadBuffer(socketBuffer)
		ln, err := new(net.ListenConfig).Listen(context.Background(), "tcp", uc.LocalAddr().String())
		if err == nil {
			return uc, ln, nil
		}
		_ = uc.Close()
		if tries--; tries == 0 {
			return nil, nil, err
		}
	}
}

// relayAddrs is the pion RelayAddressGenerator: each allocation gets its own
// UDP socket on the listen IP (any free port), while the address announced
// to the client is the public one, since behind NAT or a cloud 1:1 mapping
// the socket's own address is not reachable by peers.
type relayAddrs struct {
	bindIP net.IP
	public net.IP
	guard  *selfGuard
}

func (r *relayAddrs) Validate() error { return nil }

func (r *relayAddrs) AllocatePacketConn(conf turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	// Announcing an IPv4 address for an IPv6 relay (or the reverse) would
	// hand the client an address its peers cannot use: refuse instead.
	if (conf.Network == "udp6") != (r.public.To4() == nil) {
		return nil, nil, errFamily
	}
	host := ""
	if r.bindIP != nil && !r.bindIP.IsUnspecified() {
		host = r.bindIP.String()
	}
	addr := net.JoinHostPort(host, strconv.Itoa(conf.RequestedPort))
	c, err := new(net.ListenConfig).ListenPacket(context.Background(), conf.Network, addr)
	if err != nil {
		return nil, nil, err
	}
	_ = c.(*net.UDPConn).SetReadBuffer(socketBuffer)
	local := *c.LocalAddr().(*net.UDPAddr)
	local.IP = r.public
	return r.guard.wrap(c), &local, nil
}

// Relaying to peers over TCP (RFC 6062 connections) is not offered:
// browsers reach the relay over UDP or TCP, but always ask it to relay UDP.
func (r *relayAddrs) AllocateListener(turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return nil, nil, errNoTCP
}

func (r *relayAddrs) AllocateConn(turn.AllocateConnConfig) (net.Conn, error) {
	return nil, errNoTCP
}
