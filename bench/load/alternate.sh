#!/usr/bin/env bash
# Alternates the bare Beast echo and floorctl (BFCP mode) over WSS, REPS times per connection
# count, in one session (docs/performance.md). Wall-clock rates on a shared machine drift by
# ±30 % from one run to the next, so one pair says little; the median of many alternations, and
# the server's own CPU time per round trip, say more. Per run it prints the round trips per
# second and the server's user and system CPU microseconds per round trip (utime/stime from
# /proc/<pid>/stat over the measured window); per pair, floorctl's rate over the echo's.
#
#   BUILD=build REPS=10 COUNTS="100 1000" [ECHO_ARGS=--strand] bench/load/alternate.sh
#
# ECHO_ARGS is passed to floorctl_echo_server (--strand: a strand per connection even with
# one thread, as Beast's examples do). Needs a build with -DFLOORCTL_BUILD_BENCH=ON.
set -euo pipefail
BUILD=${BUILD:-build}
REPS=${REPS:-10}
COUNTS=${COUNTS:-"100 1000"}
DURATION=${DURATION:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
GEN="$BUILD/bench/load/floorctl_loadgen"
ulimit -n "$(ulimit -Hn)"

log=$(mktemp)
# shellcheck disable=SC2086  # ECHO_ARGS is a list of options
"$BUILD/bench/load/floorctl_echo_server" --threads 1 ${ECHO_ARGS:-} >"$log" 2>&1 &
ECHO_PID=$!
"$BUILD/app/floorctl" --config "$HERE/floorctl-bench.toml" >/dev/null 2>&1 &
FC_PID=$!
trap 'kill $ECHO_PID $FC_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^PORT ' "$log" && break; sleep 0.05; done
ECHO_PORT=$(awk '/^PORT /{print $2}' "$log")
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18443/healthz && break; sleep 0.05; done
max=0
for n in $COUNTS; do [ "$n" -gt "$max" ] && max=$n; done
tokens=$(mktemp)
"$GEN" --url ws://127.0.0.1:18443/bfcp --connections "$max" --dump-tokens "$tokens" \
    --provision http://127.0.0.1:18443/api/conferences --conference-per-connection >/dev/null

# run <pid> <label> <loadgen options...>: prints "rate user_us sys_us"
run() {
    local pid=$1 label=$2
    shift 2
    local out; out=$(mktemp)
    "$GEN" --label "$label" "$@" --duration "$DURATION" --warmup 1 >"$out" &
    local gen=$!
    sleep 1.2 # past the warm-up
    local a b t0 t1
    a=$(awk '{print $14, $15}' "/proc/$pid/stat"); t0=$(date +%s.%N)
    sleep "$(python3 -c "print($DURATION - 0.5)")"
    b=$(awk '{print $14, $15}' "/proc/$pid/stat"); t1=$(date +%s.%N)
    wait "$gen"
    python3 - "$out" "$a" "$b" "$t0" "$t1" "$(getconf CLK_TCK)" <<'PY'
import json, sys
res = json.loads(open(sys.argv[1]).read().splitlines()[-1])
rate = res["round_trips_per_second"]
(u0, s0), (u1, s1) = map(int, sys.argv[2].split()), map(int, sys.argv[3].split())
trips = rate * (float(sys.argv[5]) - float(sys.argv[4]))
hz = int(sys.argv[6])
print(f"{rate:.0f} {(u1 - u0) / hz / trips * 1e6:.2f} {(s1 - s0) / hz / trips * 1e6:.2f}")
PY
    rm -f "$out"
}

for n in $COUNTS; do
    for rep in $(seq "$REPS"); do
        read -r er eu es < <(run "$ECHO_PID" echo --url "wss://127.0.0.1:$ECHO_PORT/bfcp" --connections "$n")
        read -r fr fu fs < <(run "$FC_PID" floorctl --mode bfcp --url wss://127.0.0.1:18443/bfcp \
            --tokens "$tokens" --connections "$n")
        python3 -c "print(f'n=$n rep=$rep echo={$er} ({$eu}+{$es} us) floorctl={$fr} ({$fu}+{$fs} us) ratio={$fr/$er:.3f} load=$(cut -d' ' -f1 /proc/loadavg)')"
    done
done
