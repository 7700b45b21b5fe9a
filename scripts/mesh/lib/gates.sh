# shellcheck shell=bash
# The fail-fast gates of up.sh. Without them a mesh that cannot work shows up as a rollout
# timeout minutes later; each gate stops the run at the step that cannot work, and says what it
# tried and where to look.
#
#   gate_istiod_ports ADDRESS SOURCE   primary-remote, before the remote install: from cluster2's
#       node container, TCP to ADDRESS:15012 (xDS) and ADDRESS:15017 (injection webhook). The
#       remote chart gives cluster2 a selector-less `istiod` Service (15012, 443->15017) with
#       Endpoints at remotePilotAddress on 15012 and 15017 (istio-discovery templates
#       remote-istiod-service.yaml, remote-istiod-endpoints.yaml), so cluster2's API server and
#       sidecars reach exactly these two ports from cluster2's nodes.
#   gate_injection INDEX   before the workloads: a server-side dry-run create of a pod in the
#       sample namespace. The API server runs the admission chain, so it calls Istio's injection
#       webhook (failurePolicy: Fail, mutatingwebhook.yaml) and returns the pod as it would be
#       stored, which must carry the istio-proxy container; nothing is stored.

GATE_PORTS=(15012 15017)

one_line() { tr '\n' ' ' <<<"$1" | sed 's/ *$//'; }

gate_port_role() {
  case "$1" in
    15012) printf '%s' "xDS, the sidecars' connection to istiod" ;;
    15017) printf '%s' "the sidecar injection webhook, which cluster2's API server calls" ;;
  esac
}

# tcp_open NODE IP PORT: a TCP connection from inside the node container (bash's /dev/tcp;
# kind's node image has bash and coreutils' timeout).
tcp_open() {
  docker exec "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3"
}

gate_istiod_ports() {
  local addr=$1 source=$2 node port
  node="$CLUSTER2_NAME-control-plane"
  say "gate: istiod answers on ${GATE_PORTS[*]} at $addr, from $node"
  for port in "${GATE_PORTS[@]}"; do
    wait_until "$WAIT_GATE" 2 "$addr:$port answers from $node" \
      "$(quote_cmd docker exec "$node" timeout 3 bash -c "exec 3<>/dev/tcp/$addr/$port")" \
      tcp_open "$node" "$addr" "$port" || gate_ports_failed "$addr" "$port" "$source" "$node"
  done
}

gate_ports_failed() {
  local addr=$1 port=$2 source=$3 node=$4 c1=$CLUSTER1_CONTEXT
  local -a look
  if [ "$ISTIOD_VIA" = service ]; then
    look=("kubectl --context $c1 -n istio-system get service $XC_SERVICE   (must list ${GATE_PORTS[*]})"
      "kubectl --context $c1 -n istio-system get endpoints $XC_SERVICE   (istiod's pod IP on ${GATE_PORTS[*]})")
  else
    look=("kubectl --context $c1 -n istio-system get pods -l app=istiod -o wide   (a Running pod at $addr)")
  fi
  look+=("docker exec $node ip route get $addr   (must go via the IP of $CLUSTER1_NAME-control-plane; routes vanish when a node container restarts: re-run up.sh)"
    "--istiod-via podip or service: README, \"How cluster2 reaches istiod\"")
  die_lines "gate: $node cannot reach istiod at $addr:$port ($(gate_port_role "$port")) within ${WAIT_GATE}s; nothing was installed in $CLUSTER2_CONTEXT. $addr is the $source." \
    "last answer: $(one_line "${WAIT_OUTPUT:-(none: the connection timed out)}")" \
    "tried: $(quote_cmd docker exec "$node" timeout 3 bash -c "exec 3<>/dev/tcp/$addr/$port")" \
    "look at:" "${look[@]/#/  }"
}

# Containers of the dry-run pod, init containers first (Istio's native sidecar is one).
PROBE_OUTPUT='jsonpath={.spec.initContainers[*].name} {.spec.containers[*].name}'

probe_file() { printf '%s/injection-probe.yaml' "$(cluster_dir "$1")"; }

# injects INDEX: the API server of cluster INDEX returns the probe pod with istio-proxy in it.
injects() {
  local i=$1 out
  out=$(kubectl --context "$(cval "$i" CONTEXT)" -n "$SAMPLE_NAMESPACE" create --dry-run=server \
    -f "$(probe_file "$i")" -o "$PROBE_OUTPUT" 2>&1) || {
    printf '%s\n' "$out"
    return 1
  }
  if [[ " $out " != *" istio-proxy "* ]]; then
    printf 'the pod was admitted without a sidecar (containers: %s)\n' "$out"
    return 1
  fi
}

gate_injection() {
  local i=$1 ctx
  ctx=$(cval "$i" CONTEXT)
  say "gate: $ctx injects sidecars into pods in $SAMPLE_NAMESPACE (server-side dry run, nothing is created)"
  wait_until "$WAIT_GATE" 5 "$ctx admits a pod in $SAMPLE_NAMESPACE with istio-proxy" \
    "$(quote_cmd kubectl --context "$ctx" -n "$SAMPLE_NAMESPACE" create --dry-run=server \
      -f "$(probe_file "$i")" -o "$PROBE_OUTPUT")" \
    injects "$i" || gate_injection_failed "$i"
}

gate_injection_failed() {
  local i=$1 ctx istiod_ctx=$CLUSTER1_CONTEXT
  ctx=$(cval "$i" CONTEXT)
  [ "$TOPOLOGY" = multi-primary ] && istiod_ctx=$ctx
  local -a look=("kubectl --context $ctx get namespace $SAMPLE_NAMESPACE --show-labels   (istio-injection=enabled)"
    "kubectl --context $ctx get mutatingwebhookconfiguration istio-sidecar-injector -o yaml   (service istio-system/istiod port 443, and a caBundle)")
  if [ "$TOPOLOGY" = primary-remote ] && [ "$i" = 2 ]; then
    look+=("kubectl --context $ctx -n istio-system get endpoints istiod   (remotePilotAddress on 15012 and 15017; $CLUSTER1_CONTEXT's istiod writes the caBundle once the remote secret is synced)")
  else
    look+=("kubectl --context $ctx -n istio-system get endpoints istiod   (the istiod pod on 15017)")
  fi
  look+=("kubectl --context $istiod_ctx -n istio-system logs deployment/istiod | grep -i -e inject -e webhook")
  die_lines "gate: $ctx does not inject sidecars: a server-side dry run of a pod in $SAMPLE_NAMESPACE still failed after ${WAIT_GATE}s; no workload was applied." \
    "last answer: $(one_line "${WAIT_OUTPUT:-(none)}")" \
    "tried: $(quote_cmd kubectl --context "$ctx" -n "$SAMPLE_NAMESPACE" create --dry-run=server -f "$(probe_file "$i")" -o "$PROBE_OUTPUT")" \
    "look at:" "${look[@]/#/  }"
}
