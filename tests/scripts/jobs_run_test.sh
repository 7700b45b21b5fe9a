#!/usr/bin/env bash
# `meshverify jobs run -- load` and `-- check` end to end against a fake kubectl (jobs_fake_kubectl.py) whose
# pods are real meshverify processes sending to the real helloworld-server on loopback:
# apply -> wait -> logs -> exact merge -> shard files -> cleanup; the merged counts are the sum
# of the shard reports'; a shard killed mid-run (SIGKILL) is listed by name as failed with its
# planned requests in not_reported and the run exits 3; for check, the merged total, by_cluster
# and by_version are the shards' sums and a killed shard fails the `shards` check by name;
# bad invocations exit 2.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
skip_without jq "scripts/deps.sh installs it"
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml missing"; exit 77; }
start_helloworld_server v1 helloworld-v1-lo
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
mkdir -p "$tmp/bin"
ln -s "$src/tests/scripts/jobs_fake_kubectl.py" "$tmp/bin/kubectl"
export PATH="$tmp/bin:$PATH" MESHVERIFY_BINARY="$bin"
sed "s|url: .*|url: http://127.0.0.1:$port/hello|" "$src/scripts/lab/mesh.yaml" >"$tmp/mesh.yaml"

run() {  # run STATE-DIR WANT-RC ARGS...
  local state=$1 want=$2 rc=0
  shift 2
  mkdir -p "$state"
  FAKE_KUBE_DIR=$state timeout 120 "$bin" jobs run -c "$tmp/mesh.yaml" --timeout 60s "$@" \
    >"$state/out" 2>"$state/err" </dev/null || rc=$?
  [[ $rc -eq $want ]] || fail "jobs run $* exited $rc, want $want: $(tail -3 "$state/err")"
}

# Three shards per cluster, every one completes.
s=$tmp/ok
run "$s" 0 --shards 3 --run-id ok1 --json "$s/M.json" --shard-dir "$s/D" -- load \
  --requests 300 --concurrency 4 --slo 'errors<1%'
m=$s/M.json
[[ $(find "$s/D" -name '*.json' | wc -l) -eq 6 ]] || fail "shard dir: $(ls "$s/D" 2>&1)"
sum() { jq -s "map($1) | add" "$s"/D/*.json; }
[[ $(jq .requests "$m") -eq 600 ]] || fail "merged requests $(jq .requests "$m"), want 2 x 300"
for field in .requests .ok '.by_version.v1.count // 0'; do
  [[ $(jq "$field" "$m") == "$(sum "$field")" ]] || fail "merged $field != the shards' sum"
done
[[ $(jq '[.shards[] | select(.status == "complete")] | length' "$m") -eq 6 ]] ||
  fail "shards: $(jq -c '.shards' "$m")"
[[ $(jq '.not_reported // 0' "$m") -eq 0 ]] || fail "not_reported on a complete run"
[[ $(jq -r '.config.jobs.run_id' "$m") == ok1 ]] || fail "config.jobs.run_id"
[[ $(grep -c 'job meshverify-load-ok1' "$s/deleted") -eq 2 ]] || fail "cleanup: $(cat "$s/deleted")"
grep -q '^meshverify load: pass' "$s/out" || fail "text report: $(head -2 "$s/out")"

# A shard killed mid-run: named, its planned requests accounted for, exit 3 (could not run).
s=$tmp/kill
FAKE_KUBE_KILL=cluster2/1 FAKE_KUBE_KILL_AFTER=0.5 run "$s" 3 --shards 3 --run-id kill1 \
  --json "$s/M.json" --keep -- load --rate 30 --duration 3s
m=$s/M.json
jq -e . "$m" >/dev/null 2>&1 || fail "no merged report after a killed shard"
[[ $(jq -r '[.shards[] | select(.status != "complete") | .name + " " + .status] | join(",")' "$m") == \
  "meshverify-load-kill1-1-ster2 failed" ]] || fail "killed shard: $(jq -c '.shards' "$m")"
[[ $(jq '.not_reported' "$m") -eq 30 ]] || fail "not_reported $(jq '.not_reported' "$m"), want 30/3 x 3 s"
[[ $(jq '[.shards[] | select(.status == "complete")] | length' "$m") -eq 5 ]] || fail "5 shards reported"
grep -q 'incomplete: meshverify-load-kill1-1-ster2 failed' "$s/out" ||
  fail "text report does not name the killed shard: $(head -5 "$s/out")"
[[ -e $s/deleted ]] && fail "--keep deleted: $(cat "$s/deleted")"

# -- check: the merged report's counts, by_cluster and by_version are the shards' sums.
s=$tmp/check
run "$s" 0 --shards 3 --run-id chk1 --json "$s/M.json" --shard-dir "$s/D" -- check --requests 300
m=$s/M.json
[[ $(find "$s/D" -name '*.json' | wc -l) -eq 6 ]] || fail "check shard dir: $(ls "$s/D" 2>&1)"
for field in '.total.requests' '.total.ok' '.total.by_cluster.unknown.count // 0' \
  '.total.by_version.v1.count // 0'; do
  [[ $(jq "$field" "$m") == "$(jq -s "map($field) | add" "$s"/D/*.json)" ]] ||
    fail "check: merged $field $(jq "$field" "$m") != the shards' sum"
done
[[ $(jq .total.requests "$m") -eq 600 ]] || fail "check: total $(jq .total.requests "$m"), want 2 x 300"
[[ $(jq '.sources | length' "$m") -eq 6 ]] || fail "check: one source per shard"
[[ $(jq -r '.checks[] | select(.name == "shards") | .status' "$m") == pass ]] || fail "check: shards"
[[ $(jq -r '.sources[0].latency_hist | length' "$m") -ge 1 ]] || fail "check: no histograms"

# -- check with a shard killed mid-run: named in the failed `shards` check, exit 3.
s=$tmp/check_kill
FAKE_KUBE_KILL=cluster1/2 FAKE_KUBE_KILL_AFTER=0.05 run "$s" 3 --shards 3 --run-id chk2 \
  --json "$s/M.json" -- check --requests 30000
m=$s/M.json
[[ $(jq -r '.checks[] | select(.name == "shards") | .status' "$m") == fail ]] ||
  fail "check kill: shards check $(jq -c '.checks[] | select(.name == "shards")' "$m")"
jq -r '.checks[] | select(.name == "shards") | .detail' "$m" | grep -q 'meshverify-check-chk2-2-ster1 failed' ||
  fail "check kill: not named: $(jq -r '.checks[] | select(.name == "shards") | .detail' "$m")"
[[ $(jq '.config.jobs.not_reported' "$m") -eq 10000 ]] ||
  fail "check kill: not_reported $(jq '.config.jobs.not_reported' "$m"), want 30000/3"
[[ $(jq -r .verdict "$m") == error ]] || fail "check kill: verdict $(jq -r .verdict "$m")"

# Usage errors: one line, exit 2, nothing applied.
s=$tmp/usage
run "$s" 2 --shards 0 -- load --requests 10
run "$s" 2 --shards 2 -- load --json x.json
run "$s" 2 --shards 2
[[ -e $s/calls ]] && grep -q apply "$s/calls" && fail "a usage error applied something"
[[ $failures -eq 0 ]] && echo "ok: jobs run -- load and -- check: exact merge, shard files, cleanup, killed shard by name"
exit $((failures > 0))
