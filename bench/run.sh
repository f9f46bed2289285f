#!/usr/bin/env bash
# Load benchmark of the tenant home page against a bare net/http handler on
# the same machine, plus start-up time, idle memory and page weight.
# Needs wrk (apt-get install -y wrk). Results go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-15s}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
CGO_ENABLED=0 go build -o "$TMP/serambi" ./cmd/serambi
go build -o "$TMP/bare" ./bench/barehandler

wait_ready() { for _ in $(seq 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not ready: $1"; exit 1; }

# First start creates the database and demo data; the second start is measured.
"$TMP/serambi" serve --demo --data "$TMP/data" --addr 127.0.0.1:18091 >/dev/null 2>"$TMP/log1" &
wait_ready http://127.0.0.1:18091/readyz; kill %1; wait %1 2>/dev/null || true
"$TMP/serambi" serve --demo --data "$TMP/data" --addr 127.0.0.1:18091 >/dev/null 2>"$TMP/log2" &
SPID=$!
wait_ready http://127.0.0.1:18091/readyz
echo "== start to ready on an existing database (ms, from the ready log line)"
grep -o '"ms":[0-9]*' "$TMP/log2" | head -1
sleep 2
echo "== idle memory (RSS, MB)"
awk '/VmRSS/ {printf "%.1f\n", $2/1024}' /proc/$SPID/status

echo "== page weight of /banyuwangi/ with gzip (bytes)"
total=0
for u in /banyuwangi/ $(curl -s http://127.0.0.1:18091/banyuwangi/ | grep -oE '(href|src)="/static/[^"]+"' | cut -d'"' -f2 | sort -u); do
  n=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:18091$u")
  echo "  $u $n"; total=$((total + n))
done
echo "  total $total"
echo "  script tags: $(curl -s http://127.0.0.1:18091/banyuwangi/ | grep -c '<script' || true)"

"$TMP/bare" &
wait_ready http://127.0.0.1:18090/
echo "== bare handler"
wrk -t2 -c100 -d"$DUR" --latency http://127.0.0.1:18090/ | grep -E 'Requests/sec|99%|50%'
echo "== tenant home page (gzip)"
wrk -t2 -c100 -d"$DUR" --latency -H 'Accept-Encoding: gzip' http://127.0.0.1:18091/banyuwangi/ | grep -E 'Requests/sec|99%|50%'
echo "== tenant home page (no gzip)"
wrk -t2 -c100 -d"$DUR" --latency http://127.0.0.1:18091/banyuwangi/ | grep -E 'Requests/sec|99%|50%'
