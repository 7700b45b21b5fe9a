#!/usr/bin/env bash
# `meshverify jobs run` on the lab, the whole path (generate -> kubectl apply -> wait -> logs
# -> merge -> delete) with the lab's kubectl running each Job pod in its own pod namespace and
# sidecar: 3 shards per cluster pass, each gating its shares against its own sidecar's view
# (expect: endpoints, read from the pod's 127.0.0.1:15000/clusters); the merged report's counts are the sum of the shards';
# its latency percentiles are those of the pooled shard histograms (exact bucket counts) within
# a bucket; a shard killed mid-run is named, its planned requests accounted for, exit 3.
set -euo pipefail
. "$(dirname "$0")/check_test_lib.sh"
check_test_start
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "SKIP: python3-yaml is not installed (scripts/deps.sh installs it)"
  exit 77
fi
lab_test_up

OUT=$REPORTS/jobs_run
rm -rf "$OUT"
mkdir -p "$OUT"
MESH=$LAB_SRC/scripts/lab/mesh.yaml
R=3000  # requests per cluster: 1000 per shard, enough to decide a 50/50 split at ± 0.05
RK=1200  # the run with a killed shard: 400 per shard

job_namespaces() { ip netns list | awk '{ print $1 }' | grep -c -- '-j[0-9]*$' || true; }

# --- three shards per cluster, healthy lab ---------------------------------------------------
rc=0
timeout 120 "$MV" jobs run -c "$MESH" --shards 3 --json "$OUT/M.json" --shard-dir "$OUT/D" \
  -- check --requests "$R" --looks 1 >"$OUT/run.txt" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "jobs run exit $rc, want 0: $(tail -n 8 "$OUT/run.txt")"
pass "jobs run --shards 3 -- check passes"
n=$(find "$OUT/D" -name '*.json' | wc -l)
[ "$n" -eq 6 ] || fail "$n shard reports in --shard-dir, want 6 (3 per cluster)"
for c in cluster1 cluster2; do
  k=$(jq -s --arg c "$c" '[.[] | select(.sources[0].cluster == $c)] | length' "$OUT"/D/*.json)
  [ "$k" -eq 3 ] || fail "$k shard reports from $c, want 3"
done
[ "$(job_namespaces)" -eq 0 ] || fail "Job pod namespaces left after jobs run: $(ip netns list)"
pass "6 shard reports kept (3 per cluster), every Job pod namespace removed"

# Each shard read its own sidecar's view: both clusters expected at 1/2, the gate balanced.
bad=$(jq -rs '[.[] | select(.sources[0].by_cluster.cluster1.expected != 0.5
  or .sources[0].by_cluster.cluster2.expected != 0.5 or .sources[0].gate != "balanced"
  or ([.notes[] | select(contains("its own sidecar'"'"'s endpoint view read"))] | length) != 1)
  | .sources[0].pod] | join(" ")' "$OUT"/D/*.json)
[ -z "$bad" ] || fail "shards without their own view's expected shares or a balanced gate: $bad"
[ "$(jq -r '.checks[] | select(.name == "balance") | .status' "$OUT/M.json")" = pass ] ||
  fail "merged balance check: $(jq -c '.checks[] | select(.name == "balance")' "$OUT/M.json")"
pass "every shard gated by its own sidecar's view (expected 0.5/0.5, balanced); merged balance passes"

# Every count of the merged total is the sum of the shards' totals.
diff=$(jq -cn --slurpfile m "$OUT/M.json" --slurpfile s <(jq -s . "$OUT"/D/*.json) '
  def counts: {requests, ok, errors,
               by_cluster: (.by_cluster | map_values(.count)),
               by_version: (.by_version | map_values(.count)),
               by_instance: (.by_instance | map_values(.count)),
               hist: (.latency_hist | map_values(.count))};
  def add_maps: reduce .[] as $x ({}; reduce ($x | to_entries[]) as $e (.; .[$e.key] += $e.value));
  ($s[0] | map(.total | counts)) as $t
  | {requests: ($t | map(.requests) | add), ok: ($t | map(.ok) | add),
     errors: ($t | map(.errors) | add_maps),
     by_cluster: ($t | map(.by_cluster) | add_maps), by_version: ($t | map(.by_version) | add_maps),
     by_instance: ($t | map(.by_instance) | add_maps), hist: ($t | map(.hist) | add_maps)} as $sum
  | ($m[0].total | counts) as $merged
  | if $sum == $merged then empty else {sum: $sum, merged: $merged} end')
[ -z "$diff" ] || fail "merged counts differ from the sum of the shards: $diff"
[ "$(jq .total.requests "$OUT/M.json")" -eq $((2 * R)) ] ||
  fail "merged total.requests $(jq .total.requests "$OUT/M.json"), want $((2 * R))"
[ "$(jq '.total.by_cluster | length' "$OUT/M.json")" -eq 2 ] ||
  fail "merged by_cluster has not both clusters: $(jq -c .total.by_cluster "$OUT/M.json")"
pass "merged requests, ok, errors, by_cluster, by_version, by_instance = sum of the 6 shards ($((2 * R)))"

# The merged histograms are the shards' summed bucket by bucket, and each merged percentile
# lies in the bucket of the pooled histogram that holds its nearest rank (the true pooled
# value is in that bucket: a bucket is 1/128 of its lower edge wide).
bad=$(jq -rn --slurpfile m "$OUT/M.json" --slurpfile s <(jq -s . "$OUT"/D/*.json) '
  def lo(i): (i / 128 | floor) as $e | (i - $e * 128) as $sub | pow(2; $e - 1) * (1 + $sub / 128);
  def hi(i): lo(i + 1);
  [$m[0].total.latency_hist | keys[] as $c
   | ([$s[0][] | .total.latency_hist[$c].buckets[]?] | group_by(.[0])
      | map([.[0][0], (map(.[1]) | add)])) as $pooled
   | ($m[0].total.latency_hist[$c].buckets) as $merged
   | (if $pooled != $merged then "\($c): merged buckets != summed shard buckets" else empty end),
     ((($pooled | map(.[1]) | add)) as $n
      | ["p50", 0.5], ["p90", 0.9], ["p99", 0.99] | . as [$name, $q]
      | ([1, ($q * $n | ceil)] | max) as $rank
      | (reduce $pooled[] as $b ({acc: 0, at: null};
           if .at == null and .acc + $b[1] >= $rank then .at = $b[0] else . end | .acc += $b[1])
         | .at) as $b
      | $m[0].total.latency_ms[$c][$name] as $v
      | if $v >= lo($b) * 0.999999 and $v <= hi($b) * 1.000001 then empty
        else "\($c) \($name) \($v) outside the pooled bucket [\(lo($b)), \(hi($b)))" end)
  ] | join("; ")')
[ -z "$bad" ] || fail "latency: $bad"
pass "merged histograms = summed shard histograms; p50/p90/p99 in the pooled nearest-rank bucket ($(jq -c '.total.latency_ms.cluster1 | {p50, p99}' "$OUT/M.json"))"

# --- a shard killed mid-run ------------------------------------------------------------------
# Every answer takes 30 ms, so each shard (400 requests, 4 in flight) runs about 3 s.
for ctx in kind-cluster1 kind-cluster2; do
  for p in $(hw_pods "$ctx"); do "$LAB" fault slow "$p" 30 >/dev/null; done
done
rc=0
timeout 120 "$MV" jobs run -c "$MESH" --shards 3 --json "$OUT/K.json" --shard-dir "$OUT/K" \
  -- check --requests "$RK" --looks 1 >"$OUT/kill.txt" 2>&1 &
run=$!
pidfile=""
for _ in $(seq 1 100); do  # bounded: 10 s for the pod of index 1 in cluster1 to start
  pidfile=$(compgen -G "/run/mvlab/k8s/cluster1/sample/jobs/*/pods/*-1-*/container.pid" || true)
  [ -n "$pidfile" ] && [ -s "$pidfile" ] && break
  sleep 0.1
done
if [ -z "$pidfile" ] || [ ! -s "$pidfile" ]; then
  kill "$run"
  fail "the shard of index 1 never started"
fi
killed=$(basename "$(dirname "$pidfile")")
sleep 0.5
kill -KILL "$(cat "$pidfile")"
wait "$run" || rc=$?
[ "$rc" -eq 3 ] || fail "jobs run with a killed shard: exit $rc, want 3: $(tail -n 5 "$OUT/kill.txt")"
pass "a shard killed mid-run: exit 3"
jq -e --arg p "$killed" '.config.jobs.missing | map(select(.name == $p and .status == "failed"))
  | length == 1' "$OUT/K.json" >/dev/null ||
  fail "the killed pod $killed is not named failed: $(jq -c .config.jobs.missing "$OUT/K.json")"
jq -e --arg p "$killed" '.checks[] | select(.name == "shards" and .status == "fail")
  | .detail | contains($p)' "$OUT/K.json" >/dev/null ||
  fail "the shards check does not name $killed: $(jq -c '.checks[] | select(.name == "shards")' "$OUT/K.json")"
total=$(jq .total.requests "$OUT/K.json")
missing=$(jq .config.jobs.not_reported "$OUT/K.json")
planned=$(jq --arg p "$killed" '.config.jobs.missing[] | select(.name == $p) | .planned' "$OUT/K.json")
[ "$planned" -eq $((RK / 3)) ] || fail "the killed shard planned $planned requests, want $((RK / 3))"
[ $((total + missing)) -eq $((2 * RK)) ] ||
  fail "requests not accounted for: $total in the counts + $missing not reported != $((2 * RK))"
[ "$(find "$OUT/K" -name '*.json' | wc -l)" -eq 5 ] || fail "want the 5 other shards' reports kept"
[ "$(job_namespaces)" -eq 0 ] || fail "Job pod namespaces left after jobs run: $(ip netns list)"
pass "$killed named failed; $total requests counted + $missing of it not reported = $((2 * RK))"

# --- activeDeadlineSeconds ---------------------------------------------------------------------
"$MV" jobs -c "$MESH" --cluster cluster1 --shards 1 --deadline 3 -- check --requests 20000 \
  --looks 1 2>/dev/null | kubectl --context kind-cluster1 -n sample apply -f - >/dev/null ||
  fail "kubectl apply -f - of a Job with a 3 s deadline"
job=$(kubectl --context kind-cluster1 -n sample get jobs -l meshverify.io/command=check -o name)
[ -n "$job" ] || fail "get jobs -l finds no Job"
kubectl --context kind-cluster1 -n sample wait --for=condition=failed "$job" --timeout=30s \
  >"$OUT/wait.txt" 2>&1 || fail "wait --for=condition=failed $job: $(cat "$OUT/wait.txt")"
[ "$(kubectl --context kind-cluster1 -n sample get "$job" -o json |
  jq -r '.status.conditions[0].reason')" = DeadlineExceeded ] ||
  fail "$job failed not for its deadline: $(kubectl --context kind-cluster1 -n sample get "$job" -o json | jq -c .status)"
rc=0
kubectl --context kind-cluster1 -n sample wait --for=condition=complete "$job" --timeout=1s \
  >"$OUT/wait.txt" 2>&1 || rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "timed out waiting for the condition" "$OUT/wait.txt"; then
  fail "wait for complete of a failed Job: exit $rc, $(cat "$OUT/wait.txt")"
fi
kubectl --context kind-cluster1 -n sample delete "$job" >/dev/null
[ "$(job_namespaces)" -eq 0 ] || fail "Job pod namespaces left after the deadline: $(ip netns list)"
pass "activeDeadlineSeconds 3: the pod is stopped, the Job Failed (DeadlineExceeded); wait bounded"

# --- lab down with Job pods still running ----------------------------------------------------
"$MV" jobs -c "$MESH" --cluster cluster1 --shards 2 -- check --requests 20000 --looks 1 \
  2>/dev/null | kubectl --context kind-cluster1 -n sample apply -f - >"$OUT/apply.txt" 2>&1 ||
  fail "kubectl apply -f - of the jobs manifests: $(cat "$OUT/apply.txt")"
grep -q '^job.batch/meshverify-check-[a-z0-9]* created$' "$OUT/apply.txt" ||
  fail "apply did not create the Job: $(cat "$OUT/apply.txt")"
pids=()
for _ in $(seq 1 100); do  # bounded: 10 s for both containers to start
  mapfile -t pids < <(cat /run/mvlab/k8s/cluster1/sample/jobs/*/pods/*/container.pid \
    /run/mvlab/k8s/cluster1/sample/jobs/*/pods/*/sidecar.pid \
    /run/mvlab/k8s/cluster1/sample/jobs/*/pods/*/admin.pid 2>/dev/null)
  [ "${#pids[@]}" -eq 6 ] && break
  sleep 0.1
done
[ "${#pids[@]}" -eq 6 ] || fail "want 2 containers, sidecars and admin servers running, got ${#pids[@]} pids"
[ "$(kubectl --context kind-cluster1 -n sample get jobs -l meshverify.io/command=check -o json |
  jq '.items[0].status.active')" -eq 2 ] || fail "the Job does not show 2 active pods"
# A control-plane push (a stopped pod) reaches the running Job pods' sidecars too: their
# Envoy admin view shows the pod unhealthy.
v2=$(hw_pods kind-cluster2 v2 | head -n1)
v2ip=$(kubectl --context kind-cluster2 -n sample get pod "$v2" -o jsonpath='{.status.podIP}')
"$LAB" fault stop "$v2" >/dev/null
for ns in $(ip netns list | awk '{ print $1 }' | grep -- '-j[0-9]*$'); do
  view=$(ip netns exec "$ns" curl -s -m 3 http://127.0.0.1:15000/clusters)
  grep -q "::$v2ip:5000::health_flags::/failed_eds_health$" <<<"$view" ||
    fail "Job pod $ns: its view does not show $v2 ($v2ip) stopped: $(grep health_flags <<<"$view")"
done
pass "lab fault stop $v2 reaches the running Job pods' sidecars (failed_eds_health in their view)"
"$LAB" down >/dev/null
for p in "${pids[@]}"; do
  [ ! -e "/proc/$p" ] || [ "$(awk '{ print $3 }' "/proc/$p/stat")" = Z ] ||
    fail "process $p of a Job pod survived lab down: $(tr '\0' ' ' <"/proc/$p/cmdline")"
done
[ -z "$(ip netns list | grep -- "^mvlab-" || true)" ] || fail "namespaces left after lab down"
pass "lab down with 2 Job pods running stops their containers, sidecars and admin servers"
