#!/usr/bin/env bash
# `meshverify load --direct` run from inside cluster1's sleep pod network namespace
# (`ip netns exec`), exactly as a Job in the mesh runs it: its requests leave through the
# pod's own sidecar, the target resolves through the pod's hosts file, destination pods are
# mapped to clusters through the lab's kubectl. A steady run reaches both clusters with every
# window accounted for; a run with the seed's route dropped at 3 s and restored at 7 s shows
# cluster1's source answered only by cluster1 (or failing) during the fault, both clusters
# after it, and reports time to detect and to recover.
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }
MV=${MESHVERIFY_BINARY:-$LAB_SRC/build/meshverify}
reports=${MESHVERIFY_BUILD_DIR:-$LAB_SRC/build}/test-reports-load/load_direct_netns
mkdir -p "$reports"
lab_test_up --v1 1 --v2 1
ns=mvlab-c1-sleep
ip netns list | grep -qw "$ns" || fail "no network namespace $ns"

in_pod() { ip netns exec "$ns" env PATH="$PATH" "$MV" load --direct -c "$LAB_SRC/scripts/lab/mesh.yaml" --source-cluster cluster1 "$@"; }

in_pod --rate 200 --duration 6s --warmup 1s --slo 'errors<1%' \
  --slo 'share(cluster2) in [0.25,0.75]' --json "$reports/steady.json" >/dev/null ||
  fail "steady run exited $?"
j=$reports/steady.json
[ "$(jq -r '.verdict + " " + .mode' "$j")" = "pass direct" ] || fail "verdict/mode: $(jq -c '[.verdict, .mode, .slos]' "$j")"
[ "$(jq '.requests' "$j")" -eq 1200 ] || fail "requests $(jq .requests "$j"), want 200 x 6"
[ "$(jq '[.windows[], .pooled[] | select(.requests != .ok + ([.errors[]] | add // 0))] | length' "$j")" -eq 0 ] ||
  fail "a window breaks requests == ok + sum(errors)"
for c in cluster1 cluster2; do
  [ "$(jq --arg c "$c" '[.windows[] | select(.warmup | not) | .by_cluster[$c].count] | min' "$j")" -gt 0 ] ||
    fail "a steady window without answers from $c: $(jq -c '[.windows[].by_cluster | map_values(.count)]' "$j")"
done
[ "$(jq '[.summary.by_instance[] | select(.cluster != "cluster1" and .cluster != "cluster2")] | length' "$j")" -eq 0 ] ||
  fail "instances not mapped to clusters: $(jq -c .summary.by_instance "$j")"
[ "$(jq -r '.windows[0].source + " " + .windows[0].cluster' "$j")" = "direct cluster1" ] || fail "source"
[ "$(jq '.summary.by_connection | length' "$j")" -ge 1 ] || fail "no connection ids"
pass "steady: $(jq -c '.summary.by_cluster | map_values(.count)' "$j"), $(jq '.summary.by_connection | length' "$j") connections"

# A request to cluster2 sent during the fault waits on its connection until it times out or
# the route comes back, and then cluster2 answers it: with a 1 s timeout and the restore at
# 7 s, nothing sent before 6 s can be answered by cluster2.
in_pod --rate 200 --duration 11s --timeout 1s \
  --at "3s=$LAB fault route-drop cluster1" --at "7s=$LAB fault route-restore cluster1" \
  --json "$reports/route_drop.json" >/dev/null || true
j=$reports/route_drop.json
[ -s "$j" ] || fail "route-drop run wrote no report"
[ "$(jq '[.events[] | select(.ran and .exit_code == 0)] | length' "$j")" -eq 2 ] ||
  fail "events: $(jq -c '[.events[] | {command, exit_code, output}]' "$j")"
[ "$(jq '[.windows[], .pooled[] | select(.requests != .ok + ([.errors[]] | add // 0))] | length' "$j")" -eq 0 ] ||
  fail "a window breaks requests == ok + sum(errors) under the fault"
# Windows wholly inside the fault, one second after the drop and a timeout before the restore
# (start >= 4 s, end <= 6 s): no answer from cluster2.
during=$(jq '[.windows[] | select(.start_s >= 4 and .end_s <= 6) | .by_cluster.cluster2.count] | add' "$j")
[ "$during" -eq 0 ] || fail "cluster2 answered $during times while the route was down"
after=$(jq '[.windows[] | select(.start_s >= 9) | .by_cluster.cluster2.count] | add' "$j")
[ "$after" -gt 0 ] || fail "cluster2 never answered after the restore"
detect=$(jq '.events[0].detect_s' "$j")
recover=$(jq '.events[0].recover_s' "$j")
[ "$detect" != null ] || fail "no time to detect: $(jq -r '.events[0].detail' "$j")"
[ "$recover" != null ] || fail "no time to recover: $(jq -r '.events[0].detail' "$j")"
pass "route drop: detect ${detect} s, recover ${recover} s; cluster2 answers during 0, after $after"
echo "PASS"
