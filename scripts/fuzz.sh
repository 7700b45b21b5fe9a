#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/*_fuzz.cc) with clang and runs each for SECONDS
# (default 10) from its seed corpus (tests/fuzz/corpus/<name>/), with its dictionary
# (tests/fuzz/<name>.dict) when there is one. Fails on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-10}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1" \
  -DMESHVERIFY_FUZZ=ON -DMESHVERIFY_BENCH=OFF >/dev/null
shopt -s nullglob
targets=()
for f in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
[ ${#targets[@]} -eq 0 ] && { echo "fuzz.sh: no fuzz targets"; exit 0; }
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
# One target: SECONDS from its corpus, with its dictionary. Prints one line; 1 on a crash.
fuzz_one() {
  local t=$1 corpus=tests/fuzz/corpus/${1%_fuzz} work dict=()
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  [ -f "tests/fuzz/${t%_fuzz}.dict" ] && dict=(-dict="tests/fuzz/${t%_fuzz}.dict")
  if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=0 "${dict[@]}" "$work" >"$work.log" 2>&1; then
    tail -n 40 "$work.log"; echo "fuzz.sh: $t FAILED"; return 1
  fi
  echo "fuzz.sh: $t ok ($(grep -c '^#' "$work.log" || true) progress lines, ${seconds}s)"
  rm -rf "$work" "$work.log"
}
# Each fuzzer is single-threaded: run one per core (FUZZ_JOBS), each still for SECONDS. A
# failure leaves its name in $failed (a job's status can be reaped by another `wait -n`).
parallel=${FUZZ_JOBS:-$(nproc)}
failed=$(mktemp)
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  { fuzz_one "$t" || echo "$t" >>"$failed"; } &
done
wait
if [ -s "$failed" ]; then
  echo "fuzz.sh: failed: $(tr '\n' ' ' <"$failed")"; rm -f "$failed"; exit 1
fi
rm -f "$failed"
