#!/usr/bin/env bash
# `meshverify load --direct`, the real binary and real libcurl against the lab's real
# helloworld-server on loopback: exit codes (pass, SLO failed, usage errors with one-line
# messages), every output format, JSONL streamed one line per window,
# accounting in every window, fortio's fields. Reports are left in
# $MESHVERIFY_BUILD_DIR/test-reports-load/load_direct/ for load_schema_test to validate.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
reports="$build/test-reports-load/load_direct"
skip_without jq "scripts/deps.sh installs it"
start_helloworld_server v1 helloworld-v1-lo
mkdir -p "$reports"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

expect_rc() {  # expect_rc WANT CMD...
  local want=$1 rc=0
  shift
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  [[ $rc -eq $want ]] || fail "$* exited $rc, want $want; stderr: $(head -c 300 "$tmp/err")"
}

# A passing open-loop run with an event, every format.
expect_rc 0 "$bin" load --direct --url "$url" --rate 300 --duration 3s --warmup 1s \
  --at '1500ms=echo fault on; echo more' --expect v1=1 --slo 'errors<1%' --slo 'p99<1s' \
  --slo 'share(v1) in [0.9,1]' --json "$reports/open.json" --html "$tmp/r.html" \
  --markdown "$tmp/r.md" --fortio "$tmp/fortio.json" --jsonl "$tmp/w.jsonl"
grep -q '^meshverify load: pass$' "$tmp/out" || fail "text report: $(head -3 "$tmp/out")"
[[ -s $tmp/err ]] && fail "stderr not empty without a terminal: $(head -c 200 "$tmp/err")"
j="$reports/open.json"
[[ $(jq -r '.schema, .verdict, .mode' "$j" | tr '\n' ' ') == "meshverify.load/v1 pass direct " ]] ||
  fail "schema/verdict/mode: $(jq -c '[.schema, .verdict, .mode]' "$j")"
[[ $(jq '.requests' "$j") -eq 900 ]] || fail "requests $(jq '.requests' "$j"), want 300 x 3"
[[ $(jq '[.windows[], .pooled[] | select(.requests != .ok + ([.errors[]] | add // 0))] | length' "$j") -eq 0 ]] ||
  fail "a window breaks requests == ok + sum(errors)"
[[ $(jq '.windows | length' "$j") -eq 3 && $(jq '.pooled | length' "$j") -eq 3 ]] ||
  fail "windows: $(jq '.windows | length' "$j"), want 3"
[[ $(jq -r '.windows[0].warmup, .windows[1].warmup' "$j" | tr '\n' ' ') == "true false " ]] ||
  fail "warmup flags"
[[ $(jq -r '.events[0] | [.at_s, .exit_code, .output] | @tsv' "$j") == $'1.5\t0\tfault on' ]] ||
  fail "event: $(jq -c '.events[0]' "$j")"
[[ $(jq -r '[.slos[].status] | join(",")' "$j") == "pass,pass,pass" ]] || fail "slos"
[[ $(jq -r '.windows[1].by_version.v1.share' "$j") == 1 ]] || fail "share of v1"
[[ $(jq '.windows[1].latency_ms.unknown.p99 > 0' "$j") == true ]] || fail "latency_ms"
[[ $(wc -l <"$tmp/w.jsonl") -eq 3 ]] || fail "jsonl lines $(wc -l <"$tmp/w.jsonl"), want 3"
[[ $(jq -s '[.[].index] == [0,1,2] and ([.[].pooled.requests] | add) == 900' "$tmp/w.jsonl") == true ]] ||
  fail "jsonl content"
[[ $(jq -r '.RunType, .DurationHistogram.Count, .RetCodes["200"]' "$tmp/fortio.json" | tr '\n' ' ') == "HTTP 600 600 " ]] ||
  fail "fortio: $(jq -c '[.RunType, .DurationHistogram.Count, .RetCodes]' "$tmp/fortio.json")"
[[ $(jq '.ActualQPS > 290 and .ActualQPS < 310' "$tmp/fortio.json") == true ]] ||
  fail "fortio ActualQPS $(jq .ActualQPS "$tmp/fortio.json")"
[[ $(jq '.DurationHistogram.Percentiles | length' "$tmp/fortio.json") -eq 5 ]] || fail "percentiles"
grep -q '^| step | window s |' "$tmp/r.md" || fail "markdown table"
grep -q '<svg class="chart" data-chart="share-step0"' "$tmp/r.html" || fail "html chart"
grep -Eq 'https?://' <(grep -v 'xmlns="http://www.w3.org/2000/svg"' "$tmp/r.html") &&
  fail "html references the network"

# Closed loop with --requests, -o json on stdout, an SLO that fails (exit 1).
expect_rc 1 "$bin" load --direct --url "$url" --concurrency 4 --requests 400 \
  --slo 'p50<1us' -o json
[[ $(jq -r '.verdict, .requests, .slos[0].status' "$tmp/out" | tr '\n' ' ') == "fail 400 fail " ]] ||
  fail "closed loop -o json: $(jq -c '[.verdict, .requests, .slos]' "$tmp/out" 2>&1 | head -c 300)"
cp "$tmp/out" "$reports/closed.json"

# Unreachable target: every request is an error, counted, and an errors SLO fails.
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_rc 1 "$bin" load --direct --url "http://127.0.0.1:$dead/hello" --requests 50 \
  --concurrency 2 --slo 'errors<1%' --json "$reports/refused.json"
[[ $(jq '.errors.connect' "$reports/refused.json") -eq 50 ]] || fail "refused: $(jq -c .errors "$reports/refused.json")"

# Usage errors: one line on stderr, exit 2.
expect_usage() {  # expect_usage MESSAGE ARGS...
  local msg=$1
  shift
  expect_rc 2 "$bin" load "$@"
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "load $*: stderr is not one line: $(cat "$tmp/err")"
  grep -qF -- "$msg" "$tmp/err" || fail "load $*: stderr '$(cat "$tmp/err")' lacks '$msg'"
}
expect_usage "--slo 'p99(cluster2)<50xs': col 17: unknown unit 'xs' (ms, s or us)" \
  --direct --url "$url" --slo 'p99(cluster2)<50xs'
expect_usage "--sweep 'size=1': unknown axis 'size'" --direct --url "$url" --sweep size=1
expect_usage "--at 'soon': expected T=COMMAND" --direct --url "$url" --at soon
expect_usage "unrecognised option '--rps'" --direct --url "$url" --rps 5
expect_usage "--direct needs --url URL or -c" --direct
expect_usage "-c/--config FILE is required (or --direct --url URL)"
expect_usage "--rate must be positive" --direct --url "$url" --rate 0

if [[ $failures -ne 0 ]]; then
  echo "load_direct_test: $failures failure(s)" >&2
  exit 1
fi
echo "load_direct_test: ok"
