#!/usr/bin/env bash
# Installs what is missing, builds floorctl and runs the server.
# With no arguments it serves the embedded default: WSS on 127.0.0.1:8443 with a self-signed
# certificate made at start, one demo conference, SIP on 127.0.0.1:5060. Arguments are passed to
# the server (e.g. `scripts/run.sh --config conf/floorctl.example.conf`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build="${FLOORCTL_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOORCTL_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target floorctl -j"$(nproc)"
exec "$build/app/floorctl" "$@"
