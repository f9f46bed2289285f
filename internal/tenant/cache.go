package tenant

import (
	"sync"
	"time"
)

// cacheTTL bounds how long another node may serve a tenant's old record
// (a suspension, a new name) after a change; this node drops its copy at
// once. Every page needs its tenant, so this saves a query per request.
const cacheTTL = 10 * time.Second

type cached struct {
	t  Tenant
	at time.Time
}

type slugCache struct {
	mu  sync.RWMutex
	m   map[string]cached
	gen uint64 // bumped by every forget, so a read that raced a change is not kept
}

func (c *slugCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func (c *slugCache) get(slug string, now time.Time) (Tenant, bool) {
	c.mu.RLock()
	e, ok := c.m[slug]
	c.mu.RUnlock()
	if !ok || now.Sub(e.at) > cacheTTL || now.Before(e.at) {
		return Tenant{}, false
	}
	return e.t, true
}

func (c *slugCache) put(t Tenant, now time.Time, gen uint64) { c.putKey(t.Slug, t, now, gen) }

func (c *slugCache) putKey(key string, t Tenant, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]cached{}
	}
	c.m[key] = cached{t, now}
}

func (c *slugCache) forget(slug string) {
	c.mu.Lock()
	c.m = map[string]cached{} // by slug and by ID: drop all, changes are rare
	c.gen++
	c.mu.Unlock()
}

// locations caches parsed time zones: time.LoadLocation reads and parses
// zone data on every call.
var locations sync.Map

func loadLocation(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	locations.Store(name, loc)
	return loc
}
