package app

import (
	"encoding/json"
	"strings"

	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/ids"
)

// Call events between nodes ride a NOTIFY channel of their own, as
// "callID JSON". They are small (a document's ID, an application's
// number); one over PostgreSQL's 8,000-byte payload limit is dropped with
// a warning rather than failing the request that raised it.
const (
	callChannel  = "serambi_call"
	maxCallEvent = 7900
)

// publishCallEvent tells the other nodes of a server event of a call.
func (a *App) publishCallEvent(callID ids.Call, msg call.Message) {
	b, err := json.Marshal(msg)
	if err != nil || len(callID)+1+len(b) > maxCallEvent {
		a.Log.Warn("call event not sent to other nodes", "call", callID, "type", msg.Type, "bytes", len(b), "err", err)
		return
	}
	a.callBus.Publish(string(callID) + " " + string(b))
}

// deliverCallEvent hands another node's call event to this node's room of
// that call, if it has one.
func (a *App) deliverCallEvent(payload string) {
	callID, js, ok := strings.Cut(payload, " ")
	var msg call.Message
	if !ok || json.Unmarshal([]byte(js), &msg) != nil {
		a.Log.Warn("call event from another node unreadable", "bytes", len(payload))
		return
	}
	a.Calls.Rooms().Deliver(ids.Call(callID), msg)
}
