#!/usr/bin/env bash
# Alternates a bare echo and floorctl, REPS times per connection count, in one session
# (docs/performance.md). Wall-clock rates on a shared machine drift by ±30 % from one run to the
# next, so one pair says little; the median of many alternations, and the server's own CPU time
# per round trip, say more. Per run it prints the round trips per second and the server's user
# and system CPU microseconds per round trip (utime/stime from /proc/<pid>/stat over the
# measured window, read by the load generator); per pair, floorctl's rate over the echo's.
#
#   BUILD=build REPS=10 COUNTS="100 1000" [ECHO_ARGS=--strand] bench/load/alternate.sh
#   BUILD=build REPS=10 COUNTS="100 1000" TRANSPORT=udp [UDP_MODE=hello|bfcp] bench/load/alternate.sh
#   BUILD=build REPS=10 COUNTS="10 100" TRANSPORT=sip [SIP_SCHEME=wss|ws] bench/load/alternate.sh
#
# TRANSPORT=wss (default): the Beast WSS echo against BFCP over WSS (FloorRequest/FloorRelease,
# one conference per connection, participants provisioned once through the API). ECHO_ARGS is
# passed to floorctl_echo_server (--strand: a strand per connection even with one thread, as
# Beast's examples do).
# TRANSPORT=udp: the bare UDP echo (floorctl_echo_server --udp, 12-octet Hello datagrams) against
# BFCP over UDP; every floorctl run negotiates its peers over SIP first (one INVITE each, a
# conference per peer) and ends them with BYE. UDP_MODE=hello: Hello -> HelloAck round trips;
# bfcp: FloorRequest/FloorRelease. Needs a build with -DFLOORCTL_BUILD_BENCH=ON.
# TRANSPORT=sip (issue 14): no echo; one floorctl, SIP over TCP (to the SIP listener) against SIP
# over WSS (sub-protocol `sip` on the WebSocket port), both `--mode sip` (full calls: INVITE with a
# TCP/WSS/BFCP offer, 200, ACK, BYE, 200; one conference per connection, created on its first
# INVITE). Rates are call set-ups per second; the ratio is WSS over TCP.
set -euo pipefail
BUILD=${BUILD:-build}
REPS=${REPS:-10}
COUNTS=${COUNTS:-"100 1000"}
DURATION=${DURATION:-3}
TRANSPORT=${TRANSPORT:-wss}
UDP_MODE=${UDP_MODE:-hello}
HERE=$(cd "$(dirname "$0")" && pwd)
GEN="$BUILD/bench/load/floorctl_loadgen"
ulimit -n "$(ulimit -Hn)"
A=echo B=floorctl # the two columns of the output
# PORT_OFFSET moves floorctl's ports (18443 WebSocket, 18460 SIP, 18462 UDP/BFCP) when another
# benchmark on the machine holds them.
OFF=${PORT_OFFSET:-0}
WS_PORT=$((18443 + OFF)) SIP_PORT=$((18460 + OFF)) UDP_PORT=$((18462 + OFF))
config=$(mktemp --suffix=.toml)
sed -e "s/18443/$WS_PORT/; s/18460/$SIP_PORT/; s/18462/$UDP_PORT/" "$HERE/floorctl-bench.toml" >"$config"

log=$(mktemp)
ECHO_PID=
if [ "$TRANSPORT" = udp ]; then
    "$BUILD/bench/load/floorctl_echo_server" --udp >"$log" 2>&1 &
    ECHO_PID=$!
elif [ "$TRANSPORT" != sip ]; then
    # shellcheck disable=SC2086  # ECHO_ARGS is a list of options
    "$BUILD/bench/load/floorctl_echo_server" --threads 1 ${ECHO_ARGS:-} >"$log" 2>&1 &
    ECHO_PID=$!
fi
"$BUILD/app/floorctl" --config "$config" >/dev/null 2>&1 &
FC_PID=$!
trap 'kill $ECHO_PID $FC_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -z "$ECHO_PID" ] || grep -q '^PORT ' "$log" && break; sleep 0.05; done
ECHO_PORT=$(awk '/^PORT /{print $2}' "$log")
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$WS_PORT/healthz && break; sleep 0.05; done
kill -0 "$FC_PID" 2>/dev/null || { echo "floorctl did not start (ports taken? PORT_OFFSET)" >&2; exit 1; }
if [ "$TRANSPORT" = sip ]; then
    # The TCP baseline takes the echo's place; both runs are against floorctl.
    ECHO_PID=$FC_PID A=tcp B=${SIP_SCHEME:-wss}
    echo_target=(--mode sip --url tcp://127.0.0.1:$SIP_PORT --sip-user sip-load-)
    floorctl_target=(--mode sip --url "${SIP_SCHEME:-wss}://127.0.0.1:$WS_PORT/bfcp" --sip-user sip-load-)
elif [ "$TRANSPORT" = udp ]; then
    echo_target=(--url "udp://127.0.0.1:$ECHO_PORT")
    floorctl_target=(--mode "$UDP_MODE" --url udp://127.0.0.1:$UDP_PORT --sip 127.0.0.1:$SIP_PORT)
else
    max=0
    for n in $COUNTS; do [ "$n" -gt "$max" ] && max=$n; done
    tokens=$(mktemp)
    "$GEN" --url ws://127.0.0.1:$WS_PORT/bfcp --connections "$max" --dump-tokens "$tokens" \
        --provision http://127.0.0.1:$WS_PORT/api/conferences --conference-per-connection >/dev/null
    echo_target=(--url "wss://127.0.0.1:$ECHO_PORT/bfcp")
    floorctl_target=(--mode bfcp --url wss://127.0.0.1:$WS_PORT/bfcp --tokens "$tokens")
fi

# run <pid> <label> <loadgen options...>: prints "rate user_us sys_us"
run() {
    local pid=$1 label=$2
    shift 2
    "$GEN" --label "$label" "$@" --duration "$DURATION" --warmup 1 --server-pid "$pid" |
        tail -n 1 | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
if r["connected"] != r["connections"] or r.get("errors"):
    print(r["label"], r, file=sys.stderr)
print("%.0f %.2f %.2f" % (r["round_trips_per_second"], r["server_user_us_per_round_trip"],
                          r["server_system_us_per_round_trip"]))'
}

for n in $COUNTS; do
    for rep in $(seq "$REPS"); do
        read -r er eu es < <(run "$ECHO_PID" "$A" "${echo_target[@]}" --connections "$n")
        read -r fr fu fs < <(run "$FC_PID" "$B" "${floorctl_target[@]}" --connections "$n")
        python3 -c "print(f'n=$n rep=$rep $A={$er} ({$eu}+{$es} us) $B={$fr} ({$fu}+{$fs} us) ratio={$fr/$er:.3f} load=$(cut -d' ' -f1 /proc/loadavg)')"
    done
done
