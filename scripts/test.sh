#!/usr/bin/env bash
# Installs what is missing, builds meshverify, and runs every test. Lab tests and the Debian
# package test run when root (network namespaces, dpkg -i) and are skipped with a printed
# reason otherwise.
#
#   scripts/test.sh            deps + build + all tests (the README's test command; CI runs it)
#   SANITIZE=0 scripts/test.sh skip the AddressSanitizer/UBSan pass
#   FUZZ=0 scripts/test.sh     skip the brief libFuzzer runs
#   PACKAGE=0 scripts/test.sh  skip building, installing and removing the Debian package
#   TSAN=0 scripts/test.sh     skip the ThreadSanitizer pass over the threaded modules
#   CCACHE=0 scripts/test.sh   compile without ccache (by default every build goes through it,
#                              keyed relative to the checkout, so a new clone reuses the cache)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-$(nproc)}

"$root/scripts/deps.sh"

# CMake reads the launcher from the environment for every build below, fuzz.sh's included.
if [ "${CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
fi

build=${BUILD_DIR:-$root/build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
# The README promises a first build without a compiler warning: hold it to that (ccache replays
# a cached compile's warnings, so a warm cache checks it too).
cmake --build "$build" -j "$jobs" 2>&1 | tee "$build/build.log"
if grep -n 'warning:' "$build/build.log"; then
  echo "test.sh: the build printed compiler warnings (above; full log: $build/build.log)"
  exit 1
fi

if [ "${SANITIZE:-1}" = 1 ]; then
  echo "== unit tests under AddressSanitizer + UBSan"
  # -g1 (line tables) is enough for sanitizer reports and compiles much faster than -g.
  cmake -S . -B "$build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
    -DMESHVERIFY_SANITIZE=ON -DMESHVERIFY_BENCH=OFF >/dev/null
  cmake --build "$build-asan" -j "$jobs"
  log=$build-asan/ctest-unit.log
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$build-asan" -L unit -j "$jobs" --output-on-failure --timeout 300 >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "test.sh: unit tests failed under AddressSanitizer/UBSan (full log: $log)"
    exit 1
  fi
  tail -n 3 "$log"
fi

if [ "${TSAN:-1}" = 1 ]; then
  echo "== the threaded modules' unit tests under ThreadSanitizer"
  # probe (exec and direct probers, their reader threads and lanes), transport (the runner's
  # pipes and process groups), check (the look loop and progress thread), load (lanes, pacer).
  tsan_modules=(probe transport check load)
  cmake -S . -B "$build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DMESHVERIFY_TSAN=ON -DMESHVERIFY_BENCH=OFF >/dev/null
  cmake --build "$build-tsan" -j "$jobs" --target "${tsan_modules[@]/%/_tests}"
  # Only those executables are built: the other modules' tests show as *_NOT_BUILT.
  log=$build-tsan/ctest-tsan.log
  if ! TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir "$build-tsan" -L unit \
      -j "$jobs" --output-on-failure --timeout 300 -E '_NOT_BUILT$' >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "test.sh: unit tests failed under ThreadSanitizer (full log: $log)"
    exit 1
  fi
  tail -n 3 "$log"
fi

if [ "${FUZZ:-1}" = 1 ]; then
  echo "== fuzzers (clang, libFuzzer), briefly"
  "$root/scripts/fuzz.sh" "${FUZZ_SECONDS:-10}"
fi

if [ "${PACKAGE:-1}" = 1 ]; then
  echo "== Debian package: scripts/package.sh, dpkg -i, run it, dpkg --purge"
  # Needs root; leaves the machine as it was, also when it fails. Skips (77) saying why.
  rc=0
  MESHVERIFY_SOURCE_DIR=$root MESHVERIFY_BUILD_DIR=$build bash "$root/tests/package/deb_test.sh" ||
    rc=$?
  case $rc in
    0 | 77) ;;
    *) echo "test.sh: the Debian package test failed"; exit 1 ;;
  esac
fi

echo "== all tests"
ctest --test-dir "$build" -LE package -j "$jobs" --output-on-failure --timeout 900
