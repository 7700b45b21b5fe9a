#!/usr/bin/env bash
# The lab's topology is written once (LAB_TOPOLOGY in scripts/lab/lib/common.sh): what the lab
# derives from it is the seed's set-up (contexts, node IPs, pod subnets, the static routes),
# and meshverify's configs for the lab (scripts/lab/mesh.yaml, tests/data/check/mesh.yaml) say
# the same. Needs no root: nothing is brought up.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
skip_without python3 "scripts/deps.sh installs it"
python3 -c 'import yaml' 2>/dev/null || { echo "lab_topology_test: python3-yaml missing" >&2; exit 77; }
# Not the state of a lab that may be up meanwhile: the topology as written.
MVLAB_STATE=$tmp/lab-state
mkdir -p "$MVLAB_STATE"
# shellcheck source=../../scripts/lab/lib/common.sh
. "$src/scripts/lab/lib/common.sh"
# shellcheck source=../../scripts/lab/lib/net.sh
. "$src/scripts/lab/lib/net.sh"

same() {  # same WHAT GOT WANT
  if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: got '$2', want '$3'"; fi
}
same "clusters" "${LAB_CLUSTERS[*]}" "cluster1 cluster2"
same "cluster1 node" "$(lab_node_ip cluster1)" 172.18.0.2
same "cluster2 node" "$(lab_node_ip cluster2)" 172.18.0.3
same "cluster1 pods" "$(lab_pod_prefix cluster1)" 10.241
same "cluster2 pods" "$(lab_pod_prefix cluster2)" 10.244
same "cluster1 route (the seed's)" "$(lab_route_args cluster1)" "10.244.0.0/16 via 172.18.0.3"
same "cluster2 route (the seed's)" "$(lab_route_args cluster2)" "10.241.0.0/16 via 172.18.0.2"
same "context" "$(lab_context_cluster kind-cluster2)" cluster2
same "node IPs for awk" "$(lab_node_ips)" "cluster1=172.18.0.2 cluster2=172.18.0.3"
if lab_cluster_index cluster3 >/dev/null; then bad "cluster3 has an index"; else ok "no cluster3"; fi

# The configs: name, context, pod CIDRs, per cluster in order.
want=$(for c in "${LAB_CLUSTERS[@]}"; do echo "$c $(lab_context "$c") $(lab_pod_cidr "$c")"; done)
for config in scripts/lab/mesh.yaml tests/data/check/mesh.yaml; do
  got=$(python3 - "$src/$config" <<'PY'
import sys, yaml
for c in yaml.safe_load(open(sys.argv[1]))["clusters"]:
    print(c["name"], c["context"], " ".join(c["pod_cidrs"]))
PY
)
  same "$config" "$got" "$want"
done

# Multi-network (lab up --topology multi-network): the nodes route only to the other cluster's
# gateway; --overlap gives both clusters one pod CIDR, as scripts/lab/mesh-overlap.yaml says.
# shellcheck disable=SC2034 # read by the lab's functions
LAB_NETWORK=multi-network
same "cluster1 route (multi-network)" "$(lab_route_args cluster1)" "172.18.255.202/32 via 172.18.0.3"
same "cluster2 route (multi-network)" "$(lab_route_args cluster2)" "172.18.255.201/32 via 172.18.0.2"
same "gateways for awk" "$(lab_gateway_map)" "gw-cluster1=172.18.255.201:15443 gw-cluster2=172.18.255.202:15443"
printf 'network=multi-network\noverlap=1\nlb=random\n' >"$MVLAB_STATE/options"
LAB_STATE=$MVLAB_STATE lab_options_load
same "overlap: lb" "$LAB_LB" random
same "overlap: cluster1 pods" "$(lab_pod_cidr cluster1)" 10.244.0.0/16
same "overlap: gateway pod IP" "$(lab_gateway_pod_ip cluster1)" 10.244.0.2
want=$(for c in "${LAB_CLUSTERS[@]}"; do echo "$c $(lab_context "$c") $(lab_pod_cidr "$c")"; done)
got=$(python3 - "$src/scripts/lab/mesh-overlap.yaml" <<'PY'
import sys, yaml
for c in yaml.safe_load(open(sys.argv[1]))["clusters"]:
    print(c["name"], c["context"], " ".join(c["pod_cidrs"]))
PY
)
same scripts/lab/mesh-overlap.yaml "$got" "$want"
finish lab_topology_test
