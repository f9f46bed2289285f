package calls

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/ids"
)

// The signalling socket of a call: one WebSocket per participant, carrying
// the room's JSON messages both ways. Accept checks the Origin against the
// Host, so another site cannot open a socket with a resident's cookie.

const (
	socketPing     = 20 * time.Second // finds a dead network long before TCP does
	socketWrite    = 10 * time.Second
	iceRefresh     = 30 * time.Minute
	turnCredential = 2 * time.Hour
)

func (s *Pages) callSocket(w http.ResponseWriter, r *http.Request) {
	t, c, who, ok := s.loadCall(w, r)
	if !ok {
		return
	}
	if c.Status != call.Open {
		s.Problem(w, r, http.StatusGone, "call_ended", "problem.call_ended")
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered
	}
	conn.SetReadLimit(80 << 10)
	m, err := s.Calls.Rooms().Join(c.ID, who.key, who.role, who.name)
	if errors.Is(err, call.ErrRoomFull) {
		_ = conn.Close(websocket.StatusPolicyViolation, "full")
		return
	}
	if err != nil {
		_ = conn.Close(websocket.StatusInternalError, "")
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go s.writeSocket(ctx, cancel, conn, m, t.ID)
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			break
		}
		_ = m.Receive(data) // refusals were answered on the socket
	}
	m.Leave()
	cancel()
	_ = conn.CloseNow()
}

// writeSocket sends the member's messages (the welcome with fresh TURN
// credentials first), pings, and renews the credentials every half hour.
// When the member's outbox closes (the call ended, a newer connection
// replaced this one) it closes the socket, which ends the read loop.
func (s *Pages) writeSocket(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn, m *call.Member, tenantID ids.Tenant) {
	defer cancel()
	ping := time.NewTicker(socketPing)
	defer ping.Stop()
	refresh := time.NewTicker(iceRefresh)
	defer refresh.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case msg, open := <-m.Out():
			if !open {
				_ = conn.Close(websocket.StatusNormalClosure, "")
				return
			}
			if msg.Type == "welcome" {
				msg.Extra = map[string]any{"ice": s.iceServers(m.ID)}
			}
			if s.writeJSONMessage(ctx, conn, msg) != nil {
				return
			}
		case <-refresh.C:
			if s.writeJSONMessage(ctx, conn, call.Message{Type: "ice", Extra: map[string]any{"ice": s.iceServers(m.ID)}}) != nil {
				return
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, socketWrite)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				return
			}
		}
	}
}

func (s *Pages) writeJSONMessage(ctx context.Context, conn *websocket.Conn, msg call.Message) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, socketWrite)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}

// iceServers are the STUN/TURN entries a participant's browser uses, with
// credentials of their own that expire.
func (s *Pages) iceServers(label string) []any {
	out := []any{}
	if s.ICE != nil {
		for _, v := range s.ICE(label, turnCredential) {
			out = append(out, v)
		}
	}
	return out
}
