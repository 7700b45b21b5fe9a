#!/usr/bin/env bash
# Every input is bounded (issue 15 item 3): /dev/zero fails at its first NUL byte and an
# endless pipe at the 64 MiB input cap, with one line naming the input and exit 2; a kubectl
# that prints endlessly is stopped at the 64 MiB child output cap, exit 3 naming it. Each run
# is bounded by `timeout` so that a regression fails instead of hanging.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
mesh=$src/scripts/lab/mesh.yaml

# run_bounded WANT PATTERN CMD…: CMD exits WANT within 60 s (and 2 GiB of memory) and its
# stderr is one line matching PATTERN.
run_bounded() {
  local want=$1 pattern=$2 rc=0
  shift 2
  (ulimit -v 2097152 && timeout 60 "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
  [[ $rc -eq $want ]] || bad "$*: exit $rc, want $want; stderr: $(head -c 300 "$tmp/err")"
  if [[ $(wc -l <"$tmp/err") -ne 1 ]] || ! grep -q -- "$pattern" "$tmp/err"; then
    bad "$*: stderr: $(head -c 300 "$tmp/err")"
  fi
}

# /dev/zero as each whole-file input: the first NUL byte, named.
for cmd in "report" "merge" "endpoints" "check -c" "load --direct -c"; do
  # shellcheck disable=SC2086 # cmd holds a command word and maybe a flag
  run_bounded 2 "^meshverify ${cmd%% *}: /dev/zero: byte 1: binary input$" "$bin" $cmd /dev/zero
done
run_bounded 2 "/dev/zero: byte 1: binary input$" \
  "$bin" endpoints --kind-config cluster1=/dev/zero "$src/tests/data/endpoints/helloworld_two_clusters.txt"
run_bounded 2 "/dev/zero: byte 1: binary input$" "$bin" analyze /dev/zero
printf 'clusters: []\n\0' >"$tmp/nul.yaml"
run_bounded 2 "^meshverify check: $tmp/nul.yaml: byte 14: binary input$" "$bin" check -c "$tmp/nul.yaml"

# An endless pipe on stdin: the input cap.
for cmd in "report" "merge" "endpoints" "check -c"; do
  rc=0
  # shellcheck disable=SC2086
  (ulimit -v 2097152 && yes | timeout 60 "$bin" $cmd -) >/dev/null 2>"$tmp/err" || rc=$?
  [[ $rc -eq 2 ]] || bad "yes | $cmd -: exit $rc, want 2: $(head -c 300 "$tmp/err")"
  grep -qx "meshverify ${cmd%% *}: -: larger than 64 MiB (the input cap)" "$tmp/err" ||
    bad "yes | $cmd -: $(head -c 300 "$tmp/err")"
done
# analyze streams (no total cap) but bounds each line: an endless line is counted, not kept.
rc=0
(ulimit -v 2097152 && head -c 300000000 /dev/zero | tr '\0' x | timeout 60 "$bin" analyze -) \
  >/dev/null 2>"$tmp/err" || rc=$?
[[ $rc -eq 2 || $rc -eq 1 || $rc -eq 4 ]] || bad "analyze of one 300 MB line: exit $rc: $(cat "$tmp/err")"

# A kubectl (and istioctl) that print endlessly: stopped at the child output cap, exit 3.
mkdir "$tmp/fakebin"
printf '#!/bin/sh\nexec yes "endless output"\n' >"$tmp/fakebin/kubectl"
cp "$tmp/fakebin/kubectl" "$tmp/fakebin/istioctl"
chmod +x "$tmp/fakebin/kubectl" "$tmp/fakebin/istioctl"
run_bounded 3 "kubectl get: printed more than 64 MiB (the child output cap); stopped it$" \
  env PATH="$tmp/fakebin:$PATH" "$bin" check -c "$mesh"

finish input_caps_test
