#!/usr/bin/env bash
# Requests per second from one source pod of the lab, side by side in one run:
#   seed      one `kubectl exec ... curl` per request (the seed's way)      aim: meshverify >= 100x
#   curl      plain `curl --parallel` in the pod, same concurrency           aim: meshverify >= 0.8x
#   exec      meshverify's exec mode (probe phase of `check`, one source)
# and the wall time of a full `check` of the healthy lab at the default tolerance, discovery
# included (aim < 5 s). Medians of RUNS runs. Needs root (the lab); brings the lab up and down.
# Usage: bench/probe_vs_seed.sh [BUILD_DIR]
#   (env: RUNS=5 N=2000 SEED_N=100 CONCURRENCY=4 SLOW_MS=0)
#
# Sample run (2026-11-26, 2 cores, RUNS=9 N=5000): seed 27.6 req/s, plain curl --parallel
# 10165 req/s, meshverify 7721 req/s: 280x the seed; 0.76x plain curl (per-round ratios
# 0.65-0.92, median 0.77); full check of the healthy lab 0.75 s (2 looks of 1000 requests per
# source). The gap to plain curl is its one process driving every connection: meshverify runs
# one curl per connection (one transfer at a time is what makes each body's bytes provably its
# own), and on 2 cores saturated by the lab the extra processes cost about a fifth of the rate.
# With SLOW_MS=1 (RUNS=5 N=5000) both wait on the mesh: plain curl 2684 req/s, meshverify
# 2698 req/s, 1.01x (rounds 0.97-1.04); the seed's way stays at 33.5 req/s, so 81x.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${MESHVERIFY_BUILD_DIR:-$SRC/build}}
MV=$BUILD/meshverify
RUNS=${RUNS:-5} N=${N:-2000} SEED_N=${SEED_N:-100} C=${CONCURRENCY:-4}
[ "$(id -u)" -eq 0 ] || { echo "probe_vs_seed: the lab needs root"; exit 77; }
[ -x "$MV" ] || { echo "probe_vs_seed: build meshverify first ($MV)"; exit 2; }
export PATH="$SRC/scripts/lab/bin:$PATH" MESHVERIFY_BUILD_DIR="$BUILD"
exec {lab_lock}>"${MESHVERIFY_LAB_LOCK:-/run/lock/meshverify-lab.lock}"  # one lab per machine
flock -w 3600 "$lab_lock"
trap '"$SRC/scripts/lab/lab" down >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
"$SRC/scripts/lab/lab" up >/dev/null
# SLOW_MS=1 gives every answer a 1 ms service time, as a real cluster's network and app do:
# then both clients wait on the mesh instead of sharing the lab's two cores with it.
if [ "${SLOW_MS:-0}" != 0 ]; then
  for hw in $("$SRC/scripts/lab/lab" status | awk '$2 ~ /^helloworld-v/ { print $2 }'); do
    "$SRC/scripts/lab/lab" fault slow "$hw" "$SLOW_MS" >/dev/null
  done
fi
CTX=kind-cluster1
POD=$(kubectl get pods -n sample -l app=sleep --context "$CTX" -o jsonpath='{.items[0].metadata.name}')
URL=http://helloworld.sample:5000/hello

now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f\n", n / (b - a) }'; }

seed_rps() {
  local t0 t1 i
  t0=$(now)
  for ((i = 0; i < SEED_N; i++)); do
    kubectl exec -n sample -c sleep --context "$CTX" "$POD" -- curl -s "$URL" >/dev/null
  done
  t1=$(now)
  rate "$SEED_N" "$t0" "$t1"
}

curl_rps() {
  local t0 t1
  t0=$(now)
  kubectl exec -n sample -c sleep --context "$CTX" "$POD" -- \
    sh -c "curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max $C '$URL?i=[1-$N]' >/dev/null"
  t1=$(now)
  rate "$N" "$t0" "$t1"
}

exec_rps() {
  # One look: all N requests in one exec, as the plain curl run sends them.
  "$MV" check -c "$SRC/scripts/lab/mesh.yaml" --context "$CTX" --requests "$N" --looks 1 \
    --concurrency "$C" -o json >"$tmp/exec.json" 2>/dev/null || true
  jq -r '.checks[] | select(.name == "probe") | .detail' "$tmp/exec.json" |
    sed -E 's/.*\(([0-9.]+) req\/s\).*/\1/'
}

check_wall() {
  local t0 t1
  t0=$(now)
  "$MV" check -c "$SRC/scripts/lab/mesh.yaml" >/dev/null 2>&1 || true
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}

# Rounds alternate which of curl and exec goes first; each round's exec/curl ratio is kept, as
# the machine's speed drifts between rounds more than within one.
for ((r = 1; r <= RUNS; r++)); do
  seed_rps >>"$tmp/seed"
  if ((r % 2)); then
    c1=$(curl_rps) e1=$(exec_rps)
  else
    e1=$(exec_rps) c1=$(curl_rps)
  fi
  echo "$c1" >>"$tmp/curl"
  echo "$e1" >>"$tmp/exec"
  awk -v e="$e1" -v c="$c1" 'BEGIN { printf "%.3f\n", e / c }' >>"$tmp/ratio"
  check_wall >>"$tmp/wall"
done
seed=$(median <"$tmp/seed") curl=$(median <"$tmp/curl") ex=$(median <"$tmp/exec")
wall=$(median <"$tmp/wall") ratio=$(median <"$tmp/ratio")
echo "probe_vs_seed: one source pod ($POD, $CTX), concurrency $C, medians of $RUNS runs"
printf '  %-34s %10s req/s   runs: %s\n' "seed (1 kubectl exec per request)" "$seed" "$(paste -sd' ' "$tmp/seed")"
printf '  %-34s %10s req/s   runs: %s\n' "plain curl --parallel in the pod" "$curl" "$(paste -sd' ' "$tmp/curl")"
printf '  %-34s %10s req/s   runs: %s\n' "meshverify exec mode" "$ex" "$(paste -sd' ' "$tmp/exec")"
awk -v e="$ex" -v s="$seed" -v c="$curl" 'BEGIN {
  printf "  exec / seed = %.0fx (aim >= 100x); exec / curl = %.2fx (aim >= 0.8x)\n", e / s, e / c }'
echo "  exec / curl round by round: median $ratio; rounds: $(paste -sd' ' "$tmp/ratio")"
echo "  full check of the healthy lab (default tolerance, discovery included): median ${wall} s" \
  "(aim < 5 s); runs: $(paste -sd' ' "$tmp/wall")"
