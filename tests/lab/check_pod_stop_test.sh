#!/usr/bin/env bash
# A destination pod stopped mid-run: every request is still accounted for, and the report says
# what happened (errors by class, or the stopped endpoint).
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
lab_test_up
v1=$(hw_pods kind-cluster1 v1)
v2=$(hw_pods kind-cluster2 v2)
# 5 ms per answer: 8 requests in flight make ~1600 requests/s, so the run lasts about 5 s and
# the stop after 1 s lands in its middle.
"$LAB" fault slow "$v1" 5 >/dev/null
"$LAB" fault slow "$v2" 5 >/dev/null

report=$REPORTS/check_pod_stop.json
rc=0
"$MV" check -c "$LAB_SRC/scripts/lab/mesh.yaml" --requests 4000 --looks 1 --timeout 2s \
  --json "$report" >"$REPORTS/check_pod_stop.txt" 2>&1 &
pid=$!
# True once a probe curl runs inside one of the lab's pod namespaces (mvlab-*): a probe curl
# of another test running on this machine (a fake kubectl runs the same script) must not count.
probing() {
  local pid
  for pid in $(pgrep -f 'curl -q -sS --no-progress-meter --parallel --parallel-max 1'); do
    case $(ip netns identify "$pid" 2>/dev/null) in mvlab-*) return 0 ;; esac
  done
  return 1
}
# Stop v2 once the probe's curls have run for half a second (discovery comes first).
for _ in $(seq 100); do
  probing && break
  sleep 0.1
done
sleep 0.5
kill -0 "$pid" 2>/dev/null || fail "the run ended before the stop: the test proves nothing"
"$LAB" fault stop "$v2" >/dev/null
wait "$pid" || rc=$?
[ -s "$report" ] || fail "no report (exit $rc)"
assert_accounted
[ "$(q .total.requests)" = 8000 ] || fail "total requests $(q .total.requests), want 8000"
v2n=$(q '.total.by_instance["'"$v2"'"].count // 0')
[ "$v2n" -gt 0 ] || fail "v2 never answered before it was stopped"
errs=$(q '[.total.errors[]] | add // 0')
[ "$v2n" -lt 4000 ] || fail "v2 answered all of its $v2n requests: the stop came too late"
pass "v2 answered $v2n times before the stop; $errs requests failed; exit $rc"
if [ "$errs" -gt 0 ]; then
  [ "$(check_status error_rate)" = fail ] || fail "errors but error_rate is $(check_status error_rate)"
  [ "$rc" -eq 1 ] || fail "errors but exit $rc"
  pass "the report says what happened: $(q '.checks[] | select(.name == "error_rate") | .detail')"
fi
