// Command sse measures the queue's live ticket pages at scale: N residents
// hold tickets at one counter and each watches its ticket's Server-Sent
// Events stream; an officer calls the next ticket a few times, and for each
// call the program measures how long every watcher waits for the event
// with its new position. It also reports the server's memory per open
// stream. See run.sh and docs/benchmarks.md ("Queue: 10,000 live watchers").
//
// By default it starts the serambi binary given by -bin as its own process
// (fresh data directory, demo on, SQLite) so that the server's RSS and CPU
// can be read from /proc. With -inproc it runs the same server inside this
// process instead (internal/app, the same http.Server settings as serve)
// and can write a CPU profile of the call-next rounds (-cpuprofile); the
// memory figures are then meaningless, since the watchers live there too.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/config"
)

var (
	bin          = flag.String("bin", "", "serambi binary to start (not with -inproc)")
	dataDir      = flag.String("data", "", "fresh data directory for the server (default: a new one in /tmp)")
	port         = flag.Int("port", 0, "port of the server (default: a free one; not with -inproc)")
	inproc       = flag.Bool("inproc", false, "run the server inside this process (for -cpuprofile)")
	cpuProfile   = flag.String("cpuprofile", "", "with -inproc: write a CPU profile of the call-next rounds here")
	openProfile  = flag.String("openprofile", "", "with -inproc: write a CPU profile of opening the watchers here")
	heapProfile  = flag.String("heapprofile", "", "with -inproc: write a heap profile here once the watchers are open")
	n            = flag.Int("n", 10000, "tickets and watchers")
	counterCode  = flag.String("counter", "KOKUHO", "code of the fukuoka demo counter to use")
	rounds       = flag.Int("rounds", 10, "call-next rounds")
	gap          = flag.Duration("gap", 3*time.Second, "pause before each round (after the previous one is complete)")
	roundTimeout = flag.Duration("round-timeout", 120*time.Second, "a watcher without its new position by then has missed the round")
	openTimeout  = flag.Duration("open-timeout", 30*time.Minute, "time allowed for every watcher to get its first event")
	createConc   = flag.Int("create-conc", 16, "concurrent ticket takers")
	dialConc     = flag.Int("dial-conc", 64, "concurrent connection attempts while opening watchers")
	sourceIPs    = flag.Int("ips", 1, "source addresses 127.0.0.1 … 127.0.0.N for the watchers' connections")
)

const tenantSlug = "fukuoka"

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sse bench:", err)
		os.Exit(1)
	}
}

// server is the system under test: its address and, for a process of its
// own, how to read its memory and CPU.
type server struct {
	addr string
	pid  int // the process whose /proc we read
	stop func()
}

func (s *server) rssKB() int64 { return procStatus(s.pid, "VmRSS") }
func (s *server) hwmKB() int64 { return procStatus(s.pid, "VmHWM") }

// procStatus reads a "kB" line of /proc/PID/status.
func procStatus(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				x, _ := strconv.ParseInt(f[0], 10, 64)
				return x
			}
		}
	}
	return -1
}

// cpuSeconds is utime+stime of a process from /proc/PID/stat.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}

func startServer() (*server, error) {
	dir := *dataDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "serambi-sse-bench-"); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if *inproc {
		cfg := &config.Config{Addr: "127.0.0.1:0", DataDir: dir, Database: "sqlite:" + filepath.Join(dir, "serambi.db"),
			Demo: true, TURNAddr: "off", BaseURL: "http://127.0.0.1"}
		ctx, cancel := context.WithCancel(context.Background())
		a, err := app.New(ctx, cfg)
		if err != nil {
			cancel()
			return nil, err
		}
		ready := make(chan string, 1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := a.Serve(ctx, func(addr string) { ready <- addr }); err != nil {
				fmt.Fprintln(os.Stderr, "server:", err)
			}
		}()
		select {
		case addr := <-ready:
			return &server{addr: addr, pid: os.Getpid(), stop: func() { cancel(); <-done; a.Close() }}, nil
		case <-done:
			cancel()
			return nil, errors.New("in-process server did not start")
		}
	}
	if *bin == "" {
		return nil, errors.New("-bin is required without -inproc")
	}
	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	if *port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(*bin, "serve", "--demo", "--addr", addr, "--base-url", "http://"+addr,
		"--data", dir, "--turn-addr", "off")
	cmd.Env = append(os.Environ(), "SERAMBI_METRICS_TOKEN="+benchMetricsToken)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // the server ends with this program
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{addr: addr, pid: cmd.Process.Pid, stop: func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logf.Close()
	}}
	for range 300 {
		if r, err := http.Get("http://" + addr + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				fmt.Printf("server pid %d at %s, data %s\n", s.pid, addr, dir)
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("server not ready after 30 s; see " + logf.Name())
}

// api is a small JSON client with keep-alive connections.
type api struct {
	base   string
	client *http.Client
}

func (a *api) do(method, path, token string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// state is what a watcher's page shows: its position and status.
type state struct {
	Position int    `json:"position"`
	Status   string `json:"status"`
}

type event struct {
	at time.Time
	st state
}

// watcher is one resident's open ticket page.
type watcher struct {
	id     string
	mu     sync.Mutex
	events []event // the ones whose state differs from the previous one
	seen   int     // events received, equal or not
	last   atomic.Int64
	err    error // why the stream ended, if it did
	ended  atomic.Bool
}

var firstEvents atomic.Int64

func (w *watcher) lastState() (state, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.events) == 0 {
		return state{}, false
	}
	return w.events[len(w.events)-1].st, true
}

// firstChangeAfter returns the first change of state at or after t.
func (w *watcher) firstChangeAfter(t time.Time) (event, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.events {
		if !e.at.Before(t) {
			return e, true
		}
	}
	return event{}, false
}

var epoch = time.Now()

// watch opens the ticket's event stream on a connection of its own and
// records every event until the stream ends.
func (w *watcher) watch(addr string, local net.IP, dialed func()) {
	d := net.Dialer{Timeout: 30 * time.Second}
	if local != nil {
		d.LocalAddr = &net.TCPAddr{IP: local}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		dialed()
		w.fail(err)
		return
	}
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET /api/v1/t/%s/tickets/%s/events HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n",
		tenantSlug, w.id, addr)
	dialed()
	if err != nil {
		w.fail(err)
		return
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 1024), nil)
	if err != nil {
		w.fail(err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		w.fail(fmt.Errorf("status %d", resp.StatusCode))
		return
	}
	br := bufio.NewReaderSize(resp.Body, 1024)
	var name, data string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			w.fail(err)
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if name == "ticket" && data != "" {
				w.record(data)
			}
			name, data = "", ""
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = line[len("data: "):]
		}
	}
}

func (w *watcher) record(data string) {
	now := time.Now()
	var st state
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return
	}
	w.mu.Lock()
	w.seen++
	first := w.seen == 1
	if len(w.events) == 0 || w.events[len(w.events)-1].st != st {
		w.events = append(w.events, event{now, st})
		w.last.Store(int64(now.Sub(epoch)))
	}
	w.mu.Unlock()
	if first {
		firstEvents.Add(1)
	}
}

func (w *watcher) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
	w.ended.Store(true)
}

func run() error {
	if *inproc && (*cpuProfile != "" || *openProfile != "") {
		runtime.SetCPUProfileRate(200)
	}
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.stop()
	base := "http://" + srv.addr
	cl := &api{base: base, client: &http.Client{Timeout: 10 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: *createConc + 4, MaxConnsPerHost: *createConc + 4}}}

	var tok struct{ Token string }
	if err := cl.do("POST", "/api/v1/auth/token", "", map[string]string{"email": "officer@fukuoka.demo", "password": "serambi-demo"}, &tok, 201); err != nil {
		return err
	}
	var counters struct {
		Items []struct{ ID, Code string }
	}
	if err := cl.do("GET", "/api/v1/t/"+tenantSlug+"/counters", "", nil, &counters, 200); err != nil {
		return err
	}
	counterID := ""
	for _, c := range counters.Items {
		if c.Code == *counterCode {
			counterID = c.ID
		}
	}
	if counterID == "" {
		return fmt.Errorf("no counter %s at %s", *counterCode, tenantSlug)
	}

	// Tickets, taken concurrently by anonymous walk-ins.
	fmt.Printf("machine: %d CPUs, %s; taking %d tickets at %s (%d at a time)\n", runtime.NumCPU(), runtime.Version(), *n, *counterCode, *createConc)
	ws := make([]*watcher, *n)
	start := time.Now()
	var next atomic.Int64
	var takeErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range *createConc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= *n {
					return
				}
				var tk struct{ ID string }
				if err := cl.do("POST", "/api/v1/t/"+tenantSlug+"/counters/"+counterID+"/tickets", "", struct{}{}, &tk, 201); err != nil {
					errOnce.Do(func() { takeErr = err })
					next.Store(int64(*n))
					return
				}
				ws[i] = &watcher{id: tk.ID}
				if i > 0 && i%1000 == 0 {
					fmt.Printf("  %d tickets after %.1f s\n", i, time.Since(start).Seconds())
				}
			}
		})
	}
	wg.Wait()
	if takeErr != nil {
		return takeErr
	}
	took := time.Since(start)
	fmt.Printf("took %d tickets in %.1f s (%.0f/s)\n", *n, took.Seconds(), float64(*n)/took.Seconds())
	cl.client.CloseIdleConnections()

	time.Sleep(3 * time.Second)
	rssBefore := srv.rssKB()
	fmt.Printf("server RSS before the watchers: %.1f MB\n", float64(rssBefore)/1024)

	// Watchers: one connection each, a few dials at a time; the response
	// headers come with the first event, so opening is not waited on.
	var ips []net.IP
	if *sourceIPs > 1 {
		for i := range *sourceIPs {
			ips = append(ips, net.IPv4(127, 0, 0, byte(1+i)))
		}
	}
	if *openProfile != "" {
		stop, err := profile(*openProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	cpu0 := cpuSeconds(srv.pid)
	start = time.Now()
	sem := make(chan struct{}, *dialConc)
	for i, w := range ws {
		var local net.IP
		if ips != nil {
			local = ips[i%len(ips)]
		}
		sem <- struct{}{}
		go w.watch(srv.addr, local, func() { <-sem })
	}
	dialledIn := time.Since(start)
	lastPrint := time.Now()
	for firstEvents.Load() < int64(*n) {
		if time.Since(start) > *openTimeout {
			break
		}
		if ended := countEnded(ws); ended > 0 && int64(ended)+firstEvents.Load() >= int64(*n) {
			break
		}
		if time.Since(lastPrint) > 10*time.Second {
			fmt.Printf("  %d watchers have their first event after %.0f s\n", firstEvents.Load(), time.Since(start).Seconds())
			lastPrint = time.Now()
		}
		time.Sleep(20 * time.Millisecond)
	}
	opened := time.Since(start)
	fmt.Printf("connections dialled in %.1f s; %d of %d watchers had their first event after %.1f s (server CPU %.1f s)\n",
		dialledIn.Seconds(), firstEvents.Load(), *n, opened.Seconds(), cpuSeconds(srv.pid)-cpu0)
	if *openProfile != "" {
		pprof.StopCPUProfile()
	}
	reportEnded(ws)
	time.Sleep(3 * time.Second)
	if *heapProfile != "" {
		if err := writeHeapProfile(*heapProfile); err != nil {
			return err
		}
	}
	rssAfter := srv.rssKB()
	if !*inproc {
		fmt.Printf("server RSS with %d watchers: %.1f MB → %.1f KB per watcher (peak RSS so far %.1f MB)\n",
			*n, float64(rssAfter)/1024, float64(rssAfter-rssBefore)/float64(*n), float64(srv.hwmKB())/1024)
	}
	if st := serverGC(cl); st.count >= 0 {
		fmt.Printf("server Go heap in use %.1f MB, goroutine stacks %.1f MB, next GC at %.1f MB\n", st.heap/1e6, st.stacks/1e6, st.goal/1e6)
	}

	// Rounds of call-next.
	if *cpuProfile != "" {
		stop, err := profile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var all []time.Duration
	type roundResult struct {
		callMS                  float64
		pop, got, missed, wrong int
		p50, p90, p99, max      time.Duration
		cpu                     float64
		gcs                     int     // the server's garbage collections during the round
		allocMB                 float64 // and the megabytes it allocated
	}
	var results []roundResult
	for r := 1; r <= *rounds; r++ {
		time.Sleep(*gap)
		pre := make([]state, len(ws))
		in := make([]bool, len(ws))
		pop := 0
		for i, w := range ws {
			if st, ok := w.lastState(); ok && !w.ended.Load() && st.Status == "waiting" {
				pre[i], in[i] = st, true
				pop++
			}
		}
		cpu0, gc0 := cpuSeconds(srv.pid), serverGC(cl)
		t0 := time.Now()
		var called struct{ ID, Label string }
		if err := cl.do("POST", "/api/v1/t/"+tenantSlug+"/counters/"+counterID+"/call-next", tok.Token, struct{}{}, &called, 200); err != nil {
			return err
		}
		t1 := time.Now()
		deadline := t0.Add(*roundTimeout)
		for time.Now().Before(deadline) {
			got := 0
			for i, w := range ws {
				if in[i] && epoch.Add(time.Duration(w.last.Load())).After(t0) {
					got++
				}
			}
			if got == pop {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		res := roundResult{callMS: float64(t1.Sub(t0).Microseconds()) / 1000, pop: pop, cpu: cpuSeconds(srv.pid) - cpu0}
		gc1 := serverGC(cl)
		res.gcs, res.allocMB = gc1.since(gc0)
		var ds []time.Duration
		for i, w := range ws {
			if !in[i] {
				continue
			}
			e, ok := w.firstChangeAfter(t0)
			if !ok {
				res.missed++
				continue
			}
			want := state{Position: pre[i].Position - 1, Status: "waiting"}
			if pre[i].Position == 0 {
				want = state{Position: -1, Status: "called"}
			}
			if e.st != want {
				res.wrong++
			}
			ds = append(ds, e.at.Sub(t0))
		}
		res.got = len(ds)
		slices.Sort(ds)
		res.p50, res.p90, res.p99, res.max = pct(ds, 50), pct(ds, 90), pct(ds, 99), pct(ds, 100)
		all = append(all, ds...)
		results = append(results, res)
		fmt.Printf("round %2d: called %s in %.1f ms; %d of %d watchers updated, p50 %s p90 %s p99 %s max %s; missed %d, wrong %d; server CPU %.2f s, %d GC, %.1f MB allocated, next GC at %.0f MB\n",
			r, called.Label, res.callMS, res.got, res.pop, ms(res.p50), ms(res.p90), ms(res.p99), ms(res.max), res.missed, res.wrong, res.cpu, res.gcs,
			res.allocMB, gc1.goal/1e6)
	}
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	// Summary as a Markdown table.
	slices.Sort(all)
	fmt.Printf("\nDelay from sending call-next to each watcher's event with its new position (ms):\n\n")
	fmt.Println("| round | call-next response | watchers | p50 | p90 | p99 | max | missed | server CPU s | server GCs | server MB allocated |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	missed := 0
	for i, r := range results {
		fmt.Printf("| %d | %.1f | %d | %s | %s | %s | %s | %d | %.2f | %d | %.1f |\n", i+1, r.callMS, r.pop, ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max), r.missed+r.wrong, r.cpu, r.gcs, r.allocMB)
		missed += r.missed + r.wrong
	}
	fmt.Printf("| all | | %d | %s | %s | %s | %s | %d | | | |\n", len(all)+missed, ms(pct(all, 50)), ms(pct(all, 90)), ms(pct(all, 99)), ms(pct(all, 100)), missed)
	if !*inproc {
		fmt.Printf("\nserver RSS: %.1f MB before the watchers, %.1f MB with %d watchers (%.1f KB each), %.1f MB after the rounds, peak %.1f MB\n",
			float64(rssBefore)/1024, float64(rssAfter)/1024, *n, float64(rssAfter-rssBefore)/float64(*n),
			float64(srv.rssKB())/1024, float64(srv.hwmKB())/1024)
	}
	reportEnded(ws)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("load generator CPU: %.1f s\n", time.Duration(ru.Utime.Nano()+ru.Stime.Nano()).Seconds())
	return nil
}

// gcStats is the server's number of completed garbage collections, the
// bytes it has allocated so far and its next GC goal, from its /metrics
// (-1s if they cannot be read; in-process, this process's).
type gcStats struct {
	count                     int
	alloc, goal, heap, stacks float64
}

func (a gcStats) since(b gcStats) (int, float64) { return a.count - b.count, (a.alloc - b.alloc) / 1e6 }

// benchMetricsToken opens /metrics of the server this program starts.
const benchMetricsToken = "bench-sse-metrics-token"

func serverGC(cl *api) gcStats {
	if *inproc {
		var st runtime.MemStats
		runtime.ReadMemStats(&st)
		return gcStats{int(st.NumGC), float64(st.TotalAlloc), float64(st.NextGC), float64(st.HeapInuse), float64(st.StackInuse)}
	}
	st := gcStats{-1, -1, -1, -1, -1}
	req, err := http.NewRequest("GET", cl.base+"/metrics", nil)
	if err != nil {
		return st
	}
	req.Header.Set("Authorization", "Bearer "+benchMetricsToken)
	resp, err := cl.client.Do(req)
	if err != nil {
		return st
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			continue
		}
		switch name {
		case "go_gc_duration_seconds_count":
			st.count = int(f)
		case "go_memstats_alloc_bytes_total":
			st.alloc = f
		case "go_memstats_next_gc_bytes":
			st.goal = f
		case "go_memstats_heap_inuse_bytes":
			st.heap = f
		case "go_memstats_stack_inuse_bytes":
			st.stacks = f
		}
	}
	return st
}

// writeHeapProfile writes what is live after a collection: with both ends
// in this process, the server's share is under net/http's server side and
// internal/web.
func writeHeapProfile(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

func profile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func countEnded(ws []*watcher) int {
	k := 0
	for _, w := range ws {
		if w.ended.Load() {
			k++
		}
	}
	return k
}

func reportEnded(ws []*watcher) {
	k := 0
	var first error
	for _, w := range ws {
		if w.ended.Load() {
			k++
			if first == nil {
				w.mu.Lock()
				first = w.err
				w.mu.Unlock()
			}
		}
	}
	if k > 0 {
		fmt.Printf("%d streams ended (first: %v)\n", k, first)
	}
}

// pct is the p-th percentile (nearest rank) of sorted ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	i := (p*len(ds)+99)/100 - 1
	return ds[max(i, 0)]
}

func ms(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}
