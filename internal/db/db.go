// Package db opens Serambi's database (embedded SQLite or PostgreSQL), applies
// the embedded migrations of its dialect and runs transactions. It knows no
// domain: domain packages own their SQL and pass it through here.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL flavour of a database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned by helpers when a row that must exist does not.
var ErrNotFound = errors.New("not found")

// Querier is what both a DB and a Tx offer; domain stores take it so the same
// code runs inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// DB is an open database. For SQLite it holds two pools: one connection that
// writes (SQLite allows one writer; queueing in Go beats SQLITE_BUSY) and a
// pool of readers that see WAL snapshots in parallel.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	path    string // SQLite file, for backups
	// gate queues writers first come, first served: database/sql hands a
	// freed connection to a random waiter, which under load gives some
	// requests very long waits. SQLite: one writer at a time. PostgreSQL:
	// at most writeSlots transactions at once, the rest waiting in order
	// (the class enrolment benchmark: p99 112 ms -> 75 ms at the same
	// rate); reads are not gated.
	gate chan struct{}
	// prepared statements of each pool (SQLite only; see stmts.go)
	writeStmts, readStmts *stmtCache
}

// Open connects to url: "sqlite:PATH" or "postgres://...".
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	}
	return nil, fmt.Errorf("database URL must start with sqlite: or postgres://")
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	d := &DB{dialect: SQLite, write: w, read: r, path: path, gate: make(chan struct{}, 1),
		writeStmts: newStmtCache(w), readStmts: newStmtCache(r)}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// writeSlots is how many PostgreSQL write transactions run at once: most
// of the pool, leaving connections for reads and the job queue.
const writeSlots = 16

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(20) // as many as open: closing one a burst opened costs PostgreSQL a new backend on the next
	p.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{dialect: Postgres, write: p, read: p, gate: make(chan struct{}, writeSlots)}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Dialect tells which SQL flavour this database speaks.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	return d.read.PingContext(ctx)
}

// Close closes all connections.
func (d *DB) Close() error {
	err := errors.Join(d.writeStmts.close(), d.readStmts.close(), d.write.Close())
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Stats reports the pools' statistics for metrics.
func (d *DB) Stats() (write, read sql.DBStats) { return d.write.Stats(), d.read.Stats() }

// ExecContext runs a statement on the writer.
func (d *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if tx := d.joined(ctx); tx != nil {
		return tx.ExecContext(ctx, q, args...)
	}
	if err := d.enter(ctx); err != nil {
		return nil, err
	}
	defer d.leave()
	if st := d.writeStmts.get(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.write.ExecContext(ctx, Rebind(d.dialect, q), args...)
}

// enter waits for the writer's turn (in arrival order: channel senders
// are woken first in, first out).
func (d *DB) enter(ctx context.Context) error {
	if d.gate == nil {
		return nil
	}
	select {
	case d.gate <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (d *DB) leave() {
	if d.gate != nil {
		<-d.gate
	}
}

// QueryContext reads on the reader pool.
func (d *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if tx := d.joined(ctx); tx != nil {
		return tx.QueryContext(ctx, q, args...)
	}
	if st := d.readStmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.read.QueryContext(ctx, Rebind(d.dialect, q), args...)
}

// QueryRowContext reads one row on the reader pool.
func (d *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if tx := d.joined(ctx); tx != nil {
		return tx.QueryRowContext(ctx, q, args...)
	}
	if st := d.readStmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.read.QueryRowContext(ctx, Rebind(d.dialect, q), args...)
}

// Tx is a write transaction; queries inside it are rebound like the DB's.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	db      *DB
	after   []func() // run once the transaction committed
	later   []string // statements to prepare once it ended (stmts.go)
}

// stmt is q's prepared statement on this transaction's connection, or nil
// (then q is noted, to be prepared when the transaction has ended).
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.db.writeStmts == nil {
		return nil
	}
	if st := t.db.writeStmts.cached(q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if len(t.later) < maxStmts {
		t.later = append(t.later, q)
	}
	return nil
}

func (t *Tx) Dialect() Dialect { return t.dialect }

func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, Rebind(t.dialect, q), args...)
}

func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, Rebind(t.dialect, q), args...)
}

func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, Rebind(t.dialect, q), args...)
}

// InTx runs fn in one write transaction: committed when fn returns nil,
// rolled back otherwise (and on panic), so a change is all or nothing.
//
// Inside Atomically (ctx carries its transaction) InTx joins that
// transaction instead: fn's changes commit or roll back with the rest.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if tx := d.joined(ctx); tx != nil {
		return fn(tx)
	}
	return d.run(ctx, func(tx *Tx) error { return fn(tx) })
}

// txKey marks the transaction a context carries.
type txKey struct{}

// Atomically runs fn with a context whose every write and read on d, and
// every InTx on d, goes through one transaction: a flow across domains
// (end a call, finish its ticket) commits whole or not at all. Work to do
// only once it committed (waking pages, closing rooms) is queued with
// AfterCommit. Called inside another Atomically, it joins that one.
//
// A statement that fails inside leaves a PostgreSQL transaction unusable,
// so fn should return such an error rather than carry on.
func (d *DB) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if d.joined(ctx) != nil {
		return fn(ctx)
	}
	return d.run(ctx, func(tx *Tx) error { return fn(context.WithValue(ctx, txKey{}, tx)) })
}

// run begins a write transaction (after the writer's turn, for SQLite),
// runs fn in it, commits when fn returns nil and rolls back otherwise (and
// on panic, which goes on), frees the writer, then runs what waited for
// the commit. A rollback's own error is not returned: fn's error already
// says why the work stopped, and the database drops an unfinished
// transaction with its connection.
func (d *DB) run(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if err := d.enter(ctx); err != nil {
		return fmt.Errorf("db: wait for the writer: %w", err)
	}
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		d.leave()
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, dialect: d.dialect, db: d}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback() // allowed: the panic goes on
			d.leave()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback() // allowed: see above
		d.prepareLater(ctx, tx)
		d.leave()
		return err
	}
	err = sqlTx.Commit()
	d.prepareLater(ctx, tx)
	d.leave()
	if err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// prepareLater prepares the statements tx ran unprepared, now that the
// writer's connection is free and still this request's.
func (d *DB) prepareLater(ctx context.Context, tx *Tx) {
	for _, q := range tx.later {
		d.writeStmts.get(context.WithoutCancel(ctx), q)
	}
}

// joined is the transaction of d that ctx carries, or nil.
func (d *DB) joined(ctx context.Context) *Tx {
	if tx, ok := ctx.Value(txKey{}).(*Tx); ok && tx.db == d {
		return tx
	}
	return nil
}

// AfterCommit runs f once the transaction ctx carries has committed (never,
// if it rolls back); with no transaction in ctx, at once. Domain stores
// use it for effects outside the database, so a flow's rollback does not
// leave a page told of a change that never happened.
func AfterCommit(ctx context.Context, f func()) {
	if tx, ok := ctx.Value(txKey{}).(*Tx); ok {
		tx.after = append(tx.after, f)
		return
	}
	f()
}

// Rebind turns ? placeholders into $1, $2 ... for PostgreSQL. Question marks
// inside string literals are left alone.
func Rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inString := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inString = !inString
			b.WriteByte(c)
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Backup writes an online, consistent copy of a SQLite database to path.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.dialect != SQLite {
		return errors.New("backup: use pg_dump for PostgreSQL (see docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	_, err := d.write.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// RedactURL hides a password in a database URL for logs.
func RedactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// IsUniqueViolation tells whether err is a unique-constraint failure, in
// either dialect, so callers can answer "already taken" instead of 500.
func IsUniqueViolation(err error) bool {
	// By the drivers' error codes, not their messages: a message can
	// change between versions, or be quoted inside another error's.
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505" // unique_violation
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsForeignKeyViolation tells whether err is a reference to a row that
// does not exist (an unknown person, say).
func IsForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503" // foreign_key_violation
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// Writer exposes the writing pool to the job queue's driver, which needs a
// database/sql handle of its own kind; nothing else should use it.
func (d *DB) Writer() *sql.DB { return d.write }

// SQL exposes the transaction so the job queue can insert jobs inside it.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// createPrivate creates the database file readable by its owner only
// (0600) before SQLite opens it: it holds personal data, and SQLite gives
// its -wal and -shm files the mode of the database file.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sqlite: create the database's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	return f.Close()
}
