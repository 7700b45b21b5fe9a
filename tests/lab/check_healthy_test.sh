#!/usr/bin/env bash
# Healthy lab: `meshverify check` passes; both sources reach both clusters about 50/50.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up

run_check check_healthy
assert_accounted
for c in cluster1 cluster2; do
  for s in 0 1; do
    share=$(q ".sources[$s].by_cluster.$c.share")
    awk -v x="$share" 'BEGIN { exit !(x > 0.35 && x < 0.65) }' ||
      fail "source $s reaches $c with share $share, not near 0.5"
  done
done
pass "both sources reach both clusters near 50/50"
[ "$rc" -eq 0 ] || fail "check exit $rc, want 0 (verdict $(q .verdict)): $(grep -E 'INCONCLUSIVE|FAIL' "$REPORTS/check_healthy.txt" | head -3)"
pass "healthy lab passes"
# The lab's sidecars round-robin, so the sequential gate decides before its last look.
n=$(q '.sources[0].requests')
[ "$n" -lt "$(q .config.run.requests)" ] ||
  fail "the gate used all $n requests of an exact 50/50 split: no early stop"
pass "sequential gate stopped early: $(q '.notes[] | select(startswith("sequential"))')"
