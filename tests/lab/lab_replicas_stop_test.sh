#!/usr/bin/env bash
# Replicas and the control plane's view: with `--v2 2` every sidecar balances over three
# endpoints, so v2 gets about two thirds of the answers and both v2 instances answer. `fault
# stop` on a v2 pod marks it UNHEALTHY in every view (and not Ready in kubectl) and it gets no
# traffic; `fault start` brings it back.
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
lab_test_up --v1 1 --v2 2

mapfile -t v2pods < <(hw_pods kind-cluster2 v2)
[ "${#v2pods[@]}" -eq 2 ] || fail "--v2 2 gave ${#v2pods[@]} v2 pods"
[ "$(hw_pods kind-cluster1 v2 2>/dev/null | wc -l)" -eq 0 ] || fail "v2 pods listed in cluster1"

for ctx in kind-cluster1 kind-cluster2; do
  [ "$(endpoint_states "$ctx" | grep -c ' HEALTHY false$')" -eq 3 ] ||
    fail "$ctx: 3 HEALTHY endpoints expected: $(endpoint_states "$ctx")"
  out=$(fetch "$ctx" 300)
  v2=$(count "$out" '^Hello version: v2')
  for p in "${v2pods[@]}"; do
    [ "$(count "$out" "instance: $p ")" -gt 0 ] || fail "$ctx: v2 pod $p never answered"
  done
  assert_share "$ctx: v2 answers with 2 v2 replicas" "$v2" 300 0.6667
done

stopped=${v2pods[0]}
stopped_ip=$(pod_ip kind-cluster2 "$stopped")
"$LAB" fault stop "$stopped" >/dev/null
ready=$(kubectl get pod "$stopped" -n sample --context=kind-cluster2 -o json |
  jq -r '.status.conditions[] | select(.type == "Ready") | .status')
[ "$ready" = False ] || fail "stopped pod $stopped is Ready=$ready in kubectl"
for ctx in kind-cluster1 kind-cluster2; do
  states=$(endpoint_states "$ctx")
  grep -qx "$stopped_ip UNHEALTHY false" <<<"$states" || fail "$ctx: $stopped not UNHEALTHY: $states"
  endpoints "$ctx" table | grep -qE "^$stopped_ip:5000 +UNHEALTHY +OK +outbound" ||
    fail "$ctx: table does not show $stopped UNHEALTHY"
  out=$(fetch "$ctx" 100)
  [ "$(count "$out" "instance: $stopped ")" -eq 0 ] || fail "$ctx: stopped pod $stopped answered"
  [ "$(count "$out" 'code=200')" -eq 100 ] || fail "$ctx: requests failed with a pod stopped"
  assert_share "$ctx: v1 answers with one v2 stopped" "$(count "$out" '^Hello version: v1')" 100 0.5
done
pass "stopped pod UNHEALTHY in every view, no traffic"

"$LAB" fault start "$stopped" >/dev/null
for ctx in kind-cluster1 kind-cluster2; do
  grep -qx "$stopped_ip HEALTHY false" <<<"$(endpoint_states "$ctx")" || fail "$ctx: not HEALTHY after start"
  [ "$(count "$(fetch "$ctx" 60)" "instance: $stopped ")" -gt 0 ] || fail "$ctx: restarted pod gets no traffic"
done
pass "started again: HEALTHY, gets traffic"
echo "PASS"
