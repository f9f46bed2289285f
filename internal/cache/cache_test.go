package cache

import (
	"testing"
	"time"
)

func TestTTL(t *testing.T) {
	t.Parallel()
	c := New[string, int](50*time.Millisecond, 2)
	g := c.Generation()
	c.Put("a", 1, g)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("Get = %d, %v", v, ok)
	}
	// A read that started before a change must not be stored.
	stale := c.Generation()
	c.Forget()
	c.Put("a", 99, stale)
	if _, ok := c.Get("a"); ok {
		t.Fatal("a stale read was cached after Forget")
	}
	g = c.Generation()
	c.Put("a", 1, g)
	c.Put("b", 2, g)
	c.Put("c", 3, g) // over max: starts over
	if _, ok := c.Get("a"); ok {
		t.Fatal("cache grew past its bound")
	}
	time.Sleep(60 * time.Millisecond)
	if _, ok := c.Get("c"); ok {
		t.Fatal("value outlived its TTL")
	}
}
