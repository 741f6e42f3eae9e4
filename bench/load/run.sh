#!/usr/bin/env bash
# Load benchmark driver (docs/performance.md). Runs, in one session and interleaved so the
# ratios compare like with like:
#   - floorctl_echo_server    (bare Beast, the baseline)
#   - floorctl_ws_echo_server (ws::listener + echoing handler: the adapter without the core)
#   - floorctl itself in BFCP mode, when FLOORCTL_BIN is given (see below)
# for WS and WSS at 1, 100 and 1,000 busy connections, then 10,000 idle WSS connections per
# server with its VmRSS before/after. One JSON line per measurement on stdout.
#
#   BUILD=build DURATION=5 [FLOORCTL_BIN=build/app/floorctl] bench/load/run.sh | tee results.jsonl
#
# BFCP against the real server: FLOORCTL_BIN=path/to/floorctl starts it with
# bench/load/floorctl-bench.toml (one io thread, limits off, WS+WSS on 127.0.0.1:18443) and
# provisions 1,000 participants (10,000 for the idle run) through its API once.
set -euo pipefail
BUILD=${BUILD:-build}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
COUNTS=${COUNTS:-"1 100 1000"}
IDLE=${IDLE:-10000}
THREADS=${THREADS:-1}
GEN="$BUILD/floorctl_loadgen"
[ -x "$GEN" ] || GEN="$BUILD/bench/load/floorctl_loadgen"
BIN_DIR=$(dirname "$GEN")

# 10,000 connections need more than the usual 1,024 descriptors (both processes inherit this).
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((IDLE + 100)) ] || { echo "ulimit -n $(ulimit -n) too low for $IDLE" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start() {  # start <binary> -> sets PORT and PID
    local out; out=$(mktemp)
    "$BIN_DIR/$1" --threads "$THREADS" >"$out" 2>&1 &
    PID=$!; pids+=("$PID")
    for _ in $(seq 100); do grep -q '^PORT ' "$out" && break; sleep 0.05; done
    PORT=$(awk '/^PORT /{print $2}' "$out"); rm -f "$out"
}

start floorctl_echo_server; ECHO_PORT=$PORT; ECHO_PID=$PID
start floorctl_ws_echo_server; WSECHO_PORT=$PORT; WSECHO_PID=$PID
HERE=$(cd "$(dirname "$0")" && pwd)
TOKENS=$(mktemp)
start_floorctl() {  # -> FC_PID, waits for the port
    "$FLOORCTL_BIN" --config "$HERE/floorctl-bench.toml" >/dev/null 2>&1 &
    FC_PID=$!; pids+=("$FC_PID")
    for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18443/healthz && break; sleep 0.05; done
}
if [ -n "${FLOORCTL_BIN:-}" ]; then
    start_floorctl
    # One conference (one floor, one participant) per connection: BFCP round trips, not the
    # FloorStatus fan-out of a thousand participants sharing one floor (measured separately).
    "$GEN" --url ws://127.0.0.1:18443/bfcp --connections 1000 --dump-tokens "$TOKENS" \
        --provision http://127.0.0.1:18443/api/conferences --conference-per-connection
fi

for scheme in ws wss; do
    for n in $COUNTS; do
        "$GEN" --label beast-echo --url "$scheme://127.0.0.1:$ECHO_PORT/bfcp" --connections "$n" \
            --duration "$DURATION" --warmup "$WARMUP" --server-pid "$ECHO_PID"
        "$GEN" --label ws-echo --url "$scheme://127.0.0.1:$WSECHO_PORT/bfcp" --connections "$n" \
            --duration "$DURATION" --warmup "$WARMUP" --server-pid "$WSECHO_PID"
        if [ -n "${FLOORCTL_BIN:-}" ]; then
            "$GEN" --label floorctl-bfcp --mode bfcp --url "$scheme://127.0.0.1:18443/bfcp" \
                --connections "$n" --duration "$DURATION" --warmup "$WARMUP" \
                --server-pid "$FC_PID" --tokens "$TOKENS"
        fi
    done
done
cleanup; pids=()

# Idle memory: a fresh server each, so the baseline is a server that never held connections.
for bin in floorctl_echo_server floorctl_ws_echo_server; do
    start "$bin"
    "$GEN" --label "$bin-idle" --url "wss://127.0.0.1:$PORT/bfcp" --connections "$IDLE" --idle \
        --duration 2 --server-pid "$PID" --connect-concurrency 200
    kill "$PID"; pids=()
done
if [ -n "${FLOORCTL_BIN:-}" ]; then
    start_floorctl
    "$GEN" --url ws://127.0.0.1:18443/bfcp --connections "$IDLE" --dump-tokens "$TOKENS" \
        --provision http://127.0.0.1:18443/api/conferences/1/participants
    "$GEN" --label floorctl-idle --url wss://127.0.0.1:18443/bfcp --connections "$IDLE" --idle \
        --duration 2 --server-pid "$FC_PID" --tokens "$TOKENS" --connect-concurrency 200
fi
rm -f "$TOKENS"
