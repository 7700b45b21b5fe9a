# shellcheck shell=bash disable=SC2034 # the variables are for the scripts sourcing this file
# Shared by the lab command and its kubectl/istioctl front-ends: names, addresses and the pod
# table. Everything the lab creates carries the prefix "mvlab" (namespaces, /etc/netns entries,
# the state directory), so that `lab down` finds all of it after a crash too.

LAB_PREFIX=mvlab
LAB_STATE=${MVLAB_STATE:-/run/mvlab}
LAB_PODS=$LAB_STATE/pods          # the pod table, one pod a line, tab-separated (see below)
LAB_NAMESPACE=sample              # the Kubernetes namespace of every lab pod
LAB_ENVOY_CLUSTER='outbound|5000||helloworld.sample.svc.cluster.local'
LAB_CLUSTERS=(cluster1 cluster2)

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

# cluster1 -> 1
lab_cluster_index() {
  case $1 in
    cluster1) echo 1 ;;
    cluster2) echo 2 ;;
    *) return 1 ;;
  esac
}

lab_pod_prefix() { # cluster -> first two octets of its pod CIDR
  case $1 in
    cluster1) echo 10.241 ;;
    cluster2) echo 10.244 ;;
  esac
}

lab_node_ip() { echo "172.18.0.$(($(lab_cluster_index "$1") + 1))"; }
lab_node_ns() { echo "$LAB_PREFIX-n$(lab_cluster_index "$1")"; }
lab_node_name() { echo "$1-control-plane"; }
lab_sidecar_sock() { echo "$LAB_STATE/sidecar-$1.sock"; }

# kind-cluster1 -> cluster1; fails for an unknown context.
lab_context_cluster() {
  case $1 in
    kind-cluster1) echo cluster1 ;;
    kind-cluster2) echo cluster2 ;;
    *) return 1 ;;
  esac
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
