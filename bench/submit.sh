#!/usr/bin/env bash
# Load benchmark of application submissions (POST /api/v1/t/{tenant}/applications
# with submit true: validation, tracking number, timeline, audit entry, one
# transaction) and of the public status page, on SQLite and PostgreSQL.
# Needs wrk and, for PostgreSQL, a server at $PGURL (default below).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-15s}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
CGO_ENABLED=0 go build -o "$TMP/serambi" ./cmd/serambi
go build -o "$TMP/bare" ./bench/barehandler
"$TMP/bare" & sleep 0.5

wait_ready() { for _ in $(seq 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not ready: $1"; exit 1; }

run() { # $1 label, $2 database URL
	local addr=127.0.0.1:18093 base=http://127.0.0.1:18093 data="$TMP/data-$1"
	"$TMP/serambi" serve --demo --data "$data" --database "$2" --addr $addr >/dev/null 2>"$TMP/$1.log" &
	local pid=$!; wait_ready $base/readyz; kill $pid; wait $pid 2>/dev/null || true
	"$TMP/serambi" service import --tenant fukuoka --file bench/data/bench-service.json --publish --data "$data" --database "$2" >/dev/null
	"$TMP/serambi" serve --demo --data "$data" --database "$2" --addr $addr >/dev/null 2>>"$TMP/$1.log" &
	wait_ready $base/readyz
	# A resident with a phone, so the public status page can be opened.
	curl -s -o /dev/null -c "$TMP/c" --data-urlencode "name=Bench" -d "email=bench-$1@example.jp&phone=09012345678&password=bench+password+long&lang=ja" $base/fukuoka/register
	TOKEN=$(curl -s -H 'Content-Type: application/json' -d "{\"email\":\"bench-$1@example.jp\",\"password\":\"bench password long\"}" $base/api/v1/auth/token | sed 's/.*"token":"\([^"]*\)".*/\1/')
	export TOKEN
	local number; number=$(curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
		-d '{"service":"BENCH","submit":true,"answers":{"name":"A","copies":1,"date":"2026-11-01"}}' $base/api/v1/t/fukuoka/applications | sed 's/.*"tracking_number":"\([^"]*\)".*/\1/')
	echo "== $1: submissions (wrk -t2 -c100 -d$DUR)"
	wrk -t2 -c100 -d"$DUR" --latency -s bench/submit.lua $base/api/v1/t/fukuoka/applications | grep -E 'Requests/sec|50%|99%|Non-2xx'
	echo "== $1: public status page /track (gzip)"
	wrk -t2 -c100 -d"$DUR" --latency -H 'Accept-Encoding: gzip' "$base/track?number=$number&check=5678" | grep -E 'Requests/sec|50%|99%|Non-2xx'
	echo "== $1: bare handler, same run"
	wrk -t2 -c100 -d"$DUR" --latency http://127.0.0.1:18090/ | grep -E 'Requests/sec|99%'
	kill %2 2>/dev/null || true
	kill $(jobs -p | tail -1) 2>/dev/null || true; sleep 1
}
run sqlite "sqlite:$TMP/data-sqlite/serambi.db"
psql "$PGURL/postgres" -qc 'DROP DATABASE IF EXISTS serambi_bench' -c 'CREATE DATABASE serambi_bench' >/dev/null
run postgres "$PGURL/serambi_bench?sslmode=disable"
