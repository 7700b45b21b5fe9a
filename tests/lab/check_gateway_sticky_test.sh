#!/usr/bin/env bash
# `lab up --topology multi-network --v2 2`: cluster1's sidecar sends cluster2's share over one
# long-lived connection to cluster2's gateway, which passes it through to one pod. The split
# between clusters is right, the split among cluster2's pods is not: check fails gateway_split
# with the per-connection explanation and its hint.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up --topology multi-network --v2 2

run_check check_gateway_sticky
assert_accounted
[ "$rc" -eq 1 ] || fail "check exit $rc, want 1"
[ "$(check_status balance)" = pass ] || fail "balance $(check_status balance): the split between clusters should be fine"
[ "$(check_status gateway_split)" = fail ] || fail "gateway_split $(check_status gateway_split), want fail"
detail=$(q '.checks[] | select(.name == "gateway_split") | .detail')
want="requests through the east-west gateway of cluster2 reach one pod per connection: the gateway passes connections through (AUTO_PASSTHROUGH), so with long-lived connections the remote split follows the connections"
[[ $detail == *"$want"* ]] || fail "gateway_split detail: $detail"
[[ $(q '.checks[] | select(.name == "gateway_split") | .hint') == *maxRequestsPerConnection* ]] ||
  fail "gateway_split hint: $(q '.checks[] | select(.name == "gateway_split") | .hint')"
failed=$(q -c '[.checks[] | select(.status == "fail") | .name]')
[ "$failed" = '["gateway_split"]' ] || fail "failed checks $failed, want only gateway_split"
pass "gateway_split fails alone: ${detail:0:200}..."
