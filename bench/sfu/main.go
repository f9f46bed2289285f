// Command sfu-bench measures an online class through Serambi's forwarding
// unit (internal/sfu): one instructor's video and voice to N learners,
// all real pion PeerConnections over loopback.
//
//	sfu-bench -serve -listen 127.0.0.1:18095
//	    runs a room as its own process (offers over HTTP, as the site's),
//	    so its CPU time can be read from /proc apart from the clients;
//	sfu-bench -server http://127.0.0.1:18095 -pid PID -learners 30
//	    connects the instructor and the learners, sends for warmup +
//	    duration and prints one RESULT line: the server's CPU, and the
//	    delay from the instructor's frame to each learner's (each frame's
//	    last packet carries the time it was sent).
//
// bench/sfu/run.sh runs the server and several class sizes.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

type options struct {
	serve    bool
	listen   string
	server   string
	pid      int
	learners int
	duration time.Duration
	warmup   time.Duration
	kbps     int
	fps      int
}

func main() {
	var o options
	flag.BoolVar(&o.serve, "serve", false, "run the room (server side)")
	flag.StringVar(&o.listen, "listen", "127.0.0.1:18095", "with -serve: HTTP address for offers")
	flag.StringVar(&o.server, "server", "http://127.0.0.1:18095", "the room's HTTP address")
	flag.IntVar(&o.pid, "pid", 0, "the room's process ID, to read its CPU time")
	flag.IntVar(&o.learners, "learners", 30, "learners in the class")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "measured time")
	flag.DurationVar(&o.warmup, "warmup", 5*time.Second, "time before measuring")
	flag.IntVar(&o.kbps, "kbps", 800, "the instructor's video bitrate")
	flag.IntVar(&o.fps, "fps", 30, "the instructor's video frames per second")
	flag.Parse()
	var err error
	if o.serve {
		err = serve(o.listen)
	} else {
		err = drive(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sfu-bench:", err)
		os.Exit(1)
	}
}
