#!/usr/bin/env bash
# Installs what is missing, builds every variant and runs every test:
#   1. formatting (clang-format, .clang-format at the root)
#   2. ASan+UBSan build (clang 14, also libFuzzer-instrumented): the whole test suite
#   3. the libFuzzer targets of that same build, each for a bounded time on its seed corpus
#   4. TSan build (clang 14): the tests that run several threads (ws, e2e, app, sip,
#      sip_e2e)
#   5. the normal build (g++) with warnings as errors, benchmarks compiled: the whole test suite
# Stops at the first failure. The last line is ctest's summary of step 5.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="${FLOORCTL_TEST_BUILD_ROOT:-$root/build-test}"
jobs="${FLOORCTL_JOBS:-$(nproc)}"
fuzz_seconds="${FLOORCTL_FUZZ_SECONDS:-20}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so a warm cache also hits from another clone directory.
export CCACHE_BASEDIR="$root"
# Depend mode: a cache miss costs one compile, not a preprocessor pass plus a compile (CI's cache
# is usually cold); hits still come from the direct-mode manifest.
export CCACHE_DEPEND=true
# Sanitizer reports fail the run instead of scrolling past.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

step() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

"$root/scripts/install-deps.sh"

step "format check"
cd "$root"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h' 'web/src/*.js' 'web/test/*.js' | grep -v '^tests/data/')
clang-format --dry-run --Werror "${sources[@]}"
echo "format: ${#sources[@]} files clean"

configure() {  # configure <dir> <extra cmake args...>
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja -DFLOORCTL_WERROR=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
}
mkdir -p "$out"

# One clang build serves the ASan+UBSan suite and the fuzzers: FLOORCTL_BUILD_FUZZERS instruments
# every object with fuzzer-no-link; the test binaries link without libFuzzer (the ASan runtime has
# no-op coverage callbacks). clang, because it compiles the Beast-heavy files much faster than g++
# (ws/src/listener.cpp with ASan: 86 s against 133 s of CPU); -O0, because -O1 costs clang over
# 1.5 times as much there and the suite's run time is small either way. Line tables: file:line.
step "ASan+UBSan build (clang, fuzzer-instrumented) and tests"
configure "$out/asan" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O0 -gline-tables-only" -DFLOORCTL_SANITIZE=address,undefined \
  -DFLOORCTL_BUILD_FUZZERS=ON -DFLOORCTL_FUZZ_SECONDS="$fuzz_seconds"
cmake --build "$out/asan" -j"$jobs"
ctest --test-dir "$out/asan" -j"$jobs" --output-on-failure --timeout 300 -LE '^(bench|fuzz)$'

step "libFuzzer targets (${fuzz_seconds}s each)"
ctest --test-dir "$out/asan" -j"$jobs" --output-on-failure -L '^fuzz$'

# clang -O0 for the same reasons.
step "TSan build (clang) and multi-threaded tests"
configure "$out/tsan" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -gline-tables-only -DNDEBUG" -DFLOORCTL_SANITIZE=thread
tsan_targets=$(cmake --build "$out/tsan" --target help | sed -n 's/^\(floorctl_tests_\(ws\|e2e\|app\|sip\|sip_e2e\)\):.*/\1/p')
if [[ -n "$tsan_targets" ]]; then
  cmake --build "$out/tsan" -j"$jobs" --target floorctl $tsan_targets
  ctest --test-dir "$out/tsan" -j"$jobs" --output-on-failure --timeout 300 -L '^(ws|e2e|app|sip|sip_e2e)$'
fi

# No -g: this build is for g++'s warnings at -O2 and the suite optimised; debug info only adds
# compile and link time (the sanitizer builds above carry the line tables).
step "release build (g++ -O2, warnings as errors, benchmarks compiled) and tests"
configure "$out/release" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DFLOORCTL_BUILD_BENCH=ON
cmake --build "$out/release" -j"$jobs"
ctest --test-dir "$out/release" -j"$jobs" --output-on-failure --timeout 300
