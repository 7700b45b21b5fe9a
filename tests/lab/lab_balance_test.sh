#!/usr/bin/env bash
# The lab as the seed builds it: from the sleep pod of each cluster, requests through the lab's
# kubectl exec reach both helloworld versions about 50/50, and each sidecar's endpoint view
# (istioctl proxy-config endpoints, table and -o json) lists both clusters' endpoints HEALTHY.
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
lab_test_up --v1 1 --v2 1

v1_ip=$(pod_ip kind-cluster1 "$(hw_pods kind-cluster1 v1)")
v2_ip=$(pod_ip kind-cluster2 "$(hw_pods kind-cluster2 v2)")
[[ $v1_ip == 10.241.* ]] || fail "v1 pod IP $v1_ip is not in cluster1's pod CIDR"
[[ $v2_ip == 10.244.* ]] || fail "v2 pod IP $v2_ip is not in cluster2's pod CIDR"

for ctx in kind-cluster1 kind-cluster2; do
  out=$(fetch "$ctx" 200)
  n=$(count "$out" 'code=')
  ok=$(count "$out" 'code=200')
  v1=$(count "$out" '^Hello version: v1, instance: helloworld-v1-[a-z0-9]{10}-[a-z0-9]{5} ')
  v2=$(count "$out" '^Hello version: v2, instance: helloworld-v2-[a-z0-9]{10}-[a-z0-9]{5} ')
  [ "$n" -eq 200 ] || fail "$ctx: $n answers to 200 requests"
  [ "$ok" -eq 200 ] || fail "$ctx: only $ok of 200 requests got 200"
  [ $((v1 + v2)) -eq 200 ] || fail "$ctx: $v1 v1 + $v2 v2 answers != 200"
  if [ "$v1" -eq 0 ] || [ "$v2" -eq 0 ]; then fail "$ctx: v1=$v1 v2=$v2, both must answer"; fi
  assert_share "$ctx: v1 answers" "$v1" 200 0.5

  states=$(endpoint_states "$ctx")
  [ "$(count "$states" '.')" -eq 2 ] || fail "$ctx: endpoint view is not 2 endpoints: $states"
  grep -qx "$v1_ip HEALTHY false" <<<"$states" || fail "$ctx: v1 $v1_ip not HEALTHY: $states"
  grep -qx "$v2_ip HEALTHY false" <<<"$states" || fail "$ctx: v2 $v2_ip not HEALTHY: $states"
  table=$(endpoints "$ctx" table)
  head -n1 <<<"$table" | grep -qE '^ENDPOINT +STATUS +OUTLIER CHECK +CLUSTER$' ||
    fail "$ctx: table header: $(head -n1 <<<"$table")"
  for ip in "$v1_ip" "$v2_ip"; do
    grep -qE "^$ip:5000 +HEALTHY +OK +outbound\|5000\|\|helloworld.sample.svc.cluster.local$" \
      <<<"$table" || fail "$ctx: table has no HEALTHY row for $ip: $table"
  done
  # The view's request counters saw this batch (rq_total summed over endpoints).
  total=$(endpoints "$ctx" | jq '[.[0].hostStatuses[].stats[] | select(.name == "rq_total") | (.value // "0" | tonumber)] | add')
  [ "$total" -ge 200 ] || fail "$ctx: sidecar counted $total requests, sent 200"
  pass "$ctx: 200 requests, v1=$v1 v2=$v2; both endpoints HEALTHY; rq_total=$total"
done
echo "PASS"
