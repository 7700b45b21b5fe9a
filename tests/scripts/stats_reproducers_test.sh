#!/usr/bin/env bash
# The reproducers of issue 11 (statistics), each run as the issue wrote it against the real
# binary: L1 is `yes 'Hello version: v1, instance: helloworld-v1-a'`, L2 the same for v2.
# Exact values come from tests/stats/reference_values.py (python3 fractions/decimal).
set -uo pipefail

root="${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
build="${MESHVERIFY_BUILD_DIR:-$root/build}"
bin="${MESHVERIFY_BINARY:-$build/meshverify}"
if ! command -v jq >/dev/null; then
  echo "stats_reproducers_test: jq missing (scripts/deps.sh installs it)" >&2
  exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
# outcome STATUS OK_MESSAGE FAIL_MESSAGE: pass or fail by the status of the check before it.
outcome() { if [[ $1 -eq 0 ]]; then pass "$2"; else fail "$3"; fi; }

L1() { yes 'Hello version: v1, instance: helloworld-v1-a'; }
L2() { yes 'Hello version: v2, instance: helloworld-v2-a'; }
L3() { yes 'Hello version: v3, instance: helloworld-v3-a'; }

# run NAME CMD...: stdout to $tmp/NAME.out, stderr to $tmp/NAME.err, exit code in $rc.
run() {
  local name=$1
  shift
  rc=0
  "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
}

# near GOT WANT TOL: |GOT / WANT - 1| < TOL.
near() { jq -en --argjson g "$1" --argjson w "$2" --argjson t "$3" '(($g / $w) - 1 | fabs) < $t' >/dev/null; }

# 1. 279 v1 and 25 v2 against 0.9/0.1 passed (exit 0): the exact gate cannot call it balanced.
(L1 | head -n 279; L2 | head -n 25) >"$tmp/1.txt"
run item1 "$bin" analyze - --expect v1=0.9,v2=0.1 <"$tmp/1.txt"
[[ $rc -eq 4 ]]
outcome $? "item 1: 279/25 against 0.9/0.1 is inconclusive (exit 4)" \
  "item 1: exit $rc, want 4: $(head -3 "$tmp/item1.out")"

# 2. plan at the defaults: at most 1600 requests per source (1754 before).
run item2 "$bin" plan -o json
n=$(jq -r .requests_per_source "$tmp/item2.out")
[[ $rc -eq 0 && $n -le 1600 ]]
outcome $? "item 2: plan at the defaults is $n requests per source" \
  "item 2: plan exit $rc, $n requests per source"

# 3. 1040/960 against 0.5/0.5: the interval shown is the one that decided balanced.
(L1 | head -n 1040; L2 | head -n 960) >"$tmp/3.txt"
run item3 "$bin" analyze - --expect v1=0.5,v2=0.5 <"$tmp/3.txt"
grep -Eq '^  v1 +1040 +52\.0%  \[49\.4%, 54\.6%\] 98% +50\.0%  balanced$' "$tmp/item3.out" &&
  [[ $rc -eq 0 ]]
outcome $? "item 3: v1 shows [49.4%, 54.6%] 98%, inside 45%..55%, balanced" \
  "item 3: exit $rc: $(grep '  v1 ' "$tmp/item3.out")"
run item3j "$bin" analyze - --expect v1=0.5,v2=0.5 -o json <"$tmp/3.txt"
ci=$(jq -c '.sources[0].by_version.v1 | [.ci[0], .ci[1], .ci_level]' "$tmp/item3j.out")
near "$(jq '.[0]' <<<"$ci")" 4.93742856828676439968e-1 1e-9 &&
  near "$(jq '.[1]' <<<"$ci")" 5.46177361524196847117e-1 1e-9 &&
  [[ $(jq '.[2]' <<<"$ci") == 0.98 ]]
outcome $? "item 3: JSON ci $ci is the exact 98% interval" \
  "item 3: JSON ci $ci"

# 4. G at N = 1e6 near the expected counts, and at N = 1e10 through merge.
(L1 | head -n 500001; L2 | head -n 499999) >"$tmp/4.txt"
run item4 "$bin" analyze - --expect v1=0.5,v2=0.5 -o json <"$tmp/4.txt"
g=$(jq '.sources[0].tests.g_test.statistic' "$tmp/item4.out")
p=$(jq '.sources[0].tests.g_test.p_value' "$tmp/item4.out")
near "$g" 4.00000000000266666667e-6 1e-9 && near "$p" 9.98404231942239180129e-1 1e-9
outcome $? "item 4: G = $g, p = $p at N = 1e6" "item 4: G = $g, p = $p"
# The same report with its counts scaled to 5e9 + 1 / 5e9 - 1: merge recomputes from counts.
jq '
  def scale: .count = (if .count > 500000 then 5000000001 else 4999999999 end);
  (.sources[0], .total) |= (.requests = 10000000000 | .ok = 10000000000
    | .by_version |= map_values(scale) | .by_instance |= map_values(scale))' \
  "$tmp/item4.out" >"$tmp/4big.json"
run item4m "$bin" merge "$tmp/4big.json" -o json
g=$(jq '.sources[0].tests.g_test.statistic' "$tmp/item4m.out")
p=$(jq '.sources[0].tests.g_test.p_value' "$tmp/item4m.out")
near "$g" 4.00000000000000000003e-10 1e-9 && near "$p" 9.99984042308785006539e-1 1e-9
outcome $? "item 4: G = $g, p = $p at N = 1e10 through merge" \
  "item 4: merge exit $rc, G = $g, p = $p: $(head -c 300 "$tmp/item4m.err")"

# 5. --alpha 1e-300 at N = 1e6, 500000 / 500000: [0, 1] and "1000000000 more requests" before.
(L1 | head -n 500000; L2 | head -n 500000) >"$tmp/5.txt"
run item5 "$bin" analyze - --expect v1=0.5,v2=0.5 --alpha 1e-300 -o json <"$tmp/5.txt"
lo=$(jq '.sources[0].by_version.v1.ci[0]' "$tmp/item5.out")
hi=$(jq '.sources[0].by_version.v1.ci[1]' "$tmp/item5.out")
near "$lo" 4.81482310951324368969e-1 1e-9 && near "$hi" 5.18517689048675631031e-1 1e-9 &&
  [[ $rc -eq 0 ]]
outcome $? "item 5: alpha 1e-300 gives [$lo, $hi], balanced" \
  "item 5: exit $rc, ci [$lo, $hi]"

# 6. 495 v1, 495 v2 and 10 v3 against v1=0.5,v2=0.5: an unexpected version fails.
(L1 | head -n 495; L2 | head -n 495; L3 | head -n 10) >"$tmp/6.txt"
run item6 "$bin" analyze - --expect v1=0.5,v2=0.5 -o json <"$tmp/6.txt"
detail=$(jq -r '.checks[] | select(.name == "balance") | .detail' "$tmp/item6.out")
[[ $rc -eq 1 && $detail == *"v3 got 10 answers, expected none"* ]]
outcome $? "item 6: exit 1: $detail" "item 6: exit $rc: $detail"
jq -e '.sources[0].tests | (.chi_square.statistic | type == "number")
  and (.g_test.statistic | type == "number") and (.chi_square.note | test("10 answers"))' \
  "$tmp/item6.out" >/dev/null
outcome $? "item 6: chi-square and G are numbers, with a note" \
  "item 6: tests $(jq -c '.sources[0].tests' "$tmp/item6.out")"

# 7. Thirds: rounded decimals, fractions and weights are accepted; weights say so.
(L1 | head -n 100; L2 | head -n 100; L3 | head -n 100) >"$tmp/7.txt"
for expect in v1=0.333333,v2=0.333333,v3=0.333333 v1=1/3,v2=1/3,v3=1/3 v1=1,v2=1,v3=1; do
  run item7 "$bin" analyze - --expect "$expect" -o json <"$tmp/7.txt"
  v1=$(jq '.sources[0].by_version.v1.expected' "$tmp/item7.out")
  [[ $rc -ne 2 ]] && near "$v1" 0.333333333333333 1e-12
  outcome $? "item 7: --expect $expect accepted (exit $rc)" \
    "item 7: --expect $expect: exit $rc $(cat "$tmp/item7.err")"
done
jq -e '.notes | any(test("weights 1/1/1 normalised to shares"))' "$tmp/item7.out" >/dev/null
outcome $? "item 7: the notes say the weights were normalised" \
  "item 7: notes $(jq -c .notes "$tmp/item7.out")"
run item7bad "$bin" analyze - --expect v1=0.3,v2=0.6 <"$tmp/7.txt"
[[ $rc -eq 2 ]] && grep -q 'shares sum to 0.9, not 1' "$tmp/item7bad.err"
outcome $? "item 7: 0.3/0.6 is still refused" "item 7: 0.3/0.6 exit $rc"

# 8. plan: the power at the planned n reaches the target (that it stays there is tested
# exactly in tests/stats/plan_test.cc).
jq -e '.power_at_n >= .power' "$tmp/item2.out" >/dev/null
outcome $? "item 8: power at n = $(jq .power_at_n "$tmp/item2.out")" "item 8: $(cat "$tmp/item2.out")"

if [[ $failures -gt 0 ]]; then
  echo "stats_reproducers_test: $failures failure(s)" >&2
  exit 1
fi
echo "stats_reproducers_test: all passed"
