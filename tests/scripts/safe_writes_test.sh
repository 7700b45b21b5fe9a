#!/usr/bin/env bash
# Report files are written safely (issue 15 item 1): a regular file atomically through a mkstemp
# temp beside it (no temp left, concurrent writers never collide), a symlink's target written
# and the link kept, a FIFO and /dev/stdout written through and never replaced, /dev/full an
# error with exit 3 -- for every file flag of report, merge and analyze.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# A full device of our own when we may make one: a writer that replaces what it is given (as
# the one before issue 15 did, as root) then replaces this copy, never the system's /dev/full.
full=/dev/full
if mknod -m 666 "$tmp/full" c 1 7 2>/dev/null; then full=$tmp/full; fi
data="$src/tests/data/report"
in="$data/one_source_pass.json"

# Every format flag of `report`, to a symlink: the target holds the golden, the link stays.
mkdir "$tmp/real"
for pair in json:json.gold junit:xml.gold markdown:md.gold html:html.gold; do
  flag=${pair%%:*} gold=${pair##*:}
  echo old >"$tmp/real/r.$flag"
  ln -s "real/r.$flag" "$tmp/link.$flag"
  expect_rc 0 "$bin" report "$in" "--$flag" "$tmp/link.$flag"
  [[ -L "$tmp/link.$flag" ]] || bad "--$flag replaced the symlink"
  cmp -s "$tmp/real/r.$flag" "$data/one_source_pass.$gold" || bad "--$flag: target not written"
done
leftover=$(find "$tmp" "$tmp/real" -maxdepth 1 -name '.*.??????' | wc -l)
[[ $leftover -eq 0 ]] || bad "temp files left behind: $leftover"

# A FIFO: written through to its reader, still a FIFO afterwards.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from_fifo" &
reader=$!
expect_rc 0 "$bin" report "$in" --json "$tmp/fifo"
wait "$reader"
cmp -s "$tmp/from_fifo" "$data/one_source_pass.json.gold" || bad "FIFO reader got other bytes"
[[ -p "$tmp/fifo" ]] || bad "the FIFO was replaced"

# /dev/stdout, to a pipe and to a redirected file: the report arrives, nothing is replaced.
"$bin" report "$in" -o json --json /dev/stdout 2>"$tmp/err" | cat >"$tmp/piped"
[[ $(grep -c '"schema"' "$tmp/piped") -eq 2 ]] || bad "/dev/stdout in a pipe: $(cat "$tmp/err")"
"$bin" report "$in" -o json --json /dev/stdout >"$tmp/redirected" 2>"$tmp/err"
[[ $(grep -c '"schema"' "$tmp/redirected") -eq 2 ]] ||
  bad "/dev/stdout to a file lost a copy: $(cat "$tmp/err")"

# /dev/full: one line naming the path, exit 3, the device untouched.
for cmd in "report $in" "merge $in $in" "analyze $src/tests/data/analyze/balanced.txt"; do
  # shellcheck disable=SC2086 # cmd holds a command word and its arguments
  expect_rc 3 "$bin" $cmd --json "$full"
  grep -qx "meshverify ${cmd%% *}: $full: No space left on device" "$tmp/err" ||
    bad "$cmd --json $full: $(cat "$tmp/err")"
done
[[ -c "$full" ]] || bad "$full is no longer a device"

# Six concurrent runs to one path all succeed; the file is one whole report.
pids=()
for i in 1 2 3 4 5 6; do
  "$bin" merge "$in" "$in" --json "$tmp/shared.json" >/dev/null 2>"$tmp/err.$i" &
  pids+=($!)
done
for i in 0 1 2 3 4 5; do
  wait "${pids[$i]}" || bad "concurrent run $((i + 1)) failed: $(cat "$tmp/err.$((i + 1))")"
done
"$bin" report "$tmp/shared.json" >/dev/null 2>&1 || bad "the concurrently written file is broken"
[[ $(find "$tmp" -maxdepth 1 -name '.shared.json.*' | wc -l) -eq 0 ]] || bad "temp files left"

finish safe_writes_test
