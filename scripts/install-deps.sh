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
  libre-dev                                # independent BFCP: the differential test, the interop client
  clang-14 libfuzzer-14-dev libclang-rt-14-dev   # libFuzzer targets
  clang-format sip-tester valgrind procps
  chromium fonts-dejavu-core               # the browser tests (tests/browser) drive Debian's Chromium
  coturn                                   # TURN over WebSocket tests: turnserver, turnutils_uclient, turnutils_peer
)
# The browser library (web/) and the browser tests: node and npm. A node already installed (e.g. a
# newer one from another source) is kept: asking apt for Debian's would downgrade or conflict with it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

# The npm development dependencies, each exactly as its package-lock.json pins them: web/'s
# (typescript), tests/browser's (playwright-core, which drives /usr/bin/chromium: no browser
# download; jssip, whose browser bundle a test page loads) and tests/sip/node's (sip.js, the SIP over WebSocket client). A copy of the lock file in node_modules marks what was installed, so a changed lock
# file is installed again and an unchanged one is skipped.
npm_deps() {
  local root dir stamp
  root="$(cd "$(dirname "$0")/.." && pwd)"
  for dir in "$root/web" "$root/tests/browser" "$root/tests/sip/node"; do
    stamp="$dir/node_modules/.installed-package-lock.json"
    if ! cmp -s "$dir/package-lock.json" "$stamp"; then
      echo "install-deps: npm ci in ${dir#"$root"/}/"
      (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
      cp "$dir/package-lock.json" "$stamp"
    fi
  done
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  npm_deps
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
npm_deps
