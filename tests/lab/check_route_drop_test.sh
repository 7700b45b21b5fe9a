#!/usr/bin/env bash
# `fault route-drop cluster1`: exit 1; cluster1's source never reached cluster2 although its view
# lists cluster2's endpoint HEALTHY; the hint points at the pod routes.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up
"$LAB" fault route-drop cluster1 >/dev/null

run_check check_route_drop --requests 200 --timeout 2s
assert_accounted
[ "$rc" -eq 1 ] || fail "check exit $rc, want 1"
[ "$(check_status reachability)" = fail ] || fail "reachability is $(check_status reachability)"
src=$(q '.sources[] | select(.cluster == "cluster1") | .pod')
n=$(q '.sources[] | select(.cluster == "cluster1") | .by_cluster.cluster2.count // 0')
[ "$n" = 0 ] || fail "cluster1's source reached cluster2 $n times"
health=$(q --arg p "$src" '[.endpoints[] | select(.source_pod == $p and .cluster == "cluster2") | .health] | join(",")')
[ "$health" = HEALTHY ] || fail "cluster1's view of cluster2: '$health', want HEALTHY"
q '.checks[] | select(.name == "reachability") | .detail' | grep -q "never cluster2" ||
  fail "reachability detail: $(q '.checks[] | select(.name == "reachability") | .detail')"
q '.checks[] | select(.name == "reachability") | .hint' | grep -qi "route" ||
  fail "reachability hint does not point at routes: $(q '.checks[] | select(.name == "reachability") | .hint')"
pass "route drop: cluster1 never reached cluster2 (listed HEALTHY); hint points at the routes"
