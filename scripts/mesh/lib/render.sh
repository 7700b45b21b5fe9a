# shellcheck shell=bash
# Renders every file up.sh applies, from the settings, into $OUT (also in a dry run):
#   $OUT/kind-<name>.yaml                 kind config per cluster
#   $OUT/<name>/namespace-istio-system.yaml, cacerts.yaml, istio.yaml
#   $OUT/<name>/namespace-sample.yaml, helloworld.yaml, client.yaml
#   $OUT/<name>/injection-probe.yaml      the pod of the injection gate (lib/gates.sh)
#   $OUT/cluster1/istiod-cross-cluster.yaml   primary-remote with ISTIOD_VIA=service
#   $OUT/mesh.yaml                        meshverify's config
# Globals: TOPOLOGY, SETTINGS_FILE, SAMPLES_CERTS, OUT and the settings.

cluster_dir() { printf '%s/%s' "$OUT" "$(cval "$1" NAME)"; }
kind_config() { printf '%s/kind-%s.yaml' "$OUT" "$(cval "$1" NAME)"; }

render_kind_config() {
  local i=$1 nodes n
  nodes="- role: control-plane"$'\n'"  image: $KIND_NODE_IMAGE"
  for ((n = 0; n < $(cval "$i" WORKERS); n++)); do
    nodes+=$'\n'"- role: worker"$'\n'"  image: $KIND_NODE_IMAGE"
  done
  render kind-cluster.yaml SETTINGS="$SETTINGS_FILE" NAME="$(cval "$i" NAME)" \
    POD_SUBNET="$(cval "$i" POD_SUBNET)" SERVICE_SUBNET="$(cval "$i" SERVICE_SUBNET)" \
    NODES="$nodes" | write_file "$(kind_config "$i")"
}

# The primary's IstioOperator (cluster1, and cluster2 in multi-primary). cluster2's remote
# IstioOperator needs istiod's address from the running cluster1: render_remote_iop, later.
render_primary_iop() {
  local i=$1 tmpl=istio-primary.yaml
  [ "$TOPOLOGY" = primary-remote ] && tmpl=istio-primary-external.yaml
  render "$tmpl" MESH_NAME="$(cval "$i" MESH_NAME)" CONTEXT="$(cval "$i" CONTEXT)" \
    MESH_ID="$MESH_ID" NETWORK="$NETWORK" | write_file "$(cluster_dir "$i")/istio.yaml"
}

# render_remote_iop ADDRESS SOURCE: cluster2's remote-profile IstioOperator.
render_remote_iop() {
  render istio-remote.yaml MESH_NAME="$(cval 2 MESH_NAME)" CONTEXT="$(cval 2 CONTEXT)" \
    MESH_ID="$MESH_ID" NETWORK="$NETWORK" PILOT_ADDRESS="$1" PILOT_ADDRESS_SOURCE="$2" |
    write_file "$(cluster_dir 2)/istio.yaml"
}

render_namespaces() {
  local i=$1 dir
  dir=$(cluster_dir "$i")
  if [ "$TOPOLOGY" = primary-remote ] && [ "$i" = 2 ]; then
    render namespace-istio-system-remote.yaml CONTEXT="$(cval "$i" CONTEXT)" \
      PRIMARY_MESH_NAME="$(cval 1 MESH_NAME)" | write_file "$dir/namespace-istio-system.yaml"
  else
    render namespace-istio-system.yaml CONTEXT="$(cval "$i" CONTEXT)" |
      write_file "$dir/namespace-istio-system.yaml"
  fi
  render namespace-sample.yaml CONTEXT="$(cval "$i" CONTEXT)" NAMESPACE="$SAMPLE_NAMESPACE" |
    write_file "$dir/namespace-sample.yaml"
}

render_workloads() {
  local i=$1 dir image=$HELLOWORLD_IMAGE_V1
  dir=$(cluster_dir "$i")
  [ "$i" = 2 ] && image=$HELLOWORLD_IMAGE_V2
  render helloworld.yaml CONTEXT="$(cval "$i" CONTEXT)" NAMESPACE="$SAMPLE_NAMESPACE" \
    VERSION="v$i" IMAGE="$image" | write_file "$dir/helloworld.yaml"
  render client.yaml CONTEXT="$(cval "$i" CONTEXT)" NAMESPACE="$SAMPLE_NAMESPACE" \
    CLIENT="$CLIENT" IMAGE="$CLIENT_IMAGE" | write_file "$dir/client.yaml"
  render injection-probe.yaml CONTEXT="$(cval "$i" CONTEXT)" NAMESPACE="$SAMPLE_NAMESPACE" \
    IMAGE="$CLIENT_IMAGE" | write_file "$dir/injection-probe.yaml"
}

# cluster1's Service with istiod's 15012 and 15017, for cluster2 (ISTIOD_VIA=service).
render_cross_cluster_service() {
  render istiod-cross-cluster.yaml NAME="$XC_SERVICE" CONTEXT="$CLUSTER1_CONTEXT" \
    REMOTE_CONTEXT="$CLUSTER2_CONTEXT" | write_file "$(cluster_dir 1)/$XC_SERVICE.yaml"
}

render_mesh_yaml() {
  render mesh.yaml SETTINGS="$SETTINGS_FILE" TOPOLOGY="$TOPOLOGY" \
    C1_MESH_NAME="$CLUSTER1_MESH_NAME" C1_CONTEXT="$CLUSTER1_CONTEXT" \
    C1_POD_SUBNET="$CLUSTER1_POD_SUBNET" C2_MESH_NAME="$CLUSTER2_MESH_NAME" \
    C2_CONTEXT="$CLUSTER2_CONTEXT" C2_POD_SUBNET="$CLUSTER2_POD_SUBNET" \
    NAMESPACE="$SAMPLE_NAMESPACE" CLIENT="$CLIENT" GATE_TOLERANCE="$GATE_TOLERANCE" \
    GATE_ALPHA="$GATE_ALPHA" GATE_MAX_ERROR_RATE="$GATE_MAX_ERROR_RATE" \
    RUN_REQUESTS="$RUN_REQUESTS" RUN_LOOKS="$RUN_LOOKS" RUN_CONCURRENCY="$RUN_CONCURRENCY" \
    RUN_TIMEOUT="$RUN_TIMEOUT" |
    write_file "$OUT/mesh.yaml"
}

# The CA files and each cluster's cacerts secret.
render_trust() {
  local i src
  if [ "$SAMPLES_CERTS" = 1 ]; then
    src="${ISTIO_DIR:-}/samples/certs"
    if [ -z "${ISTIO_DIR:-}" ] || [ ! -f "$src/ca-cert.pem" ]; then
      [ "$DRY_RUN" = 1 ] || die "--samples-certs: no samples/certs in ISTIO_DIR='${ISTIO_DIR:-}' (set ISTIO_DIR to an unpacked Istio $ISTIO_VERSION release)"
      warn "--samples-certs: ISTIO_DIR has no samples/certs; cacerts.yaml not rendered (dry run)"
      return 0
    fi
    say "trust: Istio's samples/certs in both clusters (--samples-certs, as the seed)"
    for i in 1 2; do write_cacerts "$src" "$i"; done
    return 0
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    [ "$DRY_RUN" = 1 ] || die "openssl not found: cannot make the CA (or pass --samples-certs)"
    warn "openssl not found: CA and cacerts.yaml not rendered (dry run)"
    return 0
  fi
  say "trust: shared root CA, one intermediate CA per cluster, in $OUT/certs"
  make_root_ca "$OUT/certs"
  for i in 1 2; do
    make_intermediate_ca "$OUT/certs" "$(cval "$i" NAME)"
    write_cacerts "$OUT/certs/$(cval "$i" NAME)" "$i"
  done
}

# write_cacerts DIR INDEX: cluster INDEX's cacerts.yaml, which holds its CA key: 0600 in 0700.
write_cacerts() {
  local file
  file="$(cluster_dir "$2")/cacerts.yaml"
  private_dir "$(dirname "$file")"
  cacerts_secret "$1" | write_file "$file"
  private_file "$file"
}

render_all() {
  local i
  say "rendering files into $OUT"
  for i in 1 2; do
    render_kind_config "$i"
    render_namespaces "$i"
    render_workloads "$i"
  done
  render_primary_iop 1
  [ "$TOPOLOGY" = multi-primary ] && render_primary_iop 2
  [ "$TOPOLOGY" = primary-remote ] && [ "$ISTIOD_VIA" = service ] && render_cross_cluster_service
  render_trust
  render_mesh_yaml
}
