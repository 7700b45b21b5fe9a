# shellcheck shell=bash
# The steps of up.sh after rendering. Every docker/kind/kubectl/istioctl call goes through
# run, run_to, query or wait_until (lib/common.sh), so a dry run prints all of them.

# printf format of the Envoy cluster of helloworld (used by lib/converge.sh).
# shellcheck disable=SC2034
ENVOY_CLUSTER_FMT='outbound|5000||helloworld.%s.svc.cluster.local'

kubectl_c() { # kubectl_c INDEX ARGS...: kubectl against cluster INDEX's context
  local i=$1
  shift
  run kubectl --context "$(cval "$i" CONTEXT)" "$@"
}

# --- clusters -------------------------------------------------------------------------------

cluster_exists() {
  [ "$DRY_RUN" = 1 ] && return 1
  kind get clusters 2>/dev/null | grep -qxF "$1"
}

create_clusters() {
  local i name
  for i in 1 2; do
    name=$(cval "$i" NAME)
    if cluster_exists "$name"; then
      say "kind cluster $name exists: not creating it again"
    else
      run kind create cluster --name "$name" --config "$(kind_config "$i")"
      [ "$DRY_RUN" = 1 ] || printf '%s\n' "$name" >>"$OUT/.mesh-clusters"
    fi
  done
  for i in 1 2; do
    wait_until "$WAIT_NODES" 5 "nodes of $(cval "$i" NAME) Ready" \
      "kubectl --context $(cval "$i" CONTEXT) wait --for=condition=Ready nodes --all --timeout=10s" \
      kubectl --context "$(cval "$i" CONTEXT)" wait --for=condition=Ready nodes --all \
      --timeout=10s || die "nodes of $(cval "$i" NAME) not Ready; see kubectl --context $(cval "$i" CONTEXT) describe nodes"
  done
}

# Node containers of cluster INDEX, one per line.
cluster_nodes() {
  local i=$1
  if [ "$DRY_RUN" = 1 ]; then
    printf '+ %s\n' "kind get nodes --name $(cval "$i" NAME)" >&3
    planned_nodes "$(cval "$i" NAME)" "$(cval "$i" WORKERS)"
  else
    printf '+ %s\n' "kind get nodes --name $(cval "$i" NAME)" >&3
    kind get nodes --name "$(cval "$i" NAME)" | sort
  fi
}

node_ip() {
  query "<IP of $1 from docker inspect>" docker inspect -f \
    "{{(index .NetworkSettings.Networks \"$DOCKER_NETWORK\").IPAddress}}" "$1"
}

# Pod CIDR served by a node. A single-node cluster's node owns the whole pod subnet; in a
# multi-node cluster each node has its own slice (spec.podCIDR), which must be routed to it.
node_pod_cidr() {
  local i=$1 node=$2
  if [ "$(cval "$i" WORKERS)" = 0 ]; then
    cval "$i" POD_SUBNET
  else
    query "<podCIDR of $node from kubectl, within $(cval "$i" POD_SUBNET)>" \
      kubectl --context "$(cval "$i" CONTEXT)" get node "$node" -o 'jsonpath={.spec.podCIDR}'
  fi
}

# Static routes between the clusters' node containers (Istio CI's connect_kind_clusters,
# extended to every node): on every node of one cluster, each node's pod CIDR of the other
# cluster via that node's IP, and the other cluster's service CIDR via its control plane
# (kube-proxy there DNATs ClusterIPs). `ip route replace` makes re-runs safe; routes vanish
# when a node container restarts, so re-run up.sh after a docker restart.
add_routes() {
  local from to node peer ip cidr cp_ip
  local -a from_nodes to_nodes
  for from in 1 2; do
    to=$((3 - from))
    cp_ip=""
    mapfile -t from_nodes < <(cluster_nodes "$from")
    mapfile -t to_nodes < <(cluster_nodes "$to")
    [ "${#to_nodes[@]}" -gt 0 ] || die "kind get nodes --name $(cval "$to" NAME): no nodes"
    local -a peer_ips=() peer_cidrs=()
    for peer in "${to_nodes[@]}"; do
      ip=$(node_ip "$peer") || die "docker inspect $peer failed"
      [ -n "$ip" ] || die "docker inspect $peer: no IP on network $DOCKER_NETWORK (DOCKER_NETWORK in settings)"
      cidr=$(node_pod_cidr "$to" "$peer") || die "no podCIDR for node $peer"
      [ -n "$cidr" ] || die "node $peer has no spec.podCIDR yet"
      peer_ips+=("$ip")
      peer_cidrs+=("$cidr")
      [[ "$peer" == *-control-plane ]] && cp_ip=$ip
    done
    for node in "${from_nodes[@]}"; do
      local k
      for k in "${!peer_ips[@]}"; do
        run docker exec "$node" ip route replace "${peer_cidrs[k]}" via "${peer_ips[k]}"
      done
      run docker exec "$node" ip route replace "$(cval "$to" SERVICE_SUBNET)" via "${cp_ip:-${peer_ips[0]}}"
    done
  done
}

# --- trust and Istio ------------------------------------------------------------------------

apply_trust() {
  local i dir
  for i in 1 2; do
    dir=$(cluster_dir "$i")
    kubectl_c "$i" apply -f "$dir/namespace-istio-system.yaml"
    if [ -f "$dir/cacerts.yaml" ] || [ "$DRY_RUN" != 1 ]; then
      kubectl_c "$i" apply -f "$dir/cacerts.yaml"
    fi
  done
}

istio_install() {
  local i=$1
  run "$ISTIOCTL" install -y --context "$(cval "$i" CONTEXT)" -f "$(cluster_dir "$i")/istio.yaml"
}

rollout() { # rollout INDEX NAMESPACE DEPLOYMENT
  kubectl_c "$1" -n "$2" rollout status "deployment/$3" --timeout="${WAIT_ROLLOUT}s" ||
    die "deployment $2/$3 in $(cval "$1" CONTEXT) not ready after ${WAIT_ROLLOUT}s; see kubectl --context $(cval "$1" CONTEXT) -n $2 describe deployment $3"
}

# The Service that exposes istiod's 15012 and 15017 to the remote cluster (ISTIOD_VIA=service).
XC_SERVICE=istiod-cross-cluster

# kubectl output formats for pods that are not being deleted: a terminating pod (one with a
# deletionTimestamp, still Running until it exits) is no endpoint to wait for or to use.
# shellcheck disable=SC2016 # go-template text, not shell
LIVE_POD_IPS='go-template={{range .items}}{{if not .metadata.deletionTimestamp}}{{.status.podIP}}{{"\n"}}{{end}}{{end}}'
# shellcheck disable=SC2016
LIVE_POD_NAMES='go-template={{range .items}}{{if not .metadata.deletionTimestamp}}{{.metadata.name}}{{"\n"}}{{end}}{{end}}'

# istiod's address for the remote cluster (ISTIOD_VIA in mesh.env), printed on stdout.
istiod_address() {
  local ctx=$CLUSTER1_CONTEXT
  if [ "$ISTIOD_VIA" = service ]; then
    query "<ClusterIP of service $XC_SERVICE in $ctx from kubectl>" kubectl --context "$ctx" \
      -n istio-system get service "$XC_SERVICE" -o 'jsonpath={.spec.clusterIP}'
  else
    query "<IP of the istiod pod in $ctx from kubectl>" kubectl --context "$ctx" \
      -n istio-system get pods -l app=istiod --field-selector=status.phase=Running \
      -o "$LIVE_POD_IPS" | head -n 1
  fi
}

istiod_address_source() {
  if [ "$ISTIOD_VIA" = service ]; then
    printf 'ClusterIP of Service istio-system/%s in %s (ports 15012, 15017)' "$XC_SERVICE" \
      "$CLUSTER1_CONTEXT"
  else
    printf 'IP of the istiod pod in %s (changes when the pod is replaced: re-run up.sh)' \
      "$CLUSTER1_CONTEXT"
  fi
}

install_istio() {
  istio_install 1
  rollout 1 istio-system istiod
  if [ "$TOPOLOGY" = multi-primary ]; then
    istio_install 2
    rollout 2 istio-system istiod
    return 0
  fi
  if [ "$ISTIOD_VIA" = service ]; then
    kubectl_c 1 apply -f "$(cluster_dir 1)/$XC_SERVICE.yaml"
  fi
  local addr source
  addr=$(istiod_address) || die "could not read istiod's address in $CLUSTER1_CONTEXT ($ISTIOD_VIA)"
  [ -n "$addr" ] || die "istiod in $CLUSTER1_CONTEXT has no address yet ($ISTIOD_VIA)"
  source=$(istiod_address_source)
  gate_istiod_ports "$addr" "$source"
  render_remote_iop "$addr" "$source"
  istio_install 2
}

# Remote secrets: cluster2's API server for cluster1's istiod, and in multi-primary also the
# reverse. --server is the node container's IP (the kubeconfig's 127.0.0.1:<port> is only
# reachable from the host); --name is the cluster's multiCluster.clusterName.
remote_secret() { # remote_secret FROM_INDEX TO_INDEX: FROM's API server, applied in TO
  local from=$1 to=$2 ip file
  ip=$(node_ip "$(cval "$from" NAME)-control-plane") || die "docker inspect failed"
  file="$(cluster_dir "$to")/remote-secret-$(cval "$from" MESH_NAME).yaml"
  private_dir "$(dirname "$file")" # the secret holds a service-account token
  run_to "$file" "$ISTIOCTL" create-remote-secret --context "$(cval "$from" CONTEXT)" \
    --name "$(cval "$from" MESH_NAME)" --server "https://$ip:6443"
  private_file "$file"
  kubectl_c "$to" apply -f "$file"
}

create_remote_secrets() {
  remote_secret 2 1
  [ "$TOPOLOGY" = multi-primary ] && remote_secret 1 2
  return 0
}
