// Command turn-bench measures a TURN relay's throughput and CPU cost with
// the same traffic for Serambi's relay (internal/relay) and for coturn.
//
// Two modes:
//
//	turn-bench -serve -listen 127.0.0.1:3479 -secret S
//	    runs Serambi's relay as its own process, so its CPU time can be read
//	    from /proc like coturn's;
//	turn-bench -server 127.0.0.1:3479 -pid PID -secret S -name serambi
//	    drives a relay (either one) with pairs of pion TURN clients and
//	    prints one RESULT line.
//
// Each pair is two clients with their own allocation and a channel bound to
// each other's relayed address, as two browsers in a call. After setup, both
// sides send fixed-size ChannelData packets to the server, which relays them
// out of one allocation into the other and back to the far client as
// ChannelData: per packet the relay does two receives and two sends, as in
// a real call. Packets are counted where they arrive. bench/turn/run.sh runs
// both relays and prints the comparison.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/serambi/serambi/bench/proc"
	"github.com/serambi/serambi/internal/relay"
)

type options struct {
	serve    bool
	listen   string
	server   string
	pid      int
	secret   string
	name     string
	pairs    int
	size     int
	rate     int
	duration time.Duration
	warmup   time.Duration
	profile  string
	port     int // of -server, to tell the relay's listening sockets from its relay sockets
	core     int
}

func main() {
	var o options
	flag.BoolVar(&o.serve, "serve", false, "run Serambi's relay in this process until SIGTERM")
	flag.StringVar(&o.listen, "listen", "127.0.0.1:3479", "-serve: UDP listen address")
	flag.StringVar(&o.server, "server", "127.0.0.1:3479", "relay to drive")
	flag.IntVar(&o.pid, "pid", 0, "process ID of the relay, for its CPU time")
	flag.StringVar(&o.secret, "secret", "", "shared secret (TURN REST API), at least 32 bytes")
	flag.StringVar(&o.name, "name", "relay", "name printed in the RESULT line")
	flag.IntVar(&o.pairs, "pairs", 8, "client pairs (calls)")
	flag.IntVar(&o.size, "size", 200, "payload bytes per packet")
	flag.IntVar(&o.rate, "rate", 0, "packets/s offered in total over all senders; 0 = as fast as the senders go")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "measured time")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "traffic before measuring starts")
	flag.IntVar(&o.core, "relay-core", -1, "core the relay is pinned to, to report other use of it; -1 = don't")
	flag.StringVar(&o.profile, "cpuprofile", "", "-serve: write a CPU profile of the relay to this file")
	flag.Parse()

	var err error
	if o.serve {
		err = serve(o)
	} else {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "turn-bench:", err)
		os.Exit(1)
	}
}

// serve runs the relay exactly as Serambi embeds it, until SIGINT/SIGTERM.
func serve(o options) error {
	s, err := relay.Start(relay.Config{
		Addr:   o.listen,
		Secret: []byte(o.secret),
		Realm:  "serambi",
		Log:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	stopProfile, err := proc.Profile(o.profile)
	if err != nil {
		return err
	}
	defer stopProfile()
	fmt.Printf("READY %s pid=%d\n", s.Addr(), os.Getpid())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	return s.Close()
}
