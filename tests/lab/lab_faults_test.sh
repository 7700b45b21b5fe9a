#!/usr/bin/env bash
# The endpoint faults observably change what the sleep pods get: `fault errors` turns that share
# of v1's answers into 503s, `fault slow` delays v2's answers (and only those), `fault weight`
# shifts the split (weight 0: no traffic; 3: three times v1's share).
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
lab_test_up --v1 1 --v2 1

v1=$(hw_pods kind-cluster1 v1)
v2=$(hw_pods kind-cluster2 v2)

"$LAB" fault errors "$v1" 50 >/dev/null
out=$(fetch kind-cluster1 200)
e503=$(count "$out" 'code=503')
v1ok=$(count "$out" '^Hello version: v1')
# Half the requests reach v1 (binomial), and v1 fails exactly every other one of them.
assert_share "errors 50%: 503 answers" "$e503" 200 0.25
if [ $((e503 - v1ok)) -lt -1 ] || [ $((e503 - v1ok)) -gt 1 ]; then
  fail "v1: $e503 503s vs $v1ok 200s, not 50%"
fi
"$LAB" fault errors "$v1" 0 >/dev/null
[ "$(count "$(fetch kind-cluster1 50)" 'code=503')" -eq 0 ] || fail "errors 0: still 503s"
pass "errors: 503s appear at 50% and stop at 0%"

"$LAB" fault slow "$v2" 300 >/dev/null
out=$(fetch kind-cluster2 20)
slow_v2=$(printf '%s\n' "$out" | awk '/^Hello version: v2/ && $NF ~ /time=/ { sub("time=", "", $NF); if ($NF + 0 < 0.29) bad++; n++ }
  END { print (n > 0 && bad == 0) ? "yes" : "no" }')
fast_v1=$(printf '%s\n' "$out" | awk '/^Hello version: v1/ { sub("time=", "", $NF); if ($NF + 0 >= 0.29) bad++; n++ }
  END { print (n > 0 && bad == 0) ? "yes" : "no" }')
[ "$slow_v2" = yes ] || fail "slow 300 ms: v2 answers not all >= 0.3 s: $out"
[ "$fast_v1" = yes ] || fail "slow on v2 delayed v1 answers too: $out"
"$LAB" fault slow "$v2" 0 >/dev/null
pass "slow: v2 answers take >= 300 ms, v1 answers do not"

"$LAB" fault weight "$v2" 0 >/dev/null
[ "$(count "$(fetch kind-cluster2 60)" '^Hello version: v2')" -eq 0 ] || fail "weight 0: v2 still answers"
"$LAB" fault weight "$v2" 3 >/dev/null
[ "$(endpoints kind-cluster1 | jq --arg p "$(pod_ip kind-cluster2 "$v2")" \
  '.[0].hostStatuses[] | select(.address.socketAddress.address == $p) | .weight')" = 3 ] ||
  fail "weight 3 not in cluster1's endpoint view"
out=$(fetch kind-cluster1 200)
assert_share "weight 3 on v2: v2 answers" "$(count "$out" '^Hello version: v2')" 200 0.75
pass "weight: 0 removes v2, 3 gives it three quarters"
echo "PASS"
