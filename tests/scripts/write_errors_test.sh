#!/usr/bin/env bash
# Output that cannot be written is exit 3 with one line (issue 15 item 9), for every command:
# stdout on /dev/full, stdout closed (>&-), and a report file that cannot be written.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# A full device of our own when we may make one: a writer that replaces what it is given (as
# the one before issue 15 did, as root) then replaces this copy, never the system's /dev/full.
full=/dev/full
if mknod -m 666 "$tmp/full" c 1 7 2>/dev/null; then full=$tmp/full; fi
data=$src/tests/data
report=$data/report/one_source_pass.json
# Each command with arguments that make it print something on stdout and succeed or gate.
commands=(
  "version"
  "--help"
  "plan --tolerance 0.05"
  "analyze $data/analyze/balanced.txt"
  "endpoints $data/endpoints/helloworld_two_clusters.txt --cidr cluster1=10.241.0.0/16 --cidr cluster2=10.244.0.0/16"
  "report $report"
  "merge $report $report"
  "check -c $src/scripts/lab/mesh.yaml --dry-run"
  "load --direct --url http://127.0.0.1:9/ --requests 2 --duration 2s --timeout 1s"
)

for cmd in "${commands[@]}"; do
  # The command works when stdout can be written (0, 1 or 4).
  rc=0
  # shellcheck disable=SC2086 # cmd holds a command word and its arguments
  "$bin" $cmd >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  [[ $rc -eq 0 || $rc -eq 1 || $rc -eq 4 ]] || { bad "$cmd: exit $rc: $(cat "$tmp/err")"; continue; }
  [[ -s $tmp/out ]] || bad "$cmd printed nothing"
  for where in full closed; do
    rc=0
    if [[ $where == full ]]; then
      # shellcheck disable=SC2086
      "$bin" $cmd >/dev/full 2>"$tmp/err" </dev/null || rc=$?
    else
      # shellcheck disable=SC2086
      "$bin" $cmd >&- 2>"$tmp/err" </dev/null || rc=$?
    fi
    [[ $rc -eq 3 ]] || bad "$cmd, stdout $where: exit $rc, want 3"
    [[ $(grep -c "could not write stdout" "$tmp/err") -eq 1 ]] ||
      bad "$cmd, stdout $where: message: $(cat "$tmp/err")"
  done
done

# A report file that cannot be written: exit 3, one line naming it, for each file-writing command.
for cmd in "report $report" "merge $report $report" "analyze $data/analyze/balanced.txt"; do
  for target in "$full" "$tmp/no/such/dir/r.json"; do
    # shellcheck disable=SC2086
    expect_rc 3 "$bin" $cmd --json "$target"
    grep -q "^meshverify ${cmd%% *}: $target: " "$tmp/err" || bad "$cmd --json $target: $(cat "$tmp/err")"
  done
done

finish write_errors_test
