#!/usr/bin/env bash
# `lab up --lb random|least-request`: the sidecar's split is unbiased to within 1 % over
# 100,000 requests, sent with `meshverify load --direct` from inside cluster1's sleep pod
# namespace (bounded: 100,000 requests or 90 s per run). random is random (consecutive
# requests often reach the same pod, which round robin never does); least-request is measured
# with one request at a time, where it gives each endpoint its share exactly (under
# concurrency it follows the requests in flight, as Envoy's does).
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
MV=${MESHVERIFY_BINARY:-$LAB_SRC/build/meshverify}
[ -x "$MV" ] || { echo "SKIP: no meshverify binary at $MV"; exit 77; }
reports=${MESHVERIFY_BUILD_DIR:-$LAB_SRC/build}/test-reports-load/lab_lb
mkdir -p "$reports"
N=100000

# Runs N requests at concurrency $2 from cluster1's sleep pod into $reports/$1.json.
direct_load() {
  ip netns exec mvlab-c1-sleep env PATH="$PATH" "$MV" load --direct \
    -c "$LAB_SRC/scripts/lab/mesh.yaml" --source-cluster cluster1 --concurrency "$2" \
    --requests "$N" --duration 90s --json "$reports/$1.json" >"$reports/$1.txt" 2>&1 ||
    fail "$1: load exited $? ($(tail -n 3 "$reports/$1.txt"))"
  [ "$(jq .requests "$reports/$1.json")" -eq "$N" ] || fail "$1: $(jq .requests "$reports/$1.json") requests, want $N"
  [ "$(jq .ok "$reports/$1.json")" -eq "$N" ] || fail "$1: $(jq .ok "$reports/$1.json") ok of $N"
}

# Fails unless each of the $2 instances got 1/$2 of the answers, to within 1 % (absolute).
assert_unbiased() {
  local name=$1 pods=$2 counts
  counts=$(jq -r '[.summary.by_instance[] | .count] | map(tostring) | join(" ")' "$reports/$name.json")
  [ "$(wc -w <<<"$counts")" -eq "$pods" ] || fail "$name: answers from $counts, want $pods pods"
  awk -v n="$N" -v pods="$pods" -v c="$counts" 'BEGIN {
    k = split(c, v, " ")
    for (i = 1; i <= k; i++) if (v[i] / n < 1 / pods - 0.01 || v[i] / n > 1 / pods + 0.01) exit 1
  }' || fail "$name: split $counts of $N is not within 1 % of 1/$pods each"
  pass "$name: split $counts of $N (each within 1 % of 1/$pods)"
}

lab_test_up --lb random --v2 3
direct_load random 8
assert_unbiased random 4
# Round robin over 4 pods never sends two consecutive requests to one pod; random does about
# one time in four (about 50 of 199 pairs; 20 is 5 standard deviations below).
seq_pods=$(fetch kind-cluster1 200 | sed -n 's/.*instance: \([^ ]*\) code=.*/\1/p')
[ "$(wc -l <<<"$seq_pods")" -eq 200 ] || fail "random: $(wc -l <<<"$seq_pods") of 200 sequential answers"
repeats=$(awk 'NR > 1 && $0 == prev { r++ } { prev = $0 } END { print r + 0 }' <<<"$seq_pods")
[ "$repeats" -ge 20 ] || fail "random: only $repeats of 199 consecutive pairs reached the same pod"
pass "random: $repeats of 199 consecutive requests reached the previous request's pod"

"$LAB" up --lb least-request >/dev/null || fail "lab up --lb least-request"
direct_load least_request 1
assert_unbiased least_request 2
