#!/usr/bin/env bash
# shellcheck disable=SC2015 # ok() only echoes, so "A && ok || bad" is an if-then-else here
# scripts/mesh/{up,down,verify}.sh for real (not --dry-run) against fake docker, kind, kubectl
# and istioctl (tests/scripts/mesh_fakes.sh), which model Services with the ports they really
# define, routes, and the injection webhook: the values read from docker inspect and kubectl
# flow into the routes, remote secrets and remote IstioOperator; cluster2 reaches istiod on
# 15012 and 15017 (the chart's istiod ClusterIP does not: it has no 15017); both gates stop a
# broken run fast with what they tried and where to look; terminating pods are not waited for;
# secrets are 0600 in 0700 directories; a second up.sh creates no cluster again; down.sh removes
# what up.sh made and nothing else; verify.sh passes mesh.yaml to meshverify and returns its
# exit code.
set -euo pipefail
export MESH_CA_KEY_BITS=2048 # short key generation; up.sh defaults to 4096
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
mesh=$src/scripts/mesh
# shellcheck source=mesh_fakes.sh
. "$src/tests/scripts/mesh_fakes.sh"

python3 -c 'import yaml' 2>/dev/null || {
  echo "FAIL: python3 cannot import yaml (scripts/deps.sh installs python3-yaml); the fakes need it"
  exit 1
}
has() { grep -qxF -- "$1" "$tmp/state/calls.log"; }
count() { grep -cxF -- "$1" "$tmp/state/calls.log" || true; }
line() { { grep -nxF -- "$1" "$tmp/state/calls.log" || true; } | head -n 1 | cut -d: -f1; }
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }
# The fake cluster's view: a Service's ClusterIP, a pod's IP.
svc_ip() { awk -v c="$1" -v s="$2" '$1 == c && $3 == s { print $4; exit }' "$tmp/state/svc"; }
pod_ip() { awk -v c="$1" -v a="$2" '$1 == c && $3 == a && $6 == 0 { print $5; exit }' "$tmp/state/pods"; }
tcp_shown() { printf "docker exec %s timeout 3 bash -c exec 3<>/dev/tcp/%s/%s" "$1" "$2" "$3"; }
# expect_fail NAME ENV... -- up.sh ARGS: up.sh must fail; its output in $tmp/NAME.log.
expect_fail() {
  local name=$1 rc
  shift
  : >"$tmp/state/calls.log"
  set +e
  env "$@" "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" >"$tmp/$name.log" 2>&1
  rc=$?
  set -e
  [ "$rc" != 0 ]
}

make_fakes "$tmp/bin" "$tmp/state"
export PATH="$tmp/bin:$PATH"
# Short waits, so the failure cases below end in seconds.
settings_with "$mesh/mesh.env" "$tmp/mesh.env" WAIT_MESH=3 WAIT_NODES=3 WAIT_ROLLOUT=3 WAIT_GATE=2
out=$tmp/out
mkdir -p "$out"
echo "not made by up.sh" >"$out/notes.txt"

# 1. First run, primary-remote, istiod via its cross-cluster Service (the default).
if "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" >"$tmp/up1.log" 2>&1; then
  ok "up.sh primary-remote against fakes"
else
  bad "up.sh failed: $(tail -n 5 "$tmp/up1.log")"
fi
c1ip=$(sed -n 's/^cluster1-control-plane //p' "$tmp/state/ips")
c2ip=$(sed -n 's/^cluster2-control-plane //p' "$tmp/state/ips")
[ -n "$c1ip" ] && [ -n "$c2ip" ] && [ "$c1ip" != "$c2ip" ] || bad "nodes were not inspected"
xc=$(svc_ip kind-cluster1 istiod-cross-cluster)
chart=$(svc_ip kind-cluster1 istiod)
[ -n "$xc" ] && [ -n "$chart" ] && [ "$xc" != "$chart" ] || bad "no istiod-cross-cluster Service ($xc) beside istiod ($chart)"
for want in \
  "kind create cluster --name cluster1 --config $out/kind-cluster1.yaml" \
  "kind create cluster --name cluster2 --config $out/kind-cluster2.yaml" \
  "docker exec cluster1-control-plane ip route replace 10.244.0.0/16 via $c2ip" \
  "docker exec cluster1-control-plane ip route replace 10.96.0.0/16 via $c2ip" \
  "docker exec cluster2-control-plane ip route replace 10.241.0.0/16 via $c1ip" \
  "docker exec cluster2-control-plane ip route replace 10.95.0.0/16 via $c1ip" \
  "kubectl --context kind-cluster1 apply -f $out/cluster1/istiod-cross-cluster.yaml" \
  "$(tcp_shown cluster2-control-plane "$xc" 15012)" \
  "$(tcp_shown cluster2-control-plane "$xc" 15017)" \
  "istioctl create-remote-secret --context kind-cluster2 --name cluster2 --server https://$c2ip:6443" \
  "kubectl --context kind-cluster1 apply -f $out/cluster1/remote-secret-cluster2.yaml" \
  "istioctl install -y --context kind-cluster2 -f $out/cluster2/istio.yaml"; do
  has "$want" && ok "ran: $want" || bad "did not run: $want"
done
grep -q "remotePilotAddress: \"$xc\"" "$out/cluster2/istio.yaml" &&
  ok "remote IstioOperator points at the ClusterIP of istiod-cross-cluster ($xc) from kubectl" ||
  bad "remotePilotAddress is not $xc: $(grep remotePilotAddress "$out/cluster2/istio.yaml")"
# The model behind the default: from cluster2's node the chart's istiod ClusterIP has 15012 but
# no 15017 (the old default), the cross-cluster Service has both.
node_tcp() { docker exec cluster2-control-plane timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
if node_tcp "$chart" 15012 && ! node_tcp "$chart" 15017; then
  ok "from cluster2's node, the chart's istiod ClusterIP $chart answers on 15012 but not 15017"
else
  bad "the fakes do not model the ports a Service exposes (chart's istiod at $chart)"
fi
if [ -n "$xc" ] && node_tcp "$xc" 15012 && node_tcp "$xc" 15017; then
  ok "from cluster2's node, istiod-cross-cluster $xc answers on 15012 and 15017"
else
  bad "istiod-cross-cluster '$xc' does not answer on 15012 and 15017 from cluster2's node"
fi
# Order: trust, cluster1's istiod, the Service, gate 1, the remote install, the remote secret,
# the namespace, gate 2, the workload.
a=$(line "kubectl --context kind-cluster2 apply -f $out/cluster2/cacerts.yaml")
x=$(line "kubectl --context kind-cluster1 apply -f $out/cluster1/istiod-cross-cluster.yaml")
g=$(line "$(tcp_shown cluster2-control-plane "$xc" 15017)")
b=$(line "istioctl install -y --context kind-cluster2 -f $out/cluster2/istio.yaml")
c=$(line "kubectl --context kind-cluster1 apply -f $out/cluster1/remote-secret-cluster2.yaml")
n=$(line "kubectl --context kind-cluster2 apply -f $out/cluster2/namespace-sample.yaml")
p=$(line "kubectl --context kind-cluster2 -n sample create --dry-run=server -f $out/cluster2/injection-probe.yaml -o jsonpath={.spec.initContainers[*].name} {.spec.containers[*].name}")
d=$(line "kubectl --context kind-cluster2 apply -f $out/cluster2/helloworld.yaml")
if [ -n "$a" ] && [ -n "$x" ] && [ -n "$g" ] && [ -n "$p" ] && [ -n "$d" ] && [ "$a" -lt "$x" ] &&
  [ "$x" -lt "$g" ] && [ "$g" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$n" ] &&
  [ "$n" -lt "$p" ] && [ "$p" -lt "$d" ]; then
  ok "order: cacerts < Service < port gate < remote install < remote secret < namespace < injection gate < workload"
else
  bad "order of steps: cacerts=$a service=$x gate1=$g install=$b secret=$c ns=$n gate2=$p workload=$d"
fi
grep -q 'mesh is up' "$tmp/up1.log" && ok "up.sh says the mesh is up" || bad "no final message"
# Secrets: 0600 files in 0700 directories.
perms=""
for f in certs/root-key.pem certs/cluster1/ca-key.pem certs/cluster2/ca-key.pem \
  cluster1/cacerts.yaml cluster2/cacerts.yaml cluster1/remote-secret-cluster2.yaml; do
  [ "$(mode "$out/$f")" = 600 ] || perms+=" $f:$(mode "$out/$f")"
  [ "$(mode "$(dirname "$out/$f")")" = 700 ] || perms+=" $(dirname "$f")/:$(mode "$(dirname "$out/$f")")"
done
[ -z "$perms" ] && ok "tokens and CA keys: mode 0600 in 0700 directories" || bad "modes:$perms"

# 2. Second run: nothing created twice, routes replaced, manifests re-applied; a key left
# world-readable by an older run is tightened.
chmod 644 "$out/certs/root-key.pem" "$out/cluster1/remote-secret-cluster2.yaml"
chmod 755 "$out/certs"
if "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" >"$tmp/up2.log" 2>&1; then
  n=$(count "kind create cluster --name cluster2 --config $out/kind-cluster2.yaml")
  [ "$n" = 1 ] && grep -q 'cluster2 exists' "$tmp/up2.log" &&
    ok "second up.sh skips the existing clusters" || bad "second up.sh created cluster2 again ($n)"
  [ "$(sort -u "$out/.mesh-clusters" | wc -l)" = 2 ] || bad ".mesh-clusters: $(cat "$out/.mesh-clusters")"
  m="$(mode "$out/certs/root-key.pem") $(mode "$out/cluster1/remote-secret-cluster2.yaml") $(mode "$out/certs")"
  [ "$m" = "600 600 700" ] && ok "second up.sh tightens a reused key and secret to 0600, certs/ to 0700" ||
    bad "second up.sh left modes $m"
else
  bad "second up.sh failed: $(tail -n 5 "$tmp/up2.log")"
fi

# 3. verify.sh hands mesh.yaml to meshverify and returns its exit code.
printf '#!/usr/bin/env bash\necho "meshverify $*" >>%q\nexit 4\n' "$tmp/state/calls.log" >"$tmp/bin/meshverify"
chmod +x "$tmp/bin/meshverify"
set +e
MESHVERIFY_BINARY=$tmp/bin/meshverify "$mesh/verify.sh" --out "$out" --json "$tmp/r.json" >"$tmp/verify.log" 2>&1
rc=$?
set -e
if [ "$rc" = 4 ] && has "meshverify check -c $out/mesh.yaml --json $tmp/r.json" &&
  grep -q inconclusive "$tmp/verify.log"; then
  ok "verify.sh runs meshverify check -c mesh.yaml and returns its exit code (4)"
else
  bad "verify.sh: rc=$rc $(cat "$tmp/verify.log")"
fi

# 4. Bounded waits fail with a clear message.
set +e
FAKE_UNSYNCED=1 "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" >"$tmp/up3.log" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ] && grep -q 'timed out after 3s waiting for istiod in kind-cluster1 reports cluster1 cluster2 synced' "$tmp/up3.log" &&
  grep -q 'remote secret' "$tmp/up3.log"; then
  ok "unsynced remote cluster: bounded wait fails with a hint"
else
  bad "unsynced: rc=$rc $(tail -n 3 "$tmp/up3.log")"
fi
set +e
FAKE_LOCAL_ONLY=1 "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" >"$tmp/up4.log" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ] && grep -q 'does not list both clusters' "$tmp/up4.log"; then
  ok "local endpoints only: bounded wait fails naming the sidecar"
else
  bad "local-only: rc=$rc $(tail -n 3 "$tmp/up4.log")"
fi

# 5. The gates: each stops the run at once, says what it tried and where to look.
# Gate 1: the Service exposes 15012 but not 15017 (what the chart's istiod ClusterIP offers).
if expect_fail gate1 FAKE_SVC_DROP_PORT=15017; then
  log=$tmp/gate1.log
  if grep -q "gate: cluster2-control-plane cannot reach istiod at $xc:15017 (the sidecar injection webhook" "$log" &&
    grep -q "nothing was installed in kind-cluster2" "$log" &&
    grep -qF "tried: docker exec cluster2-control-plane timeout 3 bash -c 'exec 3<>/dev/tcp/$xc/15017'" "$log" &&
    grep -q "kubectl --context kind-cluster1 -n istio-system get service istiod-cross-cluster" "$log" &&
    grep -q "docker exec cluster2-control-plane ip route get $xc" "$log" &&
    grep -q "ok: $xc:15012 answers from cluster2-control-plane" "$log" &&
    ! grep -q "^istioctl install -y --context kind-cluster2" "$tmp/state/calls.log"; then
    ok "gate 1: $xc:15012 answers, 15017 does not: stops before the remote install, names 15017, what it tried, where to look"
  else
    bad "gate 1 (no 15017) message: $(tail -n 8 "$log")"
  fi
else
  bad "up.sh went on with a Service that has no 15017"
fi
# Gate 1: the route to cluster1's service subnet is gone (a node container restarted).
if expect_fail gate1route FAKE_DROP_ROUTE=10.95.0.0/16; then
  grep -q "cannot reach istiod at $xc:15012 (xDS" "$tmp/gate1route.log" &&
    grep -q "routes vanish when a node container restarts" "$tmp/gate1route.log" &&
    ok "gate 1: no route to cluster1's services: stops at 15012 with the route hint" ||
    bad "gate 1 (no route) message: $(tail -n 8 "$tmp/gate1route.log")"
else
  bad "up.sh went on without a route to cluster1's service subnet"
fi
# Gate 2: cluster2's webhook is reached but its TLS fails (istiod never patched its CA bundle).
if expect_fail gate2 FAKE_CABUNDLE_UNSET=kind-cluster2; then
  log=$tmp/gate2.log
  if grep -q "ok: kind-cluster1 admits a pod in sample with istio-proxy" "$log" &&
    grep -q "gate: kind-cluster2 does not inject sidecars: a server-side dry run of a pod in sample still failed after 2s; no workload was applied" "$log" &&
    grep -q "last answer: Error from server (InternalError).*x509: certificate signed by unknown authority" "$log" &&
    grep -qF "tried: kubectl --context kind-cluster2 -n sample create --dry-run=server -f $out/cluster2/injection-probe.yaml" "$log" &&
    grep -q "kubectl --context kind-cluster2 get mutatingwebhookconfiguration istio-sidecar-injector" "$log" &&
    grep -q "kubectl --context kind-cluster2 -n istio-system get endpoints istiod   (remotePilotAddress on 15012 and 15017" "$log" &&
    grep -q "kubectl --context kind-cluster1 -n istio-system logs deployment/istiod" "$log" &&
    ! grep -q "apply -f .*/helloworld.yaml" "$tmp/state/calls.log"; then
    ok "gate 2: cluster2's webhook TLS fails: stops before any workload, with the API server's answer and the remote's hints"
  else
    bad "gate 2 (TLS) message: $(tail -n 8 "$log")"
  fi
else
  bad "up.sh went on with a failing injection webhook"
fi
# Gate 2 on its own catches the original defect too: cluster2's webhook cannot reach 15017 (the
# Service lost it after the remote install, so gate 1 saw both ports).
probe="kubectl --context kind-cluster2 -n sample create --dry-run=server -f $out/cluster2/injection-probe.yaml"
: >"$tmp/state/calls.log"
cp "$tmp/state/svc" "$tmp/svc.keep"
awk '!($3 == "istiod-cross-cluster" && $5 == 15017)' "$tmp/svc.keep" >"$tmp/state/svc"
set +e
# shellcheck disable=SC2016 # expanded by the inner bash
bash -c '. "$1/lib/common.sh"; . "$1/lib/render.sh"; . "$1/lib/steps.sh"; . "$1/lib/gates.sh"
  load_settings "$2"; OUT=$3; gate_injection 2' _ "$mesh" "$tmp/mesh.env" "$out" >"$tmp/gate2r.log" 2>&1
rc=$?
set -e
cp "$tmp/svc.keep" "$tmp/state/svc"
if [ "$rc" != 0 ] && grep -q "gate: kind-cluster2 does not inject sidecars" "$tmp/gate2r.log" &&
  grep -q "last answer: .*failed calling webhook.*context deadline exceeded" "$tmp/gate2r.log" &&
  grep -qF "$probe" "$tmp/state/calls.log"; then
  ok "gate 2 alone: cluster2's webhook cannot reach istiod's 15017: fails with the API server's answer"
else
  bad "gate 2 (unreachable webhook) rc=$rc: $(tail -n 8 "$tmp/gate2r.log")"
fi
# Gate 2: a pod admitted without a sidecar.
if expect_fail gate2inj FAKE_NO_INJECT=1; then
  grep -q "last answer: the pod was admitted without a sidecar (containers:  probe)" "$tmp/gate2inj.log" &&
    ok "gate 2: a pod admitted without istio-proxy is a failure too" ||
    bad "gate 2 (not injected) message: $(tail -n 8 "$tmp/gate2inj.log")"
else
  bad "up.sh went on although pods are not injected"
fi

# 6. A terminating helloworld pod (an old replica) is not waited for; istiod via its pod IP.
rm -f "$tmp/state/pods.keep"
cp "$tmp/state/pods" "$tmp/state/pods.keep"
awk '$2 != "sample"' "$tmp/state/pods.keep" >"$tmp/state/pods"
: >"$tmp/state/calls.log"
if FAKE_TERMINATING=1 "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" --istiod-via podip >"$tmp/up6.log" 2>&1; then
  gone=$(awk '$1 == "kind-cluster2" && $3 == "helloworld" && $6 == 1 { print $5 }' "$tmp/state/pods")
  live=$(pod_ip kind-cluster2 helloworld)
  [ -n "$gone" ] && grep -q "lists helloworld endpoints .*$live" "$tmp/up6.log" &&
    ! grep -q "lists helloworld endpoints .*$gone" "$tmp/up6.log" &&
    ok "terminating helloworld pod $gone is not waited for (live: $live)" ||
    bad "terminating pod: gone=$gone live=$live $(grep 'lists helloworld' "$tmp/up6.log" | head -n 1)"
  istiod=$(pod_ip kind-cluster1 istiod)
  grep -q "remotePilotAddress: \"$istiod\"" "$out/cluster2/istio.yaml" &&
    has "$(tcp_shown cluster2-control-plane "$istiod" 15017)" &&
    ! has "kubectl --context kind-cluster1 apply -f $out/cluster1/istiod-cross-cluster.yaml" &&
    ok "--istiod-via podip: remotePilotAddress is istiod's pod IP $istiod, gated on 15012 and 15017" ||
    bad "--istiod-via podip: $(grep remotePilotAddress "$out/cluster2/istio.yaml")"
else
  bad "up.sh with a terminating pod and --istiod-via podip failed: $(tail -n 5 "$tmp/up6.log")"
fi

# 7. Too-old tools stop a real run before anything is touched.
: >"$tmp/state/calls.log"
set +e
FAKE_KIND_VERSION=0.20.0 FAKE_ISTIO_VERSION=1.22.3 "$mesh/up.sh" --settings "$tmp/mesh.env" \
  --out "$tmp/old" >"$tmp/up5.log" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ] && grep -q 'kind 0.20.0: need v0.29.0' "$tmp/up5.log" &&
  grep -q 'istioctl 1.22.3 (istioctl): need 1.27.x' "$tmp/up5.log" &&
  ! grep -q -e '^kind create' -e '^docker exec' "$tmp/state/calls.log"; then
  ok "old kind and istioctl: refused, one line each, nothing created"
else
  bad "old tools: rc=$rc $(cat "$tmp/up5.log")"
fi

# 8. down.sh: deletes the clusters up.sh made and its files; keeps a foreign cluster and file.
echo "other" >>"$tmp/state/clusters"
mkdir -p "$tmp/mp" && cp -r "$out/certs" "$tmp/mp/" # for step 9: no new RSA keys
if "$mesh/down.sh" --out "$out" >"$tmp/down.log" 2>&1; then
  has "kind delete cluster --name cluster1" && has "kind delete cluster --name cluster2" &&
    ok "down.sh deletes cluster1 and cluster2" || bad "down.sh did not delete both clusters"
  grep -qxF other "$tmp/state/clusters" && ! has "kind delete cluster --name other" &&
    ok "down.sh leaves a cluster it did not make" || bad "down.sh touched cluster 'other'"
  left=$(cd "$out" && find . -type f | sort | tr '\n' ' ')
  [ "$left" = "./notes.txt " ] && ok "down.sh removes its files only (left: $left)" ||
    bad "files left after down.sh: $left"
else
  bad "down.sh failed: $(cat "$tmp/down.log")"
fi

# 9. multi-primary: remote secrets both ways, istiod in both, both synced.
: >"$tmp/state/calls.log"
if "$mesh/up.sh" --settings "$tmp/mesh.env" --topology multi-primary --out "$tmp/mp" >"$tmp/mp.log" 2>&1; then
  c1ip=$(sed -n 's/^cluster1-control-plane //p' "$tmp/state/ips")
  has "istioctl create-remote-secret --context kind-cluster1 --name cluster1 --server https://$c1ip:6443" &&
    has "kubectl --context kind-cluster2 apply -f $tmp/mp/cluster2/remote-secret-cluster1.yaml" &&
    has "istioctl remote-clusters --context kind-cluster2" &&
    ok "multi-primary: secrets both ways, sync checked in both" ||
    bad "multi-primary: missing reverse secret or sync check"
else
  bad "multi-primary up.sh failed: $(tail -n 5 "$tmp/mp.log")"
fi

finish mesh_fake_run_test
