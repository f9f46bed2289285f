// Package cache keeps recently read records in memory for a few seconds.
// Every page reads its tenant, service and calendar; caching them saves
// queries and JSON decoding on the hot paths. A change made on this node
// drops the entry at once; other nodes see it within the TTL.
package cache

import (
	"sync"
	"time"
)

// TTL maps keys to values that expire after a fixed time.
type TTL[K comparable, V any] struct {
	mu  sync.RWMutex
	ttl time.Duration
	max int
	m   map[K]entry[V]
	gen uint64 // bumped by Forget, so a read that raced a change is not kept
}

type entry[V any] struct {
	v  V
	at time.Time
}

// New returns a cache keeping values for ttl, at most max entries.
func New[K comparable, V any](ttl time.Duration, max int) *TTL[K, V] {
	return &TTL[K, V]{ttl: ttl, max: max, m: map[K]entry[V]{}}
}

// Get returns a live value.
func (c *TTL[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || time.Since(e.at) > c.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Generation is read before loading a value and given back to Put.
func (c *TTL[K, V]) Generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// Put stores v unless something was forgotten since gen was read.
func (c *TTL[K, V]) Put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.m) >= c.max {
		c.m = map[K]entry[V]{} // bounded and simple: start over
	}
	c.m[k] = entry[V]{v, time.Now()}
}

// Forget drops every entry (changes are rare; precision is not worth it).
func (c *TTL[K, V]) Forget() {
	c.mu.Lock()
	c.m = map[K]entry[V]{}
	c.gen++
	c.mu.Unlock()
}
