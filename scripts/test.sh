#!/usr/bin/env bash
# Installs what is missing, builds every variant and runs every test:
#   1. formatting (clang-format, .clang-format at the root)
#   2. ASan+UBSan build: the whole test suite
#   3. TSan build: the tests that run several threads (ws, e2e, app, sip)
#   4. libFuzzer build (clang): each fuzz target for a bounded time on its seed corpus
#   5. the normal build with warnings as errors, benchmarks compiled: the whole test suite
# Stops at the first failure. The last line is ctest's summary of step 5.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="${FLOORCTL_TEST_BUILD_ROOT:-$root/build-test}"
jobs="${FLOORCTL_JOBS:-$(nproc)}"
fuzz_seconds="${FLOORCTL_FUZZ_SECONDS:-20}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Sanitizer reports fail the run instead of scrolling past.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

step() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

"$root/scripts/install-deps.sh"

step "format check"
cd "$root"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h' | grep -v '^tests/data/')
clang-format --dry-run --Werror "${sources[@]}"
echo "format: ${#sources[@]} files clean"

configure() {  # configure <dir> <extra cmake args...>
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja -DFLOORCTL_WERROR=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
}
mkdir -p "$out"

step "ASan+UBSan build and tests"
configure "$out/asan" -DCMAKE_BUILD_TYPE=Debug -DFLOORCTL_SANITIZE=address,undefined
cmake --build "$out/asan" -j"$jobs"
ctest --test-dir "$out/asan" -j"$jobs" --output-on-failure --timeout 300 -LE bench

step "TSan build and multi-threaded tests"
configure "$out/tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOORCTL_SANITIZE=thread
tsan_targets=$(cmake --build "$out/tsan" --target help | sed -n 's/^\(floorctl_tests_\(ws\|e2e\|app\|sip\)\):.*/\1/p')
if [[ -n "$tsan_targets" ]]; then
  cmake --build "$out/tsan" -j"$jobs" --target floorctl $tsan_targets
  ctest --test-dir "$out/tsan" -j"$jobs" --output-on-failure --timeout 300 -L '^(ws|e2e|app|sip)$'
fi

step "libFuzzer targets (${fuzz_seconds}s each)"
CXX=clang++-14 configure "$out/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOORCTL_BUILD_FUZZERS=ON \
  -DFLOORCTL_FUZZ_SECONDS="$fuzz_seconds" -DCMAKE_CXX_COMPILER=clang++-14
fuzz_targets=$(cmake --build "$out/fuzz" --target help | sed -n 's/^\([a-z_]*_fuzz\):.*/\1/p')
cmake --build "$out/fuzz" -j"$jobs" --target $fuzz_targets
ctest --test-dir "$out/fuzz" -j"$jobs" --output-on-failure -L fuzz

step "release build (warnings as errors, benchmarks compiled) and tests"
configure "$out/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOORCTL_BUILD_BENCH=ON
cmake --build "$out/release" -j"$jobs"
ctest --test-dir "$out/release" -j"$jobs" --output-on-failure --timeout 300
