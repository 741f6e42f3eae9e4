#!/usr/bin/env bash
# Instructions per round trip in the server (user space, exact and repeatable; docs/performance.md).
# Runs one server under callgrind with collection limited to io_context work
# (scheduler::do_run_one), drives it with floorctl_loadgen over plain WS (or UDP) for a fixed
# time, and divides the instructions by the number of sendmsg/sendto calls (one per round trip: each
# request gets exactly one reply and every reply is one write or one datagram).
#
#   BUILD=build bench/load/callgrind.sh echo|wsecho|floorctl|udpecho|udpfloorctl \
#       [connections [server options...]]
#
# e.g. `callgrind.sh echo 20 --strand` measures the echo with a strand per connection.
# echo = floorctl_echo_server (bare Beast), wsecho = floorctl_ws_echo_server (ws::listener with an
# echoing handler), floorctl = the server with bench/load/floorctl-bench.toml in --mode bfcp.
# udpecho = floorctl_echo_server --udp; udpfloorctl = floorctl over UDP/BFCP, peers negotiated
# over SIP, --mode $UDP_MODE (hello by default: Hello -> HelloAck; bfcp: FloorRequest/Release,
# whose grants are followed by no other datagram, as each peer has a conference of its own).
set -euo pipefail
BUILD=${BUILD:-build}
WHICH=${1:?echo|wsecho|floorctl}
N=${2:-20}
shift $(($# < 2 ? $# : 2))
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")" && pwd)
GEN="$BUILD/bench/load/floorctl_loadgen"
OUT=$(mktemp -d)/callgrind.out
VG=(valgrind --tool=callgrind --collect-atstart=no
    "--toggle-collect=boost::asio::detail::scheduler::do_run_one*" "--callgrind-out-file=$OUT")
log=$(mktemp)
ARGS=()
URL=
case "$WHICH" in
udpecho)
    "${VG[@]}" "$BUILD/bench/load/floorctl_echo_server" --udp "${EXTRA[@]}" >"$log" 2>&1 &
    PID=$!
    for _ in $(seq 300); do grep -q '^PORT ' "$log" && break; sleep 0.1; done
    URL="udp://127.0.0.1:$(awk '/^PORT /{print $2}' "$log")"
    ;;
udpfloorctl)
    "${VG[@]}" "$BUILD/app/floorctl" --config "$HERE/floorctl-bench.toml" >"$log" 2>&1 &
    PID=$!
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:18443/healthz" && break; sleep 0.1; done
    URL=udp://127.0.0.1:18462
    ARGS=(--mode "${UDP_MODE:-hello}" --sip 127.0.0.1:18460)
    ;;
echo | wsecho)
    bin=floorctl_echo_server; [ "$WHICH" = wsecho ] && bin=floorctl_ws_echo_server
    "${VG[@]}" "$BUILD/bench/load/$bin" --threads 1 "${EXTRA[@]}" >"$log" 2>&1 &
    PID=$!
    for _ in $(seq 300); do grep -q '^PORT ' "$log" && break; sleep 0.1; done
    PORT=$(awk '/^PORT /{print $2}' "$log")
    ;;
floorctl)
    "${VG[@]}" "$BUILD/app/floorctl" --config "$HERE/floorctl-bench.toml" >"$log" 2>&1 &
    PID=$!
    PORT=18443
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
    tokens=$(mktemp)
    "$GEN" --url "ws://127.0.0.1:$PORT/bfcp" --connections "$N" --dump-tokens "$tokens" \
        --provision "http://127.0.0.1:$PORT/api/conferences" --conference-per-connection >/dev/null
    ARGS=(--mode bfcp --tokens "$tokens")
    ;;
*) echo "unknown server $WHICH" >&2; exit 2 ;;
esac
trap 'kill $PID 2>/dev/null || true' EXIT
"$GEN" --label "$WHICH" --url "${URL:-ws://127.0.0.1:$PORT/bfcp}" --connections "$N" --duration 8 \
    --warmup 3 "${ARGS[@]}" >/dev/null
kill "$PID"; wait "$PID" 2>/dev/null || true
python3 - "$OUT" "$WHICH" <<'PY'
import re, sys
total = sends = 0
names = {}
callee = None
for line in open(sys.argv[1]):
    m = re.match(r'summary: (\d+)', line)
    if m:
        total += int(m.group(1))
    m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line)
    if m:
        if m.group(3):
            names[m.group(2)] = m.group(3).strip()
        if m.group(1) == 'cfn':
            callee = names.get(m.group(2))
        continue
    m = re.match(r'calls=(\d+)', line)
    # one glibc symbol, two names; UDP replies go out with sendto
    if m and callee in ('sendmsg', '__libc_sendmsg', 'sendto', '__libc_sendto'):
        sends += int(m.group(1))
print(f"{sys.argv[2]} ({sys.argv[1]}): {total} instructions, {sends} round trips, "
      f"{total / max(sends, 1):.0f} instructions per round trip")
PY
