#!/bin/sh
# SIP load test: sipp UAC (uac_load.xml: INVITE with a BFCP offer, 200 whose answer is checked
# by regex, ACK, hold, BYE) against bench/sip/sip_load_server.
#
# usage: bench/sip/run_load.sh BUILD_DIR RATE CALLS [u1|t1] [HOLD_MS] [server options...]
#   e.g. bench/sip/run_load.sh build-sip 2000 40000 u1 1000
# Prints: calls ok/failed, achieved call set-ups per second, retransmissions, server CPU and RSS.
set -eu
build=${1:?build dir}; rate=${2:?rate}; calls=${3:?calls}; transport=${4:-u1}; hold=${5:-1000}
shift $(( $# < 5 ? $# : 5 ))
here=$(cd "$(dirname "$0")" && pwd)
server="$build/bench/sip/sip_load_server"
[ -x "$server" ] || { echo "build $server first (-DFLOORCTL_BUILD_BENCH=ON)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

"$server" --port "$port" "$@" > "$work/server.out" 2> "$work/server.err" &
pid=$!
i=0
until grep -q listening "$work/server.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$work/server.err"; kill $pid; exit 1; }
    sleep 0.1
done

start=$(date +%s.%N)
set +e
(cd "$work" && sipp -sf "$here/uac_load.xml" -s demo -r "$rate" -m "$calls" -d "$hold" \
    -t "$transport" -i 127.0.0.1 -nostdin -max_socket 60000 -timeout 300s -timeout_error \
    -trace_stat -stf "$work/stat.csv" -fd 1 "127.0.0.1:$port" > "$work/sipp.out" 2>&1)
sipp_rc=$?
set -e
end=$(date +%s.%N)

# /proc: utime+stime in clock ticks, VmHWM (peak RSS) and VmRSS (now) of the server.
ticks=$(getconf CLK_TCK)
cpu=$(awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat")
hwm=$(awk '/VmHWM/ { print $2 / 1024 " MB" }' "/proc/$pid/status")
rss=$(awk '/VmRSS/ { print $2 / 1024 " MB" }' "/proc/$pid/status")
kill -TERM $pid
wait $pid || true

# Last line of sipp's statistics CSV, columns picked by name.
stats=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { last = $0 } END { split(last, v, ";");
      printf "ok=%s failed=%s retrans=%s elapsed=%s", v[col["SuccessfulCall(C)"]],
             v[col["FailedCall(C)"]], v[col["Retransmissions(C)"]], v[col["ElapsedTime(C)"]] }' \
    "$work/stat.csv")
ok=$(echo "$stats" | sed 's/.*ok=\([0-9]*\).*/\1/')
wall=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')
# Set-up rate: successful calls over the sending period (wall time minus the final hold).
cps=$(echo "$ok $wall $hold" | awk '{ d = $2 - $3 / 1000; if (d <= 0) d = $2; printf "%.0f", $1 / d }')

echo "transport=$transport rate=$rate calls=$calls hold=${hold}ms sipp_exit=$sipp_rc"
echo "sipp: $stats"
echo "achieved: ${cps} call set-ups/s over ${wall}s wall"
echo "server: cpu=${cpu}s peak_rss=${hwm} rss_at_end=${rss}"
echo "server: $(tail -1 "$work/server.out")"
if [ -s "$work/server.err" ]; then
    echo "server stderr: $(wc -l < "$work/server.err") lines, last:"; tail -3 "$work/server.err"
fi
if [ "$sipp_rc" -ne 0 ]; then
    echo "sipp errors (last lines):"; grep -v '^ *$' "$work/sipp.out" | tail -5
fi
exit 0
