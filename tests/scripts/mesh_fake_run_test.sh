#!/usr/bin/env bash
# shellcheck disable=SC2015 # ok() only echoes, so "A && ok || bad" is an if-then-else here
# scripts/mesh/{up,down,verify}.sh for real (not --dry-run) against fake docker, kind, kubectl
# and istioctl (tests/scripts/mesh_fakes.sh): the values read from docker inspect and kubectl
# flow into the routes, remote secrets and remote IstioOperator; secrets are 0600 in 0700
# directories; a second up.sh creates no cluster again; the bounded waits fail with clear messages; down.sh removes what up.sh made
# and nothing else; verify.sh passes mesh.yaml to meshverify and returns its exit code.
set -euo pipefail
export MESH_CA_KEY_BITS=2048 # short key generation; up.sh defaults to 4096
src=${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
mesh=$src/scripts/mesh
# shellcheck source=mesh_fakes.sh
. "$src/tests/scripts/mesh_fakes.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok   - $*"; }
bad() {
  echo "FAIL - $*"
  fails=$((fails + 1))
}
has() { grep -qxF -- "$1" "$tmp/state/calls.log"; }
count() { grep -cxF -- "$1" "$tmp/state/calls.log" || true; }

make_fakes "$tmp/bin" "$tmp/state"
export PATH="$tmp/bin:$PATH"
# Short waits, so the failure cases below end in seconds.
settings_with "$mesh/mesh.env" "$tmp/mesh.env" WAIT_MESH=3 WAIT_NODES=3 WAIT_ROLLOUT=3
out=$tmp/out
mkdir -p "$out"
echo "not made by up.sh" >"$out/notes.txt"

# 1. First run, primary-remote.
if "$mesh/up.sh" --settings "$tmp/mesh.env" --out "$out" >"$tmp/up1.log" 2>&1; then
  ok "up.sh primary-remote against fakes"
else
  bad "up.sh failed: $(tail -n 5 "$tmp/up1.log")"
fi
c1ip=$(sed -n 's/^cluster1-control-plane //p' "$tmp/state/ips")
c2ip=$(sed -n 's/^cluster2-control-plane //p' "$tmp/state/ips")
[ -n "$c1ip" ] && [ -n "$c2ip" ] && [ "$c1ip" != "$c2ip" ] || bad "nodes were not inspected"
for want in \
  "kind create cluster --name cluster1 --config $out/kind-cluster1.yaml" \
  "kind create cluster --name cluster2 --config $out/kind-cluster2.yaml" \
  "docker exec cluster1-control-plane ip route replace 10.244.0.0/16 via $c2ip" \
  "docker exec cluster1-control-plane ip route replace 10.96.0.0/16 via $c2ip" \
  "docker exec cluster2-control-plane ip route replace 10.241.0.0/16 via $c1ip" \
  "docker exec cluster2-control-plane ip route replace 10.95.0.0/16 via $c1ip" \
  "istioctl create-remote-secret --context kind-cluster2 --name cluster2 --server https://$c2ip:6443" \
  "kubectl --context kind-cluster1 apply -f $out/cluster1/remote-secret-cluster2.yaml" \
  "istioctl install -y --context kind-cluster2 -f $out/cluster2/istio.yaml"; do
  has "$want" && ok "ran: $want" || bad "did not run: $want"
done
grep -q 'remotePilotAddress: "10.95.0.10"' "$out/cluster2/istio.yaml" &&
  ok "remote IstioOperator points at istiod's ClusterIP from kubectl" ||
  bad "remotePilotAddress is not the ClusterIP: $(grep remotePilotAddress "$out/cluster2/istio.yaml")"
# Order: trust before Istio, Istio before the remote secret, samples after the sync.
line() { grep -nxF -- "$1" "$tmp/state/calls.log" | head -n 1 | cut -d: -f1; }
a=$(line "kubectl --context kind-cluster2 apply -f $out/cluster2/cacerts.yaml")
b=$(line "istioctl install -y --context kind-cluster2 -f $out/cluster2/istio.yaml")
c=$(line "kubectl --context kind-cluster1 apply -f $out/cluster1/remote-secret-cluster2.yaml")
d=$(line "kubectl --context kind-cluster2 apply -f $out/cluster2/helloworld.yaml")
if [ -n "$a" ] && [ -n "$d" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$d" ]; then
  ok "order: cacerts < remote install < remote secret < workload"
else
  bad "order of steps: cacerts=$a install=$b secret=$c workload=$d"
fi
grep -q 'mesh is up' "$tmp/up1.log" && ok "up.sh says the mesh is up" || bad "no final message"
# Secrets: 0600 files in 0700 directories.
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }
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

# 5. Too-old tools stop a real run before anything is touched.
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

# 6. down.sh: deletes the clusters up.sh made and its files; keeps a foreign cluster and file.
echo "other" >>"$tmp/state/clusters"
mkdir -p "$tmp/mp" && cp -r "$out/certs" "$tmp/mp/" # for step 7: no new RSA keys
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

# 7. multi-primary: remote secrets both ways, istiod in both, both synced.
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

if [ "$fails" -gt 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all passed"
