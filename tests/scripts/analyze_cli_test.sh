#!/usr/bin/env bash
# `meshverify analyze` and `meshverify merge`, the real binary on tests/data/analyze/:
# exit codes for pass / fail / inconclusive / bad input whatever the output format, the shape
# of `-o json` (jq), one-line errors, and --json reports left in
# $MESHVERIFY_BUILD_DIR/test-reports/analyze_cli/ for report_schema_test to validate.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
skip_without jq "scripts/deps.sh installs it"
data="$src/tests/data/analyze"
reports="$build/test-reports/analyze_cli"
mkdir -p "$reports"

half=(--expect "v1=0.5,v2=0.5")
# name:file:want — the verdict decides the exit code in every output format.
for c in pass:balanced.txt:0 fail:skewed.txt:1 inconclusive:tiny.txt:4 records:records.jsonl:0 \
  route_drop:route_drop.jsonl:1 unparsed:unparsed.txt:1; do
  IFS=: read -r name file want <<<"$c"
  expect_rc "$want" "$bin" analyze "$data/$file" "${half[@]}"
  grep -q "^$(case $want in 0) echo PASS ;; 1) echo FAIL ;; 4) echo INCONCLUSIVE ;; esac)" "$tmp/out" ||
    bad "$name: text output does not start with the verdict: $(head -1 "$tmp/out")"
  expect_rc "$want" "$bin" analyze "$data/$file" "${half[@]}" -o json --json "$reports/$name.json" \
    --junit "$tmp/$name.xml" --markdown "$tmp/$name.md"
  verdict=$(case $want in 0) echo pass ;; 1) echo fail ;; 4) echo inconclusive ;; esac)
  jq -e --arg v "$verdict" '
    .schema == "meshverify.report/v1" and .verdict == $v
    and (.sources | length) >= 1
    and ([.sources[], .total] | all(.requests == .ok + ([.errors[]] | add // 0)))
    and (.checks | map(.name) | index("balance") != null)
    and (.checks | all(.status | IN("pass", "fail", "inconclusive", "skipped")))
    and (.total.by_version | to_entries | all(.value.ci[0] <= .value.share and .value.share <= .value.ci[1]))
    and .config.gate.tolerance == 0.05' "$tmp/out" >/dev/null ||
    bad "$name: -o json does not have the expected shape: $(head -c 400 "$tmp/out")"
  cmp -s <(jq -S . "$tmp/out") <(jq -S . "$reports/$name.json") || bad "$name: --json differs from -o json"
  [[ -s "$tmp/$name.xml" && -s "$tmp/$name.md" ]] || bad "$name: --junit/--markdown not written"
done

# stdin, '-' and several files (each a source).
"$bin" analyze - <"$data/balanced.txt" >/dev/null 2>&1 || bad "analyze - exited $?"
"$bin" analyze "${half[@]}" -o json <"$data/balanced.txt" >"$tmp/stdin.json" 2>/dev/null ||
  bad "stdin analyze exited $?"
jq -e '.total.ok == 2000' "$tmp/stdin.json" >/dev/null || bad "stdin: wrong total"
"$bin" analyze "$data/balanced.txt" "$data/skewed.txt" "${half[@]}" -o json >"$tmp/two.json" 2>/dev/null
[[ $? -eq 1 ]] || bad "two files: want exit 1 (one source skewed)"
jq -e '(.sources | length) == 2 and .total.ok == 4000' "$tmp/two.json" >/dev/null ||
  bad "two files: want two sources"

# Bad input: one line naming the place, exit 2, nothing on stdout.
expect_bad_input() {  # expect_bad_input PATTERN ARGS...
  local pattern=$1
  shift
  expect_rc 2 "$bin" analyze "$@"
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || bad "analyze $*: error is not one line: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || bad "analyze $*: error lacks '$pattern': $(cat "$tmp/err")"
  [[ ! -s "$tmp/out" ]] || bad "analyze $*: wrote to stdout"
}
expect_bad_input "empty.txt: no input" "$data/empty.txt"
expect_bad_input "-: no input" -
expect_bad_input "binary.bin: byte" "$data/binary.bin"
expect_bad_input "bad_record.jsonl:1:" "$data/bad_record.jsonl"
expect_bad_input "missing.txt" "$data/missing.txt"
expect_bad_input "bogus" --bogus "$data/balanced.txt"
expect_bad_input "--expect" "$data/balanced.txt" --expect v1=0.5,v2=0.6
expect_bad_input "--expect" "$data/balanced.txt" --expect v1=1.5,v2=-0.5
expect_bad_input "--format" "$data/balanced.txt" --format xml
head -c 100000 /dev/urandom >"$tmp/garbage.bin"
expect_rc 2 "$bin" analyze "$tmp/garbage.bin"

# merge: two inconclusive runs of one source (500 answers each) decide together.
for run in a b; do
  for _ in $(seq 250); do
    echo "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv"
    echo "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m"
  done >"$tmp/$run.txt"
done
"$bin" analyze - "${half[@]}" --json "$tmp/a.json" <"$tmp/a.txt" >/dev/null 2>&1
"$bin" analyze - "${half[@]}" --json "$tmp/b.json" <"$tmp/b.txt" >/dev/null 2>&1
jq -e '.verdict == "inconclusive"' "$tmp/a.json" >/dev/null || bad "half capture is not inconclusive"
expect_rc 0 "$bin" merge "$tmp/a.json" "$tmp/b.json" -o json --json "$reports/merged.json"
jq -e '(.sources | length) == 1 and .sources[0].ok == 1000 and .verdict == "pass"' "$tmp/out" \
  >/dev/null || bad "merge: $(head -c 300 "$tmp/out")"
expect_rc 2 "$bin" merge "$data/balanced.txt"
expect_rc 2 "$bin" merge

finish analyze_cli_test
