#!/usr/bin/env bash
# `up` and `down` are idempotent, `up` after a crash cleans up first, and `down` leaves no
# namespace, process, veth, /etc/netns entry or state file behind. (Without root the lab says
# so in one line and exits 2: tests/scripts/lab_needs_root_test.sh, from a copy that `nobody`
# can read wherever the checkout is.)
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
state=${MVLAB_STATE:-/run/mvlab}

# Prints what the lab leaves behind, one item a line; nothing when clean.
leftovers() {
  ip netns list | awk '{ print "namespace " $1 }' | grep ' mvlab-' || true
  for pid in "${lab_pids[@]}"; do
    local st
    st=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || true)
    [ -n "$st" ] && [ "$st" != Z ] && echo "process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
  done
  ip -o link show | awk -F': ' '{ print $2 }' | grep -E '^(vn[12]|vsleep|vhw[0-9]+|vgw)(@|$)' | sed 's/^/veth /' || true
  local f
  for f in /etc/netns/mvlab-*; do [ -e "$f" ] && echo "file $f"; done
  [ -e "$state" ] && echo "state dir $state"
  return 0
}

lab_pids=()
collect_pids() {
  local ns
  lab_pids=()
  for ns in $(ip netns list | awk '{ print $1 }' | grep '^mvlab-'); do
    mapfile -t -O "${#lab_pids[@]}" lab_pids < <(ip netns pids "$ns")
  done
}

lab_test_up --v1 2 --v2 2
"$LAB" up --v1 2 --v2 2 >/dev/null || fail "second up"
collect_pids
[ "${#lab_pids[@]}" -ge 6 ] || fail "expected >= 6 lab processes (4 servers, 2 sidecars), got ${#lab_pids[@]}"
"$LAB" down || fail "down"
left=$(leftovers)
[ -z "$left" ] || fail "down left: $left"
"$LAB" down || fail "down twice"
pass "up twice, down twice: nothing left"

# A crash: processes killed, the state directory gone, namespaces and hosts files left.
"$LAB" up >/dev/null
collect_pids
kill -KILL "${lab_pids[@]}"
rm -rf "$state"
"$LAB" up >/dev/null || fail "up after a crash"
[ "$(count "$(fetch kind-cluster1 20)" 'code=200')" -eq 20 ] || fail "lab after crash recovery does not answer"
collect_pids
"$LAB" down
left=$(leftovers)
[ -z "$left" ] || fail "down after crash recovery left: $left"
pass "up after a crash recovers; down leaves nothing"

# Multi-network: the gateways' namespaces and processes go too (a stopped gateway included).
"$LAB" up --topology multi-network --overlap --lb random >/dev/null || fail "up multi-network"
collect_pids
[ "${#lab_pids[@]}" -ge 6 ] || fail "expected >= 6 multi-network processes (2 servers, 2 sidecars, 2 gateways), got ${#lab_pids[@]}"
"$LAB" fault gateway-stop cluster1 >/dev/null || fail "gateway-stop"
"$LAB" down
left=$(leftovers)
[ -z "$left" ] || fail "down of the multi-network lab left: $left"
pass "multi-network: down leaves nothing"
echo "PASS"
