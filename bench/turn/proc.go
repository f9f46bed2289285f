package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/serambi/serambi/bench/proc"
)

// socketDrops adds up the receive drops of the UDP sockets a process has
// open, split into its listening port (input: the relay was full) and the
// rest (its relay sockets: packets it had already received and forwarded
// once, so wasted work).
func socketDrops(pid, listenPort int) (input, relayed uint64, err error) {
	inodes, err := socketInodes(pid)
	if err != nil {
		return 0, 0, err
	}
	for _, file := range []string{"/proc/net/udp", "/proc/net/udp6"} {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 13 || !inodes[f[9]] {
				continue
			}
			drops, _ := strconv.ParseUint(f[12], 10, 64)
			if localPort(f[1]) == listenPort {
				input += drops
			} else {
				relayed += drops
			}
		}
	}
	return input, relayed, nil
}

func socketInodes(pid int) (map[string]bool, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	inodes := make(map[string]bool)
	for _, e := range entries {
		link, err := os.Readlink(dir + "/" + e.Name())
		if err == nil && strings.HasPrefix(link, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	return inodes, nil
}

// localPort reads the port of a /proc/net/udp address ("0100007F:0D97").
func localPort(addr string) int {
	_, hexPort, _ := strings.Cut(addr, ":")
	p, _ := strconv.ParseUint(hexPort, 16, 16)
	return int(p)
}

// coreBusySeconds is the time core n was not idle, whoever used it
// (steal included: time the hypervisor gave the core to someone else).
// Compared with the relay's own CPU time it shows whether anything else
// ran on the relay's core during a measurement.
func coreBusySeconds(n int) (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	prefix := "cpu" + strconv.Itoa(n) + " "
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		var busy uint64
		for i, f := range strings.Fields(line)[1:] {
			v, _ := strconv.ParseUint(f, 10, 64)
			if i != 3 && i != 4 { // idle, iowait
				busy += v
			}
		}
		return float64(busy) / proc.ClockTicks, nil
	}
	return 0, fmt.Errorf("no %q in /proc/stat", prefix)
}
