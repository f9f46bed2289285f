package relay

import (
	"net"
	"sync"

	"github.com/pion/turn/v5"
)

// MaxAllocationsPerUser caps concurrent allocations per credential. A
// browser needs one or two per call; the cap keeps one leaked credential
// from exhausting the server's ports and file descriptors.
const MaxAllocationsPerUser = 10

// permitPeer is the pion PermissionHandler: it decides which peer IPs a
// client may relay to. Addresses that are never a real peer are refused so
// the relay cannot be used to spray broadcast/multicast traffic or to reach
// the cloud metadata service (169.254.169.254) from inside the host.
// Private ranges stay allowed: LAN-only deployments (a kiosk and the town
// hall on one network) need them. Loopback is allowed only when the relay
// itself listens on loopback (a demo or a test on one machine): a relay
// listening on every interface is reachable from outside, and announcing
// 127.0.0.1 does not change that, so there loopback would let anyone
// holding a credential reach UDP services on the server itself. The
// server's other own addresses are checked packet by packet (selfGuard).
func (s *Server) permitPeer(client net.Addr, peer net.IP) bool {
	if forbiddenPeer(peer) || (peer.IsLoopback() && !s.addr.IP.IsLoopback()) {
		s.log.Debug("turn: peer refused", "client", client.String(), "peer", peer.String())
		return false
	}
	return true
}

func forbiddenPeer(ip net.IP) bool {
	if ip4 := ip.To4(); ip4 != nil {
		return ip4[0] == 0 || ip4.Equal(net.IPv4bcast) || forbiddenCommon(ip4)
	}
	return forbiddenCommon(ip)
}

func forbiddenCommon(ip net.IP) bool {
	return ip.IsUnspecified() || ip.IsMulticast() || ip.IsLinkLocalUnicast()
}

// quota counts live allocations per username (one credential). The count
// goes up when pion reports an allocation created and down when it is
// deleted (closed by the client, expired, or the server stopped).
type quota struct {
	limit int
	mu    sync.Mutex
	live  map[string]int
}

func newQuota(limit int) *quota {
	return &quota{limit: limit, live: make(map[string]int)}
}

// allow is the pion QuotaHandler, called before each new allocation.
func (q *quota) allow(username, _ string, _ net.Addr) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.live[username] < q.limit
}

func (q *quota) add(username string, delta int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.live[username] += delta
	if q.live[username] <= 0 {
		delete(q.live, username)
	}
}

func (q *quota) events() turn.EventHandler {
	return turn.EventHandler{
		OnAllocationCreated: func(_, _ net.Addr, _, user, _ string, _ net.Addr, _ int) { q.add(user, 1) },
		OnAllocationDeleted: func(_, _ net.Addr, _, user, _ string) { q.add(user, -1) },
	}
}

// count is the number of live allocations of username.
func (q *quota) count(username string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.live[username]
}
