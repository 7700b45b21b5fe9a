#!/usr/bin/env bash
# The lab's kubectl and istioctl answer the seed's commands and meshverify's calls in the real
# tools' formats, and fail loudly (exit 1, naming what) on anything else.
set -euo pipefail
# shellcheck source=tests/lab/lab_test_lib.sh
. "$(dirname "$0")/lab_test_lib.sh"
lab_test_skip_unless_able
lab_test_up --v1 1 --v2 1

# The seed's own command, verbatim.
s1=$(kubectl get pod -n sample -l app=sleep --context=kind-cluster1 -o jsonpath='{.items[0].metadata.name}')
[[ $s1 =~ ^sleep-[a-z0-9]{10}-[a-z0-9]{5}$ ]] || fail "sleep pod name '$s1'"
answer=$(kubectl exec -it -n sample -c sleep --context=kind-cluster1 "$s1" -- curl -sS helloworld.sample:5000/hello)
[[ $answer =~ ^Hello\ version:\ v[12],\ instance:\ helloworld-v[12]-[a-z0-9]{10}-[a-z0-9]{5}$ ]] ||
  fail "seed curl answer '$answer'"

# -o json: a v1 List of Pods with what meshverify reads.
json=$(kubectl --kubeconfig /dev/null get pods -n sample -l app=helloworld --context kind-cluster2 -o json)
jq -e '.apiVersion == "v1" and .kind == "List" and (.items | length) == 1 and
  (.items[0] | .metadata.namespace == "sample" and .metadata.labels.app == "helloworld" and
   .metadata.labels.version == "v2" and (.metadata.labels["pod-template-hash"] | length) == 10 and
   .spec.nodeName == "cluster2-control-plane" and .spec.containers[0].name == "helloworld" and
   .status.phase == "Running" and (.status.podIP | startswith("10.244.")) and
   .status.podIPs[0].ip == .status.podIP and
   (.status.conditions[] | select(.type == "Ready") | .status) == "True")' <<<"$json" >/dev/null ||
  fail "kubectl -o json PodList: $json"
grep -q '^    "apiVersion": "v1",$' <<<"$json" || fail "not kubectl's 4-space layout"
names=$(kubectl get pods -n sample -l app=helloworld --context=kind-cluster1 -o name)
[[ $names =~ ^pod/helloworld-v1-[a-z0-9]{10}-[a-z0-9]{5}$ ]] || fail "-o name: '$names'"
pass "kubectl get: jsonpath, json, name"

# exec: stdin passes through, the command's exit code comes back, sh -c scripts run.
[ "$(echo piped | kubectl exec -i -n sample --context=kind-cluster1 "$s1" -- cat)" = piped ] || fail "exec stdin"
set +e
kubectl exec -n sample --context=kind-cluster1 "$s1" -- sh -c 'exit 7' 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 7 ] || fail "exec exit code $rc, want 7"
pass "kubectl exec: stdin, exit code"

# istioctl: the table exactly as Go's tabwriter pads it (5 spaces), and -o json's layout.
table=$(istioctl -n sample --context=kind-cluster1 proxy-config endpoints "$s1.sample" \
  --cluster "outbound|5000||helloworld.sample.svc.cluster.local")
expected=$(printf '%-20s%-12s%-18s%s\n' ENDPOINT STATUS "OUTLIER CHECK" CLUSTER \
  10.241.0.8:5000 HEALTHY OK "outbound|5000||helloworld.sample.svc.cluster.local" \
  10.244.0.8:5000 HEALTHY OK "outbound|5000||helloworld.sample.svc.cluster.local")
[ "$table" = "$expected" ] || fail "table differs:
$table
--- expected:
$expected"
oj=$(istioctl --context=kind-cluster1 -n sample pc endpoint "$s1" --cluster "outbound|5000||helloworld.sample.svc.cluster.local" -o json)
jq -e 'length == 1 and .[0].name == "outbound|5000||helloworld.sample.svc.cluster.local" and
  (.[0].hostStatuses | length) == 2 and
  all(.[0].hostStatuses[]; .address.socketAddress.portValue == 5000 and .weight == 1 and
      .locality == {} and .healthStatus.edsHealthStatus == "HEALTHY" and
      all(.stats[]; (.value == null) or (.value | type) == "string"))' <<<"$oj" >/dev/null ||
  fail "istioctl -o json: $oj"
grep -q '^                "healthStatus": {$' <<<"$oj" || fail "-o json is not 4-space indented"
[ "$(istioctl -n sample --context=kind-cluster1 pc endpoints "$s1" --cluster other -o json)" = "[]" ] ||
  fail "a cluster filter matching nothing must print []"
pass "istioctl proxy-config endpoints: table and json"

# Unknown calls fail loudly.
for call in "kubectl delete pod x" "kubectl get svc -n sample" "kubectl get pods --context=kind-cluster9 -n sample" \
  "istioctl proxy-status" "istioctl pc clusters $s1 -n sample"; do
  set +e
  err=$($call 2>&1 >/dev/null)
  rc=$?
  set -e
  if [ "$rc" -ne 1 ] || [ -z "$err" ]; then fail "'$call': exit $rc, message '$err'"; fi
done
pass "unsupported calls exit 1 with a message"
echo "PASS"
