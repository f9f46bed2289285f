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
	mu sync.RWMutex
	m  map[string]cached
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

func (c *slugCache) put(t Tenant, now time.Time) {
	c.mu.Lock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]cached{}
	}
	c.m[t.Slug] = cached{t, now}
	c.mu.Unlock()
}

func (c *slugCache) forget(slug string) {
	c.mu.Lock()
	delete(c.m, slug)
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
