#!/usr/bin/env bash
# `fault weight`: the sidecars send 4x more to v2 while the operator expects 50/50 by cluster:
# exit 1, and the balance check names the skewed share.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up
"$LAB" fault weight "$(hw_pods kind-cluster2 v2)" 4 >/dev/null
cfg=$(mktemp)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -f "$cfg"' EXIT
sed 's/^expect: endpoints$/expect: {cluster1: 0.5, cluster2: 0.5}/' \
  "$LAB_SRC/scripts/lab/mesh.yaml" >"$cfg"
grep -q 'cluster2: 0.5' "$cfg" || fail "could not write the expectation into $cfg"

report=$REPORTS/check_weight.json
rc=0
"$MV" check -c "$cfg" --requests 500 --json "$report" >"$REPORTS/check_weight.txt" 2>&1 || rc=$?
assert_accounted
[ "$rc" -eq 1 ] || fail "check exit $rc, want 1"
[ "$(check_status balance)" = fail ] || fail "balance is $(check_status balance)"
q '.checks[] | select(.name == "balance") | .detail' | grep -q "cluster2 0\.[6-9]" ||
  fail "balance detail does not name cluster2's share: $(q '.checks[] | select(.name == "balance") | .detail')"
pass "weight skew fails balance naming cluster2's share"
