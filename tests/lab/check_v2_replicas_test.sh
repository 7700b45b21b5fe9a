#!/usr/bin/env bash
# Two v2 replicas in cluster2: the expected shares follow the endpoints (1/3 vs 2/3 by
# cluster) and the check passes.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up --v2 2

run_check check_v2_replicas
assert_accounted
for s in 0 1; do
  e1=$(q ".sources[$s].by_cluster.cluster1.expected")
  e2=$(q ".sources[$s].by_cluster.cluster2.expected")
  awk -v a="$e1" -v b="$e2" 'BEGIN { exit !(a > 0.33 && a < 0.34 && b > 0.66 && b < 0.67) }' ||
    fail "source $s expects cluster1 $e1, cluster2 $e2; want 1/3 and 2/3"
done
pass "expected shares follow the endpoints: 1/3 and 2/3"
[ "$rc" -eq 0 ] || fail "check exit $rc, want 0 (verdict $(q .verdict))"
pass "check passes with --v2 2"
