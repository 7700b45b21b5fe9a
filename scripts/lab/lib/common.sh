# shellcheck shell=bash disable=SC2034 # the variables are for the scripts sourcing this file
# Shared by the lab command and its kubectl/istioctl front-ends: names, addresses and the pod
# table. Everything the lab creates carries the prefix "mvlab" (namespaces, /etc/netns entries,
# the state directory), so that `lab down` finds all of it after a crash too.

LAB_PREFIX=mvlab
LAB_STATE=${MVLAB_STATE:-/run/mvlab}
LAB_PODS=$LAB_STATE/pods          # the pod table, one pod a line, tab-separated (see below)
LAB_NAMESPACE=sample              # the Kubernetes namespace of every lab pod
LAB_ENVOY_CLUSTER='outbound|5000||helloworld.sample.svc.cluster.local'

# The lab's topology, written once: the seed's two kind clusters, one row each, in order.
#   cluster   kubeconfig context   node IP on the kind network   pod CIDR (a /16)
# Routes, pod addresses, contexts and hostIPs are all derived from these rows; scripts/lab/
# mesh.yaml says the same (tests/scripts/lab_topology_test.sh holds them together).
LAB_TOPOLOGY=(
  "cluster1 kind-cluster1 172.18.0.2 10.241.0.0/16"
  "cluster2 kind-cluster2 172.18.0.3 10.244.0.0/16"
)
LAB_CLUSTERS=()
for lab_row in "${LAB_TOPOLOGY[@]}"; do LAB_CLUSTERS+=("${lab_row%% *}"); done
unset lab_row

# How the running lab was brought up (`lab up --topology ... --lb ...`), kept in the state
# directory so that faults and the front-ends see the same lab:
#   LAB_NETWORK  single-network (the seed's: pod routes between the nodes) or multi-network
#                (each cluster its own network, reached through its east-west gateway)
#   LAB_OVERLAP  1 when every cluster has the same pod CIDR (multi-network only)
#   LAB_LB       the sidecars' balancing: round-robin, random or least-request
LAB_OVERLAP_CIDR=10.244.0.0/16
LAB_GATEWAY_PORT=15443
lab_options_load() {
  LAB_NETWORK=single-network LAB_OVERLAP=0 LAB_LB=round-robin
  local f=$LAB_STATE/options key value
  if [ -r "$f" ]; then
    while IFS='=' read -r key value; do
      case $key in
        network) LAB_NETWORK=$value ;;
        overlap) LAB_OVERLAP=$value ;;
        lb) LAB_LB=$value ;;
      esac
    done <"$f"
  fi
  if [ "$LAB_OVERLAP" = 1 ]; then
    local i
    for i in "${!LAB_TOPOLOGY[@]}"; do
      LAB_TOPOLOGY[i]="${LAB_TOPOLOGY[i]% *} $LAB_OVERLAP_CIDR"
    done
  fi
}
lab_options_load

lab_multi_network() { [ "$LAB_NETWORK" = multi-network ]; }

# Pod table columns (1-based, for awk and read):
#   name cluster app version ip netns status weight hash node uid replicaset-uid
# status is "running" or "stopped"; weight is the Envoy/HAProxy endpoint weight.

lab_die() {
  echo "lab: $*" >&2
  exit 1
}

lab_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "lab: needs root (network namespaces)" >&2
    exit 2
  fi
}

# Prints column $2 (1 cluster, 2 context, 3 node IP, 4 pod CIDR) of cluster $1's topology row;
# fails for a cluster that is not in the lab.
lab_topology() {
  local row name context node cidr
  for row in "${LAB_TOPOLOGY[@]}"; do
    read -r name context node cidr <<<"$row"
    [ "$name" = "$1" ] || continue
    case $2 in
      1) echo "$name" ;;
      2) echo "$context" ;;
      3) echo "$node" ;;
      4) echo "$cidr" ;;
      *) return 1 ;;
    esac
    return 0
  done
  return 1
}

# cluster1 -> 1 (its row); fails for an unknown cluster.
lab_cluster_index() {
  local i=0 row
  for row in "${LAB_TOPOLOGY[@]}"; do
    i=$((i + 1))
    if [ "${row%% *}" = "$1" ]; then
      echo "$i"
      return 0
    fi
  done
  return 1
}

lab_pod_cidr() { lab_topology "$1" 4; }
lab_pod_prefix() { # cluster -> first two octets of its pod CIDR (10.241.0.0/16 -> 10.241)
  local cidr
  cidr=$(lab_pod_cidr "$1") || return 1
  echo "${cidr%.*.*}"
}

lab_node_ip() { lab_topology "$1" 3; }
lab_context() { lab_topology "$1" 2; }
lab_node_ns() { echo "$LAB_PREFIX-n$(lab_cluster_index "$1")"; }
lab_node_name() { echo "$1-control-plane"; }
lab_sidecar_sock() { echo "$LAB_STATE/sidecar-$1.sock"; }
lab_gateway_sock() { echo "$LAB_STATE/gateway-$1.sock"; }
# The east-west gateway of cluster $1 (multi-network): its load-balancer IP on the kind network
# (where MetalLB would put it), its pod IP, its namespace, and the loopback port on which each
# sidecar's connection pool towards it listens (lib/sidecar.sh).
lab_gateway_ip() { echo "172.18.255.$((200 + $(lab_cluster_index "$1")))"; }
lab_gateway_pod_ip() { echo "$(lab_pod_prefix "$1").0.2"; }
lab_gateway_ns() { echo "$LAB_PREFIX-c$(lab_cluster_index "$1")-gw"; }
lab_gateway_pool_port() { echo "$((15500 + $(lab_cluster_index "$1")))"; }
# "gw-cluster1=172.18.255.201:15443 ...": each gateway's sidecar server name and address, for awk.
lab_gateway_map() {
  local cluster out=
  for cluster in "${LAB_CLUSTERS[@]}"; do
    out="$out${out:+ }gw-$cluster=$(lab_gateway_ip "$cluster"):$LAB_GATEWAY_PORT"
  done
  echo "$out"
}

# kind-cluster1 -> cluster1; fails for an unknown context.
lab_context_cluster() {
  local row name context rest
  for row in "${LAB_TOPOLOGY[@]}"; do
    read -r name context rest <<<"$row"
    if [ "$context" = "$1" ]; then
      echo "$name"
      return 0
    fi
  done
  return 1
}

# "cluster1=172.18.0.2 cluster2=172.18.0.3": every cluster's node IP, for awk.
lab_node_ips() {
  local cluster out=
  for cluster in "${LAB_CLUSTERS[@]}"; do out="$out${out:+ }$cluster=$(lab_node_ip "$cluster")"; done
  echo "$out"
}

lab_is_up() { [ -s "$LAB_PODS" ]; }

# Prints the pod table line of pod $1 (exact name); fails when absent.
lab_pod_line() {
  awk -F'\t' -v n="$1" '$1 == n { print; found = 1 } END { exit !found }' "$LAB_PODS"
}

# Prints field $2 (column number) of pod $1.
lab_pod_field() {
  awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f; found = 1 } END { exit !found }' "$LAB_PODS"
}

# Sets field $2 of pod $1 to $3, atomically (rename).
lab_pod_set() {
  awk -F'\t' -v OFS='\t' -v n="$1" -v f="$2" -v v="$3" '$1 == n { $f = v } { print }' \
    "$LAB_PODS" >"$LAB_PODS.tmp" && mv "$LAB_PODS.tmp" "$LAB_PODS"
}

# Sends one command to a sidecar's HAProxy runtime API and prints the answer.
lab_sidecar_cmd() {
  local cluster=$1
  shift
  echo "$*" | socat -t 2 - "UNIX-CONNECT:$(lab_sidecar_sock "$cluster")"
}

# True while process $1 runs. A zombie counts as gone: daemons are reparented to PID 1, which
# in containers may reap them late.
lab_alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Starts HAProxy daemonized in netns $1 with config $2 and pidfile $3; dies naming $4 (what it
# is, e.g. "sidecar of cluster1") when it does not start. The lab lock (fd 9) is not inherited.
lab_haproxy_start() {
  ip netns exec "$1" haproxy -q -D -f "$2" -p "$3" 9>&- ||
    lab_die "$4: haproxy did not start (config $2)"
}

# Stops the HAProxy of pidfile $1 (if any) and removes the pidfile and its stats socket $2.
lab_haproxy_stop() {
  [ -s "$1" ] || return 0
  lab_stop_pids 50 0.05 "$(head -n1 "$1")"
  rm -f "$1" "$2"
}

# Stops processes $3...: SIGTERM, then up to $1 checks $2 seconds apart for them to go, and
# SIGKILL for any left at the last check. The one stop-and-wait of the lab (bounded: $1 x $2).
lab_stop_pids() {
  local tries=$1 interval=$2 i pid alive
  shift 2
  [ "$#" -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for i in $(seq 1 "$tries"); do
    alive=()
    for pid in "$@"; do lab_alive "$pid" && alive+=("$pid"); done
    [ "${#alive[@]}" -eq 0 ] && return 0
    if [ "$i" -eq "$tries" ]; then
      kill -KILL "${alive[@]}" 2>/dev/null || true
      return 0
    fi
    sleep "$interval"
  done
}
