// Package app wires Serambi together: config -> database -> domain services
// -> web, and starts and stops it.
package app

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"
	_ "time/tzdata" // zones (WIB, WITA, WIT, JST) must work on hosts without tzdata

	"github.com/prometheus/client_golang/prometheus"

	"github.com/serambi/serambi/internal/application"
	"github.com/serambi/serambi/internal/bus"
	"github.com/serambi/serambi/internal/calendar"
	"github.com/serambi/serambi/internal/call"
	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/counter"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/jobs"
	"github.com/serambi/serambi/internal/kiosk"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/notify"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/relay"
	"github.com/serambi/serambi/internal/result"
	"github.com/serambi/serambi/internal/sandbox"
	"github.com/serambi/serambi/internal/sfu"
	"github.com/serambi/serambi/internal/stats"
	"github.com/serambi/serambi/internal/survey"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/web/account"
	"github.com/serambi/serambi/internal/web/admin"
	"github.com/serambi/serambi/internal/web/api"
	"github.com/serambi/serambi/internal/web/applications"
	"github.com/serambi/serambi/internal/web/calls"
	classpages "github.com/serambi/serambi/internal/web/classes"
	"github.com/serambi/serambi/internal/web/counters"
	"github.com/serambi/serambi/internal/web/dashboards"
	"github.com/serambi/serambi/internal/web/exchange"
	"github.com/serambi/serambi/internal/web/kiosks"
	"github.com/serambi/serambi/internal/web/network"
	"github.com/serambi/serambi/internal/web/serviceadmin"
	"github.com/serambi/serambi/internal/web/surveys"
)

// App is a running Serambi.
type App struct {
	Config   *config.Config
	DB       *db.DB
	Regions  *region.Directory
	Tenants  *tenant.Service
	Identity *identity.Service
	Catalog  *catalog.Store
	Calendar *calendar.Store
	Apps     *application.Service
	Results  *result.Issuer
	Docs     *document.Store
	Jobs     *jobs.Queue
	Outbox   *notify.Outbox
	Counters *counter.Store
	Queue    *queue.Store
	Calls    *call.Store
	Kiosks   *kiosk.Store
	Classes  *classes.Store
	// Practices is the knowledge exchange's library.
	Practices *knowledge.Store
	Surveys   *survey.Store
	// Stats are the dashboards' daily sums.
	Stats   *stats.Store
	Sandbox *sandbox.Service
	// Classrooms are the online classes' media rooms (on once StartMedia
	// has opened the media port).
	Classrooms *sfu.Rooms
	media      interface{ Close() error }
	mediaPorts []int // the media port on each interface, opened to the TURN relay
	Log        *slog.Logger
	Clock      clock.Clock
	web        *web.Server
	sendCode   application.CodeSender
	// remind sends the appointment reminders due now (the periodic job's
	// work, callable from tests).
	remind func(context.Context) (int, error)
	// demoVisitors: the demo seeds people waiting and an appointment.
	demoVisitors bool
	checkKey     []byte // applications' check codes for public tracking
	relay        atomic.Pointer[relay.Server]
	bus          *bus.PG // nil on SQLite (one node)
	callBus      *bus.PG // call events between nodes; nil on SQLite
}

// Option changes how New builds the app (tests use them).
type Option func(*options)

type options struct {
	clock      clock.Clock
	log        *slog.Logger
	noVisitors bool
}

// WithClock replaces the system clock.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithoutDemoVisitors seeds the demo without its waiting numbers and
// booked appointment, for tests that need an empty queue and diary.
func WithoutDemoVisitors() Option { return func(o *options) { o.noVisitors = true } }

// WithLogger replaces the default logger.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Open connects to the database, applies migrations and builds the domain
// services; every subcommand that touches data starts here.
func Open(ctx context.Context, cfg *config.Config, opts ...Option) (*App, error) {
	o := options{clock: clock.System{}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range opts {
		f(&o)
	}
	key, err := cfg.LoadSecretKey()
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	regions, err := region.Load()
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", db.RedactURL(cfg.Database), err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	jobQueue := jobs.New(d, o.log)
	if err := jobQueue.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	cipher, err := identity.NewFieldCipher(key)
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Config: cfg, DB: d, Regions: regions, Log: o.log, Clock: o.clock, Jobs: jobQueue, demoVisitors: !o.noVisitors}
	if a.checkKey, err = application.CheckKey(key); err != nil {
		d.Close()
		return nil, err
	}
	a.Tenants = tenant.NewService(d, regions, o.clock)
	a.Identity = identity.NewService(d, o.clock, cipher, regions, identity.Config{Demo: cfg.Demo})
	a.Catalog = catalog.NewStore(d, o.clock)
	a.Calendar = calendar.NewStore(d)
	a.Apps = application.NewService(d, o.clock, a.Calendar, regions)
	a.Apps.SealAnswers(cipher)
	a.Results = result.NewIssuer(d, o.clock, func(ctx context.Context, q db.Querier, id ids.User) (string, error) {
		u, err := a.Identity.ByIDIn(ctx, q, id)
		if errors.Is(err, identity.ErrNotFound) {
			return "", nil // an erased account: the paper names no holder
		}
		return u.Name, err
	})
	a.Apps.OnDecision(a.Results)
	storage, err := document.NewLocalStorage(filepath.Join(cfg.DataDir, "uploads"))
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Docs = document.NewStore(d, storage, o.clock)
	a.Docs.Quota = int64(cfg.UploadQuotaMB) << 20
	a.Counters = counter.NewStore(d, o.clock, a.Calendar)
	a.Queue = queue.NewStore(d, o.clock)
	if d.Dialect() == db.Postgres {
		// Several nodes may share this database: queue changes reach the
		// other nodes' live pages through LISTEN/NOTIFY.
		a.bus = bus.NewPG(d, cfg.Database, "serambi_queue", o.log)
		a.Queue.PublishTo(a.bus.Publish)
	}
	a.Calls = call.NewStore(d, o.clock)
	if d.Dialect() == db.Postgres {
		a.callBus = bus.NewPG(d, cfg.Database, callChannel, o.log)
		a.Calls.Rooms().PublishTo(a.publishCallEvent)
	}
	a.Kiosks = kiosk.NewStore(d, o.clock)
	checkIn, err := hkdf.Key(sha256.New, key, nil, "serambi class check-in codes", 32)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("derive the check-in key: %w", err)
	}
	a.Classes = classes.NewStore(d, o.clock, checkIn)
	a.Practices = knowledge.NewStore(d, o.clock, regions)
	if a.Surveys, err = survey.NewStore(d, o.clock, key); err != nil {
		d.Close()
		return nil, err
	}
	a.Stats = stats.NewStore(d, o.clock, a.Calendar)
	a.Sandbox = sandbox.New(d, o.clock, a.Tenants, a.Catalog, a.Counters, a.Docs, a.Calendar)
	a.Classrooms = sfu.NewRooms()
	a.registerJobs()
	if err := a.setupNotices(); err != nil {
		d.Close()
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	return a, nil
}

// New opens the app, seeds the demo when asked, and builds the web server.
func New(ctx context.Context, cfg *config.Config, opts ...Option) (*App, error) {
	a, err := Open(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		if err := SeedDemo(ctx, a); err != nil {
			a.Close()
			return nil, fmt.Errorf("demo data: %w", err)
		}
	}
	messages, err := locale.Load()
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Practices.Library().SetTagWords(func(tag string) []string {
		// a tag is searched by its name in every language
		var out []string
		for _, l := range locale.Langs {
			out = append(out, messages.T(l, "exchange.tag."+tag))
		}
		return out
	})
	a.web, err = web.New(web.Deps{
		DB: a.DB, Tenants: a.Tenants, Identity: a.Identity, Regions: a.Regions, Catalog: messages,
		Services: a.Catalog, Calendar: a.Calendar, Apps: a.Apps, Results: a.Results, Docs: a.Docs,
		Outbox: a.Outbox, SendCode: a.sendCode, Counters: a.Counters, Queue: a.Queue, Calls: a.Calls, Kiosks: a.Kiosks, Classes: a.Classes, Sandbox: a.Sandbox, Practices: a.Practices, Surveys: a.Surveys, Stats: a.Stats, Classrooms: a.Classrooms, ICE: a.iceServers, FeedKey: feedKey(cfg), FeedKeyBefore: feedKeyBefore(cfg), CheckKey: a.checkKey,
		Clock: a.Clock, Log: a.Log, BaseURL: cfg.BaseURL, Demo: cfg.Demo, Registry: prometheus.NewRegistry(), MetricsToken: cfg.MetricsToken,
	}, account.New, admin.New, api.New, applications.New, calls.New, classpages.New, counters.New, exchange.New, kiosks.New, surveys.New, dashboards.New, network.New, serviceadmin.New)
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Handler is the app's HTTP handler.
func (a *App) Handler() http.Handler { return a.web }

// Close releases the database.
func (a *App) Close() error {
	a.stopMedia()
	return a.DB.Close()
}

// Serve listens on cfg.Addr until ctx ends, then drains requests for up
// to 15 seconds before returning.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return err
	}
	// Live streams (queue positions) end when shutdown starts, so the
	// drain does not wait for them; browsers reconnect to another node.
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	srv := &http.Server{
		Handler: a.web, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog:    slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return streams },
	}
	srv.RegisterOnShutdown(endStreams)
	// Media first: the relay opens its port to relayed learners.
	if err := a.StartMedia(); err != nil {
		ln.Close()
		return err
	}
	defer a.stopMedia()
	go a.closeIdleRooms(ctx)
	if err := a.StartRelay(); err != nil {
		ln.Close()
		return err
	}
	a.ListenBus(ctx)
	go a.linkAudit(ctx)
	defer a.stopRelay()
	if err := a.Jobs.Start(ctx); err != nil {
		ln.Close()
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Jobs.Stop(sctx)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenBus receives the other nodes' change signals until ctx ends (on
// PostgreSQL; nothing on SQLite). The returned channel closes once the
// listener is in place (at once when there is no bus).
func (a *App) ListenBus(ctx context.Context) <-chan struct{} {
	ready := make(chan struct{})
	if a.bus == nil {
		close(ready)
		return ready
	}
	queueReady, callReady := make(chan struct{}), make(chan struct{})
	go a.bus.Listen(ctx, func(key string) { a.Queue.Wake(ids.Counter(key)) }, a.Queue.WakeAll, queueReady)
	// A call event missed while reconnecting is not replayed: the pages
	// that raised it show the result too, and the next event catches up.
	go a.callBus.Listen(ctx, a.deliverCallEvent, func() {}, callReady)
	go func() {
		for _, c := range []chan struct{}{queueReady, callReady} {
			select {
			case <-c:
			case <-ctx.Done():
				return
			}
		}
		close(ready)
	}()
	return ready
}

// SendReminders sends the appointment and class reminders due now, as the periodic
// job does every minute, and returns how many were queued.
func (a *App) SendReminders(ctx context.Context) (int, error) { return a.remind(ctx) }

// Web is the app's web server (tests read its routing table).
func (a *App) Web() *web.Server { return a.web }

// feedKey derives the key of calendar feed URLs from the secret key with
// HKDF, so a new secret key also retires every feed URL.
func feedKey(cfg *config.Config) []byte {
	k, err := hkdf.Key(sha256.New, cfg.SecretKey, nil, "serambi calendar feeds", 32)
	if err != nil { // only for a requested length HKDF cannot give
		panic(err)
	}
	return k
}

// feedKeyBefore is the feed key as derived before HKDF (a hash of a label
// and the secret): URLs officers subscribed to then keep working.
func feedKeyBefore(cfg *config.Config) []byte {
	sum := sha256.Sum256(append([]byte("serambi calendar feeds\x00"), cfg.SecretKey...))
	return sum[:]
}
