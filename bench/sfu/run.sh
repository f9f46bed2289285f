#!/usr/bin/env bash
# Online class benchmark: one instructor's video (and voice) to N learners
# through Serambi's forwarding unit (internal/sfu), all pion peers on
# loopback. The room runs as its own process pinned to one core
# (ROOM_CPU), the instructor and learners in another pinned to the other
# (CLIENT_CPU), so the room's CPU time is read alone from /proc.
#
#   bash bench/sfu/run.sh
#
# Environment (defaults in brackets):
#   SIZES ["0 1 10 30"]  class sizes; 0 is the instructor alone (the cost
#                        of receiving, which learners do not add to)
#   DUR [20s]  measured time per run   WARMUP [5s]
#   KBPS [800] FPS [30]  the instructor's video
#   ROOM_CPU [1]  CLIENT_CPU [0]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

SIZES=${SIZES:-0 1 10 30}
DUR=${DUR:-20s}
WARMUP=${WARMUP:-5s}
KBPS=${KBPS:-800}
FPS=${FPS:-30}
ROOM_CPU=${ROOM_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
PORT=18095

TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
go build -o "$TMP/sfu-bench" ./bench/sfu
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for n in $SIZES; do
  taskset -c "$ROOM_CPU" "$TMP/sfu-bench" -serve -listen 127.0.0.1:$PORT 2>"$TMP/room.log" &
  ROOM=$!
  for _ in $(seq 50); do curl -fsS http://127.0.0.1:$PORT/learners >/dev/null 2>&1 && break; sleep 0.1; done
  taskset -c "$CLIENT_CPU" "$TMP/sfu-bench" -server http://127.0.0.1:$PORT -pid $ROOM -learners "$n" \
    -duration "$DUR" -warmup "$WARMUP" -kbps "$KBPS" -fps "$FPS"
  kill $ROOM; wait $ROOM 2>/dev/null || true
done
