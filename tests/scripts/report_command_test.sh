#!/usr/bin/env bash
# `meshverify report`: renders saved reports in every format, re-gates them (exit code = the
# report's verdict), prints the -o format on stdout and writes --json/--junit/--markdown/--html
# files, reads stdin, and rejects bad files with one line and exit 2.
set -uo pipefail

root="${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
bin="${MESHVERIFY_BINARY:-$root/build/meshverify}"
data="$root/tests/data/report"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

expect_rc() {  # expect_rc WANT CMD...
  local want=$1 rc=0
  shift
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [[ $rc -eq $want ]] || fail "$* exited $rc, want $want; stderr: $(cat "$tmp/err")"
}

# The verdict decides the exit code, whatever the format.
for pair in empty:3 one_source_pass:0 two_sources_fail:1 errors_only:1 inconclusive:4; do
  name=${pair%%:*} want=${pair##*:}
  for format in text markdown junit html json; do
    expect_rc "$want" "$bin" report "$data/$name.json" --format "$format"
  done
done

# stdout equals the golden; a file flag writes the same bytes; '-' reads stdin.
expect_rc 1 "$bin" report "$data/two_sources_fail.json" --format junit
cmp -s "$tmp/out" "$data/two_sources_fail.xml.gold" || fail "junit stdout differs from golden"
# -o is the stdout format, as in every command (it used to write a file named after it).
expect_rc 1 "$bin" report "$data/two_sources_fail.json" -o html
cmp -s "$tmp/out" "$data/two_sources_fail.html.gold" || fail "-o html stdout differs from golden"
[[ ! -e html ]] || fail "-o html wrote a file named html"
expect_rc 0 "$bin" report "$data/one_source_pass.json" --markdown "$tmp/r.md" --json "$tmp/r.json"
cmp -s "$tmp/out" "$data/one_source_pass.txt.gold" || fail "stdout with file flags is not the text"
cmp -s "$tmp/r.md" "$data/one_source_pass.md.gold" || fail "--markdown file differs from golden"
cmp -s "$tmp/r.json" "$data/one_source_pass.json.gold" || fail "--json file differs from golden"
expect_rc 2 "$bin" report "$data/one_source_pass.json" -o "$tmp/r.md"
grep -q "expected text, json, markdown, junit or html" "$tmp/err" || fail "-o PATH message"
"$bin" report - <"$data/inconclusive.json" >"$tmp/stdin.txt" 2>/dev/null
[[ $? -eq 4 ]] || fail "stdin: wrong exit code"
cmp -s "$tmp/stdin.txt" "$data/inconclusive.txt.gold" || fail "stdin render differs from golden"

# Bad input: one line naming the file and the place, exit 2.
printf '{"schema": "meshverify.report/v1",\n  "verdict": }' >"$tmp/broken.json"
expect_rc 2 "$bin" report "$tmp/broken.json"
grep -q "^meshverify report: $tmp/broken.json: byte [0-9]*, line 2, column" "$tmp/err" ||
  fail "syntax error message: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "error is not one line"
sed 's/"requests": 1000,/"requests": "many",/' "$data/one_source_pass.json" >"$tmp/typed.json"
expect_rc 2 "$bin" report "$tmp/typed.json"
grep -qx "meshverify report: $tmp/typed.json: /sources/0/requests: expected unsigned integer" \
  "$tmp/err" || fail "type error message: $(cat "$tmp/err")"
head -c 4096 /dev/urandom >"$tmp/garbage.json"
expect_rc 2 "$bin" report "$tmp/garbage.json"
: >"$tmp/empty.json"
expect_rc 2 "$bin" report "$tmp/empty.json"
expect_rc 2 "$bin" report "$tmp/missing.json"
grep -q "missing.json" "$tmp/err" || fail "missing file not named"
expect_rc 2 "$bin" report "$data/empty.json" --format pdf
expect_rc 2 "$bin" report
expect_rc 2 "$bin" report "$data/empty.json" --no-such-flag
expect_rc 3 "$bin" report "$data/empty.json" --html "$tmp/no/such/dir/out.html"
expect_rc 0 "$bin" report --list-formats
grep -qx "markdown md" "$tmp/out" || fail "--list-formats: $(cat "$tmp/out")"
expect_rc 0 "$bin" report --help
grep -q -- "--format" "$tmp/out" || fail "--help does not list --format"

if [[ $failures -gt 0 ]]; then
  echo "report_command_test: $failures failure(s)" >&2
  exit 1
fi
echo "report_command_test: ok"
