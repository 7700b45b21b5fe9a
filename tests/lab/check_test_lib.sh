# shellcheck shell=bash
# Shared by tests/lab/check_*_test.sh: `meshverify check` against the lab, reports kept in
# $MESHVERIFY_BUILD_DIR/test-reports/ (schema-validated by another test).
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_test_lib.sh"

MV=${MESHVERIFY_BINARY:-$LAB_SRC/build/meshverify}
REPORTS=${MESHVERIFY_BUILD_DIR:-$LAB_SRC/build}/test-reports
mkdir -p "$REPORTS"

check_test_start() {
  lab_test_skip_unless_able
  [ -x "$MV" ] || { echo "SKIP: no meshverify binary at $MV"; exit 77; }
}

# Runs check with "$@" (config: $MESH, by default scripts/lab/mesh.yaml), the JSON report into
# $REPORTS/$1.json; sets $rc and $report.
run_check() {
  local name=$1
  shift
  report=$REPORTS/$name.json
  rc=0
  "$MV" check -c "${MESH:-$LAB_SRC/scripts/lab/mesh.yaml}" --json "$report" "$@" >"$REPORTS/$name.txt" 2>&1 || rc=$?
  [ -s "$report" ] || fail "$name: no JSON report (exit $rc): $(tail -n 5 "$REPORTS/$name.txt")"
}

# jq over the last report.
q() { jq -r "$@" "$report"; }

# requests == ok + sum(errors) for every source and the total.
assert_accounted() {
  local bad
  bad=$(q '[.sources[], .total] | map(select(.requests != .ok + ([.errors[]] | add // 0))) | length')
  [ "$bad" = 0 ] || fail "requests != ok + sum(errors) in $bad source(s) of $report"
  pass "every request accounted for ($(q .total.requests) requests)"
}

check_status() { q --arg n "$1" '.checks[] | select(.name == $n) | .status'; }
