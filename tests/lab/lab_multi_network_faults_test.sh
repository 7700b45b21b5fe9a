#!/usr/bin/env bash
# The control plane's pushes on the multi-network lab (--v2 2): cluster1's sidecar weights
# cluster2's gateway by its running endpoints (stop a pod: 2 -> 1; weight 3: 1 -> 4), the
# gateway stops passing connections to a stopped pod, and the route faults act on the route to
# the other cluster's gateway (dropped: cluster2 never answers cluster1; restored: it does).
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
lab_test_up --topology multi-network --v2 2
gw2=172.18.255.202

gateway_weight() { # the weight of cluster2's gateway in cluster1's view
  endpoints kind-cluster1 | jq -r --arg a "$gw2" \
    '.[0].hostStatuses[] | select(.address.socketAddress.address == $a) | .weight'
}
[ "$(gateway_weight)" = 2 ] || fail "gateway weight $(gateway_weight), want 2 (two pods behind it)"
mapfile -t v2 < <(hw_pods kind-cluster2)
"$LAB" fault stop "${v2[0]}" >/dev/null || fail "stop ${v2[0]}"
[ "$(gateway_weight)" = 1 ] || fail "gateway weight $(gateway_weight) with one pod stopped, want 1"
# The sidecar's connection to the gateway may be on the stopped pod: the first request through
# it fails over (a new connection) to the running one.
out=$(fetch kind-cluster1 60)
[ "$(count "$out" "instance: ${v2[0]}")" -eq 0 ] || fail "the stopped pod ${v2[0]} answered"
[ "$(count "$out" "instance: ${v2[1]}")" -gt 0 ] || fail "the running pod ${v2[1]} never answered: $out"
pass "a stopped pod: gateway weight 1, only ${v2[1]} answers through it"
"$LAB" fault start "${v2[0]}" >/dev/null || fail "start ${v2[0]}"
"$LAB" fault weight "${v2[1]}" 3 >/dev/null || fail "weight ${v2[1]} 3"
[ "$(gateway_weight)" = 4 ] || fail "gateway weight $(gateway_weight) after start and weight 3, want 4"
pass "start and weight 3: gateway weight 4"

# Requests on the sidecar's established connection to the gateway hang until curl gives up
# (3 s), as on a real mesh; cluster1's pod answers the others.
"$LAB" fault route-drop cluster1 >/dev/null || fail "route-drop cluster1"
out=$(fetch kind-cluster1 6)
[ "$(count "$out" 'version: v2')" -eq 0 ] || fail "cluster2 answered with the gateway route dropped"
[ "$(count "$out" 'version: v1')" -gt 0 ] || fail "cluster1 did not answer either: $out"
"$LAB" fault route-restore cluster1 >/dev/null || fail "route-restore cluster1"
out=$(fetch kind-cluster1 30)
[ "$(count "$out" 'version: v2')" -gt 0 ] || fail "cluster2 never answered after route-restore"
pass "route-drop: no answer from cluster2; route-restore: cluster2 answers"
