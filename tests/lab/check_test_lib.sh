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

# The last report's checks that did not pass, as [name, status, detail] (for messages).
not_passed() { q -c '[.checks[] | select(.status != "pass") | [.name, .status, .detail]]'; }

# The last check exited 0; else fails, naming $1 (what ran) and the checks that did not pass.
assert_passed() { [ "$rc" -eq 0 ] || fail "$1 exit $rc, want 0 ($(not_passed))"; }

# The last check exited 1 with check $1 failed; sets $hint to that check's hint.
assert_failed_by() {
  [ "$rc" -eq 1 ] || fail "check exit $rc, want 1 ($(not_passed))"
  [ "$(check_status "$1")" = fail ] || fail "$1 $(check_status "$1")"
  # shellcheck disable=SC2034  # read by the tests that call it
  hint=$(q --arg n "$1" '.checks[] | select(.name == $n) | .hint')
}

# The last report's gateway endpoints (via: gateway) as [[address, port, cluster], ...], sorted.
gateway_endpoints() { q -c '[.endpoints[] | select(.via == "gateway") | [.address, .port, .cluster]] | sort'; }
