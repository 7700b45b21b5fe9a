#!/usr/bin/env bash
# `lab fault network-labels wrong` on the multi-network lab: the sidecars list the other
# cluster's pods by pod IP (as Istio does when the topology.istio.io/network labels are
# missing), which the other network does not route. check fails reachability with the pod-IP
# hint naming the network labels and meshNetworks, not the pod routes of one network.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up --topology multi-network

"$LAB" fault network-labels wrong >/dev/null || fail "fault network-labels wrong"
hw2_ip=$(pod_ip kind-cluster2 "$(hw_pods kind-cluster2 | head -n1)")
endpoint_states kind-cluster1 | grep -q "^$hw2_ip HEALTHY" ||
  fail "cluster1's view does not list cluster2's pod $hw2_ip: $(endpoint_states kind-cluster1)"
# Each request to a remote pod IP waits out the connect timeout (300 ms) before its retry: few
# requests, many in flight, tell already.
run_check check_pod_ips_across_networks --requests 400 --looks 1 --concurrency 16
assert_accounted
assert_failed_by reachability
[[ $hint == *"lists cluster2 endpoints by their pod IPs, but cluster2 is on a network of its own"*"topology.istio.io/network label"* ]] ||
  fail "reachability hint: $hint"
[[ $hint != *"static route"* ]] || fail "the hint names the pod routes: $hint"
pass "remote pod IPs across networks: $hint"

"$LAB" fault network-labels right >/dev/null || fail "fault network-labels right"
run_check check_pod_ips_fixed
assert_passed "check after network-labels right"
pass "network labels right again: check passes"
