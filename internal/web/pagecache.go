package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// pageCache keeps the rendered HTML of pages that are the same for every
// anonymous visitor (the network and tenant home pages), already gzipped,
// because those are what a crowd hits and template execution dominates
// their cost. The key holds everything the page depends on: path,
// language, text size, the tenant's last change and today's date.
type pageCache struct {
	mu sync.RWMutex
	m  map[string]*cachedPage
}

type cachedPage struct {
	plain, gz []byte
}

const pageCacheMax = 2000

func (c *pageCache) get(k string) *cachedPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[k]
}

func (c *pageCache) put(k string, plain []byte) *cachedPage {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(plain)
	_ = zw.Close()
	p := &cachedPage{plain: plain, gz: buf.Bytes()}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= pageCacheMax {
		c.m = map[string]*cachedPage{} // simple and bounded: start over
	}
	c.m[k] = p
	c.mu.Unlock()
	return p
}

func (s *Server) cacheKey(name string, p *Page) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('|')
	b.WriteString(p.r.URL.Path)
	b.WriteByte('|')
	b.WriteString(p.st.lang)
	b.WriteByte('|')
	b.WriteString(p.st.textSize)
	b.WriteByte('|')
	b.WriteString(p.Date(s.Clock.Now()))
	if p.Tenant != nil {
		b.WriteByte('|')
		b.WriteString(strconv.FormatInt(p.Tenant.UpdatedAt.UnixNano(), 10))
	}
	return b.String()
}

// writeCached answers from the cache, gzipped when the client takes it.
func writeCached(w http.ResponseWriter, r *http.Request, status int, cp *cachedPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	body := cp.plain
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = cp.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// onlyLangQuery: the page's links repeat the query string, so a page asked
// for with any other parameter must not be cached for others.
func onlyLangQuery(r *http.Request) bool {
	q := r.URL.Query()
	return len(q) == 0 || (len(q) == 1 && q.Has("lang"))
}
