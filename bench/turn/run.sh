#!/usr/bin/env bash
# TURN relay benchmark: Serambi's relay (internal/relay, run as its own
# process by `turn-bench -serve`) against coturn, same traffic, on loopback.
#
#   bash bench/turn/run.sh
#
# Needs Linux, taskset and coturn (`apt-get install -y coturn`; not in CI).
# Each relay is pinned to one core (RELAY_CPU) and the load generator to
# another (CLIENT_CPU), so the relay's CPU time is one core's worth at
# most and "packets per CPU-second" is packets per second per core.
#
# Environment (defaults in brackets):
#   DUR [20s]  measured time per run     WARMUP [3s]
#   PAIRS [8]  client pairs (calls)      SIZE [200] payload bytes
#   RATES ["0 20000"]  offered packets/s in total; 0 = as fast as possible
#   RUNS [3]   runs per relay and rate; the table shows the median
#   RELAY_CPU [1]  CLIENT_CPU [0]
#   MAX_OTHER [5]  a run counts only if other processes (or the hypervisor)
#                  took at most this % of the relay's core; else it is
#                  redone, up to TRIES [6] times. So is a run at "max"
#                  where the relay was not saturated (the load generator
#                  fell behind). Each run first waits (up to 5 min) for the
#                  machine to be idle: on a shared machine, other work on
#                  the relay's core would distort the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

DUR=${DUR:-20s}
WARMUP=${WARMUP:-3s}
PAIRS=${PAIRS:-8}
SIZE=${SIZE:-200}
RATES=${RATES:-0 20000}
RUNS=${RUNS:-3}
RELAY_CPU=${RELAY_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
MAX_OTHER=${MAX_OTHER:-5}
TRIES=${TRIES:-6}
SERAMBI_PORT=3479
COTURN_PORT=3480

command -v turnserver >/dev/null || { echo "coturn missing: apt-get install -y coturn" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset missing (util-linux)" >&2; exit 1; }

work=$(mktemp -d)
relay_pid=
stop_relay() {
	if [[ -n $relay_pid ]]; then
		kill "$relay_pid" 2>/dev/null || true
		wait "$relay_pid" 2>/dev/null || true
		relay_pid=
	fi
}
trap 'stop_relay; rm -rf "$work"' EXIT

go build -o "$work/turn-bench" ./bench/turn
secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')

start_serambi() {
	taskset -c "$RELAY_CPU" "$work/turn-bench" -serve -listen "127.0.0.1:$SERAMBI_PORT" \
		-secret "$secret" >"$work/serambi.out" 2>"$work/serambi.err" &
	relay_pid=$!
	for _ in $(seq 50); do grep -q READY "$work/serambi.out" && return; sleep 0.1; done
	cat "$work/serambi.err" >&2
	return 1
}

start_coturn() {
	# Same auth as Serambi (TURN REST API secret), UDP only, loopback peers
	# allowed (the bench's peers are on 127.0.0.1), default relay threads.
	taskset -c "$RELAY_CPU" turnserver --use-auth-secret --static-auth-secret="$secret" \
		--realm=serambi --listening-ip=127.0.0.1 --listening-port="$COTURN_PORT" \
		--relay-ip=127.0.0.1 --min-port=50000 --max-port=50999 \
		--no-tls --no-dtls --no-tcp --no-tcp-relay --no-cli --no-auth-pings \
		--allow-loopback-peers --no-multicast-peers \
		--log-file="$work/coturn.log" --no-stdout-log --simple-log >/dev/null 2>&1 &
	relay_pid=$!
	sleep 1
}

# wait_idle waits until both cores were at least 90 % idle for 2 s.
wait_idle() {
	local a b
	for _ in $(seq 150); do
		a=($(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat))
		sleep 2
		b=($(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat))
		((10 * (b[0] - a[0]) <= (b[0] - a[0]) + (b[1] - a[1]))) && return
	done
	echo "machine still busy after 5 min; measuring anyway" >&2
}

# measure runs one relay at one rate, redoing a disturbed run.
measure() {
	local relay=$1 rate=$2 port=$SERAMBI_PORT line other busy
	[[ $relay == coturn ]] && port=$COTURN_PORT
	for _ in $(seq "$TRIES"); do
		wait_idle
		"start_$relay"
		line=$(taskset -c "$CLIENT_CPU" "$work/turn-bench" -server "127.0.0.1:$port" \
			-pid "$relay_pid" -relay-core "$RELAY_CPU" -secret "$secret" -name "$relay" \
			-pairs "$PAIRS" -size "$SIZE" -rate "$rate" -duration "$DUR" -warmup "$WARMUP")
		stop_relay
		echo "$line"
		other=$(sed -n 's/.*relay_core_other_pct=\([0-9]*\).*/\1/p' <<<"$line")
		busy=$(sed -n 's/.*relay_cpu_pct=\([0-9]*\).*/\1/p' <<<"$line")
		# At "max" the relay must have been saturated, or the load
		# generator (disturbed on its own core) did not keep up.
		if ((other <= MAX_OTHER)) && ((rate > 0 || busy >= 90)); then
			echo "$line" >>"$results"
			return
		fi
		echo "  (disturbed: ${other} % of the relay's core went to others, relay busy ${busy} %; again)"
	done
}

results=$work/results
touch "$results"
for rate in $RATES; do
	for run in $(seq "$RUNS"); do
		for relay in serambi coturn; do
			measure "$relay" "$rate"
		done
	done
done

turnserver --version 2>/dev/null | head -1 | sed 's/^/coturn /'
echo
# Median of each figure over the runs, per relay and rate; ratio Serambi/coturn.
awk '
function val(k,   i, kv) { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
function median(key,   n, i, j, t, a) {
	n = split(v[key], a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^RESULT/ {
	k = val("name") SUBSEP val("rate")
	split("delivered_pps relay_cpu_pct pkts_per_cpu_s loss_pct relayed_drops_pps", f, " ")
	for (i in f) v[k SUBSEP f[i]] = v[k SUBSEP f[i]] " " val(f[i])
	rates[val("rate")] = 1
}
END {
	printf "| relay | offered pkt/s | delivered pkt/s | relay CPU | packets per CPU-second | loss | dropped inside the relay |\n"
	printf "|---|---|---|---|---|---|---|\n"
	for (r in rates) for (i = 1; i <= 2; i++) {
		k = (i == 1 ? "serambi" : "coturn") SUBSEP r
		if (!((k SUBSEP "pkts_per_cpu_s") in v)) continue
		printf "| %s | %s | %d | %d %% | %d | %.2f %% | %d/s |\n", (i == 1 ? "serambi" : "coturn"), (r == 0 ? "max" : r),
			median(k SUBSEP "delivered_pps"), median(k SUBSEP "relay_cpu_pct"),
			median(k SUBSEP "pkts_per_cpu_s"), median(k SUBSEP "loss_pct"),
			median(k SUBSEP "relayed_drops_pps")
	}
	print ""
	for (r in rates) {
		s = median("serambi" SUBSEP r SUBSEP "pkts_per_cpu_s"); c = median("coturn" SUBSEP r SUBSEP "pkts_per_cpu_s")
		if (c > 0) printf "offered %s: Serambi/coturn packets per CPU-second = %.0f %% (target >= 80 %%: %s)\n",
			(r == 0 ? "max" : r), 100 * s / c, (s >= 0.8 * c ? "met" : "NOT met")
	}
}' "$results"
