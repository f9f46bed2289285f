// Package relay is Serambi's embedded TURN server (RFC 8656), built on
// pion/turn. Browsers in a video call use it when they cannot reach each
// other directly (both behind NAT, or on networks that block peer-to-peer
// UDP), so a call works without extra infrastructure. It listens on one
// port for UDP and for TCP: office and public Wi-Fi networks often block
// outgoing UDP altogether, and a browser there reaches the relay over TCP
// (RFC 6062's client side) while the relay still talks UDP to the others.
//
// Clients authenticate with short-lived credentials in the "TURN REST API"
// form (username "<unix-expiry>:<label>", password
// base64(HMAC-SHA1(secret, username))), which browsers accept as ordinary
// ICE server credentials and which coturn understands too, so a deployment
// can swap in coturn by sharing the secret.
package relay

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/pion/turn/v5"
)

// Config of the embedded TURN server.
type Config struct {
	Addr     string           // listen address for UDP and TCP, e.g. ":3478" or "127.0.0.1:0" (tests: a port free for both)
	PublicIP net.IP           // address announced in relay candidates and in ICE URLs; nil → the listen IP, or 127.0.0.1 if that is unspecified
	Secret   []byte           // shared secret for time-limited credentials (HMAC), at least 32 bytes
	Realm    string           // e.g. "serambi"
	Now      func() time.Time // nil → time.Now; lets tests expire credentials
	Log      *slog.Logger     // nil → discard; pion's own logger must be quiet (errors at most, through slog)
	// OpenPorts are ports of the server's own addresses that relayed
	// packets may reach: the online classes' media port, so a learner
	// whose network allows only the relay still reaches the class.
	OpenPorts []int
}

// MinSecretLen is the shortest accepted shared secret: an HMAC-SHA1 key
// shorter than this would be the weakest link of the credentials.
const MinSecretLen = 32

// DefaultRealm is used when Config.Realm is empty.
const DefaultRealm = "serambi"

// Server is a running TURN server.
type Server struct {
	openPorts []int // own ports relayed packets may reach (Config.OpenPorts)
	turn      *turn.Server
	conn      *net.UDPConn
	tcp       net.Listener // the same address as conn
	addr      *net.UDPAddr
	public    net.IP
	secret    []byte
	realm     string
	now       func() time.Time
	log       *slog.Logger
	quota     *quota
}

// ICEServer is one entry of RTCConfiguration.iceServers, as a browser
// expects it in JSON.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username"`
	Credential string   `json:"credential"`
}

// Start listens on cfg.Addr and serves TURN until Close.
func Start(cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	conn, tcp, err := listenBoth(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("relay: listen %s: %w", cfg.Addr, err)
	}
	s.conn, s.tcp = conn, tcp
	s.addr = conn.LocalAddr().(*net.UDPAddr)
	s.public = publicIP(cfg.PublicIP, s.addr.IP)
	ts, err := turn.NewServer(s.turnConfig())
	if err != nil {
		_ = conn.Close()
		_ = tcp.Close()
		return nil, fmt.Errorf("relay: %w", err)
	}
	s.turn = ts
	s.log.Info("turn relay listening", "addr", s.addr.String(), "url", s.URL())
	return s, nil
}

// newServer checks cfg and fills in its defaults.
func newServer(cfg Config) (*Server, error) {
	if len(cfg.Secret) < MinSecretLen {
		return nil, fmt.Errorf("relay: secret must be at least %d bytes, got %d", MinSecretLen, len(cfg.Secret))
	}
	s := &Server{
		secret: append([]byte(nil), cfg.Secret...),
		realm:  cfg.Realm,
		now:    cfg.Now,
		log:    cfg.Log,
		quota:  newQuota(MaxAllocationsPerUser),

		openPorts: append([]int(nil), cfg.OpenPorts...),
	}
	if s.realm == "" {
		s.realm = DefaultRealm
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// publicIP is the announced address: the configured one, else the listen
// IP, else loopback (an unspecified address cannot be put in a candidate).
func publicIP(configured, listen net.IP) net.IP {
	switch {
	case configured != nil:
		return configured
	case listen != nil && !listen.IsUnspecified():
		return listen
	default:
		return net.IPv4(127, 0, 0, 1)
	}
}

func (s *Server) turnConfig() turn.ServerConfig {
	relays := &relayAddrs{bindIP: s.addr.IP, public: s.public, guard: newSelfGuard(s.log, s.addr.IP.IsLoopback(), s.public, s.addr.IP)}
	relays.guard.open(s.openPorts...)
	return turn.ServerConfig{
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn:            s.conn,
			RelayAddressGenerator: relays,
			PermissionHandler:     s.permitPeer,
		}},
		ListenerConfigs: []turn.ListenerConfig{{
			Listener:              s.tcp,
			RelayAddressGenerator: relays,
			PermissionHandler:     s.permitPeer,
		}},
		Realm:         s.realm,
		AuthHandler:   s.authenticate,
		QuotaHandler:  s.quota.allow,
		EventHandler:  s.quota.events(),
		LoggerFactory: pionLogs{s.log},
	}
}

// Addr is the address the server listens on, with the real port.
func (s *Server) Addr() *net.UDPAddr {
	a := *s.addr
	a.IP = append(net.IP(nil), s.addr.IP...)
	return &a
}

// URL is the relay's ICE server URL over UDP.
func (s *Server) URL() string { return s.url("udp") }

// URLs are the ICE server URLs browsers are given: UDP first (less delay),
// then TCP for networks that block UDP. A browser tries both.
func (s *Server) URLs() []string { return []string{s.url("udp"), s.url("tcp")} }

func (s *Server) url(transport string) string {
	host := net.JoinHostPort(s.public.String(), strconv.Itoa(s.addr.Port))
	return "turn:" + host + "?transport=" + transport
}

// Close stops listening (pion closes both the UDP socket and the TCP
// listener); allocations are torn down with their sockets.
func (s *Server) Close() error {
	if err := s.turn.Close(); err != nil {
		return fmt.Errorf("relay: close: %w", err)
	}
	return nil
}

var (
	errNoTCP  = errors.New("relay: TCP relaying to peers is not offered")
	errFamily = errors.New("relay: requested address family differs from the public IP's")
)
