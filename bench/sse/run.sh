#!/usr/bin/env bash
# 10,000 live ticket pages on one counter: a fresh demo server (SQLite, its
# own data directory in /tmp), N anonymous tickets at one counter, one
# Server-Sent Events stream per ticket, then ROUNDS × "call next"; for each
# round, the delay from sending call-next to each watcher's event with its
# new position, and the server's RSS per open stream.
# Results go to docs/benchmarks.md by hand ("Queue: 10,000 live watchers").
#
#   bash bench/sse/run.sh                    # N=10000 ROUNDS=10
#   N=2000 ROUNDS=3 bash bench/sse/run.sh
#   PROFILE=1 N=9900 bash bench/sse/run.sh   # server in-process, CPU and heap profiles
#
# Each side needs a file descriptor per stream: the soft limit is raised to
# the hard one (20,000 on our machines, so the in-process variant, which
# holds both ends, stops short of 10,000). Ephemeral ports suffice for
# 10,000 streams; IPS=4 spreads them over 127.0.0.1-4 if they do not.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}
ROUNDS=${ROUNDS:-10}
GAP=${GAP:-3s}
ROUND_TIMEOUT=${ROUND_TIMEOUT:-120s}
IPS=${IPS:-1}
COUNTER=${COUNTER:-KOKUHO}
ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d /tmp/serambi-sse-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
CGO_ENABLED=0 go build -o "$TMP/serambi" ./cmd/serambi
go build -o "$TMP/ssebench" ./bench/sse
echo "== $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(go version | cut -d' ' -f3), open files $(ulimit -n)"
args=(-n "$N" -rounds "$ROUNDS" -gap "$GAP" -round-timeout "$ROUND_TIMEOUT" -ips "$IPS" -counter "$COUNTER" -data "$TMP/data")
if [ -n "${PROFILE:-}" ]; then
  out=${PROFILE_DIR:-/tmp/serambi-sse-profiles}
  mkdir -p "$out"
  "$TMP/ssebench" -inproc -openprofile "$out/open.pprof" -cpuprofile "$out/rounds.pprof" -heapprofile "$out/heap.pprof" "${args[@]}"
  echo "== profiles in $out (go tool pprof -top $TMP/ssebench $out/rounds.pprof)"
  go tool pprof -top -nodecount 25 "$TMP/ssebench" "$out/rounds.pprof" 2>/dev/null | head -35
else
  "$TMP/ssebench" -bin "$TMP/serambi" "${args[@]}"
fi
