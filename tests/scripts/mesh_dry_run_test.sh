#!/usr/bin/env bash
# shellcheck disable=SC2015 # ok() only echoes, so "A && ok || bad" is an if-then-else here
# scripts/mesh/up.sh --dry-run, for both topologies and other settings: the rendered kind
# configs, IstioOperators, manifests, CA and mesh.yaml, and the printed command list, checked
# against the settings by tests/scripts/mesh_checks.py. Also: the checker catches the seed's
# defects when they are put back (so it can fail), bad settings are refused, a dry run calls
# no docker/cluster command, and the mesh.yaml loads in `meshverify check --dry-run`.
set -euo pipefail
export MESH_CA_KEY_BITS=2048 # short key generation; up.sh defaults to 4096
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
up=$src/scripts/mesh/up.sh
checks=$src/tests/scripts/mesh_checks.py
# shellcheck source=mesh_fakes.sh
. "$src/tests/scripts/mesh_fakes.sh"

python3 -c 'import yaml' 2>/dev/null || {
  echo "FAIL: python3 cannot import yaml (scripts/deps.sh installs python3-yaml)"
  exit 1
}

# dry NAME ARGS...: up.sh --dry-run --out $tmp/NAME; stdout in NAME.cmds, stderr in NAME.err.
# CA files are copied from the first run, so RSA keys are made once (and reuse is exercised).
dry() {
  local name=$1
  shift
  mkdir -p "$tmp/$name"
  [ -d "$tmp/pr/certs" ] && [ ! -d "$tmp/$name/certs" ] && cp -r "$tmp/pr/certs" "$tmp/$name/"
  "$up" --dry-run --out "$tmp/$name" "$@" >"$tmp/$name.cmds" 2>"$tmp/$name.err"
}

# expect_checks NAME: mesh_checks.py passes on run NAME.
expect_checks() {
  local name=$1 what=$2
  if python3 "$checks" "$tmp/$name" "$tmp/$name.cmds" >"$tmp/$name.check" 2>&1; then
    ok "$what"
  else
    bad "$what"
    sed 's/^/       /' "$tmp/$name.check"
  fi
}

# 1. The two topologies with the default settings, and the seed's sleep client.
for t in primary-remote:pr multi-primary:mp; do
  if dry "${t#*:}" --topology "${t%:*}"; then
    expect_checks "${t#*:}" "${t%:*}: rendered files and commands match the settings"
  else
    bad "${t%:*}: up.sh --dry-run failed: $(cat "$tmp/${t#*:}.err")"
  fi
done
if dry podip --istiod-via podip; then
  expect_checks podip "--istiod-via podip: remotePilotAddress and port gates use istiod's pod IP"
  grep -q '^ISTIOD_VIA=podip$' "$tmp/podip/settings.env" || bad "--istiod-via podip not in settings.env"
else
  bad "--istiod-via podip failed: $(cat "$tmp/podip.err")"
fi
# The dry run shows both gates, in order: the port gate before cluster2's install, the
# injection gate in each cluster before its workload.
grep -E -n "^(== gate|\+ docker exec cluster2-control-plane timeout|\+ kubectl .*--dry-run=server|\+ (istioctl install|kubectl .*apply -f .*/(helloworld|istiod-cross-cluster)\.yaml))" \
  "$tmp/pr.cmds" | cut -c1-150 | sed 's/^/       /'
if dry sleep --client sleep; then
  expect_checks sleep "--client sleep: mesh.yaml and client pods use app=sleep/container sleep"
  grep -q 'selector: app=sleep' "$tmp/sleep/mesh.yaml" || bad "--client sleep: selector not app=sleep"
else
  bad "--client sleep failed: $(cat "$tmp/sleep.err")"
fi

# 2. Other settings: multi-node clusters, other names and subnets, topology from the file.
settings_with "$src/scripts/mesh/mesh.env" "$tmp/other.env" TOPOLOGY=multi-primary \
  CLUSTER1_NAME=east CLUSTER1_MESH_NAME=mesh-east CLUSTER1_CONTEXT=kind-east \
  CLUSTER1_POD_SUBNET=10.10.0.0/16 CLUSTER1_SERVICE_SUBNET=10.255.10.0/24 CLUSTER1_WORKERS=1 \
  CLUSTER2_NAME=west CLUSTER2_MESH_NAME=mesh-west CLUSTER2_CONTEXT=kind-west \
  CLUSTER2_POD_SUBNET=10.20.0.0/16 CLUSTER2_SERVICE_SUBNET=10.255.20.0/24 CLUSTER2_WORKERS=2 \
  SAMPLE_NAMESPACE=demo
if dry other --settings "$tmp/other.env"; then
  expect_checks other "multi-node settings: routes on every node to every peer node, names/CIDRs follow"
  grep -q '^TOPOLOGY=multi-primary$' "$tmp/other/settings.env" || bad "TOPOLOGY from settings not used"
  n=$(grep -c 'ip route replace' "$tmp/other.cmds" || true)
  # east: 2 nodes x (3 west pod slices + 1 service route); west: 3 nodes x (2 + 1).
  [ "$n" = 17 ] && ok "multi-node: 17 route commands" || bad "multi-node: $n route commands, want 17"
else
  bad "multi-node settings failed: $(cat "$tmp/other.err")"
fi

# 3. --samples-certs takes the release's samples/certs (here: a stand-in ISTIO_DIR).
mkdir -p "$tmp/istio/samples/certs"
cp "$tmp/pr/certs/cluster1/"{ca-cert,ca-key,root-cert,cert-chain}.pem "$tmp/istio/samples/certs/"
mkdir -p "$tmp/samples"
if ISTIO_DIR=$tmp/istio "$up" --dry-run --samples-certs --out "$tmp/samples" >"$tmp/samples.cmds" 2>"$tmp/samples.err"; then
  expect_checks samples "--samples-certs: renders and checks pass"
  want=$(base64 -w0 <"$tmp/istio/samples/certs/ca-key.pem")
  if grep -q "ca-key.pem: $want" "$tmp/samples/cluster1/cacerts.yaml" &&
    grep -q "ca-key.pem: $want" "$tmp/samples/cluster2/cacerts.yaml" &&
    ! grep -q 'openssl genrsa' "$tmp/samples.cmds"; then
    ok "--samples-certs: both cacerts secrets hold samples/certs, no CA generated"
  else
    bad "--samples-certs: cacerts do not hold samples/certs (or a CA was generated)"
  fi
else
  bad "--samples-certs failed: $(cat "$tmp/samples.err")"
fi

# 4. The checker fails when the seed's defects are put back (mutations of a good run).
mutate() { # mutate WHAT SED_FILE SED_EXPR
  local what=$1 file=$2 expr=$3
  rm -rf "$tmp/m" && cp -r "$tmp/pr" "$tmp/m" && sed "s|$tmp/pr/|$tmp/m/|g" "$tmp/pr.cmds" >"$tmp/m.cmds"
  if [ "$file" = m.cmds ]; then file=$tmp/m.cmds; else file=$tmp/m/$file; fi
  sed -i "$expr" "$file"
  if MESH_CHECK_TRUST=0 python3 "$checks" "$tmp/m" "$tmp/m.cmds" >"$tmp/m.check" 2>&1; then
    bad "checker misses: $what"
  else
    ok "checker catches: $what ($(head -n 1 "$tmp/m.check"))"
  fi
}
# The unmutated copy passes, so each failure below is the mutation's.
if mutate "nothing (baseline)" m.cmds 's|^$||' | grep -q '^FAIL - checker misses'; then
  ok "checker passes the unmutated copy"
else
  bad "checker fails the unmutated copy: $(cat "$tmp/m.check")"
fi
mutate "cluster1 created twice" m.cmds \
  's|kind create cluster --name cluster2 --config \(.*\)/kind-cluster2.yaml|kind create cluster --name cluster1 --config \1/kind-cluster1.yaml|'
mutate "GenericEphemeralVolume feature gate" kind-cluster1.yaml \
  's|^networking:|featureGates:\n  GenericEphemeralVolume: true\nnetworking:|'
mutate "v1.19 node image without digest" kind-cluster2.yaml 's|image: .*|image: kindest/node:v1.19.0|'
mutate "meshExpansion in the IstioOperator" cluster1/istio.yaml 's|^      network: network1|      network: network1\n      meshExpansion:\n        enabled: true|'
mutate "istioctl x create-remote-secret" m.cmds 's|istioctl create-remote-secret|istioctl x create-remote-secret|'
mutate "hand-edited server address" m.cmds "s|--server 'https://<IP of cluster2-control-plane from docker inspect>:6443'|--server https://172.18.0.3:6443|"
mutate "missing service-CIDR route" m.cmds '/ip route replace 10.96.0.0\/16/d'
mutate "route via a hard-coded IP" m.cmds "s|10.241.0.0/16 via '<IP of cluster1-control-plane from docker inspect>'|10.241.0.0/16 via 172.18.0.2|"
mutate "overlapping subnets" kind-cluster2.yaml 's|10.244.0.0/16|10.241.0.0/16|'
mutate "mesh.yaml context drift" mesh.yaml 's|context: kind-cluster2|context: kind-remote0|'
mutate "mesh.yaml selector vs client pods" mesh.yaml 's|selector: app=curl|selector: app=sleep|'
mutate "no port gate on 15017" m.cmds '/dev\/tcp\/.*\/15017/d'
mutate "cross-cluster Service without 15017 (as the chart's istiod)" cluster1/istiod-cross-cluster.yaml 's|port: 15017|port: 443|'
mutate "remotePilotAddress is the chart's istiod ClusterIP" cluster2/istio.yaml 's|service istiod-cross-cluster in|service istiod in|'
mutate "no injection gate in cluster2" m.cmds '/--context kind-cluster2 -n sample create --dry-run=server/d'

# 5. Bad settings and flags are refused with a message naming the key.
refuse() { # refuse WHAT PATTERN K=V...
  local what=$1 pattern=$2
  shift 2
  settings_with "$src/scripts/mesh/mesh.env" "$tmp/bad.env" "$@"
  if "$up" --dry-run --settings "$tmp/bad.env" --out "$tmp/bad" >/dev/null 2>"$tmp/bad.err"; then
    bad "accepted $what"
  elif grep -q -- "$pattern" "$tmp/bad.err"; then
    ok "refuses $what: $(head -n 1 "$tmp/bad.err")"
  else
    bad "refused $what without naming $pattern: $(cat "$tmp/bad.err")"
  fi
}
refuse "overlapping pod subnets" "CLUSTER2_POD_SUBNET" CLUSTER2_POD_SUBNET=10.241.128.0/17
refuse "pod subnet overlapping a service subnet" "CLUSTER2_SERVICE_SUBNET" CLUSTER2_SERVICE_SUBNET=10.95.0.0/24
refuse "a node image without digest" "KIND_NODE_IMAGE" KIND_NODE_IMAGE=kindest/node:v1.32.5
refuse "the same cluster twice" "CLUSTER2_NAME" CLUSTER2_NAME=cluster1 CLUSTER2_CONTEXT=kind-cluster1
refuse "a context kind would not create" "CLUSTER2_CONTEXT" CLUSTER2_CONTEXT=remote0
refuse "an unknown topology" "TOPOLOGY" TOPOLOGY=shared
refuse "a missing key" "MESH_ID" MESH_ID=
refuse "the old default ISTIOD_VIA=clusterip, saying why" "ISTIOD_VIA: clusterip .*not 15017" ISTIOD_VIA=clusterip
refuse "the old key ISTIOD_REMOTE_ADDRESS" "ISTIOD_REMOTE_ADDRESS: renamed ISTIOD_VIA" ISTIOD_REMOTE_ADDRESS=clusterip
refuse "a wait that is not a number" "WAIT_GATE" WAIT_GATE=soon
if "$up" --dry-run --istiod-via gateway --out "$tmp/bad" >/dev/null 2>"$tmp/bad.err"; then
  bad "accepted --istiod-via gateway"
else
  [ $? = 2 ] && grep -q 'gateway .*not scripted' "$tmp/bad.err" &&
    ok "--istiod-via gateway: exit 2, $(head -n 1 "$tmp/bad.err")" || bad "--istiod-via gateway: $(cat "$tmp/bad.err")"
fi
if "$up" --dry-run --topology bogus --out "$tmp/bad" >/dev/null 2>&1; then
  bad "accepted --topology bogus"
else
  [ $? = 2 ] && ok "--topology bogus: exit 2" || bad "--topology bogus: exit not 2"
fi

# 6. A dry run calls no docker or cluster command: only the tools' version queries.
make_fakes "$tmp/fakebin" "$tmp/fakestate"
if PATH="$tmp/fakebin:$PATH" "$up" --dry-run --topology multi-primary --out "$tmp/pr" >/dev/null 2>&1; then
  others=$(grep -v -e '^kind version' -e '^kubectl version --client' \
    -e '^istioctl version --remote=false' "$tmp/fakestate/calls.log" || true)
  if [ -z "$others" ] && [ -s "$tmp/fakestate/calls.log" ]; then
    ok "dry run with tools on PATH: only version queries ($(wc -l <"$tmp/fakestate/calls.log") calls)"
  else
    bad "dry run touched docker or a cluster: $others"
  fi
else
  bad "dry run with fake tools on PATH failed"
fi

# 7. The same dry run again reuses the CA (up.sh is re-runnable).
before=$(sha256sum "$tmp/pr/certs/root-cert.pem")
dry pr --topology primary-remote || bad "second dry run failed"
if [ "$before" = "$(sha256sum "$tmp/pr/certs/root-cert.pem")" ] && grep -q 'reusing' "$tmp/pr.cmds"; then
  ok "second run reuses the root CA"
else
  bad "second run replaced the root CA"
fi

# 8. mesh.yaml loads in meshverify (check --dry-run validates config, prints the plan).
bin=${MESHVERIFY_BINARY:-$src/build/meshverify}
for name in pr mp other; do
  if [ ! -x "$bin" ]; then
    echo "skip - meshverify check --dry-run ($name): no binary at $bin"
    continue
  fi
  set +e
  out=$("$bin" check -c "$tmp/$name/mesh.yaml" --dry-run 2>&1)
  rc=$?
  set -e
  if grep -qi 'not implemented' <<<"$out"; then
    echo "skip - meshverify check --dry-run ($name): $(head -n 1 <<<"$out")"
  elif [ "$rc" = 0 ]; then
    ok "meshverify check --dry-run loads $name/mesh.yaml"
  else
    bad "meshverify check --dry-run -c $name/mesh.yaml: exit $rc: $out"
  fi
done

finish mesh_dry_run_test
