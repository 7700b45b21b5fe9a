#!/usr/bin/env bash
# `lab fault gateway-stop cluster2` on the multi-network lab: cluster1's sidecar still lists
# cluster2's gateway HEALTHY (Istio does not health-check remote gateways) but nothing answers
# through it. check fails, with the dead-gateway hint naming the gateway; after
# `gateway-start` it passes again.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up --topology multi-network

"$LAB" fault gateway-stop cluster2 >/dev/null || fail "fault gateway-stop cluster2"
[ "$(endpoint_states kind-cluster1 | awk '$1 == "172.18.255.202" { print $2 }')" = HEALTHY ] ||
  fail "cluster1's view of the stopped gateway: $(endpoint_states kind-cluster1)"
run_check check_gateway_stop
assert_accounted
assert_failed_by endpoints_reached
[[ $hint == *"east-west gateway 172.18.255.202:15443 of cluster2"*"that the gateway runs"* ]] ||
  fail "endpoints_reached hint: $hint"
[ "$(q '.sources[] | select(.cluster == "cluster1") | .by_cluster.cluster2.count // 0')" -eq 0 ] ||
  fail "cluster2 answered cluster1 through a stopped gateway"
pass "gateway stopped: check fails with the gateway hint: $hint"

"$LAB" fault gateway-start cluster2 >/dev/null || fail "fault gateway-start cluster2"
run_check check_gateway_restarted
assert_passed "check after gateway-start"
pass "gateway started again: check passes"
