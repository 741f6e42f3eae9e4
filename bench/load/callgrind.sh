#!/usr/bin/env bash
# Instructions per round trip in the server (user space, exact and repeatable; docs/performance.md).
# Runs one server under callgrind with collection limited to io_context work
# (scheduler::do_run_one), drives it with floorctl_loadgen over plain WS (or UDP) for a fixed
# time, and divides the instructions by the number of sendmsg/sendto calls (one per round trip: each
# request gets exactly one reply and every reply is one write or one datagram).
#
#   BUILD=build bench/load/callgrind.sh echo|wsecho|floorctl|udpecho|udpfloorctl|siptcp|sipwss \
#       [connections [server options...]]
#
# e.g. `callgrind.sh echo 20 --strand` measures the echo with a strand per connection.
# echo = floorctl_echo_server (bare Beast), wsecho = floorctl_ws_echo_server (ws::listener with an
# echoing handler), floorctl = the server with bench/load/floorctl-bench.toml in --mode bfcp.
# udpecho = floorctl_echo_server --udp; udpfloorctl = floorctl over UDP/BFCP, peers negotiated
# over SIP, --mode $UDP_MODE (hello by default: Hello -> HelloAck; bfcp: FloorRequest/Release,
# whose grants are followed by no other datagram, as each peer has a conference of its own).
# siptcp / sipwss (issue 14): floorctl driven by `floorctl_loadgen --mode sip` (full calls) over TCP
# or over WSS (sub-protocol `sip`). The SIP stack runs on its own thread, outside the io_context,
# so here the whole process is counted, from after a warm-up run (conferences created) to the end
# of the measured run, less the TLS handshakes of the measured run's connections; divided by the
# calls made. Prints the instructions per call, and the SIP thread's share and the rest's (the io
# thread: the edge, TLS, the rewriting).
set -euo pipefail
BUILD=${BUILD:-build}
WHICH=${1:?echo|wsecho|floorctl|udpecho|udpfloorctl|siptcp|sipwss}
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
siptcp | sipwss)
    # PORT_OFFSET as in alternate.sh, for a machine where another benchmark holds the ports.
    OFF=${PORT_OFFSET:-0}
    config=$(mktemp --suffix=.toml)
    sed -e "s/18443/$((18443 + OFF))/; s/18460/$((18460 + OFF))/; s/18462/$((18462 + OFF))/" \
        "$HERE/floorctl-bench.toml" >"$config"
    valgrind --tool=callgrind --instr-atstart=no "--callgrind-out-file=$OUT" \
        "$BUILD/app/floorctl" --config "$config" >"$log" 2>&1 &
    PID=$!
    trap 'kill $PID 2>/dev/null || true' EXIT
    for _ in $(seq 300); do
        curl -s -o /dev/null "http://127.0.0.1:$((18443 + OFF))/healthz" && break
        sleep 0.1
    done
    kill -0 "$PID" # it did start: the ports were free
    URL=tcp://127.0.0.1:$((18460 + OFF))
    [ "$WHICH" = sipwss ] && URL=wss://127.0.0.1:$((18443 + OFF))/bfcp
    SIP=(--mode sip --url "$URL" --sip-user sip-load- --connections "$N")
    "$GEN" "${SIP[@]}" --duration 3 --warmup 1 >/dev/null
    callgrind_control -i on "$PID" >/dev/null
    run=$("$GEN" "${SIP[@]}" --duration "${SECONDS_MEASURED:-40}" --warmup 0)
    callgrind_control -i off "$PID" >/dev/null
    kill "$PID"; wait "$PID" 2>/dev/null || true
    callgrind_annotate --inclusive=yes "$OUT" >"$OUT.txt"
    python3 - "$OUT.txt" "$WHICH" "$run" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
def inclusive(pattern):
    m = re.search(r'^\s*([\d,]+) \([\d. %]+\)\s+\S*?' + pattern, text, re.M)
    return int(m.group(1).replace(',', '')) if m else 0
total = inclusive('PROGRAM TOTALS')
handshakes = inclusive(r'SSL_do_handshake ')
r = json.loads(sys.argv[3])
calls = r['round_trips'] + r['connections']  # the calls under way at the end finish too
sip = inclusive(r'su_base_port_run ')  # the SIP thread's loop; the rest is the io thread's
print(f"{sys.argv[2]}: {calls} calls, {(total - handshakes) / calls:.0f} instructions per call "
      f"(SIP thread {sip / calls:.0f}, other threads {(total - handshakes - sip) / calls:.0f}; "
      f"{handshakes} in TLS handshakes left out)")
PY
    exit 0
    ;;
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
