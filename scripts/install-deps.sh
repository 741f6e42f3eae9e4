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

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
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
