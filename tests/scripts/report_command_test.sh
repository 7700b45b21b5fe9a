#!/usr/bin/env bash
# `meshverify report`: renders saved reports in every format, re-gates them (exit code = the
# report's verdict), prints the -o format on stdout and writes --json/--junit/--markdown/--html
# files, reads stdin, and rejects bad files with one line and exit 2.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
data="$src/tests/data/report"

# The verdict decides the exit code, whatever the format.
for pair in empty:3 one_source_pass:0 two_sources_fail:1 errors_only:1 inconclusive:4; do
  name=${pair%%:*} want=${pair##*:}
  for format in text markdown junit html json; do
    expect_rc "$want" "$bin" report "$data/$name.json" --format "$format"
  done
done

# stdout equals the golden; a file flag writes the same bytes; '-' reads stdin.
expect_rc 1 "$bin" report "$data/two_sources_fail.json" --format junit
cmp -s "$tmp/out" "$data/two_sources_fail.xml.gold" || bad "junit stdout differs from golden"
# -o is the stdout format, as in every command (it used to write a file named after it).
expect_rc 1 "$bin" report "$data/two_sources_fail.json" -o html
cmp -s "$tmp/out" "$data/two_sources_fail.html.gold" || bad "-o html stdout differs from golden"
[[ ! -e html ]] || bad "-o html wrote a file named html"
expect_rc 0 "$bin" report "$data/one_source_pass.json" --markdown "$tmp/r.md" --json "$tmp/r.json"
cmp -s "$tmp/out" "$data/one_source_pass.txt.gold" || bad "stdout with file flags is not the text"
cmp -s "$tmp/r.md" "$data/one_source_pass.md.gold" || bad "--markdown file differs from golden"
cmp -s "$tmp/r.json" "$data/one_source_pass.json.gold" || bad "--json file differs from golden"
expect_rc 2 "$bin" report "$data/one_source_pass.json" -o "$tmp/r.md"
grep -q "expected text, json, markdown, junit or html" "$tmp/err" || bad "-o PATH message"
"$bin" report - <"$data/inconclusive.json" >"$tmp/stdin.txt" 2>/dev/null
[[ $? -eq 4 ]] || bad "stdin: wrong exit code"
cmp -s "$tmp/stdin.txt" "$data/inconclusive.txt.gold" || bad "stdin render differs from golden"

# Bad input: one line naming the file and the place, exit 2.
printf '{"schema": "meshverify.report/v1",\n  "verdict": }' >"$tmp/broken.json"
expect_rc 2 "$bin" report "$tmp/broken.json"
grep -q "^meshverify report: $tmp/broken.json: byte [0-9]*, line 2, column" "$tmp/err" ||
  bad "syntax error message: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/err") -eq 1 ]] || bad "error is not one line"
sed 's/"requests": 1000,/"requests": "many",/' "$data/one_source_pass.json" >"$tmp/typed.json"
expect_rc 2 "$bin" report "$tmp/typed.json"
grep -qx "meshverify report: $tmp/typed.json: /sources/0/requests: expected unsigned integer" \
  "$tmp/err" || bad "type error message: $(cat "$tmp/err")"
head -c 4096 /dev/urandom >"$tmp/garbage.json"
expect_rc 2 "$bin" report "$tmp/garbage.json"
: >"$tmp/empty.json"
expect_rc 2 "$bin" report "$tmp/empty.json"
expect_rc 2 "$bin" report "$tmp/missing.json"
grep -q "missing.json" "$tmp/err" || bad "missing file not named"
expect_rc 2 "$bin" report "$data/empty.json" --format pdf
expect_rc 2 "$bin" report
expect_rc 2 "$bin" report "$data/empty.json" --no-such-flag
expect_rc 3 "$bin" report "$data/empty.json" --html "$tmp/no/such/dir/out.html"
expect_rc 0 "$bin" report --list-formats
grep -qx "markdown md" "$tmp/out" || bad "--list-formats: $(cat "$tmp/out")"
expect_rc 0 "$bin" report --help
grep -q -- "--format" "$tmp/out" || bad "--help does not list --format"

# A load report (meshverify.load/v1) is rendered by load's renderers, exit code = its verdict;
# -o json gives the same report back.
load=$src/reports/samples/load/direct.json
expect_rc 0 "$bin" report "$load"
grep -q '^meshverify load: pass$' "$tmp/out" || bad "load report text: $(head -n 1 "$tmp/out")"
expect_rc 0 "$bin" report "$load" -o json --html "$tmp/load.html" --markdown "$tmp/load.md"
[[ "$(jq -S 'del(.steps[].start_unix_s)' "$tmp/out")" == "$(jq -S 'del(.steps[].start_unix_s)' "$load")" ]] ||
  bad "report -o json of a load report is not the report"
grep -q '<svg class="chart"' "$tmp/load.html" || bad "load report --html has no chart"
grep -q '^| step | window s |' "$tmp/load.md" || bad "load report --markdown has no window table"
# A failing load report (an SLO failed, and so the verdict) exits 1; a verdict edited alone
# disagrees with the SLOs: exit 2, one line naming /verdict.
jq '.verdict = "fail" | .slos[1].status = "fail"' "$load" >"$tmp/load_fail.json"
expect_rc 1 "$bin" report "$tmp/load_fail.json" -o junit
jq '.verdict = "fail"' "$load" >"$tmp/load_edited.json"
expect_rc 2 "$bin" report "$tmp/load_edited.json"
grep -qx "meshverify report: $tmp/load_edited.json: /verdict: fail, but its SLOs give pass" "$tmp/err" ||
  bad "an edited load verdict: $(cat "$tmp/err")"
jq '.requests = 1' "$load" >"$tmp/load_bad.json"
expect_rc 2 "$bin" report "$tmp/load_bad.json"

finish report_command_test
