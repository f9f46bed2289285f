package queue

import (
	"sync"

	"github.com/serambi/serambi/internal/ids"
)

// hub fans a counter's changes out to the live pages of this process. A
// signal carries no data: a page that wakes re-reads what it shows, so a
// signal dropped because the subscriber is still busy with the previous one
// loses nothing. Other nodes' signals arrive over PostgreSQL LISTEN/NOTIFY
// (Wake).
type hub struct {
	mu   sync.RWMutex // read-locked by every woken page at once
	subs map[string]map[chan struct{}]struct{}
	// gens counts the signals per counter (and epoch those to every
	// counter): a queue snapshot is valid for one generation only.
	gens  map[string]uint64
	epoch uint64
}

// generation is the number of signals so far for counterID.
func (h *hub) generation(counterID ids.Counter) uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.gens[string(counterID)] + h.epoch
}

// Subscribe returns a channel that receives a signal after each committed
// change at counterID, and the function that unsubscribes and closes it
// (safe to call more than once). The channel holds one pending signal;
// more changes before it is read are folded into that one.
func (s *Store) Subscribe(counterID ids.Counter) (<-chan struct{}, func()) {
	return s.hub.subscribe(counterID)
}

func (h *hub) subscribe(counterID ids.Counter) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[string]map[chan struct{}]struct{}{}
	}
	if h.subs[string(counterID)] == nil {
		h.subs[string(counterID)] = map[chan struct{}]struct{}{}
	}
	h.subs[string(counterID)][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(h.subs[string(counterID)], ch)
			if len(h.subs[string(counterID)]) == 0 {
				delete(h.subs, string(counterID))
			}
			close(ch)
		})
	}
}

// notify signals every subscriber of the counters without ever blocking;
// the lock keeps a send from racing an unsubscribe's close. It returns the
// generation of the last counter after the signal.
func (h *hub) notify(counterIDs ...string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gens == nil {
		h.gens = map[string]uint64{}
	}
	var gen uint64
	for _, id := range counterIDs {
		h.gens[id]++
		gen = h.gens[id] + h.epoch
		for ch := range h.subs[id] {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
	return gen
}

// Touch wakes the live pages of a counter after a change made elsewhere
// that they show (an officer opened a video call for a ticket), here and
// on the other nodes.
func (s *Store) Touch(counterID ids.Counter) { s.changedWith(counterID, unchanged) }

// changed signals a committed change at the counters to this node's pages
// and, when a publisher is set, to the other nodes.
func (s *Store) changed(counterIDs ...string) {
	s.hub.notify(counterIDs...)
	if s.publish != nil {
		s.publish(counterIDs...)
	}
}

// PublishTo sends every change signal to the other nodes too (the bus's
// Publish). Set it before serving.
func (s *Store) PublishTo(publish func(counterIDs ...string)) { s.publish = publish }

// Wake signals this node's pages of a counter only: a change another node
// made, received from the bus.
func (s *Store) Wake(counterID ids.Counter) { s.hub.notify(string(counterID)) }

// WakeAll signals every live page of this node, after the bus lost signals.
func (s *Store) WakeAll() { s.hub.notifyAll() }

func (h *hub) notifyAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.epoch++
	for _, subs := range h.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
