package db

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// SQLite parses every statement it is given; under load that parsing was
// a quarter of the server's CPU (the class enrolment benchmark), so on
// SQLite each pool keeps its statements prepared, by their text.
// database/sql prepares a pool statement on each connection it runs on
// and reuses it; a transaction runs the pool's statement on its own
// connection (Tx.StmtContext). PostgreSQL's driver caches its own.
//
// The writer has one connection, which a transaction holds: a statement
// first seen inside a transaction runs unprepared and is prepared once
// the transaction has ended (prepareLater), while the writer is still
// this request's.

// maxStmts bounds each cache: statements built with varying text (a list
// of placeholders, a file name) stop being cached past it, rather than
// growing without end.
const maxStmts = 500

type stmtCache struct {
	pool *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// cached is q's statement if it is prepared already.
func (c *stmtCache) cached(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[q]
}

// get is q's statement, prepared now if needed; nil when it cannot be
// (the cache is full, or q does not parse: the plain call then reports
// the error as it always has). The pool must have a connection free.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st := c.cached(q); st != nil {
		return st
	}
	c.mu.Lock()
	full := len(c.m) >= maxStmts
	c.mu.Unlock()
	if full {
		return nil
	}
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[q]; old != nil {
		_ = st.Close()
		return old
	}
	c.m[q] = st
	return st
}

// close closes every statement (before the pool closes).
func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.m {
		err = errors.Join(err, st.Close())
		delete(c.m, q)
	}
	return err
}
