#!/usr/bin/env bash
# `lab up --topology multi-network`: each cluster its own network (a sleep pod cannot reach the
# other cluster's pods), reached through the other cluster's east-west gateway on 15443. check
# discovers the gateways itself (istio=eastwestgateway), maps each gateway endpoint to its
# cluster with via: gateway, and passes.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up --topology multi-network

# No pod route between the networks: cluster2's pod is out of reach, its gateway is not.
hw2_ip=$(pod_ip kind-cluster2 "$(hw_pods kind-cluster2 | head -n1)")
if ip netns exec mvlab-c1-sleep curl -s -o /dev/null -m 1 "http://$hw2_ip:5000/hello"; then
  fail "cluster1's sleep pod reached cluster2's pod $hw2_ip directly"
fi
pass "no pod route: cluster2's pod $hw2_ip is unreachable from cluster1"
gw2=$(kubectl get svc -n istio-system -l istio=eastwestgateway --context=kind-cluster2 -o json |
  jq -r '.items[0].status.loadBalancer.ingress[0].ip')
[ "$gw2" = 172.18.255.202 ] || fail "cluster2's gateway service says '$gw2'"
[ "$(endpoints kind-cluster1 | jq -r --arg a "$gw2" \
  '.[0].hostStatuses[] | select(.address.socketAddress.address == $a) | "\(.address.socketAddress.portValue) \(.weight)"')" = "15443 1" ] ||
  fail "cluster1's view does not list $gw2:15443 with weight 1: $(endpoints kind-cluster1 table)"
pass "cluster1's sidecar lists cluster2's gateway $gw2:15443 (weight 1), not its pods"

run_check check_multi_network
assert_accounted
assert_passed check
got=$(gateway_endpoints)
[ "$got" = '[["172.18.255.201",15443,"cluster1"],["172.18.255.202",15443,"cluster2"]]' ] ||
  fail "gateway endpoints: $got"
# Each sidecar lists its own cluster's pods and the other cluster's gateway, nothing else.
for c in cluster1 cluster2; do
  other=cluster2
  [ "$c" = cluster2 ] && other=cluster1
  got_c=$(q -c --arg p "$(sleep_pod "kind-$c")" \
    '[.endpoints[] | select(.source_pod == $p) | "\(.cluster) \(.via // "pod")"] | unique')
  want_c=$(jq -nc --arg a "$c pod" --arg b "$other gateway" '[$a, $b] | sort')
  [ "$got_c" = "$want_c" ] || fail "$c's endpoints: $got_c, want $want_c"
done
for s in 0 1; do
  [ "$(q ".sources[$s].by_cluster.cluster1.count > 0 and .sources[$s].by_cluster.cluster2.count > 0")" = true ] ||
    fail "source $s: $(q -c ".sources[$s].by_cluster | map_values(.count)")"
done
pass "check passes; gateway endpoints mapped: $got; both clusters answer each source"
