#!/usr/bin/env bash
# An input that cannot be read says why (issue 15 item 8), never "empty input": a directory,
# a read that fails with EIO (/proc/self/mem at offset 0) and a closed stdin each give one
# line naming the input and the reason, and exit 2, for every command that reads an input.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# expect_error CMD… -- INPUT WANT: `meshverify CMD… INPUT` exits 2 with the one line WANT.
expect_error() {
  local input=$1 want=$2 rc=0
  shift 2
  if [[ $input == closed ]]; then
    "$bin" "$@" - >"$tmp/out" 2>"$tmp/err" <&- || rc=$?
  else
    "$bin" "$@" "$input" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  fi
  [[ $rc -eq 2 ]] || bad "$* $input: exit $rc, want 2: $(head -c 300 "$tmp/err")"
  [[ "$(cat "$tmp/err")" == "$want" ]] || bad "$* $input: stderr '$(head -c 300 "$tmp/err")', want '$want'"
}

dir=$tmp/adir
mkdir -p "$dir"
for cmd in "report" "merge" "endpoints" "check -c" "analyze"; do
  name=${cmd%% *}
  # shellcheck disable=SC2086 # cmd holds a command word and maybe a flag
  {
    expect_error "$dir" "meshverify $name: $dir: Is a directory" $cmd
    expect_error /proc/self/mem "meshverify $name: /proc/self/mem: Input/output error" $cmd
    expect_error closed "meshverify $name: -: cannot read stdin: Bad file descriptor" $cmd
  }
done
expect_error "cluster1=$dir" "meshverify endpoints: $dir: Is a directory" endpoints \
  "$src/tests/data/endpoints/helloworld_two_clusters.txt" --kind-config

finish input_errors
