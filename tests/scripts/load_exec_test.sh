#!/usr/bin/env bash
# `meshverify load` in exec mode (the default), the real binary against a fake kubectl: `get
# pods` answers two clusters with one sleep pod each, `exec ... -- sh -c SCRIPT` runs the real
# probe script on this machine, whose real curl loads the lab's helloworld-server on loopback.
# Checks: every source pod probed at once, one exec per pod in open loop and for a count,
# batches for a closed loop with a duration, accounting in every window, the pods' flush interval
# (0.2 s open loop, 1 s closed loop), the answers attributed to the destination pod's cluster,
# and a run with no source pod exits 3 in one line.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
root=$src
skip_without jq "scripts/deps.sh installs it"
start_helloworld_server v1 helloworld-v1-lo
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

mkdir -p "$tmp/bin"
cat >"$tmp/bin/kubectl" <<'SH'
#!/usr/bin/env bash
# Fake kubectl: pods from $FAKE_PODS (none when set to "none"), exec runs the script here.
context="" selector="" script=""
while [ $# -gt 0 ]; do
  case $1 in
    --context) context=$2; shift ;;
    -l) selector=$2; shift ;;
    --) script=${*: -1}; break ;;
  esac
  shift
done
pod() {  # NAME NAMESPACE
  printf '{"metadata":{"name":"%s","namespace":"%s","labels":{}},"spec":{"nodeName":"n"},' "$1" "$2"
  printf '"status":{"phase":"Running","podIP":"10.0.0.1","conditions":[{"type":"Ready","status":"True"}]}}'
}
if [ -n "$script" ]; then
  echo "exec $context" >>"$FAKE_LOG"
  printf '%s\n' "$script" | grep -o 'flush_s=[0-9.]*' >>"$FAKE_LOG"
  exec sh -c "$script"
fi
n=${context#kind-cluster}
case $selector in
  app=sleep) [ "${FAKE_PODS:-}" = none ] && { echo '{"items":[]}'; exit 0; }
             echo "{\"items\":[$(pod "sleep-$n" sample)]}" ;;
  app=helloworld) if [ "$n" = 1 ]; then echo "{\"items\":[$(pod helloworld-v1-lo sample)]}"; else echo '{"items":[]}'; fi ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 1 ;;
esac
SH
chmod +x "$tmp/bin/kubectl"
sed -e "s|url: http://helloworld.sample:5000/hello|url: http://127.0.0.1:$port/hello|" \
  -e 's|timeout: 5s|timeout: 2s|' "$root/scripts/lab/mesh.yaml" >"$tmp/mesh.yaml"
export FAKE_LOG="$tmp/exec.log"

run() {  # run WANT_RC NAME ARGS...: runs load -c mesh.yaml ARGS with the fake kubectl
  local want=$1 name=$2 rc=0
  shift 2
  : >"$FAKE_LOG"
  PATH="$tmp/bin:$PATH" "$bin" load -c "$tmp/mesh.yaml" --json "$tmp/$name.json" "$@" \
    >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  [[ $rc -eq $want ]] || fail "$name: exited $rc, want $want; stderr: $(head -c 300 "$tmp/err")"
}
accounting() {  # FILE: every window and pooled window keeps requests == ok + sum(errors)
  [[ $(jq '[.windows[], .pooled[] | select(.requests != .ok + ([.errors[]] | add // 0))] | length' "$1") -eq 0 ]] ||
    fail "$1: a window breaks requests == ok + sum(errors)"
}
execs() { grep -c "^exec kind-$1\$" "$FAKE_LOG"; }

# Open loop: 40 req/s per source for 3 s on 2 curls per pod, from both pods at once.
run 0 open --rate 40 --duration 3s --concurrency 2
j=$tmp/open.json
[[ $(jq -r .mode "$j") == exec ]] || fail "open: mode $(jq -r .mode "$j")"
[[ $(jq .requests "$j") -eq 240 && $(jq .ok "$j") -eq 240 ]] ||
  fail "open: requests $(jq .requests "$j"), ok $(jq .ok "$j"), want 240 (40/s x 3 s x 2 pods)"
[[ $(jq -r '[.windows[].source] | unique | join(",")' "$j") == "sleep-1,sleep-2" ]] ||
  fail "open: sources $(jq -c '[.windows[].source] | unique' "$j")"
[[ $(jq -r '[.windows[] | select(.source == "sleep-2") | .cluster] | unique | join(",")' "$j") == cluster2 ]] ||
  fail "open: sleep-2's cluster"
[[ $(jq '.summary.by_cluster.cluster1.count' "$j") -eq 240 ]] ||
  fail "open: answers attributed to cluster1: $(jq -c .summary.by_cluster "$j")"
[[ $(execs cluster1) -eq 1 && $(execs cluster2) -eq 1 ]] || fail "open: execs $(sort "$FAKE_LOG" | uniq -c)"
# Paced, not back to back: every one of the 3 windows holds requests of each source.
[[ $(jq '[.windows[] | select(.requests > 0)] | length' "$j") -ge 6 ]] ||
  fail "open: windows with requests: $(jq -c '[.windows[] | [.source, .start_s, .requests]]' "$j")"
grep -q "curl --rate" <<<"$(jq -r .latency_measured "$j")" || fail "open: latency_measured"
# Open loop flushes every 0.2 s (tight send estimates), closed loop every 1 s (as check).
flushes() { sort -u <(grep '^flush_s=' "$FAKE_LOG") | tr '\n' ' '; }
[[ $(flushes) == "flush_s=0.200 " ]] || fail "open: flushes $(flushes)"
accounting "$j"

# Closed loop for a count: 30 per source, one exec each.
run 0 count --requests 30 --concurrency 3
j=$tmp/count.json
[[ $(jq .requests "$j") -eq 60 && $(jq .ok "$j") -eq 60 ]] || fail "count: requests $(jq .requests "$j")"
[[ $(execs cluster1) -eq 1 && $(execs cluster2) -eq 1 ]] || fail "count: execs $(sort "$FAKE_LOG" | uniq -c)"
[[ $(flushes) == "flush_s=1 " ]] || fail "count: flushes $(flushes)"
accounting "$j"

# Closed loop for a duration: batches, none started after 2 s.
run 0 timed --duration 2s --concurrency 2
j=$tmp/timed.json
[[ $(jq .requests "$j") -gt 0 && $(jq .requests "$j") -eq $(jq .ok "$j") ]] ||
  fail "timed: requests $(jq .requests "$j"), ok $(jq .ok "$j")"
[[ $(execs cluster1) -ge 2 ]] || fail "timed: $(execs cluster1) exec(s) from cluster1, want batches"
[[ $(flushes) == "flush_s=1 " ]] || fail "timed: flushes $(flushes)"
accounting "$j"

# No source pod anywhere: could not run, one line.
FAKE_PODS=none run 3 nopods --requests 5
grep -q "^meshverify load: could not run: no Running and Ready source pod (-n sample -l app=sleep) in any cluster$" "$tmp/err" ||
  fail "nopods: stderr $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "nopods: stderr has $(wc -l <"$tmp/err") lines"

if [[ $failures -ne 0 ]]; then
  echo "load_exec_test: $failures failure(s)" >&2
  exit 1
fi
echo "load_exec_test: ok"
