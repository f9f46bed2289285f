package main

import (
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serambi/serambi/bench/proc"
)

// run sets up the pairs, sends for warmup+duration and prints the result.
func run(o options) error {
	if o.pid == 0 {
		return fmt.Errorf("-pid of the relay is required")
	}
	server, err := serverAddrPort(o.server)
	if err != nil {
		return err
	}
	o.port = int(server.Port())
	eps, err := setup(o)
	defer func() {
		for _, e := range eps {
			e.close()
		}
	}()
	if err != nil {
		return err
	}
	for _, e := range eps {
		e.tap.counting.Store(true)
	}
	senders := startSenders(eps, server, o)
	time.Sleep(o.warmup)
	before, err := snapshot(o, eps, senders)
	if err != nil {
		return err
	}
	time.Sleep(o.duration)
	after, err := snapshot(o, eps, senders)
	senders.stop()
	if err != nil {
		return err
	}
	report(o, before, after)
	return nil
}

func setup(o options) ([]*endpoint, error) {
	eps := make([]*endpoint, 0, 2*o.pairs)
	for i := range o.pairs {
		a, err := dial(o.server, o.secret, fmt.Sprintf("p%da", i))
		if err != nil {
			return eps, err
		}
		eps = append(eps, a)
		b, err := dial(o.server, o.secret, fmt.Sprintf("p%db", i))
		if err != nil {
			return eps, err
		}
		eps = append(eps, b)
		if err := connect(a, b); err != nil {
			return eps, fmt.Errorf("pair %d: %w", i, err)
		}
	}
	return eps, nil
}

// senders is one goroutine per endpoint writing its ChannelData frames
// straight to the server.
type senders struct {
	sent []atomic.Uint64
	done atomic.Bool
	wg   sync.WaitGroup
}

func startSenders(eps []*endpoint, server netip.AddrPort, o options) *senders {
	s := &senders{sent: make([]atomic.Uint64, len(eps))}
	perSender := float64(o.rate) / float64(len(eps))
	for i, e := range eps {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.send(e, i, server, o.size, perSender)
		}()
	}
	return s
}

// send writes frames until stopped; with a rate, in 1 ms steps of as many
// frames as are due, so the offered load is steady without a timer per packet.
func (s *senders) send(e *endpoint, i int, server netip.AddrPort, size int, rate float64) {
	frame := e.frame(size)
	start := time.Now()
	var n uint64
	for !s.done.Load() {
		due := uint64(time.Since(start).Seconds() * rate)
		if rate == 0 {
			due = n + 16
		}
		for ; n < due; n++ {
			if _, err := e.tap.WriteToUDPAddrPort(frame, server); err != nil {
				continue
			}
			s.sent[i].Add(1)
		}
		if rate == 0 {
			runtime.Gosched() // let the receivers run on a single core
		} else {
			time.Sleep(time.Millisecond)
		}
	}
}

func (s *senders) stop() {
	s.done.Store(true)
	s.wg.Wait()
}

type sample struct {
	at                       time.Time
	sent, received           uint64
	relayCPU                 float64 // seconds
	selfCPU                  float64
	inputDrops, relayedDrops uint64
	coreBusy                 float64
}

func snapshot(o options, eps []*endpoint, s *senders) (sample, error) {
	var sm sample
	var err error
	if sm.relayCPU, err = proc.CPUSeconds(o.pid); err != nil {
		return sm, err
	}
	if sm.inputDrops, sm.relayedDrops, err = socketDrops(o.pid, o.port); err != nil {
		return sm, err
	}
	if o.core >= 0 {
		if sm.coreBusy, err = coreBusySeconds(o.core); err != nil {
			return sm, err
		}
	}
	if sm.selfCPU, err = proc.CPUSeconds(os.Getpid()); err != nil {
		return sm, err
	}
	sm.at = time.Now()
	for i, e := range eps {
		sm.received += e.tap.received.Load()
		sm.sent += s.sent[i].Load()
	}
	return sm, nil
}

func report(o options, a, b sample) {
	secs := b.at.Sub(a.at).Seconds()
	recv := float64(b.received - a.received)
	sent := float64(b.sent - a.sent)
	cpu := b.relayCPU - a.relayCPU
	loss := 0.0
	if sent > 0 {
		loss = 100 * (1 - recv/sent)
	}
	fmt.Printf("RESULT name=%s pairs=%d size=%d rate=%d secs=%.1f sent_pps=%.0f delivered_pps=%.0f"+
		" relay_cpu_s=%.2f relay_cpu_pct=%.0f pkts_per_cpu_s=%.0f loss_pct=%.2f"+
		" input_drops_pps=%.0f relayed_drops_pps=%.0f client_cpu_pct=%.0f relay_core_other_pct=%.0f\n",
		o.name, o.pairs, o.size, o.rate, secs, sent/secs, recv/secs,
		cpu, 100*cpu/secs, recv/cpu, loss,
		float64(b.inputDrops-a.inputDrops)/secs, float64(b.relayedDrops-a.relayedDrops)/secs,
		100*(b.selfCPU-a.selfCPU)/secs, 100*max(0, (b.coreBusy-a.coreBusy)-cpu)/secs)
}
