#!/usr/bin/env bash
# Installs every Debian 12 package floorctl needs to build, test and benchmark. Idempotent:
# it asks apt only for packages that are missing. Runs as root, or through sudo when available.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache git
  libboost1.81-dev libboost-json1.81-dev   # Asio, Beast, System, static_string, container; JSON
  libssl-dev openssl                       # TLS for WSS and TCP/TLS/BFCP, self-signed certificates
  libsofia-sip-ua-dev                      # SIP user agent
  libtomlplusplus-dev                      # configuration files (TOML)
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libre-dev                                # independent BFCP codec for the differential test
  clang-14 libfuzzer-14-dev libclang-rt-14-dev   # libFuzzer targets
  clang-format sip-tester valgrind procps
)
# The browser library (web/): node and npm for its tests. A node already installed (e.g. a newer
# one from another source) is kept: asking apt for Debian's would downgrade or conflict with it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

# web/'s development dependencies (typescript), from web/package-lock.json.
web_deps() {
  local web; web="$(cd "$(dirname "$0")/.." && pwd)/web"
  if [[ ! -d "$web/node_modules/typescript" ]]; then
    echo "install-deps: npm ci in web/"
    (cd "$web" && npm ci --no-audit --no-fund)
  fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  web_deps
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
web_deps
