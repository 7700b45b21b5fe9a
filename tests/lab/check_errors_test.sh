#!/usr/bin/env bash
# `fault errors`: a fifth of v1's answers are 503: the error-rate check fails (exit 1).
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up
"$LAB" fault errors "$(hw_pods kind-cluster1 v1)" 20 >/dev/null

run_check check_errors --requests 300
assert_accounted
[ "$rc" -eq 1 ] || fail "check exit $rc, want 1"
[ "$(check_status error_rate)" = fail ] || fail "error_rate is $(check_status error_rate)"
n=$(q '.total.errors.http_5xx // 0')
[ "$n" -gt 0 ] || fail "no http_5xx errors counted"
pass "error rate fails with $n http_5xx"
