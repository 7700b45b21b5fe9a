# shellcheck shell=bash
# The test workload and the bounded waits for the mesh to converge: istiod sees every cluster
# (`istioctl remote-clusters` synced), then every client sidecar lists the helloworld endpoints
# of both clusters (`istioctl proxy-config endpoints`), which is what meshverify then measures.

# Mesh names (clusterName) that the istiod of cluster INDEX must report as synced.
expected_synced() {
  if [ "$TOPOLOGY" = primary-remote ] || [ "$1" = 1 ]; then
    printf '%s\n' "$CLUSTER1_MESH_NAME" "$CLUSTER2_MESH_NAME"
  else
    printf '%s\n' "$CLUSTER2_MESH_NAME" "$CLUSTER1_MESH_NAME"
  fi
}

# True when `istioctl remote-clusters` in CONTEXT shows every given cluster as synced.
# Output: NAME SECRET STATUS ISTIOD; a cluster without a secret (the local one) has 3 columns.
clusters_synced() {
  local ctx=$1 out name
  shift
  out=$("$ISTIOCTL" remote-clusters --context "$ctx" 2>/dev/null) || return 1
  for name in "$@"; do
    awk -v n="$name" '$1 == n && / synced /' <<<"$out" | grep -q . || return 1
  done
}

wait_synced() {
  local i ctx
  local -a names
  for i in 1 2; do
    [ "$TOPOLOGY" = primary-remote ] && [ "$i" = 2 ] && continue # no istiod in the remote
    ctx=$(cval "$i" CONTEXT)
    mapfile -t names < <(expected_synced "$i")
    wait_until "$WAIT_MESH" 5 "istiod in $ctx reports ${names[*]} synced" \
      "$ISTIOCTL remote-clusters --context $ctx" clusters_synced "$ctx" "${names[@]}" ||
      die "istiod in $ctx does not see ${names[*]} as synced; check the remote secret (kubectl --context $ctx -n istio-system get secrets -l istio/multiCluster=true) and that the other API server is reachable at its node IP:6443"
  done
}

# The sample namespace (with sidecar injection) in both clusters, then the injection gate
# (lib/gates.sh) in each before any workload is applied.
sample_namespaces() {
  local i
  for i in 1 2; do
    kubectl_c "$i" apply -f "$(cluster_dir "$i")/namespace-sample.yaml"
  done
  for i in 1 2; do
    gate_injection "$i"
  done
}

deploy_samples() {
  local i dir
  for i in 1 2; do
    dir=$(cluster_dir "$i")
    kubectl_c "$i" apply -f "$dir/helloworld.yaml"
    kubectl_c "$i" apply -f "$dir/client.yaml"
  done
  for i in 1 2; do
    rollout "$i" "$SAMPLE_NAMESPACE" "helloworld-v$i"
    rollout "$i" "$SAMPLE_NAMESPACE" "$CLIENT"
  done
}

# One item per line, empty lines dropped (a pod without an IP yet); a dry run's placeholder
# is one item.
split_words() {
  if [ "$DRY_RUN" = 1 ]; then cat; else tr ' ' '\n' | grep . || true; fi
}

# helloworld pod IPs of cluster INDEX, one per line; pods being deleted (an earlier run's, or
# the old replica of a rollout) are left out: their endpoints leave the sidecars' lists.
helloworld_ips() {
  query "<helloworld pod IPs in $(cval "$1" CONTEXT) from kubectl>" kubectl --context \
    "$(cval "$1" CONTEXT)" -n "$SAMPLE_NAMESPACE" get pods -l app=helloworld \
    --field-selector=status.phase=Running -o "$LIVE_POD_IPS" | split_words
}

client_pods() {
  query "<$CLIENT pods in $(cval "$1" CONTEXT) from kubectl>" kubectl --context \
    "$(cval "$1" CONTEXT)" -n "$SAMPLE_NAMESPACE" get pods -l "app=$CLIENT" \
    --field-selector=status.phase=Running -o "$LIVE_POD_NAMES" | split_words
}

# True when the sidecar of POD in CONTEXT lists every IP given as a HEALTHY :5000 endpoint.
endpoints_listed() {
  local ctx=$1 pod=$2 out ip
  shift 2
  # shellcheck disable=SC2059 # the format is ours
  out=$("$ISTIOCTL" proxy-config endpoints "$pod.$SAMPLE_NAMESPACE" --context "$ctx" \
    --cluster "$(printf "$ENVOY_CLUSTER_FMT" "$SAMPLE_NAMESPACE")" 2>/dev/null) || return 1
  for ip in "$@"; do
    grep -F "$ip:5000" <<<"$out" | grep -q HEALTHY || return 1
  done
}

wait_endpoints() {
  local i pod ctx envoy_cluster
  local -a ips pods
  # shellcheck disable=SC2059
  envoy_cluster=$(printf "$ENVOY_CLUSTER_FMT" "$SAMPLE_NAMESPACE")
  mapfile -t ips < <(helloworld_ips 1; helloworld_ips 2)
  [ "${#ips[@]}" -ge 2 ] || die "expected helloworld pods in both clusters, found IPs: ${ips[*]:-none}"
  for i in 1 2; do
    ctx=$(cval "$i" CONTEXT)
    mapfile -t pods < <(client_pods "$i")
    [ "${#pods[@]}" -gt 0 ] || die "no app=$CLIENT pod in $ctx/$SAMPLE_NAMESPACE"
    for pod in "${pods[@]}"; do
      wait_until "$WAIT_MESH" 5 "sidecar of $pod in $ctx lists helloworld endpoints ${ips[*]}" \
        "$ISTIOCTL proxy-config endpoints $pod.$SAMPLE_NAMESPACE --context $ctx --cluster '$envoy_cluster'" \
        endpoints_listed "$ctx" "$pod" "${ips[@]}" ||
        die "the sidecar of $pod in $ctx does not list both clusters' helloworld endpoints (${ips[*]}): with remote ones missing, check the remote secret; run: $ISTIOCTL proxy-config endpoints $pod.$SAMPLE_NAMESPACE --context $ctx --cluster '$envoy_cluster'"
    done
  done
}
