#!/usr/bin/env bash
# `lab up --topology multi-network --overlap`: both clusters have the same pod CIDR (the two
# sleep pods even have the same IP). The gateways tell the clusters apart: check, with
# scripts/lab/mesh-overlap.yaml (both clusters 10.244.0.0/16), discovers them, maps each
# gateway endpoint to its cluster (via: gateway) and each local endpoint to the caller's
# cluster, and passes.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up --topology multi-network --overlap

ip1=$(pod_ip kind-cluster1 "$(sleep_pod kind-cluster1)")
ip2=$(pod_ip kind-cluster2 "$(sleep_pod kind-cluster2)")
[ "$ip1" = "$ip2" ] || fail "sleep pods $ip1 and $ip2: the pod CIDRs do not overlap"
pass "both sleep pods are $ip1"

MESH=$LAB_SRC/scripts/lab/mesh-overlap.yaml run_check check_overlap
assert_accounted
assert_passed check
got=$(gateway_endpoints)
[ "$got" = '[["172.18.255.201",15443,"cluster1"],["172.18.255.202",15443,"cluster2"]]' ] ||
  fail "gateway endpoints: $got"
for c in cluster1 cluster2; do
  local_c=$(q -r --arg p "$(sleep_pod "kind-$c")" \
    '[.endpoints[] | select(.source_pod == $p and .via == null) | .cluster] | unique | join(",")')
  [ "$local_c" = "$c" ] || fail "$c's local endpoints mapped to '$local_c'"
done
pass "check passes with overlapping pod CIDRs; gateway endpoints: $got; local ones to the caller's cluster"
