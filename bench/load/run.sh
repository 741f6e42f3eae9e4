#!/usr/bin/env bash
# Load benchmark driver (docs/performance-ws.md). Runs, in one session and interleaved so the
# ratios compare like with like:
#   - floorctl_echo_server    (bare Beast, the baseline)
#   - floorctl_ws_echo_server (ws::listener + echoing handler: the adapter without the core)
#   - floorctl itself in BFCP mode, when FLOORCTL_URL and provisioning are given (see below)
# for WS and WSS at 1, 100 and 1,000 busy connections, then 10,000 idle WSS connections per
# server with its VmRSS before/after. One JSON line per measurement on stdout.
#
#   BUILD=build-ws-dev DURATION=5 bench/load/run.sh | tee results.jsonl
#
# BFCP against the real server (started by you, with per-address limits raised, e.g.
# max_connections_per_address = 0 and max_messages_per_second = 0 in its configuration):
#   FLOORCTL_URL=wss://127.0.0.1:8443/bfcp FLOORCTL_PID=<pid> \
#   FLOORCTL_PROVISION=http://127.0.0.1:8443/api/conferences/1/participants FLOORCTL_API_KEY=... \
#   bench/load/run.sh
# (or FLOORCTL_TOKENS=file with lines "token confid userid floorid" instead of provisioning).
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

for scheme in ws wss; do
    for n in $COUNTS; do
        "$GEN" --label beast-echo --url "$scheme://127.0.0.1:$ECHO_PORT/bfcp" --connections "$n" \
            --duration "$DURATION" --warmup "$WARMUP" --server-pid "$ECHO_PID"
        "$GEN" --label ws-echo --url "$scheme://127.0.0.1:$WSECHO_PORT/bfcp" --connections "$n" \
            --duration "$DURATION" --warmup "$WARMUP" --server-pid "$WSECHO_PID"
        if [ -n "${FLOORCTL_URL:-}" ]; then
            if [ -n "${FLOORCTL_TOKENS:-}" ]; then src=(--tokens "$FLOORCTL_TOKENS")
            else src=(--provision "$FLOORCTL_PROVISION" --api-key "$FLOORCTL_API_KEY"); fi
            url=${FLOORCTL_URL/#wss:/$scheme:}; url=${url/#ws:/$scheme:}
            "$GEN" --label floorctl-bfcp --mode bfcp --url "$url" --connections "$n" \
                --duration "$DURATION" --warmup "$WARMUP" ${FLOORCTL_PID:+--server-pid $FLOORCTL_PID} \
                "${src[@]}"
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
