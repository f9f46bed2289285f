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

// listen opens the server's UDP socket.
func listen(addr string) (*net.UDPConn, error) {
	c, err := new(net.ListenConfig).ListenPacket(context.Background(), "udp", addr)
	if err != nil {
		return nil, err
	}
	uc := c.(*net.UDPConn)
	_ = uc.SetReadBuffer(socketBuffer)
	return uc, nil
}

// relayAddrs is the pion RelayAddressGenerator: each allocation gets its own
// UDP socket on the listen IP (any free port), while the address announced
// to the client is the public one, since behind NAT or a cloud 1:1 mapping
// the socket's own address is not reachable by peers.
type relayAddrs struct {
	bindIP net.IP
	public net.IP
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
	return c, &local, nil
}

// TURN over TCP is not offered: browsers relay media over UDP, and the
// server does not listen on TCP.
func (r *relayAddrs) AllocateListener(turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return nil, nil, errNoTCP
}

func (r *relayAddrs) AllocateConn(turn.AllocateConnConfig) (net.Conn, error) {
	return nil, errNoTCP
}
