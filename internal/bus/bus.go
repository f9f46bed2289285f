// Package bus carries change signals between the nodes of one Serambi
// site over PostgreSQL LISTEN/NOTIFY. A signal is a key (a counter's ID)
// and nothing else: the receiver re-reads what changed, so a signal lost
// while a node was reconnecting costs nothing but freshness, and on
// reconnecting the node wakes all its live pages once to catch up.
//
// SQLite sites run on one node and need no bus: the in-process hubs of
// the domain packages are enough.
package bus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serambi/serambi/internal/db"
)

// PG publishes and listens on one NOTIFY channel.
type PG struct {
	db      *db.DB
	dsn     string
	channel string
	node    string // this process, so it ignores its own signals
	log     *slog.Logger
}

// NewPG returns a bus on channel (a plain identifier) of the database at
// dsn, publishing through d.
func NewPG(d *db.DB, dsn, channel string, log *slog.Logger) *PG {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &PG{db: d, dsn: dsn, channel: channel, node: hex.EncodeToString(b), log: log}
}

// publishTimeout bounds a NOTIFY: a slow database must not hold up the
// request that changed something (the change is committed already).
const publishTimeout = 3 * time.Second

// Publish tells the other nodes that keys changed.
func (p *PG) Publish(keys ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	for _, k := range keys {
		if _, err := p.db.ExecContext(ctx, `SELECT pg_notify(?, ?)`, p.channel, p.node+" "+k); err != nil {
			p.log.Warn("bus: publish", "channel", p.channel, "err", err)
			return
		}
	}
}

// Listen receives the other nodes' signals until ctx ends, calling deliver
// for each key; after a lost connection it reconnects (backing off up to
// 30 s) and calls resync, since signals may have been missed meanwhile.
// ready, if not nil, is closed once the first LISTEN is in place.
func (p *PG) Listen(ctx context.Context, deliver func(key string), resync func(), ready chan<- struct{}) {
	backoff := 500 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, p.dsn)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize())
		}
		if err == nil {
			if first {
				if ready != nil {
					close(ready)
				}
				first = false
			} else {
				resync()
			}
			backoff = 500 * time.Millisecond
			err = p.receive(ctx, conn, deliver)
		}
		if conn != nil {
			_ = conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		p.log.Warn("bus: listener lost, reconnecting", "channel", p.channel, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

func (p *PG) receive(ctx context.Context, conn *pgx.Conn, deliver func(string)) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		node, key, ok := strings.Cut(n.Payload, " ")
		if ok && node != p.node && key != "" {
			deliver(key)
		}
	}
}
