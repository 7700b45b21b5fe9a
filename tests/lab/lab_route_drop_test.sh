#!/usr/bin/env bash
# Dropping the seed's static route on cluster1's node really breaks cross-cluster traffic:
# cluster1's sleep gets no v2 answers (its attempts at v2 fail and are retried onto v1) while
# its sidecar still lists v2 HEALTHY, the contradiction meshverify must catch. With outlier
# ejection on, v2 shows as ejected; after the route is restored, v2 answers again.
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
lab_test_up --v1 1 --v2 1

v2_ip=$(pod_ip kind-cluster2 "$(hw_pods kind-cluster2 v2)")
"$LAB" fault route-drop cluster1 >/dev/null
ip netns exec mvlab-n1 ip route | grep -q '^10\.244\.0\.0/16' && fail "route still on cluster1's node"

out=$(fetch kind-cluster1 40)
v2=$(count "$out" '^Hello version: v2')
v1=$(count "$out" '^Hello version: v1')
[ "$v2" -eq 0 ] || fail "route dropped, yet cluster1's sleep got $v2 v2 answers"
[ "$v1" -gt 0 ] || fail "route dropped: cluster1's sleep got no v1 answer either"
pass "route dropped: cluster1's sleep got v1=$v1 v2=$v2 of 40"

states=$(endpoint_states kind-cluster1)
grep -qx "$v2_ip HEALTHY false" <<<"$states" || fail "v2 must stay HEALTHY in cluster1's view: $states"
fails=$(endpoints kind-cluster1 | jq -r --arg ip "$v2_ip" '.[0].hostStatuses[] |
  select(.address.socketAddress.address == $ip) | .stats[] | select(.name == "cx_connect_fail") | .value // "0"')
[ "$fails" -gt 0 ] || fail "cluster1's view counts no connect failure to v2"
pass "cluster1's view: v2 $v2_ip HEALTHY, cx_connect_fail=$fails"

"$LAB" fault route-restore cluster1 >/dev/null
out=$(fetch kind-cluster1 40)
v2=$(count "$out" '^Hello version: v2')
[ "$v2" -gt 0 ] || fail "route restored, yet no v2 answers"
pass "route restored: v2=$v2 of 40"

# Passive outlier detection: consecutive failures eject v2 from cluster1's sidecar.
"$LAB" fault outlier on >/dev/null
"$LAB" fault route-drop cluster1 >/dev/null
out=$(fetch kind-cluster1 30)
[ "$(count "$out" '^Hello version: v2')" -eq 0 ] || fail "outlier on: v2 answered without a route"
states=$(endpoint_states kind-cluster1)
grep -qx "$v2_ip HEALTHY true" <<<"$states" || fail "v2 not ejected in cluster1's view: $states"
endpoints kind-cluster1 table | grep -qE "^$v2_ip:5000 +HEALTHY +FAILED +outbound" ||
  fail "table does not show v2 FAILED: $(endpoints kind-cluster1 table)"
pass "outlier on: v2 ejected (failedOutlierCheck, OUTLIER CHECK FAILED)"

"$LAB" fault route-restore cluster1 >/dev/null
"$LAB" fault outlier off >/dev/null
out=$(fetch kind-cluster1 40)
[ "$(count "$out" '^Hello version: v2')" -gt 0 ] || fail "after restore and outlier off: no v2"
grep -qx "$v2_ip HEALTHY false" <<<"$(endpoint_states kind-cluster1)" || fail "v2 not back to OK"
pass "route restored, outlier off: v2 answers again"
echo "PASS"
