package main

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the TURN REST API convention
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/pion/turn/v5"
)

// tap sits between a pion client and its UDP socket. pion sets up the
// allocation and the channel; once counting starts, the tap counts
// incoming ChannelData itself instead of handing it to pion, so the client
// side costs one receive per packet and does not limit the measurement.
type tap struct {
	*net.UDPConn
	counting atomic.Bool
	received atomic.Uint64
	channel  atomic.Uint32 // channel number pion bound, seen in its first ChannelData
}

func isChannelData(p []byte) bool { return len(p) >= 4 && p[0]&0xC0 == 0x40 }

func (t *tap) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, from, err := t.ReadFromUDPAddrPort(p)
		if err != nil {
			return n, nil, err
		}
		if t.counting.Load() && isChannelData(p[:n]) {
			t.received.Add(1)
			continue
		}
		return n, net.UDPAddrFromAddrPort(from), nil
	}
}

func (t *tap) WriteTo(p []byte, addr net.Addr) (int, error) {
	if isChannelData(p) {
		t.channel.CompareAndSwap(0, uint32(binary.BigEndian.Uint16(p)))
	}
	return t.UDPConn.WriteTo(p, addr)
}

// endpoint is one call participant: a client with an allocation.
type endpoint struct {
	tap    *tap
	client *turn.Client
	relay  net.PacketConn
}

func dial(server, secret, label string) (*endpoint, error) {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	// Room for bursts, so drops happen at the relay, not here.
	_ = conn.SetReadBuffer(4 << 20)
	_ = conn.SetWriteBuffer(4 << 20)
	t := &tap{UDPConn: conn}
	user, pass := credentials(secret, label, time.Hour)
	c, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: server, TURNServerAddr: server,
		Username: user, Password: pass, Realm: "serambi",
		Conn: t,
	})
	if err != nil {
		return nil, err
	}
	if err := c.Listen(); err != nil {
		return nil, err
	}
	rc, err := c.Allocate()
	if err != nil {
		return nil, fmt.Errorf("allocate: %w", err)
	}
	return &endpoint{tap: t, client: c, relay: rc}, nil
}

// credentials makes TURN REST API credentials, as relay.Server.Credentials
// does and as coturn's --use-auth-secret expects.
func credentials(secret, label string, ttl time.Duration) (string, string) {
	user := strconv.FormatInt(time.Now().Add(ttl).Unix(), 10) + ":" + label
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(user))
	return user, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// connect makes a and b peers: pion creates the permissions and binds a
// channel on each side when data is first sent; wait until both sides send
// ChannelData.
func connect(a, b *endpoint) error {
	deadline := time.Now().Add(10 * time.Second)
	for a.tap.channel.Load() == 0 || b.tap.channel.Load() == 0 {
		if time.Now().After(deadline) {
			return errors.New("channels not bound in 10s")
		}
		_, _ = a.relay.WriteTo([]byte("hello"), b.relay.LocalAddr())
		_, _ = b.relay.WriteTo([]byte("hello"), a.relay.LocalAddr())
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func (e *endpoint) close() {
	_ = e.relay.Close()
	e.client.Close()
	_ = e.tap.Close()
}

// frame is the ChannelData packet e sends: channel number, length, payload.
func (e *endpoint) frame(size int) []byte {
	f := make([]byte, 4+size)
	binary.BigEndian.PutUint16(f[0:], uint16(e.tap.channel.Load()))
	binary.BigEndian.PutUint16(f[2:], uint16(size))
	for i := range size {
		f[4+i] = byte(i)
	}
	return f
}

func serverAddrPort(server string) (netip.AddrPort, error) {
	ua, err := net.ResolveUDPAddr("udp4", server)
	if err != nil {
		return netip.AddrPort{}, err
	}
	ap := ua.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
}
