# shellcheck shell=bash
# The lab's topology: a bridge namespace for the docker "kind" network (172.18.0.0/16), one node
# namespace per cluster with forwarding on, pod namespaces wired to their node with a veth pair
# (point-to-point, as kindnet's ptp plugin does: the pod holds IP/32, its default route goes via
# the node's gateway address), and the seed's static routes between the nodes.

LAB_BRIDGE_NS=$LAB_PREFIX-br

# Runs sysctl inside a namespace, quietly.
lab_ns_sysctl() {
  local ns=$1
  shift
  ip netns exec "$ns" sysctl -qw "$@" >/dev/null
}

lab_net_bridge() {
  ip netns add "$LAB_BRIDGE_NS"
  ip -n "$LAB_BRIDGE_NS" link set lo up
  ip -n "$LAB_BRIDGE_NS" link add br0 type bridge
  ip -n "$LAB_BRIDGE_NS" addr add 172.18.0.1/16 dev br0
  ip -n "$LAB_BRIDGE_NS" link set br0 up
}

# Creates the node namespace of cluster $1, attached to the kind bridge.
lab_net_node() {
  local cluster=$1 idx ns
  idx=$(lab_cluster_index "$cluster")
  ns=$(lab_node_ns "$cluster")
  ip netns add "$ns"
  lab_ns_sysctl "$ns" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0
  ip -n "$ns" link set lo up
  ip -n "$LAB_BRIDGE_NS" link add "vn$idx" type veth peer name eth0 netns "$ns"
  ip -n "$LAB_BRIDGE_NS" link set "vn$idx" master br0 up
  ip -n "$ns" addr add "$(lab_node_ip "$cluster")/16" dev eth0
  ip -n "$ns" link set eth0 up
}

# The static route on cluster $1's node towards the other cluster: the seed's, its pod CIDR via
# its node; multi-network, only the other cluster's east-west gateway (its load-balancer IP via
# its node, as MetalLB's L2 announcement would make it reachable), never its pods.
lab_route_args() {
  local other
  for other in "${LAB_CLUSTERS[@]}"; do
    [ "$other" = "$1" ] && continue
    if lab_multi_network; then
      echo "$(lab_gateway_ip "$other")/32 via $(lab_node_ip "$other")"
    else
      echo "$(lab_pod_cidr "$other") via $(lab_node_ip "$other")"
    fi
    return 0
  done
}

lab_route_add() {
  # shellcheck disable=SC2046  # the route is several words on purpose
  ip -n "$(lab_node_ns "$1")" route replace $(lab_route_args "$1")
}

lab_route_del() {
  # shellcheck disable=SC2046
  ip -n "$(lab_node_ns "$1")" route del $(lab_route_args "$1") 2>/dev/null || true
}

lab_route_present() {
  # shellcheck disable=SC2046
  [ -n "$(ip -n "$(lab_node_ns "$1")" route show $(lab_route_args "$1" | cut -d' ' -f1))" ]
}

# Creates pod namespace $2 in cluster $1 with address $3; the node side is interface $4.
lab_net_pod() {
  local cluster=$1 ns=$2 ip=$3 ifname=$4 node gw
  node=$(lab_node_ns "$cluster")
  gw="$(lab_pod_prefix "$cluster").0.1"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$node" link add "$ifname" type veth peer name eth0 netns "$ns"
  ip -n "$node" addr add "$gw/32" dev "$ifname"
  ip -n "$node" link set "$ifname" up
  ip -n "$node" route add "$ip/32" dev "$ifname"
  ip -n "$ns" addr add "$ip/32" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add "$gw" dev eth0 scope link
  ip -n "$ns" route add default via "$gw" dev eth0
}

# The east-west gateway "pod" of cluster $1 (multi-network): a pod namespace with its pod IP
# (its connections to the cluster's pods leave from it) and the load-balancer IP the other
# cluster's sidecars connect to. The answers from the load-balancer IP go back to the other
# cluster's node by a source route on this node (table 100): the only way back into the other
# network, where a real gateway's node would masquerade.
lab_net_gateway() {
  local cluster=$1 ns node lb pod_ip gw other
  ns=$(lab_gateway_ns "$cluster")
  node=$(lab_node_ns "$cluster")
  lb=$(lab_gateway_ip "$cluster")
  pod_ip=$(lab_gateway_pod_ip "$cluster")
  gw="$(lab_pod_prefix "$cluster").0.1"
  lab_net_pod "$cluster" "$ns" "$pod_ip" vgw
  ip -n "$ns" addr add "$lb/32" dev eth0
  ip -n "$ns" route replace default via "$gw" dev eth0 src "$pod_ip"
  ip -n "$node" route add "$lb/32" dev vgw
  ip -n "$node" rule add from "$lb" lookup 100 priority 100
  for other in "${LAB_CLUSTERS[@]}"; do
    [ "$other" = "$cluster" ] && continue
    ip -n "$node" route add "$(lab_pod_cidr "$other")" via "$(lab_node_ip "$other")" dev eth0 table 100
  done
}

# Every namespace the lab owns, including those left by a crashed run.
lab_net_namespaces() {
  ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$LAB_PREFIX-" || true
}

# Stops every process inside the lab's namespaces (only the lab starts processes there), then
# deletes the namespaces; their veths go with them.
lab_net_teardown() {
  local ns pid
  local -a pids=()
  for ns in $(lab_net_namespaces); do
    for pid in $(ip netns pids "$ns" 2>/dev/null || true); do pids+=("$pid"); done
  done
  lab_stop_pids 30 0.1 "${pids[@]}"
  for ns in $(lab_net_namespaces); do
    ip netns del "$ns" 2>/dev/null || true
  done
}
